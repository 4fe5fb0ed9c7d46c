/*
 * pin_change_script: a Visa PIN change issuer script (EMV PIN CHANGE/UNBLOCK) from C.
 *
 *   1. loads a DEMO ONLY master key (CSNBMKP) under dual control: key custodian CUST1 logs on
 *      (CSUALCT LOGON PPHRASE) and loads the first part, custodian CUST2 the last, and sets it;
 *   2. imports three issuer master keys and a PIN key from two clear parts each, CUST1 the
 *      first parts (CSNBKTB skeleton with KEY-PART, CSNBKPI FIRST), CUST2 the last ones
 *      (CSNBKPI LAST), and CUST2 stores them under labels (CSNBKRC, CSNBKRW); then logs off:
 *      steps 3-5 run as the issuer's application on the DEFAULT role, which uses keys and
 *      manages none;
 *   3. CSNBPCU (TDES-XOR, VISAPCU2) with the labels: the encrypted PIN data;
 *   4. CSNBDKG (TDES-XOR) from the script-MAC master key: the card's session MAC key, as a
 *      MAC token;
 *   5. CSNBMGN (EMVMACD, MACLEN8) over CLA INS P1 P2 Lc || ATC || ARQC || encrypted PIN data;
 *   6. prints the command APDU  84 24 00 01 Lc || encrypted PIN data || MAC.
 *
 * docs/pin-change-script.md explains every byte. tests/vectors/gen_script.py builds the same
 * APDU with pyemv (tests/data/script.txt) and tests/script.rs checks this program's output
 * against it. Every key here is DEMO ONLY: published, never for real cards.
 *
 * Build (examples/c/Makefile, or examples/demo.sh):
 *   cc -std=c11 -I include -o pin_change_script examples/c/pin_change_script.c \
 *      -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 * Run with SOFTCCA_HOME pointing at a fresh (or demo) state directory in which
 * examples/c/demo_profiles.c has enrolled the custodians CUST1 and CUST2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softcca.h"

/* DEMO ONLY master-key parts (the same as keys_demo.c). Never for real keys. */
static const unsigned char DEMO_ONLY_MK_PART_1[24] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
};
static const unsigned char DEMO_ONLY_MK_PART_2[24] = {
    0xF1, 0xE0, 0xD3, 0xC2, 0xB5, 0xA4, 0x97, 0x86, 0x2A, 0x3B, 0x4C, 0x5D,
    0x6E, 0x7F, 0x80, 0x91, 0x4A, 0x5B, 0x6D, 0x7C, 0x8F, 0x9E, 0xA1, 0xB0,
};

/* DEMO ONLY issuer keys (clear, as the key custodians would hold them in parts). */
static const unsigned char IMK_AC[16] = {  /* DKYGENKY DKYL0 DMAC: PIN-block auth code */
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
};
static const unsigned char IMK_SMC[16] = { /* DKYGENKY DKYL0 DMPIN: script confidentiality */
    0x1C, 0x0E, 0xA1, 0xAE, 0xB5, 0xD9, 0xB6, 0xE3, 0xF8, 0xC7, 0xC8, 0xD0, 0xEC, 0xD9, 0x1A, 0x0D,
};
static const unsigned char IMK_SMI[16] = { /* DKYGENKY DKYL0 DMAC: script integrity (MAC) */
    0x4C, 0xB0, 0xF2, 0xA8, 0xE6, 0xC1, 0xD9, 0xF1, 0x37, 0x2A, 0x5E, 0x0B, 0x91, 0xC4, 0x8F, 0x26,
};
static const unsigned char PIN_KEY[16] = { /* IPINENC: the key of the PIN pad's PIN blocks */
    0xE0, 0xF4, 0x54, 0x3E, 0xC2, 0xC1, 0xD6, 0xA7, 0x7C, 0x58, 0xB9, 0xF1, 0xC8, 0xA4, 0xA1, 0xF1,
};
/* Second key part of every key (the first part is key XOR this). */
static const unsigned char PART2[16] = {
    0x03, 0x05, 0x06, 0x09, 0x0A, 0x0C, 0x0F, 0x11, 0x12, 0x14, 0x17, 0x1B, 0x1D, 0x1E, 0x24, 0x27,
};

