/*
 * pcu_demo: an EMV PIN change with softcca, from C.
 *
 *   1. loads a DEMO ONLY master key from two clear parts under dual control: key custodian
 *      CUST1 logs on (CSUALCT LOGON PPHRASE) and loads the first part (CSNBMKP CLEAR, FIRST),
 *      custodian CUST2 the last one, and sets the key (LAST, SET);
 *   2. imports the issuer master keys for the card's authentication code (IMK-AC) and for
 *      secure-messaging confidentiality (IMK-SMC), and a PIN key, each from two clear key
 *      parts, one per custodian: CUST1 loads the first parts (CSNBKTB skeleton, CSNBKPI
 *      FIRST), CUST2 the last ones (CSNBKPI LAST);
 *   3. CUST2 stores the three keys under CKDS labels (CSNBKRC, CSNBKRW) and logs off: the
 *      rest runs as an application on the DEFAULT role, which shows first that it cannot
 *      import a key part (CSNBKPI FIRST refused, 8/90);
 *   4. shows each key's check value (CSNBKYT ENC-ZERO) and compares it with the one on the
 *      custodians' forms;
 *   5. takes the card's new and current PIN as the PIN pad encrypted them (ISO-0 blocks under
 *      the IPINENC PIN key: the published test-set-1 blocks);
 *   6. builds the encrypted PIN message of the issuer script (CSNBPCU, VISAPCU2: new PIN and
 *      current PIN), naming every key by its label, and checks it against the published
 *      answer.
 *
 * Every key is a published TEST key: test set 1 of tests/vectors/README.md, anchored to
 * pyemv's HSM-checked vectors (tests/test_sm_hsm.py::test_vis_change_change_current_pin).
 * The card: PAN 1234567890123456, PAN sequence number 01, ATC FFFF, current PIN 8888, new PIN
 * 9999. The known answer is C29371CC36BA70C1EE671384F0D3A7B9 (tests/data/pcu.txt,
 * s9-set1-pcu2-ffff). Never use these keys, or the DEMO ONLY master key, for real cards.
 *
 * The state directory is $SOFTCCA_HOME (examples/demo.sh makes a fresh one and enrols the
 * profiles CUST1 and CUST2 in it with examples/c/demo_profiles.c first). Build:
 *   cc -std=c11 -I include -o pcu_demo examples/c/pcu_demo.c \
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

/* DEMO ONLY master-key parts (the same as keys_demo.c). Never use them for real keys. */
static const unsigned char DEMO_ONLY_MK_PART_1[24] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
};
static const unsigned char DEMO_ONLY_MK_PART_2[24] = {
    0xF1, 0xE0, 0xD3, 0xC2, 0xB5, 0xA4, 0x97, 0x86, 0x2A, 0x3B, 0x4C, 0x5D,
    0x6E, 0x7F, 0x80, 0x91, 0x4A, 0x5B, 0x6D, 0x7C, 0x8F, 0x9E, 0xA1, 0xB0,
};

/* One key as the custodians deliver it: type, two clear parts (part 1 XOR part 2 is the
 * test-set-1 (tests/vectors/README.md) key), and the check value on their forms (tests/data/kcv.txt: the key
 * encrypts eight zero bytes; the first 4 bytes). */
struct issuer_key {
    const char *label;
    const char *what;
    const char *key_type;                     /* CSNBKTB key type */
    const char *rules[3];                     /* CSNBKTB rule array (KEY-PART last) */
    unsigned char part_1[16], part_2[16];
    unsigned char kcv[4];
};

