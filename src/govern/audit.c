/*
 * audit.c - verifying, checkpointing and exporting the audit log, and the
 * checkpoint signing key.
 *
 * Verification trusts nothing in the store but the bytes it re-derives: it
 * re-encodes every row's fields and compares them with the row's canonical
 * bytes, rehashes those bytes, checks the sequence numbers run 0, 1, 2, ...,
 * and recomputes the RFC 6962 root.  That catches any change made without
 * recomputing the bytes and hashes.  A change made with them recomputed (a
 * rewritten history) is caught only against a checkpoint kept outside the
 * store: its signed root must be the root of the log's first N entries, and
 * the log must be at least N long.
 *
 * Checkpoints follow C2SP tlog-checkpoint and signed-note: the origin
 * ("haven/<owner code>"), the tree size, the base64 root, a blank line and an
 * Ed25519 signature line.  The secret key lives in a file of its own (mode
 * 0600, refused if group or others may read it); the store records only the
 * public key, so verification needs no secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "govern/audit.h"
#include "core/keys.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"

#define EM_DASH "\xe2\x80\x94"
#define MAX_CHECKPOINT 65536
#define MAX_SIGNATURES 100

typedef unsigned char hv_hash[HV_HASH_BYTES];

/* Replace ctx's message with prefix + message, keeping its status. */
static haven_status prefix_error(haven_ctx *ctx, haven_status rc, const char *prefix)
{
	char msg[sizeof ctx->errmsg];
	snprintf(msg, sizeof msg, "%s", ctx->errmsg);
	return hv_error(ctx, rc, "%s%s", prefix, msg);
}

/* ---- origin and key IDs ----------------------------------------------- */

/* "haven/<owner code>".  When strict (to sign or check a checkpoint), it
 * must be a valid note key name: no spaces, no '+', no control characters. */
static haven_status origin_of(haven_ctx *ctx, int strict, char *out, size_t n)
{
	char code[200];
	haven_status rc = hv_meta_get(ctx, "owner_code", code, sizeof code);
	if (rc)
		return rc;
	if (!*code)
		return hv_error(ctx, HAVEN_ERR_TAMPER, "the store records no owner code (meta 'owner_code')");
	for (const unsigned char *p = (const unsigned char *)code; strict && *p; p++)
		if (*p <= 0x20 || *p == '+' || *p == 0x7f)
			return hv_error(
			    ctx, HAVEN_ERR_VALUE,
			    "owner code '%s' cannot name an audit log (it holds a space, '+' or control character)",
			    code);
	snprintf(out, n, "haven/%s", code);
	return HAVEN_OK;
}

/* Key ID as C2SP signed-note defines it for Ed25519:
 * SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
static void key_id(const char *name, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[4])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];
	static const unsigned char sep[2] = {0x0a, 0x01};
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&h, sep, 2);
	crypto_hash_sha256_update(&h, pk, crypto_sign_PUBLICKEYBYTES);
	crypto_hash_sha256_final(&h, d);
	memcpy(id, d, 4);
}

/* The store's recorded public keys: *count of them, the first in pk. */
static haven_status store_key(haven_ctx *ctx, int *count, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	sqlite3_stmt *st;
	*count = 0;
	haven_status rc = hv_prepare(ctx, "SELECT public_key FROM audit_key ORDER BY id", &st);
	if (rc)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*count == 0) {
			if (sqlite3_column_bytes(st, 0) != crypto_sign_PUBLICKEYBYTES) {
				sqlite3_finalize(st);
				return hv_error(ctx, HAVEN_ERR_TAMPER,
				                "the recorded audit public key is not %d bytes long",
				                crypto_sign_PUBLICKEYBYTES);
			}
			memcpy(pk, sqlite3_column_blob(st, 0), crypto_sign_PUBLICKEYBYTES);
		}
		(*count)++;
	}
	if (s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the audit key");
	sqlite3_finalize(st);
	return rc;
}

/* ---- the secret key file ---------------------------------------------- */

haven_status haven_audit_keygen(haven_ctx *ctx, const char *path, char pubkey[HAVEN_PUBKEY_B64])
{
	hv_clear(ctx);
	return hv_key_generate(ctx, path, pubkey);
}

/* ---- checkpoint notes ------------------------------------------------- */

