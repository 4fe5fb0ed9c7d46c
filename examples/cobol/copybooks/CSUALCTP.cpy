      * CSUALCTP: the logon paragraphs of the sample programs (PROCEDURE
      * DIVISION text: COPY CSUALCTP. after the program's paragraphs).
      * Needs COPY SOFTCCA. and COPY CSUALCT. in WORKING-STORAGE, and
      * from the program: WS-PASSPHRASE (PIC X), WS-STEP (PIC X) and a
      * CHECK-CODES paragraph that reports SC-RETURN-CODE for WS-STEP.
      *
      * CSUALCT LOGON PPHRASE as LCT-USER-ID with the passphrase in
      * WS-PASSPHRASE: until LOGOFF, the calls run under the role of
      * that profile.
       CALL-LOGON.
           MOVE 2 TO SC-RULE-ARRAY-COUNT
           MOVE 'LOGON' TO SC-RULE-KW(1)
           MOVE 'PPHRASE' TO SC-RULE-KW(2)
           MOVE 0 TO LCT-AUTH-PARMS-LENGTH
           MOVE WS-PASSPHRASE TO LCT-AUTH-DATA
           COMPUTE LCT-AUTH-DATA-LENGTH = FUNCTION LENGTH(
               FUNCTION TRIM(WS-PASSPHRASE TRAILING))
           PERFORM CALL-LCT
           MOVE SPACES TO LCT-AUTH-DATA
           MOVE SPACES TO WS-PASSPHRASE
           MOVE SPACES TO WS-STEP
           STRING 'CSUALCT LOGON ' LCT-USER-ID DELIMITED BY SIZE
                  INTO WS-STEP
           END-STRING
           PERFORM CHECK-CODES.
      *
      * CSUALCT LOGOFF: back to the DEFAULT role.
       CALL-LOGOFF.
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'LOGOFF' TO SC-RULE-KW(1)
           PERFORM CALL-LCT
           MOVE 'CSUALCT LOGOFF' TO WS-STEP
           PERFORM CHECK-CODES.
      *
      * CSUALCT with the rule array set by the caller.
       CALL-LCT.
           CALL 'CSUALCT' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                LCT-USER-ID LCT-AUTH-PARMS-LENGTH LCT-AUTH-PARMS
                LCT-AUTH-DATA-LENGTH LCT-AUTH-DATA
           END-CALL.
