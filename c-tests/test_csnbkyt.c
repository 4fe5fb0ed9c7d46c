/*
 * CSNBKYT (Key Test) through libsoftcca.so. Expected values:
 *   - ENC-ZERO: tests/data/kcv.txt (E_key(0), `cryptography` 48.0.0), first 4 bytes;
 *   - the default CCA key-verification method: tests/data/kyt.txt (tests/vectors/kyt_default.py);
 *   - master-key registers: SHA-1(X'01' || MK) by Python hashlib (tests/data/mkvp.txt gives
 *     the first 8 bytes; the next 8 were computed the same way).
 * Enciphered keys are imported from clear parts (CSNBKTB + CSNBKPI) and tested by token and by
 * label. Error rows of docs/codes.md leave value_1 and value_2 as passed.
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* SHA-1(X'01' || the test master key) bytes 8..15 (Python hashlib). */
#define S9_SHA1_NEXT "F15766AAD4BCA6CB"
/* tests/data/mkvp.txt rnd-0, and SHA-1 bytes 8..15 of X'01' || it (hashlib). */
#define MK2 "C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1"
#define MK2_VP "6A74E3BF4B721C04"
#define MK2_SHA1_NEXT "35D60E9A82ABDFDC"

/* tests/data/kcv.txt (single and double length). */
static const struct {
    const char *id, *key, *enc_zero;
} kcv[] = {
    {"s9-mac-mdk", "FEDCBA98765432100123456789ABCDEF", "7B83586D405902B3"},
    {"s9-enc-mdk", "11111111111111112222222222222222", "D2B91CC5A758BB08"},
    {"s9-pin-key", "0123456789ABCDEFFEDCBA9876543210", "08D7B4FB629D0885"},
    {"des-classic", "0123456789ABCDEF", "D5D44FF720683D0D"},
    {"s9-mac-mdk-left", "FEDCBA9876543210", "A68CDCA90C9021F9"},
    {"jpos-imk-ac", "13345779133457791334577913345779", "6FB1C8BF5D1BBA8B"},
    {"rnd-single-0", "94D931E9F78AEC5B", "A6116DEFD7D84859"},
    {"rnd-double-0", "760DA880379B38EA497CB0C83754F870", "64FB465E39FAB3A5"},
    {"rnd-single-1", "1CA7D39EAE54ABDA", "9B83FC27D08A569A"},
    {"rnd-double-1", "E04564C8613B6D1367BFAB6B01DF7637", "C316585CE94F0F64"},
};

/* tests/data/kyt.txt: the CCA DES key-verification algorithm. */
static const struct {
    const char *id, *key, *rn, *vp;
} kyt[] = {
    {"s9-pin-key", "0123456789ABCDEFFEDCBA9876543210", "0000000000000000", "BA0D133880AE14EC"},
    {"s9-mac-mdk", "FEDCBA98765432100123456789ABCDEF", "1122334455667788", "0AB71379C6DEDEBC"},
    {"des-classic", "0123456789ABCDEF", "0000000000000000", "BCB0FA7EF435EA80"},
    {"des-classic-rn", "0123456789ABCDEF", "A5A5A5A5A5A5A5A5", "7B17C6B215BD5F09"},
    {"rnd-single-0", "31BF8CC2D0BAB362", "FA5910A5164B0C78", "3F9E427A3449A17D"},
    {"rnd-double-0", "1CEFD068524680DFC2DAB532977C2A32", "A13B3CADCB82E365", "75A18427725A8249"},
    {"rnd-single-1", "981C23F892DF610E", "58D5806DBA565271", "42C6E49FCDE7947B"},
    {"rnd-double-1", "5DEFD3D967DA8673796D3D087FB02CE6", "69FC1C872D3A7453", "D63326AD2193FB99"},
    {"rnd-single-2", "C4FD983231D9C83D", "D237887ED2A537A1", "455EA00FA09A64A2"},
    {"rnd-double-2", "F40E7A9DD6C431C18CCD1CDA37C48AA4", "C916E1855F163631", "EC097C1D3CA647F6"},
};

static const unsigned char zero_id[64];

/* A clear key in the first bytes of a 64-byte key identifier; returns its length. */
static size_t clear_id(unsigned char id[64], const char *hex)
{
    size_t n = strlen(hex) / 2;
    memset(id, 0, 64);
    sc_hex(id, n, hex);
    return n;
}