typedef struct checkpoint {
	char origin[256];
	uint64_t size;
	hv_hash root;
	size_t body_len; /* bytes of text the signatures cover */
	int nsig;
	struct {
		char name[256];
		unsigned char blob[4 + crypto_sign_BYTES];
		size_t len;
	} sig[MAX_SIGNATURES];
} checkpoint;

/* Parse one "\n"-terminated line of body at *p: copy into out[n]. */
static int take_line(const char **p, const char *end, char *out, size_t n)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl || (size_t)(nl - *p) >= n)
		return 0;
	memcpy(out, *p, (size_t)(nl - *p));
	out[nl - *p] = '\0';
	*p = nl + 1;
	return 1;
}

static haven_status parse_checkpoint(haven_ctx *ctx, const char *text, checkpoint *cp)
{
	memset(cp, 0, sizeof *cp);
	size_t len = strlen(text), bad;
	if (len > MAX_CHECKPOINT)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: longer than %d bytes", MAX_CHECKPOINT);
	if (!hv_utf8_valid(text, len, &bad))
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: not valid UTF-8 (byte %zu)", bad);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: control character at byte %zu", i);
	/* The signatures follow the last blank line. */
	const char *split = NULL;
	for (const char *q = text; (q = strstr(q, "\n\n")); q++)
		split = q;
	if (!split)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: no blank line before its signature");
	cp->body_len = (size_t)(split - text) + 1;
	const char *p = text, *body_end = text + cp->body_len;
	char line[512];
	if (!take_line(&p, body_end, cp->origin, sizeof cp->origin) || !*cp->origin)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: line 1 (origin) is missing or too long");
	if (!take_line(&p, body_end, line, sizeof line) || !*line || strspn(line, "0123456789") != strlen(line) ||
	    (line[0] == '0' && line[1]) || strlen(line) > 18)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: line 2 (tree size) is not a decimal number");
	cp->size = strtoull(line, NULL, 10);
	size_t rl = 0;
	const char *end = NULL;
	if (!take_line(&p, body_end, line, sizeof line) ||
	    sodium_base642bin(cp->root, sizeof cp->root, line, strlen(line), NULL, &rl, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    rl != HV_HASH_BYTES || *end)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: line 3 (root hash) is not 32 bytes of base64");
	/* Further body lines are extensions, covered by the signature, ignored. */
	p = split + 2;
	const char *tend = text + len;
	while (p < tend) {
		if (cp->nsig == MAX_SIGNATURES)
			return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: more than %d signatures", MAX_SIGNATURES);
		if (!take_line(&p, tend, line, sizeof line))
			return hv_error(ctx, HAVEN_ERR_FORMAT,
			                "checkpoint: signature %d is too long or not ended by a newline", cp->nsig + 1);
		const char *name = line + strlen(EM_DASH " ");
		const char *sp = strncmp(line, EM_DASH " ", strlen(EM_DASH " ")) == 0 ? strchr(name, ' ') : NULL;
		if (!sp || sp == name || (size_t)(sp - name) >= sizeof cp->sig[0].name || strchr(sp + 1, ' ') ||
		    memchr(name, '+', (size_t)(sp - name)))
			return hv_error(ctx, HAVEN_ERR_FORMAT,
			                "checkpoint: signature line %d is not '" EM_DASH " NAME BASE64-SIGNATURE'",
			                cp->nsig + 1);
		memcpy(cp->sig[cp->nsig].name, name, (size_t)(sp - name));
		cp->sig[cp->nsig].name[sp - name] = '\0';
		unsigned char raw[256];
		size_t sl = 0;
		if (sodium_base642bin(raw, sizeof raw, sp + 1, strlen(sp + 1), NULL, &sl, &end,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    *end || sl < 5)
			return hv_error(ctx, HAVEN_ERR_FORMAT,
			                "checkpoint: signature line %d is not base64 of a key ID and signature",
			                cp->nsig + 1);
		/* Other algorithms' signatures are kept only to be skipped. */
		cp->sig[cp->nsig].len = sl < sizeof cp->sig[0].blob ? sl : sizeof cp->sig[0].blob;
		memcpy(cp->sig[cp->nsig].blob, raw, cp->sig[cp->nsig].len);
		cp->sig[cp->nsig].len = sl;
		cp->nsig++;
	}
	if (cp->nsig == 0)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "checkpoint: no signature line");
	return HAVEN_OK;
}

