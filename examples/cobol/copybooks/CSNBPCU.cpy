      *****************************************************************
      * CSNBPCU.cpy - PIN Change/Unblock: the parameters of
      * CSNBPCU (and CSNEPCU)
      * that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array, key label, token and
      * identifier) do not have, at IBM's sizes. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSNBPCU.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Reference page: docs/CSNBPCU.md.
      *****************************************************************
      *    Issuer master keys: length (64) and identifier, for the
      *    authentication (DMAC) and the encryption (DMPIN) key.
           05  PCU-AUTH-LEN            PIC S9(9) COMP-5 VALUE 64.
           05  PCU-AUTH-ID             PIC X(64) VALUE SPACES.
           05  PCU-ENC-LEN             PIC S9(9) COMP-5 VALUE 64.
           05  PCU-ENC-ID              PIC X(64) VALUE SPACES.
      *    Key generation data: 10 or 18 bytes (TDES-XOR), also 26
      *    or 34 (TDESEMV2, TDESEMV4).
           05  PCU-KGD-LEN             PIC S9(9) COMP-5 VALUE 10.
           05  PCU-KGD                 PIC X(34) VALUE LOW-VALUES.
      *    New reference PIN: key length (64), key identifier, the
      *    encrypted PIN block, its profile and its PAN data.
           05  PCU-NEW-LEN             PIC S9(9) COMP-5 VALUE 64.
           05  PCU-NEW-ID              PIC X(64) VALUE SPACES.
           05  PCU-NEW-BLOCK           PIC X(8) VALUE LOW-VALUES.
           05  PCU-NEW-PROFILE         PIC X(24) VALUE SPACES.
           05  PCU-NEW-PAN             PIC X(12) VALUE SPACES.
      *    Current reference PIN (VISAPCU2, AMEXPCU1; otherwise the
      *    length must be 0).
           05  PCU-CUR-LEN             PIC S9(9) COMP-5 VALUE 0.
           05  PCU-CUR-ID              PIC X(64) VALUE SPACES.
           05  PCU-CUR-BLOCK           PIC X(8) VALUE LOW-VALUES.
           05  PCU-CUR-PROFILE         PIC X(24) VALUE SPACES.
           05  PCU-CUR-PAN             PIC X(12) VALUE SPACES.
      *    Output PIN data (reserved: length 0), the output profile
      *    (method keyword, NONE, blanks), and the message: length
      *    (in: room, 16 for VISA, 8 for AMEX; out: bytes written).
           05  PCU-OUT-DATA-LEN        PIC S9(9) COMP-5 VALUE 0.
           05  PCU-OUT-DATA            PIC X(8) VALUE LOW-VALUES.
           05  PCU-OUT-PROFILE         PIC X(24) VALUE SPACES.
           05  PCU-MSG-LEN             PIC S9(9) COMP-5 VALUE 16.
           05  PCU-MSG                 PIC X(16) VALUE LOW-VALUES.
