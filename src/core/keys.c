/*
 * keys.c - Ed25519 secret key files, kept outside the store.
 *
 * One format for every key haven signs with (audit checkpoints, seniors'
 * authorisations, HMCI's extract manifests): two lines, a tag and the
 * 32-byte seed in base64.  A key file is created 0600 and never overwritten;
 * one that group or others could read, that another user owns, or that is a
 * symbolic link is refused, since the key must then be treated as exposed.
 * The pseudonymisation key of missing-episode imports (HMAC-SHA-256, 32
 * random bytes) is kept the same way, under its own tag.
 * Also the SHA-256 (hex) by which an import records the bytes it read.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/keys.h"
#include "core/output.h"

#define KEY_TAG "haven-ed25519-secret-key-v1"
#define HMAC_TAG "haven-hmac-sha256-key-v1"

haven_status hv_sodium_ready(haven_ctx *ctx)
{
	if (sodium_init() < 0)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "libsodium could not be initialised");
	return HAVEN_OK;
}

void hv_pubkey_b64(const unsigned char pk[32], char out[HAVEN_PUBKEY_B64])
{
	sodium_bin2base64(out, HAVEN_PUBKEY_B64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
}

int hv_pubkey_parse(const char *b64, unsigned char pk[32])
{
	size_t len = 0;
	const char *end = NULL;
	return sodium_base642bin(pk, 32, b64, strlen(b64), NULL, &len, &end, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       len == 32 && end && *end == '\0';
}

/* Write text (len bytes) to a new key file at path: created 0600 from the
 * first byte, never over anything already there (a key overwritten would
 * orphan every signature or pseudonym made with it). */
static haven_status write_key_file(haven_ctx *ctx, const char *path, const char *text, size_t len)
{
	int fd = hv_file_create(path);
	if (fd < 0) {
		if (errno == EEXIST)
			return hv_error(ctx, HAVEN_ERR_IO, "%s: exists; a key is never overwritten", path);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot create key file: %s", path, strerror(errno));
	}
	int ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	int err = errno;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlink(path);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write key file: %s", path, strerror(err));
	}
	return HAVEN_OK;
}

/* Make a key file of tag and n random bytes; the bytes into secret if not NULL. */
static haven_status generate(haven_ctx *ctx, const char *path, const char *tag, unsigned char *secret, size_t n)
{
	haven_status rc = hv_sodium_ready(ctx);
	if (rc)
		return rc;
	unsigned char raw[64];
	randombytes_buf(raw, n);
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, raw, n, sodium_base64_VARIANT_ORIGINAL);
	char text[64 + sizeof b64 + 2];
	int len = snprintf(text, sizeof text, "%s\n%s\n", tag, b64);
	rc = write_key_file(ctx, path, text, (size_t)len);
	if (!rc && secret)
		memcpy(secret, raw, n);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(b64, sizeof b64);
	sodium_memzero(text, sizeof text);
	return rc;
}

/* Read the key file at path, tagged tag, into its n secret bytes, refusing
 * a file that group or others may read, that someone else owns, or that is
 * a symbolic link. */
static haven_status read_key_file(haven_ctx *ctx, const char *path, const char *tag, unsigned char *secret, size_t n)
{
	/* O_NONBLOCK: a FIFO in the key's place must be refused below, not
	 * waited on here. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		return hv_error(ctx, HAVEN_ERR_DENIED, "%s: key file is a symbolic link; refusing to follow it", path);
	if (fd < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot open key file: %s", path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: not a regular file", path);
	}
	if (sb.st_mode & 077) {
		close(fd);
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "%s: key file mode %04o lets group or others read it; refusing to use it "
		                "(chmod 600 it, and treat the key as exposed)",
		                path, (unsigned)(sb.st_mode & 07777));
	}
	if (sb.st_uid != geteuid()) {
		close(fd);
		return hv_error(ctx, HAVEN_ERR_DENIED, "%s: key file belongs to another user; refusing to use it",
		                path);
	}
	char text[256];
	ssize_t got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot read key file: %s", path, strerror(errno));
	text[got] = '\0';
	haven_status rc = HAVEN_OK;
	size_t taglen = strlen(tag), len = 0;
	const char *end = NULL;
	char *b64 = text + taglen + 1;
	char *nl = (size_t)got > taglen + 1 ? strchr(b64, '\n') : NULL;
	if ((size_t)got <= taglen + 1 || strncmp(text, tag, taglen) != 0 || text[taglen] != '\n' || !nl ||
	    nl[1] != '\0')
		rc = hv_error(ctx, HAVEN_ERR_FORMAT,
		              "%s: not a haven key file (two lines: '%s', then the key in base64)", path, tag);
	else if (sodium_base642bin(secret, n, b64, (size_t)(nl - b64), NULL, &len, &end,
	                           sodium_base64_VARIANT_ORIGINAL) != 0 ||
	         len != n || end != nl)
		rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the key line is not %zu bytes of base64", path, n);
	sodium_memzero(text, sizeof text);
	if (rc)
		sodium_memzero(secret, n);
	return rc;
}

haven_status hv_key_generate(haven_ctx *ctx, const char *path, char pubkey[HAVEN_PUBKEY_B64])
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	haven_status rc = generate(ctx, path, KEY_TAG, seed, sizeof seed);
	if (!rc && pubkey) {
		crypto_sign_seed_keypair(pk, sk, seed);
		sodium_bin2base64(pubkey, HAVEN_PUBKEY_B64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
		sodium_memzero(sk, sizeof sk);
	}
	sodium_memzero(seed, sizeof seed);
	return rc;
}

haven_status hv_key_read(haven_ctx *ctx, const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                         unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	haven_status rc = read_key_file(ctx, path, KEY_TAG, seed, sizeof seed);
	if (!rc)
		crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

haven_status hv_hmac_key_generate(haven_ctx *ctx, const char *path)
{
	return generate(ctx, path, HMAC_TAG, NULL, crypto_auth_hmacsha256_KEYBYTES);
}

haven_status hv_hmac_key_read(haven_ctx *ctx, const char *path, unsigned char key[crypto_auth_hmacsha256_KEYBYTES])
{
	haven_status rc = hv_sodium_ready(ctx);
	return rc ? rc : read_key_file(ctx, path, HMAC_TAG, key, crypto_auth_hmacsha256_KEYBYTES);
}

void hv_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, data, len);
	sodium_bin2hex(hex, 65, d, sizeof d);
}