/* The card and the transaction that carries the script (from the authorisation request). */
static const char PAN_DATA[12 + 1] = "173900101011"; /* PAN 4761739001010119: 12 digits before the check digit */
static const unsigned char CARD_D[8] = {0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19, 0x01}; /* PAN||PSN, rightmost 16 digits */
static const unsigned char ATC[2] = {0x00, 0x05};
static const unsigned char ARQC[8] = {0x5B, 0x9C, 0x3F, 0x1A, 0x2D, 0x4E, 0x6F, 0x70};
/* The PIN pad's ISO-0 PIN blocks under PIN_KEY: new PIN 4321, current PIN 1234. */
static const unsigned char NEW_PIN_BLOCK[8] = {0xC4, 0x7C, 0xCA, 0x31, 0x60, 0x7F, 0x29, 0xEB};
static const unsigned char CUR_PIN_BLOCK[8] = {0x9F, 0xDB, 0x7E, 0x4A, 0x2D, 0x9E, 0xE8, 0x47};

enum { P2_CHANGE_WITH_CURRENT_PIN = 0x01, MAC_LEN = 8 };

/* DEMO ONLY passphrases of the custodians (examples/c/demo_profiles.c enrols them). */
static const char *const DEMO_ONLY_CUST1_PASSPHRASE = "DEMO ONLY cust1 passphrase";
static const char *const DEMO_ONLY_CUST2_PASSPHRASE = "DEMO ONLY cust2 passphrase";

static int failures;

