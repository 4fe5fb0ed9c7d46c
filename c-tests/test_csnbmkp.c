/*
 * CSNBMKP (Master Key Process): register steps, state errors, rule-array checks, keyword
 * case, NULL pointers, parity and weak-key checks. The success paths load master keys of
 * tests/data/mkvp.txt and compare the current register's pattern with it (Python hashlib).
 *
 * Seeds passed to sc_part() are distinct in every test, so no test loads a master key that
 * an earlier test made current (which SET rejects with 8/704).
 */
#include "common.h"

#include <string.h>

static const unsigned char zero_part[24];

/* tests/data/mkvp.txt (Python hashlib: SHA-1(X'01' || MK)[0:8]): the master keys the success
 * paths below load, and their verification patterns. */
static const struct {
    const char *mk, *mkvp;
} MKVP_TXT[] = {
    {"9DC1DAA48531DF675279206D76BFB6D5B5A808853EC14073", "5C7B5AA6558C6527"}, /* rnd-1 */
    {"79DFDC7F45F70BEFE52CDFA1C419086143022C37EA321F5B", "3E0891F3B670E7C8"}, /* rnd-2 */
    {"20E038B0CBA7326EFB3D4FE5A758314C4A57DC75FEC43EF8", "57A3B48CDEF6F2DF"}, /* rnd-3 */
    {"58C40E9D31CB626485C292585868293D8FE058E3581CF832", "26E7E5DDC142CA08"}, /* rnd-4 */
};

/* The last part that makes the XOR of `first` (the other parts) equal mkvp.txt case i. */
static void last_part_for(unsigned char out[24], const unsigned char first[24], size_t i)
{
    unsigned char mk[24];
    sc_hex(mk, 24, MKVP_TXT[i].mk);
    sc_part_for(out, first, mk);
}

/* The current master key's verification pattern (CSUACFQ STATMKVP elements 4-5) is
 * mkvp.txt case i's. */
static void expect_current(size_t i)
{
    sc_codes r = {-1, -1};
    int32_t count = 1, vdl = 0;
    unsigned char rules[7 * 8];
    sc_rules(rules, sizeof rules, "STATMKVP");
    CSUACFQ(&r.rc, &r.rs, NULL, NULL, &count, rules, &vdl, NULL);
    sc_check_codes("CSUACFQ STATMKVP", r, 0, 0, __FILE__, __LINE__);
    assert_int_equal(count, 7);
    assert_memory_equal(rules + 24, MKVP_TXT[i].mkvp, 16);
}

/* CLEAR, FIRST, LAST, SET: a two-part master key becomes current. */
static void two_parts_then_set(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24];
    sc_part(p1, 100);
    last_part_for(p2, p1, 0);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_mkp("SET", zero_part), 0, 0);
    expect_current(0);
}

/* FIRST, MIDDLE, MIDDLE, LAST: any number of middle parts. */
static void middle_parts(void **state)
{
    (void)state;
    unsigned char p[4][24], x[24];
    for (unsigned i = 0; i < 3; i++) sc_part(p[i], 110 + i);
    for (size_t b = 0; b < 24; b++) x[b] = (unsigned char)(p[0][b] ^ p[1][b] ^ p[2][b]);
    last_part_for(p[3], x, 1);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p[0]), 0, 0);
    expect_codes(sc_mkp("MIDDLE", p[1]), 0, 0);
    expect_codes(sc_mkp("MIDDLE", p[2]), 0, 0);
    expect_codes(sc_mkp("LAST", p[3]), 0, 0);
    expect_codes(sc_mkp("SET", zero_part), 0, 0);
    expect_current(1);
}

/* RANDOM fills an empty new register; SET makes it current. */
static void random_then_set(void **state)
{
    (void)state;
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("RANDOM", zero_part), 0, 0);
    expect_codes(sc_mkp("SET", zero_part), 0, 0);
    /* A new key became current: its pattern is no longer middle_parts' key's. */
    sc_codes r = {-1, -1};
    int32_t count = 1, vdl = 0;
    unsigned char rules[7 * 8];
    sc_rules(rules, sizeof rules, "STATMKVP");
    CSUACFQ(&r.rc, &r.rs, NULL, NULL, &count, rules, &vdl, NULL);
    sc_check_codes("CSUACFQ STATMKVP", r, 0, 0, __FILE__, __LINE__);
    assert_true(memcmp(rules + 24, MKVP_TXT[1].mkvp, 16) != 0);
    assert_true(memcmp(rules + 40, MKVP_TXT[1].mkvp, 16) == 0); /* now the old register */
}

