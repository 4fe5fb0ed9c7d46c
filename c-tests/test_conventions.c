/*
 * The ICSF calling convention across verbs (docs/decisions.md F1, F10):
 * fullwords at odd addresses, as COBOL groups without SYNC pass them; NULL exit data;
 * NULL return/reason code pointers; outputs untouched when a call fails.
 */
#include "common.h"

#include <string.h>

/* A COBOL-like parameter block: every fullword at an odd offset (no padding in between). */
typedef struct {
    _Alignas(8) unsigned char bytes[1 + 4 + 4 + 4 + 4 + 4 + 8];
} packed_parms;
enum { P_RC = 1, P_RS = 5, P_EXIT_LEN = 9, P_COUNT = 13, P_OUT_LEN = 17, P_RULES = 21 };

static int32_t *field(packed_parms *p, size_t off)
{
    return (int32_t *)(void *)(p->bytes + off);
}

static int32_t get(const packed_parms *p, size_t off)
{
    int32_t v;
    memcpy(&v, p->bytes + off, sizeof v);
    return v;
}

static void put(packed_parms *p, size_t off, int32_t v)
{
    memcpy(p->bytes + off, &v, sizeof v);
}

/* CSNBMKP reads rule_array_count and writes rc/rs at odd addresses. */
static void mkp_misaligned_fullwords(void **state)
{
    (void)state;
    unsigned char part[24] = {0};
    for (unsigned off = 0; off < 4; off++) {
        sc_fullword rc, rs, count, exit_len;
        unsigned char rules[8];
        sc_kw(rules, "CLEAR");
        CSNBMKP(sc_fw(&rc, off, -1), sc_fw(&rs, (off + 1) % 4, -1), sc_fw(&exit_len, off, 0),
                NULL, sc_fw(&count, off ^ 3, 1), rules, part);
        assert_int_equal(sc_fw_get(&rc), 0);
        assert_int_equal(sc_fw_get(&rs), 0);
        /* Bytes around the fullwords are untouched. */
        for (unsigned i = 0; i < sizeof rc.buf; i++) {
            if (i < rc.offset || i >= rc.offset + 4) assert_int_equal(rc.buf[i], 0xEE);
        }

        /* A misaligned bad count is read as the value it holds. */
        CSNBMKP(sc_fw(&rc, off, -1), sc_fw(&rs, off, -1), NULL, NULL, sc_fw(&count, off, 4),
                rules, part);
        assert_int_equal(sc_fw_get(&rc), 8);
        assert_int_equal(sc_fw_get(&rs), 35);
    }
}

/* A whole packed block, as COBOLXMP lays it out: KRD and KRL with every fullword odd. */
static void keyrec_packed_block(void **state)
{
    (void)state;
    packed_parms p;
    unsigned char label[64], name[64], server[8];
    memset(p.bytes, 0, sizeof p.bytes);

    expect_codes(sc_krc("PACKED.A"), 0, 0);
    expect_codes(sc_krc("PACKED.B"), 0, 0);

    /* KRL: data_set_name_length is an output fullword at an odd address. */
    put(&p, P_RC, -1);
    put(&p, P_RS, -1);
    put(&p, P_OUT_LEN, -1);
    sc_label(label, "PACKED.*");
    CSNBKRL(field(&p, P_RC), field(&p, P_RS), field(&p, P_EXIT_LEN), NULL, label,
            field(&p, P_OUT_LEN), name, server);
    assert_int_equal(get(&p, P_RC), 0);
    assert_int_equal(get(&p, P_RS), 0);
    assert_true(get(&p, P_OUT_LEN) > 0 && get(&p, P_OUT_LEN) <= 64);
    assert_int_equal(name[get(&p, P_OUT_LEN) - 1], 'T'); /* ...KYRLTnnn.LST */

    /* KRD: rule_array_count 1 at an odd address, keyword right after it. */
    put(&p, P_RC, -1);
    put(&p, P_RS, -1);
    put(&p, P_COUNT, 1);
    sc_kw(p.bytes + P_RULES, "LABEL-DL");
    sc_label(label, "PACKED.*");
    CSNBKRD(field(&p, P_RC), field(&p, P_RS), field(&p, P_EXIT_LEN), NULL, field(&p, P_COUNT),
            p.bytes + P_RULES, label);
    assert_int_equal(get(&p, P_RC), 0);
    assert_int_equal(get(&p, P_RS), 0);
    unsigned char token[64];
    expect_codes(sc_krr("PACKED.A", token), 8, 10012);

    /* The same block reports an error code through odd addresses. */
    put(&p, P_COUNT, 2);
    CSNBKRD(field(&p, P_RC), field(&p, P_RS), field(&p, P_EXIT_LEN), NULL, field(&p, P_COUNT),
            p.bytes + P_RULES, label);
    assert_int_equal(get(&p, P_RC), 8);
    assert_int_equal(get(&p, P_RS), 35);
}

