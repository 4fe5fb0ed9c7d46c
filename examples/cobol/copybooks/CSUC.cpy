      *****************************************************************
      * CSUC.cpy - the operator-card verbs: the parameters of
      * CSUCRDL, CSUCINS, CSUCGLB, CSUCCPN, CSUCERA, CSUCCPY and of the
      * custody verbs (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST, CSUCSST,
      * CSUCBND, CSUCACT, CSUCPBD, CSUCAUT) that SOFTCCA.cpy's
      * common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUC.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference pages: docs/card-verbs.md.
      *****************************************************************
      *    Operator-card verbs (CSUC..., docs/card-verbs.md): the
      *    reader name (128 bytes, blank padded), a PIN and its
      *    length (8 typed digits or letters), a second PIN for
      *    CSUCCPN, the target reader of CSUCCPY (SC-READER-NAME is
      *    its source), and the outputs.
           05  SC-READER-NAME          PIC X(128) VALUE SPACES.
           05  SC-PIN-LENGTH           PIC S9(9) COMP-5 VALUE 0.
           05  SC-PIN                  PIC X(64) VALUE SPACES.
           05  SC-NEW-PIN-LENGTH       PIC S9(9) COMP-5 VALUE 0.
           05  SC-NEW-PIN              PIC X(64) VALUE SPACES.
           05  SC-TARGET-READER-NAME   PIC X(128) VALUE SPACES.
      *    CSUCGLB: label length (in: 64) and the label.
           05  SC-CARD-LABEL-LENGTH    PIC S9(9) COMP-5 VALUE 64.
           05  SC-CARD-LABEL           PIC X(64) VALUE SPACES.
      *    CSUCRDL: entries (in: room, out: written), 136 bytes each.
           05  SC-READER-COUNT         PIC S9(9) COMP-5 VALUE 16.
           05  SC-READER-LIST.
               10  SC-READER-ENTRY     OCCURS 16 TIMES.
                   15  SC-RDR-NAME     PIC X(128).
                   15  SC-RDR-STATUS   PIC X(8).
      *    CSUCINS: length (in: 364) and the Inspect record
      *    (docs/CSUCINS.md): ASCII fields, blank padded.
           05  SC-INSPECT-DATA-LENGTH  PIC S9(9) COMP-5 VALUE 364.
           05  SC-INSPECT-DATA.
               10  SC-INS-ATR          PIC X(66).
               10  SC-INS-CSN          PIC X(32).
               10  SC-INS-FAMILY       PIC X(32).
               10  SC-INS-CARD-NAME    PIC X(32).
               10  SC-INS-CARD-OS      PIC X(16).
               10  SC-INS-PROG-VER     PIC X(2).
               10  SC-INS-CHIP-VER     PIC X(2).
               10  SC-INS-LOCK1        PIC X(2).
               10  SC-INS-LOCK2        PIC X(2).
               10  SC-INS-CARD-TYPE    PIC X(8).
               10  SC-INS-PIN-LOCKED   PIC X(32).
               10  SC-INS-PIN-SCR      PIC 9(2).
               10  SC-INS-MMPN         PIC 9(2).
               10  SC-INS-CONTENT-KIND PIC X(8).
               10  SC-INS-SET-ID       PIC X(32).
               10  SC-INS-SET-M        PIC X(3).
               10  SC-INS-SET-N        PIC X(3).
               10  SC-INS-SET-INDEX    PIC X(3).
               10  SC-INS-CHECK-VALUE  PIC X(16).
               10  SC-INS-LABEL-GIVEN  PIC X(1).
               10  SC-INS-LABEL-LENGTH PIC 9(2).
               10  SC-INS-LABEL        PIC X(64).
               10  SC-INS-PROFILE-VER  PIC 9(2).
      *    Custody sets (docs/custody.md): M and N of a set to create
      *    or copy (CSUCSVK, CSUCPAS, CSUCCST).
           05  SC-SET-M                PIC S9(9) COMP-5 VALUE 2.
           05  SC-SET-N                PIC S9(9) COMP-5 VALUE 3.
      *    Ceremony buffer (in: 4096), passed back with each NEXT call;
      *    its 96-byte header is clear ASCII (docs/custody.md), the
      *    rest encrypted state.
           05  SC-CEREMONY-LENGTH      PIC S9(9) COMP-5 VALUE 4096.
           05  SC-CEREMONY.
               10  SC-CER-EYE          PIC X(8).
               10  SC-CER-VERB         PIC X(8).
               10  SC-CER-PHASE        PIC X(8).
               10  SC-CER-KIND         PIC X(4).
               10  SC-CER-M            PIC 9(3).
               10  SC-CER-N            PIC 9(3).
               10  SC-CER-DONE         PIC 9(3).
               10  SC-CER-SET-ID       PIC X(32).
               10  SC-CER-CHECK-VALUE  PIC X(16).
      *        CSUCCST: M' and N' of the set being written, shown
      *        from the FIRST call on (blank for the other verbs).
               10  SC-CER-TARGET-M     PIC X(3).
               10  SC-CER-TARGET-N     PIC X(3).
               10  FILLER              PIC X(5).
               10  SC-CER-STATE        PIC X(4000).
      *    CSUCPBD, CSUCAUT: the partition password (1 to 256
      *    bytes, its length in SC-PART-PASSWORD-LENGTH) and, for
      *    CSUCAUT, the expiry in seconds (0: none; at most 31536000).
           05  SC-PART-PASSWORD-LENGTH PIC S9(9) COMP-5 VALUE 0.
           05  SC-PART-PASSWORD        PIC X(256) VALUE SPACES.
           05  SC-AUTH-EXPIRY          PIC S9(9) COMP-5 VALUE 0.
      *    CSUCSST: length (in: 168) and the Set Status record.
           05  SC-SET-STATUS-LENGTH    PIC S9(9) COMP-5 VALUE 168.
           05  SC-SET-STATUS.
               10  SC-SST-STATUS       PIC X(8).
               10  SC-SST-CONTENT-KIND PIC X(8).
               10  SC-SST-SET-ID       PIC X(32).
               10  SC-SST-SET-M        PIC X(3).
               10  SC-SST-SET-N        PIC X(3).
               10  SC-SST-SET-INDEX    PIC X(3).
               10  SC-SST-CARDS        PIC X(3).
               10  SC-SST-CHECK-VALUE  PIC X(16).
               10  SC-SST-COPIED-FROM  PIC X(32).
               10  SC-SST-SET-LABEL    PIC X(60).
