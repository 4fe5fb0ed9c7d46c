/*
 * demo_profiles: enrols the demo's user profiles in the state directory $SOFTCCA_HOME with
 * Access Control Initialization (CSUAACI INIT-AC), on the roles a new directory ships
 * (docs/access-control.md):
 *
 *   SECOFF1   role SECOFF   the security officer: loads and changes profiles
 *   CUST1     role KEYCUST  key custodian 1: master-key and key parts, CKDS records
 *   CUST2     role KEYCUST  key custodian 2: the second custodian of every key (dual control)
 *   OPERATOR  role CUSTODY  the operator of the cards: card PINs, master-key custody
 *
 *   1. checks this file's SHA-1 against the FIPS 180 examples (SHA-1("abc") and the 56-byte
 *      two-block message);
 *   2. bootstrap: the directory holds no profile, so INIT-AC needs no access-control point but
 *      must load a profile whose role holds X'0112' (docs/access-control.md "Starting: the bootstrap"): it loads SECOFF1;
 *   3. logs on as SECOFF1 (CSUALCT LOGON PPHRASE) and loads CUST1, CUST2 and OPERATOR;
 *   4. logs off: the program is back on the DEFAULT role, which may use keys and manage none.
 *
 * Every passphrase here is DEMO ONLY: published in the softcca sources, never for a real
 * directory. The IBM mechanism data of a passphrase is its SHA-1 (docs/CSUAACI.md), computed
 * below; the library keeps only Argon2id of it. Run it once on a directory without profiles
 * (examples/demo.sh runs it on each example's fresh state directory). Build:
 *   cc -std=c11 -I include -o demo_profiles examples/c/demo_profiles.c \
 *      -L build/lib -lsoftcca -Wl,-rpath,$PWD/build/lib
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softcca.h"

/* The demo's profiles. DEMO ONLY passphrases: the examples log on with them. */
struct demo_profile {
    const char *user, *role, *comment, *passphrase;
};
static const struct demo_profile PROFILES[] = {
    {"SECOFF1", "SECOFF", "DEMO security officer", "DEMO ONLY secoff1 passphrase"},
    {"CUST1", "KEYCUST", "DEMO key custodian 1", "DEMO ONLY cust1 passphrase"},
    {"CUST2", "KEYCUST", "DEMO key custodian 2", "DEMO ONLY cust2 passphrase"},
    {"OPERATOR", "CUSTODY", "DEMO card operator", "DEMO ONLY operator passphrase"},
};
#define NPROFILES (sizeof PROFILES / sizeof PROFILES[0])

/* ---- SHA-1 (FIPS 180-4), written for this example ---------------------------------------- */

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char b[64])
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    }
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (bb & c) | (~bb & d), k = 0x5A827999;
        } else if (i < 40) {
            f = bb ^ c ^ d, k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (bb & c) | (bb & d) | (c & d), k = 0x8F1BBCDC;
        } else {
            f = bb ^ c ^ d, k = 0xCA62C1D6;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol(bb, 30), bb = a, a = t;
    }
    h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
}

/* out = SHA-1(msg[0..n)). */
static void sha1(const unsigned char *msg, size_t n, unsigned char out[20])
{
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    unsigned char block[64];
    size_t done = 0;
    for (; n - done >= 64; done += 64) sha1_block(h, msg + done);
    size_t rest = n - done;
    memset(block, 0, sizeof block);
    memcpy(block, msg + done, rest);
    block[rest] = 0x80;
    if (rest >= 56) {
        sha1_block(h, block);
        memset(block, 0, sizeof block);
    }
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) block[63 - i] = (unsigned char)(bits >> (8 * i));
    sha1_block(h, block);
    for (int i = 0; i < 20; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
    memset(block, 0, sizeof block);
}

/* ---- CCA calls ---------------------------------------------------------------------------- */

static int failures;

