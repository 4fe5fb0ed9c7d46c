/*
 * Key-record verbs over the CKDS: CSNBKRC (create), CSNBKRW (write), CSNBKRR (read),
 * CSNBKRD (delete: TOKEN-DL, LABEL-DL, wildcards) and CSNBKRL (list file).
 *
 * Every test uses labels under its own first name token, so tests do not see each other's
 * records in the shared state directory.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char null_token[64];

/* A new record holds a null token: KRR reports 0/8 and returns 64 zero bytes. */
static void create_then_read_null(void **state)
{
    (void)state;
    unsigned char token[64];
    expect_codes(sc_krc("KRC.NEW"), 0, 0);
    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("KRC.NEW", token), 0, 8);
    assert_memory_equal(token, null_token, 64);
}

/* Labels of every allowed shape. */
static void label_shapes_accepted(void **state)
{
    (void)state;
    const char *ok[] = {
        "SHAPE",
        "SHAPE.A1",
        "SHAPE.#$@.X",
        "SHAPE.B.C.D.E.F.G",
        "SHAPE.ABCDEFGH",
        "SHAPE.ABCDEFGH.ABCDEFGH.ABCDEFGH.ABCDEFGH.ABCDEFGH.ABCDEFGH",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        expect_codes(sc_krc(ok[i]), 0, 0);
    }
}

/* A second create of the same label: 8/44. */
static void duplicate_label(void **state)
{
    (void)state;
    expect_codes(sc_krc("DUP.KEY"), 0, 0);
    expect_codes(sc_krc("DUP.KEY"), 8, 44);
}

/* Label syntax errors: 8/32 from every verb that takes a label. */
static void label_syntax(void **state)
{
    (void)state;
    const char *bad[] = {
        "",              /* all blanks */
        "1ABC",          /* numeric first character */
        "lower.case",    /* labels are not folded */
        "A..B",          /* empty name token */
        ".ABC",
        "ABC.",
        "ABCDEFGHI",     /* name token of 9 characters */
        "A.B.C.D.E.F.G.H", /* 8 name tokens */
        "A-B",           /* not a label character */
        "A B",           /* embedded blank */
        "A*",            /* wildcards only in patterns */
    };
    unsigned char token[64], skeleton[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        snprintf(what, sizeof what, "CSNBKRC/KRW/KRR label \"%s\"", bad[i]);
        sc_check_codes(what, sc_krc(bad[i]), 8, 32, __FILE__, __LINE__);
        sc_check_codes(what, sc_krw(skeleton, bad[i]), 8, 32, __FILE__, __LINE__);
        sc_fill_sentinel(token, sizeof token);
        sc_check_codes(what, sc_krr(bad[i], token), 8, 32, __FILE__, __LINE__);
        assert_true(sc_is_sentinel(token, sizeof token));
    }
    /* A first byte of X'FF' is neither a token nor a label. */
    sc_codes c = {-1, -1};
    unsigned char l[64];
    sc_label(l, "FF");
    l[0] = 0xFF;
    CSNBKRC(&c.rc, &c.rs, NULL, NULL, l);
    expect_codes(c, 8, 32);
}

/* Reading, writing or deleting a label that has no record: 8/10012. */
static void not_found(void **state)
{
    (void)state;
    unsigned char token[64], skeleton[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("MISSING.KEY", token), 8, 10012);
    assert_true(sc_is_sentinel(token, sizeof token));
    expect_codes(sc_krw(skeleton, "MISSING.KEY"), 8, 10012);
    expect_codes(sc_krd("", "MISSING.KEY"), 8, 10012);
    expect_codes(sc_krd("TOKEN-DL", "MISSING.KEY"), 8, 10012);
    expect_codes(sc_krd("LABEL-DL", "MISSING.KEY"), 8, 10012);
}

/* A token written with KRW reads back byte for byte; a null token can be written too. */
static void write_then_read_back(void **state)
{
    (void)state;
    unsigned char skeleton[64], token[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    expect_codes(sc_krc("RW.DATA"), 0, 0);
    expect_codes(sc_krw(skeleton, "RW.DATA"), 0, 0);
    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("RW.DATA", token), 0, 0);
    assert_memory_equal(token, skeleton, 64);

    expect_codes(sc_krw(null_token, "RW.DATA"), 0, 0);
    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("RW.DATA", token), 0, 8);
    assert_memory_equal(token, null_token, 64);
}

