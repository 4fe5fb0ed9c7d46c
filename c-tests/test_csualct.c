/*
 * CSUALCT (Access Control Logon) and CSUAACI (Access Control Initialization) through
 * libsoftcca.so: the bootstrap INIT-AC (refused for a profile whose role cannot administer,
 * taken for a security officer's), INIT-AC closed to DEFAULT afterwards and open to the
 * logged-on officer, a passphrase logon and logoff, the failure counter locking the profile
 * after 3 wrong passphrases, RESET-FC by the officer, and the refused context keywords.
 * The test writes its roles file (docs/access-control.md): SECOFF administers, KEYCUST and
 * DEFAULT do not.
 *
 * The profile's passphrase is "abc": its mechanism data is SHA-1("abc") =
 * A9993E364706816ABA3E25717850C26C9CD0D89D, the FIPS 180 example, so the test needs no SHA-1.
 * The profile structure is built here from docs/CSUAACI.md.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA1_ABC "A9993E364706816ABA3E25717850C26C9CD0D89D"

static sc_codes lct(const char *words, const char *user, const char *pass)
{
    sc_codes r = {-1, -1};
    unsigned char rules[16], uid[8];
    int32_t count = sc_rules(rules, sizeof rules, words);
    int32_t zero = 0, len = (int32_t)strlen(pass);
    sc_kw(uid, user);
    CSUALCT(&r.rc, &r.rs, NULL, NULL, &count, rules, uid, &zero, NULL, &len,
            (unsigned char *)pass);
    return r;
}

static sc_codes aaci(const char *words, unsigned char *one, int32_t n1)
{
    sc_codes r = {-1, -1};
    unsigned char rules[16];
    int32_t count = sc_rules(rules, sizeof rules, words);
    int32_t zero = 0;
    CSUAACI(&r.rc, &r.rs, NULL, NULL, &count, rules, &n1, one, &zero, NULL);
    return r;
}

static void be16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void date(unsigned char *p, unsigned y, unsigned m, unsigned d)
{
    be16(p, y);
    p[2] = (unsigned char)m;
    p[3] = (unsigned char)d;
}

/* The aggregate of one profile `user` of `role` with passphrase "abc"; returns its length. */
static int32_t aggregate(unsigned char *out, const char *user, const char *role)
{
    unsigned char *p = out + 8;
    memset(out, 0, 8 + 90);
    out[3] = 1;
    p[0] = 0x01;
    be16(p + 2, 52 + 38);
    memset(p + 4, ' ', 20);
    memcpy(p + 4, "C test profile", 14);
    sc_kw(p + 28, user);
    sc_kw(p + 36, role);
    date(p + 44, 2020, 1, 1);
    date(p + 48, 2099, 12, 31);
    unsigned char *a = p + 52;
    be16(a, 38);
    be16(a + 2, 0x0001);
    be16(a + 4, 34);
    be16(a + 6, 0x0001);
    be16(a + 8, 1);
    date(a + 10, 2099, 12, 31);
    a[14] = 0x80;
    sc_hex(a + 18, 20, SHA1_ABC);
    return 8 + 90;
}

static void write_roles(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/acp.conf", sc_state_dir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[DEFAULT]\n"
          "[SECOFF]\nstrength 1\nX'0112' on\nX'0115' on\nX'0116' on\n"
          "[KEYCUST]\nstrength 1\nX'0116' on\n",
          f);
    assert_int_equal(fclose(f), 0);
}

static void test_bootstrap_logon_lock_reset(void **state)
{
    (void)state;
    unsigned char agg[128];
    unsigned char uid[8];
    /* The first call opens (initialises) the state directory. */
    expect_codes(lct("LOGOFF", "", ""), 8, 0xF31A);
    write_roles();
    /* The bootstrap must load a profile whose role holds X'0112'. */
    int32_t n = aggregate(agg, "COPER", "KEYCUST");
    expect_codes(aaci("INIT-AC", agg, n), 8, 0xF324);
    int32_t m = aggregate(agg, "COFF", "SECOFF");
    expect_codes(aaci("INIT-AC", agg, m), 0, 0);
    /* Closed now: DEFAULT lacks X'0112'; the officer has it. */
    n = aggregate(agg, "COPER", "KEYCUST");
    expect_codes(aaci("INIT-AC", agg, n), 8, 90);
    expect_codes(lct("LOGON PPHRASE", "COFF", "abc"), 0, 0);
    expect_codes(aaci("INIT-AC", agg, n), 0, 0);
    expect_codes(aaci("INIT-AC", agg, n), 8, 0xF323);
    expect_codes(lct("LOGOFF", "", ""), 0, 0);
    expect_codes(lct("LOGON PPHRASE", "COPER", "abc"), 0, 0);
    expect_codes(lct("LOGOFF", "", ""), 0, 0);
    expect_codes(lct("LOGOFF", "", ""), 8, 0xF31A);
    for (int i = 0; i < 3; i++)
        expect_codes(lct("LOGON PPHRASE", "COPER", "abd"), 8, 0xF318);
    expect_codes(lct("LOGON PPHRASE", "COPER", "abc"), 8, 0xF311);
    sc_kw(uid, "COPER");
    expect_codes(aaci("RESET-FC", uid, 8), 8, 90);
    expect_codes(lct("LOGON PPHRASE", "COFF", "abc"), 0, 0);
    expect_codes(aaci("RESET-FC", uid, 8), 0, 0);
    expect_codes(lct("LOGON PPHRASE", "COPER", "abc"), 0, 0);
    expect_codes(lct("LOGOFF", "", ""), 0, 0);
}

static void test_refused_keywords(void **state)
{
    (void)state;
    expect_codes(lct("GET-CNTX", "COPER", ""), 8, 0xF31B);
    expect_codes(lct("PUT-CNTX", "COPER", ""), 8, 0xF31B);
    expect_codes(lct("LOGOFF FORCE", "COPER", ""), 8, 0xF31B);
    expect_codes(lct("LOGON", "COPER", "abc"), 8, 34);
    /* An unknown user id is answered as a wrong passphrase (docs/decisions.md D76). */
    expect_codes(lct("LOGON PPHRASE", "NOBODY", "abc"), 8, 0xF318);
    expect_codes(lct("LOGON PPHRASE", "COPER", ""), 8, 0xF31D);
}

int main(void)
{
    setenv("SOFTCCA_ACP_RECHECK_MS", "0", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootstrap_logon_lock_reset),
        cmocka_unit_test(test_refused_keywords),
    };
    return cmocka_run_group_tests(tests, sc_state_setup, sc_state_teardown);
}
