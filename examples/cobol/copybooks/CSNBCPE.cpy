      *****************************************************************
      * CSNBCPE.cpy - Clear PIN Encrypt: the parameters of
      * CSNBCPE that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBCPE.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBCPE.md.
      *****************************************************************
      *    OPINENC key (label or token), clear PIN (digits, blank
      *    padded), PIN profile, PAN data, sequence number (99999:
      *    none) and the encrypted PIN block (out).
           05  CPE-PIN-KEY-ID          PIC X(64) VALUE SPACES.
           05  CPE-CLEAR-PIN           PIC X(16) VALUE SPACES.
           05  CPE-PIN-PROFILE         PIC X(24) VALUE SPACES.
           05  CPE-PAN-DATA            PIC X(12) VALUE SPACES.
           05  CPE-SEQUENCE-NUMBER     PIC S9(9) COMP-5 VALUE 99999.
           05  CPE-ENCRYPTED-PIN-BLOCK PIC X(8) VALUE LOW-VALUES.
