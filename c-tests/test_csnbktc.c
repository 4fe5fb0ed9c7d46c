/*
 * CSNBKTC (Key Token Change, RTCMK) through libsoftcca.so: tokens, labels and wildcards
 * across master-key changes (the test master key (tests/vectors/README.md), then tests/data/mkvp.txt rnd-0 and rnd-1).
 * A re-enciphered key must still be the same key: its ENC-ZERO check value (CSNBKYT) stays
 * the one of tests/data/kcv.txt, and its MKVP becomes the new key's (mkvp.txt). Error rows of
 * docs/codes.md leave the key identifier and the CKDS as they were.
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#define MK2 "C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1" /* mkvp.txt rnd-0 */
#define MK2_VP "6A74E3BF4B721C04"
#define MK3 "9DC1DAA48531DF675279206D76BFB6D5B5A808853EC14073" /* mkvp.txt rnd-1 */

/* Clear keys with their kcv.txt check values (first 4 bytes). */
static const struct {
    const char *key_type, *words, *key, *kcv;
} keys[] = {
    {"IPINENC", "", "0123456789ABCDEFFEDCBA9876543210", "08D7B4FB"},          /* s9-pin-key */
    {"DKYGENKY", "DKYL0 DMAC", "FEDCBA98765432100123456789ABCDEF", "7B83586D"}, /* s9-mac-mdk */
    {"DKYGENKY", "DKYL0 DMPIN", "11111111111111112222222222222222", "D2B91CC5"}, /* s9-enc-mdk */
    {"MAC", "DOUBLE", "760DA880379B38EA497CB0C83754F870", "64FB465E"},        /* rnd-double-0 */
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Tokens of keys[] under the test master key, made in the first test. */
static unsigned char s9_tokens[NKEYS][64];

static sc_codes ktc_words(const char *words, unsigned char id[64])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char rules[8 * 4];
    int32_t count = sc_rules(rules, sizeof rules, words);
    CSNBKTC(&c.rc, &c.rs, &exit_len, NULL, &count, rules, id);
    return c;
}

static sc_codes ktc(unsigned char id[64])
{
    return ktc_words("RTCMK", id);
}

/* The call must fail and leave the identifier as it was. */
static void ktc_error(const char *what, const unsigned char id[64], int32_t rc, int32_t rs,
                      int line)
{
    unsigned char t[64];
    memcpy(t, id, 64);
    sc_check_codes(what, ktc(t), rc, rs, __FILE__, line);
    if (memcmp(t, id, 64) != 0) {
        print_error("%s: key identifier changed on error\n", what);
        _fail(__FILE__, line);
    }
}
#define KTC_ERROR(what, id, rc, rs) ktc_error((what), (id), (rc), (rs), __LINE__)

static void label64(unsigned char out[64], const char *text)
{
    sc_label(out, text);
}

/* The key in `id` (token or label) has check value kcv (kcv.txt) and the token MKVP vp. */
static void check_key(const unsigned char id[64], const char *kcv, const char *vp)
{
    unsigned char v1[8] = {0}, v2[8] = {0}, want[8];
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", id, v1, v2), 0, 0);
    sc_hex(want, 4, kcv);
    assert_memory_equal(v2, want, 4);
    if (vp != NULL) {
        sc_hex(want, 8, vp);
        assert_memory_equal(id + 8, want, 8);
    }
}

/* No master key: 12/764. Then the test master key and the keys under it. */
static void no_master_key(void **state)
{
    (void)state;
    unsigned char t[64];
    sc_hex(t, 64,
           "010000000000C00023FB12BC983BE87AA1432750ABE4C00D5DAE36510C63438F"
           "00215F000341000000215F0003210000CCB94C2250796C6500000000984892FA"); /* s9-ipinenc */
    KTC_ERROR("no master key", t, 12, 764);
    sc_load_master_key_hex(SC_S9_MK);
    for (size_t i = 0; i < NKEYS; i++) {
        unsigned char key[16];
        sc_hex(key, 16, keys[i].key);
        sc_import_key(s9_tokens[i], keys[i].key_type, keys[i].words, key, 0);
    }
    assert_memory_equal(s9_tokens[0], t, 64);
}