/* ---- verification ----------------------------------------------------- */

typedef struct leaves {
	hv_hash *h;
	size_t n, cap;
} leaves;

static haven_status push_leaf(haven_ctx *ctx, leaves *l, const hv_hash h)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		hv_hash *p = realloc(l->h, cap * sizeof *p);
		if (!p)
			return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		l->h = p;
		l->cap = cap;
	}
	memcpy(l->h[l->n++], h, HV_HASH_BYTES);
	return HAVEN_OK;
}

static const char *const audit_select =
    "SELECT seq, at, operation, user_name, authority, purpose, justification, object, row_count,"
    " recipients, authoriser, entry, leaf_hash FROM audit ORDER BY seq";

/* Check one row (as audit_select returns it) is entry number i; append its
 * recomputed leaf hash.  HAVEN_ERR_TAMPER names the field that failed. */
static haven_status check_row(haven_ctx *ctx, sqlite3_stmt *st, int64_t i, leaves *l)
{
	int64_t seq = sqlite3_column_int64(st, 0);
	if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || seq != i) {
		if (seq > i)
			return hv_error(ctx, HAVEN_ERR_TAMPER,
			                "entry %lld is missing: the sequence goes from %lld to %lld (deleted entries)",
			                (long long)i, (long long)i - 1, (long long)seq);
		return hv_error(ctx, HAVEN_ERR_TAMPER, "entry %lld: sequence number %lld is out of order", (long long)i,
		                (long long)seq);
	}
	static const int int_cols[] = {1, 8};
	for (size_t k = 0; k < 2; k++)
		if (sqlite3_column_type(st, int_cols[k]) != SQLITE_INTEGER)
			return hv_error(ctx, HAVEN_ERR_TAMPER, "entry %lld: column '%s' is not an integer",
			                (long long)i, sqlite3_column_name(st, int_cols[k]));
	const char *text[9] = {0};
	for (int c = 2; c <= 10; c++) {
		if (c == 8)
			continue;
		int type = sqlite3_column_type(st, c);
		if (type != SQLITE_TEXT && type != SQLITE_NULL)
			return hv_error(ctx, HAVEN_ERR_TAMPER, "entry %lld: column '%s' is not text", (long long)i,
			                sqlite3_column_name(st, c));
		const char *s = (const char *)sqlite3_column_text(st, c);
		if (s && strlen(s) != (size_t)sqlite3_column_bytes(st, c))
			return hv_error(ctx, HAVEN_ERR_TAMPER, "entry %lld: column '%s' holds a NUL byte", (long long)i,
			                sqlite3_column_name(st, c));
		text[c - 2] = s;
	}
	hv_audit_fields f = {seq,     sqlite3_column_int64(st, 1), text[0], text[1], text[2], text[3], text[4],
	                     text[5], sqlite3_column_int64(st, 8), text[7], text[8]};
	const unsigned char *stored = sqlite3_column_blob(st, 11);
	size_t stored_len = (size_t)sqlite3_column_bytes(st, 11);
	if (sqlite3_column_type(st, 11) != SQLITE_BLOB)
		return hv_error(ctx, HAVEN_ERR_TAMPER, "entry %lld: its canonical bytes are %s, not a blob",
		                (long long)i,
		                sqlite3_column_type(st, 11) == SQLITE_NULL ? "missing" : "stored as another type");
	unsigned char *mine;
	size_t mine_len;
	haven_status rc = hv_audit_encode(ctx, &f, &mine, &mine_len);
	if (rc)
		return rc == HAVEN_ERR_NOMEM ? rc : prefix_error(ctx, HAVEN_ERR_TAMPER, "entry: ");
	int same = mine_len == stored_len && memcmp(mine, stored, stored_len) == 0;
	free(mine);
	if (!same) {
		hv_audit_decoded d;
		rc = hv_audit_decode(ctx, stored, stored_len, &d);
		if (rc == HAVEN_ERR_NOMEM)
			return rc;
		if (rc) {
			char prefix[64];
			snprintf(prefix, sizeof prefix, "entry %lld: ", (long long)i);
			return prefix_error(ctx, HAVEN_ERR_TAMPER, prefix);
		}
		int field = hv_audit_fields_diff(&f, &d.f);
		hv_audit_decoded_free(&d);
		if (field < 0)
			return hv_error(ctx, HAVEN_ERR_TAMPER,
			                "entry %lld: its canonical bytes are not in canonical form", (long long)i);
		if (field == 0)
			return hv_error(
			    ctx, HAVEN_ERR_TAMPER,
			    "entry %lld: its canonical bytes are those of entry %lld (entries moved or reordered)",
			    (long long)i, (long long)d.f.seq);
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "entry %lld: field '%s' in the table does not match the entry's canonical bytes",
		                (long long)i, hv_audit_field_name(field));
	}
	if ((rc = hv_audit_fields_check(ctx, &f))) {
		char prefix[80];
		snprintf(prefix, sizeof prefix, "entry %lld breaks the entry rules: ", (long long)i);
		return prefix_error(ctx, HAVEN_ERR_TAMPER, prefix);
	}
	hv_hash leaf;
	hv_audit_leaf_hash(stored, stored_len, leaf);
	if (sqlite3_column_type(st, 12) != SQLITE_BLOB || sqlite3_column_bytes(st, 12) != HV_HASH_BYTES ||
	    memcmp(sqlite3_column_blob(st, 12), leaf, HV_HASH_BYTES) != 0)
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "entry %lld: stored leaf hash does not match its canonical bytes", (long long)i);
	return push_leaf(ctx, l, leaf);
}

