/*
 * govern.c - who may act on the store's disclosed data, and for what.
 *
 * The 2013 protocol lets HMCI disclose the children's homes register only
 * to safeguard children, for purposes registered per kind of receiver.
 * haven enforces that here: authorities and their users (roles analyst,
 * senior, admin), the seeded purposes registry, and exceptional use, which
 * needs a single-use authorisation signed (Ed25519) by a senior of the
 * user's own authority.  The store holds seniors' public keys only; their
 * secret keys live in key files (keys.c), so an authorisation cannot be
 * forged with write access to the store alone.  haven_act() checks all of
 * it once per command and puts the result on the context (ctx->actor),
 * where the operations and the audit log read it.  docs/governance.md
 * specifies the rules, the signed bytes and the order of the checks.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/govern.h"
#include "govern/scope.h"
#include "core/keys.h"
#include "core/sql.h"
#include "core/table.h"

#define AUTH_TAG "haven-authorisation-v1"
#define MAX_USE 255                  /* bytes; hv_actor.purpose holds 256 */
#define MAX_REASON 511               /* bytes; hv_actor.reason holds 512 */
#define MAX_NAME HAVEN_USER_NAME_MAX /* hv_actor.user holds 64 */
#define MAX_CODE 31                  /* hv_actor.authority */
#define MAX_TEXT 65535
#define DAY 86400
#define DEFAULT_DAYS 30
#define MAX_DAYS 365

static const char *const kinds[] = {"police", "la", "occ", "dfe", "probation", "hmci", NULL};
static const char *const roles[] = {"analyst", "senior", "admin", NULL};
static const char *const pfa_prefixes[] = {"E23", "W15", NULL};
/* Upper-tier authorities, which hold children's services duties: unitary,
 * metropolitan district, London borough, county, Welsh unitary. */
static const char *const la_prefixes[] = {"E06", "E08", "E09", "E10", "W06", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1-max characters: a letter or digit, then letters, digits or extra. */
static int word_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > max || !is_alnum(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]) && !strchr(extra, s[i]))
			return 0;
	return 1;
}

static int name_ok(const char *s)
{
	return word_ok(s, MAX_NAME, "._-@");
}

/* An ONS GSS code: one of the 3-character prefixes, then 6 digits. */
static int gss_ok(const char *s, const char *const *prefixes)
{
	if (!s || strlen(s) != 9)
		return 0;
	for (int i = 3; i < 9; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (; *prefixes; prefixes++)
		if (strncmp(s, *prefixes, 3) == 0)
			return 1;
	return 0;
}

/* 1 when s is UTF-8 (no overlong forms or surrogates) with no control
 * characters, allowing tab and newline when multiline. */
static int clean_text(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\t' || c == '\n')))
				return 0;
			p++;
			continue;
		}
		int n;
		unsigned cp, min;
		if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* A required piece of text: HAVEN_ERR_MISSING when empty, HAVEN_ERR_VALUE
 * when too long or not clean UTF-8. */
static haven_status check_text(haven_ctx *ctx, const char *what, const char *s, size_t max, int multiline)
{
	if (!s || !*s)
		return hv_error(ctx, HAVEN_ERR_MISSING, "%s is empty", what);
	if (strlen(s) > max)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s is longer than %zu bytes", what, max);
	if (!clean_text(s, multiline))
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s is not UTF-8 text free of control characters", what);
	return HAVEN_OK;
}

/* Copy a value read from the store into a field of the actor, refusing
 * (rather than truncating) one that does not fit. */
static haven_status put(haven_ctx *ctx, char *dst, size_t n, const char *what, const char *s)
{
	if (strlen(s) >= n)
		return hv_error(ctx, HAVEN_ERR_VALUE, "%s '%.40s...' is longer than %zu bytes", what, s, n - 1);
	memcpy(dst, s, strlen(s) + 1);
	return HAVEN_OK;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

static int is_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

/* Run a prepared statement that returns no rows; finalizes it. */
static haven_status step_done(haven_ctx *ctx, sqlite3_stmt *st, const char *what)
{
	haven_status rc = sqlite3_step(st) == SQLITE_DONE ? HAVEN_OK : hv_error_sql(ctx, what);
	sqlite3_finalize(st);
	return rc;
}

/* ---- the actor ---------------------------------------------------------- */

const char *haven_actor(const haven_ctx *ctx)
{
	return ctx && ctx->actor.set ? ctx->actor.user : NULL;
}

haven_status hv_need_actor(haven_ctx *ctx)
{
	if (!ctx->db)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no store is open");
	if (!ctx->actor.set)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "nobody is acting on the store: name the user (--as USER, or the HAVEN_USER "
		                "environment variable)");
	return HAVEN_OK;
}

haven_status hv_need_role(haven_ctx *ctx, const char *const *want)
{
	haven_status rc = hv_need_actor(ctx);
	if (rc)
		return rc;
	if (in_list(ctx->actor.role, want))
		return HAVEN_OK;
	char list[128] = "";
	for (size_t i = 0; want[i]; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " or " : "", want[i]);
	return hv_error(ctx, HAVEN_ERR_DENIED, "user '%s' has the role %s; this needs the role %s", ctx->actor.user,
	                ctx->actor.role, list);
}

haven_status hv_actor_consume(haven_ctx *ctx)
{
	haven_status rc = hv_need_actor(ctx);
	if (rc || !ctx->actor.exceptional)
		return rc;
	if (sqlite3_get_autocommit(ctx->db))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "an authorisation is consumed inside the operation's transaction (hv_begin)");
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "UPDATE authorisation SET used_at = ? WHERE id = ? AND used_at IS NULL", &st)))
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ctx->actor.authorisation);
	if ((rc = step_done(ctx, st, "marking the authorisation used")))
		return rc;
	if (sqlite3_changes(ctx->db) != 1)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "authorisation %lld was already used (each authorisation is for one operation); "
		                "ask a senior for a new one",
		                (long long)ctx->actor.authorisation);
	return HAVEN_OK;
}

