      *****************************************************************
      * CSUACFQ.cpy - Cryptographic Facility Query: the parameters of
      * CSUACFQ that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUACFQ.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSUACFQ.md.
      *****************************************************************
      *    The answer comes back in SOFTCCA.cpy's rule array (count
      *    and up to 9 elements of 8 bytes). Verb data: length (set
      *    to 0) and the unused field.
           05  CFQ-VERB-DATA-LENGTH    PIC S9(9) COMP-5 VALUE 0.
           05  CFQ-VERB-DATA           PIC X(4) VALUE LOW-VALUES.
