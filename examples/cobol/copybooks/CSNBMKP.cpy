      *****************************************************************
      * CSNBMKP.cpy - Master Key Process: the parameters of
      * CSNBMKP that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBMKP.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBMKP.md.
      *****************************************************************
      *    CSNBMKP: one 24-byte master-key part.
           05  SC-KEY-PART             PIC X(24) VALUE LOW-VALUES.