/* ---- canonical bytes of an authorisation -------------------------------- */

static unsigned char *put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

static unsigned char *put_text(unsigned char *p, const void *s, size_t n)
{
	p = put_be(p, n, 4);
	memcpy(p, s, n);
	return p + n;
}

haven_status hv_govern_encode(haven_ctx *ctx, const hv_authorisation *a, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	static const char *const names[] = {"tag", "authority", "senior", "user", "use", "reason"};
	const char *texts[] = {AUTH_TAG, a->authority, a->senior, a->user, a->use, a->reason};
	size_t n = 0;
	for (int i = 0; i < 6; i++) {
		size_t l = texts[i] ? strlen(texts[i]) : 0;
		if (l > MAX_TEXT)
			return hv_error(ctx, HAVEN_ERR_VALUE, "authorisation field '%s' is longer than %d bytes",
			                names[i], MAX_TEXT);
		n += 4 + l;
	}
	n += 8 + 8 + 4 + HV_NONCE_BYTES;
	unsigned char *buf = malloc(n), *p = buf;
	if (!buf)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int i = 0; i < 6; i++)
		p = put_text(p, texts[i] ? texts[i] : "", texts[i] ? strlen(texts[i]) : 0);
	p = put_be(p, (uint64_t)a->issued_at, 8);
	p = put_be(p, (uint64_t)a->expires_at, 8);
	put_text(p, a->nonce, HV_NONCE_BYTES);
	*out = buf;
	*len = n;
	return HAVEN_OK;
}

/* ---- haven_act ---------------------------------------------------------- */

/* The acting user's row. */
typedef struct user_row {
	int found;
	char authority[MAX_CODE + 1];
	char kind[16];
	char role[16];
	char default_purpose[MAX_USE + 1];
	char disabled_at[32];
	char public_key[HAVEN_PUBKEY_B64];
} user_row;

static haven_status load_user(haven_ctx *ctx, const char *name, user_row *u)
{
	memset(u, 0, sizeof *u);
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT u.authority_code, a.kind, u.role, u.default_purpose, u.disabled_at, "
	                             "u.public_key FROM app_user u JOIN authority a ON a.code = u.authority_code "
	                             "WHERE u.name = ?",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		u->found = 1;
		rc = put(ctx, u->authority, sizeof u->authority, "authority code", col(st, 0));
		if (!rc)
			rc = put(ctx, u->kind, sizeof u->kind, "authority kind", col(st, 1));
		if (!rc)
			rc = put(ctx, u->role, sizeof u->role, "role", col(st, 2));
		if (!rc)
			rc = put(ctx, u->default_purpose, sizeof u->default_purpose, "default purpose", col(st, 3));
		if (!rc)
			rc = put(ctx, u->disabled_at, sizeof u->disabled_at, "disabled_at", col(st, 4));
		if (!rc)
			rc = put(ctx, u->public_key, sizeof u->public_key, "public key", col(st, 5));
	} else if (s != SQLITE_DONE) {
		rc = hv_error_sql(ctx, "reading the user");
	}
	sqlite3_finalize(st);
	return rc;
}

static haven_status purpose_registered(haven_ctx *ctx, const char *kind, const char *code, int *yes)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT 1 FROM purpose WHERE authority_kind = ? AND code = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	*yes = s == SQLITE_ROW;
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the purposes");
	sqlite3_finalize(st);
	return rc;
}

/* Verify the signature of authorisation row st (columns as selected in
 * check_authorisation) under the signer's recorded public key. */
static haven_status verify_row(haven_ctx *ctx, int64_t id, sqlite3_stmt *st)
{
	hv_authorisation a = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), 0, 0, {0}};
	const char *nonce = col(st, 7), *sig64 = col(st, 8), *pub = col(st, 12);
	unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
	size_t n = 0;
	const char *end = NULL;
	if (!hv_parse_time(col(st, 5), &a.issued_at) || !hv_parse_time(col(st, 6), &a.expires_at))
		return hv_error(ctx, HAVEN_ERR_TAMPER, "authorisation %lld: its issued_at or expires_at is malformed",
		                (long long)id);
	if (strlen(nonce) != 2 * HV_NONCE_BYTES ||
	    sodium_hex2bin(a.nonce, sizeof a.nonce, nonce, strlen(nonce), NULL, &n, &end) != 0 || n != HV_NONCE_BYTES)
		return hv_error(ctx, HAVEN_ERR_TAMPER, "authorisation %lld: its nonce is not %d bytes of hex",
		                (long long)id, HV_NONCE_BYTES);
	if (sodium_base642bin(sig, sizeof sig, sig64, strlen(sig64), NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL) !=
	        0 ||
	    n != sizeof sig || !end || *end)
		return hv_error(ctx, HAVEN_ERR_TAMPER, "authorisation %lld: its signature is not %d bytes of base64",
		                (long long)id, crypto_sign_BYTES);
	if (!hv_pubkey_parse(pub, pk))
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "authorisation %lld: senior '%s' has no valid recorded public key", (long long)id,
		                a.senior);
	unsigned char *msg;
	size_t len;
	if (hv_govern_encode(ctx, &a, &msg, &len)) {
		char why[sizeof ctx->errmsg];
		snprintf(why, sizeof why, "%s", ctx->errmsg);
		return hv_error(ctx, HAVEN_ERR_TAMPER, "authorisation %lld: %s", (long long)id, why);
	}
	int ok = crypto_sign_verify_detached(sig, msg, len, pk) == 0;
	free(msg);
	if (!ok)
		return hv_error(ctx, HAVEN_ERR_TAMPER,
		                "authorisation %lld: the signature does not verify under the recorded public key "
		                "of senior '%s' (the record was altered or forged)",
		                (long long)id, a.senior);
	return HAVEN_OK;
}

