/*
 * CSNBKTB (Key Token Build) through libsoftcca.so: skeleton control vectors and KEY tokens
 * against tests/data/tokens.txt (CVs of docs/tokens.md; tokens from the clean-room model,
 * the test-set ones asserted equal to tests/vectors/README.md), the KEY-PART bit, and the error rows of
 * docs/codes.md with the output token left as passed.
 *
 * Key Token Build does no cryptography and needs no master key.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* Key type and rule array for each control vector, with the CV (tests/data/tokens.txt,
 * field cv, for the case named). */
static const struct {
    const char *id;
    const char *key_type;
    const char *words;
    const char *cv;
} skeletons[] = {
    {"s9-mac-mdk", "DKYGENKY", "DKYL0 DMAC", "00714400034100000071440003210000"},
    {"s9-enc-mdk", "DKYGENKY", "DMPIN", "00715300034100000071530003210000"},
    {"cv-dkygenky-dall", "DKYGENKY", "DALL DKYL0", "00715F000341000000715F0003210000"},
    {"cv-dkygenky-dmkey", "DKYGENKY", "DMKEY", "00715000034100000071500003210000"},
    {"cv-dkygenky-ddata", "DKYGENKY", "DDATA", "00714200034100000071420003210000"},
    {"cv-dkygenky-dmv", "DKYGENKY", "DMV INTERNAL", "00714700034100000071470003210000"},
    {"cv-dkygenky-dmac-noxport", "DKYGENKY", "NO-XPORT", "00710500034100000071050003210000"},
    {"cv-dkygenky-dmpin-noxport", "DKYGENKY", "DMPIN NO-XPORT",
     "00711200034100000071120003210000"},
    {"s9-ipinenc", "IPINENC", "", "00215F000341000000215F0003210000"},
    {"cv-opinenc", "OPINENC", "KEYLN16", "00247700034100000024770003210000"},
    {"cv-mac", "MAC", "DOUBLE", "00054D000341000000054D0003210000"},
    {"cv-macver", "MACVER", "MIXED", "00054400034100000005440003210000"},
    {"cv-secmsg-smpin", "SECMSG", "SMPIN", "000A500003410000000A500003210000"},
    {"cv-secmsg-smkey", "SECMSG", "SMKEY XPORT-OK", "000A600003410000000A600003210000"},
    {"mac1-0", "MAC", "", "00054D00030000000000000000000000"},
};

/* Complete tokens under the test master key (tests/data/tokens.txt, field token). */
static const struct {
    const char *id;
    const char *key_type;
    const char *words;
    const char *token;
} tokens[] = {
    {"s9-mac-mdk", "DKYGENKY", "DKYL0 DMAC",
     "010000000000C00023FB12BC983BE87A50EA4C6A4BCB2120F5DB417E9CDC0BB3"
     "00714400034100000071440003210000CE23C2DD4DDAE511000000000FE7A5DF"},
    {"s9-enc-mdk", "DKYGENKY", "DMPIN",
     "010000000000C00023FB12BC983BE87AD205E71E29745AB944A0B89A8ABA1B8E"
     "00715300034100000071530003210000AD8DB85A133D6ECA00000000501C9E59"},
    {"s9-ipinenc", "IPINENC", "",
     "010000000000C00023FB12BC983BE87AA1432750ABE4C00D5DAE36510C63438F"
     "00215F000341000000215F0003210000CCB94C2250796C6500000000984892FA"},
    {"cv-opinenc", "OPINENC", "",
     "010000000000C000E3665A78675BE0668198FE91B0AC3913B2A67B6287C0444A"
     "00247700034100000024770003210000B2CC8FFB2E158ED0000000009FFBFEF9"},
};

/* Every parameter of one call. */
typedef struct {
    unsigned char token[64];
    unsigned char key_type[8];
    int32_t count;
    unsigned char rules[8 * 10];
    unsigned char key_value[16];
    unsigned char reserved_1[4];
    unsigned char cv[16];
    unsigned char mkvp[8];
} ktb_call;

static void base(ktb_call *c, const char *key_type, const char *words)
{
    memset(c, 0, sizeof *c);
    sc_fill_sentinel(c->token, sizeof c->token);
    sc_kw(c->key_type, key_type);
    c->count = sc_rules(c->rules, sizeof c->rules, words);
}

static sc_codes run(ktb_call *c)
{
    sc_codes r = {-1, -1};
    int32_t exit_len = 0;
    CSNBKTB(&r.rc, &r.rs, &exit_len, NULL, c->token, c->key_type, &c->count, c->rules,
            c->key_value, c->reserved_1, NULL, NULL, c->cv, NULL, NULL, NULL, c->mkvp);
    return r;
}

