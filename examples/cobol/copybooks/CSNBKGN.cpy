      *****************************************************************
      * CSNBKGN.cpy - Key Generate: the parameters of
      * CSNBKGN that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBKGN.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBKGN.md.
      *****************************************************************
      *    Key form (OP), key length (SINGLE, DOUBLE, ...), key types,
      *    the two KEK identifiers (read, not used by OP) and the two
      *    generated key identifiers (1: skeleton or null token in,
      *    token out).
           05  KGN-KEY-FORM            PIC X(4) VALUE 'OP'.
           05  KGN-KEY-LENGTH          PIC X(8) VALUE SPACES.
           05  KGN-KEY-TYPE-1          PIC X(8) VALUE SPACES.
           05  KGN-KEY-TYPE-2          PIC X(8) VALUE SPACES.
           05  KGN-KEK-ID-1            PIC X(64) VALUE LOW-VALUES.
           05  KGN-KEK-ID-2            PIC X(64) VALUE LOW-VALUES.
           05  KGN-GENERATED-ID-1      PIC X(64) VALUE LOW-VALUES.
           05  KGN-GENERATED-ID-2      PIC X(64) VALUE LOW-VALUES.
