      *****************************************************************
      * CSUALCT.cpy - Access Control Logon: the parameters of
      * CSUALCT that SOFTCCA.cpy's common fields (return and reason
      * code, exit data, rule array) do not have. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUALCT.
      *     CALL 'CSUALCT' USING SC-RETURN-CODE SC-REASON-CODE
      *          SC-EXIT-DATA-LENGTH SC-EXIT-DATA
      *          SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
      *          LCT-USER-ID LCT-AUTH-PARMS-LENGTH LCT-AUTH-PARMS
      *          LCT-AUTH-DATA-LENGTH LCT-AUTH-DATA
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Rule array: LOGON with PPHRASE or CARD, or LOGOFF.
      * Reference page: docs/CSUALCT.md.
      *****************************************************************
      *    The profile's user id, 8 characters padded with blanks.
           05  LCT-USER-ID             PIC X(8) VALUE SPACES.
      *    PPHRASE: length 0. CARD: the reader, 128 characters
      *    padded with blanks (set the length to 128).
           05  LCT-AUTH-PARMS-LENGTH   PIC S9(9) COMP-5 VALUE 0.
           05  LCT-AUTH-PARMS          PIC X(128) VALUE SPACES.
      *    PPHRASE: the passphrase; CARD: the card's PIN. Set the
      *    length to the number of bytes typed; clear the field after
      *    the call (MOVE SPACES).
           05  LCT-AUTH-DATA-LENGTH    PIC S9(9) COMP-5 VALUE 0.
           05  LCT-AUTH-DATA           PIC X(256) VALUE SPACES.