static void report(const char *what, int32_t rc, int32_t rs, int32_t want_rc, int32_t want_rs)
{
    int ok = rc == want_rc && rs == want_rs;
    printf("  %-4s %-36s rc=%d rs=%d\n", ok ? "OK" : "FAIL", what, (int)rc, (int)rs);
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

static void be16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

/* IBM's date field: year (2 bytes), month, day. */
static void date(unsigned char *p, unsigned y, unsigned m, unsigned d)
{
    be16(p, y);
    p[2] = (unsigned char)m;
    p[3] = (unsigned char)d;
}

/* Length of one profile structure with one passphrase mechanism (docs/CSUAACI.md): the
 * 52-byte profile header, the authentication data header (4), the mechanism block (14 + 20). */
enum { PROFILE_LEN = 52 + 4 + 14 + 20 };

/* Writes the profile structure of `p` at `out` (PROFILE_LEN bytes). */
static void profile_structure(unsigned char *out, const struct demo_profile *p)
{
    memset(out, 0, PROFILE_LEN);
    out[0] = 0x01;                             /* version */
    be16(out + 2, PROFILE_LEN);
    pad(out + 4, 20, p->comment);
    pad(out + 28, 8, p->user);
    pad(out + 36, 8, p->role);
    date(out + 44, 2020, 1, 1);                /* activation */
    date(out + 48, 2099, 12, 31);              /* expiration */
    unsigned char *a = out + 52;               /* authentication data */
    be16(a, 4 + 14 + 20);
    be16(a + 2, 0x0001);                       /* field type */
    unsigned char *m = a + 4;                  /* one mechanism block */
    be16(m, 14 + 20);
    be16(m + 2, 0x0001);                       /* passphrase */
    be16(m + 4, 1);                            /* strength: the shipped roles require 1 */
    date(m + 6, 2099, 12, 31);                 /* mechanism expiration */
    m[10] = 0x80;                              /* attributes (kept, not interpreted) */
    sha1((const unsigned char *)p->passphrase, strlen(p->passphrase), m + 14);
}

/* CSUAACI INIT-AC with the profiles PROFILES[first .. first + n). */
static void init_ac(size_t first, size_t n, const char *what)
{
    unsigned char aggregate[8 + NPROFILES * PROFILE_LEN], rules[8];
    int32_t rc = -1, rs = -1, count = 1, zero = 0;
    int32_t len = (int32_t)(8 + n * PROFILE_LEN);
    memset(aggregate, 0, 8);
    aggregate[3] = (unsigned char)n;           /* profile count, 4 bytes; 4 reserved */
    for (size_t i = 0; i < n; i++) {
        profile_structure(aggregate + 8 + i * PROFILE_LEN, &PROFILES[first + i]);
    }
    pad(rules, sizeof rules, "INIT-AC");
    CSUAACI(&rc, &rs, NULL, NULL, &count, rules, &len, aggregate, &zero, NULL);
    memset(aggregate, 0, sizeof aggregate);
    report(what, rc, rs, 0, 0);
}

/* CSUALCT LOGON PPHRASE as `p`. */
static void logon(const struct demo_profile *p)
{
    unsigned char rules[16], user[8];
    int32_t rc = -1, rs = -1, count = 2, zero = 0, len = (int32_t)strlen(p->passphrase);
    pad(rules, 8, "LOGON");
    pad(rules + 8, 8, "PPHRASE");
    pad(user, sizeof user, p->user);
    CSUALCT(&rc, &rs, NULL, NULL, &count, rules, user, &zero, NULL, &len,
            (unsigned char *)p->passphrase);
    char what[48];
    snprintf(what, sizeof what, "CSUALCT LOGON PPHRASE %s", p->user);
    report(what, rc, rs, 0, 0);
}

static void logoff(void)
{
    unsigned char rules[8];
    int32_t rc = -1, rs = -1, count = 1;
    pad(rules, sizeof rules, "LOGOFF");
    CSUALCT(&rc, &rs, NULL, NULL, &count, rules, NULL, NULL, NULL, NULL, NULL);
    report("CSUALCT LOGOFF", rc, rs, 0, 0);
}

int main(void)
{
    const char *home = getenv("SOFTCCA_HOME");
    printf("demo_profiles: the demo's user profiles, state directory %s\n",
           home ? home : "(default: see docs/state.md)");

    /* FIPS 180 example: SHA-1("abc") = A9993E36 4706816A BA3E2571 7850C26C 9CD0D89D. */
    static const unsigned char ABC[20] = {
        0xA9, 0x99, 0x3E, 0x36, 0x47, 0x06, 0x81, 0x6A, 0xBA, 0x3E,
        0x25, 0x71, 0x78, 0x50, 0xC2, 0x6C, 0x9C, 0xD0, 0xD8, 0x9D,
    };
    unsigned char digest[20];
    sha1((const unsigned char *)"abc", 3, digest);
    if (memcmp(digest, ABC, sizeof ABC) != 0) {
        printf("  FAIL SHA-1(\"abc\") differs from the FIPS 180 example\n");
        return 1;
    }
    /* and the two-block example (56 bytes): 84983E44 1C3BD26E BAAE4AA1 F95129E5 E54670F1. */
    static const char TWO_BLOCKS[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const unsigned char TWO_BLOCKS_SHA1[20] = {
        0x84, 0x98, 0x3E, 0x44, 0x1C, 0x3B, 0xD2, 0x6E, 0xBA, 0xAE,
        0x4A, 0xA1, 0xF9, 0x51, 0x29, 0xE5, 0xE5, 0x46, 0x70, 0xF1,
    };
    sha1((const unsigned char *)TWO_BLOCKS, strlen(TWO_BLOCKS), digest);
    if (memcmp(digest, TWO_BLOCKS_SHA1, sizeof digest) != 0) {
        printf("  FAIL SHA-1 of the 56-byte FIPS 180 example differs\n");
        return 1;
    }
    printf("  OK   SHA-1 gives the FIPS 180 examples (\"abc\": A9993E36...9CD0D89D)\n");

    printf("   DEMO ONLY passphrases (published: never use them for a real directory):\n");
    for (size_t i = 0; i < NPROFILES; i++) {
        printf("       %-8s role %-8s passphrase \"%s\"\n", PROFILES[i].user, PROFILES[i].role,
               PROFILES[i].passphrase);
    }

    printf("1. bootstrap: no profile yet, INIT-AC loads the security officer\n");
    init_ac(0, 1, "CSUAACI INIT-AC SECOFF1 (bootstrap)");
    printf("2. the security officer loads the custodians and the operator\n");
    logon(&PROFILES[0]);
    init_ac(1, NPROFILES - 1, "CSUAACI INIT-AC CUST1 CUST2 OPERATOR");
    logoff();

    if (failures) {
        printf("demo_profiles: %d call(s) FAILED\n", failures);
        return 1;
    }
    printf("demo_profiles: SECOFF1, CUST1, CUST2 and OPERATOR enrolled; logged off (DEFAULT)\n");
    return 0;
}
