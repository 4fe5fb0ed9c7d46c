/*
 * Shared helpers of the softcca C test suite (cmocka).
 *
 * Every test binary is one cmocka group whose group setup is sc_state_setup(): it makes a
 * fresh state directory with mkdtemp, points SOFTCCA_HOME at it before the first verb call
 * (the library opens its state directory once per process) and sc_state_teardown() removes it.
 * Tests inside one binary share that directory, so each test uses its own labels and its own
 * master-key parts.
 *
 * To test a new verb, add c-tests/test_<verb>.c with its own main(); the Makefile builds
 * every test_*.c against common.c.
 */
#ifndef SOFTCCA_C_TESTS_COMMON_H
#define SOFTCCA_C_TESTS_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "softcca.h"

/* ---- return and reason codes ------------------------------------------------------------- */

/* What one verb call reported. */
typedef struct {
    int32_t rc;
    int32_t rs;
} sc_codes;

/* Fails the current test unless `got` is want_rc/want_rs; the message names the call. */
void sc_check_codes(const char *what, sc_codes got, int32_t want_rc, int32_t want_rs,
                    const char *file, int line);
#define expect_codes(call, want_rc, want_rs) \
    sc_check_codes(#call, (call), (want_rc), (want_rs), __FILE__, __LINE__)

/* ---- state directory --------------------------------------------------------------------- */

/* Writes the legacy-form acp.conf (tests/data/acp-legacy.conf, path SC_LEGACY_ACP from the
 * Makefile) into dir: the directory then stands for one initialised before roles existed. */
int sc_write_legacy_acp(const char *dir);
/* cmocka group setup: fresh mkdtemp directory with the legacy-form acp.conf (an existing
 * directory, all points as before), SOFTCCA_HOME set, CSUDESLD unset. */
int sc_state_setup(void **state);
/* cmocka group teardown: removes the directory made by sc_state_setup(). */
int sc_state_teardown(void **state);
/* The directory made by sc_state_setup() (NULL before). */
const char *sc_state_dir(void);

/* ---- byte fields ------------------------------------------------------------------------- */

/* Decodes exactly 2*n hex digits into out[n] (aborts the test on bad input). */
void sc_hex(unsigned char *out, size_t n, const char *hex);
/* Writes the hex of in[n] into out (2*n + 1 bytes). */
void sc_tohex(char *out, const unsigned char *in, size_t n);
/* An 8-byte keyword: `text` left-aligned, blank padded, no NUL. */
void sc_kw(unsigned char out[8], const char *text);
/* A rule array from blank-separated words ("ADAPTER SYM-MK CLEAR"); returns the count. */
int32_t sc_rules(unsigned char *out, size_t cap, const char *words);
/* A 64-byte key label: `text` left-aligned, blank padded. */
void sc_label(unsigned char out[64], const char *text);
/* Fills buf with the sentinel byte; sc_is_sentinel() checks it is still there. */
#define SC_SENTINEL 0xA5
void sc_fill_sentinel(void *buf, size_t n);
int sc_is_sentinel(const void *buf, size_t n);
/* A 128-byte card reader-name field: `name` left-aligned, blank padded (docs/card-verbs.md). */
void sc_reader_field(unsigned char out[128], const char *name);
/* Fails the test unless layout[offset..offset+len] is `want` blank padded (a fixed ASCII field
 * of a card verb's output). */
void sc_field_is(const unsigned char *layout, size_t offset, size_t len, const char *want);

/* ---- fullwords at a chosen alignment ----------------------------------------------------- */

/*
 * An int32_t fullword stored at byte offset `offset` (0..7) of an 8-aligned buffer: offset 0
 * is aligned, 1 and 3 are odd addresses, as in a COBOL group without SYNC. The test never
 * dereferences the pointer itself; values go in and out with memcpy.
 */
typedef struct {
    _Alignas(8) unsigned char buf[16];
    unsigned offset;
} sc_fullword;
int32_t *sc_fw(sc_fullword *f, unsigned offset, int32_t value);
int32_t sc_fw_get(const sc_fullword *f);

/* ---- master keys and tokens -------------------------------------------------------------- */

/* A deterministic 24-byte key part with odd parity in every byte, different per seed. */
void sc_part(unsigned char out[24], unsigned seed);
/* Sets odd parity in every byte. */
void sc_odd_parity(unsigned char *buf, size_t n);
/* The second part that, with `first`, makes master key `key` (odd parity) after CSNBMKP's
 * parity adjustment; it has odd parity itself. */
void sc_part_for(unsigned char out[24], const unsigned char first[24],
                 const unsigned char key[24]);
/* CLEAR, FIRST part(seed), LAST part(seed + 1), SET: a new current master key (0/0 each). */
void sc_load_master_key(unsigned seed);

/* Token validation value: the sum of the 15 big-endian words at offsets 0..56. */
uint32_t sc_tvv(const unsigned char token[64]);
/* A key-less internal DES token (as Key Token Build makes) for a 16-byte control vector. */
void sc_skeleton_token(unsigned char token[64], const unsigned char cv[16]);
/* The DATA control vector, double length (00007D0003410000 00007D0003210000). */
extern const unsigned char SC_CV_DATA_DOUBLE[16];

/* ---- verb wrappers (all parameters by reference, exit data passed and empty) -------------- */

sc_codes sc_mkp(const char *words, const unsigned char key_part[24]);
sc_codes sc_krc(const char *label);
sc_codes sc_krw(const unsigned char token[64], const char *label);
sc_codes sc_krr(const char *label, unsigned char token[64]);
sc_codes sc_krd(const char *words, const char *label);
/* CSNBKRL; name is 64 bytes, server 8 bytes; *name_len set on success. */
sc_codes sc_krl(const char *pattern, int32_t *name_len, unsigned char name[64],
                unsigned char server[8]);

/* ---- known keys, key tokens from clear parts (CSNBKTB + CSNBKPI), Key Test ---------------- */

/* The test master key of tests/vectors/README.md (hex, 24 bytes) and its verification pattern
 * (tests/data/mkvp.txt s9-test-mk: SHA-1(X'01' || MK), first 8 bytes, by Python hashlib). */
#define SC_S9_MK "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123"
#define SC_S9_MKVP "23FB12BC983BE87A"

/* 1 when every byte of b[n] has odd parity. */
int sc_has_odd_parity(const unsigned char *b, size_t n);
/* CLEAR, FIRST, LAST, SET with two odd-parity parts whose XOR is `mk` (24 bytes, odd
 * parity, hex): `mk` becomes the current master key and the previous one the old (0/0 each;
 * `mk` must not be current already). */
void sc_load_master_key_hex(const char *mk_hex);
/* CSNBKTB with no key value, zero reserved field, zero CV and MKVP: a skeleton. */
sc_codes sc_ktb(unsigned char token[64], const char *key_type, const char *words);
/* CSNBKPI with one keyword; `id` (token or label) is updated in place. */
sc_codes sc_kpi(const char *word, const unsigned char part[16], unsigned char id[64]);
/* CSNBKYT; `id` is copied (not changed), v1/v2 are passed as they are. */
sc_codes sc_kyt(const char *words, const unsigned char id[64], unsigned char v1[8],
                unsigned char v2[8]);
/* The even-parity key part the tests use as the LAST part (each byte has an even number of
 * ones, so key ^ SC_EVEN_PART keeps the key's parity). */
extern const unsigned char SC_EVEN_PART[16];
/* CSNBKTB skeleton of key_type + words + KEY-PART, then CSNBKPI FIRST (key ^ SC_EVEN_PART)
 * and LAST (SC_EVEN_PART): the clear 16-byte `key` wrapped under the current master key.
 * Expects 0/0 from each step, or the parity warning 0/4 from the KPI steps when `key` does not
 * have odd parity. With `complete`, FIRST takes the whole key and COMPLETE finishes it. */
void sc_import_key(unsigned char token[64], const char *key_type, const char *words,
                   const unsigned char key[16], int complete);

/* ---- access-control points ---------------------------------------------------------------- */

/* Group setup for binaries that switch access-control points: as sc_state_setup(), and makes
 * the library re-read acp.conf on every call (SOFTCCA_ACP_RECHECK_MS=0). */
int sc_state_setup_acp(void **state);
/* Appends "X'offset' on|off" to the state directory's acp.conf (later lines win). The file
 * exists once any verb has opened the state directory. */
void sc_set_acp(unsigned offset, int on);

/* Reads a whole file into a malloc'd buffer; returns NULL when it cannot. */
unsigned char *sc_read_file(const char *path, size_t *len);

#endif /* SOFTCCA_C_TESTS_COMMON_H */