/* The checks of docs/governance.md ("Exceptional use"), in that order. */
static haven_status check_authorisation(haven_ctx *ctx, int64_t id, const char *user, const user_row *u,
                                        const char *use, char authoriser[MAX_NAME + 1])
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT a.authority_code, a.senior, a.user_name, a.use, a.reason, a.issued_at, "
	                             "a.expires_at, a.nonce, a.signature, a.used_at, "
	                             "s.role, s.authority_code, s.public_key, s.disabled_at "
	                             "FROM authorisation a LEFT JOIN app_user s ON s.name = a.senior WHERE a.id = ?",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	long long lid = (long long)id;
	const char *senior = s == SQLITE_ROW ? col(st, 1) : "";
	int64_t issued = 0, expires = 0, now = hv_now(ctx);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the authorisation");
	else if (s == SQLITE_DONE)
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld does not exist", lid);
	else if (strcmp(col(st, 2), user) != 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld is for user '%s', not '%s'", lid, col(st, 2),
		              user);
	else if (strcmp(col(st, 3), use) != 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld is for the use '%s', not '%s'", lid,
		              col(st, 3), use);
	else if (is_null(st, 10))
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld was signed by '%s', who is not a user here",
		              lid, senior);
	else if (strcmp(col(st, 10), "senior") != 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED,
		              "authorisation %lld was signed by '%s', whose role is %s: only a senior may authorise",
		              lid, senior, col(st, 10));
	else if (!is_null(st, 13))
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld was signed by '%s', who was disabled on %s",
		              lid, senior, col(st, 13));
	else if (strcmp(col(st, 11), u->authority) != 0 || strcmp(col(st, 0), u->authority) != 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED,
		              "authorisation %lld was signed by '%s' of another authority (%s): only a senior of %s, "
		              "the user's authority, may authorise its users",
		              lid, senior, col(st, 11), u->authority);
	else if (strcmp(senior, user) == 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED,
		              "authorisation %lld was signed by '%s' for themselves: nobody may authorise their own "
		              "exceptional use",
		              lid, senior);
	else if (!(rc = verify_row(ctx, id, st))) {
		hv_parse_time(col(st, 5), &issued);
		hv_parse_time(col(st, 6), &expires);
		if (now < issued)
			rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld is not valid before %s", lid,
			              col(st, 5));
		else if (now >= expires)
			rc = hv_error(ctx, HAVEN_ERR_DENIED, "authorisation %lld expired at %s", lid, col(st, 6));
		else if (!is_null(st, 9))
			rc = hv_error(ctx, HAVEN_ERR_DENIED,
			              "authorisation %lld was already used at %s (each authorisation is for one "
			              "operation)",
			              lid, col(st, 9));
		else
			rc = put(ctx, authoriser, MAX_NAME + 1, "senior's name", senior);
	}
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_act(haven_ctx *ctx, const haven_act_opts *o)
{
	hv_clear(ctx);
	memset(&ctx->actor, 0, sizeof ctx->actor);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!o || !o->user || !*o->user)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "no user given: every command on the store runs as a named user (--as USER, or the "
		                "HAVEN_USER environment variable)");
	if (!name_ok(o->user))
		return hv_error(ctx, HAVEN_ERR_DENIED, "unknown user '%.80s': not a user name", o->user);
	user_row u;
	if ((rc = load_user(ctx, o->user, &u)))
		return rc;
	if (!u.found)
		return hv_error(ctx, HAVEN_ERR_DENIED, "unknown user '%s' (haven user list shows this store's users)",
		                o->user);
	if (*u.disabled_at)
		return hv_error(ctx, HAVEN_ERR_DENIED, "user '%s' was disabled on %s", o->user, u.disabled_at);
	const char *purpose = o->purpose && *o->purpose ? o->purpose : u.default_purpose;
	if (!*purpose)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "user '%s' has no default purpose: name one with --purpose (haven purpose list --kind %s)", o->user,
		    u.kind);
	if ((rc = check_text(ctx, "the purpose", purpose, MAX_USE, 0)))
		return rc;
	const char *reason = o->reason ? o->reason : "";
	if (*reason && (rc = check_text(ctx, "the reason", reason, MAX_REASON, 1)))
		return rc;
	int registered;
	if ((rc = purpose_registered(ctx, u.kind, purpose, &registered)))
		return rc;
	hv_actor a;
	memset(&a, 0, sizeof a);
	if (registered && o->authorisation)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "'%s' is a registered purpose for %s authorities: it needs no authorisation", purpose,
		                u.kind);
	if (!registered) {
		if (!*reason)
			return hv_error(ctx, HAVEN_ERR_DENIED,
			                "'%s' is not a registered purpose for %s authorities: exceptional use needs a "
			                "reason (--reason) and a senior's authorisation (--authorisation)",
			                purpose, u.kind);
		if (o->authorisation <= 0)
			return hv_error(ctx, HAVEN_ERR_DENIED,
			                "exceptional use '%s' needs a senior's authorisation (--authorisation ID, made "
			                "with haven authorise)",
			                purpose);
		if ((rc = check_authorisation(ctx, o->authorisation, o->user, &u, purpose, a.authoriser)))
			return rc;
		a.exceptional = 1;
		a.authorisation = o->authorisation;
	}
	rc = put(ctx, a.user, sizeof a.user, "user name", o->user);
	if (!rc)
		rc = put(ctx, a.authority, sizeof a.authority, "authority code", u.authority);
	if (!rc)
		rc = put(ctx, a.authority_kind, sizeof a.authority_kind, "authority kind", u.kind);
	if (!rc)
		rc = put(ctx, a.role, sizeof a.role, "role", u.role);
	if (!rc)
		rc = put(ctx, a.purpose, sizeof a.purpose, "purpose", purpose);
	if (!rc)
		rc = put(ctx, a.reason, sizeof a.reason, "reason", reason);
	if (rc)
		return rc;
	a.set = 1;
	ctx->actor = a;
	return HAVEN_OK;
}

