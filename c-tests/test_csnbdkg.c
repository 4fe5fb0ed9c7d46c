/*
 * CSNBDKG (Diversified Key Generate) through libsoftcca.so.
 *
 * Every key is imported the way an issuer does it: a CSNBKTB skeleton with KEY-PART, then
 * CSNBKPI FIRST+LAST from clear parts, under the test master key of tests/vectors/README.md. Generated-key
 * skeletons come from CSNBKTB (MAC DOUBLE, MAC SINGLE, DKYGENKY DKYL0 DMAC, ...).
 *
 * Expected keys: tests/data/dkg.txt (pyemv 1.5.0 / cryptography 48.0.0, independent of
 * softcca), copied verbatim by case id below. A generated token is checked two ways:
 *   - its CSNBKYT ENC-ZERO check value (value_2 bytes 0-3) equals E_key(0) of the dkg.txt
 *     key; the 4-byte values below were computed from those keys with cryptography 48.0.0
 *     TripleDES-ECB (single: K|K|K, double: K1|K2|K1) when this file was written;
 *   - it is byte for byte the token that CSNBKPI makes from the dkg.txt clear key in a
 *     skeleton of the same type (the same key under the same CV and master key).
 *
 * Then the level rules (DKYL1 makes DKYL0; level 0 makes only final keys), the DALL access
 * point X'0290' (8/90), replicated halves (8/442), wrong key types (8/39), data lengths
 * (8/72), the null data_decrypting_key_identifier (8/181), generated identifiers (8/155),
 * rule arrays (8/33, 8/34, 8/35), NULL pointers (8/184) and misaligned fullwords. Every error
 * leaves generated_key_identifier as it was passed.
 */
#include "common.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------------------------- */

#define MAX_DATA 40

/* CSNBDKG with copies of every input; `out` (generated_key_identifier) is updated in place.
 * `dk` is the data_decrypting_key_identifier (NULL: a null token). */
static sc_codes dkg_dk(const char *words, const unsigned char gen[64], const unsigned char *data,
                       int32_t len, const unsigned char *dk, unsigned char out[64])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8 * 4], g[64], spare[MAX_DATA] = {0}, null_token[64] = {0};
    int32_t count = sc_rules(rules, sizeof rules, words);
    /* A valid length: a heap copy of exactly `len` bytes, so the sanitizers see any read past
     * it; otherwise a 40-byte buffer (the verb must refuse the length before reading). */
    unsigned char *d = spare;
    if (len > 0 && len <= MAX_DATA) {
        d = malloc((size_t)len);
        assert_non_null(d);
        memcpy(d, data, (size_t)len);
    }
    memcpy(g, gen, 64);
    if (dk != NULL) memcpy(null_token, dk, 64);
    CSNBDKG(&c.rc, &c.rs, &exit_len, exit_data, &count, rules, g, &len, d, null_token, out);
    if (d != spare) free(d);
    return c;
}

static sc_codes dkg(const char *words, const unsigned char gen[64], const unsigned char *data,
                    int32_t len, unsigned char out[64])
{
    return dkg_dk(words, gen, data, len, NULL, out);
}

/* Must fail with rc/rs and leave the generated identifier as it was. */
static void dkg_error(const char *what, const char *words, const unsigned char gen[64],
                      const unsigned char *data, int32_t len, const unsigned char *dk,
                      const unsigned char out[64], int32_t rc, int32_t rs, int line)
{
    unsigned char o[64];
    memcpy(o, out, 64);
    sc_check_codes(what, dkg_dk(words, gen, data, len, dk, o), rc, rs, __FILE__, line);
    if (memcmp(o, out, 64) != 0) {
        print_error("%s: generated_key_identifier changed on error\n", what);
        _fail(__FILE__, line);
    }
}
#define DKG_ERROR(what, words, gen, data, len, out, rc, rs) \
    dkg_error((what), (words), (gen), (data), (len), NULL, (out), (rc), (rs), __LINE__)

/* A single-length key from clear parts: skeleton `key_type SINGLE KEY-PART words`, CSNBKPI
 * FIRST (key ^ SC_EVEN_PART) and LAST (SC_EVEN_PART), parts in bytes 0-7. */
static void import8(unsigned char token[64], const char *key_type, const char *words,
                    const unsigned char key[8])
{
    char all[128];
    unsigned char p1[16] = {0}, p2[16] = {0};
    snprintf(all, sizeof all, "%sKEY-PART %s", strstr(words, "SINGLE") ? "" : "SINGLE ", words);
    expect_codes(sc_ktb(token, key_type, all), 0, 0);
    int32_t rs = sc_has_odd_parity(key, 8) ? 0 : 4;
    for (size_t i = 0; i < 8; i++) {
        p1[i] = (unsigned char)(key[i] ^ SC_EVEN_PART[i]);
        p2[i] = SC_EVEN_PART[i];
    }
    expect_codes(sc_kpi("FIRST", p1, token), 0, rs);
    expect_codes(sc_kpi("LAST", p2, token), 0, rs);
}

/* A key of 8 or 16 bytes (hex) from clear parts. */
static void import_hex(unsigned char token[64], const char *key_type, const char *words,
                       const char *hex)
{
    unsigned char key[16];
    size_t n = strlen(hex) / 2;
    sc_hex(key, n, hex);
    if (n == 8) {
        import8(token, key_type, words, key);
    } else {
        sc_import_key(token, key_type, words, key, 0);
    }
}

/* A skeleton from CSNBKTB (no KEY-PART). */
static void skel(unsigned char token[64], const char *key_type, const char *words)
{
    expect_codes(sc_ktb(token, key_type, words), 0, 0);
}

