/*
 * CSUCCPY (Copy Card) through libsoftcca.so against pcscd and virtual cards 1 and 2 of
 * `scripts/virtual-cards.sh run 3` (the top-level `make test-c` runs this suite under it;
 * test_csucins.c uses card 0). The source card gets its content and label from this test
 * itself, through libpcsclite and only the APDUs of docs/card-profile.md (SELECT, VERIFY,
 * PUT DATA 0102 and 0101): no softcca verb writes a content yet. Both cards keep the
 * transport PIN, so they share one PIN. Without $SOFTCCA_VCARDS_DIR the tests skip, unless CI
 * is set (then they fail). Fullwords sit at odd addresses, as in COBOL.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#define INSPECT_LEN 364
#define EMPTY_SLOT "Virtual PCD #1 00 01"

static char readers[3][129];

/* Reads the readers of cards 0-2; 0 when there are no virtual cards (skip). */
static int cards(void)
{
    const char *dir = getenv("SOFTCCA_VCARDS_DIR");
    if (dir == NULL) {
        if (getenv("CI") != NULL) fail_msg("CI is set but SOFTCCA_VCARDS_DIR is not");
        return 0;
    }
    char path[512], line[512], name[129], csn[33];
    snprintf(path, sizeof path, "%s/cards.tsv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int found = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        int index, port;
        if (sscanf(line, "%d\t%d\t%128[^\t]\t%32[^\t]", &index, &port, name, csn) == 4 &&
            index >= 0 && index < 3) {
            memcpy(readers[index], name, sizeof name);
            found++;
        }
    }
    fclose(f);
    assert_int_equal(found, 3);
    return 1;
}

/* One APDU through libpcsclite; returns SW1SW2 (fails the test on a transport error). */
static unsigned apdu(SCARDHANDLE card, const unsigned char *cmd, size_t len)
{
    unsigned char resp[258];
    DWORD n = sizeof resp;
    LONG rv = SCardTransmit(card, SCARD_PCI_T1, cmd, (DWORD)len, NULL, resp, &n);
    if (rv != SCARD_S_SUCCESS || n < 2) fail_msg("SCardTransmit: %lx", (unsigned long)rv);
    return (unsigned)resp[n - 2] << 8 | resp[n - 1];
}

/* The content object of docs/card-profile.md §6.3: a share 2 of 3, 32 secret bytes. */
static const unsigned char SET_ID[16] = {0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E,
                                         0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E, 0x5E};

/* Writes the share and the label "C-SET 2" onto the card in `reader` (transport PIN). */
static void provision(const char *reader)
{
    SCARDCONTEXT ctx;
    SCARDHANDLE card;
    DWORD proto;
    assert_int_equal(SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &ctx), SCARD_S_SUCCESS);
    assert_int_equal(SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &card,
                                  &proto),
                     SCARD_S_SUCCESS);
    static const unsigned char select[] = {0x00, 0xA4, 0x04, 0x0C, 0x09, 0xF0, 0x53, 0x4F,
                                           0x46, 0x54, 0x43, 0x43, 0x41, 0x01};
    static const unsigned char verify[] = {0x00, 0x20, 0x00, 0x81, 0x08, '1', '2',
                                           '3',  '4',  '5',  '6',  '7',  '8'};
    unsigned char put[5 + 75], *p = put + 5;
    memcpy(put, (unsigned char[]){0x00, 0xDA, 0x01, 0x02, 0x00}, 5);
    memcpy(p, (unsigned char[]){0xC1, 0x01, 0x02, 0xC2, 0x10}, 5), p += 5;
    memcpy(p, SET_ID, 16), p += 16;
    memcpy(p, (unsigned char[]){0xC3, 0x01, 0x02, 0xC4, 0x01, 0x03, 0xC5, 0x01, 0x02, 0xC6, 0x08},
           11),
        p += 11;
    memset(p, 0xC5, 8), p += 8;
    *p++ = 0xC7;
    *p++ = 0x20;
    memset(p, 0x3C, 32), p += 32;
    put[4] = (unsigned char)(p - put - 5);
    static const unsigned char label[] = {0x00, 0xDA, 0x01, 0x01, 0x07, 'C', '-', 'S', 'E', 'T',
                                          ' ',  '2'};
    assert_int_equal(apdu(card, select, sizeof select), 0x9000);
    assert_int_equal(apdu(card, verify, sizeof verify), 0x9000);
    assert_int_equal(apdu(card, put, (size_t)(p - put)), 0x9000);
    assert_int_equal(apdu(card, label, sizeof label), 0x9000);
    SCardDisconnect(card, SCARD_RESET_CARD);
    SCardReleaseContext(ctx);
}

