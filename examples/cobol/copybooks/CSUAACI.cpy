      *****************************************************************
      * CSUAACI.cpy - Access Control Initialization: the parameters
      * of CSUAACI that SOFTCCA.cpy's common fields (return and
      * reason code, exit data, rule array) do not have. COPY it
      * into the same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUAACI.
      *     CALL 'CSUAACI' USING SC-RETURN-CODE SC-REASON-CODE
      *          SC-EXIT-DATA-LENGTH SC-EXIT-DATA
      *          SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
      *          ACI-VERB-DATA-1-LENGTH ACI-VERB-DATA-1
      *          ACI-VERB-DATA-2-LENGTH ACI-VERB-DATA-2
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Rule array: INIT-AC (REPLACE), CHGEXPDT, CHG-AD or RESET-FC.
      * The profile and role structures inside the verb data are
      * IBM's, with big-endian integers: docs/CSUAACI.md.
      *****************************************************************
      *    INIT-AC: profiles. CHGEXPDT, CHG-AD, RESET-FC: the user id
      *    (8 characters, length 8).
           05  ACI-VERB-DATA-1-LENGTH  PIC S9(9) COMP-5 VALUE 0.
           05  ACI-VERB-DATA-1         PIC X(4096) VALUE LOW-VALUES.
      *    INIT-AC: roles. CHGEXPDT: the date YYYYMMDD (length 8).
      *    CHG-AD: one authentication-data structure.
           05  ACI-VERB-DATA-2-LENGTH  PIC S9(9) COMP-5 VALUE 0.
           05  ACI-VERB-DATA-2         PIC X(4096) VALUE LOW-VALUES.