/* The call must fail with want_rc/want_rs and leave the token buffer alone. */
static void expect_error(const char *what, ktb_call *c, int32_t want_rc, int32_t want_rs,
                         int line)
{
    sc_check_codes(what, run(c), want_rc, want_rs, __FILE__, line);
    if (!sc_is_sentinel(c->token, sizeof c->token)) {
        print_error("%s: key_token written on error\n", what);
        _fail(__FILE__, line);
    }
}
#define EXPECT_ERROR(what, c, rc, rs) expect_error((what), (c), (rc), (rs), __LINE__)

static void assert_tvv(const unsigned char t[64])
{
    uint32_t v = sc_tvv(t);
    unsigned char want[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                             (unsigned char)(v >> 8), (unsigned char)v};
    assert_memory_equal(t + 60, want, 4);
}

/* Skeletons: internal, CV present and no key, the CV of tokens.txt, zero MKVP and key. */
static void skeleton_control_vectors(void **state)
{
    (void)state;
    static const unsigned char zero[24];
    for (size_t i = 0; i < sizeof skeletons / sizeof skeletons[0]; i++) {
        unsigned char t[64], cv[16];
        char what[96];
        snprintf(what, sizeof what, "CSNBKTB %s %s (%s)", skeletons[i].key_type,
                 skeletons[i].words, skeletons[i].id);
        sc_fill_sentinel(t, sizeof t);
        sc_check_codes(what, sc_ktb(t, skeletons[i].key_type, skeletons[i].words), 0, 0,
                       __FILE__, __LINE__);
        sc_hex(cv, 16, skeletons[i].cv);
        assert_int_equal(t[0], 0x01);
        assert_int_equal(t[6], 0x40);
        assert_memory_equal(t + 8, zero, 24);
        assert_memory_equal(t + 32, cv, 16);
        assert_tvv(t);
    }
}

/* KEY with the wrapped halves and MKVP of a tokens.txt token gives that token in bytes 0-47,
 * with no token authentication code (bytes 48-55 zero, TVV over them): Key Token Build does
 * not authenticate caller-supplied wrapped parts (docs/decisions.md D25), so the token is
 * refused when used (8/12). So does USE-CV with CV and KEY. */
static void key_tokens(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        unsigned char want[64];
        sc_hex(want, 64, tokens[i].token);
        memset(want + 48, 0, 8);
        uint32_t v = sc_tvv(want);
        want[60] = (unsigned char)(v >> 24);
        want[61] = (unsigned char)(v >> 16);
        want[62] = (unsigned char)(v >> 8);
        want[63] = (unsigned char)v;
        ktb_call c;
        char words[64];
        snprintf(words, sizeof words, "%s KEY", tokens[i].words);
        base(&c, tokens[i].key_type, words);
        memcpy(c.key_value, want + 16, 16);
        memcpy(c.mkvp, want + 8, 8);
        expect_codes(run(&c), 0, 0);
        assert_memory_equal(c.token, want, 64);

        base(&c, "USE-CV", "CV KEY");
        memcpy(c.cv, want + 32, 16);
        memcpy(c.key_value, want + 16, 16);
        memcpy(c.mkvp, want + 8, 8);
        expect_codes(run(&c), 0, 0);
        assert_memory_equal(c.token, want, 64);
    }
}

/* Defaults (DATA single), keyword folding, and KEY-PART: CV bit 44 on in each half with the
 * byte's even parity kept (docs/tokens.md: bit 44 = X'08' of byte 5, so X'41' becomes X'48'
 * and X'21' becomes X'28'). */
static void defaults_and_key_part(void **state)
{
    (void)state;
    unsigned char t[64], cv[16];
    expect_codes(sc_ktb(t, "data", "internal keyln8"), 0, 0);
    sc_hex(cv, 16, "00007D00030000000000000000000000");
    assert_memory_equal(t + 32, cv, 16);
    expect_codes(sc_ktb(t, "DATA", "DOUBLE"), 0, 0);
    assert_memory_equal(t + 32, SC_CV_DATA_DOUBLE, 16);
    expect_codes(sc_ktb(t, "IPINENC", "KEY-PART"), 0, 0);
    sc_hex(cv, 16, "00215F000348000000215F0003280000");
    assert_memory_equal(t + 32, cv, 16);
    expect_codes(sc_ktb(t, "DKYGENKY", "DKYL0 DMAC KEY-PART"), 0, 0);
    sc_hex(cv, 16, "00714400034800000071440003280000");
    assert_memory_equal(t + 32, cv, 16);
    expect_codes(sc_ktb(t, "MAC", "KEY-PART SINGLE"), 0, 0);
    sc_hex(cv, 8, "00054D0003090000");
    assert_memory_equal(t + 32, cv, 8);
    assert_tvv(t);
}

