      *****************************************************************
      * CSNBKTB.cpy - Key Token Build: the parameters of
      * CSNBKTB that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKTB.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBKTB.md.
      *****************************************************************
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
