/*
 * keys_demo: softcca from C.
 *
 *   0. shows that a program that has not logged on (role DEFAULT) cannot touch the master key
 *      (CSNBMKP CLEAR refused, 8/90);
 *   1. loads a DEMO ONLY master key from two clear parts under dual control: key custodian
 *      CUST1 logs on (CSUALCT) and loads the first part (CSNBMKP CLEAR, FIRST), custodian CUST2
 *      loads the last part and sets the key (LAST, SET);
 *   2. creates a CKDS record (CSNBKRC), as CUST2;
 *   3. writes a key token to it (CSNBKRW), logs off, and reads it back (CSNBKRR) as an
 *      application on the DEFAULT role;
 *   4. lists the records DEMO.* into a list file (CSNBKRL), on DEFAULT.
 *
 * The state directory is $SOFTCCA_HOME (examples/demo.sh makes a fresh one and enrols the
 * profiles CUST1 and CUST2 in it with examples/c/demo_profiles.c first). Build:
 *   cc -std=c11 -I include -o keys_demo examples/c/keys_demo.c \
 *      -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 *
 * Conventions (include/softcca.h): every parameter by reference; integers are int32_t;
 * keywords are 8 bytes blank padded; labels 64 bytes blank padded; no NUL terminators.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softcca.h"

/* DEMO ONLY master-key parts. Published in the softcca sources: never use them for real keys. */
static const unsigned char DEMO_ONLY_MK_PART_1[24] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
};
static const unsigned char DEMO_ONLY_MK_PART_2[24] = {
    0xF1, 0xE0, 0xD3, 0xC2, 0xB5, 0xA4, 0x97, 0x86, 0x2A, 0x3B, 0x4C, 0x5D,
    0x6E, 0x7F, 0x80, 0x91, 0x4A, 0x5B, 0x6D, 0x7C, 0x8F, 0x9E, 0xA1, 0xB0,
};

/* DEMO ONLY passphrases of the custodians (examples/c/demo_profiles.c enrols them). */
static const char *const DEMO_ONLY_CUST1_PASSPHRASE = "DEMO ONLY cust1 passphrase";
static const char *const DEMO_ONLY_CUST2_PASSPHRASE = "DEMO ONLY cust2 passphrase";

static int failures;

/* Prints one call's outcome and counts it as a failure unless it is want_rc/want_rs. */
static void report(const char *what, int32_t rc, int32_t rs, int32_t want_rc, int32_t want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("  %-4s %-22s rc=%d rs=%d\n", ok ? "OK" : "FAIL", what, (int)rc, (int)rs);
    if (!ok) {
        printf("       expected rc=%d rs=%d\n", (int)want_rc, (int)want_rs);
        failures++;
    }
}

/* Copies text into a blank-padded field of `width` bytes (no NUL). */
static void pad(unsigned char *field, size_t width, const char *text)
{
    size_t n = strlen(text);
    memset(field, ' ', width);
    memcpy(field, text, n < width ? n : width);
}

/* CSUALCT LOGON PPHRASE: the calling thread runs under the profile's role until LOGOFF. */
static void logon(const char *user, const char *passphrase)
{
    int32_t rc = -1, rs = -1, count = 2, zero = 0, len = (int32_t)strlen(passphrase);
    unsigned char rule_array[16], user_id[8];
    pad(rule_array, 8, "LOGON");
    pad(rule_array + 8, 8, "PPHRASE");
    pad(user_id, sizeof user_id, user);
    CSUALCT(&rc, &rs, NULL, NULL, &count, rule_array, user_id, &zero, NULL, &len,
            (unsigned char *)passphrase);
    char what[32];
    snprintf(what, sizeof what, "CSUALCT LOGON %s", user);
    report(what, rc, rs, 0, 0);
}

/* CSUALCT LOGOFF: back to the DEFAULT role. */
static void logoff(void)
{
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char rule_array[8];
    pad(rule_array, sizeof rule_array, "LOGOFF");
    CSUALCT(&rc, &rs, NULL, NULL, &count, rule_array, NULL, NULL, NULL, NULL, NULL);
    report("CSUALCT LOGOFF", rc, rs, 0, 0);
}

