/*
 * softcca-ivp: the installation verification program (issue 12).
 *
 *   softcca-ivp            checks the installation and the state directory, then runs one
 *                          known-answer PIN Change/Unblock on a scratch state directory.
 *
 * It reports:
 *   1. the library it loaded (its path, from the dynamic linker) and that library's version
 *      (CSUACFQ STATCCA element 4), which must equal the SOFTCCA_VERSION it was built with;
 *   2. the state directory softcca uses (docs/state.md: $SOFTCCA_HOME, else /var/lib/softcca
 *      when it exists and is writable, else $XDG_DATA_HOME/softcca or ~/.local/share/softcca),
 *      its owner and mode, and its protection: this build keeps the master-key registers
 *      unbound, in clear in masterkey.db, protected by the directory's permissions only;
 *   3. the master-key registers (CSUACFQ STATCCA and STATMKVP: empty / partial / full, MKVPs);
 *   4. the access-control file acp.conf: how many points are on and off, and X'00BC';
 *   5. a known-answer CSNBPCU call end to end, in a child process on a fresh scratch state
 *      directory (removed afterwards): a random master key, the test-set-1 issuer master keys
 *      and PIN key imported from clear parts (CSNBKTB, CSNBKPI), VISAPCU2 with TDES-XOR, and
 *      the published answer C29371CC36BA70C1EE671384F0D3A7B9 (pyemv's HSM-checked vector;
 *      tests/vectors/README.md). The scratch directory is never the production one, and the
 *      test keys never touch it.
 *
 * A state directory that does not exist yet is reported, not created. Exit status 0 and a
 * last line "softcca-ivp: OK" when every check passed; otherwise 1, each failure on standard
 * error as "softcca-ivp: FAILED: ...".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "softcca.h"

static int failures;

static void failed(const char *what, int32_t rc, int32_t rs)
{
    fprintf(stderr, "softcca-ivp: FAILED: %s: return code %d, reason code %d (docs/codes.md)\n",
            what, (int)rc, (int)rs);
    failures++;
}

/* An 8-byte (or wider) field holding `text`, blank padded. */
static void field(unsigned char *f, size_t width, const char *text)
{
    size_t n = strlen(text);
    memset(f, ' ', width);
    memcpy(f, text, n < width ? n : width);
}

static void from_hex(unsigned char *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned int b;
        sscanf(hex + 2 * i, "%2x", &b);
        out[i] = (unsigned char)b;
    }
}

/* CSUACFQ with one keyword: the elements in `out` (72 bytes), their number in `*count`. */
static int query(const char *keyword, unsigned char out[72], int32_t *count)
{
    int32_t rc = -1, rs = -1, vdl = 0;
    *count = 1;
    memset(out, ' ', 72);
    field(out, 8, keyword);
    CSUACFQ(&rc, &rs, NULL, NULL, count, out, &vdl, NULL);
    if (rc != 0) {
        char what[64];
        snprintf(what, sizeof what, "Cryptographic Facility Query %s", keyword);
        failed(what, rc, rs);
        return -1;
    }
    return 0;
}

static const char *register_state(unsigned char c, int new_register)
{
    switch (c) {
    case '1': return "empty";
    case '2': return new_register ? "partially loaded" : "loaded";
    case '3': return "full";
    default: return "unknown";
    }
}

/* Two STATMKVP elements as text: 16 hex digits, or "none" for an empty register. */
static const char *mkvp(const unsigned char *two_elements, int slot)
{
    static char text[3][17];
    if (memcmp(two_elements, "NONE    ", 8) == 0) return "none";
    memcpy(text[slot], two_elements, 16);
    text[slot][16] = 0;
    return text[slot];
}

/* ---- 5. The known answer, in a child process on a scratch directory ---- */

struct test_key {
    const char *what, *key_type, *rules, *clear;
};

/* Test set 1 (tests/vectors/README.md): published TEST keys, never for real cards. */
static const struct test_key KEYS[3] = {
    {"authentication issuer master key (IMK-AC)", "DKYGENKY", "DKYL0   DMAC    KEY-PART",
     "FEDCBA98765432100123456789ABCDEF"},
    {"encryption issuer master key (IMK-SMC)", "DKYGENKY", "DKYL0   DMPIN   KEY-PART",
     "11111111111111112222222222222222"},
    {"PIN key (IPINENC)", "IPINENC", "KEY-PART", "0123456789ABCDEFFEDCBA9876543210"},
};
static const char *const KNOWN_ANSWER = "C29371CC36BA70C1EE671384F0D3A7B9";

