/*
 * CSNBMGN (MAC Generate) and CSNBMVR (MAC Verify) through libsoftcca.so.
 *
 * Keys are imported from clear parts (CSNBKTB skeleton with KEY-PART, CSNBKPI FIRST+LAST)
 * under the test master key of tests/vectors/README.md: MAC SINGLE / DATA SINGLE for X9.9-1 and EMVMAC,
 * MAC DOUBLE (and DATA DOUBLE for TDES-MAC) for the double-length methods, MACVER DOUBLE for
 * verify-only keys.
 *
 * Expected MACs: tests/data/mac.txt (FIPS PUB 113, ISO/IEC 9797-1 Annex B.4, pyemv 1.5.0
 * docstrings and sm/mac functions, cryptography 48.0.0; independent of softcca), copied
 * verbatim by case id below. `mac` is the full 8-byte last block; MACLEN4/6/8 take its
 * leftmost 4/6/8 bytes, HEX-8/HEX-9 its leftmost 4 bytes as hexadecimal characters.
 *
 * Covered: every method and MAC length, default method by key length, HEX-8/HEX-9 in both
 * directions, FIRST/MIDDLE/LAST equal to ONLY (generate and verify), verification failure
 * 4/8004 (a changed byte, a truncated MAC), and the error rows: 8/35, 8/33, 8/34, 8/25, 8/60,
 * 8/2036, 8/39, 8/168, 8/184, with MAC and chaining vector left as passed; misaligned
 * fullwords; NULL rc/rs.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------------------------- */

/* CSNBMGN (verify 0) or CSNBMVR (verify 1). The text is copied into a heap buffer of exactly
 * `len` bytes (so the sanitizers catch a read past it); `chain` and `mac` are passed as they
 * are (either may be NULL). */
static sc_codes mac_call(int verify, const unsigned char key[64], const unsigned char *text,
                         size_t len, const char *words, unsigned char *chain, unsigned char *mac)
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8 * 8], k[64];
    int32_t count = sc_rules(rules, sizeof rules, words);
    int32_t tl = (int32_t)len;
    unsigned char *t = malloc(len ? len : 1);
    assert_non_null(t);
    if (len) memcpy(t, text, len);
    memcpy(k, key, 64);
    if (verify) {
        CSNBMVR(&c.rc, &c.rs, &exit_len, exit_data, k, &tl, t, &count, rules, chain, mac);
    } else {
        CSNBMGN(&c.rc, &c.rs, &exit_len, exit_data, k, &tl, t, &count, rules, chain, mac);
    }
    free(t);
    assert_int_equal(tl, (int32_t)len);
    assert_int_equal(count, sc_rules(rules, sizeof rules, words));
    return c;
}

/* CSNBMGN ONLY; mac[16] is filled with the sentinel first. */
static sc_codes mgn(const unsigned char key[64], const unsigned char *text, size_t len,
                    const char *words, unsigned char mac[16])
{
    sc_fill_sentinel(mac, 16);
    return mac_call(0, key, text, len, words, NULL, mac);
}

/* CSNBMVR ONLY with a 9-byte MAC field (from `mac`, `n` bytes, zero filled): it must not be
 * written. */
static sc_codes mvr(const unsigned char key[64], const unsigned char *text, size_t len,
                    const char *words, const unsigned char *mac, size_t n)
{
    unsigned char m[9] = {0}, before[9];
    memcpy(m, mac, n);
    memcpy(before, m, 9);
    sc_codes c = mac_call(1, key, text, len, words, NULL, m);
    assert_memory_equal(m, before, 9);
    return c;
}

/* A single-length key from clear parts (parts in bytes 0-7 of CSNBKPI's 16-byte key_part). */
static void import8(unsigned char token[64], const char *key_type, const unsigned char key[8])
{
    unsigned char p1[16] = {0}, p2[16] = {0};
    expect_codes(sc_ktb(token, key_type, "SINGLE KEY-PART"), 0, 0);
    int32_t rs = sc_has_odd_parity(key, 8) ? 0 : 4;
    for (size_t i = 0; i < 8; i++) {
        p1[i] = (unsigned char)(key[i] ^ SC_EVEN_PART[i]);
        p2[i] = SC_EVEN_PART[i];
    }
    expect_codes(sc_kpi("FIRST", p1, token), 0, rs);
    expect_codes(sc_kpi("LAST", p2, token), 0, rs);
}

/* A MAC, MACVER or DATA key of 8 or 16 bytes (hex) from clear parts. */
static void import_key(unsigned char token[64], const char *key_type, const char *hex)
{
    unsigned char key[16];
    size_t n = strlen(hex) / 2;
    sc_hex(key, n, hex);
    if (n == 8) {
        import8(token, key_type, key);
    } else {
        sc_import_key(token, key_type, "DOUBLE", key, 0);
    }
}

static void hex_text(unsigned char *out, size_t *len, const char *hex)
{
    *len = strlen(hex) / 2;
    if (*len) sc_hex(out, *len, hex);
}

