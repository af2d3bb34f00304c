/*
 * missing.h - the missing-from-care module's internals (missing.c), shared
 * with its unit tests: pseudonyms, the key's fingerprint, clock times, and
 * the one-to-one pairing of police and LA reports.
 */
#ifndef HAVEN_DATA_MISSING_H
#define HAVEN_DATA_MISSING_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "core/context.h"
#include "core/output.h"
#include "core/source.h"

/** The HMAC state of key, made once for many pseudonyms (the key's inner
 *  and outer blocks hashed): *keyed is the caller's, to be wiped with
 *  sodium_memzero when done. */
void hv_missing_keyed(const unsigned char key[crypto_auth_hmacsha256_KEYBYTES], crypto_auth_hmacsha256_state *keyed);

/** The pseudonym of a child identifier id (len bytes, borrowed) under the
 *  key of keyed (hv_missing_keyed; borrowed, unchanged): HMAC-SHA-256 in 64
 *  lower-case hex digits and a NUL. */
void hv_missing_pseudonym(const crypto_auth_hmacsha256_state *keyed, const char *id, size_t len, char hex[65]);

/** The key's fingerprint as the store records it: SHA-256 (hex) of a
 *  domain tag and the key, so it is never the pseudonym of anything. */
void hv_missing_fingerprint(const unsigned char key[crypto_auth_hmacsha256_KEYBYTES], char hex[65]);

/** Parse a clock time in one of the file's forms ("YYYY-MM-DD HH:MM[:SS]",
 *  "YYYY-MM-DDTHH:MM[:SS]", "DD/MM/YYYY HH:MM[:SS]") into out
 *  ("YYYY-MM-DDTHH:MM:SS") and *secs (seconds since 1970-01-01T00:00:00 of
 *  the same clock).  1 for a real date and time, 0 otherwise. */
int hv_missing_time(const char *s, char out[20], int64_t *secs);

/** Pair police and LA reports of one child at one home, one to one: the
 *  starts police[0..np) and la[0..nl) (seconds, each ascending); a pair
 *  is within tol seconds, and the nearest pairs are made first (ties: the
 *  earlier police start, then the earlier LA start).  On return
 *  match_p[i] is the LA index paired with police i, or -1, and match_l[j]
 *  the police index paired with LA j, or -1.  Returns 0, or -1 when out of
 *  memory. */
int hv_missing_pair(const int64_t *police, size_t np, const int64_t *la, size_t nl, int64_t tol, long *match_p,
                    long *match_l);

/* ---- pieces every import of children's records shares (placements too) -- */

/** A column of an input file: its name as docs/formats.md gives it, whether
 *  it is required, the names it is known by (NULL-terminated). */
typedef struct hv_column {
	const char *name;
	int required;
	const char *const names[4];
} hv_column;

/** Find the n columns in src's header: col[i] the index of columns[i], -1
 *  when absent.  A required column absent is HAVEN_ERR_MISSING at row 1. */
haven_status hv_missing_columns(hv_source *src, const hv_column *columns, int n, int *col);

/** Trim spaces and tabs around the NUL-terminated *s: *s moves to its first
 *  other byte, and the length up to its last is returned (0: blank). */
size_t hv_missing_trim(const char **s);

/** The pseudonym of the child identifier raw (spaces and tabs around it
 *  dropped) under keyed into hex; returns the identifier's trimmed length
 *  (0: empty, hex untouched). */
size_t hv_missing_child(const crypto_auth_hmacsha256_state *keyed, const char *raw, char hex[65]);

/** The key's fingerprint fp against the store's (missing_key, one key for
 *  every dataset keyed by child): *record 1 when the store has none yet
 *  (the first import records it with hv_missing_key_record).
 * \param keyfile borrowed, named in the message
 * \return HAVEN_ERR_TAMPER when the store holds another fingerprint. */
haven_status hv_missing_key_check(haven_ctx *ctx, const char *keyfile, const char *fp, int *record);

/** Record fingerprint fp as the store's, at now (an ISO time), in the
 *  caller's transaction. */
haven_status hv_missing_key_record(haven_ctx *ctx, const char *fp, const char *now);

/** The SHA-256 (hex) of the file at path, read once through the input
 *  checks (hv_input_open). */
haven_status hv_missing_file_sha(haven_ctx *ctx, const char *path, char hex[65]);

/** The last component of path (borrowed from it). */
const char *hv_missing_base_name(const char *path);

/** Create the reject file path (new, 0600; never overwriting) with the
 *  source's header, the column child_col named child_pseudonym, then row,
 *  reason and protective_marking.  *out is the caller's, committed with
 *  hv_output_commit or dropped with hv_output_abort. */
haven_status hv_missing_rejects_open(haven_ctx *ctx, const char *path, hv_source *src, int child_col, hv_output *out);

/** Write the source's current row to f: its child identifier (column
 *  child_col) replaced by pseudonym, then its row number, why, and the
 *  marking.  Every argument borrowed. */
void hv_missing_reject(FILE *f, hv_source *src, int child_col, const char *pseudonym, const char *why);

#endif
