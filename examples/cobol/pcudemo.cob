      *****************************************************************
      * PCUDEMO - an EMV PIN change with softcca, from GnuCOBOL.
      *
      * 1. Loads a DEMO ONLY master key from two clear parts under
      *    dual control: key custodian CUST1 logs on (CALL 'CSUALCT'
      *    LOGON PPHRASE) and loads the first part (CSNBMKP CLEAR,
      *    FIRST), custodian CUST2 the last (LAST) and sets it (SET).
      * 2. Imports three keys from two clear parts each: the issuer
      *    master keys IMK-AC (DKYGENKY DMAC) and IMK-SMC (DKYGENKY
      *    DMPIN), and a PIN key (IPINENC): CSNBKTB builds a skeleton
      *    token with KEY-PART, CUST1 adds the first part (CSNBKPI
      *    FIRST), CUST2 the last (LAST).
      * 3. CUST2 stores each key under a CKDS label (CSNBKRC,
      *    CSNBKRW) and logs off; on the DEFAULT role the key is read
      *    back (CSNBKRR).
      * 4. Calls CSNBPCU (TDES-XOR VISAPCU2) with the three labels,
      *    on DEFAULT as an application does, and DISPLAYs the
      *    16-byte PIN message in hex.
      * 5. Compares it with the published answer.
      *
      * All keys are published TEST keys, test set 1 of
      * tests/vectors/README.md
      * (pyemv's HSM-checked vectors): part 1 XOR part 2 is the key.
      * Card: PAN 1234567890123456, PSN 01, ATC FFFF; new PIN 9999
      * and current PIN 8888, ISO-0 blocks encrypted under the PIN
      * key (same README). Known answer (tests/data/pcu.txt,
      * s9-set1-pcu2-ffff): C29371CC36BA70C1EE671384F0D3A7B9.
      * Never use these keys for real cards.
      *
      * RETURN-CODE is 0 when every call returned what was expected
      * and the message matches, else 1. The state directory is
      * $SOFTCCA_HOME; use a fresh one in which
      * examples/c/demo_profiles.c has enrolled CUST1 and CUST2.
      *
      * Build: cobc -x -fstatic-call pcudemo.cob -L<libdir> -lsoftcca
      *        (see Makefile). Integers are COMP-5 in groups without
      *        SYNC, like IBM's COBOLXMP; FILLERs put them at odd
      *        addresses.
      *****************************************************************
       IDENTIFICATION DIVISION.
       PROGRAM-ID. PCUDEMO.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  SAPI-REC.
           05  FILLER                  PIC X(1).
           COPY SOFTCCA.
           COPY CSNBMKP.
           COPY CSNBKTB.
           COPY CSNBKPI.
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
      * The CSNBPCU parameters (CSNBPCU.cpy), at odd addresses.
       01  PCU-REC.
           05  FILLER                  PIC X(3).
           COPY CSNBPCU.
      *
       01  KNOWN-ANSWER                PIC X(16)
                          VALUE X'C29371CC36BA70C1EE671384F0D3A7B9'.
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
      * Key parts of the test-set-1 keys (tests/vectors/README.md;
      * part 1 XOR part 2):
      * IMK-AC  FEDCBA98765432100123456789ABCDEF,
      * IMK-SMC 11111111111111112222222222222222 (even parity: the
      *         key-part steps warn 0/4, the key is used as it is),
      * PIN key 0123456789ABCDEFFEDCBA9876543210.
       01  AC-PART-1                   PIC X(16)
                          VALUE X'0EBA6B1F0BABE67FA84A0E0B5BB67F01'.
       01  AC-PART-2                   PIC X(16)
                          VALUE X'F066D1877DFFD46FA9694B6CD21DB2EE'.
       01  SMC-PART-1                  PIC X(16)
                          VALUE X'2E56B877B7C50518A681F51B8B5ACF99'.
       01  SMC-PART-2                  PIC X(16)
                          VALUE X'3F47A966A6D4140984A3D739A978EDBB'.
       01  PIN-PART-1                  PIC X(16)
                          VALUE X'FD6B83CB67FD6486DF91C26EA232168A'.
       01  PIN-PART-2                  PIC X(16)
                          VALUE X'FC48C6ACEE56A969214D78F6D466249A'.
      *
       01  WS-KEY-LABEL                PIC X(64).
       01  WS-PART-1                   PIC X(16).
       01  WS-PART-2                   PIC X(16).
       01  WS-KPI-RS                   PIC S9(9) COMP-5 VALUE 0.
       01  WS-TOKEN-WRITTEN            PIC X(64).
       01  WS-STEP                     PIC X(24).
       01  WS-WANT-RC                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-WANT-RS                  PIC S9(9) COMP-5 VALUE 0.
       01  WS-RC-EDIT                  PIC -(9)9.
       01  WS-RS-EDIT                  PIC -(9)9.
       01  WS-FAILURES                 PIC 9(4) VALUE 0.
      * Hex conversion.
       01  WS-HEX-DIGITS               PIC X(16)
                                       VALUE '0123456789ABCDEF'.
       01  WS-HEX-IN                   PIC X(16).
       01  WS-HEX-LEN                  PIC S9(4) COMP-5.
       01  WS-HEX-OUT                  PIC X(32).
       01  WS-I                        PIC S9(4) COMP-5.
       01  WS-BYTE                     PIC S9(4) COMP-5.
       01  WS-HI                       PIC S9(4) COMP-5.
       01  WS-LO                       PIC S9(4) COMP-5.
      *
       PROCEDURE DIVISION.
       MAIN-PARA.
           DISPLAY 'PCUDEMO: EMV PIN change with softcca from GnuCOBOL'
      *
           DISPLAY '1. master key from two DEMO ONLY parts, one per '
                   'custodian'
           PERFORM LOGON-CUST1
           MOVE 'CLEAR' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-KEY-PART
           PERFORM CALL-MKP
           MOVE 'FIRST' TO SC-RULE-KW(1)
           MOVE DEMO-MK-PART-1 TO SC-KEY-PART
           PERFORM CALL-MKP
           PERFORM CALL-LOGOFF
           PERFORM LOGON-CUST2
           MOVE 'LAST' TO SC-RULE-KW(1)
           MOVE DEMO-MK-PART-2 TO SC-KEY-PART
           PERFORM CALL-MKP
           MOVE 'SET' TO SC-RULE-KW(1)
           MOVE LOW-VALUES TO SC-KEY-PART
           PERFORM CALL-MKP
           PERFORM CALL-LOGOFF
      *
           DISPLAY '2. import keys from two parts, store, read back'
           MOVE 'ISSUER.MDK.AC' TO WS-KEY-LABEL
           MOVE 'DKYGENKY' TO SC-KEY-TYPE
           MOVE 3 TO SC-RULE-ARRAY-COUNT
           MOVE 'DKYL0' TO SC-RULE-KW(1)
           MOVE 'DMAC' TO SC-RULE-KW(2)
           MOVE 'KEY-PART' TO SC-RULE-KW(3)
           MOVE AC-PART-1 TO WS-PART-1
           MOVE AC-PART-2 TO WS-PART-2
           MOVE 0 TO WS-KPI-RS
           PERFORM IMPORT-KEY
      *
           MOVE 'ISSUER.MDK.SMC' TO WS-KEY-LABEL
           MOVE 'DKYGENKY' TO SC-KEY-TYPE
           MOVE 3 TO SC-RULE-ARRAY-COUNT
           MOVE 'DKYL0' TO SC-RULE-KW(1)
           MOVE 'DMPIN' TO SC-RULE-KW(2)
           MOVE 'KEY-PART' TO SC-RULE-KW(3)
           MOVE SMC-PART-1 TO WS-PART-1
           MOVE SMC-PART-2 TO WS-PART-2
      *    The published test key 1111...2222 has even parity: Key
      *    Part Import accepts it with the parity warning 0/4.
           MOVE 4 TO WS-KPI-RS
           PERFORM IMPORT-KEY
      *
           MOVE 'ISSUER.PIN.KEY' TO WS-KEY-LABEL
           MOVE 'IPINENC' TO SC-KEY-TYPE
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'KEY-PART' TO SC-RULE-KW(1)
           MOVE PIN-PART-1 TO WS-PART-1
           MOVE PIN-PART-2 TO WS-PART-2
           MOVE 0 TO WS-KPI-RS
           PERFORM IMPORT-KEY
           MOVE LOW-VALUES TO WS-PART-1 WS-PART-2 SC-CLEAR-KEY-PART
      *
           DISPLAY '3. CSNBPCU TDES-XOR VISAPCU2 with the labels'
           MOVE 'ISSUER.MDK.AC' TO PCU-AUTH-ID
           MOVE 'ISSUER.MDK.SMC' TO PCU-ENC-ID
      *    D (PAN || PSN, rightmost 16 digits, packed) || ATC.
           MOVE 10 TO PCU-KGD-LEN
           MOVE X'3456789012345601FFFF' TO PCU-KGD
           MOVE 'ISSUER.PIN.KEY' TO PCU-NEW-ID PCU-CUR-ID
           MOVE X'278CE4308BF9844D' TO PCU-NEW-BLOCK
           MOVE X'00AC61598137740A' TO PCU-CUR-BLOCK
           MOVE 'ISO-0   NONE' TO PCU-NEW-PROFILE PCU-CUR-PROFILE
           MOVE '456789012345' TO PCU-NEW-PAN PCU-CUR-PAN
           MOVE 64 TO PCU-CUR-LEN
           MOVE 'VISAPCU2NONE' TO PCU-OUT-PROFILE
           MOVE 2 TO SC-RULE-ARRAY-COUNT
           MOVE 'TDES-XOR' TO SC-RULE-KW(1)
           MOVE 'VISAPCU2' TO SC-RULE-KW(2)
           CALL 'CSNBPCU' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA
                SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                PCU-AUTH-LEN PCU-AUTH-ID PCU-ENC-LEN PCU-ENC-ID
                PCU-KGD-LEN PCU-KGD
                PCU-NEW-LEN PCU-NEW-ID PCU-NEW-BLOCK
                PCU-NEW-PROFILE PCU-NEW-PAN
                PCU-CUR-LEN PCU-CUR-ID PCU-CUR-BLOCK
                PCU-CUR-PROFILE PCU-CUR-PAN
                PCU-OUT-DATA-LEN PCU-OUT-DATA PCU-OUT-PROFILE
                PCU-MSG-LEN PCU-MSG
           END-CALL
           MOVE 'CSNBPCU' TO WS-STEP
           PERFORM CHECK-CODES
           MOVE PCU-MSG TO WS-HEX-IN
           MOVE 16 TO WS-HEX-LEN
           PERFORM TO-HEX
           DISPLAY '  PIN message ' WS-HEX-OUT
           IF PCU-MSG-LEN = 16 AND PCU-MSG = KNOWN-ANSWER
              DISPLAY '  OK   PIN message matches the published answer'
           ELSE
              DISPLAY '  FAIL PIN message differs from the published'
                      ' answer C29371CC36BA70C1EE671384F0D3A7B9'
              ADD 1 TO WS-FAILURES
           END-IF
      *
           IF WS-FAILURES = 0
              DISPLAY 'PCUDEMO: all calls returned the expected codes'
              MOVE 0 TO RETURN-CODE
           ELSE
              DISPLAY 'PCUDEMO: ' WS-FAILURES ' check(s) FAILED'
              MOVE 1 TO RETURN-CODE
           END-IF
           STOP RUN.
      *
      * Logs on as key custodian CUST1, or CUST2 (DEMO ONLY).
       LOGON-CUST1.
           MOVE 'CUST1' TO LCT-USER-ID
           MOVE DEMO-CUST1-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON.
       LOGON-CUST2.
           MOVE 'CUST2' TO LCT-USER-ID
           MOVE DEMO-CUST2-PASSPHRASE TO WS-PASSPHRASE
           PERFORM CALL-LOGON.
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
      * Key WS-KEY-LABEL: CSNBKTB skeleton of SC-KEY-TYPE with the
      * rule array set by the caller; CUST1 logs on (which sets the
      * rule array): CSNBKPI FIRST WS-PART-1;
      * CUST2: LAST WS-PART-2 (expecting reason WS-KPI-RS), CSNBKRC,
      * CSNBKRW; logged off: CSNBKRR and compare with the token.
       IMPORT-KEY.
           DISPLAY '   ' FUNCTION TRIM(WS-KEY-LABEL)
           MOVE LOW-VALUES TO SC-KEY-TOKEN
           CALL 'CSNBKTB' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                SC-KEY-TYPE SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
                SC-KEY-VALUE SC-RESERVED-1 SC-RESERVED-2
                SC-RESERVED-3 SC-CONTROL-VECTOR SC-RESERVED-4
                SC-RESERVED-5 SC-RESERVED-6 SC-MKVP
           END-CALL
           MOVE SPACES TO WS-STEP
           STRING 'CSNBKTB ' SC-KEY-TYPE DELIMITED BY SIZE
                  INTO WS-STEP
           END-STRING
           PERFORM CHECK-CODES
      *    CSNBKTB needs no logon: the custodians log on after it.
           PERFORM LOGON-CUST1
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'FIRST' TO SC-RULE-KW(1)
           MOVE WS-PART-1 TO SC-CLEAR-KEY-PART
           PERFORM CALL-KPI
           PERFORM CALL-LOGOFF
           PERFORM LOGON-CUST2
           MOVE 1 TO SC-RULE-ARRAY-COUNT
           MOVE 'LAST' TO SC-RULE-KW(1)
           MOVE WS-PART-2 TO SC-CLEAR-KEY-PART
           PERFORM CALL-KPI
      *
           MOVE WS-KEY-LABEL TO SC-KEY-LABEL
           CALL 'CSNBKRC' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
           END-CALL
           MOVE 'CSNBKRC' TO WS-STEP
           PERFORM CHECK-CODES
           CALL 'CSNBKRW' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-TOKEN
                SC-KEY-LABEL
           END-CALL
           MOVE 'CSNBKRW' TO WS-STEP
           PERFORM CHECK-CODES
           PERFORM CALL-LOGOFF
           MOVE SC-KEY-TOKEN TO WS-TOKEN-WRITTEN
           MOVE LOW-VALUES TO SC-KEY-TOKEN
           CALL 'CSNBKRR' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-KEY-LABEL
                SC-KEY-TOKEN
           END-CALL
           MOVE 'CSNBKRR' TO WS-STEP
           PERFORM CHECK-CODES
           IF SC-KEY-TOKEN = WS-TOKEN-WRITTEN
              DISPLAY '  OK   token read back equals token written'
           ELSE
              DISPLAY '  FAIL token read back differs'
              ADD 1 TO WS-FAILURES
           END-IF.
      *
      * CSNBKPI with the keyword in SC-RULE-KW(1) on SC-KEY-TOKEN.
       CALL-KPI.
           CALL 'CSNBKPI' USING SC-RETURN-CODE SC-REASON-CODE
                SC-EXIT-DATA-LENGTH SC-EXIT-DATA SC-RULE-ARRAY-COUNT
                SC-RULE-ARRAY SC-CLEAR-KEY-PART SC-KEY-TOKEN
           END-CALL
           MOVE SPACES TO WS-STEP
           STRING 'CSNBKPI ' SC-RULE-KW(1) DELIMITED BY SIZE
                  INTO WS-STEP
           END-STRING
           MOVE WS-KPI-RS TO WS-WANT-RS
           PERFORM CHECK-CODES.
      *
      * WS-HEX-OUT = hex of the first WS-HEX-LEN bytes of WS-HEX-IN.
       TO-HEX.
           MOVE SPACES TO WS-HEX-OUT
           PERFORM VARYING WS-I FROM 1 BY 1 UNTIL WS-I > WS-HEX-LEN
              COMPUTE WS-BYTE = FUNCTION ORD(WS-HEX-IN(WS-I:1)) - 1
              DIVIDE WS-BYTE BY 16 GIVING WS-HI REMAINDER WS-LO
              MOVE WS-HEX-DIGITS(WS-HI + 1:1)
                TO WS-HEX-OUT(2 * WS-I - 1:1)
              MOVE WS-HEX-DIGITS(WS-LO + 1:1)
                TO WS-HEX-OUT(2 * WS-I:1)
           END-PERFORM.
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