/* The call must fail with want_rc/want_rs and write neither value. */
static void kyt_error(const char *what, const char *words, const unsigned char id[64],
                      int32_t rc, int32_t rs, int line)
{
    unsigned char v1[8], v2[8];
    sc_fill_sentinel(v1, sizeof v1);
    sc_fill_sentinel(v2, sizeof v2);
    sc_check_codes(what, sc_kyt(words, id, v1, v2), rc, rs, __FILE__, line);
    if (!sc_is_sentinel(v1, 8) || !sc_is_sentinel(v2, 8)) {
        print_error("%s: value written on error\n", what);
        _fail(__FILE__, line);
    }
}
#define KYT_ERROR(what, words, id, rc, rs) kyt_error((what), (words), (id), (rc), (rs), __LINE__)

/* No current master key: 12/764 for the current register. Clear keys need none. */
static void no_master_key(void **state)
{
    (void)state;
    KYT_ERROR("KEY-KM without a master key", "GENERATE KEY-KM", zero_id, 12, 764);
}

/* ENC-ZERO on clear keys: value_2 bytes 0-3 = kcv.txt, bytes 4-7 and value_1 untouched;
 * VERIFY compares 4 bytes. */
static void enc_zero_clear(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kcv / sizeof kcv[0]; i++) {
        unsigned char id[64], v1[8], v2[8], want[4];
        const char *word = clear_id(id, kcv[i].key) == 8 ? "KEY-CLR" : "KEY-CLRD";
        char gen[64], ver[64];
        snprintf(gen, sizeof gen, "GENERATE %s ENC-ZERO", word);
        snprintf(ver, sizeof ver, "VERIFY %s ENC-ZERO", word);
        memset(v1, 0x11, 8);
        memset(v2, 0x22, 8);
        expect_codes(sc_kyt(gen, id, v1, v2), 0, 0);
        char first8[9];
        memcpy(first8, kcv[i].enc_zero, 8);
        first8[8] = '\0';
        sc_hex(want, 4, first8);
        if (memcmp(v2, want, 4) != 0) {
            char got[17];
            sc_tohex(got, v2, 8);
            print_error("%s: ENC-ZERO %s, kcv.txt %s\n", kcv[i].id, got, kcv[i].enc_zero);
            fail();
        }
        for (int b = 4; b < 8; b++) assert_int_equal(v2[b], 0x22);
        for (int b = 0; b < 8; b++) assert_int_equal(v1[b], 0x11);
        memset(v2 + 4, 0x99, 4);
        expect_codes(sc_kyt(ver, id, v1, v2), 0, 0);
        v2[0] ^= 1;
        expect_codes(sc_kyt(ver, id, v1, v2), 4, 1);
    }
}

/* Default method: VERIFY accepts kyt.txt's pattern, refuses a changed pattern or random
 * number (4/1, nothing written); GENERATE gives a pair VERIFY accepts. */
static void default_method(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof kyt / sizeof kyt[0]; i++) {
        unsigned char id[64], v1[8], v2[8], vp[8], g1[8], g2[8];
        const char *word = clear_id(id, kyt[i].key) == 8 ? "KEY-CLR" : "KEY-CLRD";
        char gen[64], ver[64];
        snprintf(gen, sizeof gen, "GENERATE %s", word);
        snprintf(ver, sizeof ver, "VERIFY %s", word);
        sc_hex(v1, 8, kyt[i].rn);
        sc_hex(vp, 8, kyt[i].vp);
        memcpy(v2, vp, 8);
        sc_check_codes(kyt[i].id, sc_kyt(ver, id, v1, v2), 0, 0, __FILE__, __LINE__);
        assert_memory_equal(v2, vp, 8);
        v2[7] ^= 0x80;
        expect_codes(sc_kyt(ver, id, v1, v2), 4, 1);
        v2[7] ^= 0x80;
        v1[0] ^= 1;
        expect_codes(sc_kyt(ver, id, v1, v2), 4, 1);

        memset(g1, 0, 8);
        memset(g2, 0, 8);
        expect_codes(sc_kyt(gen, id, g1, g2), 0, 0);
        static const unsigned char zero8[8];
        assert_memory_not_equal(g1, zero8, 8); /* a random number was written */
        expect_codes(sc_kyt(ver, id, g1, g2), 0, 0);
    }
}

/* Enciphered keys imported from parts: ENC-ZERO by token and by label equals kcv.txt; the
 * default method equals kyt.txt. */
