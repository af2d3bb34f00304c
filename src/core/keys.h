/*
 * keys_int.h - Ed25519 key files (libsodium), shared by every signer, and the
 * SHA-256 by which an imported file is recorded.
 */
#ifndef HAVEN_KEYS_INT_H
#define HAVEN_KEYS_INT_H

#include <sodium.h>

#include "core/context.h"

/** HAVEN_OK once libsodium is initialised. */
haven_status hv_sodium_ready(haven_ctx *ctx);

/** Make a new Ed25519 key and write its secret seed to path (created 0600,
 *  never overwriting: HAVEN_ERR_IO if path exists).  pubkey, if not NULL,
 *  receives the public half in base64. */
haven_status hv_key_generate(haven_ctx *ctx, const char *path, char pubkey[HAVEN_PUBKEY_B64]);

/** Read the key file at path into pk and sk.  HAVEN_ERR_DENIED for a file
 *  group or others may read, another user owns, or a symbolic link;
 *  HAVEN_ERR_FORMAT for a file that is not a haven key. */
haven_status hv_key_read(haven_ctx *ctx, const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                         unsigned char sk[crypto_sign_SECRETKEYBYTES]);

/** Make a new HMAC-SHA-256 key (32 random bytes) at path, created 0600 and
 *  never overwriting (HAVEN_ERR_IO if path exists).  The file is two lines,
 *  'haven-hmac-sha256-key-v1' and the key in base64. */
haven_status hv_hmac_key_generate(haven_ctx *ctx, const char *path);

/** Read the HMAC key file at path into key, with the checks of hv_key_read
 *  (HAVEN_ERR_DENIED for a loose mode, another owner or a symbolic link;
 *  HAVEN_ERR_FORMAT for a file that is not a haven HMAC key; HAVEN_ERR_IO
 *  when it is missing).  The caller wipes key (sodium_memzero). */
haven_status hv_hmac_key_read(haven_ctx *ctx, const char *path, unsigned char key[crypto_auth_hmacsha256_KEYBYTES]);

/** Public key <-> base64 (sodium's ORIGINAL variant). hv_pubkey_parse
 *  returns 1 for exactly 32 bytes of valid base64. */
void hv_pubkey_b64(const unsigned char pk[32], char out[HAVEN_PUBKEY_B64]);
int hv_pubkey_parse(const char *b64, unsigned char pk[32]);

/** SHA-256 of len bytes at data (borrowed), as 64 hex digits and a NUL: how
 *  an import records exactly the bytes it parsed. */
void hv_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