/* A token under the current master key: 0/0, unchanged. */
static void current_unchanged(void **state)
{
    (void)state;
    unsigned char t[64];
    memcpy(t, s9_tokens[0], 64);
    expect_codes(ktc(t), 0, 0);
    assert_memory_equal(t, s9_tokens[0], 64);

    /* Records for the later tests: three keys, a null record, a skeleton. */
    char name[32];
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "KTC.K%zu", i);
        expect_codes(sc_krc(name), 0, 0);
        expect_codes(sc_krw(s9_tokens[i], name), 0, 0);
    }
    unsigned char sk[64];
    expect_codes(sc_krc("KTC.NULL"), 0, 0);
    expect_codes(sc_krc("KTC.SKEL"), 0, 0);
    expect_codes(sc_ktb(sk, "DATA", ""), 0, 0);
    expect_codes(sc_krw(sk, "KTC.SKEL"), 0, 0);
    expect_codes(sc_krc("ONLY.NULL"), 0, 0);
    unsigned char pat[64];
    label64(pat, "KTC.*");
    expect_codes(ktc(pat), 0, 0);
}

/* A new master key: tokens, exact labels and wildcards are re-enciphered; the key stays the
 * same key (kcv.txt) and the CV is kept. */
static void after_a_new_master_key(void **state)
{
    (void)state;
    sc_load_master_key_hex(MK2);
    unsigned char t[64], again[64], l[64], r[64];
    memcpy(t, s9_tokens[3], 64);
    expect_codes(ktc(t), 0, 0); /* old -> current is 0/0, not 0/10001 */
    check_key(t, keys[3].kcv, MK2_VP);
    assert_memory_equal(t + 32, s9_tokens[3] + 32, 16);
    memcpy(again, t, 64);
    expect_codes(ktc(again), 0, 0);
    assert_memory_equal(again, t, 64);

    /* An exact label: the record changes, the caller's field does not. */
    label64(l, "KTC.K0");
    expect_codes(ktc(l), 0, 0);
    unsigned char want_l[64];
    label64(want_l, "KTC.K0");
    assert_memory_equal(l, want_l, 64);
    expect_codes(sc_krr("KTC.K0", r), 0, 0);
    check_key(r, keys[0].kcv, MK2_VP);
    check_key(l, keys[0].kcv, NULL);

    /* A wildcard: K1 and K2 re-enciphered; null and skeleton records skipped. */
    label64(l, "KTC.*");
    expect_codes(ktc(l), 0, 0);
    for (size_t i = 1; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "KTC.K%zu", i);
        expect_codes(sc_krr(name, r), 0, 0);
        check_key(r, keys[i].kcv, MK2_VP);
    }
    expect_codes(sc_krr("KTC.NULL", r), 0, 8);

    label64(l, "NOPE.*");
    KTC_ERROR("no match", l, 4, 158);
    label64(l, "ONLY.*");
    KTC_ERROR("only null records", l, 4, 158);
    label64(l, "KTC.NULL");
    KTC_ERROR("exact null record", l, 4, 158);
    label64(l, "KTC.SKEL");
    KTC_ERROR("exact skeleton record", l, 4, 158);
}

/* A third master key: test-set tokens match neither register (8/10004); a wildcard over one bad
 * record changes no record at all. */
static void neither_master_key(void **state)
{
    (void)state;
    unsigned char under_mk2[64], r[64], l[64];
    memcpy(under_mk2, s9_tokens[1], 64);
    expect_codes(ktc(under_mk2), 0, 0); /* under MK2 now */
    sc_load_master_key_hex(MK3);
    KTC_ERROR("neither master key", s9_tokens[0], 8, 10004);
    expect_codes(sc_krc("MIX.A"), 0, 0);
    expect_codes(sc_krw(under_mk2, "MIX.A"), 0, 0); /* old MK: could be re-enciphered */
    expect_codes(sc_krc("MIX.B"), 0, 0);
    expect_codes(sc_krw(s9_tokens[2], "MIX.B"), 0, 0); /* unknown MK */
    label64(l, "MIX.*");
    KTC_ERROR("wildcard with an unknown MKVP", l, 8, 10004);
    expect_codes(sc_krr("MIX.A", r), 0, 0);
    assert_memory_equal(r, under_mk2, 64); /* rolled back */
}

