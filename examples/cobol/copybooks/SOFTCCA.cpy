      *****************************************************************
      * SOFTCCA.cpy - the common parameters of ICSF/CCA callable
      * services, for GnuCOBOL programs that call libsoftcca.
      *
      * COPY it inside one 01 group (like IBM's COBOLXMP SAPI-REC),
      * with the copybook of each verb called (<VERB>.cpy; CSNBKTC,
      * CSNBKRC, CSNBKRW, CSNBKRR and CSNBKRD need only these):
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKTB.
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