/* ---- authorities -------------------------------------------------------- */

/* Check an authority's kind, code and areas as docs/governance.md says. */
static haven_status check_authority(haven_ctx *ctx, const char *kind, const char *code, const char *const *areas,
                                    size_t n_areas)
{
	if (!in_list(kind, kinds))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "authority kind '%s' is not one of police, la, occ, dfe, probation, hmci",
		                kind ? kind : "");
	if (!code || !*code)
		return hv_error(ctx, HAVEN_ERR_MISSING, "an authority needs a code");
	if (strcmp(kind, "police") == 0 && !gss_ok(code, pfa_prefixes))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "police code '%s' is not a police force area code (E23 or W15 and six digits, e.g. "
		                "E23000001)",
		                code);
	if (strcmp(kind, "la") == 0 && !gss_ok(code, la_prefixes))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "la code '%s' is not a local authority code (E06, E08, E09, E10 or W06 and six digits, "
		                "e.g. E10000014)",
		                code);
	if (!word_ok(code, MAX_CODE, "._-"))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "authority code '%s' must be 1-%d letters, digits, '.', '_' or '-', starting with a "
		                "letter or digit",
		                code, MAX_CODE);
	int pfa = strcmp(kind, "police") == 0 || strcmp(kind, "probation") == 0;
	if (!pfa && n_areas)
		return hv_error(ctx, HAVEN_ERR_VALUE, "a %s authority takes no areas (%s)", kind,
		                strcmp(kind, "la") == 0 ? "its area is the local authority itself" : "it is national");
	if (strcmp(kind, "probation") == 0 && !n_areas)
		return hv_error(
		    ctx, HAVEN_ERR_MISSING,
		    "a probation authority needs the police force areas it works in (one or more PFA codes)");
	for (size_t i = 0; i < n_areas; i++) {
		if (!gss_ok(areas[i], pfa_prefixes))
			return hv_error(ctx, HAVEN_ERR_VALUE,
			                "area '%s' is not a police force area code (E23 or W15 and six digits)",
			                areas[i] ? areas[i] : "");
		for (size_t j = 0; j < i; j++)
			if (strcmp(areas[i], areas[j]) == 0)
				return hv_error(ctx, HAVEN_ERR_DUPLICATE, "area %s is given twice", areas[i]);
	}
	return HAVEN_OK;
}

static haven_status insert_areas(haven_ctx *ctx, const char *code, const char *const *areas, size_t n)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(
	    ctx, "INSERT INTO authority_area(authority_code, area_kind, area_code) VALUES(?, 'pfa', ?)", &st);
	for (size_t i = 0; !rc && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, areas[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording the authority's areas");
	}
	sqlite3_finalize(st);
	return rc;
}

static haven_status exists(haven_ctx *ctx, const char *sql, const char *key, int *yes)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, sql, &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	*yes = s == SQLITE_ROW;
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "lookup");
	sqlite3_finalize(st);
	return rc;
}


