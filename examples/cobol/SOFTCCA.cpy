      *****************************************************************
      * SOFTCCA.cpy - the common parameters of ICSF/CCA callable
      * services, for GnuCOBOL programs that call libsoftcca.
      *
      * COPY it inside one 01 group (like IBM's COBOLXMP SAPI-REC):
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      * Every parameter is passed BY REFERENCE, in the order of the
      * verb's parameter list (docs and include/softcca.h):
      *     CALL 'CSNBKRR' USING SC-RETURN-CODE SC-REASON-CODE
      *          SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
      *          SC-KEY-TOKEN
      *
      * Integers are ICSF fullwords: 4 bytes, NATIVE byte order, so
      * declare them PIC S9(9) COMP-5. GnuCOBOL stores COMP/BINARY
      * big-endian; those would reach the library byte-swapped
      * (8 reads as 134217728) unless compiled with
      * -fbinary-byteorder=native. No SYNC is needed: softcca reads
      * and writes integers at any address, odd ones included.
      *
      * Keywords and labels are blank padded, with no NUL: MOVE 'SET'
      * TO SC-RULE-KW(1) gives 'SET     '. Labels must be upper case.
      * A 64-byte key token of LOW-VALUES is a null token.
      *
      * Return codes: 0 ok, 4 warning, 8 failed (outputs unchanged),
      * 12 not ready (no master key, state directory), 16 internal.
      * Reason codes: docs/codes.md.
      *****************************************************************
      *    Return and reason code, written by every verb.
           05  SC-RETURN-CODE          PIC S9(9) COMP-5 VALUE 0.
           05  SC-REASON-CODE          PIC S9(9) COMP-5 VALUE 0.
      *    Exit data: accepted and ignored (pass 0 and 4 bytes).
           05  SC-EXIT-DATA-LENGTH     PIC S9(9) COMP-5 VALUE 0.
           05  SC-EXIT-DATA            PIC X(4) VALUE LOW-VALUES.
      *    Rule array: count, then count 8-byte keywords.
           05  SC-RULE-ARRAY-COUNT     PIC S9(9) COMP-5 VALUE 0.
           05  SC-RULE-ARRAY.
               10  SC-RULE-KW          PIC X(8) OCCURS 16 TIMES.
      *    Key identifiers: a 64-byte key label or key token.
           05  SC-KEY-LABEL            PIC X(64) VALUE SPACES.
           05  SC-KEY-TOKEN            PIC X(64) VALUE LOW-VALUES.
           05  SC-KEY-IDENTIFIER       PIC X(64) VALUE SPACES.
      *    CSNBMKP: one 24-byte master-key part.
           05  SC-KEY-PART             PIC X(24) VALUE LOW-VALUES.
      *    CSNBKRL: name of the list file written, its length, and
      *    the security server name (set to blanks).
           05  SC-DATA-SET-NAME-LENGTH PIC S9(9) COMP-5 VALUE 0.
           05  SC-DATA-SET-NAME        PIC X(64) VALUE SPACES.
           05  SC-SECURITY-SERVER-NAME PIC X(8) VALUE SPACES.
      *    CSNBKTB: key type, key value (KEY only), reserved field 1
      *    (a fullword that must be 0), reserved fields 2-6 (ignored),
      *    control vector (CV only) and master-key verification
      *    pattern (KEY only).
           05  SC-KEY-TYPE             PIC X(8) VALUE SPACES.
           05  SC-KEY-VALUE            PIC X(16) VALUE LOW-VALUES.
           05  SC-RESERVED-1           PIC S9(9) COMP-5 VALUE 0.
           05  SC-RESERVED-2           PIC S9(9) COMP-5 VALUE 0.
           05  SC-RESERVED-3           PIC X(8) VALUE LOW-VALUES.
           05  SC-RESERVED-4           PIC X(8) VALUE LOW-VALUES.
           05  SC-RESERVED-5           PIC S9(9) COMP-5 VALUE 0.
           05  SC-RESERVED-6           PIC X(8) VALUE LOW-VALUES.
           05  SC-CONTROL-VECTOR       PIC X(16) VALUE LOW-VALUES.
           05  SC-MKVP                 PIC X(8) VALUE LOW-VALUES.
      *    CSNBKPI: one 16-byte clear key part (first 8 for a single-
      *    length key).
           05  SC-CLEAR-KEY-PART       PIC X(16) VALUE LOW-VALUES.
      *    CSNBKYT: random number and verification pattern.
           05  SC-VALUE-1              PIC X(8) VALUE LOW-VALUES.
           05  SC-VALUE-2              PIC X(8) VALUE LOW-VALUES.
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