/* The ENC-ZERO check value of a token (CSNBKYT GENERATE KEY-ENC ENC-ZERO) is kcv_hex. */
static void check_kcv(const char *what, const unsigned char token[64], const char *kcv_hex,
                      int line)
{
    unsigned char v1[8] = {0}, v2[8] = {0}, want[4];
    char got[9];
    sc_hex(want, 4, kcv_hex);
    sc_check_codes(what, sc_kyt("GENERATE KEY-ENC ENC-ZERO", token, v1, v2), 0, 0, __FILE__,
                   line);
    if (memcmp(v2, want, 4) != 0) {
        sc_tohex(got, v2, 4);
        print_error("%s: ENC-ZERO %s, expected %s\n", what, got, kcv_hex);
        _fail(__FILE__, line);
    }
}
#define CHECK_KCV(what, token, kcv) check_kcv((what), (token), (kcv), __LINE__)

/* The generated token is the token CSNBKPI makes from the expected clear key. */
static void check_same_as_import(const char *what, const unsigned char token[64],
                                 const char *key_type, const char *words, const char *key_hex,
                                 int line)
{
    unsigned char want[64];
    import_hex(want, key_type, words, key_hex);
    if (memcmp(token, want, 64) != 0) {
        char a[129], b[129];
        sc_tohex(a, token, 64);
        sc_tohex(b, want, 64);
        print_error("%s: generated token\n  %s\ndiffers from the imported key's\n  %s\n", what,
                    a, b);
        _fail(__FILE__, line);
    }
}
#define CHECK_IMPORT(what, token, type, words, key) \
    check_same_as_import((what), (token), (type), (words), (key), __LINE__)

/* ---- known answers ----------------------------------------------------------------------- */

/*
 * tests/data/dkg.txt cases: process, gk, data, key (verbatim) and the key's ENC-ZERO (first 4
 * bytes). The generating key is a DKYGENKY DKYL0 DMAC key, except for SESS-XOR where it is a
 * MAC key of gk's length. The generated identifier is a CSNBKTB skeleton of out_type/out_words,
 * or a null token when out_type is NULL (TDES-ENC/DEC: the default CV of a DMAC level-0 key,
 * a MAC key of the data's length; SESS-XOR: the generating key's CV). `check_type`/
 * `check_words` name the skeleton the expected key is imported into for the byte comparison.
 */
