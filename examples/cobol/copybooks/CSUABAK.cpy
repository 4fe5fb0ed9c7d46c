      *****************************************************************
      * CSUABAK.cpy - Directory Backup and Directory Restore: the
      * parameters of CSUABAK and CSUARST that SOFTCCA.cpy's common
      * fields (return and reason code, exit data, rule array) do not
      * have. COPY it into the same 01 group as SOFTCCA.cpy:
      *     01  SAPI-REC.
      *         COPY SOFTCCA.
      *         COPY CSUABAK.
      * Fullwords are PIC S9(9) COMP-5 (4 bytes, native order).
      * The path is absolute and not NUL-terminated: set its length
      * to the bytes used (1..1024).
      * Reference pages: docs/CSUABAK.md, docs/CSUARST.md.
      *****************************************************************
           05  BAK-PATH-LENGTH         PIC S9(9) COMP-5 VALUE 0.
           05  BAK-PATH                PIC X(1024) VALUE SPACES.