/* FIRST, MIDDLE..., LAST with segment ends cuts[0..ncuts) (the last segment runs to len). */
static sc_codes segmented(int verify, const unsigned char key[64], const unsigned char *text,
                          size_t len, const size_t *cuts, size_t ncuts, const char *extra,
                          unsigned char *mac)
{
    unsigned char chain[18];
    size_t start = 0;
    sc_fill_sentinel(chain, sizeof chain);
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        const char *seg = i == 0 ? "FIRST" : i == ncuts ? "LAST" : "MIDDLE";
        char words[64];
        snprintf(words, sizeof words, "%s %s", seg, extra);
        sc_codes c = mac_call(verify, key, text + start, end - start, words, chain,
                              i == ncuts ? mac : NULL);
        if (c.rc != 0 || c.rs != 0) return c;
        if (i < ncuts) {
            assert_int_equal(chain[0], 0xC5); /* a chain in progress */
        }
        start = end;
    }
    return (sc_codes){0, 0};
}

/* ---- known answers ----------------------------------------------------------------------- */

static const struct {
    const char *id, *method, *key, *text, *mac;
} cases[] = {
    /* X9.9-1: ISO/IEC 9797-1 algorithm 1, single DES, zero padding */
    {"fips113", "X9.9-1", "0123456789ABCDEF",
     "37363534333231204E6F77206973207468652074696D6520666F7220", "F1D30F6849312CA4"},
    {"iso9797-alg1-1", "X9.9-1", "0123456789ABCDEF",
     "4E6F77206973207468652074696D6520666F7220616C6C20", "70A30640CC76DD8B"},
    {"rnd-x99-1-1", "X9.9-1", "BCE00E5DAB6EA858", "22", "C51410A7FF300E47"},
    {"rnd-x99-1-9", "X9.9-1", "25A46D6D9DA252BA", "C0B921A0E36D930013", "1D70A52026CDEB85"},
    {"rnd-x99-1-40", "X9.9-1", "D93DBC26C1DFADB9",
     "2E92D5E2324CC30C826445FB947F06C512F009E0C597B0E94A6976D3915F715A489066863BA116B8",
     "BB2DA91965282D73"},
    /* X9.19OPT: algorithm 3 (retail MAC), zero padding */
    {"iso9797-b4-1", "X9.19OPT", "0123456789ABCDEFFEDCBA9876543210",
     "4E6F77206973207468652074696D6520666F7220616C6C20", "A1C72E74EA3FA9B6"},
    {"iso9797-b4-2", "X9.19OPT", "0123456789ABCDEFFEDCBA9876543210",
     "4E6F77206973207468652074696D6520666F72206974", "2E2B1428CC78254F"},
    {"rnd-x919opt-17", "X9.19OPT", "9ED919F4C734E69D4A3E25E6C74667DA",
     "6CE8B42BD2F0BD4B9D076E075EB69A09BC", "7F277429738279EA"},
    /* TDES-MAC: algorithm 1 with TDES, zero padding */
    {"rnd-tdes-mac-1", "TDES-MAC", "1A4CD01AD9D9B6D692FB6EDA4576EFC7", "B7", "2460C12ADAC94257"},
    {"rnd-tdes-mac-17", "TDES-MAC", "08CD977FA4EC46BC76D5A7E5C1EC9D23",
     "6D21689E720DED1E1805C8F5E5DF9C95F0", "085F5821F803176A"},
    {"rnd-tdes-mac-24", "TDES-MAC", "A15D6D259D709D1F1C2625689D7C9134",
     "9CF2B310FE377AD9EB4645C50F48F4246532FCD1021A259E", "AFB99703E0A7CF2B"},
    /* EMVMAC: algorithm 1, single DES, X'80' padding (also for an empty text) */
    {"rnd-emvmac-0", "EMVMAC", "760416CE8F7ADCA7", "", "31298DA18897DEF1"},
    {"rnd-emvmac-8", "EMVMAC", "F24CAD613402D5A8", "4F2A0AA9800B3D34", "213DD9794E88661A"},
    {"rnd-emvmac-17", "EMVMAC", "4C9EA4FB0BC807FD", "D2A2678FA7042F1DEAB885B3EDA731F27A",
     "54601E59A5A5D42A"},
    /* EMVMACD: algorithm 3, X'80' padding (EMV issuer-script MAC) */
    {"pyemv-doc-1", "EMVMACD", "0123456789ABCDEFFEDCBA9876543210", "8424000008",
     "0BFFF5DF3FAA24E1"},
    {"pyemv-doc-2", "EMVMACD", "0123456789ABCDEFFEDCBA9876543210",
     "8424000008FFFF1234567890123456", "E07B8DF1B4184282"},
    {"rnd-emvmacd-0", "EMVMACD", "A40BB5B63158A8341C2AA49DBFD07FB3", "", "7E125D1B1D8B726E"},
    {"rnd-emvmacd-24", "EMVMACD", "8AADEFA76E463734FE8F91235DA751FD",
     "EA729F9AF7DEAED05721B91EA5E1361549A400AA58BD6DD1", "5D4BE13A619CFA38"},
};
#define NCASES (sizeof cases / sizeof cases[0])