static const struct {
    const char *id, *process, *gk, *data, *key, *kcv;
    const char *out_type, *out_words;
    const char *check_type, *check_words;
} cases[] = {
    /* TDES-XOR, D of 8 (pyemv-xor) and 16 bytes (crypto-xor) */
    {"xor-0", "TDES-XOR", "049BA1EC5483BF8976A80180E3EA868F", "1770146194747738F766",
     "6B67A74C686EB34F8C61A2C2B545D9D0", "66724AFA", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"xor-2", "TDES-XOR", "4A3776588AA86DBC985D3E13E5DF2F97", "5790509510742216D5A2",
     "4FCDA1AD57BF9840E091461AB546989B", "B177A5ED", "MACVER", "DOUBLE", "MACVER", "DOUBLE"},
    {"xor16-1", "TDES-XOR", "5198194A5138375D2F92585B5198947F",
     "1589BBC90B9248543AAAED1A55D06E9AF573", "0D4A293B3BB579EFFBFE13257AF785E5", "F1300A5E",
     "MAC", "DOUBLE", "MAC", "DOUBLE"},
    /* TDESEMV2 / TDESEMV4 without IV (10 bytes) and with IV (26 bytes) */
    {"emv2-0", "TDESEMV2", "049BA1EC5483BF8976A80180E3EA868F", "1770146194747738F766",
     "371354BA51C80237B65DC4B9BC518373", "5DE28FAF", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"emv4-0", "TDESEMV4", "049BA1EC5483BF8976A80180E3EA868F", "1770146194747738F766",
     "022FA7CBB30E6486B30D924CAE929802", "3AF4F56C", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"emv2-1", "TDESEMV2", "5198194A5138375D2F92585B5198947F",
     "3045859151009110F5731A2526D36206AE8BFEC7E6554A03A74E",
     "344F2F1A452F1F4F9EA85B736D9DE3A1", "055FF0DE", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"emv4-1", "TDESEMV4", "5198194A5138375D2F92585B5198947F",
     "3045859151009110F5731A2526D36206AE8BFEC7E6554A03A74E",
     "AED9751FC123BFD0101979F81A623B86", "7BE5B523", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"emv2-3", "TDESEMV2", "54700E976EE01A08D97C83C770DCE02A",
     "41059827814669217B9AA693E2EAB3987D727D8CF0A85F855B91",
     "E66E3E0B492FA89B1001BF7AFE04A79D", "8A0C88A2", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    {"emv4-2", "TDESEMV4", "4A3776588AA86DBC985D3E13E5DF2F97", "5790509510742216D5A2",
     "64EF20C13801320D34924FCB156BD985", "1C1870DF", "MAC", "DOUBLE", "MAC", "DOUBLE"},
    /* TDES-ENC / TDES-DEC, 8 bytes (single-length result) and 16 bytes (double) */
    {"enc8-0", "TDES-ENC", "049BA1EC5483BF8976A80180E3EA868F", "CFD0670E6A4D2028",
     "F22F075B8F9B7F76", "95F54BCC", "MAC", "SINGLE", "MAC", "SINGLE"},
    {"enc16-0", "TDES-ENC", "049BA1EC5483BF8976A80180E3EA868F",
     "F733DCEBFE896F70A2CEAE1AC8DF98C2", "31FE80645BD30ED331B5435DE5E631BC", "C0ED6FDB", "MAC",
     "DOUBLE", "MAC", "DOUBLE"},
    {"enc8-1", "TDES-ENC", "5198194A5138375D2F92585B5198947F", "49AC804D4A09C36B",
     "83196DCBC19D2034", "24220840", NULL, NULL, "MAC", "SINGLE"},
    {"enc16-2", "TDES-ENC", "4A3776588AA86DBC985D3E13E5DF2F97",
     "BFF561C895CDDD1CED760D80B5B25184", "F786195D235816C12540B0D9A2BC8C15", "0ED39B68", NULL,
     NULL, "MAC", "DOUBLE"},
    {"dec8-0", "TDES-DEC", "049BA1EC5483BF8976A80180E3EA868F", "CFD0670E6A4D2028",
     "B3462CDC0786196D", "32AE7394", "MAC", "SINGLE", "MAC", "SINGLE"},
    {"dec16-0", "TDES-DEC", "049BA1EC5483BF8976A80180E3EA868F",
     "F733DCEBFE896F70A2CEAE1AC8DF98C2", "FDCB1F405875709432C8C8D64A575DA4", "9B94DC39", "MAC",
     "DOUBLE", "MAC", "DOUBLE"},
    {"dec16-1", "TDES-DEC", "5198194A5138375D2F92585B5198947F",
     "5F53646AC62C0003B2EB22FB4C6C0133", "DAA876A4734F4679011FA8DF20B579C7", "5E4E0CD8", NULL,
     NULL, "MAC", "DOUBLE"},
    /* SESS-XOR: 8- and 16-byte session keys; the generated identifier is a null token */
    {"sess8-0", "SESS-XOR", "51ECE689CDDC3289", "CFD0670E6A4D2028", "9E3D8086A79113A1",
     "50593BE8", NULL, NULL, "MAC", "SINGLE"},
    {"sess16-0", "SESS-XOR", "A8010BDC79A149F408893BAB0BD3B6BC",
     "F733DCEBFE896F70A2CEAE1AC8DF98C2", "5E32D63786292685AB4694B0C20D2F7F", "9FE6983D", NULL,
     NULL, "MAC", "DOUBLE"},
    {"sess16-3", "SESS-XOR", "85755783389E7C2C3B37D98937851A6B",
     "694C4F6CB29C68A3CE89F5E17E71A221", "EC3819EF8A02158FF4BF2C6849F4B94A", "483C820A", NULL,
     NULL, "MAC", "DOUBLE"},
};
#define NCASES (sizeof cases / sizeof cases[0])
/* cases[0] is xor-0: the TDES-XOR case most error tests start from. */

/* The index of a case by its dkg.txt id. */
static size_t find(const char *id)
{
    for (size_t i = 0; i < NCASES; i++) {
        if (strcmp(cases[i].id, id) == 0) return i;
    }
    fail_msg("no case %s", id);
    return 0;
}

/* The generating key of case i. */
static void generating_key(unsigned char g[64], size_t i)
{
    if (strcmp(cases[i].process, "SESS-XOR") == 0) {
        import_hex(g, "MAC", strlen(cases[i].gk) == 16 ? "" : "DOUBLE", cases[i].gk);
    } else {
        import_hex(g, "DKYGENKY", "DKYL0 DMAC", cases[i].gk);
    }
}

/* The first test loads the test master key for the whole binary. */
static void known_answers(void **state)
{
    (void)state;
    sc_load_master_key_hex(SC_S9_MK);
    /* The single-length TDES-ENC/TDES-DEC cases need softcca's point X'F001' (off by default:
     * single_length_needs_its_point below). */
    sc_set_acp(0xF001, 1);
    for (size_t i = 0; i < NCASES; i++) {
        unsigned char g[64], out[64], data[MAX_DATA];
        size_t n = strlen(cases[i].data) / 2;
        char what[96];
        snprintf(what, sizeof what, "dkg.txt %s (%s)", cases[i].id, cases[i].process);
        sc_hex(data, n, cases[i].data);
        generating_key(g, i);
        if (cases[i].out_type != NULL) {
            skel(out, cases[i].out_type, cases[i].out_words);
        } else {
            memset(out, 0, 64);
        }
        sc_check_codes(what, dkg(cases[i].process, g, data, (int32_t)n, out), 0, 0, __FILE__,
                       __LINE__);
        assert_int_equal(out[0], 0x01); /* internal token */
        CHECK_KCV(what, out, cases[i].kcv);
        CHECK_IMPORT(what, out, cases[i].check_type, cases[i].check_words, cases[i].key);
        /* The generated key has odd parity: importing it gave no parity warning above, and a
         * second generation gives the same token (the derivation is deterministic). */
        unsigned char again[64];
        if (cases[i].out_type != NULL) {
            skel(again, cases[i].out_type, cases[i].out_words);
        } else {
            memset(again, 0, 64);
        }
        expect_codes(dkg(cases[i].process, g, data, (int32_t)n, again), 0, 0);
        assert_memory_equal(again, out, 64);
    }
    sc_set_acp(0xF001, 0);
}

/* A single-length key from a double-length generating key (TDES-ENC/TDES-DEC, 8 bytes) is one
 * half of a key the same generating key derives: refused (8/90) unless softcca's point X'F001'
 * is on; a double-length result (16 bytes) does not need it. */
static void single_length_needs_its_point(void **state)
{
    (void)state;
    unsigned char g[64], out[64], data[16];
    memset(data, 0x5A, 8);
    memset(data + 8, 0xA5, 8);
    generating_key(g, find("enc8-0"));
    skel(out, "MAC", "");
    DKG_ERROR("TDES-ENC single", "TDES-ENC", g, data, 8, out, 8, 90);
    DKG_ERROR("TDES-DEC single", "TDES-DEC", g, data, 8, out, 8, 90);
    memset(out, 0, 64);
    DKG_ERROR("TDES-ENC null token (single default)", "TDES-ENC", g, data, 8, out, 8, 90);
    skel(out, "MAC", "DOUBLE");
    expect_codes(dkg("TDES-ENC", g, data, 16, out), 0, 0);
    sc_set_acp(0xF001, 1);
    skel(out, "MAC", "");
    expect_codes(dkg("TDES-ENC", g, data, 8, out), 0, 0);
    sc_set_acp(0xF001, 0);
}

/* WRAP-ECB is accepted beside the process; a generated identifier that already holds a key
 * gets the new key; a label names a CKDS record, which is updated while the field is not. */
static void wrap_ecb_replace_and_labels(void **state)
{
    (void)state;
    unsigned char g[64], out[64], data[10], field[64], label[64], rec[64], sk[64];
    sc_hex(data, 10, cases[0].data);
    generating_key(g, 0);

    skel(out, "MAC", "DOUBLE");
    expect_codes(dkg("WRAP-ECB TDES-XOR", g, data, 10, out), 0, 0);
    CHECK_KCV("WRAP-ECB", out, cases[0].kcv);

    /* An internal token with another key in it: replaced (xor-0's key is put in emv2-0's
     * token). */
    import_hex(out, "MAC", "DOUBLE", cases[find("emv2-0")].key);
    expect_codes(dkg("TDES-XOR", g, data, 10, out), 0, 0);
    CHECK_KCV("key replaced", out, cases[0].kcv);

    /* Labels for both identifiers. */
    skel(sk, "MAC", "DOUBLE");
    expect_codes(sc_krc("DKG.OUT.MAC"), 0, 0);
    expect_codes(sc_krw(sk, "DKG.OUT.MAC"), 0, 0);
    expect_codes(sc_krc("DKG.MDK.MAC"), 0, 0);
    expect_codes(sc_krw(g, "DKG.MDK.MAC"), 0, 0);
    sc_label(label, "DKG.OUT.MAC");
    memcpy(field, label, 64);
    unsigned char glabel[64];
    sc_label(glabel, "DKG.MDK.MAC");
    expect_codes(dkg("TDES-XOR", glabel, data, 10, field), 0, 0);
    assert_memory_equal(field, label, 64);
    expect_codes(sc_krr("DKG.OUT.MAC", rec), 0, 0);
    CHECK_KCV("CKDS record", rec, cases[0].kcv);
    CHECK_IMPORT("CKDS record", rec, "MAC", "DOUBLE", cases[0].key);
}

/* ---- levels and key types ---------------------------------------------------------------- */

/* enc16-0 with its generating key imported as DKYL1 DMAC: TDES-ENC makes a DKYL0 DMAC key
 * whose clear value is enc16-0's key (TDES-ENC does not depend on the level). */
static void levels(void **state)
{
    (void)state;
    const size_t e = find("enc16-0");
    unsigned char l1[64], l0[64], out[64], d16[16], kgd[10], bad[64];
    sc_hex(d16, 16, cases[e].data);
    sc_hex(kgd, 10, cases[0].data);
    import_hex(l1, "DKYGENKY", "DKYL1 DMAC", cases[e].gk);

    /* DKYL1 + DKYL0 DMAC skeleton -> DKYL0 DMAC. */
    skel(l0, "DKYGENKY", "DKYL0 DMAC");
    expect_codes(dkg("TDES-ENC", l1, d16, 16, l0), 0, 0);
    CHECK_KCV("DKYL1 -> DKYL0", l0, cases[e].kcv);
    CHECK_IMPORT("DKYL1 -> DKYL0", l0, "DKYGENKY", "DKYL0 DMAC", cases[e].key);
    /* A null token gets the level below, same usage. */
    memset(out, 0, 64);
    expect_codes(dkg("TDES-ENC", l1, d16, 16, out), 0, 0);
    assert_memory_equal(out, l0, 64);
    /* TDES-DEC from level 1 also makes level 0. */
    skel(out, "DKYGENKY", "DKYL0 DMAC");
    expect_codes(dkg("TDES-DEC", l1, d16, 16, out), 0, 0);
    CHECK_IMPORT("DKYL1 TDES-DEC", out, "DKYGENKY", "DKYL0 DMAC", cases[find("dec16-0")].key);

    /* Level 1 makes nothing but level 0 of the same usage: 8/39. */
    const char *not_l0[][2] = {
        {"MAC", "DOUBLE"},
        {"DKYGENKY", "DKYL1 DMAC"},
        {"DKYGENKY", "DKYL2 DMAC"},
        {"DKYGENKY", "DKYL0 DMPIN"},
        {"DKYGENKY", "DKYL0 DDATA"},
    };
    for (size_t i = 0; i < sizeof not_l0 / sizeof not_l0[0]; i++) {
        char what[80];
        snprintf(what, sizeof what, "DKYL1 -> %s %s", not_l0[i][0], not_l0[i][1]);
        skel(bad, not_l0[i][0], not_l0[i][1]);
        dkg_error(what, "TDES-ENC", l1, d16, 16, NULL, bad, 8, 39, __LINE__);
    }
    /* TDES-XOR and TDESEMVn need level 0. */
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("TDES-XOR with DKYL1", "TDES-XOR", l1, kgd, 10, out, 8, 39);
    DKG_ERROR("TDESEMV2 with DKYL1", "TDESEMV2", l1, kgd, 10, out, 8, 39);
    DKG_ERROR("TDESEMV4 with DKYL1", "TDESEMV4", l1, kgd, 10, out, 8, 39);
    /* Level 0 never makes a DKYGENKY. */
    skel(bad, "DKYGENKY", "DKYL0 DMAC");
    DKG_ERROR("DKYL0 -> DKYL0", "TDES-ENC", l0, d16, 16, bad, 8, 39);

    /* The generated level-0 key works as a generating key: TDES-XOR gives a MAC key, the
     * same one as generated directly from the level-0 key imported in the clear. */
    unsigned char direct[64], l0_clear[64];
    import_hex(l0_clear, "DKYGENKY", "DKYL0 DMAC", cases[e].key);
    skel(out, "MAC", "DOUBLE");
    skel(direct, "MAC", "DOUBLE");
    expect_codes(dkg("TDES-XOR", l0, kgd, 10, out), 0, 0);
    expect_codes(dkg("TDES-XOR", l0_clear, kgd, 10, direct), 0, 0);
    assert_memory_equal(out, direct, 64);

    /* DKYL2 -> DKYL1 -> DKYL0 -> final: every step through skeletons. */
    unsigned char l2[64], m1[64], m0[64];
    import_hex(l2, "DKYGENKY", "DKYL2 DMAC", cases[e].gk);
    skel(m1, "DKYGENKY", "DKYL1 DMAC");
    expect_codes(dkg("TDES-ENC", l2, d16, 16, m1), 0, 0);
    CHECK_IMPORT("DKYL2 -> DKYL1", m1, "DKYGENKY", "DKYL1 DMAC", cases[e].key);
    skel(m0, "DKYGENKY", "DKYL0 DMAC");
    expect_codes(dkg("TDES-ENC", m1, d16, 16, m0), 0, 0);
    skel(out, "MAC", "DOUBLE");
    expect_codes(dkg("TDESEMV4", m0, kgd, 10, out), 0, 0);
}

/* Final key types by usage bits (level 0, TDES-XOR on xor-0): allowed ones get xor-0's key,
 * others 8/39. */
static void final_types(void **state)
{
    (void)state;
    unsigned char g[64], out[64], kgd[10];
    sc_hex(kgd, 10, cases[0].data);
    static const struct {
        const char *usage, *type, *words;
        int ok;
    } rows[] = {
        {"DMAC", "MAC", "DOUBLE", 1},      {"DMAC", "MACVER", "DOUBLE", 1},
        {"DMAC", "DATA", "DOUBLE", 0},     {"DMAC", "SECMSG", "SMPIN", 0},
        {"DMAC", "IPINENC", "", 0},        {"DMAC", "MAC", "SINGLE", 0},
        {"DMV", "MACVER", "DOUBLE", 1},    {"DMV", "MAC", "DOUBLE", 0},
        {"DDATA", "DATA", "DOUBLE", 1},    {"DDATA", "MAC", "DOUBLE", 0},
        {"DMPIN", "SECMSG", "SMPIN", 1},   {"DMPIN", "SECMSG", "SMKEY", 0},
        {"DMKEY", "SECMSG", "SMKEY", 1},   {"DMKEY", "SECMSG", "SMPIN", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char words[32], what[96];
        snprintf(words, sizeof words, "DKYL0 %s", rows[i].usage);
        snprintf(what, sizeof what, "%s -> %s %s", rows[i].usage, rows[i].type, rows[i].words);
        import_hex(g, "DKYGENKY", words, cases[0].gk);
        skel(out, rows[i].type, rows[i].words);
        if (rows[i].ok) {
            sc_check_codes(what, dkg("TDES-XOR", g, kgd, 10, out), 0, 0, __FILE__, __LINE__);
            CHECK_KCV(what, out, cases[0].kcv);
        } else {
            dkg_error(what, "TDES-XOR", g, kgd, 10, NULL, out, 8, 39, __LINE__);
        }
    }
}

/* DALL needs ACP X'0290' (off by default): 8/90; with it on, any final type. */
static void dall_access(void **state)
{
    (void)state;
    unsigned char g[64], out[64], kgd[10];
    sc_hex(kgd, 10, cases[0].data);
    import_hex(g, "DKYGENKY", "DKYL0 DALL", cases[0].gk);
    const char *types[][2] = {{"MAC", "DOUBLE"}, {"SECMSG", "SMPIN"}, {"DATA", "DOUBLE"},
                              {"IPINENC", ""}};
    for (size_t i = 0; i < 3; i++) {
        skel(out, types[i][0], types[i][1]);
        DKG_ERROR("DALL without X'0290'", "TDES-XOR", g, kgd, 10, out, 8, 90);
    }
    sc_set_acp(0x0290, 1);
    /* DALL permits the final types of the other usages ("all of the above", IBM CSNBDKG):
       MAC, SMPIN, DATA, but not an IPINENC key. */
    for (size_t i = 0; i < 3; i++) {
        skel(out, types[i][0], types[i][1]);
        expect_codes(dkg("TDES-XOR", g, kgd, 10, out), 0, 0);
        CHECK_KCV("DALL with X'0290'", out, cases[0].kcv);
    }
    skel(out, types[3][0], types[3][1]);
    DKG_ERROR("DALL -> IPINENC", "TDES-XOR", g, kgd, 10, out, 8, 39);
    /* DALL has no default type for a null token: 8/155. */
    unsigned char null_token[64] = {0}, d8[8];
    sc_hex(d8, 8, cases[find("enc8-0")].data);
    DKG_ERROR("DALL null token", "TDES-ENC", g, d8, 8, null_token, 8, 155);
    sc_set_acp(0x0290, 0);
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("DALL, X'0290' off again", "TDES-XOR", g, kgd, 10, out, 8, 90);
}

/* Process access-control points, off then on. */
static void process_acps(void **state)
{
    (void)state;
    unsigned char g[64], s[64], out[64], kgd[10], d16[16], sess_out[64] = {0};
    sc_hex(kgd, 10, cases[0].data);
    sc_hex(d16, 16, cases[find("enc16-0")].data);
    generating_key(g, 0);
    generating_key(s, find("sess16-0"));
    skel(out, "MAC", "DOUBLE");
    const struct {
        unsigned acp;
        const char *process;
        const unsigned char *gen, *data, *out;
        int32_t len;
    } rows[] = {
        {0x0041, "TDES-ENC", g, d16, out, 16}, {0x0042, "TDES-DEC", g, d16, out, 16},
        {0x0045, "TDES-XOR", g, kgd, out, 10}, {0x0046, "TDESEMV2", g, kgd, out, 10},
        {0x0046, "TDESEMV4", g, kgd, out, 10}, {0x0043, "SESS-XOR", s, d16, sess_out, 16},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char what[64];
        unsigned char o[64];
        snprintf(what, sizeof what, "%s with X'%04X' off", rows[i].process, rows[i].acp);
        sc_set_acp(rows[i].acp, 0);
        dkg_error(what, rows[i].process, rows[i].gen, rows[i].data, rows[i].len, NULL,
                  rows[i].out, 8, 90, __LINE__);
        sc_set_acp(rows[i].acp, 1);
        memcpy(o, rows[i].out, 64);
        expect_codes(dkg(rows[i].process, rows[i].gen, rows[i].data, rows[i].len, o), 0, 0);
    }
}

/* ---- errors ------------------------------------------------------------------------------ */

/* Replicated halves: a generating key with equal halves (imported with X'027A' on), and a
 * result with equal halves: 8/442. */
static void replicated_halves(void **state)
{
    (void)state;
    unsigned char rep[64], sess_rep[64], out[64], kgd[10], null_token[64] = {0};
    unsigned char d16[16], same[16];
    const char *half = "049BA1EC5483BF89049BA1EC5483BF89";
    sc_hex(kgd, 10, cases[0].data);
    sc_hex(d16, 16, cases[find("enc16-0")].data);
    sc_set_acp(0x027A, 1);
    import_hex(rep, "DKYGENKY", "DKYL0 DMAC", half);
    import_hex(sess_rep, "MAC", "DOUBLE", half);
    sc_set_acp(0x027A, 0);
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("replicated TDES-XOR", "TDES-XOR", rep, kgd, 10, out, 8, 442);
    DKG_ERROR("replicated TDESEMV2", "TDESEMV2", rep, kgd, 10, out, 8, 442);
    DKG_ERROR("replicated TDESEMV4", "TDESEMV4", rep, kgd, 10, out, 8, 442);
    DKG_ERROR("replicated TDES-ENC", "TDES-ENC", rep, d16, 16, out, 8, 442);
    DKG_ERROR("replicated TDES-DEC", "TDES-DEC", rep, d16, 16, out, 8, 442);
    DKG_ERROR("replicated SESS-XOR", "SESS-XOR", sess_rep, d16, 16, null_token, 8, 442);
    /* Equal data halves under TDES-ENC give a key with equal halves. */
    unsigned char g[64];
    generating_key(g, 0);
    memset(same, 0x07, sizeof same);
    DKG_ERROR("replicated result", "TDES-ENC", g, same, 16, out, 8, 442);
    /* SESS-XOR whose data makes the halves equal. */
    unsigned char s[64], key[16];
    generating_key(s, find("sess16-0"));
    sc_hex(key, 16, cases[find("sess16-0")].gk);
    for (size_t i = 0; i < 8; i++) {
        same[i] = 0;
        same[8 + i] = (unsigned char)(key[i] ^ key[8 + i]);
    }
    DKG_ERROR("SESS-XOR replicated result", "SESS-XOR", s, same, 16, null_token, 8, 442);
}

/* Wrong key types for the generating key: 8/39. */
static void wrong_key_types(void **state)
{
    (void)state;
    unsigned char mac[64], dky[64], pin[64], data_key[64], single[64], out[64];
    unsigned char kgd[10], d16[16], null_token[64] = {0};
    sc_hex(kgd, 10, cases[0].data);
    sc_hex(d16, 16, cases[find("enc16-0")].data);
    import_hex(mac, "MAC", "DOUBLE", cases[0].gk);
    import_hex(pin, "IPINENC", "", cases[0].gk);
    import_hex(data_key, "DATA", "DOUBLE", cases[0].gk);
    generating_key(dky, 0);
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("MAC key for TDES-XOR", "TDES-XOR", mac, kgd, 10, out, 8, 39);
    DKG_ERROR("MAC key for TDESEMV2", "TDESEMV2", mac, kgd, 10, out, 8, 39);
    DKG_ERROR("MAC key for TDES-ENC", "TDES-ENC", mac, d16, 16, out, 8, 39);
    DKG_ERROR("IPINENC for TDES-XOR", "TDES-XOR", pin, kgd, 10, out, 8, 39);
    DKG_ERROR("DATA for TDES-DEC", "TDES-DEC", data_key, d16, 16, out, 8, 39);
    DKG_ERROR("DKYGENKY for SESS-XOR", "SESS-XOR", dky, d16, 16, null_token, 8, 39);
    DKG_ERROR("IPINENC for SESS-XOR", "SESS-XOR", pin, d16, 16, null_token, 8, 39);
    /* A single-length skeleton for TDES-XOR: 8/39. */
    skel(single, "MAC", "SINGLE");
    DKG_ERROR("single for TDES-XOR", "TDES-XOR", dky, kgd, 10, single, 8, 39);
    DKG_ERROR("single for TDESEMV4", "TDESEMV4", dky, kgd, 10, single, 8, 39);
}

/* Generated identifier: null where a skeleton is needed, and a skeleton for SESS-XOR: 8/155;
 * generating key errors. */
static void identifiers(void **state)
{
    (void)state;
    unsigned char g[64], s[64], out[64], kgd[10], d16[16], bad[64], label[64];
    static const unsigned char null_token[64];
    sc_hex(kgd, 10, cases[0].data);
    sc_hex(d16, 16, cases[find("enc16-0")].data);
    generating_key(g, 0);
    generating_key(s, find("sess16-0"));
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("TDES-XOR null generated", "TDES-XOR", g, kgd, 10, null_token, 8, 155);
    DKG_ERROR("TDESEMV2 null generated", "TDESEMV2", g, kgd, 10, null_token, 8, 155);
    DKG_ERROR("TDESEMV4 null generated", "TDESEMV4", g, kgd, 10, null_token, 8, 155);
    DKG_ERROR("SESS-XOR skeleton", "SESS-XOR", s, d16, 16, out, 8, 155);
    sc_label(label, "NO.SUCH.MDK");
    DKG_ERROR("label not found", "TDES-XOR", label, kgd, 10, out, 8, 10012);
    DKG_ERROR("null generating key", "TDES-XOR", null_token, kgd, 10, out, 8, 154);
    memcpy(bad, g, 64);
    bad[20] ^= 1;
    DKG_ERROR("generating TVV", "TDES-XOR", bad, kgd, 10, out, 8, 12);
    memcpy(bad, out, 64);
    bad[63] ^= 1;
    DKG_ERROR("generated TVV", "TDES-XOR", g, kgd, 10, bad, 8, 12);
}

/* data_length per process: 8/72; data_decrypting_key_identifier not null: 8/181. */
static void data_errors(void **state)
{
    (void)state;
    unsigned char g[64], s8[64], s16[64], out[64], single[64], kgd[10], buf[MAX_DATA];
    static const unsigned char null_token[64];
    memset(buf, 0x11, sizeof buf);
    sc_hex(kgd, 10, cases[0].data);
    generating_key(g, 0);
    generating_key(s8, find("sess8-0"));
    generating_key(s16, find("sess16-0"));
    skel(out, "MAC", "DOUBLE");
    skel(single, "MAC", "SINGLE");
    const struct {
        const char *process;
        int32_t len;
    } bad[] = {
        {"TDES-XOR", 8},  {"TDES-XOR", 9},  {"TDES-XOR", 16}, {"TDES-XOR", 26}, {"TDES-XOR", 34},
        {"TDESEMV2", 16}, {"TDESEMV2", 20}, {"TDESEMV4", 33}, {"TDESEMV4", 0},  {"TDES-ENC", 10},
        {"TDES-ENC", 24}, {"TDES-DEC", 18}, {"TDES-DEC", 0},  {"TDES-ENC", -1}, {"TDES-XOR", 35},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s data_length %d", bad[i].process, (int)bad[i].len);
        dkg_error(what, bad[i].process, g, buf, bad[i].len, NULL, out, 8, 72, __LINE__);
    }
    DKG_ERROR("SESS-XOR 10 bytes", "SESS-XOR", s16, buf, 10, null_token, 8, 72);
    DKG_ERROR("SESS-XOR 8 bytes, double key", "SESS-XOR", s16, buf, 8, null_token, 8, 72);
    DKG_ERROR("SESS-XOR 16 bytes, single key", "SESS-XOR", s8, buf, 16, null_token, 8, 72);
    /* TDES-ENC/DEC: the data length must be the generated key's length. */
    DKG_ERROR("TDES-ENC 8 bytes, double skeleton", "TDES-ENC", g, buf, 8, out, 8, 72);
    DKG_ERROR("TDES-DEC 16 bytes, single skeleton", "TDES-DEC", g, buf, 16, single, 8, 72);
    /* Huge and negative lengths, never read past the buffer. */
    DKG_ERROR("data_length INT_MIN", "TDES-XOR", g, buf, INT32_MIN, out, 8, 72);
    DKG_ERROR("data_length INT_MAX", "TDES-XOR", g, buf, INT32_MAX, out, 8, 72);

    /* 8/181: the generating token, a label, or a skeleton as data_decrypting_key_identifier. */
    unsigned char label[64];
    sc_label(label, "SOME.KEY");
    dkg_error("decrypting = token", "TDES-XOR", g, kgd, 10, g, out, 8, 181, __LINE__);
    dkg_error("decrypting = label", "TDES-XOR", g, kgd, 10, label, out, 8, 181, __LINE__);
    dkg_error("decrypting = skeleton", "TDES-XOR", g, kgd, 10, single, out, 8, 181, __LINE__);
    dkg_error("decrypting, SESS-XOR", "SESS-XOR", s16, buf, 16, g, null_token, 8, 181,
              __LINE__);
}

/* Rule array: 8/33, 8/34, 8/35. */
static void rule_array(void **state)
{
    (void)state;
    unsigned char g[64], out[64], kgd[10];
    sc_hex(kgd, 10, cases[0].data);
    generating_key(g, 0);
    skel(out, "MAC", "DOUBLE");
    DKG_ERROR("unknown keyword", "BOGUS", g, kgd, 10, out, 8, 33);
    DKG_ERROR("WRAP-ENH", "WRAP-ENH TDES-XOR", g, kgd, 10, out, 8, 33);
    DKG_ERROR("two processes", "TDES-XOR TDES-ENC", g, kgd, 10, out, 8, 34);
    DKG_ERROR("repeated", "TDES-XOR TDES-XOR", g, kgd, 10, out, 8, 34);
    DKG_ERROR("no process", "WRAP-ECB", g, kgd, 10, out, 8, 34);
    DKG_ERROR("count 0", "", g, kgd, 10, out, 8, 35);
    DKG_ERROR("count 3", "TDES-XOR WRAP-ECB WRAP-ECB", g, kgd, 10, out, 8, 35);
    /* Keywords are folded to upper case (src/rule_array.rs, docs/decisions.md F3). */
    unsigned char lower[64];
    memcpy(lower, out, 64);
    expect_codes(dkg("tdes-xor", g, kgd, 10, lower), 0, 0);
    CHECK_KCV("lower-case keyword", lower, cases[0].kcv);

    /* A keyword padded with NULs instead of blanks: 8/33; count -1: 8/35. */
    sc_codes c = {-1, -1};
    unsigned char rules[16], o[64], gg[64], d[10], dk[64] = {0};
    int32_t n = 1, len = 10;
    memcpy(rules, "TDES-XOR", 8);
    memcpy(gg, g, 64);
    memcpy(d, kgd, 10);
    memcpy(o, out, 64);
    memcpy(rules, "SESS-XO\0", 8);
    CSNBDKG(&c.rc, &c.rs, NULL, NULL, &n, rules, gg, &len, d, dk, o);
    expect_codes(c, 8, 33);
    n = -1;
    memcpy(rules, "TDES-XOR", 8);
    c = (sc_codes){-1, -1};
    CSNBDKG(&c.rc, &c.rs, NULL, NULL, &n, rules, gg, &len, d, dk, o);
    expect_codes(c, 8, 35);
    assert_memory_equal(o, out, 64);
}

/* NULL pointers: 8/184 with nothing written; NULL rc/rs tolerated; misaligned fullwords. */
static void conventions(void **state)
{
    (void)state;
    unsigned char g[64], sk[64], out[64], kgd[10], rules[8], dk[64] = {0};
    sc_hex(kgd, 10, cases[0].data);
    generating_key(g, 0);
    skel(sk, "MAC", "DOUBLE");
    sc_kw(rules, "TDES-XOR");
    int32_t n = 1, len = 10;

    for (int which = 0; which < 7; which++) {
        sc_codes c = {-1, -1};
        memcpy(out, sk, 64);
        CSNBDKG(&c.rc, &c.rs, NULL, NULL, which == 0 ? NULL : &n, which == 1 ? NULL : rules,
                which == 2 ? NULL : g, which == 3 ? NULL : &len, which == 4 ? NULL : kgd,
                which == 5 ? NULL : dk, which == 6 ? NULL : out);
        char what[32];
        snprintf(what, sizeof what, "NULL parameter %d", which);
        sc_check_codes(what, c, 8, 184, __FILE__, __LINE__);
        assert_memory_equal(out, sk, 64);
    }
    assert_int_equal(n, 1);
    assert_int_equal(len, 10);

    /* NULL rc/rs: the verb runs. */
    memcpy(out, sk, 64);
    CSNBDKG(NULL, NULL, NULL, NULL, &n, rules, g, &len, kgd, dk, out);
    CHECK_KCV("NULL rc/rs", out, cases[0].kcv);

    /* Misaligned rc, rs, exit_data_length, rule_array_count and data_length. */
    for (unsigned off = 1; off < 8; off += 2) {
        sc_fullword rc, rs, ex, cnt, dl;
        memcpy(out, sk, 64);
        CSNBDKG(sc_fw(&rc, off, -1), sc_fw(&rs, (off + 2) % 8, -1), sc_fw(&ex, off ^ 6, 0),
                NULL, sc_fw(&cnt, (off + 4) % 8, 1), rules, g, sc_fw(&dl, off ^ 2, 10), kgd, dk,
                out);
        assert_int_equal(sc_fw_get(&rc), 0);
        assert_int_equal(sc_fw_get(&rs), 0);
        assert_int_equal(sc_fw_get(&cnt), 1);
        assert_int_equal(sc_fw_get(&dl), 10);
        CHECK_KCV("misaligned", out, cases[0].kcv);
        /* A misaligned bad length is read as the value it holds (11 readable bytes given). */
        unsigned char d11[11] = {0};
        memcpy(d11, kgd, 10);
        memcpy(out, sk, 64);
        CSNBDKG(sc_fw(&rc, off, -1), sc_fw(&rs, off, -1), NULL, NULL, sc_fw(&cnt, off, 1), rules,
                g, sc_fw(&dl, off, 11), d11, dk, out);
        assert_int_equal(sc_fw_get(&rc), 8);
        assert_int_equal(sc_fw_get(&rs), 72);
        assert_memory_equal(out, sk, 64);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answers), /* loads the master key: must stay first */
        cmocka_unit_test(wrap_ecb_replace_and_labels),
        cmocka_unit_test(single_length_needs_its_point),
        cmocka_unit_test(levels),
        cmocka_unit_test(final_types),
        cmocka_unit_test(dall_access),
        cmocka_unit_test(process_acps),
        cmocka_unit_test(replicated_halves),
        cmocka_unit_test(wrong_key_types),
        cmocka_unit_test(identifiers),
        cmocka_unit_test(data_errors),
        cmocka_unit_test(rule_array),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBDKG", tests, sc_state_setup_acp, sc_state_teardown);
}
