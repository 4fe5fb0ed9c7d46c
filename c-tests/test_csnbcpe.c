/*
 * CSNBCPE (Clear PIN Encrypt) through libsoftcca.so with OPINENC keys imported from clear
 * parts (CSNBKTB + CSNBKPI) under the test master key of tests/vectors/README.md. Expected blocks: tests/data/
 * pinblocks.txt (psec 1.3.0 for ISO-0/2, the clean-room model for the others; encryption by
 * `cryptography`), for the formats without random fill; the test-set-1 blocks are the ones
 * tests/data/pcu.txt feeds to CSNBPCU. Error rows of docs/codes.md leave the output block
 * as passed.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* tests/data/pinblocks.txt: deterministic formats (no random fill). */
static const struct {
    const char *id, *format, *pin, *pan, *pad;
    int32_t seq;
    const char *pin_key, *enc_block;
} blocks[] = {
    {"s9-new", "ISO-0", "9999", "456789012345", NULL, 99999,
     "0123456789ABCDEFFEDCBA9876543210", "278CE4308BF9844D"},
    {"s9-cur", "ISO-0", "8888", "456789012345", NULL, 99999,
     "0123456789ABCDEFFEDCBA9876543210", "00AC61598137740A"},
    {"iso-0-2", "ISO-0", "843802517076", "859048496437", NULL, 99999,
     "04B6AE2F92159E8C16FB436D19401F68", "06396CE46B696BDA"},
    {"iso-2-0", "ISO-2", "7073", "000000000000", NULL, 99999,
     "38E9E976CE9164D60443258FF4B97AB9", "9DA362D558C2A85D"},
    {"visa-4-0", "VISA-4", "7450", "429325233006", NULL, 99999,
     "2CBF92EF29E337851F2A0D4362A213B0", "D110A1901BAC7CED"},
    {"3621-0", "3621", "4822", "000000000000", "F", 8972,
     "57026B3E7C5ED361A27568C8431CC492", "AE658D6396CA856C"},
    {"3621-1", "3621", "79366124", "000000000000", "A", 8240,
     "0B649D2FA10EECC115C4DF57C41C7070", "EFA2CF1F3C227800"},
    {"3624-0", "3624", "6165", "000000000000", "F", 99999,
     "F40BB338D30D2C856D02CE31733B803E", "615A58419503C54A"},
    {"4704-epp-0", "4704-EPP", "4784", "000000000000", NULL, 24,
     "E04320989185D5C8132C4092EF383457", "A05EEAB7A5E6D389"},
};

/* A 24-byte profile: format, NONE, 7 blanks and the pad digit (or 8 blanks). */
static void profile(unsigned char out[24], const char *format, const char *pad)
{
    memset(out, ' ', 24);
    memcpy(out, format, strlen(format));
    memcpy(out + 8, "NONE", 4);
    if (pad != NULL) out[23] = (unsigned char)pad[0];
}

/* Every parameter of one call. */
typedef struct {
    unsigned char key[64];
    int32_t count;
    unsigned char rules[16];
    unsigned char pin[16];
    unsigned char profile[24];
    unsigned char pan[12];
    int32_t seq;
    unsigned char block[8];
} cpe_call;

static void base(cpe_call *c, const unsigned char key[64], const char *words, const char *pin,
                 const char *format, const char *pad, const char *pan, int32_t seq)
{
    memset(c, 0, sizeof *c);
    memcpy(c->key, key, 64);
    c->count = sc_rules(c->rules, sizeof c->rules, words);
    memset(c->pin, ' ', 16);
    memcpy(c->pin, pin, strlen(pin));
    profile(c->profile, format, pad);
    memcpy(c->pan, pan, 12);
    c->seq = seq;
    sc_fill_sentinel(c->block, 8);
}

static sc_codes run(cpe_call *c)
{
    sc_codes r = {-1, -1};
    int32_t exit_len = 0;
    CSNBCPE(&r.rc, &r.rs, &exit_len, NULL, c->key, &c->count, c->rules, c->pin, c->profile,
            c->pan, &c->seq, c->block);
    return r;
}