static void check(const char *what, int32_t rc, int32_t rs)
{
    if (rc != 0 || rs != 0) {
        printf("  FAIL %-32s rc=%d rs=%d\n", what, (int)rc, (int)rs);
        failures++;
    } else {
        printf("  OK   %s\n", what);
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
    printf("%s", name);
    for (size_t i = 0; i < n; i++) printf("%02X", b[i]);
    printf("\n");
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
    check(what, rc, rs);
}

/* CSUALCT LOGOFF: back to the DEFAULT role. */
static void logoff(void)
{
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char rule_array[8];
    pad(rule_array, sizeof rule_array, "LOGOFF");
    CSUALCT(&rc, &rs, NULL, NULL, &count, rule_array, NULL, NULL, NULL, NULL, NULL);
    check("CSUALCT LOGOFF", rc, rs);
}

static void mkp(const char *keyword, const unsigned char part[24])
{
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char rule_array[8], key_part[24];
    pad(rule_array, sizeof rule_array, keyword);
    memcpy(key_part, part, sizeof key_part);
    CSNBMKP(&rc, &rs, NULL, NULL, &count, rule_array, key_part);
    if (strcmp(keyword, "SET") == 0 && rc == 8 && rs == 704) {
        rc = rs = 0; /* this master key is current already (an earlier run) */
    }
    char what[40];
    snprintf(what, sizeof what, "CSNBMKP %s", keyword);
    check(what, rc, rs);
}

/* One key as the custodians deliver it: label, CSNBKTB key type and usage, clear value. */
struct demo_key {
    const char *label, *key_type, *usage;
    const unsigned char *key;
};

/* Custodian 1: a KEY-PART skeleton of `k`'s type and usage, and its first part (key XOR PART2)
 * with CSNBKPI FIRST into `token`. */
static void first_part(const struct demo_key *k, unsigned char token[64])
{
    int32_t rc = -1, rs = -1, count;
    unsigned char type[8], rules[16], zeros[16] = {0}, reserved[4] = {0}, part[16], kw[8];
    char what[64];

    pad(type, sizeof type, k->key_type);
    pad(rules, 8, "KEY-PART");
    pad(rules + 8, 8, k->usage);
    count = k->usage[0] ? 2 : 1;
    CSNBKTB(&rc, &rs, NULL, NULL, token, type, &count, rules, zeros, reserved, NULL, NULL,
            zeros, NULL, NULL, NULL, zeros);
    snprintf(what, sizeof what, "CSNBKTB %s %s KEY-PART", k->key_type, k->usage);
    check(what, rc, rs);

    for (int i = 0; i < 16; i++) part[i] = k->key[i] ^ PART2[i];
    count = 1;
    pad(kw, sizeof kw, "FIRST");
    CSNBKPI(&rc, &rs, NULL, NULL, &count, kw, part, token);
    memset(part, 0, sizeof part);
    check("  CSNBKPI FIRST", rc, rs);
}

/* Custodian 2: the last part (PART2) with CSNBKPI LAST, then the token stored under the
 * key's label. */
static void last_part(const struct demo_key *k, unsigned char token[64])
{
    int32_t rc = -1, rs = -1, count = 1;
    unsigned char part[16], lab[64], kw[8];
    char what[64];

    memcpy(part, PART2, sizeof part);
    pad(kw, sizeof kw, "LAST");
    CSNBKPI(&rc, &rs, NULL, NULL, &count, kw, part, token);
    memset(part, 0, sizeof part);
    snprintf(what, sizeof what, "  CSNBKPI LAST %s", k->label);
    check(what, rc, rs);

    pad(lab, sizeof lab, k->label);
    CSNBKRC(&rc, &rs, NULL, NULL, lab);
    snprintf(what, sizeof what, "  CSNBKRC/KRW %s", k->label);
    if (rc == 8 && rs == 44) rc = rs = 0; /* the record exists from an earlier run */
    if (rc == 0) CSNBKRW(&rc, &rs, NULL, NULL, token, lab);
    check(what, rc, rs);
}

int main(void)
{
    int32_t rc = -1, rs = -1, count;
    const char *home = getenv("SOFTCCA_HOME");
    printf("pin_change_script: state directory %s\n", home ? home : "(default)");

    printf("1. DEMO ONLY master key: CUST1 the first part, CUST2 the last part and SET\n");
    static const unsigned char no_part[24];
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    mkp("CLEAR", no_part);
    mkp("FIRST", DEMO_ONLY_MK_PART_1);
    logoff();
    logon("CUST2", DEMO_ONLY_CUST2_PASSPHRASE);
    mkp("LAST", DEMO_ONLY_MK_PART_2);
    mkp("SET", no_part);
    logoff();

    printf("2. issuer master keys and PIN key from parts (CUST1 the first, CUST2 the last),\n"
           "   stored under labels (CUST2)\n");
    static const struct demo_key keys[] = {
        {"DEMO.ISSUER.IMK.AC", "DKYGENKY", "DMAC", IMK_AC},
        {"DEMO.ISSUER.IMK.SMC", "DKYGENKY", "DMPIN", IMK_SMC},
        {"DEMO.ISSUER.IMK.SMI", "DKYGENKY", "DMAC", IMK_SMI},
        {"DEMO.ISSUER.PINKEY", "IPINENC", "", PIN_KEY},
    };
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    unsigned char tokens[NKEYS][64];
    logon("CUST1", DEMO_ONLY_CUST1_PASSPHRASE);
    for (size_t i = 0; i < NKEYS; i++) first_part(&keys[i], tokens[i]);
    logoff();
    logon("CUST2", DEMO_ONLY_CUST2_PASSPHRASE);
    for (size_t i = 0; i < NKEYS; i++) last_part(&keys[i], tokens[i]);
    logoff();
    printf("   logged off: steps 3-5 run on the DEFAULT role, as the issuer's application\n");

    printf("3. CSNBPCU TDES-XOR VISAPCU2: encrypted PIN data\n");
    unsigned char rules[16], auth[64], enc_mdk[64], pin_key[64], kgd[10];
    unsigned char new_block[8], cur_block[8], profile[24], pan[12], out_profile[24];
    unsigned char pin_data[32];
    int32_t key_len = 64, kgd_len = sizeof kgd, zero = 0, out_len = sizeof pin_data;
    pad(rules, 8, "TDES-XOR");
    pad(rules + 8, 8, "VISAPCU2");
    pad(auth, 64, "DEMO.ISSUER.IMK.AC");
    pad(enc_mdk, 64, "DEMO.ISSUER.IMK.SMC");
    pad(pin_key, 64, "DEMO.ISSUER.PINKEY");
    memcpy(kgd, CARD_D, 8);
    memcpy(kgd + 8, ATC, 2);
    memcpy(new_block, NEW_PIN_BLOCK, 8);
    memcpy(cur_block, CUR_PIN_BLOCK, 8);
    pad(profile, 24, "ISO-0   NONE");
    memcpy(pan, PAN_DATA, 12);
    pad(out_profile, 24, "VISAPCU2NONE");
    count = 2;
    CSNBPCU(&rc, &rs, NULL, NULL, &count, rules, &key_len, auth, &key_len, enc_mdk, &kgd_len, kgd,
            &key_len, pin_key, new_block, profile, pan, &key_len, pin_key, cur_block, profile, pan,
            &zero, NULL, out_profile, &out_len, pin_data);
    check("CSNBPCU", rc, rs);

    printf("4. CSNBDKG TDES-XOR: the card's session MAC key (MAC token)\n");
    unsigned char mac_key[64], key_type[8], ktb_rules[8], zeros[16] = {0}, reserved[4] = {0};
    unsigned char smi[64], null_token[64] = {0};
    pad(key_type, 8, "MAC");
    pad(ktb_rules, 8, "DOUBLE");
    count = 1;
    CSNBKTB(&rc, &rs, NULL, NULL, mac_key, key_type, &count, ktb_rules, zeros, reserved, NULL,
            NULL, zeros, NULL, NULL, NULL, zeros);
    check("CSNBKTB MAC DOUBLE (skeleton)", rc, rs);
    pad(rules, 8, "TDES-XOR");
    pad(smi, 64, "DEMO.ISSUER.IMK.SMI");
    count = 1;
    CSNBDKG(&rc, &rs, NULL, NULL, &count, rules, smi, &kgd_len, kgd, null_token, mac_key);
    check("CSNBDKG", rc, rs);

    printf("5. CSNBMGN EMVMACD MACLEN8: the script MAC\n");
    unsigned char header[5] = {0x84, 0x24, 0x00, P2_CHANGE_WITH_CURRENT_PIN, 0};
    unsigned char text[5 + 2 + 8 + 32], mac[8], chaining_vector[18];
    header[4] = (unsigned char)(out_len + MAC_LEN);
    size_t n = 0;
    memcpy(text + n, header, 5), n += 5;
    memcpy(text + n, ATC, 2), n += 2;
    memcpy(text + n, ARQC, 8), n += 8;
    memcpy(text + n, pin_data, (size_t)out_len), n += (size_t)out_len;
    int32_t text_len = (int32_t)n;
    pad(rules, 8, "EMVMACD");
    pad(rules + 8, 8, "MACLEN8");
    count = 2;
    CSNBMGN(&rc, &rs, NULL, NULL, mac_key, &text_len, text, &count, rules, chaining_vector, mac);
    check("CSNBMGN", rc, rs);

    if (failures) {
        printf("pin_change_script: %d call(s) failed\n", failures);
        return 1;
    }
    printf("6. the command APDU\n");
    print_hex("   MAC input: ", text, n);
    unsigned char apdu[5 + 32 + MAC_LEN];
    memcpy(apdu, header, 5);
    memcpy(apdu + 5, pin_data, (size_t)out_len);
    memcpy(apdu + 5 + out_len, mac, MAC_LEN);
    print_hex("APDU: ", apdu, 5 + (size_t)out_len + MAC_LEN);
    return 0;
}
