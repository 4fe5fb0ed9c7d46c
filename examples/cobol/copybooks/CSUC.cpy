      *****************************************************************
      * CSUC.cpy - the operator-card verbs: the parameters of
      * CSUCRDL, CSUCINS, CSUCGLB,
      * CSUCCPN and CSUCERA that SOFTCCA.cpy's common fields (return and
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
      *    CSUCCPN, and the outputs.
           05  SC-READER-NAME          PIC X(128) VALUE SPACES.
           05  SC-PIN-LENGTH           PIC S9(9) COMP-5 VALUE 0.
           05  SC-PIN                  PIC X(64) VALUE SPACES.
           05  SC-NEW-PIN-LENGTH       PIC S9(9) COMP-5 VALUE 0.
           05  SC-NEW-PIN              PIC X(64) VALUE SPACES.
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