static void enciphered_keys(void **state)
{
    (void)state;
    sc_load_master_key_hex(SC_S9_MK);
    unsigned char key[16], token[64], label[64], v1[8], v2[8], want[8];
    sc_hex(key, 16, "0123456789ABCDEFFEDCBA9876543210"); /* s9-pin-key */
    sc_import_key(token, "IPINENC", "", key, 0);
    expect_codes(sc_krc("KYT.PIN.KEY"), 0, 0);
    expect_codes(sc_krw(token, "KYT.PIN.KEY"), 0, 0);
    sc_label(label, "KYT.PIN.KEY");
    const unsigned char *ids[] = {token, label};
    for (int i = 0; i < 2; i++) {
        const char *words[] = {"GENERATE KEY-ENC ENC-ZERO", "GENERATE KEY-ENCD ENC-ZERO"};
        for (int w = 0; w < 2; w++) {
            memset(v1, 0, 8);
            memset(v2, 0, 8);
            expect_codes(sc_kyt(words[w], ids[i], v1, v2), 0, 0);
            sc_hex(want, 4, "08D7B4FB");
            assert_memory_equal(v2, want, 4);
            expect_codes(sc_kyt("VERIFY KEY-ENCD ENC-ZERO", ids[i], v1, v2), 0, 0);
        }
        sc_hex(v1, 8, "0000000000000000");
        sc_hex(v2, 8, "BA0D133880AE14EC");
        expect_codes(sc_kyt("VERIFY KEY-ENCD", ids[i], v1, v2), 0, 0);
    }

    /* The two test-set issuer master keys, imported as DKYGENKY keys. */
    unsigned char mac[16], enc[16];
    sc_hex(mac, 16, "FEDCBA98765432100123456789ABCDEF");
    sc_hex(enc, 16, "11111111111111112222222222222222");
    sc_import_key(token, "DKYGENKY", "DKYL0 DMAC", mac, 0);
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", token, v1, v2), 0, 0);
    sc_hex(want, 4, "7B83586D");
    assert_memory_equal(v2, want, 4);
    sc_import_key(token, "DKYGENKY", "DKYL0 DMPIN", enc, 1);
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", token, v1, v2), 0, 0);
    sc_hex(want, 4, "D2B91CC5");
    assert_memory_equal(v2, want, 4);
}

/* Master-key registers: SHA-1(X'01' || MK), 16 bytes in value_1 ‖ value_2. */
static void master_key_registers(void **state)
{
    (void)state;
    const char *forms[] = {"GENERATE KEY-KM", "GENERATE KEY-KM SYM-MK",
                           "GENERATE SHA-1 SYM-MK KEY-KM"};
    unsigned char v1[8], v2[8], w1[8], w2[8];
    sc_hex(w1, 8, SC_S9_MKVP);
    sc_hex(w2, 8, S9_SHA1_NEXT);
    for (int i = 0; i < 3; i++) {
        expect_codes(sc_kyt(forms[i], zero_id, v1, v2), 0, 0);
        assert_memory_equal(v1, w1, 8);
        assert_memory_equal(v2, w2, 8);
    }
    expect_codes(sc_kyt("VERIFY KEY-KM", zero_id, w1, w2), 0, 0);
    w2[0] ^= 1;
    expect_codes(sc_kyt("VERIFY KEY-KM", zero_id, w1, w2), 4, 1);
    KYT_ERROR("empty new register", "GENERATE KEY-NKM", zero_id, 8, 707);
    KYT_ERROR("empty old register", "GENERATE KEY-OKM", zero_id, 8, 707);

    /* A second master key: new register full, then current; the test master key becomes old. */
    unsigned char mk2[24], zero[24] = {0}, p1[24], p2[24];
    sc_hex(mk2, 24, MK2);
    sc_part(p1, 77);
    sc_part_for(p2, p1, mk2);
    expect_codes(sc_mkp("CLEAR", zero), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    KYT_ERROR("partial new register", "GENERATE KEY-NKM", zero_id, 8, 707);
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_kyt("GENERATE KEY-NKM", zero_id, v1, v2), 0, 0);
    sc_hex(w1, 8, MK2_VP);
    sc_hex(w2, 8, MK2_SHA1_NEXT);
    assert_memory_equal(v1, w1, 8);
    assert_memory_equal(v2, w2, 8);
    expect_codes(sc_mkp("SET", zero), 0, 0);
    expect_codes(sc_kyt("GENERATE KEY-OKM", zero_id, v1, v2), 0, 0);
    sc_hex(w1, 8, SC_S9_MKVP);
    assert_memory_equal(v1, w1, 8);

    /* A token under the old master key still tests, with the old-key warning 0/10001. */
    unsigned char token[64];
    sc_hex(token, 64,
           "010000000000C00023FB12BC983BE87AA1432750ABE4C00D5DAE36510C63438F"
           "00215F000341000000215F0003210000CCB94C2250796C6500000000984892FA"); /* s9-ipinenc */
    expect_codes(sc_kyt("GENERATE KEY-ENCD ENC-ZERO", token, v1, v2), 0, 10001);
    sc_hex(w1, 4, "08D7B4FB");
    assert_memory_equal(v2, w1, 4);
}

