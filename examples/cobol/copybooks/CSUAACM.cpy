      *****************************************************************
      * CSUAACM.cpy - Access Control Maintenance: the parameters of
      * CSUAACM that SOFTCCA.cpy's common fields (return and reason
      * code, exit data, rule array) do not have. COPY it into the
      * same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUAACM.
      *     CALL 'CSUAACM' USING SC-RETURN-CODE SC-REASON-CODE
      *          SC-EXIT-DATA-LENGTH SC-EXIT-DATA
      *          SC-RULE-ARRAY-COUNT SC-RULE-ARRAY
      *          ACM-NAME ACM-OUTPUT-DATA-LENGTH ACM-OUTPUT-DATA
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * Rule array: one of LSTROLES, GET-ROLE, DEL-ROLE, LSTPROFS,
      * GET-PROF, DEL-PROF, Q-NUM-RP. Reference page:
      * docs/CSUAACM.md.
      *****************************************************************
      *    GET-ROLE, DEL-ROLE: a role id; GET-PROF, DEL-PROF: a user
      *    id; 8 characters padded with blanks. Unused otherwise.
           05  ACM-NAME                PIC X(8) VALUE SPACES.
      *    In: the size of ACM-OUTPUT-DATA (a multiple of 4);
      *    out: the bytes written. Integers in the output are
      *    big-endian (IBM's layout).
           05  ACM-OUTPUT-DATA-LENGTH  PIC S9(9) COMP-5 VALUE 4096.
           05  ACM-OUTPUT-DATA         PIC X(4096) VALUE LOW-VALUES.