static const struct issuer_key KEYS[] = {
    /* FEDCBA9876543210 0123456789ABCDEF */
    {"ISSUER.MDK.AC", "IMK-AC  (authentication code)", "DKYGENKY", {"DKYL0", "DMAC", "KEY-PART"},
     {0x0E, 0xBA, 0x6B, 0x1F, 0x0B, 0xAB, 0xE6, 0x7F,
      0xA8, 0x4A, 0x0E, 0x0B, 0x5B, 0xB6, 0x7F, 0x01},
     {0xF0, 0x66, 0xD1, 0x87, 0x7D, 0xFF, 0xD4, 0x6F,
      0xA9, 0x69, 0x4B, 0x6C, 0xD2, 0x1D, 0xB2, 0xEE},
     {0x7B, 0x83, 0x58, 0x6D}},
    /* 1111111111111111 2222222222222222 */
    {"ISSUER.MDK.SMC", "IMK-SMC (PIN encryption)", "DKYGENKY", {"DKYL0", "DMPIN", "KEY-PART"},
     {0x2E, 0x56, 0xB8, 0x77, 0xB7, 0xC5, 0x05, 0x18,
      0xA6, 0x81, 0xF5, 0x1B, 0x8B, 0x5A, 0xCF, 0x99},
     {0x3F, 0x47, 0xA9, 0x66, 0xA6, 0xD4, 0x14, 0x09,
      0x84, 0xA3, 0xD7, 0x39, 0xA9, 0x78, 0xED, 0xBB},
     {0xD2, 0xB9, 0x1C, 0xC5}},
    /* 0123456789ABCDEF FEDCBA9876543210; IPINENC: the key of the PIN pad's blocks. Not
     * OPINENC: Clear PIN Encrypt with an OPINENC key plus CSNBPCU is a PIN-guessing oracle
     * (docs/CSNBPCU.md), which is why X'00BC' is off by default. */
    {"ISSUER.PIN.KEY", "PIN key (IPINENC)", "IPINENC", {"KEY-PART", NULL, NULL},
     {0xFD, 0x6B, 0x83, 0xCB, 0x67, 0xFD, 0x64, 0x86,
      0xDF, 0x91, 0xC2, 0x6E, 0xA2, 0x32, 0x16, 0x8A},
     {0xFC, 0x48, 0xC6, 0xAC, 0xEE, 0x56, 0xA9, 0x69,
      0x21, 0x4D, 0x78, 0xF6, 0xD4, 0x66, 0x24, 0x9A},
     {0x08, 0xD7, 0xB4, 0xFB}},
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

/* The published answer: test set 1 (tests/vectors/README.md), VISAPCU2, ATC FFFF (pyemv's HSM-checked value). */
static const unsigned char KNOWN_ANSWER[16] = {
    0xC2, 0x93, 0x71, 0xCC, 0x36, 0xBA, 0x70, 0xC1,
    0xEE, 0x67, 0x13, 0x84, 0xF0, 0xD3, 0xA7, 0xB9,
};

/* DEMO ONLY passphrases of the custodians (examples/c/demo_profiles.c enrols them). */
static const char *const DEMO_ONLY_CUST1_PASSPHRASE = "DEMO ONLY cust1 passphrase";
static const char *const DEMO_ONLY_CUST2_PASSPHRASE = "DEMO ONLY cust2 passphrase";

static int failures;

/* Prints one call's outcome; counts it as a failure unless it is want_rc/want_rs. */
static void report(const char *what, int32_t rc, int32_t rs, int32_t want_rc, int32_t want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("  %-4s %-26s rc=%d rs=%d\n", ok ? "OK" : "FAIL", what, (int)rc, (int)rs);
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

static void print_hex(const char *name, const unsigned char *b, size_t n)
{
    printf("       %-24s ", name);
    for (size_t i = 0; i < n; i++) printf("%02X", b[i]);
    printf("\n");
}

/* 1 when every byte has an odd number of one bits (DES key parity). */
static int odd_parity(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ones = 0;
        for (unsigned bit = 1; bit < 0x100; bit <<= 1) ones += (b[i] & bit) != 0;
        if (ones % 2 == 0) return 0;
    }
    return 1;
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
    char what[40];
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

static void mkp(const char *keyword, const unsigned char part[24])
{
    int32_t rc = -1, rs = -1, exit_len = 0, count = 1;
    unsigned char exit_data[4] = {0}, rule_array[8], key_part[24];
    pad(rule_array, sizeof rule_array, keyword);
    memcpy(key_part, part, sizeof key_part);
    CSNBMKP(&rc, &rs, &exit_len, exit_data, &count, rule_array, key_part);
    char what[40];
    snprintf(what, sizeof what, "CSNBMKP %s", keyword);
    report(what, rc, rs, 0, 0);
}

/* The warning CSNBKPI gives for `k`: 0/4 when the combined key lacks odd parity. */
static int32_t parity_warning(const struct issuer_key *k)
{
    /* The combined key of a published test key may lack odd parity (1111…2222 has even
     * parity): CSNBKPI accepts it with the parity warning 0/4. */
    unsigned char key[16];
    for (size_t i = 0; i < 16; i++) key[i] = (unsigned char)(k->part_1[i] ^ k->part_2[i]);
    int32_t want_rs = odd_parity(key, sizeof key) ? 0 : 4;
    memset(key, 0, sizeof key);
    return want_rs;
}

/* CSNBKTB: the KEY-PART skeleton token of `k`. */
static void skeleton(const struct issuer_key *k, unsigned char token[64])
{
    int32_t rc = -1, rs = -1, exit_len = 0, count = 0;
    unsigned char exit_data[4] = {0}, key_type[8], rule_array[3 * 8];
    unsigned char key_value[16] = {0}, reserved_1[4] = {0}, cv[16] = {0}, mkvp[8] = {0};
    char what[40];
    pad(key_type, sizeof key_type, k->key_type);
    while (count < 3 && k->rules[count] != NULL) {
        pad(rule_array + 8 * count, 8, k->rules[count]);
        count++;
    }
    CSNBKTB(&rc, &rs, &exit_len, exit_data, token, key_type, &count, rule_array, key_value,
            reserved_1, NULL, NULL, cv, NULL, NULL, NULL, mkvp);
    snprintf(what, sizeof what, "CSNBKTB %s", k->key_type);
    report(what, rc, rs, 0, 0);
}

/* CSNBKPI `step` (FIRST or LAST) with `clear_part` into `token`, expecting want_rc/want_rs. */
static void kpi(const char *step, const unsigned char clear_part[16], unsigned char token[64],
                int32_t want_rc, int32_t want_rs, const char *note)
{
    int32_t rc = -1, rs = -1, exit_len = 0, one = 1;
    unsigned char exit_data[4] = {0}, rule_array[8], part[16];
    char what[48];
    pad(rule_array, 8, step);
    memcpy(part, clear_part, sizeof part);
    CSNBKPI(&rc, &rs, &exit_len, exit_data, &one, rule_array, part, token);
    memset(part, 0, sizeof part);
    snprintf(what, sizeof what, "CSNBKPI %s%s", step, note);
    report(what, rc, rs, want_rc, want_rs);
}

/* Custodian 1: the skeleton of `k` and its first part (CSNBKPI FIRST). */
static void first_part(const struct issuer_key *k, unsigned char token[64])
{
    printf("   %s: %s\n", k->label, k->what);
    skeleton(k, token);
    int32_t want_rs = parity_warning(k);
    if (want_rs == 4) printf("       (this test key has even parity: warning 0/4 expected)\n");
    kpi("FIRST", k->part_1, token, 0, want_rs, "");
}

/* Custodian 2: the last part of `k` (CSNBKPI LAST), then CSNBKRC and CSNBKRW under its label. */
static void last_part(const struct issuer_key *k, unsigned char token[64])
{
    int32_t rc = -1, rs = -1, exit_len = 0;
    unsigned char exit_data[4] = {0}, label[64];
    printf("   %s\n", k->label);
    kpi("LAST", k->part_2, token, 0, parity_warning(k), "");
    pad(label, sizeof label, k->label);
    CSNBKRC(&rc, &rs, &exit_len, exit_data, label);
    report("CSNBKRC", rc, rs, 0, 0);
    CSNBKRW(&rc, &rs, &exit_len, exit_data, token, label);
    report("CSNBKRW", rc, rs, 0, 0);
}

/* CSNBKYT GENERATE KEY-ENCD ENC-ZERO on the label; compares with the custodians' value. */
static void check_value(const struct issuer_key *k)
{
    int32_t rc = -1, rs = -1, exit_len = 0, count = 3;
    unsigned char exit_data[4] = {0}, rule_array[24], label[64], value_1[8] = {0};
    unsigned char value_2[8] = {0};
    pad(rule_array, 8, "GENERATE");
    pad(rule_array + 8, 8, "KEY-ENCD");
    pad(rule_array + 16, 8, "ENC-ZERO");
    pad(label, sizeof label, k->label);
    CSNBKYT(&rc, &rs, &exit_len, exit_data, &count, rule_array, label, value_1, value_2);
    char what[40];
    snprintf(what, sizeof what, "CSNBKYT %s", k->label);
    report(what, rc, rs, 0, 0);
    if (rc != 0) return;
    printf("       check value %02X%02X%02X%02X: %s\n", value_2[0], value_2[1], value_2[2],
           value_2[3],
           memcmp(value_2, k->kcv, 4) == 0 ? "matches the custodians' forms" : "DIFFERS");
    if (memcmp(value_2, k->kcv, 4) != 0) failures++;
}

/* The card's PIN blocks as the PIN pad sent them: ISO-0 for PAN data 456789012345, encrypted
 * under ISSUER.PIN.KEY (test set 1 of tests/vectors/README.md; tests/data/pinblocks.txt s9-new and s9-cur). */
static const unsigned char NEW_PIN_BLOCK[8] = {0x27, 0x8C, 0xE4, 0x30, 0x8B, 0xF9, 0x84, 0x4D};
static const unsigned char CURRENT_PIN_BLOCK[8] = {0x00, 0xAC, 0x61, 0x59, 0x81, 0x37, 0x74, 0x0A};

int main(void)
{
    const char *home = getenv("SOFTCCA_HOME");
    printf("pcu_demo: EMV PIN change with softcca from C, state directory %s\n",
           home ? home : "(default: see docs/state.md)");

    printf("1. master key from two DEMO ONLY parts, one per key custodian (dual control)\n");
    static const unsigned char no_part[24];
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    mkp("CLEAR", no_part);
    mkp("FIRST", DEMO_ONLY_MK_PART_1);
    logoff();
    logon("CUST2", DEMO_ONLY_CUST2_PASSPHRASE);
    mkp("LAST", DEMO_ONLY_MK_PART_2);
    mkp("SET", no_part);
    logoff();

    printf("2-3. import three keys from two clear parts each (CUST1 the first, CUST2 the last\n"
           "     part of each), store them under labels (CUST2)\n");
    unsigned char tokens[NKEYS][64];
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    for (size_t i = 0; i < NKEYS; i++) first_part(&KEYS[i], tokens[i]);
    logoff();
    logon("CUST2", DEMO_ONLY_CUST2_PASSPHRASE);
    for (size_t i = 0; i < NKEYS; i++) last_part(&KEYS[i], tokens[i]);
    logoff();

    printf("   logged off: the rest runs on the DEFAULT role, as an application would\n");
    unsigned char refused[64];
    skeleton(&KEYS[NKEYS - 1], refused);
    kpi("FIRST", KEYS[NKEYS - 1].part_1, refused, 8, 90, " (DEFAULT)");
    printf("       refused as it should be: 8/90, X'001B' is not in the DEFAULT role: an\n"
           "       application cannot import a key of known value\n");

    printf("4. key check values\n");
    for (size_t i = 0; i < NKEYS; i++) check_value(&KEYS[i]);

    /* The card: PAN 1234567890123456, PSN 01. ISO-0 PAN data: the rightmost 12 digits
     * without the check digit. */
    static const unsigned char pan_data[12] = {'4', '5', '6', '7', '8', '9',
                                               '0', '1', '2', '3', '4', '5'};
    unsigned char new_block[8], current_block[8];
    printf("5. the new PIN (9999) and the current PIN (8888) from the PIN pad, ISO-0\n");
    memcpy(new_block, NEW_PIN_BLOCK, 8);
    memcpy(current_block, CURRENT_PIN_BLOCK, 8);
    print_hex("new PIN block", new_block, 8);
    print_hex("current PIN block", current_block, 8);

    printf("6. PIN change message: CSNBPCU TDES-XOR VISAPCU2, keys by label\n");
    /* key_generation_data: D = rightmost 16 digits of PAN || PSN, packed (EMV option A),
     * then the ATC of the card's last transaction. */
    unsigned char kgd[10] = {0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x01, 0xFF, 0xFF};
    int32_t rc = -1, rs = -1, exit_len = 0, count = 2, kgd_len = 10, len64 = 64;
    int32_t zero = 0, message_len = 16;
    unsigned char exit_data[4] = {0}, rule_array[16], auth[64], enc[64], pin_key[64];
    unsigned char profile[24], pan_new[12], pan_cur[12], out_profile[24], message[16] = {0};
    pad(rule_array, 8, "TDES-XOR");
    pad(rule_array + 8, 8, "VISAPCU2");
    pad(auth, sizeof auth, "ISSUER.MDK.AC");
    pad(enc, sizeof enc, "ISSUER.MDK.SMC");
    pad(pin_key, sizeof pin_key, "ISSUER.PIN.KEY");
    memcpy(profile, "ISO-0   NONE            ", 24);
    memcpy(pan_new, pan_data, 12);
    memcpy(pan_cur, pan_data, 12);
    memcpy(out_profile, "VISAPCU2NONE            ", 24);
    print_hex("key generation data", kgd, sizeof kgd);
    CSNBPCU(&rc, &rs, &exit_len, exit_data, &count, rule_array, &len64, auth, &len64, enc,
            &kgd_len, kgd, &len64, pin_key, new_block, profile, pan_new, &len64, pin_key,
            current_block, profile, pan_cur, &zero, NULL, out_profile, &message_len, message);
    report("CSNBPCU", rc, rs, 0, 0);
    if (rc == 0) {
        print_hex("PIN message", message, (size_t)message_len);
        if (message_len == 16 && memcmp(message, KNOWN_ANSWER, 16) == 0) {
            printf("  OK   PIN message matches the published answer\n");
        } else {
            print_hex("published answer", KNOWN_ANSWER, 16);
            printf("  FAIL PIN message differs from the published answer\n");
            failures++;
        }
    }

    if (failures) {
        printf("pcu_demo: %d check(s) FAILED\n", failures);
        return 1;
    }
    printf("pcu_demo: all calls returned the expected codes\n");
    return 0;
}
