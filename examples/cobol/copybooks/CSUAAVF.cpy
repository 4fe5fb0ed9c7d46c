      *****************************************************************
      * CSUAAVF.cpy - Audit Log Verify: the parameters of CSUAAVF
      * that SOFTCCA.cpy's common fields (return and reason code,
      * exit data, rule array) do not have. COPY it into the same
      * 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUAAVF.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSUAAVF.md.
      *****************************************************************
      *    Records that verified, the position of the first bad
      *    record (0: the chain verified), and the hash of the last
      *    record that verified (64 hex digits; set the length to 64).
           05  AVF-RECORDS-CHECKED     PIC S9(9) COMP-5 VALUE 0.
           05  AVF-FIRST-BAD-RECORD    PIC S9(9) COMP-5 VALUE 0.
           05  AVF-LAST-HASH-LENGTH    PIC S9(9) COMP-5 VALUE 64.
           05  AVF-LAST-HASH           PIC X(64) VALUE SPACES.