/* Optional ADAPTER and SYM-MK keywords, in any order, up to three keywords. */
static void optional_keywords(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24];
    sc_part(p1, 120);
    last_part_for(p2, p1, 2);
    expect_codes(sc_mkp("ADAPTER SYM-MK CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("SYM-MK FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST ADAPTER1", p2), 0, 0);
    expect_codes(sc_mkp("SET SYM-MK ADAPTER", zero_part), 0, 0);
    expect_current(2);
}

/* Keywords are folded to upper case (docs/decisions.md F3): the same master key as upper case
 * would load. */
static void lower_case_keywords(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24];
    sc_part(p1, 130);
    last_part_for(p2, p1, 3);
    expect_codes(sc_mkp("clear", zero_part), 0, 0);
    expect_codes(sc_mkp("Sym-Mk first", p1), 0, 0);
    expect_codes(sc_mkp("lAsT", p2), 0, 0);
    expect_codes(sc_mkp("set", zero_part), 0, 0);
    expect_current(3);
}

/* A step the registers are not ready for: 8/707, and nothing changes. */
static void register_state_errors(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24];
    sc_part(p1, 140);
    sc_part(p2, 141);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    /* Empty new register: only FIRST, RANDOM and CLEAR apply. */
    expect_codes(sc_mkp("MIDDLE", p1), 8, 707);
    expect_codes(sc_mkp("LAST", p1), 8, 707);
    expect_codes(sc_mkp("SET", zero_part), 8, 707);
    /* Partially full: no second FIRST, no RANDOM, no SET. */
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("FIRST", p2), 8, 707);
    expect_codes(sc_mkp("RANDOM", zero_part), 8, 707);
    expect_codes(sc_mkp("SET", zero_part), 8, 707);
    /* Full: no more parts. */
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_mkp("MIDDLE", p1), 8, 707);
    expect_codes(sc_mkp("LAST", p1), 8, 707);
    expect_codes(sc_mkp("FIRST", p1), 8, 707);
    /* SET empties the new register: a second SET has nothing to set. */
    expect_codes(sc_mkp("SET", zero_part), 0, 0);
    expect_codes(sc_mkp("SET", zero_part), 8, 707);
    /* CLEAR works in every state. */
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
}

/* Setting the key that is already current: 8/704. */
static void set_same_key_again(void **state)
{
    (void)state;
    sc_load_master_key(150);
    unsigned char p1[24], p2[24];
    sc_part(p1, 150);
    sc_part(p2, 151);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_mkp("SET", zero_part), 8, 704);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
}

/* rule_array_count outside 1..3: 8/35. */
static void bad_rule_array_count(void **state)
{
    (void)state;
    const int32_t counts[] = {0, 4, 16, 17, -1, INT32_MIN, INT32_MAX};
    int32_t exit_len = 0;
    unsigned char rules[8 * 17];
    unsigned char part[24] = {0};
    for (size_t i = 0; i < sizeof rules; i += 8) sc_kw(rules + i, "CLEAR");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        sc_codes c = {-1, -1};
        int32_t count = counts[i];
        CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, rules, part);
        expect_codes(c, 8, 35);
    }
}

/* Keywords the verb does not know: 8/33. */
static void unknown_keywords(void **state)
{
    (void)state;
    expect_codes(sc_mkp("BOGUS", zero_part), 8, 33);
    expect_codes(sc_mkp("SYM-MK BOGUS", zero_part), 8, 33);
    expect_codes(sc_mkp("ASYM-MK CLEAR", zero_part), 8, 33);
    expect_codes(sc_mkp("CLEARX", zero_part), 8, 33);

    /* A NUL-padded keyword is not blank padded. */
    sc_codes c = {-1, -1};
    int32_t exit_len = 0, count = 1;
    unsigned char rules[8], part[24] = {0};
    memcpy(rules, "CLEAR\0\0\0", 8);
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, rules, part);
    expect_codes(c, 8, 33);

    /* Right-aligned is not left-aligned. */
    memcpy(rules, "   CLEAR", 8);
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, rules, part);
    expect_codes(c, 8, 33);
}