/* The latest time of the entries checked so far, and whose it is. */
typedef struct latest {
	int64_t at, seq;
} latest;

/* Check entry seq, stamped at, is not more than HV_AUDIT_MAX_BACKWARDS
 * before the latest earlier entry (measured from the latest, not the one
 * before, so a log cannot creep back a little at a time). */
static haven_status check_time(haven_ctx *ctx, latest *last, int64_t seq, int64_t at)
{
	if (seq > 0 && at < last->at - HV_AUDIT_MAX_BACKWARDS) {
		char a[21], b[21];
		hv_format_time(at, a);
		hv_format_time(last->at, b);
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "entry %lld is stamped %s, %lld s before entry %lld (%s): the log's time goes back "
		                "more than %d s (entries backdated or reordered)",
		                (long long)seq, a, (long long)(last->at - at), (long long)last->seq, b,
		                HV_AUDIT_MAX_BACKWARDS);
	}
	if (seq == 0 || at >= last->at) {
		last->at = at;
		last->seq = seq;
	}
	return HAVEN_OK;
}

/* Everything haven_audit_verify does, on the open transaction; root
 * receives the recomputed root. */
static haven_status verify_log(haven_ctx *ctx, const char *cp_text, haven_audit_report *rep, hv_hash root)
{
	memset(rep, 0, sizeof *rep);
	rep->first_bad = -1;
	checkpoint *cp = NULL;
	haven_status rc = HAVEN_OK;
	if (cp_text) {
		if (!(cp = malloc(sizeof *cp)))
			return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		if ((rc = parse_checkpoint(ctx, cp_text, cp))) {
			free(cp);
			return rc;
		}
	}
	char origin[256];
	int nkeys = 0;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char kid[4];
	if (!rc)
		rc = origin_of(ctx, cp != NULL, origin, sizeof origin);
	if (!rc)
		rc = store_key(ctx, &nkeys, pk);
	if (!rc && nkeys > 0) {
		key_id(origin, pk, kid);
		sodium_bin2hex(rep->key_id, sizeof rep->key_id, kid, 4);
	}

	leaves l = {NULL, 0, 0};
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(ctx, audit_select, &st);
	int s = SQLITE_DONE;
	int64_t i = 0;
	latest last = {0, 0};
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		rc = check_row(ctx, st, i, &l);
		if (!rc)
			rc = check_time(ctx, &last, i, sqlite3_column_int64(st, 1));
		if (rc == HAVEN_ERR_TAMPER)
			rep->first_bad = i;
		i++;
		if ((i & 4095) == 0)
			hv_progress(ctx, "verifying audit log", i, 0);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the audit log");
	sqlite3_finalize(st);
	rep->entries = (int64_t)l.n;
	if (!rc) {
		hv_audit_root((const hv_hash *)l.h, l.n, root);
		sodium_bin2hex(rep->root, sizeof rep->root, root, HV_HASH_BYTES);
	}

	if (!rc && cp) {
		char kidhex[9] = "";
		int found = -1;
		if (nkeys > 0)
			sodium_bin2hex(kidhex, sizeof kidhex, kid, 4);
		if (strcmp(cp->origin, origin) != 0)
			rc = hv_error(ctx, HAVEN_ERR_TAMPER,
			              "the checkpoint is for log '%.100s', this store's log is '%s'", cp->origin,
			              origin);
		else if (nkeys == 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_TAMPER,
			    "the store records no audit public key (table audit_key is empty), so the checkpoint's "
			    "signature cannot be checked");
		else if (nkeys > 1)
			rc = hv_error(ctx, HAVEN_ERR_TAMPER,
			              "the store records %d audit public keys; haven records exactly one", nkeys);
		for (int k = 0; !rc && found < 0 && k < cp->nsig; k++)
			if (strcmp(cp->sig[k].name, origin) == 0 && cp->sig[k].len >= 4 &&
			    memcmp(cp->sig[k].blob, kid, 4) == 0)
				found = k;
		if (!rc && found < 0)
			rc = hv_error(
			    ctx, HAVEN_ERR_TAMPER,
			    "the checkpoint is not signed by this store's audit key (key ID %s): it was signed by "
			    "another key or the store's key was replaced",
			    kidhex);
		if (!rc && (cp->sig[found].len != 4 + crypto_sign_BYTES ||
		            crypto_sign_verify_detached(cp->sig[found].blob + 4, (const unsigned char *)cp_text,
		                                        cp->body_len, pk) != 0))
			rc = hv_error(ctx, HAVEN_ERR_TAMPER,
			              "the checkpoint's signature by key %s does not verify: the checkpoint was "
			              "altered or forged",
			              kidhex);
		if (!rc && cp->size > (uint64_t)l.n) {
			rep->first_bad = (int64_t)l.n;
			rc = hv_error(
			    ctx, HAVEN_ERR_TAMPER,
			    "the log has %zu entries but the checkpoint records %llu: entries %zu to %llu were removed "
			    "(the log was truncated)",
			    l.n, (unsigned long long)cp->size, l.n, (unsigned long long)cp->size - 1);
		}
		if (!rc) {
			hv_hash old;
			hv_audit_root((const hv_hash *)l.h, cp->size, old);
			if (memcmp(old, cp->root, HV_HASH_BYTES) != 0)
				rc = hv_error(
				    ctx, HAVEN_ERR_TAMPER,
				    "the log's first %llu entries do not hash to the checkpoint's root: entries before "
				    "%llu were altered, reordered, inserted or removed, and the hashes recomputed to "
				    "hide it",
				    (unsigned long long)cp->size, (unsigned long long)cp->size);
		}
		if (!rc) {
			hv_hash proof[HV_AUDIT_MAX_PROOF];
			size_t plen = 0;
			rc = hv_audit_consistency_proof(ctx, (const hv_hash *)l.h, cp->size, l.n, proof, &plen);
			if (!rc &&
			    !hv_audit_consistency_verify(cp->size, l.n, cp->root, root, (const hv_hash *)proof, plen))
				rc = hv_error(
				    ctx, HAVEN_ERR_TAMPER,
				    "the log of %zu entries is not consistent with the checkpoint of %llu entries", l.n,
				    (unsigned long long)cp->size);
			if (!rc) {
				rep->proof_hashes = plen;
				rep->checkpoint_size = (int64_t)cp->size;
				rep->checkpoint_checked = 1;
			}
		}
	}
	free(l.h);
	free(cp);
	if (rc == HAVEN_ERR_TAMPER)
		return prefix_error(ctx, rc, "audit log: ");
	return rc;
}

