      *****************************************************************
      * CSNBKPI.cpy - Key Part Import: the parameters of
      * CSNBKPI that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKPI.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBKPI.md.
      *****************************************************************
      *    CSNBKPI: one 16-byte clear key part (first 8 for a single-
      *    length key).
           05  SC-CLEAR-KEY-PART       PIC X(16) VALUE LOW-VALUES.