/* Two keywords of one group, or no process keyword: 8/34. */
static void conflicting_or_missing_keywords(void **state)
{
    (void)state;
    expect_codes(sc_mkp("CLEAR SET", zero_part), 8, 34);
    expect_codes(sc_mkp("CLEAR CLEAR", zero_part), 8, 34);
    expect_codes(sc_mkp("SYM-MK SYM-MK CLEAR", zero_part), 8, 34);
    expect_codes(sc_mkp("SYM-MK", zero_part), 8, 34);
    expect_codes(sc_mkp("ADAPTER SYM-MK", zero_part), 8, 34);
}

/* NULL return_code / reason_code: the verb still runs and writes neither (docs/decisions.md F10). */
static void null_rc_rs_tolerated(void **state)
{
    (void)state;
    int32_t count = 1;
    unsigned char rules[8];
    unsigned char p1[24];
    sc_part(p1, 160);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);

    sc_kw(rules, "FIRST");
    CSNBMKP(NULL, NULL, NULL, NULL, &count, rules, p1);
    /* It did run: the register now holds a part, so FIRST again is a state error. */
    expect_codes(sc_mkp("FIRST", p1), 8, 707);

    /* A failing call with NULL rc/rs must not crash either. */
    sc_kw(rules, "BOGUS");
    CSNBMKP(NULL, NULL, NULL, NULL, &count, rules, p1);
    int32_t rc = 99;
    sc_kw(rules, "CLEAR");
    CSNBMKP(&rc, NULL, NULL, NULL, &count, rules, p1);
    assert_int_equal(rc, 0);
    int32_t rs = 99;
    CSNBMKP(NULL, &rs, NULL, NULL, &count, rules, p1);
    assert_int_equal(rs, 0);
}

/* NULL key_part (read for every keyword), NULL rule array or count: 8/184. */
static void null_inputs(void **state)
{
    (void)state;
    sc_codes c = {-1, -1};
    int32_t exit_len = 0, count = 1;
    unsigned char rules[8];
    unsigned char part[24] = {0};

    sc_kw(rules, "CLEAR");
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, rules, NULL);
    expect_codes(c, 8, 184);

    c = (sc_codes){-1, -1};
    sc_kw(rules, "FIRST");
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, rules, NULL);
    expect_codes(c, 8, 184);

    c = (sc_codes){-1, -1};
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, &count, NULL, part);
    expect_codes(c, 8, 184);

    c = (sc_codes){-1, -1};
    CSNBMKP(&c.rc, &c.rs, &exit_len, NULL, NULL, rules, part);
    expect_codes(c, 8, 184);
}

/* A part without odd parity is accepted with warning 0/702. */
static void part_parity_warning(void **state)
{
    (void)state;
    unsigned char p1[24];
    sc_part(p1, 170);
    p1[5] ^= 0x01;
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 702);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
}

/* A full key with two equal 8-byte thirds: warning 0/701. */
static void duplicate_thirds_warning(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24], key[24];
    sc_part(p1, 180);
    sc_part(key, 181);
    memcpy(key + 8, key, 8);
    sc_part_for(p2, p1, key);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 0, 701);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
}

/* A full key with a weak DES third: 8/703, and the register keeps its partial key. */
static void weak_key_rejected(void **state)
{
    (void)state;
    unsigned char p1[24], p2[24], key[24];
    sc_part(p1, 190);
    sc_part(key, 191);
    sc_hex(key + 16, 8, "FEFEFEFEFEFEFEFE");
    sc_part_for(p2, p1, key);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 8, 703);
    /* Still partially full: SET cannot run, FIRST cannot start over. */
    expect_codes(sc_mkp("SET", zero_part), 8, 707);
    expect_codes(sc_mkp("FIRST", p1), 8, 707);
    expect_codes(sc_mkp("CLEAR", zero_part), 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_parts_then_set),
        cmocka_unit_test(middle_parts),
        cmocka_unit_test(random_then_set),
        cmocka_unit_test(optional_keywords),
        cmocka_unit_test(lower_case_keywords),
        cmocka_unit_test(register_state_errors),
        cmocka_unit_test(set_same_key_again),
        cmocka_unit_test(bad_rule_array_count),
        cmocka_unit_test(unknown_keywords),
        cmocka_unit_test(conflicting_or_missing_keywords),
        cmocka_unit_test(null_rc_rs_tolerated),
        cmocka_unit_test(null_inputs),
        cmocka_unit_test(part_parity_warning),
        cmocka_unit_test(duplicate_thirds_warning),
        cmocka_unit_test(weak_key_rejected),
    };
    return cmocka_run_group_tests_name("CSNBMKP", tests, sc_state_setup, sc_state_teardown);
}