haven_status haven_audit_verify(haven_ctx *ctx, const char *checkpoint_text, haven_audit_report *report)
{
	hv_clear(ctx);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if ((rc = hv_sodium_ready(ctx)))
		return rc;
	/* One read transaction: a consistent snapshot even while others append. */
	int own = sqlite3_get_autocommit(ctx->db);
	if (own && (rc = hv_exec(ctx, "BEGIN")))
		return rc;
	hv_hash root;
	rc = verify_log(ctx, checkpoint_text, report, root);
	if (own)
		hv_rollback(ctx); /* nothing was written */
	return rc;
}

/* ---- checkpoints ------------------------------------------------------ */

haven_status haven_audit_checkpoint(haven_ctx *ctx, const char *key_path, const char *previous, char **text)
{
	hv_clear(ctx);
	*text = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if ((rc = hv_sodium_ready(ctx)))
		return rc;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	if ((rc = hv_key_read(ctx, key_path, pk, sk)))
		return rc;
	/* Lock the store so the root signed is the root verified. */
	if ((rc = hv_begin(ctx))) {
		sodium_memzero(sk, sizeof sk);
		return rc;
	}
	haven_audit_report rep;
	hv_hash root;
	char origin[256];
	rc = verify_log(ctx, previous, &rep, root);
	if (rc == HAVEN_ERR_TAMPER)
		rc = prefix_error(ctx, rc, "not signing a checkpoint: ");
	if (!rc)
		rc = origin_of(ctx, 1, origin, sizeof origin);
	int nkeys = 0;
	unsigned char recorded[crypto_sign_PUBLICKEYBYTES];
	if (!rc)
		rc = store_key(ctx, &nkeys, recorded);
	if (!rc && nkeys == 0) {
		/* The first checkpoint records its key; every later one must match. */
		sqlite3_stmt *st;
		char now[21];
		hv_format_time(hv_clock_audit(ctx), now);
		rc = hv_prepare(ctx, "INSERT INTO audit_key(public_key, recorded_at) VALUES(?, ?)", &st);
		if (!rc) {
			sqlite3_bind_blob(st, 1, pk, sizeof pk, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = hv_error_sql(ctx, "recording the audit key");
			sqlite3_finalize(st);
		}
	} else if (!rc && (nkeys > 1 || memcmp(recorded, pk, sizeof pk) != 0)) {
		unsigned char a[4], b[4];
		char ah[9], bh[9];
		key_id(origin, recorded, a);
		key_id(origin, pk, b);
		sodium_bin2hex(ah, sizeof ah, a, 4);
		sodium_bin2hex(bh, sizeof bh, b, 4);
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "%s: key %s is not this store's audit key (key ID %s)", key_path,
		              bh, ah);
	}
	if (!rc) {
		char body[512], root64[sodium_base64_ENCODED_LEN(HV_HASH_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(root64, sizeof root64, root, HV_HASH_BYTES, sodium_base64_VARIANT_ORIGINAL);
		int blen = snprintf(body, sizeof body, "%s\n%lld\n%s\n", origin, (long long)rep.entries, root64);
		unsigned char sig[4 + crypto_sign_BYTES];
		key_id(origin, pk, sig);
		crypto_sign_detached(sig + 4, NULL, (const unsigned char *)body, (unsigned long long)blen, sk);
		char sig64[sodium_base64_ENCODED_LEN(sizeof sig, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
		/* body, blank line, then "— origin signature" */
		size_t ol = strlen(origin), gl = strlen(sig64), dl = strlen(EM_DASH " ");
		size_t need = (size_t)blen + 1 + dl + ol + 1 + gl + 2;
		char *out = malloc(need), *w = out;
		if (!out)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		else {
			memcpy(w, body, (size_t)blen);
			w += blen;
			*w++ = '\n';
			memcpy(w, EM_DASH " ", dl);
			w += dl;
			memcpy(w, origin, ol);
			w += ol;
			*w++ = ' ';
			memcpy(w, sig64, gl);
			w += gl;
			*w++ = '\n';
			*w = '\0';
			*text = out;
		}
	}
	sodium_memzero(sk, sizeof sk);
	if (!rc)
		rc = hv_commit(ctx);
	if (rc) {
		hv_rollback(ctx);
		free(*text);
		*text = NULL;
	}
	return rc;
}

haven_status haven_audit_checkpoint_load(haven_ctx *ctx, const char *path, char **text)
{
	hv_clear(ctx);
	*text = NULL;
	/* Read once, as any input: a FIFO or device is refused, not waited on. */
	unsigned char *data;
	size_t n;
	haven_status rc = hv_input_read(ctx, path, MAX_CHECKPOINT, "a checkpoint", &data, &n);
	if (rc)
		return rc;
	char *buf = (char *)data;
	if (memchr(buf, '\0', n)) {
		free(buf);
		return hv_error(ctx, HAVEN_ERR_FORMAT, "%s: not a checkpoint (holds a NUL byte)", path);
	}
	*text = buf; /* NUL-terminated by hv_input_read */
	return HAVEN_OK;
}

haven_status haven_audit_checkpoint_save(haven_ctx *ctx, const char *path, const char *text)
{
	hv_clear(ctx);
	hv_output o;
	haven_status rc = hv_output_open(ctx, path, "a kept checkpoint is never overwritten", &o);
	if (rc)
		return rc;
	fputs(text, o.f);
	return hv_output_commit(ctx, &o);
}

/* ---- export ----------------------------------------------------------- */

static const char *const export_cols[] = {
    "seq",  "at",         "operation",  "user",  "authority", "purpose",   "justification", "object",
    "rows", "recipients", "authoriser", "entry", "leaf_hash", "tree_size", "root_hash"};
#define EXPORT_NCOLS ((int)(sizeof export_cols / sizeof export_cols[0]))

/* Every entry as a table row; root receives the whole tree's root. */
static haven_status export_table(haven_ctx *ctx, haven_table **out, hv_hash root)
{
	haven_table *t;
	haven_status rc = hv_table_new(ctx, "audit log", HV_TABLE_DISCLOSED, EXPORT_NCOLS, export_cols, &t);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, audit_select, &st))) {
		haven_table_free(t);
		return rc;
	}
	hv_audit_tree tree;
	hv_audit_tree_init(&tree);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		rc = hv_table_add_row(ctx, t);
		char at[21];
		hv_format_time(sqlite3_column_int64(st, 1), at);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 0, sqlite3_column_int64(st, 0));
		if (!rc)
			rc = hv_table_set_text(ctx, t, 1, at);
		for (int c = 2; !rc && c <= 10; c++) {
			if (c == 8)
				rc = hv_table_set_int(ctx, t, c, sqlite3_column_int64(st, c));
			else
				rc = hv_table_set_text(ctx, t, c, (const char *)sqlite3_column_text(st, c));
		}
		const unsigned char *e = sqlite3_column_blob(st, 11);
		size_t elen = (size_t)sqlite3_column_bytes(st, 11);
		size_t b64len = sodium_base64_ENCODED_LEN(elen, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = rc ? NULL : malloc(b64len);
		if (!rc && !b64)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		if (!rc) {
			sodium_bin2base64(b64, b64len, e, elen, sodium_base64_VARIANT_ORIGINAL);
			rc = hv_table_set_text(ctx, t, 11, b64);
		}
		free(b64);
		size_t hl = (size_t)sqlite3_column_bytes(st, 12);
		char *hex = rc ? NULL : malloc(hl * 2 + 1);
		if (!rc && !hex)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		if (!rc) {
			sodium_bin2hex(hex, hl * 2 + 1, sqlite3_column_blob(st, 12), hl);
			rc = hv_table_set_text(ctx, t, 12, hex);
		}
		free(hex);
		hv_hash leaf, r;
		char rhex[65];
		hv_audit_leaf_hash(e, elen, leaf);
		hv_audit_tree_push(&tree, leaf);
		hv_audit_tree_root(&tree, r);
		sodium_bin2hex(rhex, sizeof rhex, r, HV_HASH_BYTES);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 13, (int64_t)tree.size);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 14, rhex);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the audit log");
	sqlite3_finalize(st);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	hv_audit_tree_root(&tree, root);
	*out = t;
	return hv_table_object(ctx, t, "the audit log (export)");
}

haven_status hv_audit_export_doc(haven_ctx *ctx, hv_audit_export *doc)
{
	memset(doc, 0, sizeof *doc);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	/* One read transaction: the entries, the root and the key agree. */
	int own = sqlite3_get_autocommit(ctx->db);
	if (own && (rc = hv_exec(ctx, "BEGIN")))
		return rc;
	rc = export_table(ctx, &doc->entries, doc->root);
	if (!rc)
		rc = origin_of(ctx, 0, doc->origin, sizeof doc->origin);
	if (!rc)
		rc = store_key(ctx, &doc->nkeys, doc->public_key);
	if (own)
		hv_rollback(ctx);
	if (rc) {
		haven_table_free(doc->entries);
		doc->entries = NULL;
	}
	return rc;
}

