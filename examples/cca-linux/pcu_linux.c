/*
 * pcu_linux: an IBM CCA for Linux program, unchanged, on softcca.
 *
 * Written the way a CCA for Linux application is: it includes csulincl.h, declares every
 * integer `long` (8 bytes on 64-bit Linux) and links -lcsulcca; it includes no softcca header.
 *
 *   1. loads a DEMO ONLY master key (CSNBMKP CLEAR, FIRST, LAST, SET);
 *   2. imports an issuer master key pair and a PIN key from two clear parts each (CSNBKTB,
 *      CSNBKPI FIRST, LAST), stores them under labels (CSNBKRC, CSNBKRW) and checks each key's
 *      check value (CSNBKYT GENERATE ENC-ZERO);
 *   3. builds the encrypted PIN message of an EMV PIN change (CSNBPCU TDES-XOR VISAPCU2) and
 *      checks the published answer C29371CC36BA70C1EE671384F0D3A7B9 (the test keys of the
 *      softcca pcu demo, examples/c/pcu_demo.c; pyemv's HSM-checked vector);
 *   4. an error path: a key length of 64 + 2^32, which a 32-bit library would truncate to 64,
 *      is rejected with 8/72 and leaves the outputs as they were;
 *   5. Cryptographic Facility Query (CSUACFQ STATCCA): the count and verb-data length come
 *      back as longs (6 and 0), the current master-key register is loaded; a count of
 *      1 + 2^32 is 8/35 and changes nothing.
 *
 * Build (docs/cca-linux.md):  cc -I<includedir> -o pcu_linux pcu_linux.c -lcsulcca
 * The state directory is $SOFTCCA_HOME; use a fresh one: the program loads its own DEMO ONLY
 * master key there. Never use these keys for real cards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csulincl.h"

static const unsigned char MK_PART_1[24] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98,
    0x76, 0x54, 0x32, 0x10, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
};
static const unsigned char MK_PART_2[24] = {
    0xF1, 0xE0, 0xD3, 0xC2, 0xB5, 0xA4, 0x97, 0x86, 0x2A, 0x3B, 0x4C, 0x5D,
    0x6E, 0x7F, 0x80, 0x91, 0x4A, 0x5B, 0x6D, 0x7C, 0x8F, 0x9E, 0xA1, 0xB0,
};

struct key {
    const char *label, *key_type, *rules[3];
    long rule_count;
    unsigned char part_1[16], part_2[16], kcv[4];
};

static const struct key KEYS[3] = {
    {"ISSUER.MDK.AC", "DKYGENKY", {"DKYL0", "DMAC", "KEY-PART"}, 3,
     {0x0E, 0xBA, 0x6B, 0x1F, 0x0B, 0xAB, 0xE6, 0x7F, 0xA8, 0x4A, 0x0E, 0x0B, 0x5B, 0xB6, 0x7F, 0x01},
     {0xF0, 0x66, 0xD1, 0x87, 0x7D, 0xFF, 0xD4, 0x6F, 0xA9, 0x69, 0x4B, 0x6C, 0xD2, 0x1D, 0xB2, 0xEE},
     {0x7B, 0x83, 0x58, 0x6D}},
    {"ISSUER.MDK.SMC", "DKYGENKY", {"DKYL0", "DMPIN", "KEY-PART"}, 3,
     {0x2E, 0x56, 0xB8, 0x77, 0xB7, 0xC5, 0x05, 0x18, 0xA6, 0x81, 0xF5, 0x1B, 0x8B, 0x5A, 0xCF, 0x99},
     {0x3F, 0x47, 0xA9, 0x66, 0xA6, 0xD4, 0x14, 0x09, 0x84, 0xA3, 0xD7, 0x39, 0xA9, 0x78, 0xED, 0xBB},
     {0xD2, 0xB9, 0x1C, 0xC5}},
    {"ISSUER.PIN.KEY", "IPINENC", {"KEY-PART", NULL, NULL}, 1,
     {0xFD, 0x6B, 0x83, 0xCB, 0x67, 0xFD, 0x64, 0x86, 0xDF, 0x91, 0xC2, 0x6E, 0xA2, 0x32, 0x16, 0x8A},
     {0xFC, 0x48, 0xC6, 0xAC, 0xEE, 0x56, 0xA9, 0x69, 0x21, 0x4D, 0x78, 0xF6, 0xD4, 0x66, 0x24, 0x9A},
     {0x08, 0xD7, 0xB4, 0xFB}},
};

static const unsigned char KNOWN_ANSWER[16] = {
    0xC2, 0x93, 0x71, 0xCC, 0x36, 0xBA, 0x70, 0xC1, 0xEE, 0x67, 0x13, 0x84, 0xF0, 0xD3, 0xA7, 0xB9,
};

static int failures;

/* Counts a failure unless the call returned want_rc/want_rs (compared as whole longs). */
static void check(const char *what, long rc, long rs, long want_rc, long want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("  %-4s %-24s rc=%ld rs=%ld\n", ok ? "OK" : "FAIL", what, rc, rs);
    if (!ok) failures++;
}