static void mkp_expect(const char *keyword, const unsigned char part[24], int32_t want_rc,
                       int32_t want_rs, const char *note)
{
    int32_t rc = -1, rs = -1, exit_len = 0, count = 1;
    unsigned char exit_data[4] = {0}, rule_array[8], key_part[24];
    pad(rule_array, sizeof rule_array, keyword);
    memcpy(key_part, part, sizeof key_part);
    CSNBMKP(&rc, &rs, &exit_len, exit_data, &count, rule_array, key_part);
    char what[48];
    snprintf(what, sizeof what, "CSNBMKP %s%s", keyword, note);
    report(what, rc, rs, want_rc, want_rs);
}

static void mkp(const char *keyword, const unsigned char part[24])
{
    mkp_expect(keyword, part, 0, 0, "");
}

static void print_hex(const char *name, const unsigned char *b, size_t n)
{
    printf("       %s ", name);
    for (size_t i = 0; i < n; i++) printf("%02X", b[i]);
    printf("\n");
}

int main(void)
{
    const char *home = getenv("SOFTCCA_HOME");
    printf("keys_demo: softcca called from C, state directory %s\n",
           home ? home : "(default: see docs/decisions.md F14)");

    static const unsigned char no_part[24];
    printf("0. not logged on (role DEFAULT): applications use keys, they do not manage them\n");
    mkp_expect("CLEAR", no_part, 8, 90, " (DEFAULT)");
    printf("       refused as it should be: 8/90, X'0032' is not in the DEFAULT role\n");

    printf("1. master key from two DEMO ONLY parts, one per key custodian (dual control)\n");
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    mkp("CLEAR", no_part);
    mkp("FIRST", DEMO_ONLY_MK_PART_1);
    logoff();
    logon("CUST2", DEMO_ONLY_CUST2_PASSPHRASE);
    mkp("LAST", DEMO_ONLY_MK_PART_2);
    mkp("SET", no_part);

    int32_t rc, rs, exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char label[64];
    pad(label, sizeof label, "DEMO.C.DATAKEY");
    printf("2. create record DEMO.C.DATAKEY (CUST2: X'F010' is a custodian's point)\n");
    CSNBKRC(&rc, &rs, &exit_len, exit_data, label);
    report("CSNBKRC", rc, rs, 0, 0);

    /* A key-less internal DATA token (what Key Token Build makes): type X'01', flag X'40',
     * double-length DATA control vector at offset 32, token validation value at offset 60. */
    unsigned char token[64] = {0}, back[64];
    static const unsigned char data_cv[16] = {
        0x00, 0x00, 0x7D, 0x00, 0x03, 0x41, 0x00, 0x00,
        0x00, 0x00, 0x7D, 0x00, 0x03, 0x21, 0x00, 0x00,
    };
    token[0] = 0x01;
    token[6] = 0x40;
    memcpy(token + 32, data_cv, sizeof data_cv);
    uint32_t tvv = 0;
    for (size_t i = 0; i < 60; i += 4) {
        tvv += (uint32_t)token[i] << 24 | (uint32_t)token[i + 1] << 16 |
               (uint32_t)token[i + 2] << 8 | token[i + 3];
    }
    for (int i = 0; i < 4; i++) token[60 + i] = (unsigned char)(tvv >> (24 - 8 * i));

    printf("3. write a DATA key token to the record, log off, read it back on DEFAULT\n");
    CSNBKRW(&rc, &rs, &exit_len, exit_data, token, label);
    report("CSNBKRW", rc, rs, 0, 0);
    logoff();
    memset(back, 0, sizeof back);
    CSNBKRR(&rc, &rs, &exit_len, exit_data, label, back);
    report("CSNBKRR", rc, rs, 0, 0);
    print_hex("token", back, sizeof back);
    if (memcmp(back, token, sizeof token) == 0) {
        printf("  OK   token read back equals token written\n");
    } else {
        printf("  FAIL token read back differs\n");
        failures++;
    }

    printf("4. list the records DEMO.*\n");
    int32_t name_len = 0;
    unsigned char pattern[64], name[64], server[8];
    pad(pattern, sizeof pattern, "DEMO.*");
    CSNBKRL(&rc, &rs, &exit_len, exit_data, pattern, &name_len, name, server);
    report("CSNBKRL", rc, rs, 0, 0);
    if (rc == 0 && name_len > 0 && name_len <= 64) {
        printf("       list file %.*s\n", (int)name_len, (const char *)name);
    }

    if (failures) {
        printf("keys_demo: %d call(s) FAILED\n", failures);
        return 1;
    }
    printf("keys_demo: all calls returned the expected codes\n");
    return 0;
}
