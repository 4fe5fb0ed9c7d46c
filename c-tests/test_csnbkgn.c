/*
 * CSNBKGN (Key Generate, OP form) through libsoftcca.so: tokens of every supported key type
 * (internal, key present, the current master key's pattern, the control vector of docs/tokens.md
 * as in tests/data/tokens.txt, a valid TVV, a fresh key on every call), TOKEN with a
 * CSNBKTB skeleton, generated keys usable by other verbs, and the error rows of
 * docs/codes.md with generated_key_identifier_1 left as passed.
 *
 * The generated keys are random, so no expected key value exists; the Rust tests unwrap them
 * under the known master key (tests/keys_kgn.rs).
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

static sc_codes kgn(const char *form, const char *length, const char *type_1,
                    const char *type_2, unsigned char gen_1[64])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char f[4], l[8], t1[8], t2[8], kek_1[64] = {0}, kek_2[64] = {0};
    unsigned char gen_2[64] = {0};
    memset(f, ' ', 4);
    memcpy(f, form, strlen(form) < 4 ? strlen(form) : 4);
    sc_kw(l, length);
    sc_kw(t1, type_1);
    sc_kw(t2, type_2);
    CSNBKGN(&c.rc, &c.rs, &exit_len, NULL, f, l, t1, t2, kek_1, kek_2, gen_1, gen_2);
    return c;
}

/* The call must fail and leave generated_key_identifier_1 as it was. */
static void kgn_error(const char *what, const char *form, const char *length,
                      const char *type_1, const char *type_2, const unsigned char id[64],
                      int32_t rc, int32_t rs, int line)
{
    unsigned char g[64];
    memcpy(g, id, 64);
    sc_check_codes(what, kgn(form, length, type_1, type_2, g), rc, rs, __FILE__, line);
    if (memcmp(g, id, 64) != 0) {
        print_error("%s: generated_key_identifier_1 written on error\n", what);
        _fail(__FILE__, line);
    }
}
#define KGN_ERROR(what, form, len, t1, t2, id, rc, rs) \
    kgn_error((what), (form), (len), (t1), (t2), (id), (rc), (rs), __LINE__)

static const unsigned char null_token[64];

/* A generated token: internal, key present, test MKVP, the CV given, valid TVV. */
static void check_token(const unsigned char t[64], const char *cv_hex)
{
    unsigned char cv[16] = {0}, mkvp[8], zero[8] = {0};
    size_t n = strlen(cv_hex) / 2;
    sc_hex(cv, n, cv_hex);
    sc_hex(mkvp, 8, SC_S9_MKVP);
    assert_int_equal(t[0], 0x01);
    assert_int_equal(t[6] & 0x80, 0x80);
    assert_memory_equal(t + 8, mkvp, 8);
    assert_memory_equal(t + 32, cv, 16);
    assert_memory_not_equal(t + 16, zero, 8);
    if (n == 16) assert_memory_not_equal(t + 24, zero, 8);
    uint32_t v = sc_tvv(t);
    unsigned char tvv[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                            (unsigned char)(v >> 8), (unsigned char)v};
    assert_memory_equal(t + 60, tvv, 4);
}

static void no_master_key(void **state)
{
    (void)state;
    KGN_ERROR("no master key", "OP", "", "DATA", "", null_token, 12, 764);
    sc_load_master_key_hex(SC_S9_MK);
}

