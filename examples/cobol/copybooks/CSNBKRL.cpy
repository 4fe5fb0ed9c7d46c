      *****************************************************************
      * CSNBKRL.cpy - Key Record List: the parameters of
      * CSNBKRL that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKRL.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBKRL.md.
      *****************************************************************
      *    CSNBKRL: name of the list file written, its length, and
      *    the security server name (set to blanks).
           05  SC-DATA-SET-NAME-LENGTH PIC S9(9) COMP-5 VALUE 0.
           05  SC-DATA-SET-NAME        PIC X(64) VALUE SPACES.
           05  SC-SECURITY-SERVER-NAME PIC X(8) VALUE SPACES.
