/* Shared helpers of the softcca C test suite; see common.h. */
#include "common.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- return and reason codes ------------------------------------------------------------- */

void sc_check_codes(const char *what, sc_codes got, int32_t want_rc, int32_t want_rs,
                    const char *file, int line)
{
    if (got.rc == want_rc && got.rs == want_rs) {
        return;
    }
    print_error("%s: rc/rs %d/%d, expected %d/%d\n", what, (int)got.rc, (int)got.rs,
                (int)want_rc, (int)want_rs);
    _fail(file, line);
}

/* ---- state directory --------------------------------------------------------------------- */

static char state_dir[64];

int sc_write_legacy_acp(const char *dir)
{
    char path[256];
    unsigned char buf[4096];
    size_t n;
    int rc = 0;
    FILE *in = fopen(SC_LEGACY_ACP, "rb");
    if (in == NULL) {
        perror(SC_LEGACY_ACP);
        return -1;
    }
    snprintf(path, sizeof path, "%s/acp.conf", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    FILE *out = fd < 0 ? NULL : fdopen(fd, "wb");
    if (out == NULL) {
        perror(path);
        fclose(in);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) rc = -1;
    }
    if (ferror(in)) rc = -1;
    fclose(in);
    if (fclose(out) != 0) rc = -1;
    return rc;
}

int sc_state_setup(void **state)
{
    (void)state;
    strcpy(state_dir, "/tmp/softcca-ctest-XXXXXX");
    if (mkdtemp(state_dir) == NULL) {
        perror("mkdtemp");
        state_dir[0] = '\0';
        return -1;
    }
    /* The directory stands for an existing one (initialised before roles): the legacy-form
     * acp.conf, every point as before, until the tests log on as custodians (CSUALCT). */
    if (sc_write_legacy_acp(state_dir) != 0) {
        return -1;
    }
    /* Before the first verb call: the library resolves its state directory once. */
    if (setenv("SOFTCCA_HOME", state_dir, 1) != 0 || unsetenv("CSUDESLD") != 0) {
        perror("setenv");
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int sc_state_teardown(void **state)
{
    (void)state;
    if (state_dir[0] == '\0') {
        return 0;
    }
    if (nftw(state_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        perror(state_dir);
        return -1;
    }
    state_dir[0] = '\0';
    return 0;
}

const char *sc_state_dir(void)
{
    return state_dir[0] ? state_dir : NULL;
}

/* ---- byte fields ------------------------------------------------------------------------- */

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void sc_hex(unsigned char *out, size_t n, const char *hex)
{
    assert_int_equal(strlen(hex), 2 * n);
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(hex[2 * i]);
        int lo = nibble(hex[2 * i + 1]);
        assert_true(hi >= 0 && lo >= 0);
        out[i] = (unsigned char)(hi << 4 | lo);
    }
}

void sc_tohex(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void pad(unsigned char *out, size_t width, const char *text, size_t len)
{
    assert_true(len <= width);
    memset(out, ' ', width);
    memcpy(out, text, len);
}

void sc_kw(unsigned char out[8], const char *text)
{
    pad(out, 8, text, strlen(text));
}

int32_t sc_rules(unsigned char *out, size_t cap, const char *words)
{
    int32_t n = 0;
    const char *p = words;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        assert_true(8 * (size_t)(n + 1) <= cap);
        pad(out + 8 * n, 8, p, len);
        n++;
        p += len;
    }
    return n;
}

void sc_label(unsigned char out[64], const char *text)
{
    pad(out, 64, text, strlen(text));
}

void sc_fill_sentinel(void *buf, size_t n)
{
    memset(buf, SC_SENTINEL, n);
}

int sc_is_sentinel(const void *buf, size_t n)
{
    const unsigned char *b = buf;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != SC_SENTINEL) return 0;
    }
    return 1;
}

/* ---- fullwords --------------------------------------------------------------------------- */

int32_t *sc_fw(sc_fullword *f, unsigned offset, int32_t value)
{
    assert_true(offset < 8);
    memset(f->buf, 0xEE, sizeof f->buf);
    f->offset = offset;
    memcpy(f->buf + offset, &value, sizeof value);
    /* Possibly misaligned on purpose: the library reads and writes it unaligned. */
    return (int32_t *)(void *)(f->buf + offset);
}

int32_t sc_fw_get(const sc_fullword *f)
{
    int32_t v;
    memcpy(&v, f->buf + f->offset, sizeof v);
    return v;
}

/* ---- master keys and tokens -------------------------------------------------------------- */

