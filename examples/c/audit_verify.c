/*
 * audit_verify: the auditor's check of softcca's audit log (docs/audit.md, docs/CSUAAVF.md).
 *
 * Verifies the hash chain of the audit log in the state directory $SOFTCCA_HOME (the same
 * directory the service uses, or a copy of it made with `cp -a`; read-only is fine) with
 * Audit Log Verify (CSUAAVF) and prints what it found:
 *
 *   audit log: 1042 records verified, chain intact
 *   last record: 1042, hash 9F3C...; note both: a later run must show this hash at record 1042
 *
 * or, when the chain is broken, the first bad record and why:
 *
 *   audit log: 6 records verified; record 7 is bad: X'F209' a field was edited
 *
 * Exit status: 0 chain intact, 1 chain broken (or no log), 2 the verb failed.
 *
 * Build and run (examples/c/Makefile: make -C examples/c audit-verify SOFTCCA_HOME=...):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include -o audit_verify \
 *      examples/c/audit_verify.c -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 *   SOFTCCA_HOME=/var/lib/softcca ./audit_verify
 */
#include <stdint.h>
#include <stdio.h>

#include "softcca.h"

/* The findings of CSUAAVF (return code 4), docs/codes.md. */
static const char *finding(int32_t reason)
{
    switch (reason) {
    case 0xF208: return "the line is not a record (malformed)";
    case 0xF209: return "a field was edited (its hash does not match)";
    case 0xF20A: return "wrong sequence number (a record removed, inserted or moved)";
    case 0xF20B: return "broken link (prev is not the previous record's hash)";
    case 0xF20C: return "not this directory's genesis record";
    case 0xF20D: return "torn last line (an interrupted append; the next append repairs it)";
    case 0xF20E: return "there is no audit log";
    default: return "unknown finding";
    }
}

int main(void)
{
    int32_t rc = -1, rs = -1, exit_len = 0, rule_count = 0;
    int32_t checked = 0, first_bad = 0, hash_len = 64;
    uint8_t rules[8] = {0};
    uint8_t hash[64];

    CSUAAVF(&rc, &rs, &exit_len, NULL, &rule_count, rules, &checked, &first_bad, &hash_len,
            hash);
    if (rc == 0) {
        printf("audit log: %d records verified, chain intact\n", (int)checked);
        printf("last record: %d, hash %.64s; note both: a later run must show this hash at "
               "record %d\n",
               (int)checked, (const char *)hash, (int)checked);
        return 0;
    }
    if (rc == 4) {
        printf("audit log: %d records verified; record %d is bad: X'%04X' %s\n", (int)checked,
               (int)first_bad, (unsigned)rs, finding(rs));
        return 1;
    }
    printf("CSUAAVF failed: return code %d, reason code %d (X'%04X'), docs/codes.md\n", (int)rc,
           (int)rs, (unsigned)rs);
    return 2;
}