static size_t find(const char *id)
{
    for (size_t i = 0; i < NCASES; i++) {
        if (strcmp(cases[i].id, id) == 0) return i;
    }
    fail_msg("no case %s", id);
    return 0;
}

/* The key types a case runs with: MAC always; DATA for the single-length methods and for
 * TDES-MAC (a double DATA key takes only TDES-MAC). */
static size_t key_types(size_t i, const char *types[2])
{
    types[0] = "MAC";
    if (strlen(cases[i].key) == 16 || strcmp(cases[i].method, "TDES-MAC") == 0) {
        types[1] = "DATA";
        return 2;
    }
    return 1;
}

/* The first test loads the test master key for the whole binary. */
static void known_answers(void **state)
{
    (void)state;
    sc_load_master_key_hex(SC_S9_MK);
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char text[64], want[8], key[64], mac[16];
        size_t len;
        const char *types[2];
        hex_text(text, &len, cases[i].text);
        sc_hex(want, 8, cases[i].mac);
        for (size_t kt = 0; kt < key_types(i, types); kt++) {
            char what[128], words[64];
            import_key(key, types[kt], cases[i].key);
            static const struct {
                const char *kw;
                size_t n;
            } lens[] = {{"MACLEN4", 4}, {"MACLEN6", 6}, {"MACLEN8", 8}};
            for (size_t l = 0; l < 3; l++) {
                size_t n = lens[l].n;
                snprintf(what, sizeof what, "mac.txt %s %s %s %s", cases[i].id, types[kt],
                         cases[i].method, lens[l].kw);
                snprintf(words, sizeof words, "%s %s", cases[i].method, lens[l].kw);
                sc_check_codes(what, mgn(key, text, len, words, mac), 0, 0, __FILE__,
                               __LINE__);
                if (memcmp(mac, want, n) != 0) {
                    char got[17];
                    sc_tohex(got, mac, n);
                    fail_msg("%s: MAC %s, expected the leftmost %zu bytes of %s", what, got, n,
                             cases[i].mac);
                }
                assert_true(sc_is_sentinel(mac + n, 16 - n)); /* nothing past the MAC */
                /* Keywords in another order, and ONLY spelled out. */
                snprintf(words, sizeof words, "%s ONLY %s", lens[l].kw, cases[i].method);
                sc_check_codes(what, mgn(key, text, len, words, mac), 0, 0, __FILE__,
                               __LINE__);
                assert_memory_equal(mac, want, n);
                /* Verify: the right MAC 0/0. */
                sc_check_codes(what, mvr(key, text, len, words, want, n), 0, 0, __FILE__,
                               __LINE__);
                /* One byte changed (first, last): 4/8004. */
                unsigned char bad[8];
                memcpy(bad, want, n);
                bad[0] ^= 0x01;
                sc_check_codes(what, mvr(key, text, len, words, bad, n), 4, 8004, __FILE__,
                               __LINE__);
                memcpy(bad, want, n);
                bad[n - 1] ^= 0x80;
                sc_check_codes(what, mvr(key, text, len, words, bad, n), 4, 8004, __FILE__,
                               __LINE__);
                /* Truncated: only 4 bytes of the MAC (rest zero) under MACLEN6/8: 4/8004. */
                if (n > 4) {
                    sc_check_codes(what, mvr(key, text, len, words, want, 4), 4, 8004,
                                   __FILE__, __LINE__);
                }
                /* Bytes past the length are not compared. */
                memcpy(bad, want, 8);
                if (n < 8) bad[n] ^= 0xFF;
                sc_check_codes(what, mvr(key, text, len, words, bad, 8), 0, 0, __FILE__,
                               __LINE__);
            }
            /* HEX-8 and HEX-9: the leftmost 4 bytes in upper-case hexadecimal. */
            char hex8[9], hex9[10];
            sc_tohex(hex8, want, 4);
            snprintf(hex9, sizeof hex9, "%.4s %.4s", hex8, hex8 + 4);
            snprintf(what, sizeof what, "mac.txt %s %s %s HEX-8", cases[i].id, types[kt],
                     cases[i].method);
            snprintf(words, sizeof words, "%s HEX-8", cases[i].method);
            sc_check_codes(what, mgn(key, text, len, words, mac), 0, 0, __FILE__, __LINE__);
            assert_memory_equal(mac, hex8, 8);
            assert_true(sc_is_sentinel(mac + 8, 8));
            sc_check_codes(what, mvr(key, text, len, words, (const unsigned char *)hex8, 8), 0,
                           0, __FILE__, __LINE__);
            char bad8[9];
            memcpy(bad8, hex8, 9);
            bad8[7] = bad8[7] == '0' ? '1' : '0';
            sc_check_codes(what, mvr(key, text, len, words, (const unsigned char *)bad8, 8), 4,
                           8004, __FILE__, __LINE__);
            /* Truncated hex MAC: 7 characters and a blank is not hexadecimal: 8/168. */
            memcpy(bad8, hex8, 9);
            bad8[7] = ' ';
            sc_check_codes(what, mvr(key, text, len, words, (const unsigned char *)bad8, 8), 8,
                           168, __FILE__, __LINE__);

            snprintf(what, sizeof what, "mac.txt %s %s %s HEX-9", cases[i].id, types[kt],
                     cases[i].method);
            snprintf(words, sizeof words, "HEX-9 %s", cases[i].method);
            sc_check_codes(what, mgn(key, text, len, words, mac), 0, 0, __FILE__, __LINE__);
            assert_memory_equal(mac, hex9, 9);
            assert_true(sc_is_sentinel(mac + 9, 7));
            char lower9[10];
            for (size_t c = 0; c < 10; c++) {
                lower9[c] = (char)(hex9[c] >= 'A' && hex9[c] <= 'F' ? hex9[c] + 32 : hex9[c]);
            }
            sc_check_codes(what, mvr(key, text, len, words, (const unsigned char *)lower9, 9), 0,
                           0, __FILE__, __LINE__);
            char bad9[10];
            memcpy(bad9, hex9, 10);
            bad9[0] = bad9[0] == 'F' ? 'E' : 'F';
            sc_check_codes(what, mvr(key, text, len, words, (const unsigned char *)bad9, 9), 4,
                           8004, __FILE__, __LINE__);
        }
    }
}

