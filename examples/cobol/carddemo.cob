      *****************************************************************
      * CARDDEMO - softcca's operator-card verbs from GnuCOBOL.
      *
      * 1. Inspect (CSUCINS) without a PIN on the card in reader
      *    $SOFTCCA_CARD_READER (default 'Virtual PCD 00 01', card 1
      *    of scripts/virtual-cards.sh): CSN, PIN Locked, SCR, MMPN,
      *    content kind.
      * 2. Get Label (CSUCGLB) needs the point X'F033' of the role
      *    CUSTODY: the card operator OPERATOR logs on (CALL
      *    'CSUALCT' LOGON PPHRASE, DEMO ONLY passphrase, enrolled by
      *    examples/c/demo_profiles.c). A wrong PIN: 8/X'F1C6'
      *    (61894), six presentations left.
      * 3. Get Label with the transport PIN: 0/0, an empty label;
      *    OPERATOR logs off.
      * 4. Inspect with the PIN: the label is given, SCR back to 0.
      *
      * The card is not changed. RETURN-CODE is 0 when every call
      * returned what was expected, else 1. Build: see Makefile.
      *****************************************************************
       IDENTIFICATION DIVISION.
       PROGRAM-ID. CARDDEMO.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  SAPI-REC.
           05  FILLER                  PIC X(1).
           COPY SOFTCCA.
           COPY CSUC.
           COPY CSUALCT.
      * DEMO ONLY passphrase of the card operator.
       01  DEMO-OPERATOR-PASSPHRASE    PIC X(32)
                          VALUE 'DEMO ONLY operator passphrase'.
       01  WS-FAILURES                 PIC 9(4) VALUE 0.
       01  WS-READER                   PIC X(128) VALUE SPACES.
       01  WS-WANT-RS                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-RC                       PIC -(9)9.
       01  WS-RS                       PIC -(9)9.
       01  WS-VERB                     PIC X(24).
       PROCEDURE DIVISION.
           DISPLAY 'CARDDEMO: operator card verbs from GnuCOBOL'
           ACCEPT WS-READER FROM ENVIRONMENT 'SOFTCCA_CARD_READER'
           IF WS-READER = SPACES
              MOVE 'Virtual PCD 00 01' TO WS-READER
           END-IF
           MOVE WS-READER TO SC-READER-NAME
           MOVE 0 TO SC-RULE-ARRAY-COUNT
      *
           DISPLAY '1. Inspect without a PIN'
           MOVE 0 TO SC-PIN-LENGTH
           MOVE 364 TO SC-INSPECT-DATA-LENGTH
           CALL 'CSUCINS' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-READER-NAME SC-PIN-LENGTH SC-PIN
                SC-INSPECT-DATA-LENGTH SC-INSPECT-DATA
           MOVE 'CSUCINS' TO WS-VERB
           MOVE 0 TO WS-WANT-RS
           PERFORM CHECK-CODES
           DISPLAY '  CSN         ' FUNCTION TRIM(SC-INS-CSN)
           DISPLAY '  PIN Locked: ' FUNCTION TRIM(SC-INS-PIN-LOCKED)
           DISPLAY '  PIN SCR     ' SC-INS-PIN-SCR
           DISPLAY '  MMPN        ' SC-INS-MMPN
           DISPLAY '  content     ' FUNCTION TRIM(SC-INS-CONTENT-KIND)
           DISPLAY '  label given ' SC-INS-LABEL-GIVEN
      *
           DISPLAY '2. Get Label with a wrong PIN'
           MOVE 2 TO SC-RULE-ARRAY-COUNT
           MOVE 'LOGON' TO SC-RULE-KW(1)
           MOVE 'PPHRASE' TO SC-RULE-KW(2)
           MOVE 'OPERATOR' TO LCT-USER-ID
           MOVE DEMO-OPERATOR-PASSPHRASE TO LCT-AUTH-DATA
           COMPUTE LCT-AUTH-DATA-LENGTH = FUNCTION LENGTH(
               FUNCTION TRIM(DEMO-OPERATOR-PASSPHRASE TRAILING))
           PERFORM CALL-LCT
           MOVE SPACES TO LCT-AUTH-DATA
           MOVE 'CSUALCT LOGON OPERATOR' TO WS-VERB
           MOVE 0 TO WS-WANT-RS
           PERFORM CHECK-CODES
           MOVE 0 TO SC-RULE-ARRAY-COUNT
           MOVE '00000000' TO SC-PIN
           MOVE 8 TO SC-PIN-LENGTH
           PERFORM CALL-GLB
           MOVE 61894 TO WS-WANT-RS
           PERFORM CHECK-CODES
      *
           DISPLAY '3. Get Label with the transport PIN'
           MOVE '12345678' TO SC-PIN
           PERFORM CALL-GLB
           MOVE 0 TO WS-WANT-RS
           PERFORM CHECK-CODES
           MOVE SC-CARD-LABEL-LENGTH TO WS-RC
           DISPLAY '  label length ' FUNCTION TRIM(WS-RC)
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'LOGOFF' TO SC-RULE-KW(1)
           PERFORM CALL-LCT
           MOVE 'CSUALCT LOGOFF' TO WS-VERB
           PERFORM CHECK-CODES
           MOVE 0 TO SC-RULE-ARRAY-COUNT
      *
           DISPLAY '4. Inspect with the PIN'
           MOVE 364 TO SC-INSPECT-DATA-LENGTH
           CALL 'CSUCINS' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-READER-NAME SC-PIN-LENGTH SC-PIN
                SC-INSPECT-DATA-LENGTH SC-INSPECT-DATA
           MOVE 'CSUCINS' TO WS-VERB
           PERFORM CHECK-CODES
           DISPLAY '  PIN SCR     ' SC-INS-PIN-SCR
           DISPLAY '  label given ' SC-INS-LABEL-GIVEN
                   ' length ' SC-INS-LABEL-LENGTH
      *
           MOVE SPACES TO SC-PIN
           IF WS-FAILURES = 0
              DISPLAY 'CARDDEMO: all calls returned what was expected'
              MOVE 0 TO RETURN-CODE
           ELSE
              DISPLAY 'CARDDEMO: ' WS-FAILURES ' unexpected result(s)'
              MOVE 1 TO RETURN-CODE
           END-IF
           STOP RUN.
      *
      * CSUALCT with the rule array set by the caller.
       CALL-LCT.
           CALL 'CSUALCT' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                LCT-USER-ID LCT-AUTH-PARMS-LENGTH LCT-AUTH-PARMS
                LCT-AUTH-DATA-LENGTH LCT-AUTH-DATA
           END-CALL.
       CALL-GLB.
           MOVE 64 TO SC-CARD-LABEL-LENGTH
           CALL 'CSUCGLB' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-READER-NAME SC-PIN-LENGTH SC-PIN
                SC-CARD-LABEL-LENGTH SC-CARD-LABEL
           MOVE 'CSUCGLB' TO WS-VERB.
      *
       CHECK-CODES.
           MOVE SC-RETURN-CODE TO WS-RC
           MOVE SC-REASON-CODE TO WS-RS
           IF (WS-WANT-RS = 0 AND SC-RETURN-CODE = 0
                 AND SC-REASON-CODE = 0)
              OR (WS-WANT-RS NOT = 0 AND SC-RETURN-CODE = 8
                 AND SC-REASON-CODE = WS-WANT-RS)
              DISPLAY '  OK   ' WS-VERB ' RC=' FUNCTION TRIM(WS-RC)
                      ' RS=' FUNCTION TRIM(WS-RS)
           ELSE
              DISPLAY '  FAIL ' WS-VERB ' RC=' FUNCTION TRIM(WS-RC)
                      ' RS=' FUNCTION TRIM(WS-RS)
              ADD 1 TO WS-FAILURES
           END-IF.
