/*
 * custody_demo: master-key custody on operator cards, from C (docs/custody.md,
 * docs/custody.md).
 *
 *   custody_demo setup [READER1 READER2 READER3]
 *     1. lists the PC/SC readers (CSUCRDL PRESENT) and takes the first three holding a card,
 *        or the three readers named;
 *     2. Create Server Master Key (CSUCSVK) 2 of 3: a new 256-bit SVMK, split so that any two
 *        of the three cards give it back, written card by card through the ceremony buffer
 *        (FIRST, NEXT, NEXT; the buffer's clear header says "card n of N");
 *     3. Bind Directory (CSUCBND) with cards 1 and 2: the state directory's master-key
 *        registers are from now on kept only sealed under the SVMK, which is held in the
 *        user's kernel keyring (activated);
 *     4. Deactivate (CSUADAC): a verb that needs the master key (CSNBMKP) now returns
 *        12/X'F270';
 *     5. Activate (CSUCACT) with one card (not enough: still 12/X'F270'), a wrong PIN on the
 *        second (refused, the ceremony goes on), then the right PIN: active again;
 *   custody_demo end
 *     6. Deactivate (CSUADAC) and show CSNBMKP refused: nothing of the demo stays in the
 *        keyring.
 *
 * examples/demo.sh runs `setup` on three fresh virtual cards (scripts/virtual-cards.sh run 3),
 * then examples/c/pcu_demo.c on the same, now bound and active, state directory (its master
 * key is loaded sealed, CSNBPCU gives the published answer), then `end`. Exit status 3: the
 * kernel keyring cannot be used here (12/X'F271'), nothing was bound.
 *
 * The cards must be empty (fresh, or erased) with the transport PIN 12345678.
 *
 * Access control (docs/access-control.md): the custody verbs need the points X'F020'-X'F028'
 * of the role CUSTODY, so the program logs on as the card operator OPERATOR (CSUALCT LOGON
 * PPHRASE) for them. CSNBMKP CLEAR, the probe of an active directory, is a key custodian's
 * (X'0032', role KEYCUST): each probe logs on as CUST1, clears, and logs on as OPERATOR again.
 * The state directory ($SOFTCCA_HOME) must hold the profiles of examples/c/demo_profiles.c.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -I include -o custody_demo \
 *      examples/c/custody_demo.c -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 *
 * Conventions (include/softcca.h): every parameter by reference; integers are int32_t;
 * keywords are 8 bytes blank padded; reader names 128 bytes blank padded; no NUL terminators.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "softcca.h"

#define NAME_LEN 128
#define ENTRY_LEN 136
#define MAX_READERS 16
#define CEREMONY_LEN 4096

static const char PIN[] = "12345678";
static const char WRONG_PIN[] = "00000000";

/* DEMO ONLY passphrases (examples/c/demo_profiles.c enrols the profiles). */
static const char *const DEMO_ONLY_OPERATOR_PASSPHRASE = "DEMO ONLY operator passphrase";
static const char *const DEMO_ONLY_CUST1_PASSPHRASE = "DEMO ONLY cust1 passphrase";

static int failures;

static int check(const char *what, int32_t rc, int32_t rs, int32_t want_rc, int32_t want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("   %-52s rc=%d rs=%d (X'%04X')%s\n", what, rc, rs, (unsigned)rs,
           ok ? "" : "   FAIL: unexpected");
    if (!ok) failures++;
    return ok;
}

/* The ceremony buffer's clear header: verb, phase, M, N, cards done (docs/custody.md §3). */
static void show_header(const unsigned char *buf)
{
    printf("     ceremony: %.8s %.8s kind %.4s M %.3s N %.3s done %.3s check value %.16s\n",
           (const char *)buf + 8, (const char *)buf + 16, (const char *)buf + 24,
           (const char *)buf + 28, (const char *)buf + 31, (const char *)buf + 34,
           (const char *)buf + 69);
}

/* One card of CSUCSVK (create == 1) or of CSUCBND / CSUCACT (verb "BND" / "ACT"). */
static void card_step(const char *verb, int first, const unsigned char reader[NAME_LEN],
                      const char *pin, const char *label, unsigned char *buf,
                      const char *what, int32_t want_rc, int32_t want_rs)
{
    int32_t rc = -1, rs = -1, count = 1, pin_len = (int32_t)strlen(pin);
    int32_t label_len = (int32_t)strlen(label), m = 2, n = 3, len = CEREMONY_LEN;
    unsigned char rules[8], name[NAME_LEN], pin_bytes[16], label_bytes[64];
    memcpy(rules, first ? "FIRST   " : "NEXT    ", 8);
    memcpy(name, reader, NAME_LEN);
    memcpy(pin_bytes, pin, (size_t)pin_len);
    memcpy(label_bytes, label, (size_t)label_len);
    if (strcmp(verb, "SVK") == 0)
        CSUCSVK(&rc, &rs, NULL, NULL, &count, rules, name, &pin_len, pin_bytes, &label_len,
                label_bytes, &m, &n, &len, buf);
    else if (strcmp(verb, "BND") == 0)
        CSUCBND(&rc, &rs, NULL, NULL, &count, rules, name, &pin_len, pin_bytes, &len, buf);
    else
        CSUCACT(&rc, &rs, NULL, NULL, &count, rules, name, &pin_len, pin_bytes, &len, buf);
    if (check(what, rc, rs, want_rc, want_rs) && rc == 0) show_header(buf);
}

/* CSUALCT LOGON PPHRASE: the calling thread runs under the profile's role (an earlier logon
 * of the thread ends). */
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

/* CSUADAC. */
static void deactivate(void)
{
    int32_t rc = -1, rs = -1, count = 0;
    CSUADAC(&rc, &rs, NULL, NULL, &count, NULL);
    check("CSUADAC (deactivate)", rc, rs, 0, 0);
}

