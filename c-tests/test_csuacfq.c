/*
 * CSUACFQ (Cryptographic Facility Query) through libsoftcca.so: STATCCA, STATCCAE and
 * STATMKVP as the master-key registers fill (the test master key of tests/vectors/README.md, then tests/data/mkvp.txt
 * rnd-0); patterns are SHA-1(X'01' || MK) by Python hashlib (mkvp.txt). Error rows of
 * docs/codes.md leave the count, the rule array and verb_data_length as passed.
 *
 * The first test runs before any master key is loaded in this binary's state directory.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

#define MK2 "C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1" /* mkvp.txt rnd-0 */
#define MK2_VP "6A74E3BF4B721C04"

/* One query: rule array in, elements out. */
typedef struct {
    int32_t count;
    unsigned char rules[96];
    int32_t verb_data_length;
} cfq_call;

static sc_codes cfq_run(cfq_call *c, const char *words)
{
    sc_codes r = {-1, -1};
    int32_t exit_len = 0;
    memset(c->rules, '#', sizeof c->rules);
    c->count = sc_rules(c->rules, sizeof c->rules, words);
    c->verb_data_length = 99;
    CSUACFQ(&r.rc, &r.rs, &exit_len, NULL, &c->count, c->rules, &c->verb_data_length, NULL);
    return r;
}

/* Queries `words`, expects 0/0, `n` elements and verb_data_length 0. */
static void cfq(cfq_call *c, const char *words, int32_t n)
{
    sc_check_codes(words, cfq_run(c, words), 0, 0, __FILE__, __LINE__);
    assert_int_equal(c->count, n);
    assert_int_equal(c->verb_data_length, 0);
}

/* Element i (0-based) equals the 8 bytes `want` (blank padded here). */
static void element(const cfq_call *c, int i, const char *want)
{
    unsigned char w[8];
    sc_kw(w, want);
    if (memcmp(c->rules + 8 * i, w, 8) != 0) {
        print_error("element %d is \"%.8s\", expected \"%.8s\"\n", i + 1,
                    (const char *)c->rules + 8 * i, (const char *)w);
        fail();
    }
}

/* Elements i and i+1 hold the 16 hex characters of a pattern. */
static void pattern(const cfq_call *c, int i, const char *hex16)
{
    assert_memory_equal(c->rules + 8 * i, hex16, 16);
}

/* Nothing loaded: all registers empty, version and build date, role DEFAULT. */
static void empty_registers(void **state)
{
    (void)state;
    cfq_call c;
    cfq(&c, "STATCCA", 6);
    element(&c, 0, "1");
    element(&c, 1, "1");
    element(&c, 2, "1");
    /* Version: the crate version, digits and dots, blank padded, and the header's
     * SOFTCCA_VERSION (generated from Cargo.toml): library and header agree. */
    element(&c, 3, SOFTCCA_VERSION);
    assert_int_equal(SOFTCCA_VERSION_NUMBER, SOFTCCA_VERSION_MAJOR * 10000 +
                                                 SOFTCCA_VERSION_MINOR * 100 + SOFTCCA_VERSION_PATCH);
    assert_true(c.rules[24] >= '0' && c.rules[24] <= '9');
    for (int i = 24; i < 32; i++) {
        assert_true((c.rules[i] >= '0' && c.rules[i] <= '9') || c.rules[i] == '.' ||
                    c.rules[i] == ' ');
    }
    for (int i = 32; i < 40; i++) assert_true(c.rules[i] >= '0' && c.rules[i] <= '9');
    element(&c, 5, "DEFAULT");
    assert_int_equal(c.rules[48], '#'); /* nothing past the 6 elements */

    cfq(&c, "STATMKVP", 7);
    element(&c, 0, "1");
    element(&c, 1, "NONE");
    element(&c, 2, "");
    element(&c, 3, "NONE");
    element(&c, 4, "");
    element(&c, 5, "NONE");
    element(&c, 6, "");
}

/* FIRST: new register partial (no pattern yet); LAST: full, with its pattern; SET: current. */
static void loading_a_master_key(void **state)
{
    (void)state;
    cfq_call c;
    unsigned char mk[24], p1[24], p2[24], zero[24] = {0};
    sc_hex(mk, 24, SC_S9_MK);
    sc_part(p1, 9);
    sc_part_for(p2, p1, mk);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    cfq(&c, "statcca", 6);
    element(&c, 0, "2");
    cfq(&c, "STATMKVP", 7);
    element(&c, 0, "2");
    element(&c, 1, "NONE");
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    cfq(&c, "ADAPTER1 STATMKVP", 7);
    element(&c, 0, "3");
    pattern(&c, 1, SC_S9_MKVP);
    element(&c, 3, "NONE");
    expect_codes(sc_mkp("SET", zero), 0, 0);
    cfq(&c, "STATCCA ADAPTER1", 6);
    element(&c, 0, "1");
    element(&c, 1, "2");
    element(&c, 2, "1");
    cfq(&c, "STATMKVP", 7);
    element(&c, 1, "NONE");
    pattern(&c, 3, SC_S9_MKVP);
    element(&c, 5, "NONE");
}