/* Other error rows; rule array; ACP. */
static void error_rows(void **state)
{
    (void)state;
    unsigned char t[64], bad[64], l[64], sk[64];
    static const unsigned char null_token[64];
    sc_label(l, "MIX.A");
    expect_codes(ktc(l), 0, 0); /* MIX.A is under MK3 now */
    expect_codes(sc_krr("MIX.A", t), 0, 0);

    memcpy(bad, t, 64);
    bad[20] ^= 1;
    KTC_ERROR("TVV", bad, 8, 12);
    KTC_ERROR("null token", null_token, 8, 154);
    expect_codes(sc_ktb(sk, "DATA", ""), 0, 0);
    KTC_ERROR("skeleton token", sk, 8, 154);
    memcpy(bad, t, 64);
    bad[0] = 0x02;
    KTC_ERROR("external token", bad, 8, 154);
    sc_label(l, "NO.SUCH");
    KTC_ERROR("label not found", l, 8, 10012);
    sc_label(l, "A*B*");
    KTC_ERROR("two wildcards", l, 8, 32);

    sc_set_acp(0x0090, 0);
    KTC_ERROR("ACP X'0090' off, token", t, 8, 90);
    sc_label(l, "MIX.A");
    KTC_ERROR("ACP X'0090' off, label", l, 8, 90);
    sc_label(l, "MIX.*");
    KTC_ERROR("ACP X'0090' off, wildcard", l, 8, 90);
    sc_set_acp(0x0090, 1);

    unsigned char u[64];
    memcpy(u, t, 64);
    expect_codes(ktc_words("RTNMK", u), 8, 33);
    expect_codes(ktc_words("", u), 8, 35);
    expect_codes(ktc_words("RTCMK DES DES", u), 8, 35);
    expect_codes(ktc_words("RTCMK RTCMK", u), 8, 34);
    assert_memory_equal(u, t, 64);
    expect_codes(ktc_words("des rtcmk", u), 0, 0);
    assert_memory_equal(u, t, 64);
}

/* Misaligned fullwords; NULL pointers; NULL rc/rs. */
static void conventions(void **state)
{
    (void)state;
    unsigned char t[64], rules[16];
    sc_fullword rc, rs, count;
    memcpy(t, s9_tokens[3], 64); /* under the old-old MK: 8/10004 now */
    sc_rules(rules, sizeof rules, "DES RTCMK");
    CSNBKTC(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, sc_fw(&count, 5, 2), rules, t);
    assert_int_equal(sc_fw_get(&rc), 8);
    assert_int_equal(sc_fw_get(&rs), 10004);

    expect_codes(sc_krr("MIX.A", t), 0, 0);
    CSNBKTC(sc_fw(&rc, 7, -1), sc_fw(&rs, 2, -1), NULL, NULL, sc_fw(&count, 3, 2), rules, t);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);

    sc_codes r = {-1, -1};
    int32_t n = 1;
    CSNBKTC(&r.rc, &r.rs, NULL, NULL, &n, rules + 8, NULL);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTC(&r.rc, &r.rs, NULL, NULL, &n, NULL, t);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTC(&r.rc, &r.rs, NULL, NULL, NULL, rules + 8, t);
    expect_codes(r, 8, 184);
    CSNBKTC(NULL, NULL, NULL, NULL, &n, rules + 8, t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_master_key), /* the tests run in this order */
        cmocka_unit_test(current_unchanged),
        cmocka_unit_test(after_a_new_master_key),
        cmocka_unit_test(neither_master_key),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBKTC", tests, sc_state_setup_acp, sc_state_teardown);
}