/* CSNBMKP CLEAR (clears the new-master-key register): a verb that needs an active SVMK, and
 * a key custodian: CUST1 logs on for it, then OPERATOR again. */
static void master_key_verb(int32_t want_rc, int32_t want_rs)
{
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char rules[8], part[24] = {0};
    memcpy(rules, "CLEAR   ", 8);
    CSNBMKP(&rc, &rs, NULL, NULL, &count, rules, part);
    check(want_rc == 0 ? "CSNBMKP CLEAR (works: active)" : "CSNBMKP CLEAR (refused: inactive)",
          rc, rs, want_rc, want_rs);
    logon("OPERATOR", DEMO_ONLY_OPERATOR_PASSPHRASE);
}

/* The three readers named in `names` (NULL: the first three holding a card). */
static int three_readers(unsigned char readers[3][NAME_LEN], char **names)
{
    unsigned char rules[8], list[MAX_READERS * ENTRY_LEN];
    int32_t rc = -1, rs = -1, count = 1, n = MAX_READERS, found = 0;
    memcpy(rules, "PRESENT ", 8);
    CSUCRDL(&rc, &rs, NULL, NULL, &count, rules, &n, list);
    if (!check("CSUCRDL PRESENT", rc, rs, 0, 0)) return 0;
    for (int k = 0; k < 3; k++) {
        /* Card k + 1: the reader named, or the (k + 1)-th reader holding a card. */
        for (int32_t i = 0, seen = 0; i < n && found == k; i++) {
            const unsigned char *e = list + (size_t)i * ENTRY_LEN;
            size_t len = NAME_LEN;
            while (len > 0 && e[len - 1] == ' ') len--;
            int wanted = names != NULL
                             ? strlen(names[k]) == len && memcmp(e, names[k], len) == 0
                             : seen++ == k;
            if (!wanted) continue;
            printf("     card %d in \"%.*s\"\n", k + 1, (int)len, (const char *)e);
            memcpy(readers[found++], e, NAME_LEN);
        }
    }
    if (found < 3) {
        printf("   FAIL: %d reader(s) hold a card; three are needed\n", (int)found);
        return 0;
    }
    return 1;
}

static int setup(char **names)
{
    unsigned char readers[3][NAME_LEN];
    static unsigned char buf[CEREMONY_LEN];
    char label[32];

    printf("   the card operator logs on for the custody verbs (role CUSTODY)\n");
    logon("OPERATOR", DEMO_ONLY_OPERATOR_PASSPHRASE);

    printf("   1. the readers\n");
    if (!three_readers(readers, names)) return 1;

    printf("   2. CSUCSVK: a new SVMK, 2 of 3, one card per call\n");
    for (int i = 0; i < 3; i++) {
        char what[64];
        snprintf(label, sizeof label, "DEMO SVMK CUSTODIAN %d", i + 1);
        snprintf(what, sizeof what, "CSUCSVK %s card %d of 3", i == 0 ? "FIRST" : "NEXT ", i + 1);
        card_step("SVK", i == 0, readers[i], PIN, label, buf, what, 0, 0);
    }

    printf("   3. CSUCBND: bind the state directory with cards 1 and 2\n");
    card_step("BND", 1, readers[0], PIN, "", buf, "CSUCBND FIRST card 1", 0, 0);
    {
        int32_t rc = -1, rs = -1, count = 1, pin_len = 8, len = CEREMONY_LEN;
        unsigned char rules[8], name[NAME_LEN], pin_bytes[8];
        memcpy(rules, "NEXT    ", 8);
        memcpy(name, readers[1], NAME_LEN);
        memcpy(pin_bytes, PIN, 8);
        CSUCBND(&rc, &rs, NULL, NULL, &count, rules, name, &pin_len, pin_bytes, &len, buf);
        if (rc == 12 && rs == 0xF271) {
            printf("   skipped: the kernel keyring cannot be used here (12/X'F271'); nothing was"
                   " bound\n");
            return 3;
        }
        if (check("CSUCBND NEXT card 2 (bound and active)", rc, rs, 0, 0)) show_header(buf);
    }
    master_key_verb(0, 0);

    printf("   4. CSUADAC: deactivate\n");
    deactivate();
    master_key_verb(12, 0xF270);

    printf("   5. CSUCACT: activate with cards 3 and 1\n");
    card_step("ACT", 1, readers[2], PIN, "", buf, "CSUCACT FIRST card 3", 0, 0);
    master_key_verb(12, 0xF270);
    card_step("ACT", 0, readers[0], WRONG_PIN, "", buf, "CSUCACT NEXT card 1, wrong PIN", 8,
              0xF1C6);
    card_step("ACT", 0, readers[0], PIN, "", buf, "CSUCACT NEXT card 1 (active)", 0, 0);
    master_key_verb(0, 0);
    logoff();
    return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    int status;
    if ((argc == 2 || argc == 5) && strcmp(argv[1], "setup") == 0) {
        status = setup(argc == 5 ? argv + 2 : NULL);
    } else if (argc == 2 && strcmp(argv[1], "end") == 0) {
        printf("   6. CSUADAC: deactivate at the end of the demo (as OPERATOR)\n");
        logon("OPERATOR", DEMO_ONLY_OPERATOR_PASSPHRASE);
        deactivate();
        master_key_verb(12, 0xF270);
        logoff();
        status = failures == 0 ? 0 : 1;
    } else {
        fprintf(stderr, "usage: %s setup [READER1 READER2 READER3] | end\n", argv[0]);
        return 2;
    }
    if (status == 0) printf("custody_demo: all calls returned the expected codes\n");
    return status;
}