/* Rule-array and key-identifier errors. */
static void error_rows(void **state)
{
    (void)state;
    unsigned char clr[64], bad[64], label[64], token[64], key[16];
    clear_id(clr, "0123456789ABCDEF");
    KYT_ERROR("SYM-MK with a key", "GENERATE KEY-CLR SYM-MK", clr, 8, 34);
    KYT_ERROR("SHA-1 with a key", "GENERATE KEY-CLR SHA-1", clr, 8, 34);
    KYT_ERROR("ENC-ZERO with KEY-KM", "GENERATE KEY-KM ENC-ZERO", clr, 8, 34);
    KYT_ERROR("two processes", "GENERATE VERIFY KEY-CLR", clr, 8, 34);
    KYT_ERROR("two keys", "GENERATE KEY-CLR KEY-CLRD", clr, 8, 34);
    KYT_ERROR("no key rule", "GENERATE ENC-ZERO", clr, 8, 34);
    KYT_ERROR("no process rule", "KEY-CLR ENC-ZERO", clr, 8, 34);
    KYT_ERROR("MDC-4", "GENERATE KEY-CLR MDC-4", clr, 8, 33);
    KYT_ERROR("count 1", "GENERATE", clr, 8, 35);
    KYT_ERROR("count 5", "GENERATE KEY-CLR ENC-ZERO SYM-MK SHA-1", clr, 8, 35);

    sc_label(label, "NO.SUCH");
    KYT_ERROR("label not found", "GENERATE KEY-ENC", label, 8, 10012);
    sc_label(label, "no.such");
    KYT_ERROR("label syntax", "GENERATE KEY-ENC", label, 8, 32);
    /* The master key is MK2 now (master_key_registers). */
    sc_hex(key, 16, "0123456789ABCDEFFEDCBA9876543210");
    sc_import_key(token, "IPINENC", "", key, 0);
    memcpy(bad, token, 64);
    bad[16] ^= 1;
    KYT_ERROR("TVV", "GENERATE KEY-ENC", bad, 8, 12);
    memcpy(bad, token, 64);
    bad[9] ^= 1;
    uint32_t v = sc_tvv(bad);
    for (int i = 0; i < 4; i++) bad[60 + i] = (unsigned char)(v >> (24 - 8 * i));
    KYT_ERROR("unknown MKVP", "GENERATE KEY-ENC", bad, 8, 10004);
    KYT_ERROR("null token", "GENERATE KEY-ENC", zero_id, 8, 154);
    sc_skeleton_token(bad, SC_CV_DATA_DOUBLE);
    KYT_ERROR("skeleton without key", "GENERATE KEY-ENC", bad, 8, 154);
    sc_set_acp(0x001D, 0);
    KYT_ERROR("ACP X'001D' off", "GENERATE KEY-CLR ENC-ZERO", clr, 8, 90);
    sc_set_acp(0x001D, 1);
}

/* Misaligned fullwords; NULL pointers 8/184 with nothing written; NULL rc/rs tolerated. */
static void conventions(void **state)
{
    (void)state;
    unsigned char id[64], rules[24], v1[8], v2[8], want[4];
    sc_fullword rc, rs, count;
    clear_id(id, "0123456789ABCDEF");
    sc_rules(rules, sizeof rules, "GENERATE KEY-CLR ENC-ZERO");
    memset(v2, 0, 8);
    CSNBKYT(sc_fw(&rc, 3, -1), sc_fw(&rs, 5, -1), NULL, NULL, sc_fw(&count, 1, 3), rules, id,
            v1, v2);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    sc_hex(want, 4, "D5D44FF7"); /* kcv.txt des-classic */
    assert_memory_equal(v2, want, 4);

    for (int which = 0; which < 4; which++) {
        sc_codes r = {-1, -1};
        int32_t n = 3;
        sc_fill_sentinel(v1, 8);
        sc_fill_sentinel(v2, 8);
        CSNBKYT(&r.rc, &r.rs, NULL, NULL, which == 3 ? NULL : &n, rules,
                which == 0 ? NULL : id, which == 1 ? NULL : v1, which == 2 ? NULL : v2);
        expect_codes(r, 8, 184);
        assert_true(sc_is_sentinel(v1, 8) && sc_is_sentinel(v2, 8));
    }
    int32_t n = 3;
    memset(v2, 0, 8);
    CSNBKYT(NULL, NULL, NULL, NULL, &n, rules, id, v1, v2);
    assert_memory_equal(v2, want, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_master_key), /* must stay first */
        cmocka_unit_test(enc_zero_clear),
        cmocka_unit_test(default_method),
        cmocka_unit_test(enciphered_keys),
        cmocka_unit_test(master_key_registers),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBKYT", tests, sc_state_setup_acp, sc_state_teardown);
}
