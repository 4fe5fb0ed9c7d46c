/*
 * CSNBPCU / CSNEPCU (PIN Change/Unblock) through the C ABI: the 27-parameter list, the
 * checks that come before any cryptography (rule array, lengths, key identifiers, master key)
 * and the calling conventions (NULL rc/rs, NULL pointers, misaligned fullwords, output
 * untouched on error). Both names must answer alike.
 *
 * Successful PIN messages need DKYGENKY and PIN keys wrapped under the master key, which no
 * declared verb makes yet (CSNBKPI/CSNBKGN); the Rust tests (tests/pcu.rs) cover them with
 * independent vectors. Add the C success cases here once those verbs are in the header.
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

typedef void pcu_fn(int32_t *, int32_t *, int32_t *, uint8_t *, int32_t *, uint8_t *,
                    int32_t *, uint8_t *, int32_t *, uint8_t *, int32_t *, uint8_t *,
                    int32_t *, uint8_t *, uint8_t *, uint8_t *, uint8_t *,
                    int32_t *, uint8_t *, uint8_t *, uint8_t *, uint8_t *,
                    int32_t *, uint8_t *, uint8_t *, int32_t *, uint8_t *);

/* Every parameter of one call. */
typedef struct {
    int32_t count;
    unsigned char rules[16];
    int32_t auth_len;
    unsigned char auth[64];
    int32_t enc_len;
    unsigned char enc[64];
    int32_t kgd_len;
    unsigned char kgd[34];
    int32_t new_len;
    unsigned char new_key[64], new_block[8], new_profile[24], new_pan[12];
    int32_t cur_len;
    unsigned char cur_key[64], cur_block[8], cur_profile[24], cur_pan[12];
    int32_t out_data_len;
    unsigned char out_data[8];
    unsigned char out_profile[24];
    int32_t out_len;
    unsigned char out[32];
} pcu_call;

/* VISAPCU1 with labels for all three keys; the caller makes the records (or not). */
static void base(pcu_call *c)
{
    memset(c, 0, sizeof *c);
    c->count = sc_rules(c->rules, sizeof c->rules, "TDES-XOR VISAPCU1");
    c->auth_len = c->enc_len = c->new_len = 64;
    sc_label(c->auth, "PCU.MDK.MAC");
    sc_label(c->enc, "PCU.MDK.ENC");
    sc_label(c->new_key, "PCU.PINKEY");
    c->kgd_len = 10;
    sc_hex(c->kgd, 10, "12345678901234560001");
    memcpy(c->new_profile, "ISO-0   NONE            ", 24);
    memcpy(c->new_pan, "123456789012", 12);
    memcpy(c->out_profile, "VISAPCU1NONE            ", 24);
    c->out_len = 32;
    sc_fill_sentinel(c->out, sizeof c->out);
}

static sc_codes run(pcu_fn *fn, pcu_call *c)
{
    sc_codes r = {-1, -1};
    int32_t exit_len = 0;
    fn(&r.rc, &r.rs, &exit_len, NULL, &c->count, c->rules, &c->auth_len, c->auth, &c->enc_len,
       c->enc, &c->kgd_len, c->kgd, &c->new_len, c->new_key, c->new_block, c->new_profile,
       c->new_pan, &c->cur_len, c->cur_key, c->cur_block, c->cur_profile, c->cur_pan,
       &c->out_data_len, c->out_data, c->out_profile, &c->out_len, c->out);
    return r;
}

/* Runs the call under both names; each must give want_rc/want_rs and leave the output
 * buffer and its length alone (every case here is an error). */
static void expect_both(const char *what, const pcu_call *call, int32_t want_rc,
                        int32_t want_rs, int line)
{
    pcu_fn *fns[] = {CSNBPCU, CSNEPCU};
    const char *names[] = {"CSNBPCU", "CSNEPCU"};
    for (int i = 0; i < 2; i++) {
        pcu_call c = *call;
        char label[128];
        snprintf(label, sizeof label, "%s %s", names[i], what);
        sc_check_codes(label, run(fns[i], &c), want_rc, want_rs, __FILE__, line);
        if (!sc_is_sentinel(c.out, sizeof c.out) || c.out_len != call->out_len) {
            print_error("%s: output written on error\n", label);
            _fail(__FILE__, line);
        }
    }
}
#define EXPECT(what, call, rc, rs) expect_both((what), (call), (rc), (rs), __LINE__)

/* A key-bearing internal token whose MKVP names no loaded master key. */
static void foreign_token(unsigned char t[64])
{
    sc_skeleton_token(t, SC_CV_DATA_DOUBLE);
    t[6] |= 0x80;
    sc_hex(t + 8, 8, "0123456789ABCDEF");
    sc_hex(t + 16, 16, "1111111111111111" "2222222222222222");
    uint32_t v = sc_tvv(t);
    for (int i = 0; i < 4; i++) t[60 + i] = (unsigned char)(v >> (24 - 8 * i));
}

