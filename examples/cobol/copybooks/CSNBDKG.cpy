      *****************************************************************
      * CSNBDKG.cpy - Diversified Key Generate: the parameters of
      * CSNBDKG that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBDKG.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBDKG.md.
      *****************************************************************
      *    Derivation data: length (8 to 34 by process) and data.
           05  DKG-DATA-LENGTH         PIC S9(9) COMP-5 VALUE 0.
           05  DKG-DATA                PIC X(34) VALUE LOW-VALUES.
      *    Generating key (DKYGENKY), data-decrypting key (a null
      *    token), generated key (skeleton or null token, or label).
           05  DKG-GENERATING-KEY-ID   PIC X(64) VALUE SPACES.
           05  DKG-DATA-DECRYPTING-ID  PIC X(64) VALUE LOW-VALUES.
           05  DKG-GENERATED-KEY-ID    PIC X(64) VALUE LOW-VALUES.