/* KRW stores only null or valid internal tokens; a rejected write changes nothing. */
static void write_rejects_bad_tokens(void **state)
{
    (void)state;
    unsigned char skeleton[64], bad[64], token[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    expect_codes(sc_krc("RWBAD.KEY"), 0, 0);
    expect_codes(sc_krw(skeleton, "RWBAD.KEY"), 0, 0);

    memcpy(bad, skeleton, 64);
    bad[63] ^= 0x01; /* TVV */
    expect_codes(sc_krw(bad, "RWBAD.KEY"), 8, 12);

    memcpy(bad, skeleton, 64);
    bad[0] = 0x02; /* external token */
    expect_codes(sc_krw(bad, "RWBAD.KEY"), 8, 154);

    memcpy(bad, skeleton, 64);
    bad[4] = 0x05; /* version */
    expect_codes(sc_krw(bad, "RWBAD.KEY"), 8, 49);

    sc_fill_sentinel(token, sizeof token);
    expect_codes(sc_krr("RWBAD.KEY", token), 0, 0);
    assert_memory_equal(token, skeleton, 64);
}

/* TOKEN-DL (the default) nulls the token and keeps the record. */
static void token_delete(void **state)
{
    (void)state;
    unsigned char skeleton[64], token[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    expect_codes(sc_krc("TDL.ONE"), 0, 0);
    expect_codes(sc_krc("TDL.TWO"), 0, 0);
    expect_codes(sc_krw(skeleton, "TDL.ONE"), 0, 0);
    expect_codes(sc_krw(skeleton, "TDL.TWO"), 0, 0);

    expect_codes(sc_krd("", "TDL.ONE"), 0, 0); /* rule_array_count 0 */
    expect_codes(sc_krr("TDL.ONE", token), 0, 8);
    assert_memory_equal(token, null_token, 64);

    expect_codes(sc_krd("TOKEN-DL", "TDL.TWO"), 0, 0);
    expect_codes(sc_krr("TDL.TWO", token), 0, 8);
    assert_memory_equal(token, null_token, 64);

    /* The records are still there. */
    expect_codes(sc_krc("TDL.ONE"), 8, 44);
}

/* LABEL-DL removes the record; the label can then be created again. */
static void label_delete(void **state)
{
    (void)state;
    unsigned char token[64];
    expect_codes(sc_krc("LDL.KEY"), 0, 0);
    expect_codes(sc_krd("LABEL-DL", "LDL.KEY"), 0, 0);
    expect_codes(sc_krr("LDL.KEY", token), 8, 10012);
    expect_codes(sc_krd("LABEL-DL", "LDL.KEY"), 8, 10012);
    expect_codes(sc_krc("LDL.KEY"), 0, 0);
    expect_codes(sc_krd("label-dl", "LDL.KEY"), 0, 0); /* keywords fold */
    expect_codes(sc_krr("LDL.KEY", token), 8, 10012);
}

/* A label with one '*' deletes every matching record; no match is 4/158. */
static void wildcard_delete(void **state)
{
    (void)state;
    unsigned char skeleton[64], token[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    const char *labels[] = {"WILD.A", "WILD.B", "WILD.C.D", "WILDER.X", "TAME.WILD"};
    for (size_t i = 0; i < 5; i++) {
        expect_codes(sc_krc(labels[i]), 0, 0);
        expect_codes(sc_krw(skeleton, labels[i]), 0, 0);
    }

    /* TOKEN-DL with a wildcard nulls the matching tokens only. */
    expect_codes(sc_krd("TOKEN-DL", "WILD.C*"), 0, 0);
    expect_codes(sc_krr("WILD.C.D", token), 0, 8);
    expect_codes(sc_krr("WILD.A", token), 0, 0);

    /* LABEL-DL with a wildcard removes WILD.A, WILD.B, WILD.C.D; WILDER.X does not match. */
    expect_codes(sc_krd("LABEL-DL", "WILD.*"), 0, 0);
    expect_codes(sc_krr("WILD.A", token), 8, 10012);
    expect_codes(sc_krr("WILD.B", token), 8, 10012);
    expect_codes(sc_krr("WILD.C.D", token), 8, 10012);
    expect_codes(sc_krr("WILDER.X", token), 0, 0);
    expect_codes(sc_krr("TAME.WILD", token), 0, 0);

    /* Nothing left to match. */
    expect_codes(sc_krd("LABEL-DL", "WILD.*"), 4, 158);
    expect_codes(sc_krd("TOKEN-DL", "NOSUCH*"), 4, 158);

    /* '*' in the middle of a pattern. */
    expect_codes(sc_krd("LABEL-DL", "*.WILD"), 0, 0);
    expect_codes(sc_krr("TAME.WILD", token), 8, 10012);
    expect_codes(sc_krr("WILDER.X", token), 0, 0);

    /* Two wildcards, or a bad character: 8/32. */
    expect_codes(sc_krd("LABEL-DL", "W*L*"), 8, 32);
    expect_codes(sc_krd("LABEL-DL", "W-*"), 8, 32);
}

/* KRD rule array: 0 or 1 keyword of TOKEN-DL / LABEL-DL. */
static void delete_rule_array(void **state)
{
    (void)state;
    expect_codes(sc_krc("KRDRULE.KEY"), 0, 0);
    expect_codes(sc_krd("BOGUS", "KRDRULE.KEY"), 8, 33);
    expect_codes(sc_krd("TOKEN-DL LABEL-DL", "KRDRULE.KEY"), 8, 35);

    sc_codes c = {-1, -1};
    int32_t count = -1;
    unsigned char rules[8], l[64];
    sc_kw(rules, "LABEL-DL");
    sc_label(l, "KRDRULE.KEY");
    CSNBKRD(&c.rc, &c.rs, NULL, NULL, &count, rules, l);
    expect_codes(c, 8, 35);

    /* A token is not a label: KRD deletes from key storage only. */
    unsigned char skeleton[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    count = 0;
    c = (sc_codes){-1, -1};
    CSNBKRD(&c.rc, &c.rs, NULL, NULL, &count, NULL, skeleton);
    expect_codes(c, 8, 32);

    /* The record survived all of that. */
    expect_codes(sc_krc("KRDRULE.KEY"), 8, 44);
}

/* The list file: 154-byte header, one 154-byte detail record per match. */
static void list_file(void **state)
{
    (void)state;
    unsigned char skeleton[64];
    sc_skeleton_token(skeleton, SC_CV_DATA_DOUBLE);
    expect_codes(sc_krc("LIST.A"), 0, 0);
    expect_codes(sc_krc("LIST.B.DATA"), 0, 0);
    expect_codes(sc_krc("LIST.C"), 0, 0);
    expect_codes(sc_krc("LISTX.D"), 0, 0);
    expect_codes(sc_krw(skeleton, "LIST.B.DATA"), 0, 0);

    int32_t name_len = -1;
    unsigned char name[64], server[8];
    sc_fill_sentinel(name, sizeof name);
    sc_fill_sentinel(server, sizeof server);
    expect_codes(sc_krl("LIST.*", &name_len, name, server), 0, 0);

    /* data_set_name: the path, blank padded; its length; server name blanks. */
    assert_true(name_len > 0 && name_len <= 64);
    for (int32_t i = name_len; i < 64; i++) assert_int_equal(name[i], ' ');
    for (int i = 0; i < 8; i++) assert_int_equal(server[i], ' ');
    char path[65];
    memcpy(path, name, (size_t)name_len);
    path[name_len] = '\0';
    print_message("list file %s\n", path);
    char expected_prefix[128];
    snprintf(expected_prefix, sizeof expected_prefix, "%s/deslist/KYRLT", sc_state_dir());
    assert_int_equal(strncmp(path, expected_prefix, strlen(expected_prefix)), 0);
    assert_string_equal(path + strlen(path) - 4, ".LST");

    size_t len = 0;
    unsigned char *f = sc_read_file(path, &len);
    assert_non_null(f);
    assert_int_equal(len, 154 * 4);

    /* Header. */
    assert_memory_equal(f, "DES KEY-RECORD-LIST", 19);
    for (int i = 26; i < 45; i++) {
        const char *shape = "dddd-dd-dd dd:dd:dd";
        if (shape[i - 26] == 'd') assert_true(f[i] >= '0' && f[i] <= '9');
        else assert_int_equal(f[i], shape[i - 26]);
    }
    assert_memory_equal(f + 50, "3     ", 6);
    assert_memory_equal(f + 58, "154 154 ", 8);
    assert_memory_equal(f + 75, "\r\n", 2);
    assert_memory_equal(f + 77, "LIST.*", 6);
    assert_int_equal(f[83], ' ');
    assert_memory_equal(f + 152, "\r\n", 2);

    /* Detail records, sorted by label. */
    const char *labels[] = {"LIST.A", "LIST.B.DATA", "LIST.C"};
    for (int r = 0; r < 3; r++) {
        const unsigned char *d = f + 154 * (r + 1);
        assert_memory_equal(d + 3, labels[r], strlen(labels[r]));
        assert_int_equal(d[3 + strlen(labels[r])], ' ');
        assert_memory_equal(d + 75, "\r\n", 2);
        assert_memory_equal(d + 152, "\r\n", 2);
        const char *key_type = r == 1 ? "DATA    " : "NO-KEY  ";
        assert_memory_equal(d + 67, key_type, 8);
        assert_memory_equal(d + 133, "NO-KEY", 6);
    }
    free(f);

    /* A second list gets the next file name; no match gives a header-only file. */
    int32_t len2 = -1;
    unsigned char name2[64];
    expect_codes(sc_krl("NOMATCH.*", &len2, name2, server), 0, 0);
    assert_int_equal(len2, name_len);
    assert_memory_not_equal(name2, name, (size_t)name_len);
    memcpy(path, name2, (size_t)len2);
    path[len2] = '\0';
    f = sc_read_file(path, &len);
    assert_non_null(f);
    assert_int_equal(len, 154);
    assert_memory_equal(f + 50, "0     ", 6);
    free(f);

    /* An exact label lists one record. */
    expect_codes(sc_krl("LISTX.D", &len2, name2, server), 0, 0);
    memcpy(path, name2, (size_t)len2);
    path[len2] = '\0';
    f = sc_read_file(path, &len);
    assert_non_null(f);
    assert_int_equal(len, 2 * 154);
    free(f);
}

/* KRL errors leave every output as it was. */
static void list_errors(void **state)
{
    (void)state;
    int32_t name_len = 12345;
    unsigned char name[64], server[8];
    sc_fill_sentinel(name, sizeof name);
    sc_fill_sentinel(server, sizeof server);
    expect_codes(sc_krl("A**", &name_len, name, server), 8, 32);
    expect_codes(sc_krl("", &name_len, name, server), 8, 32);
    expect_codes(sc_krl("lower*", &name_len, name, server), 8, 32);
    assert_int_equal(name_len, 12345);
    assert_true(sc_is_sentinel(name, sizeof name));
    assert_true(sc_is_sentinel(server, sizeof server));

    /* NULL outputs: 8/184, checked before any work. */
    sc_codes c = {-1, -1};
    unsigned char l[64];
    sc_label(l, "LIST.*");
    CSNBKRL(&c.rc, &c.rs, NULL, NULL, l, NULL, name, server);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRL(&c.rc, &c.rs, NULL, NULL, l, &name_len, NULL, server);
    expect_codes(c, 8, 184);
    c = (sc_codes){-1, -1};
    CSNBKRL(&c.rc, &c.rs, NULL, NULL, l, &name_len, name, NULL);
    expect_codes(c, 8, 184);
    assert_int_equal(name_len, 12345);
    assert_true(sc_is_sentinel(name, sizeof name));
    assert_true(sc_is_sentinel(server, sizeof server));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_then_read_null),
        cmocka_unit_test(label_shapes_accepted),
        cmocka_unit_test(duplicate_label),
        cmocka_unit_test(label_syntax),
        cmocka_unit_test(not_found),
        cmocka_unit_test(write_then_read_back),
        cmocka_unit_test(write_rejects_bad_tokens),
        cmocka_unit_test(token_delete),
        cmocka_unit_test(label_delete),
        cmocka_unit_test(wildcard_delete),
        cmocka_unit_test(delete_rule_array),
        cmocka_unit_test(list_file),
        cmocka_unit_test(list_errors),
    };
    return cmocka_run_group_tests_name("CSNBKRC/KRW/KRR/KRD/KRL", tests, sc_state_setup,
                                       sc_state_teardown);
}
