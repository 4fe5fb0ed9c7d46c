/*
 * card_demo: an operator smart card through softcca's card verbs, from C.
 *
 *   1. lists the PC/SC readers (CSUCRDL ALL) and takes the first one holding a card, or the
 *      reader named by the first argument;
 *   2. Inspect (CSUCINS, no PIN): every field of the 364-byte Inspect record (docs/CSUCINS.md);
 *   3. a wrong PIN (Inspect with PIN 00000000): return/reason code 8/X'F1Cx', x = the
 *      presentations left before the card blocks; Inspect shows PIN SCR 01;
 *   4. Change PIN (CSUCCPN) needs the access-control point X'F030', which the DEFAULT role
 *      lacks: refused on DEFAULT (8/90, the card untouched); the card operator OPERATOR logs
 *      on (CSUALCT LOGON PPHRASE, role CUSTODY) and changes the transport PIN 12345678 to
 *      SOFTCCA1, an alphanumeric PIN that the ITU-T E.161 keypad maps to 76382221;
 *   5. Inspect again with the new PIN typed as digits (76382221): PIN Locked: yes (the one
 *      change is used: the PIN is sealed), PIN SCR 00, the label read;
 *   6. a second Change PIN, refused with 8/X'F185' (nothing compared or counted); OPERATOR
 *      logs off.
 *
 * It needs a card fresh from manufacture, format or Erase (transport PIN, one change allowed):
 * examples/demo.sh starts one with scripts/virtual-cards.sh, on a state file in the demo's
 * own directory. A physical card with the transport PIN works as well. The card's data is
 * docs/card-profile.md; the PINs are the profile's transport PIN and demo values. The state
 * directory ($SOFTCCA_HOME) must hold the profile OPERATOR of examples/c/demo_profiles.c.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include -o card_demo \
 *      examples/c/card_demo.c -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 *
 * Conventions (include/softcca.h): every parameter by reference; integers are int32_t;
 * keywords are 8 bytes blank padded; reader names 128 bytes blank padded; no NUL terminators.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softcca.h"

#define NAME_LEN 128
#define ENTRY_LEN 136
#define MAX_READERS 16
#define INSPECT_LEN 364

static const char TRANSPORT_PIN[] = "12345678";
static const char WRONG_PIN[] = "00000000";
static const char NEW_PIN[] = "SOFTCCA1";        /* E.161: 7 6 3 8 2 2 2 1 */
static const char NEW_PIN_DIGITS[] = "76382221";

/* DEMO ONLY passphrase of the card operator (examples/c/demo_profiles.c enrols it). */
static const char *const DEMO_ONLY_OPERATOR_PASSPHRASE = "DEMO ONLY operator passphrase";

static int failures;

static void check(const char *what, int32_t rc, int32_t rs, int32_t want_rc, int32_t want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("   %-44s rc=%d rs=%d (X'%04X')%s\n", what, rc, rs, (unsigned)rs,
           ok ? "" : "   FAIL: unexpected");
    if (!ok) failures++;
}

/* CSUALCT LOGON PPHRASE: the calling thread runs under the profile's role until LOGOFF. */
static void logon(const char *user, const char *passphrase)
{
    int32_t rc = -1, rs = -1, count = 2, zero = 0, len = (int32_t)strlen(passphrase);
    unsigned char rule_array[16], user_id[8];
    memcpy(rule_array, "LOGON   PPHRASE ", 16);
    memset(user_id, ' ', sizeof user_id);
    memcpy(user_id, user, strlen(user) < 8 ? strlen(user) : 8);
    CSUALCT(&rc, &rs, NULL, NULL, &count, rule_array, user_id, &zero, NULL, &len,
            (unsigned char *)passphrase);
    char what[40];
    snprintf(what, sizeof what, "CSUALCT LOGON %s", user);
    check(what, rc, rs, 0, 0);
}

/* CSUALCT LOGOFF: back to the DEFAULT role. */
static void logoff(void)
{
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char rule_array[8];
    memcpy(rule_array, "LOGOFF  ", 8);
    CSUALCT(&rc, &rs, NULL, NULL, &count, rule_array, NULL, NULL, NULL, NULL, NULL);
    check("CSUALCT LOGOFF", rc, rs, 0, 0);
}

