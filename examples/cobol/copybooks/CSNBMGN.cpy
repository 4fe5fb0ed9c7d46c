      *****************************************************************
      * CSNBMGN.cpy - MAC Generate and MAC Verify: the parameters of
      * CSNBMGN and CSNBMVR that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBMGN.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBMGN.md.
      *****************************************************************
      *    The text is the caller's own field; pass its length here
      *    (0 to 32 MiB - 9).
           05  MAC-TEXT-LENGTH         PIC S9(9) COMP-5 VALUE 0.
      *    Chaining vector (FIRST, MIDDLE, LAST; 18 bytes).
           05  MAC-CHAINING-VECTOR     PIC X(18) VALUE LOW-VALUES.
      *    The MAC: 4, 6 or 8 bytes, or 8/9 hex characters (HEX-8,
      *    HEX-9); CSNBMVR reads 9 bytes.
           05  MAC-MAC                 PIC X(9) VALUE LOW-VALUES.
