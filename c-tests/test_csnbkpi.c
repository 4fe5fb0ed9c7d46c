/*
 * CSNBKPI (Key Part Import) through libsoftcca.so: known clear keys imported in parts under
 * the test master key of tests/vectors/README.md must give the tokens of tests/data/tokens.txt byte for byte
 * (FIRST+LAST, FIRST+MIDDLE+LAST, FIRST+ADD-PART+COMPLETE, on a token and on a CKDS label);
 * the parity warning, the key-part-bit rules, replicated halves, access control, and the
 * error rows of docs/codes.md with the key identifier left as passed.
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* tests/data/tokens.txt cases under the test master key: clear key, skeleton, expected token. */
static const struct {
    const char *id;
    const char *key_type;
    const char *words;
    const char *key;
    const char *token;
} cases[] = {
    {"s9-mac-mdk", "DKYGENKY", "DKYL0 DMAC", "FEDCBA98765432100123456789ABCDEF",
     "010000000000C00023FB12BC983BE87A50EA4C6A4BCB2120F5DB417E9CDC0BB3"
     "00714400034100000071440003210000CE23C2DD4DDAE511000000000FE7A5DF"},
    /* 1111…2222 has even parity in every byte: each step warns 0/4 and the key is kept. */
    {"s9-enc-mdk", "DKYGENKY", "DKYL0 DMPIN", "11111111111111112222222222222222",
     "010000000000C00023FB12BC983BE87AD205E71E29745AB944A0B89A8ABA1B8E"
     "00715300034100000071530003210000AD8DB85A133D6ECA00000000501C9E59"},
    {"s9-ipinenc", "IPINENC", "", "0123456789ABCDEFFEDCBA9876543210",
     "010000000000C00023FB12BC983BE87AA1432750ABE4C00D5DAE36510C63438F"
     "00215F000341000000215F0003210000CCB94C2250796C6500000000984892FA"},
    {"cv-dkygenky-dall", "DKYGENKY", "DALL", "B33ED3B6B386A7EA4086F43EFDCDBAE0",
     "010000000000C00023FB12BC983BE87A0DD008F8111FF69DC1229E93A317D151"
     "00715F000341000000715F00032100003055B04A774487C700000000EF4120C0"},
    {"cv-dkygenky-ddata", "DKYGENKY", "DDATA", "5B13A4F8E6E07F2A45F88C23E01FD6AB",
     "010000000000C00023FB12BC983BE87A867F826F0584FE4D679C934F94EF1AFF"
     "007142000341000000714200032100009F06FECEF353DD2F00000000DF674A3D"},
    {"cv-mac", "MAC", "DOUBLE", "403180B0DA2FAD610B7FF48026922FA7",
     "010000000000C00023FB12BC983BE87AF55FB13EC8906520FF81C732B266B767"
     "00054D000341000000054D00032100009FEECB8C097597A200000000DCE14D5B"},
    {"cv-secmsg-smpin", "SECMSG", "SMPIN", "7AE9A8766B0786CB4AE0646E133275E9",
     "010000000000C00023FB12BC983BE87A36517172FA93397FDC6844C867E965BF"
     "000A500003410000000A5000032100002034BB43AB152F3100000000042E9B22"},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* A second even-parity part (bytes with an even number of ones). */
static const unsigned char even3[16] = {
    0x28, 0x28, 0x2B, 0x2D, 0x2E, 0x30, 0x33, 0x36,
    0x39, 0x3A, 0x3C, 0x3F, 0x41, 0x42, 0x44, 0x47,
};

static void xor16(unsigned char *out, const unsigned char *a, const unsigned char *b)
{
    for (size_t i = 0; i < 16; i++) out[i] = (unsigned char)(a[i] ^ b[i]);
}

static void skeleton(unsigned char t[64], size_t i)
{
    char words[64];
    snprintf(words, sizeof words, "%s KEY-PART", cases[i].words);
    expect_codes(sc_ktb(t, cases[i].key_type, words), 0, 0);
}

/* The call must fail with want_rc/want_rs and leave the identifier as it was. */
static void kpi_error(const char *what, const char *word, const unsigned char part[16],
                      const unsigned char id[64], int32_t rc, int32_t rs, int line)
{
    unsigned char t[64];
    memcpy(t, id, 64);
    sc_check_codes(what, sc_kpi(word, part, t), rc, rs, __FILE__, line);
    if (memcmp(t, id, 64) != 0) {
        print_error("%s: key identifier changed on error\n", what);
        _fail(__FILE__, line);
    }
}
#define KPI_ERROR(what, word, part, id, rc, rs) \
    kpi_error((what), (word), (part), (id), (rc), (rs), __LINE__)

/* No current master key: 12/764. */
static void no_master_key(void **state)
{
    (void)state;
    unsigned char sk[64];
    static const unsigned char part[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    expect_codes(sc_ktb(sk, "IPINENC", "KEY-PART"), 0, 0);
    KPI_ERROR("no master key", "FIRST", part, sk, 12, 764);
    sc_load_master_key_hex(SC_S9_MK);
}

/* FIRST + LAST: tokens.txt byte for byte; the key-part bit is on in between. */
static void first_last(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char key[16], want[64], t[64], p1[16];
        int32_t rs;
        sc_hex(key, 16, cases[i].key);
        sc_hex(want, 64, cases[i].token);
        rs = sc_has_odd_parity(key, 16) ? 0 : 4;
        skeleton(t, i);
        xor16(p1, key, SC_EVEN_PART);
        expect_codes(sc_kpi("FIRST", p1, t), 0, rs);
        assert_int_equal(t[37] & 0x08, 0x08);
        assert_int_equal(t[6], 0xC0);
        expect_codes(sc_kpi("LAST", SC_EVEN_PART, t), 0, rs);
        if (memcmp(t, want, 64) != 0) {
            print_error("%s: FIRST/LAST token differs from tests/data/tokens.txt\n",
                        cases[i].id);
            fail();
        }
    }
}

/* FIRST + MIDDLE + LAST, and FIRST + ADD-PART + COMPLETE, give the same tokens. */
static void middle_and_complete(void **state)
{
    (void)state;
    static const unsigned char ignored[16] = {0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE,
                                              0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE};
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char key[16], want[64], t[64], p1[16];
        int32_t rs;
        sc_hex(key, 16, cases[i].key);
        sc_hex(want, 64, cases[i].token);
        rs = sc_has_odd_parity(key, 16) ? 0 : 4;

        skeleton(t, i);
        xor16(p1, key, SC_EVEN_PART);
        xor16(p1, p1, even3);
        expect_codes(sc_kpi("FIRST", p1, t), 0, rs);
        expect_codes(sc_kpi("MIDDLE", SC_EVEN_PART, t), 0, rs);
        expect_codes(sc_kpi("LAST", even3, t), 0, rs);
        assert_memory_equal(t, want, 64);

        skeleton(t, i);
        xor16(p1, key, even3);
        expect_codes(sc_kpi("FIRST", p1, t), 0, rs);
        expect_codes(sc_kpi("ADD-PART", even3, t), 0, rs);
        assert_int_equal(t[37] & 0x08, 0x08);
        expect_codes(sc_kpi("COMPLETE", ignored, t), 0, rs);
        assert_memory_equal(t, want, 64);
    }
}

