      *****************************************************************
      * CSNBKYT.cpy - Key Test: the parameters of
      * CSNBKYT that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKYT.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBKYT.md.
      *****************************************************************
      *    CSNBKYT: random number and verification pattern.
           05  SC-VALUE-1              PIC X(8) VALUE LOW-VALUES.
           05  SC-VALUE-2              PIC X(8) VALUE LOW-VALUES.
