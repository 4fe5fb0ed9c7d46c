      *****************************************************************
      * KEYSDEMO - softcca from GnuCOBOL.
      *
      * 0. Not logged on, the program runs on the DEFAULT role, which
      *    uses keys and manages none: CSNBMKP CLEAR is refused 8/90.
      * 1. Loads a DEMO ONLY master key from two clear parts under
      *    dual control: key custodian CUST1 logs on (CALL 'CSUALCT'
      *    LOGON PPHRASE) and loads the first part (CSNBMKP CLEAR,
      *    FIRST), custodian CUST2 the last (LAST) and sets it (SET).
      * 2. CUST2 creates a CKDS record (CSNBKRC) and logs off; on
      *    DEFAULT the record is read back: a new record holds a null
      *    key token (CSNBKRR warns 0/8).
      * 3. Imports a double-length DATA key from two clear parts:
      *    Key Token Build (CSNBKTB DATA DOUBLE KEY-PART) makes a
      *    skeleton token, Key Part Import adds the parts, CUST1 the
      *    first (CSNBKPI FIRST), CUST2 the last (LAST). CUST2 writes
      *    the token to the record (CSNBKRW) and logs off; on DEFAULT
      *    it is read back (CSNBKRR), compared, and the key's check
      *    value (CSNBKYT ENC-ZERO) checked against the custodians'.
      * 4. Lists the records DEMO.* into a list file (CSNBKRL).
      *
      * Each call DISPLAYs its return and reason code. RETURN-CODE is
      * 0 when every call returned what was expected, else 1.
      * The state directory is $SOFTCCA_HOME; use a fresh one in
      * which examples/c/demo_profiles.c has enrolled CUST1, CUST2.
      *
      * Build: cobc -x -fstatic-call keysdemo.cob -L<libdir> -lsoftcca
      *        (see Makefile). Integers are COMP-5 in one group
      *        without SYNC, like IBM's COBOLXMP, and a one-byte
      *        FILLER puts every one of them at an odd address.
      *****************************************************************
       IDENTIFICATION DIVISION.
       PROGRAM-ID. KEYSDEMO.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  SAPI-REC.
           05  FILLER                  PIC X(1).
           COPY SOFTCCA.
           COPY CSNBMKP.
           COPY CSNBKTB.
           COPY CSNBKPI.
           COPY CSNBKYT.
           COPY CSNBKRL.
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
      * DEMO ONLY master-key parts. These values are published in the
      * softcca sources: never load them into a real key store.
       01  DEMO-MK-PART-1.
           05  FILLER PIC X(8) VALUE X'0123456789ABCDEF'.
           05  FILLER PIC X(8) VALUE X'FEDCBA9876543210'.
           05  FILLER PIC X(8) VALUE X'89ABCDEF01234567'.
       01  DEMO-MK-PART-2.
           05  FILLER PIC X(8) VALUE X'F1E0D3C2B5A49786'.
           05  FILLER PIC X(8) VALUE X'2A3B4C5D6E7F8091'.
           05  FILLER PIC X(8) VALUE X'4A5B6D7C8F9EA1B0'.
      *
      * Two clear parts of a TEST DATA key, as two key custodians
      * would enter them; part 1 XOR part 2 is the key
      * 760DA880379B38EA497CB0C83754F870 (tests/data/kcv.txt
      * rnd-double-0), whose check value E(0) starts X'64FB465E'.
       01  DATA-PART-1                 PIC X(16)
                          VALUE X'2C313E8F51029D294A79A8EF4CD91C5E'.
       01  DATA-PART-2                 PIC X(16)
                          VALUE X'5A3C960F6699A5C3030518277B8DE42E'.
       01  DATA-KCV                    PIC X(4) VALUE X'64FB465E'.
       01  WS-TOKEN-WRITTEN            PIC X(64).
      *
       01  WS-LABEL                    PIC X(64)
                                       VALUE 'DEMO.COBOL.DATAKEY'.
       01  WS-STEP                     PIC X(24).
       01  WS-WANT-RC                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-WANT-RS                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-RC-EDIT                  PIC -(9)9.
       01  WS-RS-EDIT                  PIC -(9)9.
       01  WS-FAILURES                 PIC 9(4) VALUE 0.
       01  WS-START                    PIC S9(9) COMP-5 VALUE 0.
       01  WS-LIST-FILE                PIC X(12) VALUE SPACES.
      *
       PROCEDURE DIVISION.
       MAIN-PARA.
           DISPLAY 'KEYSDEMO: softcca called from GnuCOBOL'
      *
           DISPLAY '0. not logged on: the DEFAULT role manages no key'
           MOVE 'CLEAR' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-KEY-PART
           MOVE 8 TO WS-WANT-RC
           MOVE 90 TO WS-WANT-RS
           PERFORM CALL-MKP
           DISPLAY "       refused as it should be: X'0032' is not "
                   "in DEFAULT"
      *
           DISPLAY '1. master key from two DEMO ONLY parts, one per '
                   'custodian'
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
      *
           DISPLAY '2. create record ' FUNCTION TRIM(WS-LABEL)
           MOVE WS-LABEL TO SC-KEY-LABEL
           CALL 'CSNBKRC' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
           END-CALL
           MOVE 'CSNBKRC' TO WS-STEP
           PERFORM CHECK-CODES
           PERFORM CALL-LOGOFF
      *    A new record holds a null token: warning 0/8.
           MOVE HIGH-VALUES TO SC-KEY-TOKEN
           PERFORM CALL-KRR
           MOVE 0 TO WS-WANT-RC
           MOVE 8 TO WS-WANT-RS
           PERFORM CHECK-CODES
           IF SC-KEY-TOKEN = LOW-VALUES
              DISPLAY '  OK   new record holds a null key token'
           ELSE
              DISPLAY '  FAIL new record does not hold a null token'
              ADD 1 TO WS-FAILURES
           END-IF
      *
           DISPLAY '3. import a DATA key from two parts, write it, '
                   'read it back'
           MOVE 'CUST1' TO LCT-USER-ID
           MOVE DEMO-CUST1-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'DATA' TO SC-KEY-TYPE
           MOVE 2 TO SC-RULE-ARRAY-COUNT
           MOVE 'DOUBLE' TO SC-RULE-KW(1)
           MOVE 'KEY-PART' TO SC-RULE-KW(2)
           CALL 'CSNBKTB' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                SC-KEY-TYPE SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-KEY-VALUE SC-RESERVED-1 SC-RESERVED-2
                SC-RESERVED-3 SC-CONTROL-VECTOR SC-RESERVED-4
                SC-RESERVED-5 SC-RESERVED-6 SC-MKVP
           END-CALL
           MOVE 'CSNBKTB DATA' TO WS-STEP
           PERFORM CHECK-CODES
           MOVE 'FIRST' TO SC-RULE-KW(1)
           MOVE DATA-PART-1 TO SC-CLEAR-KEY-PART
           PERFORM CALL-KPI
           PERFORM CALL-LOGOFF
           MOVE 'CUST2' TO LCT-USER-ID
           MOVE DEMO-CUST2-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON
           MOVE 'LAST' TO SC-RULE-KW(1)
           MOVE DATA-PART-2 TO SC-CLEAR-KEY-PART
           PERFORM CALL-KPI
           MOVE LOW-VALUES TO SC-CLEAR-KEY-PART
           CALL 'CSNBKRW' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                SC-KEY-LABEL
           END-CALL
           MOVE 'CSNBKRW' TO WS-STEP
           PERFORM CHECK-CODES
           PERFORM CALL-LOGOFF
           MOVE SC-KEY-TOKEN TO WS-TOKEN-WRITTEN
           MOVE LOW-VALUES TO SC-KEY-TOKEN
           PERFORM CALL-KRR
           PERFORM CHECK-CODES
           IF SC-KEY-TOKEN = WS-TOKEN-WRITTEN
              DISPLAY '  OK   token read back equals token written'
           ELSE
              DISPLAY '  FAIL token read back differs'
              ADD 1 TO WS-FAILURES
           END-IF
      *    The key's check value, from the record.
           MOVE 3 TO SC-RULE-ARRAY-COUNT
           MOVE 'GENERATE' TO SC-RULE-KW(1)
           MOVE 'KEY-ENCD' TO SC-RULE-KW(2)
           MOVE 'ENC-ZERO' TO SC-RULE-KW(3)
           CALL 'CSNBKYT' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY SC-KEY-LABEL SC-VALUE-1 SC-VALUE-2
           END-CALL
           MOVE 'CSNBKYT ENC-ZERO' TO WS-STEP
           PERFORM CHECK-CODES
           IF SC-VALUE-2(1:4) = DATA-KCV
              DISPLAY '  OK   check value 64FB465E as on the forms'
           ELSE
              DISPLAY '  FAIL check value differs from 64FB465E'
              ADD 1 TO WS-FAILURES
           END-IF
      *
           DISPLAY '4. list the records DEMO.*'
           MOVE 'DEMO.*' TO SC-KEY-LABEL
           CALL 'CSNBKRL' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
                SC-DATA-SET-NAME-LENGTH SC-DATA-SET-NAME
                SC-SECURITY-SERVER-NAME
           END-CALL
           MOVE 'CSNBKRL' TO WS-STEP
           PERFORM CHECK-CODES
           IF SC-DATA-SET-NAME-LENGTH >= 12
              AND SC-DATA-SET-NAME-LENGTH <= 64
              COMPUTE WS-START = SC-DATA-SET-NAME-LENGTH - 11
              MOVE SC-DATA-SET-NAME(WS-START:12) TO WS-LIST-FILE
              DISPLAY '  list file .../' WS-LIST-FILE
           ELSE
              DISPLAY '  FAIL no list file name returned'
              ADD 1 TO WS-FAILURES
           END-IF
      *
           IF WS-FAILURES = 0
              DISPLAY 'KEYSDEMO: all calls returned the expected codes'
              MOVE 0 TO RETURN-CODE
           ELSE
              DISPLAY 'KEYSDEMO: ' WS-FAILURES ' call(s) FAILED'
              MOVE 1 TO RETURN-CODE
           END-IF
           STOP RUN.
      *
      * CALL-LOGON, CALL-LOGOFF and CALL-LCT: copybook CSUALCTP.cpy.
           COPY CSUALCTP.
      *
      * CSNBMKP with the one keyword in SC-RULE-KW(1).
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
      * CSNBKPI with the keyword in SC-RULE-KW(1) on SC-KEY-TOKEN.
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
      * CSNBKRR of the record SC-KEY-LABEL into SC-KEY-TOKEN.
       CALL-KRR.
           CALL 'CSNBKRR' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
                SC-KEY-TOKEN
           END-CALL
           MOVE 'CSNBKRR' TO WS-STEP.
      *
      * Shows rc/rs of the last call and compares them with
      * WS-WANT-RC/WS-WANT-RS (then resets those to 0/0).
       CHECK-CODES.
           MOVE SC-RETURN-CODE TO WS-RC-EDIT
           MOVE SC-REASON-CODE TO WS-RS-EDIT
           IF SC-RETURN-CODE = WS-WANT-RC
              AND SC-REASON-CODE = WS-WANT-RS
              DISPLAY '  OK   ' WS-STEP
                      ' RC=' FUNCTION TRIM(WS-RC-EDIT)
                      ' RS=' FUNCTION TRIM(WS-RS-EDIT)
           ELSE
              DISPLAY '  FAIL ' WS-STEP
                      ' RC=' FUNCTION TRIM(WS-RC-EDIT)
                      ' RS=' FUNCTION TRIM(WS-RS-EDIT)
                      ' expected ' WS-WANT-RC '/' WS-WANT-RS
              ADD 1 TO WS-FAILURES
           END-IF
           MOVE 0 TO WS-WANT-RC
           MOVE 0 TO WS-WANT-RS.