static void expect_error(const char *what, cpe_call *c, int32_t rc, int32_t rs, int line)
{
    sc_check_codes(what, run(c), rc, rs, __FILE__, line);
    if (!sc_is_sentinel(c->block, 8)) {
        print_error("%s: encrypted_PIN_block written on error\n", what);
        _fail(__FILE__, line);
    }
}
#define EXPECT_ERROR(what, c, rc, rs) expect_error((what), (c), (rc), (rs), __LINE__)

static unsigned char s9_opinenc[64]; /* the test-set PIN key as OPINENC, made in the first test */

static void setup_keys(void **state)
{
    (void)state;
    unsigned char key[16];
    sc_load_master_key_hex(SC_S9_MK);
    sc_hex(key, 16, "0123456789ABCDEFFEDCBA9876543210");
    sc_import_key(s9_opinenc, "OPINENC", "", key, 0);
}

/* Every deterministic format gives the independent block, with the key as a token (ENCRYPT
 * given, or the default) and as a label. */
static void formats_against_independent_blocks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
        unsigned char key[16], token[64], want[8], label[64];
        char name[32];
        cpe_call c;
        sc_hex(key, 16, blocks[i].pin_key);
        sc_hex(want, 8, blocks[i].enc_block);
        sc_import_key(token, "OPINENC", "", key, (int)(i % 2));
        base(&c, token, i % 2 ? "ENCRYPT" : "", blocks[i].pin, blocks[i].format,
             blocks[i].pad, blocks[i].pan, blocks[i].seq);
        sc_check_codes(blocks[i].id, run(&c), 0, 0, __FILE__, __LINE__);
        if (memcmp(c.block, want, 8) != 0) {
            char got[17];
            sc_tohex(got, c.block, 8);
            print_error("%s: %s, pinblocks.txt %s\n", blocks[i].id, got, blocks[i].enc_block);
            fail();
        }
        snprintf(name, sizeof name, "CPE.KEY%zu", i);
        expect_codes(sc_krc(name), 0, 0);
        expect_codes(sc_krw(token, name), 0, 0);
        sc_label(label, name);
        base(&c, label, "encrypt", blocks[i].pin, blocks[i].format, blocks[i].pad,
             blocks[i].pan, blocks[i].seq);
        expect_codes(run(&c), 0, 0);
        assert_memory_equal(c.block, want, 8);
    }
}

/* RANDOM: as many '0's as digits wanted; a fresh PIN each time (three calls cannot all give
 * the same 6-digit PIN but with probability 1e-12). */
static void random_pins(void **state)
{
    (void)state;
    cpe_call a, b, c;
    base(&a, s9_opinenc, "RANDOM", "000000", "ISO-0", NULL, "456789012345", 99999);
    b = a;
    c = a;
    expect_codes(run(&a), 0, 0);
    expect_codes(run(&b), 0, 0);
    expect_codes(run(&c), 0, 0);
    assert_false(sc_is_sentinel(a.block, 8));
    assert_true(memcmp(a.block, b.block, 8) != 0 || memcmp(a.block, c.block, 8) != 0);
}