/* The same through the common helper (what the PCU tests use). */
static void import_helper(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char key[16], want[64], t[64];
        sc_hex(key, 16, cases[i].key);
        sc_hex(want, 64, cases[i].token);
        sc_import_key(t, cases[i].key_type, cases[i].words, key, 0);
        assert_memory_equal(t, want, 64);
        sc_import_key(t, cases[i].key_type, cases[i].words, key, 1);
        assert_memory_equal(t, want, 64);
    }
}

/* A label: the CKDS record is updated, the caller's field is not. */
static void on_a_label(void **state)
{
    (void)state;
    unsigned char sk[64], field[64], label[64], t[64], key[16], want[64], p1[16];
    sc_hex(key, 16, cases[2].key);
    sc_hex(want, 64, cases[2].token);
    skeleton(sk, 2);
    expect_codes(sc_krc("KPI.PIN.KEY"), 0, 0);
    expect_codes(sc_krw(sk, "KPI.PIN.KEY"), 0, 0);
    sc_label(label, "KPI.PIN.KEY");
    memcpy(field, label, 64);
    xor16(p1, key, SC_EVEN_PART);
    expect_codes(sc_kpi("FIRST", p1, field), 0, 0);
    assert_memory_equal(field, label, 64);
    expect_codes(sc_krr("KPI.PIN.KEY", t), 0, 0);
    assert_int_equal(t[37] & 0x08, 0x08);
    expect_codes(sc_kpi("LAST", SC_EVEN_PART, field), 0, 0);
    assert_memory_equal(field, label, 64);
    expect_codes(sc_krr("KPI.PIN.KEY", t), 0, 0);
    assert_memory_equal(t, want, 64);
}

