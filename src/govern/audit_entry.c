/*
 * audit_entry.c - audit entries: their rules, their canonical bytes, and
 * appending them to the log.
 *
 * The canonical bytes are what the Merkle tree hashes, so they must be one
 * unambiguous function of the entry: a version tag, then the fields in a
 * fixed order, each text as a 4-byte big-endian length and its UTF-8 bytes,
 * each integer as 8 bytes big-endian two's complement (docs/audit.md gives
 * the layout byte by byte).  The table keeps the same fields as columns for
 * querying; verification re-encodes them and compares, so a field changed
 * in the table alone is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "govern/audit.h"
#include "core/source.h"
#include "core/sql.h"

#define TAG "haven-audit-v1"

static const char *const op_names[] = {"collection", "alteration",  "consultation",
                                       "disclosure", "combination", "erasure"};

static const char *const field_names[HV_AUDIT_NFIELDS] = {"seq",       "at",         "operation",     "user",
                                                          "authority", "purpose",    "justification", "object",
                                                          "rows",      "recipients", "authoriser"};

const char *hv_audit_op_name(hv_audit_op op)
{
	if ((int)op < 0 || (size_t)op >= sizeof op_names / sizeof op_names[0])
		return NULL;
	return op_names[op];
}

const char *hv_audit_field_name(int i)
{
	return i >= 0 && i < HV_AUDIT_NFIELDS ? field_names[i] : "?";
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* The text fields of f in encoding order, with their field numbers. */
static void text_fields(const hv_audit_fields *f, const char *out[8])
{
	out[0] = str(f->operation);
	out[1] = str(f->user);
	out[2] = str(f->authority);
	out[3] = str(f->purpose);
	out[4] = str(f->justification);
	out[5] = str(f->object);
	out[6] = str(f->recipients);
	out[7] = str(f->authoriser);
}
static const int text_field_index[8] = {2, 3, 4, 5, 6, 7, 9, 10};

/* ---- encoding --------------------------------------------------------- */

typedef struct buf {
	unsigned char *p;
	size_t n;
} buf;

static void put_u32(buf *b, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		b->p[b->n++] = (unsigned char)(v >> (8 * i));
}

static void put_i64(buf *b, int64_t v)
{
	uint64_t u = (uint64_t)v; /* two's complement, C11 conversion rule */
	for (int i = 7; i >= 0; i--)
		b->p[b->n++] = (unsigned char)(u >> (8 * i));
}