/* A fixed field without its trailing blanks. */
static void field(const char *name, const unsigned char *rec, size_t offset, size_t len)
{
    size_t n = len;
    while (n > 0 && rec[offset + n - 1] == ' ') n--;
    printf("     %-15s %.*s\n", name, (int)n, (const char *)rec + offset);
}

/* CSUCINS; pin NULL: no PIN. Prints the record on success. */
static void inspect(const unsigned char reader[NAME_LEN], const char *pin, const char *what,
                    int32_t want_rc, int32_t want_rs)
{
    int32_t rc = -1, rs = -1, count = 0, len = INSPECT_LEN;
    int32_t pin_len = pin == NULL ? 0 : (int32_t)strlen(pin);
    unsigned char rec[INSPECT_LEN];
    unsigned char pin_bytes[16];
    unsigned char name[NAME_LEN];
    memcpy(name, reader, NAME_LEN);
    if (pin != NULL) memcpy(pin_bytes, pin, (size_t)pin_len);
    CSUCINS(&rc, &rs, NULL, NULL, &count, NULL, name, &pin_len, pin == NULL ? NULL : pin_bytes,
            &len, rec);
    check(what, rc, rs, want_rc, want_rs);
    if (rc != 0) return;
    field("ATR", rec, 0, 66);
    field("CSN", rec, 66, 32);
    field("Family", rec, 98, 32);
    field("Card Name", rec, 130, 32);
    field("Card OS", rec, 162, 16);
    field("Prog Ver", rec, 178, 2);
    field("Chip Ver", rec, 180, 2);
    field("LOCK1", rec, 182, 2);
    field("LOCK2", rec, 184, 2);
    field("Card Type", rec, 186, 8);
    field("PIN Locked", rec, 194, 32);
    field("PIN SCR", rec, 226, 2);
    field("MMPN", rec, 228, 2);
    field("Content", rec, 230, 8);
    if (memcmp(rec + 230, "EMPTY", 5) != 0) {
        field("Set id", rec, 238, 32);
        field("M", rec, 270, 3);
        field("N", rec, 273, 3);
        field("Index", rec, 276, 3);
        field("Check value", rec, 279, 16);
    }
    field("Label given", rec, 295, 1);
    if (rec[295] == 'Y') {
        field("Label length", rec, 296, 2);
        if (memcmp(rec + 296, "00", 2) == 0)
            printf("     %-15s %s\n", "Label", "(none)");
        else
            field("Label", rec, 298, 64);
    }
    field("Profile ver", rec, 362, 2);
}

static void change_pin(const unsigned char reader[NAME_LEN], const char *old_pin,
                       const char *new_pin, const char *what, int32_t want_rc, int32_t want_rs)
{
    int32_t rc = -1, rs = -1, count = 0;
    int32_t old_len = (int32_t)strlen(old_pin), new_len = (int32_t)strlen(new_pin);
    unsigned char name[NAME_LEN], old_bytes[16], new_bytes[16];
    memcpy(name, reader, NAME_LEN);
    memcpy(old_bytes, old_pin, (size_t)old_len);
    memcpy(new_bytes, new_pin, (size_t)new_len);
    CSUCCPN(&rc, &rs, NULL, NULL, &count, NULL, name, &old_len, old_bytes, &new_len, new_bytes);
    check(what, rc, rs, want_rc, want_rs);
}