haven_status haven_authority_add(haven_ctx *ctx, const haven_authority_spec *a)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN);
	if (rc)
		return rc;
	if ((rc = check_authority(ctx, a->kind, a->code, a->areas, a->n_areas)))
		return rc;
	if ((rc = check_text(ctx, "the authority's name", a->name, 255, 0)))
		return rc;
	int dup;
	if ((rc = exists(ctx, "SELECT 1 FROM authority WHERE code = ?", a->code, &dup)))
		return rc;
	if (dup)
		return hv_error(ctx, HAVEN_ERR_DUPLICATE, "authority %s is already registered", a->code);
	const char *own[1] = {a->code};
	const char *const *areas = a->areas;
	size_t n_areas = a->n_areas;
	if (strcmp(a->kind, "police") == 0 && !n_areas)
		areas = own, n_areas = 1;
	char now[21];
	hv_format_time(hv_now(ctx), now);
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE)))
		return rc;
	sqlite3_stmt *st;
	rc = hv_prepare(
	    ctx,
	    "INSERT INTO authority(code, kind, name, scope, created_at) "
	    "VALUES(?1, ?2, ?3, CASE WHEN ?2 IN ('police','la','probation') THEN 'areas' ELSE 'national' END, ?4)",
	    &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, a->code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, a->kind, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, a->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		rc = step_done(ctx, st, "recording the authority");
	}
	if (!rc && strcmp(a->kind, "la") == 0)
		rc = hv_prepare(
		    ctx, "INSERT INTO authority_area(authority_code, area_kind, area_code) VALUES(?1, 'la', ?1)", &st);
	if (!rc && strcmp(a->kind, "la") == 0) {
		sqlite3_bind_text(st, 1, a->code, -1, SQLITE_TRANSIENT);
		rc = step_done(ctx, st, "recording the authority's area");
	}
	if (!rc)
		rc = insert_areas(ctx, a->code, areas, n_areas);
	/* Its scope is recorded now if the boundaries make it known, else by
	 * the next boundary load; it never changes with later loads. */
	int recorded = 0;
	if (!rc)
		rc = hv_scope_record(ctx, a->code, &recorded);
	char object[320];
	snprintf(object, sizeof object, "authority %s (%s, %s) registered; its scope %s", a->code, a->kind, a->name,
	         recorded ? "recorded" : "to be recorded when its boundaries are loaded");
	return hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, 1, NULL);
}

haven_status haven_authority_rescope(haven_ctx *ctx, const char *code, size_t *added, size_t *removed)
{
	hv_clear(ctx);
	size_t a = 0, r = 0;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (rc)
		return rc;
	rc = hv_scope_rescope(ctx, code ? code : "", &a, &r);
	char object[200];
	snprintf(object, sizeof object, "scope of authority %s recorded again from the boundaries loaded: %zu local "
	         "authorities added, %zu removed", code ? code : "", a, r);
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, (int64_t)(a + r), NULL);
	if (!rc) {
		if (added)
			*added = a;
		if (removed)
			*removed = r;
	}
	return rc;
}

static haven_status list(haven_ctx *ctx, const char *title, const char *sql, const char *arg, haven_table **out)
{
	*out = NULL;
	haven_status rc = hv_need_actor(ctx);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, sql, &st)))
		return rc;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	/* The store's own governance records: no disclosed data. */
	rc = hv_table_from_stmt(ctx, title, HV_TABLE_PUBLIC, st, out);
	sqlite3_finalize(st);
	return rc;
}

haven_status haven_authority_list(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	return list(ctx, "authorities",
	            "SELECT a.code, a.kind, a.name, a.scope, "
	            " (SELECT group_concat(area_code, ' ') FROM (SELECT area_code FROM authority_area "
	            "   WHERE authority_code = a.code ORDER BY area_code)) AS areas, "
	            " (SELECT count(*) FROM app_user u WHERE u.authority_code = a.code AND u.disabled_at IS NULL) "
	            "   AS users, "
	            " (SELECT count(*) FROM authority_key k WHERE k.authority_code = a.code) AS keys, "
	            " CASE WHEN a.scope = 'national' THEN 'national' WHEN a.scope_recorded_at IS NULL THEN "
	            "  'not recorded yet' ELSE (SELECT count(*) FROM authority_scope s WHERE s.authority_code = a.code)"
	            "  || ' LAs' END AS scope_recorded, "
	            " a.created_at "
	            "FROM authority a ORDER BY a.code",
	            NULL, out);
}

haven_status haven_authority_key_add(haven_ctx *ctx, const char *authority, const char *public_key, const char *label,
                                     int64_t *id)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN);
	if (rc)
		return rc;
	int found;
	if ((rc = exists(ctx, "SELECT 1 FROM authority WHERE code = ?", authority ? authority : "", &found)))
		return rc;
	if (!found)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "authority '%s' is not registered (haven authority list)",
		                authority ? authority : "");
	unsigned char pk[32];
	if (!public_key || !hv_pubkey_parse(public_key, pk))
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%.60s' is not an Ed25519 public key (32 bytes of base64)",
		                public_key ? public_key : "");
	if (label && *label && (rc = check_text(ctx, "the key's label", label, 255, 0)))
		return rc;
	char b64[HAVEN_PUBKEY_B64], now[21];
	hv_pubkey_b64(pk, b64); /* one spelling per key, so UNIQUE catches a repeat */
	int dup;
	if ((rc = exists(ctx, "SELECT 1 FROM authority_key WHERE public_key = ?", b64, &dup)))
		return rc;
	if (dup)
		return hv_error(ctx, HAVEN_ERR_DUPLICATE, "public key %s is already recorded", b64);
	hv_format_time(hv_now(ctx), now);
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE)))
		return rc;
	sqlite3_stmt *st;
	rc = hv_prepare(
	    ctx, "INSERT INTO authority_key(authority_code, public_key, label, added_at) VALUES(?, ?, ?, ?)", &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, authority, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, b64, -1, SQLITE_STATIC);
		hv_bind_text_or_null(st, 3, label);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		rc = step_done(ctx, st, "recording the key");
	}
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(ctx->db);
	return hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, NULL, 0, NULL);
}

