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

#endif