/* exit_data_length and exit_data may be NULL, or hold anything: they are ignored. */
static void exit_data_ignored(void **state)
{
    (void)state;
    sc_codes c = {-1, -1};
    unsigned char label[64], token[64];
    sc_label(label, "EXIT.KEY");
    CSNBKRC(&c.rc, &c.rs, NULL, NULL, label);
    expect_codes(c, 0, 0);
    int32_t exit_len = 4;
    unsigned char exit_data[4] = {1, 2, 3, 4};
    c = (sc_codes){-1, -1};
    CSNBKRR(&c.rc, &c.rs, &exit_len, exit_data, label, token);
    expect_codes(c, 0, 8);
    assert_int_equal(exit_len, 4);
    c = (sc_codes){-1, -1};
    exit_len = -7;
    CSNBKRR(&c.rc, &c.rs, &exit_len, NULL, label, token);
    expect_codes(c, 0, 8);
    assert_int_equal(exit_len, -7);
}

/* Every verb runs with NULL return_code and reason_code and writes neither. */
static void null_rc_rs_every_verb(void **state)
{
    (void)state;
    unsigned char label[64], token[64], skeleton[64], name[64], server[8], rules[8];
    int32_t count = 0, name_len = 0;
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    sc_label(label, "NULLRC.KEY");

    CSNBKRC(NULL, NULL, NULL, NULL, label);
    expect_codes(sc_krc("NULLRC.KEY"), 8, 44); /* it was created */
    CSNBKRW(NULL, NULL, NULL, NULL, skeleton, label);
    memset(token, 0, sizeof token);
    CSNBKRR(NULL, NULL, NULL, NULL, label, token);
    assert_memory_equal(token, skeleton, 64); /* written, then read */
    CSNBKRL(NULL, NULL, NULL, NULL, label, &name_len, name, server);
    assert_true(name_len > 0);
    CSNBKRD(NULL, NULL, NULL, NULL, &count, rules, label);
    expect_codes(sc_krr("NULLRC.KEY", token), 0, 8); /* token deleted */

    /* Failing calls with NULL rc/rs. */
    sc_label(label, "bad label");
    CSNBKRC(NULL, NULL, NULL, NULL, label);
    CSNBKRR(NULL, NULL, NULL, NULL, label, token);
    CSNBKRR(NULL, NULL, NULL, NULL, NULL, NULL);
    CSNBKRW(NULL, NULL, NULL, NULL, NULL, NULL);
    CSNBKRC(NULL, NULL, NULL, NULL, NULL);
    CSNBKRD(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    CSNBKRL(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    CSNBMKP(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* NULL for a required input: 8/184 from every verb. */
static void null_inputs_every_verb(void **state)
{
    (void)state;
    sc_codes c;
    unsigned char label[64], token[64];
    int32_t count = 0;
    sc_label(label, "NULLIN.KEY");
    expect_codes(sc_krc("NULLIN.KEY"), 0, 0);

    c = (sc_codes){-1, -1};
    CSNBKRC(&c.rc, &c.rs, NULL, NULL, NULL);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRW(&c.rc, &c.rs, NULL, NULL, NULL, label);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRW(&c.rc, &c.rs, NULL, NULL, token, NULL);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRR(&c.rc, &c.rs, NULL, NULL, NULL, token);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRR(&c.rc, &c.rs, NULL, NULL, label, NULL);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRD(&c.rc, &c.rs, NULL, NULL, NULL, NULL, label);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRD(&c.rc, &c.rs, NULL, NULL, &count, NULL, NULL);
    expect_codes(c, 8, 184);
    count = 1;
    c = (sc_codes){-1, -1};
    CSNBKRD(&c.rc, &c.rs, NULL, NULL, &count, NULL, label);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRL(&c.rc, &c.rs, NULL, NULL, NULL, &count, token, token);
    expect_codes(c, 8, 184);

    /* None of that touched the record. */
    expect_codes(sc_krr("NULLIN.KEY", token), 0, 8);
}

/* On rc 8, outputs keep what the caller put there (ICSF: only rc and rs change). */
static void outputs_unchanged_on_error(void **state)
{
    (void)state;
    unsigned char token[64], skeleton[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    expect_codes(sc_krc("SENT.KEY"), 0, 0);
    expect_codes(sc_krw(skeleton, "SENT.KEY"), 0, 0);

    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("SENT.NONE", token), 8, 10012);
    assert_true(sc_is_sentinel(token, sizeof token));
    expect_codes(sc_krr("sent.key", token), 8, 32);
    assert_true(sc_is_sentinel(token, sizeof token));

    /* KRR's input label is not written either, on success or failure. */
    unsigned char label[64], copy[64];
    sc_label(label, "SENT.KEY");
    memcpy(copy, label, 64);
    sc_codes c = {-1, -1};
    CSNBKRR(&c.rc, &c.rs, NULL, NULL, label, token);
    expect_codes(c, 0, 0);
    assert_memory_equal(label, copy, 64);
    assert_memory_equal(token, skeleton, 64);

    /* rc/rs fields are overwritten even on success (no stale values). */
    int32_t rc = 1234, rs = 5678;
    CSNBKRR(&rc, &rs, NULL, NULL, label, token);
    assert_int_equal(rc, 0);
    assert_int_equal(rs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mkp_misaligned_fullwords),
        cmocka_unit_test(keyrec_packed_block),
        cmocka_unit_test(exit_data_ignored),
        cmocka_unit_test(null_rc_rs_every_verb),
        cmocka_unit_test(null_inputs_every_verb),
        cmocka_unit_test(outputs_unchanged_on_error),
    };
    return cmocka_run_group_tests_name("calling conventions", tests, sc_state_setup,
                                       sc_state_teardown);
}