/* No method keyword: X9.9-1 for a single-length key, X9.19OPT for a double-length MAC key;
 * no length keyword: MACLEN4. */
static void defaults(void **state)
{
    (void)state;
    const char *ids[] = {"fips113", "iso9797-b4-1", "rnd-x99-1-9", "rnd-x919opt-17"};
    for (size_t j = 0; j < 4; j++) {
        size_t i = find(ids[j]);
        unsigned char text[64], want[8], key[64], mac[16];
        size_t len;
        hex_text(text, &len, cases[i].text);
        sc_hex(want, 8, cases[i].mac);
        import_key(key, "MAC", cases[i].key);
        expect_codes(mgn(key, text, len, "", mac), 0, 0);
        assert_memory_equal(mac, want, 4);
        assert_true(sc_is_sentinel(mac + 4, 12));
        expect_codes(mvr(key, text, len, "", want, 4), 0, 0);
        expect_codes(mgn(key, text, len, "MACLEN8", mac), 0, 0);
        assert_memory_equal(mac, want, 8);
    }
}

/* FIRST / MIDDLE... / LAST give the ONLY MAC (tests/data/mac.txt), generate and verify. */
static void segments(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char text[64], want[8], key[64], mac[16];
        size_t len;
        hex_text(text, &len, cases[i].text);
        if (len < 8) continue; /* FIRST needs 8 bytes */
        sc_hex(want, 8, cases[i].mac);
        import_key(key, "MAC", cases[i].key);
        /* Segment ends: block-aligned, unaligned, a MIDDLE of exactly 8, everything in FIRST
         * (an empty LAST). */
        const size_t plans[][3] = {{8}, {9}, {8, 16}, {9, 17}, {11, 19, 0}, {0}};
        const size_t nplans[] = {1, 1, 2, 2, 2, 1};
        for (size_t p = 0; p < 6; p++) {
            size_t cuts[3];
            size_t nc = nplans[p];
            memcpy(cuts, plans[p], sizeof cuts);
            if (p == 5) cuts[0] = len;
            int ok = 1;
            for (size_t k = 0; k < nc; k++) {
                size_t prev = k ? cuts[k - 1] : 0;
                if (cuts[k] > len || cuts[k] - prev < 8) ok = 0;
            }
            if (!ok) continue;
            char what[96], extra[32];
            snprintf(what, sizeof what, "mac.txt %s segments plan %zu", cases[i].id, p);
            snprintf(extra, sizeof extra, "%s MACLEN8", cases[i].method);
            sc_fill_sentinel(mac, sizeof mac);
            sc_check_codes(what, segmented(0, key, text, len, cuts, nc, extra, mac), 0, 0,
                           __FILE__, __LINE__);
            if (memcmp(mac, want, 8) != 0) fail_msg("%s: segmented MAC differs", what);
            assert_true(sc_is_sentinel(mac + 8, 8));
            /* Verify in segments: 0/0, then a changed byte and a truncated MAC 4/8004. */
            unsigned char m[9] = {0};
            memcpy(m, want, 8);
            sc_check_codes(what, segmented(1, key, text, len, cuts, nc, extra, m), 0, 0,
                           __FILE__, __LINE__);
            m[5] ^= 0x10;
            sc_check_codes(what, segmented(1, key, text, len, cuts, nc, extra, m), 4, 8004,
                           __FILE__, __LINE__);
            memset(m + 4, 0, 5);
            sc_check_codes(what, segmented(1, key, text, len, cuts, nc, extra, m), 4, 8004,
                           __FILE__, __LINE__);
        }
    }
}