haven_status haven_authority_key_list(haven_ctx *ctx, const char *authority, haven_table **out)
{
	hv_clear(ctx);
	return list(ctx, "authority keys",
	            "SELECT id, authority_code AS authority, public_key, label, added_at FROM authority_key "
	            "WHERE ?1 IS NULL OR authority_code = ?1 ORDER BY id",
	            authority, out);
}

/* ---- users -------------------------------------------------------------- */

/* Make each missing directory of path, mode 0700. */
static haven_status make_dirs(haven_ctx *ctx, const char *path)
{
	char *p = strdup(path);
	if (!p)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	haven_status rc = HAVEN_OK;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot make the key directory: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	struct stat sb;
	if (!rc && (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: not a directory", p);
	free(p);
	return rc;
}

/* $HOME, else the home directory the password database gives, into buf. */
static haven_status home_dir(haven_ctx *ctx, char *buf, size_t n)
{
	const char *h = getenv("HOME");
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	if ((!h || !*h) && getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
		h = res->pw_dir;
	if (!h || !*h)
		return hv_error(ctx, HAVEN_ERR_IO, "cannot find a home directory for the key: set HAVEN_KEY_DIR");
	snprintf(buf, n, "%s", h);
	return HAVEN_OK;
}

/* $HAVEN_KEY_DIR/NAME.key, else $HOME/.haven/keys/NAME.key; makes the
 * directories.  *out is malloc'd. */
static haven_status default_key_path(haven_ctx *ctx, const char *name, char **out)
{
	*out = NULL;
	const char *kd = getenv("HAVEN_KEY_DIR");
	char dir[4096], home[4000];
	haven_status rc = HAVEN_OK;
	if (kd && *kd)
		snprintf(dir, sizeof dir, "%s", kd);
	else if (!(rc = home_dir(ctx, home, sizeof home)))
		snprintf(dir, sizeof dir, "%s/.haven/keys", home);
	if (!rc)
		rc = make_dirs(ctx, dir);
	if (rc)
		return rc;
	size_t n = strlen(dir) + strlen(name) + 6;
	if (!(*out = malloc(n)))
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	snprintf(*out, n, "%s/%s.key", dir, name);
	return HAVEN_OK;
}

static haven_status check_user(haven_ctx *ctx, const haven_user_spec *u, char kind[16])
{
	if (!name_ok(u->name))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "user name '%.80s' must be 1-%d letters, digits, '.', '_', '-' or '@', starting with "
		                "a letter or digit",
		                u->name ? u->name : "", MAX_NAME);
	if (!in_list(u->role, roles))
		return hv_error(ctx, HAVEN_ERR_VALUE, "role '%s' is not one of analyst, senior, admin",
		                u->role ? u->role : "");
	if (u->key_file && strcmp(u->role, "senior") != 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "only a senior has a key; a %s takes no key file", u->role);
	int dup;
	haven_status rc = exists(ctx, "SELECT 1 FROM app_user WHERE name = ?", u->name, &dup);
	if (rc)
		return rc;
	if (dup)
		return hv_error(ctx, HAVEN_ERR_DUPLICATE, "user '%s' exists already", u->name);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT kind FROM authority WHERE code = ?", &st)))
		return rc;
	sqlite3_bind_text(st, 1, u->authority ? u->authority : "", -1, SQLITE_TRANSIENT);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		snprintf(kind, 16, "%s", col(st, 0));
	sqlite3_finalize(st);
	if (s != SQLITE_ROW)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "authority '%s' is not registered (haven authority list)",
		                u->authority ? u->authority : "");
	if (u->default_purpose) {
		int ok;
		if ((rc = purpose_registered(ctx, kind, u->default_purpose, &ok)))
			return rc;
		if (!ok)
			return hv_error(
			    ctx, HAVEN_ERR_VALUE,
			    "'%s' is not a purpose registered for %s authorities (haven purpose list --kind %s)",
			    u->default_purpose, kind, kind);
	}
	return HAVEN_OK;
}

haven_status haven_user_add(haven_ctx *ctx, const haven_user_spec *u, char **key_path,
                            char public_key[HAVEN_PUBKEY_B64])
{
	hv_clear(ctx);
	if (key_path)
		*key_path = NULL;
	if (public_key)
		public_key[0] = '\0';
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN);
	char kind[16];
	if (!rc)
		rc = check_user(ctx, u, kind);
	if (rc)
		return rc;
	char *path = NULL, pub[HAVEN_PUBKEY_B64] = "";
	int senior = strcmp(u->role, "senior") == 0;
	if (senior) {
		if (u->key_file)
			path = strdup(u->key_file);
		else
			rc = default_key_path(ctx, u->name, &path);
		if (!rc && !path)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		if (!rc)
			rc = hv_key_generate(ctx, path, pub);
		if (rc) {
			free(path);
			return rc;
		}
	}
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *st;
	rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (!rc)
		rc = hv_prepare(
		    ctx,
		    "INSERT INTO app_user(name, authority_code, role, public_key, default_purpose, created_at) "
		    "VALUES(?, ?, ?, ?, ?, ?)",
		    &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, u->name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, u->authority, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, u->role, -1, SQLITE_TRANSIENT);
		hv_bind_text_or_null(st, 4, pub);
		hv_bind_text_or_null(st, 5, u->default_purpose);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		rc = step_done(ctx, st, "recording the user");
	}
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, NULL, 0, NULL))) {
		if (path)
			unlink(path); /* a key nobody is recorded with */
		free(path);
		return rc;
	}
	if (public_key)
		snprintf(public_key, HAVEN_PUBKEY_B64, "%s", pub);
	if (key_path)
		*key_path = path;
	else
		free(path);
	return HAVEN_OK;
}

