/*
 * CSUCINS (Inspect) and CSUCGLB (Get Label) through libsoftcca.so against pcscd and virtual
 * card 0 of `scripts/virtual-cards.sh run 3` (the top-level `make test-c` runs this suite under
 * it). The card's reader and CSN come from $SOFTCCA_VCARDS_DIR/cards.tsv; without it the tests
 * skip, unless CI is set (then they fail). Fullwords sit at odd addresses, as in COBOL.
 * Reader slot 3 ("Virtual PCD #1 00 01") stays empty.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSPECT_LEN 364
#define EMPTY_SLOT "Virtual PCD #1 00 01"

static char reader[129];
static char csn[33];

/* Reads card 0's reader and CSN; 0 when there are no virtual cards (skip). */
static int card0(void)
{
    const char *dir = getenv("SOFTCCA_VCARDS_DIR");
    if (dir == NULL) {
        if (getenv("CI") != NULL) fail_msg("CI is set but SOFTCCA_VCARDS_DIR is not");
        return 0;
    }
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/cards.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int found = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        int index, port;
        if (sscanf(line, "%d\t%d\t%128[^\t]\t%32[^\t]", &index, &port, reader, csn) == 4 &&
            index == 0) {
            found = 1;
            break;
        }
    }
    fclose(f);
    assert_true(found);
    return 1;
}

/* CSUCINS with an optional PIN; out[INSPECT_LEN + 8] starts as sentinel. */
static sc_codes inspect(const char *name, const char *pin, unsigned char *out, int32_t *len_out)
{
    sc_codes r = {-1, -1};
    sc_fullword count, pin_len, len;
    unsigned char field[128];
    unsigned char pin_bytes[16] = {0};
    sc_reader_field(field, name);
    if (pin != NULL) memcpy(pin_bytes, pin, strlen(pin));
    sc_fill_sentinel(out, INSPECT_LEN + 8);
    CSUCINS(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 1, 0), NULL, field,
            sc_fw(&pin_len, 3, pin == NULL ? 0 : (int32_t)strlen(pin)),
            pin == NULL ? NULL : pin_bytes, sc_fw(&len, 1, INSPECT_LEN + 8), out);
    *len_out = sc_fw_get(&len);
    return r;
}

static void inspect_record(void **state)
{
    (void)state;
    if (!card0()) skip();
    unsigned char out[INSPECT_LEN + 8];
    int32_t len;
    expect_codes(inspect(reader, NULL, out, &len), 0, 0);
    assert_int_equal(len, INSPECT_LEN);
    sc_field_is(out, 0, 66, "3B888001534F465443434131" "77"); /* the virtual card's ATR */
    sc_field_is(out, 66, 32, csn);
    sc_field_is(out, 194, 32, "no (one more PIN change allowed)");
    sc_field_is(out, 226, 4, "0006"); /* PIN SCR 00, MMPN 06 */
    sc_field_is(out, 230, 8, "EMPTY");
    sc_field_is(out, 295, 3, "N00");
    assert_true(sc_is_sentinel(out + INSPECT_LEN, 8));

    /* With the transport PIN the label is read (empty on a fresh card). */
    expect_codes(inspect(reader, "12345678", out, &len), 0, 0);
    sc_field_is(out, 295, 1, "Y");
}

static void inspect_errors_leave_outputs(void **state)
{
    (void)state;
    if (!card0()) skip();
    unsigned char out[INSPECT_LEN + 8];
    int32_t len;
    expect_codes(inspect(EMPTY_SLOT, NULL, out, &len), 8, 0xF120);
    assert_true(sc_is_sentinel(out, sizeof out));
    assert_int_equal(len, INSPECT_LEN + 8);
    expect_codes(inspect("No Such Reader", NULL, out, &len), 8, 0xF121);
    expect_codes(inspect(reader, "1234567", out, &len), 8, 0xF101);
    expect_codes(inspect(reader, "12345678*", out, &len), 8, 0xF101);
    assert_true(sc_is_sentinel(out, sizeof out));
}

static void get_label(void **state)
{
    (void)state;
    if (!card0()) skip();
    sc_codes r = {-1, -1};
    sc_fullword count, pin_len, len;
    unsigned char field[128], label[64];
    unsigned char pin[8];
    memcpy(pin, "12345678", 8);
    sc_reader_field(field, reader);
    sc_fill_sentinel(label, sizeof label);
    CSUCGLB(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 3, 0), NULL, field, sc_fw(&pin_len, 1, 8),
            pin, sc_fw(&len, 3, 64), label);
    expect_codes(r, 0, 0);
    assert_int_equal(sc_fw_get(&len), 0);
    sc_field_is(label, 0, 64, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inspect_record),
        cmocka_unit_test(inspect_errors_leave_outputs),
        cmocka_unit_test(get_label),
    };
    return cmocka_run_group_tests_name("CSUCINS", tests, sc_state_setup, sc_state_teardown);
}