/* Parity: an even-parity FIRST part warns 0/4; an odd later part too. */
static void parity_warning(void **state)
{
    (void)state;
    unsigned char t[64], key[16], p[16];
    static const unsigned char ones[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    sc_hex(key, 16, cases[2].key);
    skeleton(t, 2);
    expect_codes(sc_kpi("FIRST", SC_EVEN_PART, t), 0, 4);
    xor16(p, key, even3);
    expect_codes(sc_kpi("MIDDLE", p, t), 0, 0);
    expect_codes(sc_kpi("ADD-PART", ones, t), 0, 4);
}

/* Equal halves at LAST and COMPLETE: 8/442, unless X'027A' is on. */
static void replicated_halves(void **state)
{
    (void)state;
    unsigned char t[64], t2[64], half[16];
    static const unsigned char zero[16];
    sc_hex(half, 16, "0123456789ABCDEF0123456789ABCDEF");
    skeleton(t, 2);
    expect_codes(sc_kpi("FIRST", half, t), 0, 0);
    KPI_ERROR("replicated halves LAST", "LAST", zero, t, 8, 442);
    KPI_ERROR("replicated halves COMPLETE", "COMPLETE", zero, t, 8, 442);
    sc_set_acp(0x027A, 1);
    memcpy(t2, t, 64);
    expect_codes(sc_kpi("COMPLETE", zero, t2), 0, 0);
    sc_set_acp(0x027A, 0);
    KPI_ERROR("replicated halves again", "COMPLETE", zero, t, 8, 442);
}

/* Key-part bit: 8/39 (FIRST on a CV without it), 8/441 (complete key), 8/439 (nothing to
 * complete). */
static void key_part_bit(void **state)
{
    (void)state;
    unsigned char complete[64], sk[64];
    sc_hex(complete, 64, cases[2].token);
    skeleton(sk, 2);
    KPI_ERROR("FIRST on a complete key", "FIRST", SC_EVEN_PART, complete, 8, 39);
    KPI_ERROR("ADD-PART on a complete key", "ADD-PART", SC_EVEN_PART, complete, 8, 441);
    KPI_ERROR("MIDDLE on a complete key", "MIDDLE", SC_EVEN_PART, complete, 8, 441);
    KPI_ERROR("LAST on a complete key", "LAST", SC_EVEN_PART, complete, 8, 441);
    KPI_ERROR("COMPLETE on a complete key", "COMPLETE", SC_EVEN_PART, complete, 8, 439);
    KPI_ERROR("ADD-PART on a skeleton", "ADD-PART", SC_EVEN_PART, sk, 8, 439);
    KPI_ERROR("LAST on a skeleton", "LAST", SC_EVEN_PART, sk, 8, 439);
    KPI_ERROR("COMPLETE on a skeleton", "COMPLETE", SC_EVEN_PART, sk, 8, 439);
}

/* Access-control points, each off then on again: 8/90. */
static void access_control(void **state)
{
    (void)state;
    unsigned char sk[64], partial[64], t[64], key[16], p1[16];
    sc_hex(key, 16, cases[2].key);
    skeleton(sk, 2);
    memcpy(partial, sk, 64);
    xor16(p1, key, SC_EVEN_PART);
    expect_codes(sc_kpi("FIRST", p1, partial), 0, 0);
    const struct {
        unsigned acp;
        const char *word;
        const unsigned char *id;
    } rows[] = {
        {0x001B, "FIRST", sk},       {0x0278, "ADD-PART", partial},
        {0x001C, "MIDDLE", partial}, {0x001C, "LAST", partial},
        {0x0279, "COMPLETE", partial},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s with X'%04X' off", rows[i].word, rows[i].acp);
        sc_set_acp(rows[i].acp, 0);
        kpi_error(what, rows[i].word, SC_EVEN_PART, rows[i].id, 8, 90, __LINE__);
        sc_set_acp(rows[i].acp, 1);
        memcpy(t, rows[i].id, 64);
        assert_int_equal(sc_kpi(rows[i].word, SC_EVEN_PART, t).rc, 0);
    }
}

/* Key identifier errors. */
static void identifier_errors(void **state)
{
    (void)state;
    unsigned char sk[64], partial[64], bad[64], key[16], p1[16], label[64];
    static const unsigned char null_token[64];
    sc_hex(key, 16, cases[2].key);
    skeleton(sk, 2);
    memcpy(partial, sk, 64);
    xor16(p1, key, SC_EVEN_PART);
    expect_codes(sc_kpi("FIRST", p1, partial), 0, 0);

    memcpy(bad, partial, 64);
    bad[20] ^= 1;
    KPI_ERROR("TVV", "LAST", SC_EVEN_PART, bad, 8, 12);
    memcpy(bad, partial, 64);
    bad[8] ^= 1;
    uint32_t v = sc_tvv(bad);
    for (int i = 0; i < 4; i++) bad[60 + i] = (unsigned char)(v >> (24 - 8 * i));
    KPI_ERROR("unknown MKVP", "LAST", SC_EVEN_PART, bad, 8, 10004);
    KPI_ERROR("null token", "FIRST", SC_EVEN_PART, null_token, 8, 154);
    memcpy(bad, sk, 64);
    bad[0] = 0x02;
    KPI_ERROR("external token", "FIRST", SC_EVEN_PART, bad, 8, 154);
    memcpy(bad, sk, 64);
    bad[33] ^= 1;
    v = sc_tvv(bad);
    for (int i = 0; i < 4; i++) bad[60 + i] = (unsigned char)(v >> (24 - 8 * i));
    KPI_ERROR("CV parity", "FIRST", SC_EVEN_PART, bad, 8, 340);
    sc_label(label, "NO.SUCH.KEY");
    KPI_ERROR("label not found", "FIRST", SC_EVEN_PART, label, 8, 10012);
    sc_label(label, "bad label");
    KPI_ERROR("label syntax", "FIRST", SC_EVEN_PART, label, 8, 32);
}

/* Rule array: exactly one known keyword. */
static void rule_array(void **state)
{
    (void)state;
    unsigned char sk[64], t[64], rules[16], part[16];
    sc_codes r = {-1, -1};
    memcpy(part, SC_EVEN_PART, sizeof part);
    skeleton(sk, 2);
    KPI_ERROR("unknown keyword", "BOGUS", SC_EVEN_PART, sk, 8, 33);
    memcpy(t, sk, 64);
    int32_t count = sc_rules(rules, sizeof rules, "FIRST LAST");
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, &count, rules, part, t);
    expect_codes(r, 8, 35);
    count = 0;
    r = (sc_codes){-1, -1};
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, &count, rules, part, t);
    expect_codes(r, 8, 35);
    assert_memory_equal(t, sk, 64);
}