static int import_key(const struct test_key *k, unsigned char token[64])
{
    int32_t rc = -1, rs = -1, zero = 0, count = (int32_t)(strlen(k->rules) + 7) / 8;
    unsigned char type[8], rules[24], value[16] = {0}, cv[16] = {0}, mkvp[8] = {0}, reserved[8] = {0};
    field(type, 8, k->key_type);
    field(rules, sizeof rules, k->rules);
    memset(token, 0, 64);
    CSNBKTB(&rc, &rs, NULL, NULL, token, type, &count, rules, value, &zero, &zero, reserved, cv,
            reserved, &zero, reserved, mkvp);
    if (rc != 0) { failed("Key Token Build", rc, rs); return -1; }
    unsigned char part[16];
    from_hex(part, k->clear);
    int32_t one = 1;
    unsigned char keyword[8];
    field(keyword, 8, "FIRST");
    CSNBKPI(&rc, &rs, NULL, NULL, &one, keyword, part, token);
    memset(part, 0, sizeof part);
    /* 0/4: a test key without odd parity in every byte (IMK-SMC); the key is usable. */
    if (rc != 0) { failed("Key Part Import FIRST", rc, rs); return -1; }
    field(keyword, 8, "COMPLETE");
    CSNBKPI(&rc, &rs, NULL, NULL, &one, keyword, part, token);
    if (rc != 0) { failed("Key Part Import COMPLETE", rc, rs); return -1; }
    return 0;
}

static int known_answer(void)
{
    int32_t rc = -1, rs = -1, count = 2;
    unsigned char rules[16], part[24] = {0};
    field(rules, 8, "RANDOM");
    count = 1;
    CSNBMKP(&rc, &rs, NULL, NULL, &count, rules, part);
    if (rc != 0) { failed("Master Key Process RANDOM", rc, rs); return 1; }
    field(rules, 8, "SET");
    CSNBMKP(&rc, &rs, NULL, NULL, &count, rules, part);
    if (rc != 0) { failed("Master Key Process SET", rc, rs); return 1; }

    unsigned char tokens[3][64];
    for (int i = 0; i < 3; i++) {
        if (import_key(&KEYS[i], tokens[i]) != 0) return 1;
    }
    unsigned char kgd[10], new_block[8], cur_block[8], profile[24], pan[12], out_profile[24];
    unsigned char out[16];
    from_hex(kgd, "3456789012345601FFFF"); /* PAN 1234567890123456, PSN 01, ATC FFFF */
    from_hex(new_block, "278CE4308BF9844D");  /* new PIN 9999, ISO-0 under the PIN key */
    from_hex(cur_block, "00AC61598137740A");  /* current PIN 8888 */
    field(profile, 24, "ISO-0   NONE");
    memcpy(pan, "456789012345", 12);
    field(out_profile, 24, "VISAPCU2NONE");
    field(rules, 16, "TDES-XORVISAPCU2");
    int32_t len64 = 64, kgd_len = 10, zero = 0, out_len = 16;
    count = 2;
    CSNBPCU(&rc, &rs, NULL, NULL, &count, rules, &len64, tokens[0], &len64, tokens[1], &kgd_len,
            kgd, &len64, tokens[2], new_block, profile, pan, &len64, tokens[2], cur_block, profile,
            pan, &zero, NULL, out_profile, &out_len, out);
    if (rc != 0) { failed("PIN Change/Unblock (known answer)", rc, rs); return 1; }
    char hex[33];
    for (int i = 0; i < 16; i++) sprintf(hex + 2 * i, "%02X", out[i]);
    if (out_len != 16 || strcmp(hex, KNOWN_ANSWER) != 0) {
        fprintf(stderr, "softcca-ivp: FAILED: known-answer CSNBPCU gave %s, expected %s\n", hex,
                KNOWN_ANSWER);
        return 1;
    }
    printf("   known answer:   CSNBPCU VISAPCU2 TDES-XOR gave %s, the published answer\n", hex);
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

/* Runs known_answer() in a child whose SOFTCCA_HOME is a fresh scratch directory. */
static void run_known_answer(void)
{
    const char *tmp = getenv("TMPDIR");
    char scratch[4096];
    snprintf(scratch, sizeof scratch, "%s/softcca-ivp.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(scratch) == NULL) {
        fprintf(stderr, "softcca-ivp: FAILED: scratch directory: %s\n", strerror(errno));
        failures++;
        return;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char home[4200];
        snprintf(home, sizeof home, "%s/state", scratch);
        setenv("SOFTCCA_HOME", home, 1);
        unsetenv("CSUDESLD");
        int status = known_answer();
        fflush(stdout);
        _exit(status);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "softcca-ivp: FAILED: the known-answer CSNBPCU run did not succeed\n");
        failures++;
    }
    nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- 2. Where the state directory is (docs/state.md) ---- */

static void state_directory(char *out, size_t n)
{
    const char *home = getenv("SOFTCCA_HOME");
    if (home && *home) { snprintf(out, n, "%s", home); return; }
    struct stat st;
    if (stat("/var/lib/softcca", &st) == 0 && S_ISDIR(st.st_mode) && access("/var/lib/softcca", W_OK) == 0) {
        snprintf(out, n, "/var/lib/softcca");
        return;
    }
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg) { snprintf(out, n, "%s/softcca", xdg); return; }
    const char *user = getenv("HOME");
    snprintf(out, n, "%s/.local/share/softcca", user && *user ? user : ".");
}