static void put_str(buf *b, const char *s, size_t len)
{
	put_u32(b, (uint32_t)len);
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

haven_status hv_audit_encode(haven_ctx *ctx, const hv_audit_fields *f, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	const char *t[8];
	size_t tl[8];
	text_fields(f, t);
	size_t total = 4 + strlen(TAG) + 3 * 8;
	for (int i = 0; i < 8; i++) {
		tl[i] = strlen(t[i]);
		if (tl[i] > UINT32_MAX)
			return hv_error(ctx, HAVEN_ERR_VALUE, "audit entry field '%s' is too long",
			                field_names[text_field_index[i]]);
		total += 4 + tl[i];
	}
	buf b = {malloc(total), 0};
	if (!b.p)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	put_str(&b, TAG, strlen(TAG));
	put_i64(&b, f->seq);
	put_i64(&b, f->at);
	for (int i = 0; i < 6; i++) /* operation .. object */
		put_str(&b, t[i], tl[i]);
	put_i64(&b, f->rows);
	put_str(&b, t[6], tl[6]); /* recipients */
	put_str(&b, t[7], tl[7]); /* authoriser */
	*out = b.p;
	*len = b.n;
	return HAVEN_OK;
}

/* ---- decoding --------------------------------------------------------- */

typedef struct reader {
	const unsigned char *p;
	size_t n, at;
} reader;

static int get_i64(reader *r, int64_t *v)
{
	if (r->n - r->at < 8)
		return 0;
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u = (u << 8) | r->p[r->at++];
	/* Back from two's complement without implementation-defined conversion. */
	*v = u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
	return 1;
}

/* A length-prefixed text: its bytes are r->p[*off .. *off + *len). */
static int get_str(reader *r, size_t *off, size_t *len)
{
	if (r->n - r->at < 4)
		return 0;
	uint32_t l = 0;
	for (int i = 0; i < 4; i++)
		l = (l << 8) | r->p[r->at++];
	if (r->n - r->at < l)
		return 0;
	*off = r->at;
	*len = l;
	r->at += l;
	return 1;
}

void hv_audit_decoded_free(hv_audit_decoded *d)
{
	if (d) {
		free(d->buf);
		d->buf = NULL;
	}
}

haven_status hv_audit_decode(haven_ctx *ctx, const unsigned char *p, size_t len, hv_audit_decoded *out)
{
	memset(out, 0, sizeof *out);
	reader r = {p, len, 0};
	size_t off, l;
	if (!get_str(&r, &off, &l) || l != strlen(TAG) || memcmp(p + off, TAG, l) != 0)
		return hv_error(ctx, HAVEN_ERR_FORMAT, "canonical bytes do not start with the tag \"%s\"", TAG);
	/* Room for every text plus its NUL: at most len bytes of text in all. */
	char *b = malloc(len + 8);
	if (!b)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	size_t used = 0;
	const char *texts[8];
	int ti = 0;
	hv_audit_fields *f = &out->f;
	for (int i = 0; i < HV_AUDIT_NFIELDS; i++) {
		int ok;
		if (i == 0)
			ok = get_i64(&r, &f->seq);
		else if (i == 1)
			ok = get_i64(&r, &f->at);
		else if (i == 8)
			ok = get_i64(&r, &f->rows);
		else {
			ok = get_str(&r, &off, &l);
			if (ok && memchr(p + off, '\0', l)) {
				free(b);
				return hv_error(ctx, HAVEN_ERR_FORMAT,
				                "canonical bytes: field '%s' contains a NUL byte", field_names[i]);
			}
			if (ok) {
				memcpy(b + used, p + off, l);
				b[used + l] = '\0';
				texts[ti++] = b + used;
				used += l + 1;
			}
		}
		if (!ok) {
			free(b);
			return hv_error(ctx, HAVEN_ERR_FORMAT, "canonical bytes end inside field '%s'", field_names[i]);
		}
	}
	if (r.at != len) {
		free(b);
		return hv_error(ctx, HAVEN_ERR_FORMAT, "canonical bytes have %zu bytes after the last field",
		                len - r.at);
	}
	f->operation = texts[0];
	f->user = texts[1];
	f->authority = texts[2];
	f->purpose = texts[3];
	f->justification = texts[4];
	f->object = texts[5];
	f->recipients = texts[6];
	f->authoriser = texts[7];
	out->buf = b;
	return HAVEN_OK;
}

/* Text of field number idx of f (operation .. authoriser), "" for NULL. */
static const char *text_of(const hv_audit_fields *f, int idx)
{
	const char *t[8];
	text_fields(f, t);
	for (int i = 0; i < 8; i++)
		if (text_field_index[i] == idx)
			return t[i];
	return "";
}

int hv_audit_fields_diff(const hv_audit_fields *a, const hv_audit_fields *b)
{
	for (int i = 0; i < HV_AUDIT_NFIELDS; i++) {
		int differ;
		if (i == 0)
			differ = a->seq != b->seq;
		else if (i == 1)
			differ = a->at != b->at;
		else if (i == 8)
			differ = a->rows != b->rows;
		else
			differ = strcmp(text_of(a, i), text_of(b, i)) != 0;
		if (differ)
			return i;
	}
	return -1;
}

/* ---- rules ------------------------------------------------------------ */

static haven_status check_text(haven_ctx *ctx, const char *name, const char *s, int required)
{
	size_t n = strlen(s), bad;
	if (required && n == 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "field '%s' is empty", name);
	if (n > HV_AUDIT_MAX_FIELD)
		return hv_error(ctx, HAVEN_ERR_VALUE, "field '%s' is %zu bytes long, more than %d", name, n,
		                HV_AUDIT_MAX_FIELD);
	if (!hv_utf8_valid(s, n, &bad))
		return hv_error(ctx, HAVEN_ERR_VALUE, "field '%s' is not valid UTF-8 (bad byte at offset %zu)", name,
		                bad);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return hv_error(ctx, HAVEN_ERR_VALUE, "field '%s' holds control character 0x%02x at offset %zu",
			                name, c, i);
	}
	return HAVEN_OK;
}