void sc_odd_parity(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ones = 0;
        for (unsigned b = 1; b < 0x100; b <<= 1) ones += (buf[i] & 0xFE & b) != 0;
        buf[i] = (unsigned char)((buf[i] & 0xFE) | (ones % 2 == 0));
    }
}

void sc_part(unsigned char out[24], unsigned seed)
{
    /* xorshift32: deterministic, different for every seed, never a weak DES key in practice
     * (a weak key shows up as 8/703 in the test that uses it). */
    uint32_t x = 0x9E3779B9u ^ (seed * 0x85EBCA6Bu + 1u);
    for (size_t i = 0; i < 24; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (unsigned char)(x >> 11);
    }
    sc_odd_parity(out, 24);
}

void sc_part_for(unsigned char out[24], const unsigned char first[24],
                 const unsigned char key[24])
{
    /* CSNBMKP XORs the parts and then sets odd parity; XOR of two odd-parity bytes has even
     * parity, so aim at key ^ 01 in every byte: adjusting its parity gives key back. */
    for (size_t i = 0; i < 24; i++) out[i] = (unsigned char)(first[i] ^ key[i] ^ 0x01);
}

void sc_load_master_key(unsigned seed)
{
    unsigned char p1[24], p2[24];
    sc_part(p1, seed);
    sc_part(p2, seed + 1);
    expect_codes(sc_mkp("CLEAR", p1), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_mkp("SET", p1), 0, 0);
}

uint32_t sc_tvv(const unsigned char token[64])
{
    uint32_t sum = 0;
    for (size_t i = 0; i < 60; i += 4) {
        sum += (uint32_t)token[i] << 24 | (uint32_t)token[i + 1] << 16 |
               (uint32_t)token[i + 2] << 8 | (uint32_t)token[i + 3];
    }
    return sum;
}

void sc_skeleton_token(unsigned char token[64], const unsigned char cv[16])
{
    memset(token, 0, 64);
    token[0] = 0x01; /* internal */
    token[6] = 0x40; /* control vector present, no key */
    memcpy(token + 32, cv, 16);
    uint32_t t = sc_tvv(token);
    token[60] = (unsigned char)(t >> 24);
    token[61] = (unsigned char)(t >> 16);
    token[62] = (unsigned char)(t >> 8);
    token[63] = (unsigned char)t;
}

const unsigned char SC_CV_DATA_DOUBLE[16] = {
    0x00, 0x00, 0x7D, 0x00, 0x03, 0x41, 0x00, 0x00,
    0x00, 0x00, 0x7D, 0x00, 0x03, 0x21, 0x00, 0x00,
};

/* ---- verb wrappers ----------------------------------------------------------------------- */

sc_codes sc_mkp(const char *words, const unsigned char key_part[24])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8 * 16];
    unsigned char part[24];
    int32_t count = sc_rules(rules, sizeof rules, words);
    memcpy(part, key_part, sizeof part);
    CSNBMKP(&c.rc, &c.rs, &exit_len, exit_data, &count, rules, part);
    return c;
}

sc_codes sc_krc(const char *label)
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char l[64];
    sc_label(l, label);
    CSNBKRC(&c.rc, &c.rs, &exit_len, exit_data, l);
    return c;
}

sc_codes sc_krw(const unsigned char token[64], const char *label)
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char l[64], t[64];
    sc_label(l, label);
    memcpy(t, token, 64);
    CSNBKRW(&c.rc, &c.rs, &exit_len, exit_data, t, l);
    return c;
}

sc_codes sc_krr(const char *label, unsigned char token[64])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char l[64];
    sc_label(l, label);
    CSNBKRR(&c.rc, &c.rs, &exit_len, exit_data, l, token);
    return c;
}

sc_codes sc_krd(const char *words, const char *label)
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8 * 16];
    unsigned char l[64];
    int32_t count = sc_rules(rules, sizeof rules, words);
    sc_label(l, label);
    CSNBKRD(&c.rc, &c.rs, &exit_len, exit_data, &count, rules, l);
    return c;
}

sc_codes sc_krl(const char *pattern, int32_t *name_len, unsigned char name[64],
                unsigned char server[8])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char l[64];
    sc_label(l, pattern);
    CSNBKRL(&c.rc, &c.rs, &exit_len, exit_data, l, name_len, name, server);
    return c;
}

unsigned char *sc_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---- known keys, key tokens from clear parts, Key Test ------------------------------------ */

int sc_has_odd_parity(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned ones = 0;
        for (unsigned bit = 1; bit < 0x100; bit <<= 1) ones += (b[i] & bit) != 0;
        if (ones % 2 == 0) return 0;
    }
    return 1;
}