/* Key types: MACVER verifies but cannot generate (8/39); other types 8/39; method and key
 * length must agree (8/39). */
static void key_types_rules(void **state)
{
    (void)state;
    size_t i = find("iso9797-b4-1"), s = find("fips113");
    unsigned char text[64], want[8], ver[64], dky[64], pin[64], ddata[64], single[64], dbl[64];
    unsigned char mac[16], chain[18];
    size_t len;
    hex_text(text, &len, cases[i].text);
    sc_hex(want, 8, cases[i].mac);
    import_key(ver, "MACVER", cases[i].key);
    import_key(ddata, "DATA", cases[i].key);
    import_key(dbl, "MAC", cases[i].key);
    import_key(single, "MAC", cases[s].key);
    unsigned char k16[16];
    sc_hex(k16, 16, cases[i].key);
    sc_import_key(dky, "DKYGENKY", "DKYL0 DMAC", k16, 0);
    sc_import_key(pin, "IPINENC", "", k16, 0);

    expect_codes(mvr(ver, text, len, "", want, 4), 0, 0);
    expect_codes(mvr(ver, text, len, "X9.19OPT MACLEN8", want, 8), 0, 0);
    expect_codes(mgn(ver, text, len, "", mac), 8, 39);
    assert_true(sc_is_sentinel(mac, 16));
    expect_codes(mgn(ver, text, len, "X9.19OPT MACLEN8", mac), 8, 39);
    assert_true(sc_is_sentinel(mac, 16));
    sc_fill_sentinel(chain, sizeof chain);
    expect_codes(mac_call(0, ver, text, len, "FIRST", chain, NULL), 8, 39);
    assert_true(sc_is_sentinel(chain, sizeof chain));

    const unsigned char *wrong[] = {dky, pin};
    for (size_t w = 0; w < 2; w++) {
        expect_codes(mgn(wrong[w], text, len, "", mac), 8, 39);
        assert_true(sc_is_sentinel(mac, 16));
        expect_codes(mvr(wrong[w], text, len, "", want, 4), 8, 39);
    }
    /* X9.19OPT / EMVMACD / TDES-MAC need a double key; X9.9-1 / EMVMAC a single one; a
     * double DATA key runs only TDES-MAC. */
    const char *dbl_only[] = {"X9.19OPT", "EMVMACD", "TDES-MAC"};
    for (size_t m = 0; m < 3; m++) {
        expect_codes(mgn(single, text, len, dbl_only[m], mac), 8, 39);
    }
    expect_codes(mgn(dbl, text, len, "X9.9-1", mac), 8, 39);
    expect_codes(mgn(dbl, text, len, "EMVMAC", mac), 8, 39);
    expect_codes(mgn(ddata, text, len, "X9.19OPT", mac), 8, 39);
    expect_codes(mgn(ddata, text, len, "EMVMACD", mac), 8, 39);
    assert_true(sc_is_sentinel(mac, 16));
    /* No method keyword: a double-length DATA key gets TDES-MAC, its only method. */
    unsigned char by_default[16];
    memcpy(by_default, mac, 16);
    expect_codes(mgn(ddata, text, len, "", by_default), 0, 0);
    expect_codes(mgn(ddata, text, len, "TDES-MAC", mac), 0, 0);
    assert_memory_equal(by_default, mac, 4);

    /* A label: the CKDS record's key. */
    unsigned char label[64];
    expect_codes(sc_krc("MGN.KEY.VER"), 0, 0);
    expect_codes(sc_krw(ver, "MGN.KEY.VER"), 0, 0);
    sc_label(label, "MGN.KEY.VER");
    expect_codes(mvr(label, text, len, "MACLEN8", want, 8), 0, 0);
    expect_codes(mgn(label, text, len, "", mac), 8, 39);
}

/* ---- errors ------------------------------------------------------------------------------ */