/* No master key loaded: a key-bearing token cannot be used, 12/764. */
static void no_master_key(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    foreign_token(c.auth);
    EXPECT("no master key", &c, 12, 764);
}

/* Rule array: 1 or 2 keywords, one method, at most one algorithm. */
static void rule_array(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    EXPECT("labels not in the CKDS", &c, 8, 10012);

    c.count = 0;
    EXPECT("count 0", &c, 8, 35);
    c.count = 3;
    EXPECT("count 3", &c, 8, 35);
    c.count = -1;
    EXPECT("count -1", &c, 8, 35);

    base(&c);
    c.count = sc_rules(c.rules, sizeof c.rules, "BOGUS VISAPCU1");
    EXPECT("unknown keyword", &c, 8, 33);
    c.count = sc_rules(c.rules, sizeof c.rules, "VISAPCU1 VISAPCU2");
    EXPECT("two methods", &c, 8, 34);
    c.count = sc_rules(c.rules, sizeof c.rules, "TDES-XOR");
    EXPECT("no method", &c, 8, 34);
    c.count = sc_rules(c.rules, sizeof c.rules, "TDESEMV2 TDESEMV4");
    EXPECT("two algorithms", &c, 8, 34);

    /* Lower case folds: back to the key-identifier check. */
    c.count = sc_rules(c.rules, sizeof c.rules, "visapcu1");
    EXPECT("lower-case method", &c, 8, 10012);
}

/* Lengths: key identifier lengths 64, key_generation_data 10/18 (TDES-XOR),
 * output_PIN_data_length 0, output capacity at least 16 for VISA. */
static void lengths(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    c.auth_len = 63;
    EXPECT("auth length 63", &c, 8, 72);
    base(&c);
    c.enc_len = -64;
    EXPECT("enc length -64", &c, 8, 72);
    base(&c);
    c.new_len = 0;
    EXPECT("new key length 0", &c, 8, 72);
    base(&c);
    c.kgd_len = 26;
    EXPECT("TDES-XOR with 26 bytes of kgd", &c, 8, 72);
    c.kgd_len = 11;
    EXPECT("kgd length 11", &c, 8, 72);
    c.kgd_len = INT32_MAX;
    EXPECT("kgd length huge", &c, 8, 72);
    base(&c);
    c.cur_len = 64;
    EXPECT("VISAPCU1 with a current key length", &c, 8, 72);
    base(&c);
    c.out_data_len = 8;
    EXPECT("output_PIN_data_length 8", &c, 8, 715);
    base(&c);
    c.out_len = 15;
    EXPECT("output capacity 15", &c, 8, 72);
}

/* Key identifiers: label syntax, null tokens (also in CKDS records), external tokens,
 * tampered tokens, unknown MKVP once a master key is loaded. */
static void key_identifiers(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    sc_label(c.auth, "pcu.lower");
    EXPECT("lower-case label", &c, 8, 32);
    base(&c);
    c.auth[0] = 0xFF;
    EXPECT("identifier X'FF'", &c, 8, 32);

    expect_codes(sc_krc("PCU.MDK.MAC"), 0, 0);
    expect_codes(sc_krc("PCU.MDK.ENC"), 0, 0);
    expect_codes(sc_krc("PCU.PINKEY"), 0, 0);
    base(&c);
    EXPECT("CKDS records holding null tokens", &c, 8, 154);
    memset(c.auth, 0, 64);
    EXPECT("null token", &c, 8, 154);

    base(&c);
    sc_skeleton_token(c.auth, SC_CV_DATA_DOUBLE);
    EXPECT("token without a key", &c, 8, 154);
    c.auth[0] = 0x02;
    EXPECT("external token", &c, 8, 154);
    sc_skeleton_token(c.auth, SC_CV_DATA_DOUBLE);
    c.auth[40] ^= 0x10;
    EXPECT("tampered token (TVV)", &c, 8, 12);

    sc_load_master_key(300);
    base(&c);
    foreign_token(c.auth);
    EXPECT("token under an unknown master key", &c, 8, 10004);
}

/* NULL rc/rs tolerated; NULL required pointers give 8/184; NULL exit data and the unused
 * current_* parameters of VISAPCU1 are allowed. */