/* A second master key: the test master key becomes old; STATCCAE adds three asymmetric registers. */
static void old_master_key(void **state)
{
    (void)state;
    cfq_call c;
    sc_load_master_key_hex(MK2);
    cfq(&c, "STATCCAE", 9);
    element(&c, 0, "1");
    element(&c, 1, "2");
    element(&c, 2, "2");
    element(&c, 6, "1");
    element(&c, 7, "1");
    element(&c, 8, "1");
    cfq(&c, "STATMKVP", 7);
    element(&c, 1, "NONE");
    element(&c, 2, "");
    pattern(&c, 3, MK2_VP);
    pattern(&c, 5, SC_S9_MKVP);
}

/* Errors: nothing but rc/rs is written. */
static void error_rows(void **state)
{
    (void)state;
    const struct {
        int32_t count;
        const char *words;
        int32_t rs;
    } rows[] = {
        {0, "", 35},
        {3, "STATCCA ADAPTER1 STATCCAE", 35},
        {1, "STATCARD", 33},
        {1, "TIMEDATE", 33},
        {2, "STATCCA STATCCAE", 34},
        {1, "ADAPTER1", 34},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        sc_codes r = {-1, -1};
        unsigned char ra[96], before[96];
        int32_t count = rows[i].count, vdl = 99;
        memset(ra, '#', sizeof ra);
        sc_rules(ra, sizeof ra, rows[i].words);
        memcpy(before, ra, sizeof ra);
        CSUACFQ(&r.rc, &r.rs, NULL, NULL, &count, ra, &vdl, NULL);
        sc_check_codes(rows[i].words, r, 8, rows[i].rs, __FILE__, __LINE__);
        assert_int_equal(count, rows[i].count);
        assert_int_equal(vdl, 99);
        assert_memory_equal(ra, before, sizeof ra);
    }
}

/* NULL pointers 8/184; misaligned in/out fullwords; NULL rc/rs tolerated. */
static void conventions(void **state)
{
    (void)state;
    sc_codes r = {-1, -1};
    unsigned char ra[96];
    int32_t count = 1, vdl = 5;
    sc_rules(ra, sizeof ra, "STATCCA");
    CSUACFQ(&r.rc, &r.rs, NULL, NULL, &count, ra, NULL, NULL);
    expect_codes(r, 8, 184);
    r = (sc_codes){-1, -1};
    CSUACFQ(&r.rc, &r.rs, NULL, NULL, NULL, ra, &vdl, NULL);
    expect_codes(r, 8, 184);
    assert_int_equal(vdl, 5);
    r = (sc_codes){-1, -1};
    CSUACFQ(&r.rc, &r.rs, NULL, NULL, &count, NULL, &vdl, NULL);
    expect_codes(r, 8, 184);
    assert_int_equal(vdl, 5);
    assert_int_equal(count, 1);

    sc_fullword rc, rs, cnt, len;
    memset(ra, '#', sizeof ra);
    sc_rules(ra, sizeof ra, "STATCCAE");
    CSUACFQ(sc_fw(&rc, 1, -1), sc_fw(&rs, 3, -1), NULL, NULL, sc_fw(&cnt, 5, 1), ra,
            sc_fw(&len, 7, 77), NULL);
    assert_int_equal(sc_fw_get(&rc), 0);
    assert_int_equal(sc_fw_get(&rs), 0);
    assert_int_equal(sc_fw_get(&cnt), 9);
    assert_int_equal(sc_fw_get(&len), 0);
    assert_memory_equal(ra + 64, "1       ", 8);

    count = 1;
    vdl = 5;
    sc_rules(ra, sizeof ra, "STATCCA");
    CSUACFQ(NULL, NULL, NULL, NULL, &count, ra, &vdl, NULL);
    assert_int_equal(count, 6);
    assert_int_equal(vdl, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_registers), /* the tests run in this order */
        cmocka_unit_test(loading_a_master_key),
        cmocka_unit_test(old_master_key),
        cmocka_unit_test(error_rows),
        cmocka_unit_test(conventions),
    };
    return cmocka_run_group_tests_name("CSUACFQ", tests, sc_state_setup, sc_state_teardown);
}