int main(int argc, char **argv)
{
    unsigned char rules[8];
    unsigned char list[MAX_READERS * ENTRY_LEN];
    unsigned char reader[NAME_LEN];
    int32_t rc = -1, rs = -1, count = 1, readers = MAX_READERS;
    int chosen = -1;

    printf("   1. CSUCRDL ALL: the PC/SC readers\n");
    memcpy(rules, "ALL     ", 8);
    CSUCRDL(&rc, &rs, NULL, NULL, &count, rules, &readers, list);
    check("CSUCRDL ALL", rc, rs, 0, 0);
    if (rc != 0) return 1;
    memset(reader, ' ', NAME_LEN);
    if (argc > 1) {
        size_t n = strlen(argv[1]);
        if (n > NAME_LEN) n = NAME_LEN;
        memcpy(reader, argv[1], n);
    }
    for (int32_t i = 0; i < readers; i++) {
        const unsigned char *e = list + (size_t)i * ENTRY_LEN;
        size_t n = NAME_LEN;
        while (n > 0 && e[n - 1] == ' ') n--;
        printf("     %-40.*s %.8s\n", (int)n, (const char *)e, (const char *)e + NAME_LEN);
        int wanted = argc > 1 ? memcmp(e, reader, NAME_LEN) == 0
                              : memcmp(e + NAME_LEN, "PRESENT ", 8) == 0;
        if (chosen < 0 && wanted) chosen = (int)i;
    }
    if (chosen < 0) {
        printf("   FAIL: %s\n", argc > 1 ? "the reader named is not listed"
                                         : "no reader holds a card");
        return 1;
    }
    memcpy(reader, list + (size_t)chosen * ENTRY_LEN, NAME_LEN);
    {
        size_t n = NAME_LEN;
        while (n > 0 && reader[n - 1] == ' ') n--;
        printf("   the card in reader \"%.*s\"\n", (int)n, (const char *)reader);
    }

    printf("\n   2. CSUCINS Inspect, no PIN\n");
    inspect(reader, NULL, "CSUCINS (no PIN)", 0, 0);

    printf("\n   3. a wrong PIN (%s): the card counts it\n", WRONG_PIN);
    {
        int32_t wrc = -1, wrs = -1, c0 = 0, len = INSPECT_LEN;
        int32_t pin_len = (int32_t)strlen(WRONG_PIN);
        unsigned char rec[INSPECT_LEN], pin_bytes[8], name[NAME_LEN];
        memcpy(name, reader, NAME_LEN);
        memcpy(pin_bytes, WRONG_PIN, 8);
        CSUCINS(&wrc, &wrs, NULL, NULL, &c0, NULL, name, &pin_len, pin_bytes, &len, rec);
        int ok = wrc == 8 && (wrs & 0xFFF0) == 0xF1C0 && (wrs & 0xF) >= 1;
        printf("   %-44s rc=%d rs=%d (X'%04X')%s\n", "CSUCINS (wrong PIN)", wrc, wrs,
               (unsigned)wrs, ok ? "" : "   FAIL: unexpected");
        if (ok)
            printf("     wrong PIN: %d presentation(s) left before the card blocks\n",
                   wrs & 0xF);
        else
            failures++;
    }
    inspect(reader, NULL, "CSUCINS (no PIN): PIN SCR counts it", 0, 0);

    printf("\n   4. CSUCCPN Change PIN: transport PIN %s -> %s (E.161: %s)\n", TRANSPORT_PIN,
           NEW_PIN, NEW_PIN_DIGITS);
    change_pin(reader, TRANSPORT_PIN, NEW_PIN, "CSUCCPN (DEFAULT role: refused)", 8, 90);
    printf("     refused as it should be: X'F030' is not in the DEFAULT role; the card was\n"
           "     not touched\n");
    logon("OPERATOR", DEMO_ONLY_OPERATOR_PASSPHRASE);
    change_pin(reader, TRANSPORT_PIN, NEW_PIN, "CSUCCPN (transport PIN -> new PIN)", 0, 0);

    printf("\n   5. CSUCINS Inspect with the new PIN typed as digits (%s): sealed\n",
           NEW_PIN_DIGITS);
    inspect(reader, NEW_PIN_DIGITS, "CSUCINS (new PIN)", 0, 0);

    printf("\n   6. a second Change PIN: the one change is used\n");
    change_pin(reader, NEW_PIN_DIGITS, TRANSPORT_PIN, "CSUCCPN (second change)", 8, 0xF185);
    logoff();

    if (failures != 0) {
        printf("card_demo: %d call(s) FAILED\n", failures);
        return 1;
    }
    printf("card_demo: all calls returned the expected codes\n");
    return 0;
}