/* Rule-array, key-type and CV errors; the token buffer keeps its sentinel. */
static void error_rows(void **state)
{
    (void)state;
    ktb_call c;
    base(&c, "DATA", "");
    c.count = 10;
    EXPECT_ERROR("count 10", &c, 8, 35);
    c.count = -1;
    EXPECT_ERROR("count -1", &c, 8, 35);

    base(&c, "DATA", "EXTERNAL");
    EXPECT_ERROR("EXTERNAL", &c, 8, 33);
    base(&c, "DATA", "BOGUS");
    EXPECT_ERROR("unknown keyword", &c, 8, 33);
    base(&c, "DATA", "SINGLE DOUBLE");
    EXPECT_ERROR("two lengths", &c, 8, 34);
    base(&c, "DATA", "KEY NO-KEY");
    EXPECT_ERROR("KEY and NO-KEY", &c, 8, 34);
    base(&c, "MAC", "DKYL1");
    EXPECT_ERROR("level on MAC", &c, 8, 34);
    base(&c, "DATA", "DMAC");
    EXPECT_ERROR("usage on DATA", &c, 8, 34);
    base(&c, "SECMSG", "");
    EXPECT_ERROR("SECMSG without usage", &c, 8, 34);
    base(&c, "USE-CV", "");
    EXPECT_ERROR("USE-CV without CV", &c, 8, 34);
    base(&c, "DATA", "CV");
    EXPECT_ERROR("CV with DATA", &c, 8, 34);

    base(&c, "IPINENC", "SINGLE");
    EXPECT_ERROR("IPINENC single", &c, 8, 2097);
    base(&c, "DKYGENKY", "KEYLN8");
    EXPECT_ERROR("DKYGENKY single", &c, 8, 2097);
    base(&c, "PINGEN", "");
    EXPECT_ERROR("unsupported key type", &c, 8, 61);

    base(&c, "DATA", "");
    c.reserved_1[3] = 1;
    EXPECT_ERROR("reserved_1 not zero", &c, 8, 715);

    base(&c, "USE-CV", "CV");
    sc_hex(c.cv, 16, "00215F000341000100215F0003210000");
    EXPECT_ERROR("CV byte without even parity", &c, 8, 340);
    base(&c, "USE-CV", "CV");
    sc_hex(c.cv, 8, "00215F0003410000");
    EXPECT_ERROR("CV: left half says double, right half missing", &c, 8, 39);
}

/* NULL required pointers: 8/184 before any work; NULL rc/rs tolerated. */
static void null_pointers(void **state)
{
    (void)state;
    ktb_call c;
    sc_codes r = {-1, -1};
    base(&c, "DATA", "DOUBLE");
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, NULL, &c.count, c.rules, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, NULL, c.key_type, &c.count, c.rules, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, c.key_type, &c.count, c.rules, c.key_value,
            NULL, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, c.key_type, NULL, c.rules, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, c.key_type, &c.count, NULL, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, c.key_type, &c.count, c.rules, NULL,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKTB(&r.rc, &r.rs, NULL, NULL, c.token, c.key_type, &c.count, c.rules, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, NULL);
    expect_codes(r, 8, 184);
    assert_true(sc_is_sentinel(c.token, sizeof c.token));

    /* NULL rc/rs: the verb runs. */
    CSNBKTB(NULL, NULL, NULL, NULL, c.token, c.key_type, &c.count, c.rules, c.key_value,
            c.reserved_1, NULL, NULL, c.cv, NULL, NULL, NULL, c.mkvp);
    assert_memory_equal(c.token + 32, SC_CV_DATA_DOUBLE, 16);
}

/* A misaligned rule_array_count, rc and rs (a packed COBOL group). */
static void misaligned_fullwords(void **state)
{
    (void)state;
    ktb_call c;
    sc_fullword rc, rs, count;
    unsigned char cv[16];
    base(&c, "DATA", "DOUBLE KEY-PART");
    CSNBKTB(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, c.token, c.key_type,
            sc_fw(&count, 5, 2), c.rules, c.key_value, c.reserved_1, NULL, NULL, c.cv, NULL,
            NULL, NULL, c.mkvp);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    sc_hex(cv, 16, "00007D000348000000007D0003280000");
    assert_memory_equal(c.token + 32, cv, 16);

    base(&c, "DATA", "DOUBLE KEY-PART");
    CSNBKTB(sc_fw(&rc, 7, -1), sc_fw(&rs, 1, -1), NULL, NULL, c.token, c.key_type,
            sc_fw(&count, 3, 11), c.rules, c.key_value, c.reserved_1, NULL, NULL, c.cv, NULL,
            NULL, NULL, c.mkvp);
    assert_int_equal(sc_fw_get(&rc), 8);
    assert_int_equal(sc_fw_get(&rs), 35);
    assert_true(sc_is_sentinel(c.token, sizeof c.token));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skeleton_control_vectors),
        cmocka_unit_test(key_tokens),
        cmocka_unit_test(defaults_and_key_part),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(null_pointers),
        cmocka_unit_test(misaligned_fullwords),
    };
    return cmocka_run_group_tests_name("CSNBKTB", tests, sc_state_setup, sc_state_teardown);
}