haven_status haven_user_list(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	return list(
	    ctx, "users",
	    "SELECT u.name, u.authority_code AS authority, a.kind AS authority_kind, u.role, u.default_purpose, "
	    "u.public_key, u.created_at, u.disabled_at "
	    "FROM app_user u JOIN authority a ON a.code = u.authority_code ORDER BY u.name",
	    NULL, out);
}

haven_status haven_user_disable(haven_ctx *ctx, const char *name)
{
	hv_clear(ctx);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN);
	if (rc)
		return rc;
	name = name ? name : "";
	user_row u;
	if ((rc = load_user(ctx, name, &u)))
		return rc;
	if (!u.found)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "unknown user '%s'", name);
	if (*u.disabled_at)
		return hv_error(ctx, HAVEN_ERR_VALUE, "user '%s' was disabled already, on %s", name, u.disabled_at);
	int64_t admins = 0;
	if ((rc = hv_query_int(ctx, "SELECT count(*) FROM app_user WHERE role = 'admin' AND disabled_at IS NULL",
	                       &admins)))
		return rc;
	if (strcmp(u.role, "admin") == 0 && admins <= 1)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "'%s' is the last enabled admin: add another admin first, or nobody could manage users",
		                name);
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *st;
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE)))
		return rc;
	rc = hv_prepare(ctx, "UPDATE app_user SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL", &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		rc = step_done(ctx, st, "disabling the user");
	}
	return hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, NULL, 0, NULL);
}

/* ---- purposes ------------------------------------------------------------ */

haven_status haven_purpose_list(haven_ctx *ctx, const char *kind, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	if (kind && !in_list(kind, kinds))
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "authority kind '%s' is not one of police, la, occ, dfe, probation, hmci", kind);
	return list(ctx, "purposes",
	            "SELECT authority_kind, code, description FROM purpose "
	            "WHERE ?1 IS NULL OR authority_kind = ?1 ORDER BY rowid",
	            kind, out);
}

/* ---- authorising exceptional use ----------------------------------------- */

/* When an authorisation made now ends: 30 days on, or the end of the day
 * given (UTC), at most 365 days ahead. */
static haven_status expiry(haven_ctx *ctx, const char *date, int64_t now, int64_t *out)
{
	if (!date) {
		*out = now + (int64_t)DEFAULT_DAYS * DAY;
		return HAVEN_OK;
	}
	int64_t d, today = now / DAY;
	if (!hv_parse_date(date, &d))
		return hv_error(ctx, HAVEN_ERR_VALUE, "expiry '%s' is not a date (YYYY-MM-DD)", date);
	if (d < today)
		return hv_error(ctx, HAVEN_ERR_VALUE, "expiry %s is in the past", date);
	if (d - today > MAX_DAYS)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "expiry %s is more than %d days ahead: an authorisation lasts at most a year", date,
		                MAX_DAYS);
	*out = (d + 1) * DAY;
	return HAVEN_OK;
}

/* Read the senior's secret key, refusing a key that is not the one
 * recorded for them. */
static haven_status senior_key(haven_ctx *ctx, const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	user_row me;
	haven_status rc = load_user(ctx, ctx->actor.user, &me);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], rec[32];
	if (!rc && (!me.found || !hv_pubkey_parse(me.public_key, rec)))
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "senior '%s' has no recorded public key", ctx->actor.user);
	if (!rc)
		rc = hv_key_read(ctx, path, pk, sk);
	if (!rc && sodium_memcmp(pk, rec, sizeof pk) != 0) {
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
		rc = hv_error(ctx, HAVEN_ERR_DENIED, "%s: not the key recorded for senior '%s'", path, ctx->actor.user);
	}
	return rc;
}

static const char *const senior_only[] = {"senior", NULL};