/* Every OP key type with its default and explicit lengths; CVs as tests/data/tokens.txt. */
static void key_types(void **state)
{
    (void)state;
    const struct {
        const char *length, *type, *cv;
    } rows[] = {
        {"", "DATA", "00007D0003000000"},
        {"single", "data", "00007D0003000000"},
        {"KEYLN16", "MAC", "00054D000341000000054D0003210000"},
        {"KEYLN8", "MACVER", "0005440003000000"},
        {"", "MAC", "00054D0003000000"},
        {"", "IPINENC", "00215F000341000000215F0003210000"},
        {"DOUBLE", "OPINENC", "00247700034100000024770003210000"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        unsigned char g[64] = {0};
        char what[64];
        snprintf(what, sizeof what, "CSNBKGN OP '%s' %s", rows[i].length, rows[i].type);
        sc_check_codes(what, kgn(i == 1 ? "op" : "OP", rows[i].length, rows[i].type, "", g),
                       0, 0, __FILE__, __LINE__);
        check_token(g, rows[i].cv);
    }
}

/* Two calls give two different keys. */
static void fresh_keys(void **state)
{
    (void)state;
    unsigned char a[64] = {0}, b[64] = {0}, v1[8], v2[8], w2[8];
    expect_codes(kgn("OP", "", "IPINENC", "", a), 0, 0);
    expect_codes(kgn("OP", "", "IPINENC", "", b), 0, 0);
    assert_memory_not_equal(a + 16, b + 16, 16);
    /* And their check values differ (KYT ENC-ZERO on the tokens). */
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", a, v1, v2), 0, 0);
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", b, v1, w2), 0, 0);
    assert_memory_not_equal(v2, w2, 4);
}

/* TOKEN: the CV of a CSNBKTB skeleton (DKYGENKY DMPIN), or of an existing key token. */
static void token_type(void **state)
{
    (void)state;
    unsigned char g[64], before[64];
    expect_codes(sc_ktb(g, "DKYGENKY", "DMPIN"), 0, 0);
    expect_codes(kgn("OP", "", "TOKEN", "", g), 0, 0);
    check_token(g, "00715300034100000071530003210000");
    memcpy(before, g, 64);
    expect_codes(kgn("OP", "DOUBLE", "TOKEN", "", g), 0, 0);
    check_token(g, "00715300034100000071530003210000");
    assert_memory_not_equal(g + 16, before + 16, 16);
    /* An internal token with a non-TOKEN type: only the type counts. */
    expect_codes(kgn("OP", "", "DATA", "", g), 0, 0);
    check_token(g, "00007D0003000000");
}

/* A generated OPINENC key encrypts a PIN (CSNBCPE); a generated DKYGENKY key tests. */
static void keys_are_usable(void **state)
{
    (void)state;
    unsigned char g[64] = {0}, rules[8] = {0}, pin[16], profile[24], pan[12], block[8];
    sc_codes r = {-1, -1};
    int32_t count = 0, seq = 99999;
    expect_codes(kgn("OP", "", "OPINENC", "", g), 0, 0);
    memcpy(pin, "1234            ", 16);
    memcpy(profile, "ISO-0   NONE            ", 24);
    memcpy(pan, "456789012345", 12);
    sc_fill_sentinel(block, sizeof block);
    CSNBCPE(&r.rc, &r.rs, NULL, NULL, g, &count, rules, pin, profile, pan, &seq, block);
    expect_codes(r, 0, 0);
    assert_false(sc_is_sentinel(block, sizeof block));

    unsigned char v1[8], v2[8];
    expect_codes(sc_ktb(g, "DKYGENKY", "DKYL0 DMAC"), 0, 0);
    expect_codes(kgn("OP", "", "TOKEN", "", g), 0, 0);
    expect_codes(sc_kyt("GENERATE KEY-ENCD", g, v1, v2), 0, 0);
    expect_codes(sc_kyt("VERIFY KEY-ENCD", g, v1, v2), 0, 0);
}

/* Error rows. */
static void error_rows(void **state)
{
    (void)state;
    unsigned char sk[64], bad[64], label[64];
    expect_codes(sc_ktb(sk, "DKYGENKY", "DMAC"), 0, 0);
    const char *forms[] = {"IM", "EX", "OPIM", "OPOP", "XX"};
    for (size_t i = 0; i < 5; i++) {
        KGN_ERROR(forms[i], forms[i], "", "DATA", "", null_token, 8, 41);
    }
    KGN_ERROR("TRIPLE", "OP", "TRIPLE", "DATA", "", null_token, 8, 43);
    KGN_ERROR("SINGLE-R", "OP", "SINGLE-R", "DATA", "", null_token, 8, 43);
    KGN_ERROR("PINGEN", "OP", "", "PINGEN", "", null_token, 8, 61);
    KGN_ERROR("key_type_2 not blank", "OP", "", "DATA", "DATA", null_token, 8, 61);
    KGN_ERROR("single IPINENC", "OP", "SINGLE", "IPINENC", "", null_token, 8, 2097);
    KGN_ERROR("single DKYGENKY", "OP", "KEYLN8", "TOKEN", "", sk, 8, 2097);
    KGN_ERROR("TOKEN with a null token", "OP", "", "TOKEN", "", null_token, 8, 155);
    sc_label(label, "A.LABEL");
    KGN_ERROR("TOKEN with a label", "OP", "", "TOKEN", "", label, 8, 155);
    KGN_ERROR("DATA with a label", "OP", "", "DATA", "", label, 8, 155);
    memcpy(bad, sk, 64);
    bad[0] = 0x02;
    KGN_ERROR("external token", "OP", "", "DATA", "", bad, 8, 155);
    memcpy(bad, sk, 64);
    bad[40] ^= 0x80;
    KGN_ERROR("TVV", "OP", "", "TOKEN", "", bad, 8, 12);
    uint32_t v = sc_tvv(bad);
    for (int i = 0; i < 4; i++) bad[60 + i] = (unsigned char)(v >> (24 - 8 * i));
    KGN_ERROR("CV parity", "OP", "", "TOKEN", "", bad, 8, 340);
    sc_set_acp(0x008E, 0);
    KGN_ERROR("ACP X'008E' off", "OP", "", "DATA", "", null_token, 8, 90);
    sc_set_acp(0x008E, 1);
    unsigned char g[64] = {0};
    expect_codes(kgn("OP", "", "DATA", "", g), 0, 0);
}

/* NULL pointers: 8/184 and nothing written; misaligned rc/rs; NULL rc/rs tolerated. */
static void conventions(void **state)
{
    (void)state;
    for (int which = 0; which < 8; which++) {
        sc_codes r = {-1, -1};
        unsigned char f[4] = {'O', 'P', ' ', ' '}, l[8], t1[8], t2[8];
        unsigned char k1[64] = {0}, k2[64] = {0}, g1[64], g2[64] = {0};
        unsigned char *p[8] = {f, l, t1, t2, k1, k2, g1, g2};
        sc_kw(l, "");
        sc_kw(t1, "DATA");
        sc_kw(t2, "");
        memset(g1, 0, sizeof g1);
        p[which] = NULL;
        CSNBKGN(&r.rc, &r.rs, NULL, NULL, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
        char what[32];
        snprintf(what, sizeof what, "NULL parameter %d", which + 5);
        sc_check_codes(what, r, 8, 184, __FILE__, __LINE__);
        assert_memory_equal(g1, null_token, 64);
    }

    sc_fullword rc, rs;
    unsigned char f[4] = {'O', 'P', ' ', ' '}, l[8], t1[8], t2[8];
    unsigned char k1[64] = {0}, k2[64] = {0}, g1[64] = {0}, g2[64] = {0};
    sc_kw(l, "");
    sc_kw(t1, "MAC");
    sc_kw(t2, "");
    CSNBKGN(sc_fw(&rc, 1, -1), sc_fw(&rs, 7, -1), NULL, NULL, f, l, t1, t2, k1, k2, g1, g2);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    check_token(g1, "00054D0003000000");
    assert_memory_equal(g2, null_token, 64);

    memset(g1, 0, 64);
    CSNBKGN(NULL, NULL, NULL, NULL, f, l, t1, t2, k1, k2, g1, g2);
    check_token(g1, "00054D0003000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_master_key), /* must stay first */
        cmocka_unit_test(key_types),
        cmocka_unit_test(fresh_keys),
        cmocka_unit_test(token_type),
        cmocka_unit_test(keys_are_usable),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBKGN", tests, sc_state_setup_acp, sc_state_teardown);
}