static void null_pointers(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    CSNBPCU(NULL, NULL, NULL, NULL, &c.count, c.rules, &c.auth_len, c.auth, &c.enc_len, c.enc,
            &c.kgd_len, c.kgd, &c.new_len, c.new_key, c.new_block, c.new_profile, c.new_pan,
            NULL, NULL, NULL, NULL, NULL, &c.out_data_len, NULL, c.out_profile, &c.out_len,
            c.out);
    assert_true(sc_is_sentinel(c.out, sizeof c.out));
    CSNEPCU(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

    /* The unused current_* parameters may be NULL: the call reaches the key identifiers. */
    sc_codes r = {-1, -1};
    CSNBPCU(&r.rc, &r.rs, NULL, NULL, &c.count, c.rules, &c.auth_len, c.auth, &c.enc_len,
            c.enc, &c.kgd_len, c.kgd, &c.new_len, c.new_key, c.new_block, c.new_profile,
            c.new_pan, NULL, NULL, NULL, NULL, NULL, &c.out_data_len, NULL, c.out_profile,
            &c.out_len, c.out);
    expect_codes(r, 8, 154); /* the PCU.* records of key_identifiers hold null tokens */

    r = (sc_codes){-1, -1};
    CSNBPCU(&r.rc, &r.rs, NULL, NULL, &c.count, c.rules, &c.auth_len, c.auth, &c.enc_len,
            c.enc, &c.kgd_len, c.kgd, &c.new_len, c.new_key, c.new_block, NULL, c.new_pan,
            NULL, NULL, NULL, NULL, NULL, &c.out_data_len, NULL, c.out_profile, &c.out_len,
            c.out);
    expect_codes(r, 8, 184);

    r = (sc_codes){-1, -1};
    CSNBPCU(&r.rc, &r.rs, NULL, NULL, &c.count, c.rules, &c.auth_len, c.auth, &c.enc_len,
            c.enc, &c.kgd_len, c.kgd, &c.new_len, c.new_key, c.new_block, c.new_profile,
            c.new_pan, NULL, NULL, NULL, NULL, NULL, &c.out_data_len, NULL, c.out_profile,
            &c.out_len, NULL);
    expect_codes(r, 8, 184);

    /* VISAPCU2 uses the current PIN: its parameters are required. */
    c.count = sc_rules(c.rules, sizeof c.rules, "VISAPCU2");
    r = (sc_codes){-1, -1};
    CSNEPCU(&r.rc, &r.rs, NULL, NULL, &c.count, c.rules, &c.auth_len, c.auth, &c.enc_len,
            c.enc, &c.kgd_len, c.kgd, &c.new_len, c.new_key, c.new_block, c.new_profile,
            c.new_pan, NULL, NULL, NULL, NULL, NULL, &c.out_data_len, NULL, c.out_profile,
            &c.out_len, c.out);
    expect_codes(r, 8, 184);
    assert_true(sc_is_sentinel(c.out, sizeof c.out));
    assert_int_equal(c.out_len, 32);
}

/* Fullwords at odd addresses: a bad count and a bad length are read as what they hold, and
 * rc/rs are written there. */
static void misaligned_fullwords(void **state)
{
    (void)state;
    pcu_call c;
    base(&c);
    sc_fullword rc, rs, count, auth_len, kgd_len, out_len;
    CSNBPCU(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, sc_fw(&count, 5, 3), c.rules,
            sc_fw(&auth_len, 7, 64), c.auth, &c.enc_len, c.enc, sc_fw(&kgd_len, 1, 10), c.kgd,
            &c.new_len, c.new_key, c.new_block, c.new_profile, c.new_pan, NULL, NULL, NULL,
            NULL, NULL, &c.out_data_len, NULL, c.out_profile, sc_fw(&out_len, 3, 32), c.out);
    assert_int_equal(sc_fw_get(&rc), 8);
    assert_int_equal(sc_fw_get(&rs), 35);

    CSNBPCU(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, sc_fw(&count, 5, 2), c.rules,
            sc_fw(&auth_len, 7, 64), c.auth, &c.enc_len, c.enc, sc_fw(&kgd_len, 1, 11), c.kgd,
            &c.new_len, c.new_key, c.new_block, c.new_profile, c.new_pan, NULL, NULL, NULL,
            NULL, NULL, &c.out_data_len, NULL, c.out_profile, sc_fw(&out_len, 3, 32), c.out);
    assert_int_equal(sc_fw_get(&rc), 8);
    assert_int_equal(sc_fw_get(&rs), 72);
    assert_int_equal(sc_fw_get(&out_len), 32);
    assert_true(sc_is_sentinel(c.out, sizeof c.out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_master_key), /* must stay first */
        cmocka_unit_test(rule_array),
        cmocka_unit_test(lengths),
        cmocka_unit_test(key_identifiers),
        cmocka_unit_test(null_pointers),
        cmocka_unit_test(misaligned_fullwords),
    };
    return cmocka_run_group_tests_name("CSNBPCU/CSNEPCU", tests, sc_state_setup,
                                       sc_state_teardown);
}