void sc_load_master_key_hex(const char *mk_hex)
{
    unsigned char mk[24], p1[24], p2[24];
    static const unsigned char zero[24];
    sc_hex(mk, sizeof mk, mk_hex);
    assert_true(sc_has_odd_parity(mk, sizeof mk));
    sc_part(p1, 0x5C5C);
    sc_part_for(p2, p1, mk);
    expect_codes(sc_mkp("CLEAR", zero), 0, 0);
    expect_codes(sc_mkp("FIRST", p1), 0, 0);
    expect_codes(sc_mkp("LAST", p2), 0, 0);
    expect_codes(sc_mkp("SET", zero), 0, 0);
}

sc_codes sc_ktb(unsigned char token[64], const char *key_type, const char *words)
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char kt[8], rules[8 * 16], key_value[16] = {0}, cv[16] = {0}, mkvp[8] = {0};
    unsigned char reserved_1[4] = {0};
    int32_t count = sc_rules(rules, sizeof rules, words);
    sc_kw(kt, key_type);
    CSNBKTB(&c.rc, &c.rs, &exit_len, exit_data, token, kt, &count, rules, key_value,
            reserved_1, NULL, NULL, cv, NULL, NULL, NULL, mkvp);
    return c;
}

sc_codes sc_kpi(const char *word, const unsigned char part[16], unsigned char id[64])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0, count = 1;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8], p[16];
    sc_kw(rules, word);
    memcpy(p, part, sizeof p);
    CSNBKPI(&c.rc, &c.rs, &exit_len, exit_data, &count, rules, p, id);
    return c;
}

sc_codes sc_kyt(const char *words, const unsigned char id[64], unsigned char v1[8],
                unsigned char v2[8])
{
    sc_codes c = {-1, -1};
    int32_t exit_len = 0;
    unsigned char exit_data[4] = {0};
    unsigned char rules[8 * 16], k[64];
    int32_t count = sc_rules(rules, sizeof rules, words);
    memcpy(k, id, sizeof k);
    CSNBKYT(&c.rc, &c.rs, &exit_len, exit_data, &count, rules, k, v1, v2);
    return c;
}

/* Bytes with 0, 2, 4 or 6 bits set (the "even2" pattern of tests/keys_kpi.rs). */
const unsigned char SC_EVEN_PART[16] = {
    0x03, 0x05, 0x06, 0x09, 0x0A, 0x0C, 0x0F, 0x11,
    0x12, 0x14, 0x17, 0x1B, 0x1D, 0x1E, 0x24, 0x27,
};

void sc_import_key(unsigned char token[64], const char *key_type, const char *words,
                   const unsigned char key[16], int complete)
{
    char all[160];
    snprintf(all, sizeof all, "%s KEY-PART", words);
    expect_codes(sc_ktb(token, key_type, all), 0, 0);
    int32_t want_rs = sc_has_odd_parity(key, 16) ? 0 : 4;
    unsigned char p1[16];
    if (complete) {
        static const unsigned char ignored[16];
        expect_codes(sc_kpi("FIRST", key, token), 0, want_rs);
        expect_codes(sc_kpi("COMPLETE", ignored, token), 0, want_rs);
        return;
    }
    for (size_t i = 0; i < 16; i++) p1[i] = (unsigned char)(key[i] ^ SC_EVEN_PART[i]);
    expect_codes(sc_kpi("FIRST", p1, token), 0, want_rs);
    expect_codes(sc_kpi("LAST", SC_EVEN_PART, token), 0, want_rs);
}

/* ---- access-control points ---------------------------------------------------------------- */

int sc_state_setup_acp(void **state)
{
    if (setenv("SOFTCCA_ACP_RECHECK_MS", "0", 1) != 0) {
        perror("setenv");
        return -1;
    }
    return sc_state_setup(state);
}

void sc_set_acp(unsigned offset, int on)
{
    char path[128];
    assert_non_null(sc_state_dir());
    snprintf(path, sizeof path, "%s/acp.conf", sc_state_dir());
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fprintf(f, "X'%04X' %s\n", offset, on ? "on" : "off");
    assert_int_equal(fclose(f), 0);
}

void sc_reader_field(unsigned char out[128], const char *name)
{
    memset(out, ' ', 128);
    memcpy(out, name, strlen(name));
}

void sc_field_is(const unsigned char *layout, size_t offset, size_t len, const char *want)
{
    char buf[129];
    assert_true(len <= 128 && strlen(want) <= len);
    memset(buf, ' ', len);
    memcpy(buf, want, strlen(want));
    if (memcmp(layout + offset, buf, len) != 0) {
        print_error("field at %zu is \"%.*s\", expected \"%s\"\n", offset, (int)len,
                    (const char *)layout + offset, want);
        fail();
    }
}
