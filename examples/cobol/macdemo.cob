      *****************************************************************
      * MACDEMO - MAC Generate and Verify, and Facility Query, from
      * GnuCOBOL with the verb copybooks (copybooks/*.cpy).
      *
      * 1. Cryptographic Facility Query (CSUACFQ STATCCA): the current
      *    master-key register is empty, then loaded after a DEMO ONLY
      *    master key is loaded (CSNBMKP CLEAR, FIRST, LAST, SET),
      *    the first part by key custodian CUST1, the last part and
      *    SET by CUST2, each logged on (CALL 'CSUALCT').
      * 2. Imports the FIPS PUB 113 test key 0123456789ABCDEF as a
      *    single-length MAC key from two clear parts (CSNBKTB MAC
      *    SINGLE KEY-PART, CSNBKPI FIRST as CUST1, LAST as CUST2).
      *    Then logged off: the MAC verbs run on the DEFAULT role.
      * 3. MAC Generate (CSNBMGN X9.9-1 MACLEN8) of the FIPS PUB 113
      *    text '7654321 Now is the time for ': the published MAC is
      *    F1D30F6849312CA4 (tests/data/mac.txt fips113, the value
      *    c-tests/test_csnbmgn.c checks).
      * 4. MAC Verify (CSNBMVR): the MAC verifies (0/0); with one bit
      *    changed it does not (4/8004).
      *
      * RETURN-CODE is 0 when every call returned what was expected,
      * else 1. The state directory is $SOFTCCA_HOME; use a fresh
      * one in which examples/c/demo_profiles.c has enrolled CUST1
      * and CUST2. Build: cobc -x -fstatic-call -I copybooks macdemo.cob
      * -L<libdir> -lsoftcca (see Makefile).
      *****************************************************************
       IDENTIFICATION DIVISION.
       PROGRAM-ID. MACDEMO.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  SAPI-REC.
           05  FILLER                  PIC X(1).
           COPY SOFTCCA.
           COPY CSNBMKP.
           COPY CSNBKTB.
           COPY CSNBKPI.
           COPY CSNBMGN.
           COPY CSUACFQ.
           COPY CSUALCT.
      *
      * DEMO ONLY passphrases of the key custodians, enrolled by
      * examples/c/demo_profiles.c: never use them for real profiles.
       01  DEMO-CUST1-PASSPHRASE       PIC X(32)
                          VALUE 'DEMO ONLY cust1 passphrase'.
       01  DEMO-CUST2-PASSPHRASE       PIC X(32)
                          VALUE 'DEMO ONLY cust2 passphrase'.
       01  WS-PASSPHRASE               PIC X(32).
      *
      * DEMO ONLY master-key parts (as in KEYSDEMO).
       01  DEMO-MK-PART-1.
           05  FILLER PIC X(8) VALUE X'0123456789ABCDEF'.
           05  FILLER PIC X(8) VALUE X'FEDCBA9876543210'.
           05  FILLER PIC X(8) VALUE X'89ABCDEF01234567'.
       01  DEMO-MK-PART-2.
           05  FILLER PIC X(8) VALUE X'F1E0D3C2B5A49786'.
           05  FILLER PIC X(8) VALUE X'2A3B4C5D6E7F8091'.
           05  FILLER PIC X(8) VALUE X'4A5B6D7C8F9EA1B0'.
      *
      * The FIPS PUB 113 key 0123456789ABCDEF as two clear parts
      * (part 1 XOR part 2), its text and its MAC.
       01  MAC-PART-1                  PIC X(8)
                                       VALUE X'1032547698BADCFE'.
       01  MAC-PART-2                  PIC X(8)
                                       VALUE X'1111111111111111'.
       01  FIPS-TEXT                   PIC X(28)
                                 VALUE '7654321 Now is the time for '.
       01  FIPS-MAC                    PIC X(8)
                                       VALUE X'F1D30F6849312CA4'.
      *
       01  WS-STEP                     PIC X(24).
       01  WS-WANT-RC                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-WANT-RS                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-RC-EDIT                  PIC -(9)9.
       01  WS-RS-EDIT                  PIC -(9)9.
       01  WS-FAILURES                 PIC 9(4) VALUE 0.
       01  WS-WANT-CMK                 PIC X(8).
      *
       PROCEDURE DIVISION.
       MAIN-PARA.
           DISPLAY 'MACDEMO: MAC verbs from GnuCOBOL with copybooks'
      *
           DISPLAY '1. facility query, master key from two parts'
           MOVE '1' TO WS-WANT-CMK
           PERFORM CALL-CFQ
           MOVE 'CUST1' TO LCT-USER-ID
           MOVE DEMO-CUST1-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'CLEAR' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-KEY-PART
           PERFORM CALL-MKP
           MOVE 'FIRST' TO SC-RULE-KW(1)
           MOVE DEMO-MK-PART-1 TO SC-KEY-PART
           PERFORM CALL-MKP
           PERFORM CALL-LOGOFF
           MOVE 'CUST2' TO LCT-USER-ID
           MOVE DEMO-CUST2-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'LAST' TO SC-RULE-KW(1)
           MOVE DEMO-MK-PART-2 TO SC-KEY-PART
           PERFORM CALL-MKP
           MOVE 'SET' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-KEY-PART
           PERFORM CALL-MKP
           PERFORM CALL-LOGOFF
           MOVE '2' TO WS-WANT-CMK
           PERFORM CALL-CFQ
      *
           DISPLAY '2. the FIPS PUB 113 MAC key from two parts'
           MOVE 'MAC' TO SC-KEY-TYPE
           MOVE 2 TO SC-RULE-ARRAY-COUNT
           MOVE 'SINGLE' TO SC-RULE-KW(1)
           MOVE 'KEY-PART' TO SC-RULE-KW(2)
           CALL 'CSNBKTB' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                SC-KEY-TYPE SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-KEY-VALUE SC-RESERVED-1 SC-RESERVED-2
                SC-RESERVED-3 SC-CONTROL-VECTOR SC-RESERVED-4
                SC-RESERVED-5 SC-RESERVED-6 SC-MKVP
           END-CALL
           MOVE 'CSNBKTB MAC' TO WS-STEP
           PERFORM CHECK-CODES
           MOVE 'CUST1' TO LCT-USER-ID
           MOVE DEMO-CUST1-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'FIRST' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-CLEAR-KEY-PART
           MOVE MAC-PART-1 TO SC-CLEAR-KEY-PART(1:8)
           PERFORM CALL-KPI
           PERFORM CALL-LOGOFF
           MOVE 'CUST2' TO LCT-USER-ID
           MOVE DEMO-CUST2-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'LAST' TO SC-RULE-KW(1)
           MOVE MAC-PART-2 TO SC-CLEAR-KEY-PART(1:8)
           PERFORM CALL-KPI
           PERFORM CALL-LOGOFF
           MOVE LOW-VALUES TO SC-CLEAR-KEY-PART
      *
           DISPLAY '3. CSNBMGN X9.9-1 MACLEN8 of the FIPS PUB 113 text'
           MOVE 28 TO MAC-TEXT-LENGTH
           MOVE 3 TO SC-RULE-ARRAY-COUNT
           MOVE 'X9.9-1' TO SC-RULE-KW(1)
           MOVE 'MACLEN8' TO SC-RULE-KW(2)
           MOVE 'ONLY' TO SC-RULE-KW(3)
           MOVE LOW-VALUES TO MAC-MAC
           CALL 'CSNBMGN' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                MAC-TEXT-LENGTH FIPS-TEXT SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY MAC-CHAINING-VECTOR MAC-MAC
           END-CALL
           MOVE 'CSNBMGN' TO WS-STEP
           PERFORM CHECK-CODES
           IF MAC-MAC(1:8) = FIPS-MAC
              DISPLAY '  OK   MAC F1D30F6849312CA4, the published one'
           ELSE
              DISPLAY '  FAIL MAC differs from F1D30F6849312CA4'
              ADD 1 TO WS-FAILURES
           END-IF
      *
           DISPLAY '4. CSNBMVR: the MAC, then one bit changed'
           PERFORM CALL-MVR
           MOVE 'CSNBMVR' TO WS-STEP
           PERFORM CHECK-CODES
           MOVE X'F0' TO MAC-MAC(1:1)
           PERFORM CALL-MVR
           MOVE 'CSNBMVR changed MAC' TO WS-STEP
           MOVE 4 TO WS-WANT-RC
           MOVE 8004 TO WS-WANT-RS
           PERFORM CHECK-CODES
      *
           IF WS-FAILURES = 0
              DISPLAY 'MACDEMO: all calls returned the expected codes'
              MOVE 0 TO RETURN-CODE
           ELSE
              DISPLAY 'MACDEMO: ' WS-FAILURES ' call(s) FAILED'
              MOVE 1 TO RETURN-CODE
           END-IF
           STOP RUN.
      *
       CALL-CFQ.
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'STATCCA' TO SC-RULE-KW(1)
           CALL 'CSUACFQ' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY CFQ-VERB-DATA-LENGTH CFQ-VERB-DATA
           END-CALL
           MOVE 'CSUACFQ STATCCA' TO WS-STEP
           PERFORM CHECK-CODES
           IF SC-RULE-ARRAY-COUNT = 6
              AND SC-RULE-KW(2) = WS-WANT-CMK
              DISPLAY '  OK   6 elements, current master key status '
                      FUNCTION TRIM(SC-RULE-KW(2))
           ELSE
              DISPLAY '  FAIL STATCCA: count ' SC-RULE-ARRAY-COUNT
                      ', current master key status ' SC-RULE-KW(2)
              ADD 1 TO WS-FAILURES
           END-IF.
      *
      * CALL-LOGON, CALL-LOGOFF and CALL-LCT: copybook CSUALCTP.cpy.
           COPY CSUALCTP.
      *
       CALL-MKP.
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           CALL 'CSNBMKP' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY SC-KEY-PART
           END-CALL
           MOVE SPACES TO WS-STEP
           STRING 'CSNBMKP ' SC-RULE-KW(1) DELIMITED BY SIZE
                  INTO WS-STEP
           END-STRING
           PERFORM CHECK-CODES.
      *
       CALL-KPI.
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           CALL 'CSNBKPI' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY SC-CLEAR-KEY-PART SC-KEY-TOKEN
           END-CALL
           MOVE SPACES TO WS-STEP
           STRING 'CSNBKPI ' SC-RULE-KW(1) DELIMITED BY SIZE
                  INTO WS-STEP
           END-STRING
           PERFORM CHECK-CODES.
      *
       CALL-MVR.
           MOVE 28 TO MAC-TEXT-LENGTH
           MOVE 3 TO SC-RULE-ARRAY-COUNT
           MOVE 'X9.9-1' TO SC-RULE-KW(1)
           MOVE 'MACLEN8' TO SC-RULE-KW(2)
           MOVE 'ONLY' TO SC-RULE-KW(3)
           CALL 'CSNBMVR' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                MAC-TEXT-LENGTH FIPS-TEXT SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY MAC-CHAINING-VECTOR MAC-MAC
           END-CALL.
      *
      * Displays the codes; counts a failure unless they are the
      * wanted ones (0/0 unless set); resets the wanted codes.
       CHECK-CODES.
           MOVE SC-RETURN-CODE TO WS-RC-EDIT
           MOVE SC-REASON-CODE TO WS-RS-EDIT
           IF SC-RETURN-CODE = WS-WANT-RC
              AND SC-REASON-CODE = WS-WANT-RS
              DISPLAY '  OK   ' WS-STEP ' rc=' FUNCTION TRIM(WS-RC-EDIT)
                      ' rs=' FUNCTION TRIM(WS-RS-EDIT)
           ELSE
              DISPLAY '  FAIL ' WS-STEP ' rc=' FUNCTION TRIM(WS-RC-EDIT)
                      ' rs=' FUNCTION TRIM(WS-RS-EDIT)
              ADD 1 TO WS-FAILURES
           END-IF
           MOVE 0 TO WS-WANT-RC
           MOVE 0 TO WS-WANT-RS.