haven_status haven_authorise(haven_ctx *ctx, const haven_authorise_opts *o, int64_t *id)
{
	hv_clear(ctx);
	*id = 0;
	haven_status rc = hv_need_role(ctx, senior_only);
	if (rc)
		return rc;
	if (!o->key_file || !*o->key_file)
		return hv_error(ctx, HAVEN_ERR_USAGE, "authorising needs the senior's key file");
	if (!o->user || !*o->user)
		return hv_error(ctx, HAVEN_ERR_USAGE, "authorising needs the user it is for");
	if ((rc = check_text(ctx, "the use", o->use, MAX_USE, 0)) ||
	    (rc = check_text(ctx, "the reason", o->reason, MAX_REASON, 1)))
		return rc;
	user_row u;
	if ((rc = load_user(ctx, o->user, &u)))
		return rc;
	if (!u.found)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "unknown user '%s'", o->user);
	if (strcmp(o->user, ctx->actor.user) == 0)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "'%s' cannot authorise themselves: another senior of %s must authorise their exceptional use",
		    o->user, u.authority);
	if (*u.disabled_at)
		return hv_error(ctx, HAVEN_ERR_DENIED, "user '%s' was disabled on %s", o->user, u.disabled_at);
	if (strcmp(u.authority, ctx->actor.authority) != 0)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "user '%s' is of authority %s: a senior of %s may authorise only their own authority's users",
		    o->user, u.authority, ctx->actor.authority);
	int registered;
	if ((rc = purpose_registered(ctx, u.kind, o->use, &registered)))
		return rc;
	if (registered)
		return hv_error(ctx, HAVEN_ERR_VALUE,
		                "'%s' is a registered purpose for %s authorities: using it needs no authorisation",
		                o->use, u.kind);
	int64_t now = hv_now(ctx);
	hv_authorisation a = {ctx->actor.authority, ctx->actor.user, o->user, o->use, o->reason, now, 0, {0}};
	if ((rc = expiry(ctx, o->expires, now, &a.expires_at)))
		return rc;
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	if ((rc = hv_sodium_ready(ctx)) || (rc = senior_key(ctx, o->key_file, sk)))
		return rc;
	randombytes_buf(a.nonce, sizeof a.nonce);
	unsigned char *msg;
	size_t len;
	rc = hv_govern_encode(ctx, &a, &msg, &len);
	if (!rc) {
		crypto_sign_detached(sig, NULL, msg, len, sk);
		free(msg);
	}
	sodium_memzero(sk, sizeof sk);
	if (rc)
		return rc;
	char issued[21], expires[21], nonce[2 * HV_NONCE_BYTES + 1];
	char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	hv_format_time(a.issued_at, issued);
	hv_format_time(a.expires_at, expires);
	sodium_bin2hex(nonce, sizeof nonce, a.nonce, sizeof a.nonce);
	sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	sqlite3_stmt *st;
	hv_op op;
	if ((rc = hv_op_begin(ctx, &op, HV_OP_SENIOR | HV_OP_WRITE)))
		return rc;
	rc = hv_prepare(
	    ctx,
	    "INSERT INTO authorisation(authority_code, senior, user_name, use, reason, issued_at, expires_at, "
	    "nonce, signature) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    &st);
	if (!rc) {
		const char *v[] = {a.authority, a.senior, a.user, a.use, a.reason, issued, expires, nonce, sig64};
		for (int i = 0; i < 9; i++)
			sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
		rc = step_done(ctx, st, "recording the authorisation");
	}
	if (!rc)
		*id = sqlite3_last_insert_rowid(ctx->db);
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, NULL, 0, NULL))) {
		*id = 0;
		return rc;
	}
	hv_notice(ctx, "authorisation %lld: '%s' may use the store once for '%s' until %s, authorised by '%s'",
	          (long long)*id, a.user, a.use, expires, a.senior);
	return HAVEN_OK;
}

/* ---- a new store's first user ------------------------------------------- */

haven_status haven_user_login_name(haven_ctx *ctx, char *buf, size_t n)
{
	hv_clear(ctx);
	const char *u = getenv("HAVEN_USER");
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	if ((!u || !*u) && getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res && res->pw_name)
		u = res->pw_name;
	if (!u || !*u)
		return hv_error(ctx, HAVEN_ERR_MISSING,
		                "cannot tell who is making the store: name its admin (--admin NAME, or HAVEN_USER)");
	if (strlen(u) >= n)
		return hv_error(ctx, HAVEN_ERR_VALUE, "user name '%.80s' is longer than %zu bytes", u, n - 1);
	memcpy(buf, u, strlen(u) + 1);
	return HAVEN_OK;
}

haven_status hv_govern_init(haven_ctx *ctx, const haven_owner *owner)
{
	char kind[32], code[256], admin[256];
	haven_status rc = hv_meta_get(ctx, "owner_kind", kind, sizeof kind);
	if (!rc)
		rc = hv_meta_get(ctx, "owner_code", code, sizeof code);
	if (rc)
		return rc;
	if (owner) {
		if ((rc = check_authority(ctx, owner->kind, owner->code, owner->areas, owner->n_areas)))
			return rc;
		if (owner->n_areas) { /* in place of a police owner's own code */
			sqlite3_stmt *st;
			if ((rc = hv_prepare(ctx, "DELETE FROM authority_area WHERE authority_code = ?", &st)))
				return rc;
			sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
			if ((rc = step_done(ctx, st, "recording the owner's areas")) ||
			    (rc = insert_areas(ctx, code, owner->areas, owner->n_areas)))
				return rc;
		}
	}
	if (owner && owner->admin && *owner->admin)
		snprintf(admin, sizeof admin, "%s", owner->admin);
	else if ((rc = haven_user_login_name(ctx, admin, sizeof admin)))
		return rc;
	if (!name_ok(admin))
		return hv_error(
		    ctx, HAVEN_ERR_VALUE,
		    "admin name '%.80s' must be 1-%d letters, digits, '.', '_', '-' or '@', starting with a "
		    "letter or digit (name it with --admin NAME or HAVEN_USER)",
		    admin, MAX_NAME);
	char now[21];
	hv_format_time(hv_now(ctx), now);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx,
	                     "INSERT INTO app_user(name, authority_code, role, default_purpose, created_at) "
	                     "VALUES(?1, ?2, 'admin', "
	                     " (SELECT code FROM purpose WHERE authority_kind = ?3 ORDER BY rowid LIMIT 1), ?4)",
	                     &st)))
		return rc;
	sqlite3_bind_text(st, 1, admin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	return step_done(ctx, st, "adding the store's first user");
}
