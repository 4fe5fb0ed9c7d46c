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