static sc_codes copy(const char *source, const char *target, const char *pin)
{
    sc_codes r = {-1, -1};
    sc_fullword count, pin_len;
    unsigned char src[128], tgt[128], pin_bytes[16] = {0};
    sc_reader_field(src, source);
    sc_reader_field(tgt, target);
    memcpy(pin_bytes, pin, strlen(pin));
    CSUCCPY(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 1, 0), NULL, src, tgt,
            sc_fw(&pin_len, 3, (int32_t)strlen(pin)), pin_bytes);
    return r;
}

/* Inspect with the transport PIN (label included). */
static void inspect(const char *reader, unsigned char out[INSPECT_LEN])
{
    sc_codes r = {-1, -1};
    sc_fullword count, pin_len, len;
    unsigned char field[128], pin[8];
    memcpy(pin, "12345678", 8);
    sc_reader_field(field, reader);
    CSUCINS(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 1, 0), NULL, field, sc_fw(&pin_len, 3, 8),
            pin, sc_fw(&len, 1, INSPECT_LEN), out);
    expect_codes(r, 0, 0);
}

static void copy_then_refusals(void **state)
{
    (void)state;
    if (!cards()) skip();
    const char *src = readers[1], *tgt = readers[2];
    provision(src);
    unsigned char before[INSPECT_LEN], out[INSPECT_LEN];
    inspect(src, before);

    /* Refused before any card is written. */
    expect_codes(copy(src, src, "12345678"), 8, 0xF190);
    expect_codes(copy(src, "No Such Reader", "12345678"), 8, 0xF121);
    expect_codes(copy(src, EMPTY_SLOT, "12345678"), 8, 0xF120);
    expect_codes(copy(src, tgt, "1234567"), 8, 0xF101);
    expect_codes(copy(tgt, src, "12345678"), 8, 0xF199); /* the empty card as source */
    expect_codes(copy(src, tgt, "00000000"), 8, 0xF1C6); /* the source refuses the PIN */
    expect_codes(copy(src, tgt, "12345678"), 0, 0);

    /* The target now shows the source's content and label; the source is as it was. */
    inspect(tgt, out);
    sc_field_is(out, 230, 8, "SVMKSHR");
    sc_field_is(out, 238, 32, "5E5E5E5E5E5E5E5E5E5E5E5E5E5E5E5E");
    sc_field_is(out, 270, 9, "002003002"); /* M, N, index */
    sc_field_is(out, 279, 16, "C5C5C5C5C5C5C5C5");
    sc_field_is(out, 295, 10, "Y07C-SET 2");
    inspect(src, out);
    assert_memory_equal(out, before, INSPECT_LEN);

    /* Not erased any more: refused before the PIN, so a wrong PIN costs nothing. */
    expect_codes(copy(src, tgt, "00000000"), 8, 0xF198);
    inspect(tgt, out);
    sc_field_is(out, 226, 2, "00");

    /* Erase the target and give it another PIN: the target refuses, with its own code. */
    sc_codes r = {-1, -1};
    sc_fullword count, l1, l2;
    unsigned char field[128], old_pin[8], new_pin[8];
    memcpy(old_pin, "12345678", 8);
    memcpy(new_pin, "87654321", 8);
    sc_reader_field(field, tgt);
    CSUCERA(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 1, 0), NULL, field, sc_fw(&l1, 3, 8),
            old_pin);
    expect_codes(r, 0, 0);
    CSUCCPN(&r.rc, &r.rs, NULL, NULL, sc_fw(&count, 1, 0), NULL, field, sc_fw(&l1, 3, 8),
            old_pin, sc_fw(&l2, 1, 8), new_pin);
    expect_codes(r, 0, 0);
    expect_codes(copy(src, tgt, "12345678"), 8, 0xF196);
    inspect(src, out);
    assert_memory_equal(out, before, INSPECT_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copy_then_refusals),
    };
    return cmocka_run_group_tests_name("CSUCCPY", tests, sc_state_setup, sc_state_teardown);
}