/* Rule array: 8/35, 8/33, 8/34; the MAC field and chaining vector are left as passed. */
static void rule_array(void **state)
{
    (void)state;
    size_t i = find("iso9797-b4-1");
    unsigned char text[64], want[8], key[64], mac[16];
    size_t len;
    hex_text(text, &len, cases[i].text);
    sc_hex(want, 8, cases[i].mac);
    import_key(key, "MAC", cases[i].key);

    const struct {
        const char *words;
        int32_t rs;
    } rows[] = {
        {"ONLY MACLEN4 X9.19OPT EMVMACD", 35},
        {"BOGUS", 33},
        {"X9.19OPT MACLEN5", 33},
        {"X9.19OPT HEX-10", 33},
        {"X9.9-1 X9.19OPT", 34},
        {"ONLY LAST", 34},
        {"FIRST MIDDLE", 34},
        {"MACLEN4 HEX-8", 34},
        {"HEX-8 HEX-9", 34},
        {"ONLY ONLY", 34},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        unsigned char chain[18];
        sc_fill_sentinel(chain, sizeof chain);
        sc_check_codes(rows[r].words, mgn(key, text, len, rows[r].words, mac), 8, rows[r].rs,
                       __FILE__, __LINE__);
        assert_true(sc_is_sentinel(mac, 16));
        sc_check_codes(rows[r].words, mvr(key, text, len, rows[r].words, want, 4), 8,
                       rows[r].rs, __FILE__, __LINE__);
        sc_check_codes(rows[r].words, mac_call(0, key, text, len, rows[r].words, chain, mac), 8,
                       rows[r].rs, __FILE__, __LINE__);
        assert_true(sc_is_sentinel(chain, sizeof chain));
    }

    /* Count -1 and 4, and a keyword padded with NULs. */
    int32_t counts[] = {-1, 4, 100};
    unsigned char rules[32];
    sc_rules(rules, sizeof rules, "ONLY MACLEN4 X9.19OPT ONLY");
    for (size_t c = 0; c < 3; c++) {
        sc_codes r = {-1, -1};
        int32_t n = counts[c], tl = (int32_t)len;
        sc_fill_sentinel(mac, sizeof mac);
        CSNBMGN(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
        expect_codes(r, 8, 35);
        assert_true(sc_is_sentinel(mac, 16));
    }
    sc_codes r = {-1, -1};
    int32_t n = 1, tl = (int32_t)len;
    memcpy(rules, "MACLEN8\0", 8);
    CSNBMGN(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
    expect_codes(r, 8, 33);
    assert_true(sc_is_sentinel(mac, 16));
    /* Lower case is folded to upper case (src/rule_array.rs, docs/decisions.md F3). */
    expect_codes(mgn(key, text, len, "x9.19opt maclen8", mac), 0, 0);
    assert_memory_equal(mac, want, 8);
}

/* text_length: negative, 32 MiB - 8 or more (IBM: "less than 32MB - 8 bytes"; rejected before
 * the text is read), zero with zero padding: 8/25; FIRST/MIDDLE under 8
 * bytes: 8/60. */
static void text_lengths(void **state)
{
    (void)state;
    size_t i = find("iso9797-b4-1");
    unsigned char text[64], key[64], single[64], mac[16], chain[18], good[18];
    size_t len;
    hex_text(text, &len, cases[i].text);
    import_key(key, "MAC", cases[i].key);
    import_key(single, "MAC", cases[find("fips113")].key);

    const int32_t bad[] = {-1, 32 * 1024 * 1024 - 8, 32 * 1024 * 1024 - 7, INT32_MIN, INT32_MAX};
    for (size_t b = 0; b < 5; b++) {
        for (int verify = 0; verify < 2; verify++) {
            sc_codes r = {-1, -1};
            int32_t tl = bad[b], n = 0;
            unsigned char rules[8] = "ONLY    ";
            sc_fill_sentinel(mac, sizeof mac);
            if (verify) {
                CSNBMVR(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
            } else {
                CSNBMGN(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
            }
            char what[64];
            snprintf(what, sizeof what, "text_length %d verify %d", (int)bad[b], verify);
            sc_check_codes(what, r, 8, 25, __FILE__, __LINE__);
            assert_true(sc_is_sentinel(mac, 16));
        }
    }
    /* Empty ONLY text: no MAC with zero padding (8/25), a MAC with X'80' padding (the
     * rnd-emvmac-0 / rnd-emvmacd-0 cases of known_answers). */
    expect_codes(mgn(key, text, 0, "", mac), 8, 25);
    expect_codes(mgn(key, text, 0, "TDES-MAC", mac), 8, 25);
    expect_codes(mgn(single, text, 0, "X9.9-1", mac), 8, 25);
    assert_true(sc_is_sentinel(mac, 16));
    expect_codes(mvr(key, text, 0, "X9.19OPT", mac, 4), 8, 25);
    expect_codes(mgn(key, text, 0, "EMVMACD", mac), 0, 0);
    expect_codes(mgn(single, text, 0, "EMVMAC", mac), 0, 0);

    /* FIRST with 7 bytes (and 0): 8/60, chaining vector untouched. */
    size_t shorts[] = {7, 0};
    for (size_t s = 0; s < 2; s++) {
        sc_fill_sentinel(chain, sizeof chain);
        expect_codes(mac_call(0, key, text, shorts[s], "FIRST", chain, NULL), 8, 60);
        assert_true(sc_is_sentinel(chain, sizeof chain));
        expect_codes(mac_call(1, key, text, shorts[s], "FIRST", chain, NULL), 8, 60);
        assert_true(sc_is_sentinel(chain, sizeof chain));
    }
    /* MIDDLE with 7 bytes: 8/60, chaining vector unchanged. */
    expect_codes(mac_call(0, key, text, 8, "FIRST", good, NULL), 0, 0);
    memcpy(chain, good, 18);
    expect_codes(mac_call(0, key, text + 8, 7, "MIDDLE", chain, NULL), 8, 60);
    assert_memory_equal(chain, good, 18);
    /* LAST may be short, even empty. */
    sc_fill_sentinel(mac, sizeof mac);
    expect_codes(mac_call(0, key, text + 8, 0, "LAST", chain, mac), 0, 0);
    assert_true(sc_is_sentinel(mac + 4, 12));
}

/* Chaining vector: marker, method or count altered, or from another method: 8/2036 with the
 * chaining vector and the MAC unchanged. */
static void chaining_vector(void **state)
{
    (void)state;
    size_t i = find("iso9797-b4-1");
    unsigned char text[64], want[8], key[64], mac[16], good[18], c[18];
    size_t len;
    hex_text(text, &len, cases[i].text);
    sc_hex(want, 8, cases[i].mac);
    import_key(key, "MAC", cases[i].key);

    sc_fill_sentinel(good, sizeof good);
    expect_codes(mac_call(0, key, text, 12, "FIRST X9.19OPT", good, NULL), 0, 0);
    assert_int_equal(good[0], 0xC5);
    assert_int_equal(good[1], 2);  /* X9.19OPT */
    assert_int_equal(good[17], 4); /* 4 bytes carried */
    assert_memory_equal(good + 10, text + 8, 4);

    const struct {
        const char *what;
        size_t at;
        unsigned char x;
    } rows[] = {
        {"marker", 0, 0xFF}, {"method", 1, 0x03}, {"method 0", 1, 0x02},
        {"count 8", 17, 0x0C}, {"count 0xFC", 17, 0xF8},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        for (int verify = 0; verify < 2; verify++) {
            unsigned char before[18], m[16];
            memcpy(c, good, 18);
            c[rows[r].at] ^= rows[r].x;
            memcpy(before, c, 18);
            sc_fill_sentinel(m, sizeof m);
            if (verify) memcpy(m, want, 8);
            unsigned char mb[16];
            memcpy(mb, m, 16);
            sc_check_codes(rows[r].what,
                           mac_call(verify, key, text + 12, len - 12, "LAST", c, m), 8, 2036,
                           __FILE__, __LINE__);
            assert_memory_equal(c, before, 18);
            assert_memory_equal(m, mb, 16);
            sc_check_codes(rows[r].what,
                           mac_call(verify, key, text + 12, 8, "MIDDLE", c, NULL), 8, 2036,
                           __FILE__, __LINE__);
            assert_memory_equal(c, before, 18);
        }
    }
    /* The chain of X9.19OPT continued as EMVMACD or TDES-MAC: 8/2036. */
    memcpy(c, good, 18);
    sc_fill_sentinel(mac, sizeof mac);
    expect_codes(mac_call(0, key, text + 12, len - 12, "LAST EMVMACD", c, mac), 8, 2036);
    expect_codes(mac_call(0, key, text + 12, len - 12, "TDES-MAC LAST", c, mac), 8, 2036);
    assert_memory_equal(c, good, 18);
    assert_true(sc_is_sentinel(mac, 16));
    /* The untouched chain finishes to the ONLY MAC (iso9797-b4-1). */
    expect_codes(mac_call(0, key, text + 12, len - 12, "LAST MACLEN8", c, mac), 0, 0);
    assert_memory_equal(mac, want, 8);
    /* An enciphered chaining value changed: the MAC simply does not verify. */
    memcpy(c, good, 18);
    c[5] ^= 0x01;
    unsigned char m[9] = {0};
    memcpy(m, want, 8);
    expect_codes(mac_call(1, key, text + 12, len - 12, "LAST MACLEN8", c, m), 4, 8004);
}

/* NULL pointers: 8/184 with nothing written; ONLY takes a NULL chaining vector, FIRST and
 * MIDDLE of CSNBMGN a NULL MAC; NULL rc/rs tolerated; misaligned fullwords. */
static void conventions(void **state)
{
    (void)state;
    size_t i = find("iso9797-b4-1");
    unsigned char text[64], want[8], key[64], mac[16], rules[8], first[8], chain[18];
    size_t len;
    hex_text(text, &len, cases[i].text);
    sc_hex(want, 8, cases[i].mac);
    import_key(key, "MAC", cases[i].key);
    sc_kw(rules, "MACLEN8");
    sc_kw(first, "FIRST");
    int32_t n = 1, tl = (int32_t)len;

    for (int verify = 0; verify < 2; verify++) {
        for (int which = 0; which < 6; which++) {
            sc_codes r = {-1, -1};
            unsigned char m[16];
            sc_fill_sentinel(m, sizeof m);
            if (verify) memcpy(m, want, 8);
            unsigned char before[16];
            memcpy(before, m, 16);
            void (*verb)(int32_t *, int32_t *, int32_t *, uint8_t *, uint8_t *, int32_t *,
                         uint8_t *, int32_t *, uint8_t *, uint8_t *, uint8_t *) =
                verify ? CSNBMVR : CSNBMGN;
            verb(&r.rc, &r.rs, NULL, NULL, which == 0 ? NULL : key, which == 1 ? NULL : &tl,
                 which == 2 ? NULL : text, which == 3 ? NULL : &n, which == 4 ? NULL : rules,
                 NULL, which == 5 ? NULL : m);
            char what[48];
            snprintf(what, sizeof what, "%s NULL parameter %d", verify ? "CSNBMVR" : "CSNBMGN",
                     which);
            sc_check_codes(what, r, 8, 184, __FILE__, __LINE__);
            assert_memory_equal(m, before, 16);
        }
        /* FIRST/MIDDLE/LAST need the chaining vector. */
        sc_codes r = {-1, -1};
        (verify ? CSNBMVR : CSNBMGN)(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, first, NULL,
                                     NULL);
        expect_codes(r, 8, 184);
    }
    assert_int_equal(n, 1);
    assert_int_equal(tl, (int32_t)len);

    /* ONLY with a NULL chaining vector, FIRST with a NULL MAC: fine. */
    sc_codes r = {-1, -1};
    sc_fill_sentinel(mac, sizeof mac);
    CSNBMGN(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
    expect_codes(r, 0, 0);
    assert_memory_equal(mac, want, 8);
    r = (sc_codes){-1, -1};
    CSNBMGN(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, first, chain, NULL);
    expect_codes(r, 0, 0);
    r = (sc_codes){-1, -1};
    CSNBMVR(&r.rc, &r.rs, NULL, NULL, key, &tl, text, &n, first, chain, NULL);
    expect_codes(r, 0, 0);

    /* NULL rc/rs: the verb runs. */
    sc_fill_sentinel(mac, sizeof mac);
    CSNBMGN(NULL, NULL, NULL, NULL, key, &tl, text, &n, rules, NULL, mac);
    assert_memory_equal(mac, want, 8);

    /* Misaligned rc, rs, exit_data_length, text_length and rule_array_count. */
    for (unsigned off = 1; off < 8; off += 2) {
        sc_fullword rc, rs, ex, tlw, cnt;
        sc_fill_sentinel(mac, sizeof mac);
        CSNBMGN(sc_fw(&rc, off, -1), sc_fw(&rs, (off + 2) % 8, -1), sc_fw(&ex, off ^ 6, 0),
                NULL, key, sc_fw(&tlw, off ^ 2, (int32_t)len), text, sc_fw(&cnt, (off + 4) % 8, 1),
                rules, NULL, mac);
        assert_int_equal(sc_fw_get(&rc), 0);
        assert_int_equal(sc_fw_get(&rs), 0);
        assert_int_equal(sc_fw_get(&tlw), (int32_t)len);
        assert_int_equal(sc_fw_get(&cnt), 1);
        assert_memory_equal(mac, want, 8);
        unsigned char m[9] = {0};
        memcpy(m, want, 8);
        CSNBMVR(sc_fw(&rc, off, -1), sc_fw(&rs, off, -1), NULL, NULL, key,
                sc_fw(&tlw, off, (int32_t)len), text, sc_fw(&cnt, off, 1), rules, NULL, m);
        assert_int_equal(sc_fw_get(&rc), 0);
        assert_int_equal(sc_fw_get(&rs), 0);
        m[2] ^= 1;
        CSNBMVR(sc_fw(&rc, off, -1), sc_fw(&rs, off, -1), NULL, NULL, key,
                sc_fw(&tlw, off, (int32_t)len), text, sc_fw(&cnt, off, 1), rules, NULL, m);
        assert_int_equal(sc_fw_get(&rc), 4);
        assert_int_equal(sc_fw_get(&rs), 8004);
        /* A misaligned bad text_length is read as the value it holds. */
        sc_fill_sentinel(mac, sizeof mac);
        CSNBMGN(sc_fw(&rc, off, -1), sc_fw(&rs, off, -1), NULL, NULL, key, sc_fw(&tlw, off, -5),
                text, sc_fw(&cnt, off, 1), rules, NULL, mac);
        assert_int_equal(sc_fw_get(&rc), 8);
        assert_int_equal(sc_fw_get(&rs), 25);
        assert_true(sc_is_sentinel(mac, 16));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answers), /* loads the master key: must stay first */
        cmocka_unit_test(defaults),
        cmocka_unit_test(segments),
        cmocka_unit_test(key_types_rules),
        cmocka_unit_test(rule_array),
        cmocka_unit_test(text_lengths),
        cmocka_unit_test(chaining_vector),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBMGN/CSNBMVR", tests, sc_state_setup,
                                       sc_state_teardown);
}