static void pad(unsigned char *field, size_t width, const char *text)
{
    size_t n = strlen(text);
    memset(field, ' ', width);
    memcpy(field, text, n < width ? n : width);
}

static void mkp(const char *keyword, const unsigned char *part)
{
    long rc = -1, rs = -1, exit_len = 0, count = 1;
    unsigned char exit_data[4] = {0}, rule[8], key_part[24] = {0};
    pad(rule, 8, keyword);
    if (part) memcpy(key_part, part, 24);
    CSNBMKP(&rc, &rs, &exit_len, exit_data, &count, rule, key_part);
    check(keyword, rc, rs, 0, 0);
}

static void import_key(const struct key *k)
{
    long rc = -1, rs = -1, exit_len = 0, count = k->rule_count, one = 1;
    unsigned char exit_data[4] = {0}, token[64], key_type[8], rules[24], value[16] = {0};
    unsigned char reserved_1[8] = {0}, cv[16] = {0}, mkvp[8] = {0}, part[16], label[64];
    unsigned char random_number[8] = {0}, kcv[8] = {0};
    long no_reserved = 0;
    pad(key_type, 8, k->key_type);
    for (long i = 0; i < count; i++) pad(rules + 8 * i, 8, k->rules[i]);
    CSNBKTB(&rc, &rs, &exit_len, exit_data, token, key_type, &count, rules, value, reserved_1,
            &no_reserved, NULL, cv, NULL, &no_reserved, NULL, mkvp);
    check("CSNBKTB", rc, rs, 0, 0);
    /* A published test key may have even parity: CSNBKPI accepts it with warning 0/4. */
    long want_rs = 0;
    for (int i = 0; i < 16; i++) {
        unsigned b = (unsigned)(k->part_1[i] ^ k->part_2[i]), ones = 0;
        for (; b; b >>= 1) ones += b & 1;
        if (ones % 2 == 0) want_rs = 4;
    }
    pad(rules, 8, "FIRST");
    memcpy(part, k->part_1, 16);
    CSNBKPI(&rc, &rs, &exit_len, exit_data, &one, rules, part, token);
    check("CSNBKPI FIRST", rc, rs, 0, want_rs);
    pad(rules, 8, "LAST");
    memcpy(part, k->part_2, 16);
    CSNBKPI(&rc, &rs, &exit_len, exit_data, &one, rules, part, token);
    check("CSNBKPI LAST", rc, rs, 0, want_rs);
    pad(label, 64, k->label);
    CSNBKRC(&rc, &rs, &exit_len, exit_data, label);
    check("CSNBKRC", rc, rs, 0, 0);
    CSNBKRW(&rc, &rs, &exit_len, exit_data, token, label);
    check("CSNBKRW", rc, rs, 0, 0);
    long three = 3;
    pad(rules, 8, "GENERATE");
    pad(rules + 8, 8, "KEY-ENCD");
    pad(rules + 16, 8, "ENC-ZERO");
    CSNBKYT(&rc, &rs, &exit_len, exit_data, &three, rules, label, random_number, kcv);
    check("CSNBKYT ENC-ZERO", rc, rs, 0, 0);
    if (memcmp(kcv, k->kcv, 4) != 0) {
        printf("  FAIL %s check value %02X%02X%02X%02X\n", k->label, kcv[0], kcv[1], kcv[2], kcv[3]);
        failures++;
    }
}