/* Error rows. */
static void error_rows(void **state)
{
    (void)state;
    cpe_call c;
    const char *pan = "456789012345";
    base(&c, s9_opinenc, "ENCRYPT RANDOM", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("count 2", &c, 8, 35);
    base(&c, s9_opinenc, "DECRYPT", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("unknown keyword", &c, 8, 33);

    unsigned char key[16], ipinenc[64], label[64];
    sc_hex(key, 16, "0123456789ABCDEFFEDCBA9876543210");
    sc_import_key(ipinenc, "IPINENC", "", key, 0);
    base(&c, ipinenc, "", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("IPINENC key", &c, 8, 39);

    base(&c, s9_opinenc, "", "12A4", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("non-digit PIN", &c, 8, 116);
    base(&c, s9_opinenc, "", "123", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("3-digit PIN", &c, 8, 100);
    base(&c, s9_opinenc, "", "1234567890123", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("13-digit PIN", &c, 8, 100);
    base(&c, s9_opinenc, "RANDOM", "0101", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("RANDOM with other digits", &c, 8, 116);
    base(&c, s9_opinenc, "", "1234", "ISO-7", NULL, pan, 0);
    EXPECT_ERROR("unknown format", &c, 8, 106);
    base(&c, s9_opinenc, "", "1234", "ISO-0", NULL, "45678901234X", 0);
    EXPECT_ERROR("PAN not decimal", &c, 8, 110);
    base(&c, s9_opinenc, "", "1234", "4704-EPP", NULL, pan, 100);
    EXPECT_ERROR("4704-EPP sequence 100", &c, 8, 111);
    base(&c, s9_opinenc, "", "1234", "3621", "F", pan, -1);
    EXPECT_ERROR("negative sequence", &c, 8, 111);
    base(&c, s9_opinenc, "", "1234", "3624", NULL, pan, 0);
    EXPECT_ERROR("3624 without pad digit", &c, 8, 108);
    base(&c, s9_opinenc, "", "1234", "3624", "4", pan, 0);
    EXPECT_ERROR("pad digit inside the PIN", &c, 8, 108);
    base(&c, s9_opinenc, "", "1234", "ISO-0", NULL, pan, 0);
    memcpy(c.profile + 8, "BOGUS   ", 8);
    EXPECT_ERROR("format control", &c, 8, 107);

    sc_label(label, "NO.SUCH");
    base(&c, label, "", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("label not found", &c, 8, 10012);
    static const unsigned char null_token[64];
    base(&c, null_token, "", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("null token", &c, 8, 154);

    sc_set_acp(0x00AF, 0);
    base(&c, s9_opinenc, "", "1234", "ISO-0", NULL, pan, 0);
    EXPECT_ERROR("ACP X'00AF' off", &c, 8, 90);
    sc_set_acp(0x00AF, 1);
    /* On again: the test-set-1 new-PIN block (pinblocks.txt s9-new, psec + cryptography). */
    unsigned char want[8];
    sc_hex(want, 8, "278CE4308BF9844D");
    base(&c, s9_opinenc, "", "9999", "ISO-0", NULL, pan, 99999);
    expect_codes(run(&c), 0, 0);
    assert_memory_equal(c.block, want, 8);
}

/* NULL pointers 8/184; misaligned count and sequence number; NULL rc/rs tolerated. */
static void conventions(void **state)
{
    (void)state;
    cpe_call c;
    unsigned char want[8];
    sc_hex(want, 8, "278CE4308BF9844D");
    base(&c, s9_opinenc, "ENCRYPT", "9999", "ISO-0", NULL, "456789012345", 99999);
    unsigned char *p[6] = {c.key, c.rules, c.pin, c.profile, c.pan, c.block};
    for (int which = 0; which < 8; which++) {
        sc_codes r = {-1, -1};
        unsigned char *q[6];
        memcpy(q, p, sizeof q);
        if (which < 6) q[which] = NULL;
        CSNBCPE(&r.rc, &r.rs, NULL, NULL, q[0], which == 6 ? NULL : &c.count, q[1], q[2], q[3],
                q[4], which == 7 ? NULL : &c.seq, q[5]);
        char what[32];
        snprintf(what, sizeof what, "NULL pointer case %d", which);
        sc_check_codes(what, r, 8, 184, __FILE__, __LINE__);
        assert_true(sc_is_sentinel(c.block, 8));
    }

    sc_fullword rc, rs, count, seq;
    CSNBCPE(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, c.key, sc_fw(&count, 5, 1),
            c.rules, c.pin, c.profile, c.pan, sc_fw(&seq, 7, 99999), c.block);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    assert_memory_equal(c.block, want, 8);

    sc_fill_sentinel(c.block, 8);
    CSNBCPE(NULL, NULL, NULL, NULL, c.key, &c.count, c.rules, c.pin, c.profile, c.pan, &c.seq,
            c.block);
    assert_memory_equal(c.block, want, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setup_keys), /* must stay first */
        cmocka_unit_test(formats_against_independent_blocks),
        cmocka_unit_test(random_pins),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSNBCPE", tests, sc_state_setup_acp, sc_state_teardown);
}
