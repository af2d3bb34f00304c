/*
 * keys.c - Ed25519 secret key files, kept outside the store.
 *
 * One format for every key haven signs with (audit checkpoints, seniors'
 * authorisations, HMCI's extract manifests): two lines, a tag and the
 * 32-byte seed in base64.  A key file is created 0600 and never overwritten;
 * one that group or others could read, that another user owns, or that is a
 * symbolic link is refused, since the key must then be treated as exposed.
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

haven_status hv_key_generate(haven_ctx *ctx, const char *path, char pubkey[HAVEN_PUBKEY_B64])
{
	haven_status rc = hv_sodium_ready(ctx);
	if (rc)
		return rc;
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, seed, sizeof seed, sodium_base64_VARIANT_ORIGINAL);
	char text[sizeof KEY_TAG + sizeof b64 + 2];
	int len = snprintf(text, sizeof text, "%s\n%s\n", KEY_TAG, b64);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(b64, sizeof b64);

	/* hv_file_create: never overwrite a key, which would orphan every
	 * checkpoint signed with it.  0600 from the first byte. */
	int fd = hv_file_create(path);
	if (fd < 0) {
		sodium_memzero(text, sizeof text);
		if (errno == EEXIST)
			return hv_error(ctx, HAVEN_ERR_IO, "%s: exists; a key is never overwritten", path);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot create key file: %s", path, strerror(errno));
	}
	int ok = write(fd, text, (size_t)len) == len && fsync(fd) == 0;
	int err = errno;
	ok = close(fd) == 0 && ok;
	sodium_memzero(text, sizeof text);
	if (!ok) {
		unlink(path);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write key file: %s", path, strerror(err));
	}
	if (pubkey)
		sodium_bin2base64(pubkey, HAVEN_PUBKEY_B64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	return HAVEN_OK;
}

/* Read the key file at path into sk (and pk), refusing a file that group
 * or others may read, or that someone else owns. */
haven_status hv_key_read(haven_ctx *ctx, const char *path, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                         unsigned char sk[crypto_sign_SECRETKEYBYTES])
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
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: cannot read key file: %s", path, strerror(errno));
	text[n] = '\0';
	haven_status rc = HAVEN_OK;
	size_t tag = strlen(KEY_TAG);
	unsigned char seed[crypto_sign_SEEDBYTES];
	size_t seedlen = 0;
	const char *end = NULL;
	char *b64 = text + tag + 1;
	char *nl = (size_t)n > tag + 1 ? strchr(b64, '\n') : NULL;
	if ((size_t)n <= tag + 1 || strncmp(text, KEY_TAG, tag) != 0 || text[tag] != '\n' || !nl || nl[1] != '\0')
		rc =
		    hv_error(ctx, HAVEN_ERR_FORMAT,
		             "%s: not a haven key file (two lines: '%s', then the key in base64)", path, KEY_TAG);
	else if (sodium_base642bin(seed, sizeof seed, b64, (size_t)(nl - b64), NULL, &seedlen, &end,
	                           sodium_base64_VARIANT_ORIGINAL) != 0 ||
	         seedlen != sizeof seed || end != nl)
		rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the key line is not %d bytes of base64", path,
		              crypto_sign_SEEDBYTES);
	else
		crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(text, sizeof text);
	return rc;
}

void hv_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, data, len);
	sodium_bin2hex(hex, 65, d, sizeof d);
}