int main(void)
{
    printf("pcu_linux: a CCA for Linux program (csulincl.h, long integers, -lcsulcca)\n");
    printf("1. DEMO ONLY master key\n");
    mkp("CLEAR", NULL);
    mkp("FIRST", MK_PART_1);
    mkp("LAST", MK_PART_2);
    mkp("SET", NULL);
    printf("2. keys from clear parts, under labels\n");
    for (int i = 0; i < 3; i++) import_key(&KEYS[i]);

    printf("3. CSNBPCU TDES-XOR VISAPCU2\n");
    unsigned char kgd[10] = {0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x01, 0xFF, 0xFF};
    unsigned char new_block[8] = {0x27, 0x8C, 0xE4, 0x30, 0x8B, 0xF9, 0x84, 0x4D};
    unsigned char cur_block[8] = {0x00, 0xAC, 0x61, 0x59, 0x81, 0x37, 0x74, 0x0A};
    unsigned char exit_data[4] = {0}, rules[16], auth[64], enc[64], pin_key[64], profile[24];
    unsigned char pan[12], out_profile[24], message[16];
    long rc = -1, rs = -1, exit_len = 0, count = 2, kgd_len = 10, len64 = 64, zero = 0;
    long message_len = 16;
    pad(rules, 8, "TDES-XOR");
    pad(rules + 8, 8, "VISAPCU2");
    pad(auth, 64, "ISSUER.MDK.AC");
    pad(enc, 64, "ISSUER.MDK.SMC");
    pad(pin_key, 64, "ISSUER.PIN.KEY");
    memcpy(profile, "ISO-0   NONE            ", 24);
    memcpy(pan, "456789012345", 12);
    memcpy(out_profile, "VISAPCU2NONE            ", 24);
    memset(message, 0, sizeof message);
    /* rc and rs start as -1 (all 8 bytes set): 0 afterwards means all 8 bytes were written. */
    CSNBPCU(&rc, &rs, &exit_len, exit_data, &count, rules, &len64, auth, &len64, enc, &kgd_len,
            kgd, &len64, pin_key, new_block, profile, pan, &len64, pin_key, cur_block, profile,
            pan, &zero, NULL, out_profile, &message_len, message);
    check("CSNBPCU", rc, rs, 0, 0);
    if (rc == 0 && message_len == 16 && memcmp(message, KNOWN_ANSWER, 16) == 0) {
        printf("  OK   PIN message C29371CC36BA70C1EE671384F0D3A7B9 (published answer)\n");
    } else {
        printf("  FAIL PIN message (length %ld) differs from the published answer\n", message_len);
        failures++;
    }

    printf("4. a key length of 64 + 2^32 is an error, not 64\n");
    long wide = 64 + (1L << 32);
    memset(message, 0xA5, sizeof message);
    message_len = 16;
    rc = rs = -1;
    CSNBPCU(&rc, &rs, &exit_len, exit_data, &count, rules, &wide, auth, &len64, enc, &kgd_len,
            kgd, &len64, pin_key, new_block, profile, pan, &len64, pin_key, cur_block, profile,
            pan, &zero, NULL, out_profile, &message_len, message);
    check("CSNBPCU 64+2^32", rc, rs, 8, 72);
    unsigned char untouched[16];
    memset(untouched, 0xA5, sizeof untouched);
    if (message_len != 16 || memcmp(message, untouched, 16) != 0) {
        printf("  FAIL outputs written on failure\n");
        failures++;
    } else {
        printf("  OK   outputs untouched\n");
    }

    printf("5. CSUACFQ STATCCA\n");
    unsigned char elements[9 * 8];
    long one = 1, verb_data_length = 99;
    pad(elements, 8, "STATCCA");
    rc = rs = -1;
    CSUACFQ(&rc, &rs, &exit_len, exit_data, &one, elements, &verb_data_length, NULL);
    check("CSUACFQ STATCCA", rc, rs, 0, 0);
    if (one != 6 || verb_data_length != 0 || memcmp(elements + 8, "2       ", 8) != 0) {
        printf("  FAIL count %ld, verb data length %ld, current register %.8s\n", one,
               verb_data_length, elements + 8);
        failures++;
    } else {
        printf("  OK   6 elements, verb data length 0, current master key loaded\n");
    }
    long wide_count = 1 + (1L << 32);
    verb_data_length = 99;
    pad(elements, 8, "STATCCA");
    rc = rs = -1;
    CSUACFQ(&rc, &rs, &exit_len, exit_data, &wide_count, elements, &verb_data_length, NULL);
    check("CSUACFQ count 1+2^32", rc, rs, 8, 35);
    if (wide_count != 1 + (1L << 32) || verb_data_length != 99 || memcmp(elements, "STATCCA ", 8) != 0) {
        printf("  FAIL outputs written on failure\n");
        failures++;
    }

    if (failures) {
        printf("pcu_linux: %d check(s) FAILED\n", failures);
        return 1;
    }
    printf("pcu_linux: all checks passed\n");
    return 0;
}
