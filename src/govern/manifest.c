/*
 * manifest.c - the signed manifest that travels with every register extract.
 *
 * HMCI signs a short text document with Ed25519: who the extract is for, who
 * made it, when, how many homes, and the SHA-256 of the extract file.  The
 * receiver checks the signature against the HMCI public keys it has
 * recorded (authority_key), then the file's hash, before a single row is
 * imported, so an extract altered on the way, or one not from HMCI, never
 * reaches the store.  The body has exactly one encoding (fixed fields in a
 * fixed order, one "key: value" line each); the verifier re-encodes what it
 * parsed and requires the same bytes, so what is signed is exactly what is
 * read.  Format: docs/disclosure.md ("Manifest").
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/disclosure.h"
#include "core/sql.h"

#define MAX_MANIFEST 16384

enum { F_TEXT, F_INT };

/* clang-format off */
#define TEXT_FIELD(k, m) {k, F_TEXT, offsetof(hv_manifest, m), sizeof(((hv_manifest *)0)->m)}
#define INT_FIELD(k, m) {k, F_INT, offsetof(hv_manifest, m), sizeof(int64_t)}
/* clang-format on */

/* The fields in canonical order: key, type, offset and size in hv_manifest. */
static const struct field {
	const char *key;
	int type;
	size_t off, size;
} fields[] = {
    TEXT_FIELD("marking", marking),
    INT_FIELD("extract", extract),
    INT_FIELD("request", request),
    TEXT_FIELD("requesting_authority", authority),
    TEXT_FIELD("requesting_authority_name", authority_name),
    TEXT_FIELD("issuing_authority", issuer),
    TEXT_FIELD("issuing_authority_name", issuer_name),
    TEXT_FIELD("extract_date", extract_date),
    TEXT_FIELD("register_as_at", register_as_at),
    INT_FIELD("homes", homes),
    TEXT_FIELD("sha256", sha256),
    TEXT_FIELD("public_key", public_key),
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static int clean_text(const char *s)
{
	if (!*s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The canonical body: the tag line, then "key: value\n" for every field. */
static haven_status encode(haven_ctx *ctx, const hv_manifest *m, char **out, size_t *len)
{
	size_t cap = sizeof HV_MANIFEST_TAG + 1;
	for (size_t i = 0; i < NFIELDS; i++)
		cap += strlen(fields[i].key) + 3 + (fields[i].type == F_INT ? 21 : fields[i].size);
	char *b = malloc(cap);
	if (!b)
		return nomem(ctx);
	size_t n = (size_t)snprintf(b, cap, "%s\n", HV_MANIFEST_TAG);
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *base = (const char *)m + fields[i].off;
		if (fields[i].type == F_INT) {
			int64_t v;
			memcpy(&v, base, sizeof v);
			n += (size_t)snprintf(b + n, cap - n, "%s: %lld\n", fields[i].key, (long long)v);
			continue;
		}
		if (!memchr(base, '\0', fields[i].size) || !clean_text(base)) {
			free(b);
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "manifest field %s is empty, too long or holds a control character",
			                fields[i].key);
		}
		n += (size_t)snprintf(b + n, cap - n, "%s: %s\n", fields[i].key, base);
	}
	*out = b;
	*len = n;
	return HAVEN_OK;
}

haven_status hv_manifest_write(haven_ctx *ctx, hv_manifest *m, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                               const unsigned char sk[crypto_sign_SECRETKEYBYTES], FILE *f, const char *path)
{
	hv_pubkey_b64(pk, m->public_key);
	char *body;
	size_t len;
	haven_status rc = encode(ctx, m, &body, &len);
	if (rc)
		return rc;
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)body, len, sk);
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	if (fwrite(body, 1, len, f) != len || fprintf(f, "\nsignature: %s\n", b64) < 0 || fflush(f) != 0)
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot write the manifest: %s", path, strerror(errno));
	free(body);
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

static haven_status tamper(haven_ctx *ctx, const char *path, const char *why)
{
	return hv_error(ctx, HAVEN_ERR_TAMPER, "%s: %s; the extract is refused", path, why);
}

/* A decimal without sign or leading zeros. */
static int parse_count(const char *s, int64_t *v)
{
	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 18)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	*v = strtoll(s, NULL, 10);
	return 1;
}

/* Split the document into body (signed) and signature, and the body into
 * fields; then require the body to be the canonical encoding of them. */