haven_status hv_audit_fields_check(haven_ctx *ctx, const hv_audit_fields *f)
{
	if (f->seq < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "field 'seq' is negative");
	if (f->at < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "field 'at' is before 1970");
	if (f->rows < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE, "field 'rows' is negative (%lld)", (long long)f->rows);
	const char *op = str(f->operation);
	int known = -1;
	for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
		if (strcmp(op, op_names[i]) == 0)
			known = (int)i;
	if (known < 0)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "field 'operation' is '%.64s', not one of collection, alteration, consultation, "
		                "disclosure, combination, erasure",
		                op);
	const char *t[8];
	text_fields(f, t);
	for (int i = 0; i < 8; i++) {
		int idx = text_field_index[i];
		/* operation .. object are required, justification among them only
		 * for exceptional use: under a registered purpose the purpose is
		 * the justification. */
		haven_status rc = check_text(ctx, field_names[idx], t[i], idx <= 7 && idx != 6);
		if (rc)
			return rc;
	}
	if (*t[7] && !*t[4])
		return hv_error(
		    ctx, HAVEN_ERR_VALUE,
		    "exceptional use (an authoriser is named) must give its justification (field 'justification')");
	if (known == HV_AUDIT_DISCLOSURE && !*t[6])
		return hv_error(ctx, HAVEN_ERR_VALUE, "a disclosure must name its recipients (field 'recipients')");
	if (known == HV_AUDIT_ERASURE && *t[6])
		return hv_error(ctx, HAVEN_ERR_VALUE, "an erasure has no recipients (field 'recipients')");
	return HAVEN_OK;
}

/* ---- appending -------------------------------------------------------- */

haven_status hv_audit_append(haven_ctx *ctx, const hv_audit_entry *e, int64_t *seq)
{
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (sqlite3_get_autocommit(ctx->db))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "an audit entry must be appended inside the transaction of the operation it records");
	const char *op = hv_audit_op_name(e->operation);
	if (!op)
		return hv_error(ctx, HAVEN_ERR_USAGE, "audit entry: unknown operation %d", (int)e->operation);
	int64_t next;
	if ((rc = hv_query_int(ctx, "SELECT coalesce(max(seq) + 1, 0) FROM audit", &next)))
		return rc;
	/* The system clock, never "now" as a test or a user may set it: the log
	 * records when the operation happened (src/core/clock.h). */
	hv_audit_fields f = {next,         hv_clock_audit(ctx), op,        e->user, e->authority,
	                     e->purpose,   e->justification,    e->object, e->rows, e->recipients,
	                     e->authoriser};
	if ((rc = hv_audit_fields_check(ctx, &f))) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		return hv_error(ctx, rc, "audit entry (%s): %s", op, msg);
	}
	unsigned char *bytes;
	size_t len;
	if ((rc = hv_audit_encode(ctx, &f, &bytes, &len)))
		return rc;
	unsigned char leaf[HV_HASH_BYTES];
	hv_audit_leaf_hash(bytes, len, leaf);
	sqlite3_stmt *st;
	rc = hv_prepare(ctx,
	                "INSERT INTO audit(seq, at, operation, user_name, authority, purpose, justification, object,"
	                " row_count, recipients, authoriser, entry, leaf_hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                &st);
	if (rc) {
		free(bytes);
		return rc;
	}
	sqlite3_bind_int64(st, 1, f.seq);
	sqlite3_bind_int64(st, 2, f.at);
	sqlite3_bind_text(st, 3, op, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f.user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f.authority, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f.purpose, -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 7, f.justification);
	sqlite3_bind_text(st, 8, f.object, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, f.rows);
	hv_bind_text_or_null(st, 10, f.recipients);
	hv_bind_text_or_null(st, 11, f.authoriser);
	sqlite3_bind_blob(st, 12, bytes, (int)len, free);
	sqlite3_bind_blob(st, 13, leaf, HV_HASH_BYTES, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "appending an audit entry");
	sqlite3_finalize(st);
	if (!rc && seq)
		*seq = f.seq;
	return rc;
}