/* Misaligned fullwords; NULL pointers 8/184 with nothing written; NULL rc/rs tolerated. */
static void conventions(void **state)
{
    (void)state;
    unsigned char sk[64], t[64], key[16], p1[16], rules[8];
    sc_fullword rc, rs, count;
    sc_hex(key, 16, cases[2].key);
    xor16(p1, key, SC_EVEN_PART);
    skeleton(sk, 2);
    memcpy(t, sk, 64);
    sc_kw(rules, "FIRST");
    CSNBKPI(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, sc_fw(&count, 5, 1), rules, p1, t);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    assert_int_equal(t[6], 0xC0);

    sc_codes r = {-1, -1};
    int32_t n = 1;
    memcpy(t, sk, 64);
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, &n, rules, NULL, t);
    expect_codes(r, 8, 184);
    assert_memory_equal(t, sk, 64);
    r = (sc_codes){-1, -1};
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, &n, rules, p1, NULL);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, &n, NULL, p1, t);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSNBKPI(&r.rc, &r.rs, NULL, NULL, NULL, rules, p1, t);
    expect_codes(r, 8, 184);
    assert_memory_equal(t, sk, 64);

    CSNBKPI(NULL, NULL, NULL, NULL, &n, rules, p1, t);
    assert_int_equal(t[6], 0xC0); /* it ran */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_master_key), /* must stay first */
        cmocka_unit_test(first_last),
        cmocka_unit_test(middle_and_complete),
        cmocka_unit_test(import_helper),
        cmocka_unit_test(on_a_label),
        cmocka_unit_test(parity_warning),
        cmocka_unit_test(replicated_halves),
        cmocka_unit_test(key_part_bit),
        cmocka_unit_test(access_control),
        cmocka_unit_test(identifier_errors),
        cmocka_unit_test(rule_array),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBKPI", tests, sc_state_setup_acp, sc_state_teardown);
}