static haven_status parse(haven_ctx *ctx, const char *path, char *doc, size_t n, hv_manifest *m,
                          unsigned char sig[crypto_sign_BYTES], size_t *body_len)
{
	memset(m, 0, sizeof *m);
	if (memchr(doc, '\0', n))
		return tamper(ctx, path, "not a manifest (it holds a NUL byte)");
	char *sep = strstr(doc, "\n\n");
	if (!sep)
		return tamper(ctx, path, "not a manifest (no blank line before the signature)");
	*body_len = (size_t)(sep - doc) + 1;
	const char *tail = sep + 2;
	static const char sigkey[] = "signature: ";
	size_t siglen = 0;
	const char *end = NULL;
	if (strncmp(tail, sigkey, sizeof sigkey - 1) != 0 ||
	    sodium_base642bin(sig, crypto_sign_BYTES, tail + sizeof sigkey - 1, strlen(tail + sizeof sigkey - 1), NULL,
	                      &siglen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    siglen != crypto_sign_BYTES || !end || strcmp(end, "\n") != 0)
		return tamper(ctx, path,
		              "the last line is not 'signature: ' and a 64-byte Ed25519 signature in base64");

	char *line = doc, msg[160];
	doc[*body_len - 1] = '\0'; /* the body's last newline; restored below */
	size_t k = 0;
	haven_status rc = HAVEN_OK;
	for (int ln = 1; !rc && line; ln++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (ln == 1) {
			if (strcmp(line, HV_MANIFEST_TAG) != 0) {
				snprintf(msg, sizeof msg, "line 1 is not '%s'", HV_MANIFEST_TAG);
				rc = tamper(ctx, path, msg);
			}
		} else if (k == NFIELDS) {
			snprintf(msg, sizeof msg, "line %d: a line after the last field (public_key)", ln);
			rc = tamper(ctx, path, msg);
		} else {
			const struct field *f = &fields[k++];
			size_t kl = strlen(f->key);
			char *dst = (char *)m + f->off;
			int ok = strncmp(line, f->key, kl) == 0 && line[kl] == ':' && line[kl + 1] == ' ';
			const char *v = ok ? line + kl + 2 : "";
			if (ok && f->type == F_INT) {
				int64_t x = 0;
				ok = parse_count(v, &x);
				memcpy(dst, &x, sizeof x);
			} else if (ok) {
				ok = strlen(v) < f->size;
				if (ok)
					memcpy(dst, v, strlen(v) + 1);
			}
			if (!ok) {
				snprintf(msg, sizeof msg, "line %d is not '%s: %s'", ln, f->key,
				         f->type == F_INT ? "a count" : "its value");
				rc = tamper(ctx, path, msg);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!rc && k < NFIELDS) {
		snprintf(msg, sizeof msg, "field '%s' is missing", fields[k].key);
		rc = tamper(ctx, path, msg);
	}
	if (rc)
		return rc;
	/* Restore the body as read and compare it with the canonical encoding. */
	for (size_t i = 0; i + 1 < *body_len; i++)
		if (doc[i] == '\0')
			doc[i] = '\n';
	doc[*body_len - 1] = '\n';
	char *canon;
	size_t clen;
	if ((rc = encode(ctx, m, &canon, &clen))) {
		char why[sizeof ctx->errmsg];
		snprintf(why, sizeof why, "%s", ctx->errmsg);
		return tamper(ctx, path, why);
	}
	int same = clen == *body_len && memcmp(canon, doc, clen) == 0;
	free(canon);
	if (!same)
		return tamper(ctx, path, "its fields are not in canonical form");
	return HAVEN_OK;
}

/* Which recorded HMCI key, if any, made sig over body: *who receives
 * "code (name)" of its authority. */
static haven_status find_signer(haven_ctx *ctx, const unsigned char *body, size_t len,
                                const unsigned char sig[crypto_sign_BYTES], int *known, char *who, size_t nwho,
                                int *named_key_known, const char *named_key)
{
	*known = 0;
	*named_key_known = 0;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx,
	               "SELECT k.public_key, a.code, a.name FROM authority_key k"
	               " JOIN authority a ON a.code = k.authority_code WHERE a.kind = 'hmci' ORDER BY k.id",
	               &st);
	if (rc)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW && !*known) {
		const char *b64 = (const char *)sqlite3_column_text(st, 0);
		unsigned char pk[crypto_sign_PUBLICKEYBYTES];
		if (!b64 || !hv_pubkey_parse(b64, pk))
			continue;
		*named_key_known |= strcmp(b64, named_key) == 0;
		if (crypto_sign_verify_detached(sig, body, len, pk) == 0) {
			*known = 1;
			snprintf(who, nwho, "%s (%s), key %s", (const char *)sqlite3_column_text(st, 1),
			         (const char *)sqlite3_column_text(st, 2), b64);
		}
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading HMCI keys");
	sqlite3_finalize(st);
	return rc;
}

/* Read the manifest at path.  *doc is NULL (and *n 0) when there is no
 * manifest: nothing at all at the path.  Anything else that is there must be
 * a regular file that can be read: a symbolic link (even a dangling one), a
 * FIFO, a device or a directory where a manifest should be is an error,
 * never "no manifest", so a manifest cannot be made to vanish by replacing
 * it with something unreadable. */
static haven_status read_doc(haven_ctx *ctx, const char *path, char **doc, size_t *n)
{
	*doc = NULL;
	*n = 0;
	struct stat sb;
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return HAVEN_OK;
		return hv_error(ctx, HAVEN_ERR_IO, "%s: %s; the extract is refused", path, strerror(errno));
	}
	if (S_ISLNK(sb.st_mode))
		return tamper(ctx, path, "is a symbolic link, not the manifest file itself");
	if (!S_ISREG(sb.st_mode))
		return tamper(ctx, path, "is not a regular file");
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return hv_error(ctx, HAVEN_ERR_IO, "%s: %s; the extract is refused", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return tamper(ctx, path, "is not a regular file");
	}
	char *b = malloc(MAX_MANIFEST + 1);
	if (!b) {
		close(fd);
		return nomem(ctx);
	}
	size_t got = 0;
	ssize_t r = 0;
	while (got <= MAX_MANIFEST && (r = read(fd, b + got, MAX_MANIFEST + 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
	}
	int err = r < 0 ? errno : 0;
	close(fd);
	if (err) {
		free(b);
		return hv_error(ctx, HAVEN_ERR_IO, "%s: read error: %s; the extract is refused", path, strerror(err));
	}
	if (got > MAX_MANIFEST) {
		free(b);
		return tamper(ctx, path, "too large to be a manifest");
	}
	b[got] = '\0';
	*doc = b;
	*n = got;
	return HAVEN_OK;
}

haven_status hv_manifest_check(haven_ctx *ctx, const char *data_path, const char *data_sha256, hv_manifest *out,
                               int *found)
{
	*found = 0;
	char *path = sqlite3_mprintf("%s.manifest", data_path);
	if (!path)
		return nomem(ctx);
	char *doc = NULL;
	size_t n = 0, body_len = 0;
	haven_status rc = read_doc(ctx, path, &doc, &n);
	if (!rc && !doc) {
		hv_notice(ctx, "%s: no manifest: origin not verified", data_path);
		sqlite3_free(path);
		return HAVEN_OK;
	}
	*found = !rc;
	hv_manifest m;
	unsigned char sig[crypto_sign_BYTES];
	char who[512] = "", msg[700];
	int known = 0, named_known = 0;
	if (!rc)
		rc = hv_sodium_ready(ctx);
	if (!rc)
		rc = parse(ctx, path, doc, n, &m, sig, &body_len);
	if (!rc)
		rc = find_signer(ctx, (const unsigned char *)doc, body_len, sig, &known, who, sizeof who, &named_known,
		                 m.public_key);
	if (!rc && !known) {
		snprintf(msg, sizeof msg, "not signed by a known HMCI key (%s)",
		         named_known
		             ? "the signature does not verify under the HMCI key it names: the manifest was altered"
		             : "the key it names is not recorded for any HMCI authority in this store");
		rc = tamper(ctx, path, msg);
	}
	if (!rc && strcmp(m.marking, HAVEN_MARKING) != 0) {
		snprintf(msg, sizeof msg, "the protective marking is '%s', not %s", m.marking, HAVEN_MARKING);
		rc = tamper(ctx, path, msg);
	}
	if (!rc && strcmp(m.sha256, data_sha256) != 0)
		rc =
		    hv_error(ctx, HAVEN_ERR_TAMPER,
		             "%s: SHA-256 %s does not match %s in its signed manifest: the file was changed after HMCI "
		             "signed it; the extract is refused",
		             data_path, data_sha256, m.sha256);
	if (!rc) {
		char owner[64];
		if (!(rc = hv_meta_get(ctx, "owner_code", owner, sizeof owner)) && strcmp(owner, m.authority) != 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_DENIED,
			    "%s: this extract was made for %s (%s), not for this store's owner %s; it is refused",
			    data_path, m.authority, m.authority_name, owner);
	}
	if (!rc) {
		hv_notice(
		    ctx,
		    "%s: manifest verified: extract %lld for request %lld of %s (%s), %lld homes, %s, made %s by %s; "
		    "signed by %s",
		    data_path, (long long)m.extract, (long long)m.request, m.authority, m.authority_name,
		    (long long)m.homes, m.marking, m.extract_date, m.issuer, who);
		if (out)
			*out = m;
	}
	free(doc);
	sqlite3_free(path);
	return rc;
}