static void access_control(const char *dir)
{
    char path[4200], line[512];
    snprintf(path, sizeof path, "%s/acp.conf", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "softcca-ivp: FAILED: %s: %s (verbs that check access fail with 12/197)\n",
                path, strerror(errno));
        failures++;
        return;
    }
    int on = 0, off = 0;
    const char *bc = "off (not listed)";
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char point[64], state[16];
        if (sscanf(line, "%63s %15s", point, state) != 2) continue;
        int is_on = strcmp(state, "on") == 0;
        if (strstr(point, "00BC") || strstr(point, "00bc")) bc = is_on ? "ON" : "off";
        if (point[0] == 'X' || point[0] == 'x' || (point[0] >= '0' && point[0] <= '9')) {
            if (is_on) on++; else off++;
        }
    }
    fclose(f);
    printf("   access control: %s: %d points on, %d off; X'00BC' (CSNBPCU with OPINENC) %s\n", path,
           on, off, bc);
}

int main(void)
{
    printf("softcca-ivp: installation verification\n");
    /* The file the dynamic linker loaded CSNBPCU from (dlsym gives an object pointer). */
    Dl_info info;
    void *verb = dlsym(RTLD_DEFAULT, "CSNBPCU");
    if (verb && dladdr(verb, &info) && info.dli_fname)
        printf("   library:        %s\n", info.dli_fname);
    printf("   built with:     softcca.h version %s\n", SOFTCCA_VERSION);

    /* 5 first, in a child, so that this process opens only the real state directory. */
    run_known_answer();

    char dir[4096];
    state_directory(dir, sizeof dir);
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("   state directory: %s: not initialised yet (created with mode 0700 on the first\n"
               "                    verb call; the master key is then loaded with CSNBMKP)\n", dir);
    } else {
        printf("   state directory: %s (owner uid %u, mode %04o)\n", dir, (unsigned)st.st_uid,
               (unsigned)(st.st_mode & 07777));
        printf("   protection:     unbound: the master-key registers are kept in clear in\n"
               "                    masterkey.db, protected by the directory's permissions\n"
               "                    (docs/state.md, docs/security.md)\n");
        unsigned char e[72];
        int32_t count;
        if (query("STATCCA", e, &count) == 0) {
            printf("   version:        %.8s (CSUACFQ STATCCA), built %.8s\n", e + 24, e + 32);
            char v[9];
            memcpy(v, e + 24, 8);
            v[8] = 0;
            for (int i = 7; i >= 0 && v[i] == ' '; i--) v[i] = 0;
            if (strcmp(v, SOFTCCA_VERSION) != 0) {
                fprintf(stderr, "softcca-ivp: FAILED: the library is version %s, the header %s\n",
                        v, SOFTCCA_VERSION);
                failures++;
            }
            printf("   master keys:    new %s, current %s, old %s\n", register_state(e[0], 1),
                   register_state(e[8], 0), register_state(e[16], 0));
            if (e[8] != '2')
                printf("                    no current master key: verbs that need one return 12/764\n");
        }
        if (query("STATMKVP", e, &count) == 0) {
            printf("   MKVPs:          new %s, current %s, old %s\n", mkvp(e + 8, 0), mkvp(e + 24, 1),
                   mkvp(e + 40, 2));
        }
        access_control(dir);
    }
    if (failures) {
        fprintf(stderr, "softcca-ivp: %d check(s) FAILED\n", failures);
        return 1;
    }
    printf("softcca-ivp: OK\n");
    return 0;
}
