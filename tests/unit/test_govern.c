/*
 * test_govern.c - authorities, users, purposes, exceptional-use
 * authorisations and the acting user, on real stores with real Ed25519
 * keys.  Every refusal checks the status, the message naming what failed,
 * and that the store's tables are unchanged.  Tampering is done as someone
 * holding the file would: by rewriting rows with SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/govern.h"
#include "core/keys.h"
#include "core/sql.h"
#include "testutil.h"

#define T0 1744707600 /* 2025-04-15T09:00:00Z, HAVEN_NOW under ctest */
#define DAY 86400

/* ---- helpers ------------------------------------------------------------- */

static void exec(haven_ctx *ctx, const char *sql)
{
	tu_ok(ctx, hv_exec(ctx, sql));
}

static haven_status act(haven_ctx *ctx, const char *user, const char *purpose, const char *reason, int64_t auth)
{
	haven_act_opts o = {user, purpose, reason, auth};
	return haven_act(ctx, &o);
}

static void act_ok(haven_ctx *ctx, const char *user, const char *purpose)
{
	tu_ok(ctx, act(ctx, user, purpose, NULL, 0));
}

/* A key file name for user of store (stores are made fresh per test). */
static const char *keyfile(const char *store, const char *user)
{
	char name[128];
	snprintf(name, sizeof name, "%s-%s.key", store, user);
	return tu_tmp(name);
}

static void add_user(haven_ctx *ctx, const char *store, const char *name, const char *authority, const char *role,
                     const char *purpose)
{
	haven_user_spec u = {name, authority, role, strcmp(role, "senior") == 0 ? keyfile(store, name) : NULL, purpose};
	unlink(keyfile(store, name));
	tu_ok(ctx, haven_user_add(ctx, &u, NULL, NULL));
}

/* A police store (E23000001) with a second force (E23000005) and users:
 * admin; analysts ana, ana2, nodef (no default purpose), gone (disabled);
 * seniors sup, sup2; of E23000005 the senior other and the analyst other.ana.
 * Returns acting as admin. */
static haven_ctx *make_store(const char *name)
{
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	haven_owner owner = {
	    .kind = "police", .code = "E23000001", .name = "Metropolitan Police Service", .admin = "admin"};
	unlink(tu_tmp(name));
	tu_ok(ctx, haven_store_create(ctx, tu_tmp(name), &owner));
	act_ok(ctx, "admin", NULL);
	haven_authority_spec other = {.kind = "police", .code = "E23000005", .name = "Greater Manchester Police"};
	tu_ok(ctx, haven_authority_add(ctx, &other));
	add_user(ctx, name, "ana", "E23000001", "analyst", "safeguarding");
	add_user(ctx, name, "ana2", "E23000001", "analyst", "safeguarding");
	add_user(ctx, name, "nodef", "E23000001", "analyst", NULL);
	add_user(ctx, name, "gone", "E23000001", "analyst", "safeguarding");
	add_user(ctx, name, "sup", "E23000001", "senior", "safeguarding");
	add_user(ctx, name, "sup2", "E23000001", "senior", "safeguarding");
	add_user(ctx, name, "other", "E23000005", "senior", "safeguarding");
	add_user(ctx, name, "other.ana", "E23000005", "analyst", "safeguarding");
	tu_ok(ctx, haven_user_disable(ctx, "gone"));
	return ctx;
}

/* As senior (with key), authorise user for use; returns the id. */
static int64_t authorise(haven_ctx *ctx, const char *senior, const char *key, const char *user, const char *use,
                         const char *expires)
{
	act_ok(ctx, senior, NULL);
	haven_authorise_opts o = {key, user, use, "child missing overnight; last seen near the border", expires};
	int64_t id = 0;
	tu_ok(ctx, haven_authorise(ctx, &o, &id));
	assert_true(id > 0);
	return id;
}

/* Sign msg with the key in path; base64 signature into sig64. */
static void sign_with(haven_ctx *ctx, const char *path, const unsigned char *msg, size_t len, char sig64[89])
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	tu_ok(ctx, hv_key_read(ctx, path, pk, sk));
	crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_bin2base64(sig64, 89, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
}

/* The signature the key in path makes over authorisation id's row as stored. */
static void sign_row(haven_ctx *ctx, int64_t id, const char *path, char sig64[89])
{
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT authority_code, senior, user_name, use, reason, issued_at, expires_at, nonce "
	                      "FROM authorisation WHERE id = ?",
	                      &st));
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	hv_authorisation a = {(const char *)sqlite3_column_text(st, 0),
	                      (const char *)sqlite3_column_text(st, 1),
	                      (const char *)sqlite3_column_text(st, 2),
	                      (const char *)sqlite3_column_text(st, 3),
	                      (const char *)sqlite3_column_text(st, 4),
	                      0,
	                      0,
	                      {0}};
	assert_true(hv_parse_time((const char *)sqlite3_column_text(st, 5), &a.issued_at));
	assert_true(hv_parse_time((const char *)sqlite3_column_text(st, 6), &a.expires_at));
	size_t n;
	assert_int_equal(
	    sodium_hex2bin(a.nonce, sizeof a.nonce, (const char *)sqlite3_column_text(st, 7), 32, NULL, &n, NULL), 0);
	unsigned char *msg;
	size_t len;
	tu_ok(ctx, hv_govern_encode(ctx, &a, &msg, &len));
	sign_with(ctx, path, msg, len, sig64);
	free(msg);
	sqlite3_finalize(st);
}

/* Insert an authorisation row genuinely signed with the key in path, as
 * if haven_authorise had made it, whatever the rules say. */
static int64_t forge(haven_ctx *ctx, const char *path, const char *authority, const char *senior, const char *user,
                     const char *use, int64_t issued, int64_t expires)
{
	hv_authorisation a = {authority, senior, user, use, "forged for a test", issued, expires, {0}};
	randombytes_buf(a.nonce, sizeof a.nonce);
	unsigned char *msg;
	size_t len;
	tu_ok(ctx, hv_govern_encode(ctx, &a, &msg, &len));
	char sig64[89], nonce[33], t1[21], t2[21];
	sign_with(ctx, path, msg, len, sig64);
	free(msg);
	sodium_bin2hex(nonce, sizeof nonce, a.nonce, sizeof a.nonce);
	hv_format_time(issued, t1);
	hv_format_time(expires, t2);
	char *sql =
	    sqlite3_mprintf("INSERT INTO authorisation(authority_code, senior, user_name, use, reason, issued_at, "
	                    "expires_at, nonce, signature) VALUES(%Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q)",
	                    authority, senior, user, use, a.reason, t1, t2, nonce, sig64);
	exec(ctx, sql);
	sqlite3_free(sql);
	return sqlite3_last_insert_rowid(ctx->db);
}

static void assert_no_actor(haven_ctx *ctx)
{
	if (haven_actor(ctx))
		fail_msg("an actor (%s) was left on the context after a refusal", haven_actor(ctx));
}

/* ---- 1: acting, refused ----------------------------------------------- */

static void test_act_refusals(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("act.db");
	static const struct {
		const char *name, *user, *purpose, *reason;
		int64_t auth;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"1.1 unknown user", "nobody", NULL, NULL, 0, HAVEN_ERR_DENIED, "unknown user 'nobody'"},
	    {"1.2 disabled user", "gone", NULL, NULL, 0, HAVEN_ERR_DENIED, "user 'gone' was disabled on 2025-04-15"},
	    {"1.3 no user given", NULL, NULL, NULL, 0, HAVEN_ERR_DENIED, "no user given"},
	    {"1.4 empty user", "", "safeguarding", NULL, 0, HAVEN_ERR_DENIED, "no user given"},
	    {"1.5 not a user name", "ana; DROP TABLE app_user", NULL, NULL, 0, HAVEN_ERR_DENIED, "not a user name"},
	    {"1.6 no default purpose", "nodef", NULL, NULL, 0, HAVEN_ERR_DENIED, "'nodef' has no default purpose"},
	    {"1.7 another kind's purpose, no reason", "ana", "policy", NULL, 0, HAVEN_ERR_DENIED,
	     "'policy' is not a registered purpose for police authorities"},
	    {"1.8 another kind's purpose, no authorisation", "ana", "policy", "capacity review", 0, HAVEN_ERR_DENIED,
	     "exceptional use 'policy' needs a senior's authorisation"},
	    {"1.9 unregistered use, unknown authorisation", "ana", "research", "why", 999, HAVEN_ERR_DENIED,
	     "authorisation 999 does not exist"},
	    {"1.10 authorisation under a registered purpose", "ana", "safeguarding", "why", 1, HAVEN_ERR_USAGE,
	     "needs no authorisation"},
	    {"1.11 control character in the purpose", "ana", "a\001b", "why", 1, HAVEN_ERR_VALUE, "control characters"},
	    {"1.12 purpose too long", "ana",
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	     "why", 1, HAVEN_ERR_VALUE, "longer than 255 bytes"},
	    {"1.13 reason not UTF-8", "ana", "research", "caf\xe9", 1, HAVEN_ERR_VALUE, "not UTF-8"},
	};
	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		act_ok(ctx, "ana", NULL); /* a refusal must also clear the previous actor */
		haven_status st = act(ctx, cases[i].user, cases[i].purpose, cases[i].reason, cases[i].auth);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].msg);
		assert_no_actor(ctx);
	}
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	haven_ctx_free(ctx);
}

/* ---- 2: acting under a registered purpose ------------------------------ */

static void test_act_ordinary(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("ordinary.db");
	/* 2.1 nobody acting yet after reopening: the actor is per open store */
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("ordinary.db")));
	assert_null(haven_actor(ctx));
	tu_assert_status(ctx, hv_need_actor(ctx), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "nobody is acting");
	static const char *const seniors[] = {"senior", NULL};
	tu_assert_status(ctx, hv_need_role(ctx, seniors), HAVEN_ERR_DENIED);

	/* 2.2 the default purpose */
	act_ok(ctx, "ana", NULL);
	assert_string_equal(haven_actor(ctx), "ana");
	assert_string_equal(ctx->actor.authority, "E23000001");
	assert_string_equal(ctx->actor.authority_kind, "police");
	assert_string_equal(ctx->actor.role, "analyst");
	assert_string_equal(ctx->actor.purpose, "safeguarding");
	assert_string_equal(ctx->actor.reason, "");
	assert_int_equal(ctx->actor.exceptional, 0);
	assert_string_equal(ctx->actor.authoriser, "");
	tu_assert_status(ctx, hv_need_role(ctx, seniors), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "user 'ana' has the role analyst; this needs the role senior");

	/* 2.3 another registered purpose, with an optional reason */
	tu_ok(ctx, act(ctx, "ana", "offender-management", "MAPPA panel, level 2", 0));
	assert_string_equal(ctx->actor.purpose, "offender-management");
	assert_string_equal(ctx->actor.reason, "MAPPA panel, level 2");
	assert_int_equal(ctx->actor.exceptional, 0);

	/* 2.4 a user with no default purpose who names one */
	act_ok(ctx, "nodef", "crime-prevention");
	assert_string_equal(ctx->actor.purpose, "crime-prevention");

	/* 2.5 consuming under a registered purpose changes nothing */
	char before[65], after[65];
	tu_digest(ctx, before);
	tu_ok(ctx, hv_begin(ctx));
	tu_ok(ctx, hv_actor_consume(ctx));
	tu_ok(ctx, hv_commit(ctx));
	tu_digest(ctx, after);
	assert_string_equal(before, after);

	/* 2.6 a senior meets hv_need_role for seniors; an admin for admins */
	act_ok(ctx, "sup", NULL);
	tu_ok(ctx, hv_need_role(ctx, seniors));
	static const char *const admin_or_senior[] = {"admin", "senior", NULL};
	act_ok(ctx, "admin", NULL);
	tu_ok(ctx, hv_need_role(ctx, admin_or_senior));
	assert_string_equal(ctx->actor.purpose, "safeguarding"); /* the admin's default, from init */
	haven_ctx_free(ctx);
}

/* ---- 3: authorising, refused ------------------------------------------- */

static void test_authorise_refusals(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("authref.db");
	const char *sup_key = keyfile("authref.db", "sup"), *sup2_key = keyfile("authref.db", "sup2");
	/* a copy of sup's key that group and others may read */
	const char *open_key = tu_tmp("authref-open.key");
	{
		FILE *in = fopen(sup_key, "rb"), *out = fopen(open_key, "wb");
		assert_non_null(in);
		assert_non_null(out);
		char buf[256];
		size_t n = fread(buf, 1, sizeof buf, in);
		assert_int_equal(fwrite(buf, 1, n, out), n);
		fclose(in);
		fclose(out);
		assert_int_equal(chmod(open_key, 0644), 0);
	}
	static const char *const use = "search for a missing child outside the force area";
	const struct {
		const char *name, *as, *key, *user, *use, *reason, *expires;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"3.1 an analyst authorising", "ana", sup_key, "ana2", use, "r", NULL, HAVEN_ERR_DENIED,
	     "user 'ana' has the role analyst; this needs the role senior"},
	    {"3.2 an analyst authorising themself", "ana", sup_key, "ana", use, "r", NULL, HAVEN_ERR_DENIED,
	     "needs the role senior"},
	    {"3.3 an admin authorising", "admin", sup_key, "ana", use, "r", NULL, HAVEN_ERR_DENIED,
	     "has the role admin"},
	    {"3.4 a senior authorising themself", "sup", sup_key, "sup", use, "r", NULL, HAVEN_ERR_DENIED,
	     "'sup' cannot authorise themselves"},
	    {"3.5 key file mode 0644", "sup", open_key, "ana", use, "r", NULL, HAVEN_ERR_DENIED, "mode 0644"},
	    {"3.6 another senior's key", "sup", sup2_key, "ana", use, "r", NULL, HAVEN_ERR_DENIED,
	     "not the key recorded for senior 'sup'"},
	    {"3.7 no key file", "sup", tu_tmp("authref-lost.key"), "ana", use, "r", NULL, HAVEN_ERR_IO,
	     "cannot open key file"},
	    {"3.8 a user of another authority", "sup", sup_key, "other.ana", use, "r", NULL, HAVEN_ERR_DENIED,
	     "user 'other.ana' is of authority E23000005"},
	    {"3.9 an unknown user", "sup", sup_key, "nobody", use, "r", NULL, HAVEN_ERR_NOT_FOUND,
	     "unknown user 'nobody'"},
	    {"3.10 a disabled user", "sup", sup_key, "gone", use, "r", NULL, HAVEN_ERR_DENIED, "'gone' was disabled"},
	    {"3.11 a registered purpose", "sup", sup_key, "ana", "community-policing", "r", NULL, HAVEN_ERR_VALUE,
	     "'community-policing' is a registered purpose for police"},
	    {"3.12 expiry in the past", "sup", sup_key, "ana", use, "r", "2025-04-14", HAVEN_ERR_VALUE,
	     "expiry 2025-04-14 is in the past"},
	    {"3.13 expiry over a year ahead", "sup", sup_key, "ana", use, "r", "2026-04-16", HAVEN_ERR_VALUE,
	     "more than 365 days ahead"},
	    {"3.14 expiry not a date", "sup", sup_key, "ana", use, "r", "2025-02-30", HAVEN_ERR_VALUE, "not a date"},
	    {"3.15 no reason", "sup", sup_key, "ana", use, "", NULL, HAVEN_ERR_MISSING, "the reason is empty"},
	    {"3.16 no use", "sup", sup_key, "ana", "", "r", NULL, HAVEN_ERR_MISSING, "the use is empty"},
	    {"3.17 no key given", "sup", NULL, "ana", use, "r", NULL, HAVEN_ERR_USAGE, "key file"},
	};
	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		act_ok(ctx, cases[i].as, NULL);
		haven_authorise_opts o = {cases[i].key, cases[i].user, cases[i].use, cases[i].reason, cases[i].expires};
		int64_t id = -1;
		haven_status st = haven_authorise(ctx, &o, &id);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].msg);
		assert_int_equal(id, 0);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", cases[i].name);
	}
	/* 3.18 the longest expiry allowed: 365 days on, to the end of that day */
	int64_t id = authorise(ctx, "sup", sup_key, "ana", use, "2026-04-15");
	char *sql = sqlite3_mprintf("SELECT expires_at = '2026-04-16T00:00:00Z' FROM authorisation WHERE id = %lld",
	                            (long long)id);
	assert_int_equal(tu_int(ctx, sql), 1);
	sqlite3_free(sql);
	haven_ctx_free(ctx);
}

/* ---- 4: exceptional use, allowed once ---------------------------------- */

static void test_exceptional_use(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("excepted.db");
	const char *use = "search for a missing child outside the force area";
	/* 4.1 sup authorises ana; the row holds what was signed */
	int64_t id = authorise(ctx, "sup", keyfile("excepted.db", "sup"), "ana", use, NULL);
	char *sql =
	    sqlite3_mprintf("SELECT count(*) FROM authorisation WHERE id = %lld AND authority_code = 'E23000001' "
	                    "AND senior = 'sup' AND user_name = 'ana' AND use = %Q "
	                    "AND issued_at = '2025-04-15T09:00:00Z' AND expires_at = '2025-05-15T09:00:00Z' "
	                    "AND length(nonce) = 32 AND length(signature) = 88 AND used_at IS NULL",
	                    (long long)id, use);
	assert_int_equal(tu_int(ctx, sql), 1);
	sqlite3_free(sql);

	/* 4.2 ana acts under it */
	tu_ok(ctx, act(ctx, "ana", use, "child missing overnight", id));
	assert_string_equal(haven_actor(ctx), "ana");
	assert_int_equal(ctx->actor.exceptional, 1);
	assert_int_equal(ctx->actor.authorisation, id);
	assert_string_equal(ctx->actor.authoriser, "sup");
	assert_string_equal(ctx->actor.purpose, use);
	assert_string_equal(ctx->actor.reason, "child missing overnight");

	/* 4.3 a second process acts under it too before either uses it */
	haven_ctx *ctx2;
	assert_int_equal(haven_ctx_new(&ctx2), HAVEN_OK);
	tu_ok(ctx2, haven_store_open(ctx2, tu_tmp("excepted.db")));
	tu_ok(ctx2, act(ctx2, "ana", use, "the same again", id));

	/* 4.4 consuming outside a transaction is a programming error */
	tu_assert_status(ctx, hv_actor_consume(ctx), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "inside the operation's transaction");

	/* 4.5 the first operation uses it up */
	tu_ok(ctx, hv_begin(ctx));
	tu_ok(ctx, hv_actor_consume(ctx));
	tu_ok(ctx, hv_commit(ctx));
	sql = sqlite3_mprintf("SELECT used_at = '2025-04-15T09:00:00Z' FROM authorisation WHERE id = %lld",
	                      (long long)id);
	assert_int_equal(tu_int(ctx, sql), 1);
	sqlite3_free(sql);

	/* 4.6 the second process's operation is refused: a replay */
	char before[65], after[65];
	tu_digest(ctx2, before);
	tu_ok(ctx2, hv_begin(ctx2));
	tu_assert_status(ctx2, hv_actor_consume(ctx2), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx2, "was already used");
	hv_rollback(ctx2);
	tu_digest(ctx2, after);
	assert_string_equal(before, after);
	haven_ctx_free(ctx2);

	/* 4.7 and so is acting under it again */
	tu_assert_status(ctx, act(ctx, "ana", use, "again", id), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "was already used at 2025-04-15T09:00:00Z");
	assert_no_actor(ctx);

	/* 4.8 a police analyst using DfE's purpose 'policy' is exceptional use */
	int64_t pid = authorise(ctx, "sup2", keyfile("excepted.db", "sup2"), "ana", "policy", NULL);
	tu_ok(ctx, act(ctx, "ana", "policy", "force capacity review", pid));
	assert_int_equal(ctx->actor.exceptional, 1);
	assert_string_equal(ctx->actor.authoriser, "sup2");

	/* 4.9 --expires runs to the end of the day given (UTC) */
	int64_t eid = authorise(ctx, "sup", keyfile("excepted.db", "sup"), "ana2", "cross-border search", "2025-04-20");
	hv_clock_set(ctx, T0 + 5 * DAY + 14 * 3600 + 3599); /* 2025-04-20T23:59:59Z */
	tu_ok(ctx, act(ctx, "ana2", "cross-border search", "r", eid));
	hv_clock_set(ctx, T0 + 5 * DAY + 15 * 3600); /* 2025-04-21T00:00:00Z */
	tu_assert_status(ctx, act(ctx, "ana2", "cross-border search", "r", eid), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "expired at 2025-04-21T00:00:00Z");
	haven_ctx_free(ctx);
}

/* ---- 5: tampered authorisations ---------------------------------------- */

static void test_tampered(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("tamper.db");
	const char *sup_key = keyfile("tamper.db", "sup"), *sup2_key = keyfile("tamper.db", "sup2");
	const char *use = "search for a missing child outside the force area";
	enum { FLIP, OTHER_SIG, COPY, SQL, BAD_PUBKEY };
	static const struct {
		const char *name;
		int how;
		const char *sql; /* %lld is the authorisation's id */
		const char *as, *use;
		const char *msg;
	} cases[] = {
	    {"5.1 one byte of the signature flipped", FLIP, NULL, "ana", NULL, "the signature does not verify"},
	    {"5.2 signed by another senior's key", OTHER_SIG, NULL, "ana", NULL, "the signature does not verify"},
	    {"5.3 the signature copied onto a new row with another use", COPY, NULL, "ana",
	     "bulk export of the register", "the signature does not verify"},
	    {"5.4 expiry moved later", SQL,
	     "UPDATE authorisation SET expires_at = '2026-01-01T00:00:00Z' WHERE id = %lld", "ana", NULL,
	     "the signature does not verify"},
	    {"5.5 reason rewritten", SQL, "UPDATE authorisation SET reason = 'curiosity' WHERE id = %lld", "ana", NULL,
	     "the signature does not verify"},
	    {"5.6 given to another user", SQL, "UPDATE authorisation SET user_name = 'ana2' WHERE id = %lld", "ana2",
	     NULL, "the signature does not verify"},
	    {"5.7 nonce changed", SQL,
	     "UPDATE authorisation SET nonce = '00000000000000000000000000000000' WHERE id = %lld", "ana", NULL,
	     "the signature does not verify"},
	    {"5.8 signer's name changed to another senior", SQL,
	     "UPDATE authorisation SET senior = 'sup2' WHERE id = %lld", "ana", NULL, "senior 'sup2'"},
	    {"5.9 signature not base64", SQL, "UPDATE authorisation SET signature = 'forged!' WHERE id = %lld", "ana",
	     NULL, "signature is not 64 bytes of base64"},
	    {"5.10 issued_at malformed", SQL, "UPDATE authorisation SET issued_at = 'yesterday' WHERE id = %lld", "ana",
	     NULL, "issued_at or expires_at is malformed"},
	    {"5.11 the senior's recorded key replaced", BAD_PUBKEY, NULL, "ana", NULL, "the signature does not verify"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = authorise(ctx, "sup", sup_key, "ana", use, NULL), target = id;
		char sig[89];
		char *sql = NULL;
		switch (cases[i].how) {
		case FLIP: /* base64 'A' <-> 'B' changes exactly one bit of one byte */
			sql = sqlite3_mprintf("UPDATE authorisation SET signature = substr(signature, 1, 9) || "
			                      "CASE substr(signature, 10, 1) WHEN 'A' THEN 'B' ELSE 'A' END || "
			                      "substr(signature, 11) WHERE id = %lld",
			                      (long long)id);
			break;
		case OTHER_SIG:
			sign_row(ctx, id, sup2_key, sig);
			sql = sqlite3_mprintf("UPDATE authorisation SET signature = %Q WHERE id = %lld", sig,
			                      (long long)id);
			break;
		case COPY:
			sql = sqlite3_mprintf(
			    "INSERT INTO authorisation(authority_code, senior, user_name, use, reason, "
			    "issued_at, expires_at, nonce, signature) SELECT authority_code, senior, "
			    "user_name, %Q, reason, issued_at, expires_at, CASE WHEN substr(nonce, 1, 2) = 'ff' "
			    "THEN '00' ELSE 'ff' END || substr(nonce, 3), "
			    "signature FROM authorisation WHERE id = %lld",
			    cases[i].use, (long long)id);
			break;
		case SQL: sql = sqlite3_mprintf(cases[i].sql, (long long)id); break;
		case BAD_PUBKEY:
			sql = sqlite3_mprintf(
			    "UPDATE app_user SET public_key = (SELECT public_key FROM app_user WHERE name = "
			    "'sup2') WHERE name = 'sup'");
			break;
		}
		exec(ctx, sql);
		sqlite3_free(sql);
		if (cases[i].how == COPY)
			target = sqlite3_last_insert_rowid(ctx->db);
		char before[65], after[65];
		tu_digest(ctx, before);
		haven_status st = act(ctx, cases[i].as, cases[i].use ? cases[i].use : use, "r", target);
		if (st != HAVEN_ERR_TAMPER || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want HAVEN_ERR_TAMPER '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), cases[i].msg);
		assert_no_actor(ctx);
		tu_digest(ctx, after);
		assert_string_equal(before, after);
		if (cases[i].how == BAD_PUBKEY) { /* put sup's key back for later cases */
			char pub[HAVEN_PUBKEY_B64];
			unsigned char pk[32], sk[64];
			tu_ok(ctx, hv_key_read(ctx, sup_key, pk, sk));
			hv_pubkey_b64(pk, pub);
			sql = sqlite3_mprintf("UPDATE app_user SET public_key = %Q WHERE name = 'sup'", pub);
			exec(ctx, sql);
			sqlite3_free(sql);
		}
	}
	/* 5.12 the untouched original still verifies (the cases above really were the tampering) */
	int64_t id = authorise(ctx, "sup", sup_key, "ana", use, NULL);
	tu_ok(ctx, act(ctx, "ana", use, "r", id));
	haven_ctx_free(ctx);
}

/* ---- 6: genuine signatures that break the rules ------------------------ */

static void test_rules(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("rules.db");
	const char *sup_key = keyfile("rules.db", "sup"), *sup2_key = keyfile("rules.db", "sup2");
	const char *other_key = keyfile("rules.db", "other");
	const char *use = "search for a missing child outside the force area";
	const int64_t exp = T0 + 30 * DAY;
	struct {
		const char *name;
		int64_t id;
		const char *as, *use;
		int64_t now;
		const char *msg;
	} cases[] = {
	    {"6.1 a senior of another authority", 0, "ana", use, T0,
	     "signed by 'other' of another authority (E23000005)"},
	    {"6.2 another authority's senior claiming this authority", 0, "ana", use, T0, "of another authority"},
	    {"6.3 a senior for themself", 0, "sup", use, T0, "signed by 'sup' for themselves"},
	    {"6.4 expired", 0, "ana", use, exp, "expired at 2025-05-15T09:00:00Z"},
	    {"6.5 for another user", 0, "ana2", use, T0, "authorisation %ID is for user 'ana', not 'ana2'"},
	    {"6.6 a different use", 0, "ana", "search for a missing adult", T0, "is for the use"},
	    {"6.7 issued in the future", 0, "ana", use, T0, "is not valid before 2025-04-16T09:00:00Z"},
	    {"6.8 an analyst's signature", 0, "ana", use, T0, "signed by 'ana2', whose role is analyst"},
	    {"6.9 a disabled senior's signature", 0, "ana", use, T0, "signed by 'sup2', who was disabled on"},
	};
	cases[0].id = forge(ctx, other_key, "E23000005", "other", "ana", use, T0, exp);
	cases[1].id = forge(ctx, other_key, "E23000001", "other", "ana", use, T0, exp);
	cases[2].id = forge(ctx, sup_key, "E23000001", "sup", "sup", use, T0, exp);
	cases[3].id = forge(ctx, sup_key, "E23000001", "sup", "ana", use, T0, exp);
	cases[4].id = forge(ctx, sup_key, "E23000001", "sup", "ana", use, T0, exp);
	cases[5].id = forge(ctx, sup_key, "E23000001", "sup", "ana", use, T0, exp);
	cases[6].id = forge(ctx, sup_key, "E23000001", "sup", "ana", use, T0 + DAY, exp);
	/* 6.8: ana2 gets a key by SQL and signs; 6.9: sup2 signs, then is disabled */
	{
		unsigned char pk[32], sk[64];
		char pub[HAVEN_PUBKEY_B64];
		tu_ok(ctx, hv_key_read(ctx, sup2_key, pk, sk));
		hv_pubkey_b64(pk, pub);
		char *sql = sqlite3_mprintf("UPDATE app_user SET public_key = %Q WHERE name = 'ana2'", pub);
		exec(ctx, sql);
		sqlite3_free(sql);
	}
	cases[7].id = forge(ctx, sup2_key, "E23000001", "ana2", "ana", use, T0, exp);
	cases[8].id = forge(ctx, sup2_key, "E23000001", "sup2", "ana", use, T0, exp);
	act_ok(ctx, "admin", NULL);
	tu_ok(ctx, haven_user_disable(ctx, "sup2"));

	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hv_clock_set(ctx, cases[i].now);
		char want[256];
		const char *p = strstr(cases[i].msg, "%ID");
		if (p)
			snprintf(want, sizeof want, "%.*s%lld%s", (int)(p - cases[i].msg), cases[i].msg,
			         (long long)cases[i].id, p + 3);
		else
			snprintf(want, sizeof want, "%s", cases[i].msg);
		haven_status st = act(ctx, cases[i].as, cases[i].use, "r", cases[i].id);
		if (st != HAVEN_ERR_DENIED || !strstr(haven_errmsg(ctx), want))
			fail_msg("%s: got %s '%s', want HAVEN_ERR_DENIED '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), want);
		assert_no_actor(ctx);
	}
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 6.10 the same kind of record, within the rules, is accepted */
	hv_clock_set(ctx, T0);
	int64_t ok = forge(ctx, sup_key, "E23000001", "sup", "ana", use, T0, exp);
	tu_ok(ctx, act(ctx, "ana", use, "r", ok));
	haven_ctx_free(ctx);
}

/* ---- 7: users ----------------------------------------------------------- */

static void test_users(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("users.db");
	const char *taken = tu_write("users-taken.key", "not a key\n");
	static const struct {
		const char *name, *as;
		haven_user_spec u;
		haven_status want;
		const char *msg;
	} cases[] = {
	    {"7.1 an analyst adding a user",
	     "ana",
	     {"eve", "E23000001", "analyst", NULL, NULL},
	     HAVEN_ERR_DENIED,
	     "user 'ana' has the role analyst; this needs the role admin"},
	    {"7.2 a senior adding a user",
	     "sup",
	     {"eve", "E23000001", "admin", NULL, NULL},
	     HAVEN_ERR_DENIED,
	     "needs the role admin"},
	    {"7.3 a name taken",
	     "admin",
	     {"ana", "E23000001", "analyst", NULL, NULL},
	     HAVEN_ERR_DUPLICATE,
	     "user 'ana' exists already"},
	    {"7.4 an unknown authority",
	     "admin",
	     {"eve", "E23000099", "analyst", NULL, NULL},
	     HAVEN_ERR_NOT_FOUND,
	     "authority 'E23000099' is not registered"},
	    {"7.5 an unknown role",
	     "admin",
	     {"eve", "E23000001", "chief", NULL, NULL},
	     HAVEN_ERR_VALUE,
	     "role 'chief' is not one of"},
	    {"7.6 a bad name",
	     "admin",
	     {"../eve", "E23000001", "analyst", NULL, NULL},
	     HAVEN_ERR_VALUE,
	     "user name '../eve'"},
	    {"7.7 another kind's purpose",
	     "admin",
	     {"eve", "E23000001", "analyst", NULL, "policy"},
	     HAVEN_ERR_VALUE,
	     "'policy' is not a purpose registered for police authorities"},
	    {"7.8 a key file for an analyst",
	     "admin",
	     {"eve", "E23000001", "analyst", "x.key", NULL},
	     HAVEN_ERR_USAGE,
	     "only a senior has a key"},
	    {"7.9 a key file that exists",
	     "admin",
	     {"eve", "E23000001", "senior", NULL, NULL},
	     HAVEN_ERR_IO,
	     "never overwritten"},
	};
	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		act_ok(ctx, cases[i].as, NULL);
		haven_user_spec u = cases[i].u;
		if (i == 8)
			u.key_file = taken;
		char *path = (char *)"unset";
		haven_status st = haven_user_add(ctx, &u, &path, NULL);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].msg);
		assert_null(path);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", cases[i].name);
	}

	/* 7.10 a senior's key in $HAVEN_KEY_DIR, made 0700; the store keeps the public half only */
	act_ok(ctx, "admin", NULL);
	setenv("HAVEN_KEY_DIR", tu_tmp("keys/nested"), 1);
	char *path = NULL, pub[HAVEN_PUBKEY_B64];
	haven_user_spec s = {"supt.okafor", "E23000001", "senior", NULL, "safeguarding"};
	tu_ok(ctx, haven_user_add(ctx, &s, &path, pub));
	assert_string_equal(path, tu_tmp("keys/nested/supt.okafor.key"));
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(tu_tmp("keys/nested"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	unsigned char pk[32], sk[64];
	char b64[HAVEN_PUBKEY_B64];
	tu_ok(ctx, hv_key_read(ctx, path, pk, sk));
	hv_pubkey_b64(pk, b64);
	assert_string_equal(b64, pub);
	char *sql =
	    sqlite3_mprintf("SELECT count(*) FROM app_user WHERE name = 'supt.okafor' AND public_key = %Q", pub);
	assert_int_equal(tu_int(ctx, sql), 1);
	sqlite3_free(sql);
	haven_free(path);

	/* 7.11 without HAVEN_KEY_DIR: $HOME/.haven/keys, directories 0700 */
	unsetenv("HAVEN_KEY_DIR");
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("HOME", tu_tmp("home"), 1);
	mkdir(tu_tmp("home"), 0755);
	haven_user_spec s2 = {"dci.morgan", "E23000001", "senior", NULL, NULL};
	tu_ok(ctx, haven_user_add(ctx, &s2, &path, NULL));
	assert_string_equal(path, tu_tmp("home/.haven/keys/dci.morgan.key"));
	assert_int_equal(stat(tu_tmp("home/.haven"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(stat(tu_tmp("home/.haven/keys"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	haven_free(path);
	if (home)
		setenv("HOME", home, 1);
	free(home);

	/* 7.12 disabling */
	tu_digest(ctx, before);
	act_ok(ctx, "ana", NULL);
	tu_assert_status(ctx, haven_user_disable(ctx, "ana2"), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "needs the role admin");
	act_ok(ctx, "admin", NULL);
	tu_assert_status(ctx, haven_user_disable(ctx, "nobody"), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(ctx, "unknown user 'nobody'");
	tu_assert_status(ctx, haven_user_disable(ctx, "gone"), HAVEN_ERR_VALUE);
	tu_assert_msg(ctx, "'gone' was disabled already");
	tu_assert_status(ctx, haven_user_disable(ctx, "admin"), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "'admin' is the last enabled admin");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	tu_ok(ctx, haven_user_disable(ctx, "ana2"));
	tu_assert_status(ctx, act(ctx, "ana2", NULL, NULL, 0), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "user 'ana2' was disabled on 2025-04-15T09:00:00Z");
	/* a second admin may disable the first */
	act_ok(ctx, "admin", NULL);
	haven_user_spec a2 = {"dpo.office", "E23000001", "admin", NULL, "safeguarding"};
	tu_ok(ctx, haven_user_add(ctx, &a2, NULL, NULL));
	tu_ok(ctx, haven_user_disable(ctx, "admin"));

	/* 7.13 the listing */
	act_ok(ctx, "ana", NULL);
	haven_table *t;
	tu_ok(ctx, haven_user_list(ctx, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 12);
	int name = haven_table_find(t, "name"), role = haven_table_find(t, "role"),
	    key = haven_table_find(t, "public_key");
	assert_true(name >= 0 && role >= 0 && key >= 0 && haven_table_find(t, "disabled_at") >= 0);
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		assert_int_equal(strcmp(haven_table_text(ctx, t, r, role), "senior") == 0,
		                 haven_table_type(ctx, t, r, key) == HAVEN_CELL_TEXT);
	haven_table_free(t);
	haven_ctx_free(ctx);
}

/* ---- 8: authorities and their keys -------------------------------------- */

static void test_authorities(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("auth.db");
	static const char *const pfa[] = {"E23000032", "E23000033"};
	static const char *const dup[] = {"E23000032", "E23000032"};
	static const char *const bad[] = {"E10000016"};
	static const char *const west[] = {"W15000002"};
	static const struct {
		const char *name;
		haven_authority_spec a;
		haven_status want;
		const char *msg;
		const char *areas; /* on success: the area rows, "kind:code ..." */
	} cases[] = {
	    {"8.1 police", {"police", "E23000010", "West Yorkshire Police", NULL, 0}, HAVEN_OK, "", "pfa:E23000010"},
	    {"8.2 police, Welsh, with areas given",
	     {"police", "W15000001", "Dyfed-Powys Police", west, 1},
	     HAVEN_OK,
	     "",
	     "pfa:W15000002"},
	    {"8.3 la", {"la", "E10000016", "Kent County Council", NULL, 0}, HAVEN_OK, "", "la:E10000016"},
	    {"8.4 probation with areas",
	     {"probation", "KSS-PDU", "Kent Probation Delivery Unit", pfa, 2},
	     HAVEN_OK,
	     "",
	     "pfa:E23000032 pfa:E23000033"},
	    {"8.5 dfe", {"dfe", "DFE", "Department for Education", NULL, 0}, HAVEN_OK, "", ""},
	    {"8.6 occ", {"occ", "OCC", "Children's Commissioner for England", NULL, 0}, HAVEN_OK, "", ""},
	    {"8.7 police with an LA code",
	     {"police", "E10000016", "Kent", NULL, 0},
	     HAVEN_ERR_VALUE,
	     "police code 'E10000016' is not a police force area code",
	     NULL},
	    {"8.8 police code too short",
	     {"police", "E2300001", "Kent", NULL, 0},
	     HAVEN_ERR_VALUE,
	     "is not a police force area code",
	     NULL},
	    {"8.9 la with a district code",
	     {"la", "E07000105", "Ashford", NULL, 0},
	     HAVEN_ERR_VALUE,
	     "la code 'E07000105' is not a local authority code",
	     NULL},
	    {"8.10 la given areas",
	     {"la", "E10000014", "Hampshire", pfa, 1},
	     HAVEN_ERR_VALUE,
	     "a la authority takes no areas",
	     NULL},
	    {"8.11 probation without areas",
	     {"probation", "KSS", "Kent Surrey Sussex", NULL, 0},
	     HAVEN_ERR_MISSING,
	     "a probation authority needs the police force areas",
	     NULL},
	    {"8.12 probation with an LA as area",
	     {"probation", "KSS", "Kent Surrey Sussex", bad, 1},
	     HAVEN_ERR_VALUE,
	     "area 'E10000016' is not a police force area code",
	     NULL},
	    {"8.13 probation with an area twice",
	     {"probation", "KSS", "Kent Surrey Sussex", dup, 2},
	     HAVEN_ERR_DUPLICATE,
	     "area E23000032 is given twice",
	     NULL},
	    {"8.14 occ given areas", {"occ", "OCC2", "Commissioner", pfa, 1}, HAVEN_ERR_VALUE, "it is national", NULL},
	    {"8.15 unknown kind", {"bank", "B1", "Bank", NULL, 0}, HAVEN_ERR_VALUE, "authority kind 'bank'", NULL},
	    {"8.16 code with a space",
	     {"hmci", "HM CI", "Ofsted", NULL, 0},
	     HAVEN_ERR_VALUE,
	     "authority code 'HM CI'",
	     NULL},
	    {"8.17 registered already",
	     {"police", "E23000005", "GMP", NULL, 0},
	     HAVEN_ERR_DUPLICATE,
	     "authority E23000005 is already registered",
	     NULL},
	    {"8.18 no name", {"dfe", "DFE2", "", NULL, 0}, HAVEN_ERR_MISSING, "the authority's name is empty", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char before[65], after[65];
		tu_digest(ctx, before);
		haven_status st = haven_authority_add(ctx, &cases[i].a);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].msg);
		tu_digest(ctx, after);
		if (st) {
			assert_string_equal(before, after);
			continue;
		}
		sqlite3_stmt *q;
		tu_ok(ctx,
		      hv_prepare(ctx,
		                 "SELECT coalesce(group_concat(k, ' '), '') FROM (SELECT area_kind || ':' || area_code "
		                 "AS k FROM authority_area WHERE authority_code = ? ORDER BY k)",
		                 &q));
		sqlite3_bind_text(q, 1, cases[i].a.code, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		if (strcmp((const char *)sqlite3_column_text(q, 0), cases[i].areas) != 0)
			fail_msg("%s: areas '%s', want '%s'", cases[i].name, sqlite3_column_text(q, 0), cases[i].areas);
		sqlite3_finalize(q);
	}
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM authority WHERE scope = 'national'"), 2);

	/* 8.19 a non-admin cannot register an authority */
	act_ok(ctx, "sup", NULL);
	haven_authority_spec hm = {"hmci", "HMCI", "HMCI (Ofsted)", NULL, 0};
	tu_assert_status(ctx, haven_authority_add(ctx, &hm), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "this needs the role admin");

	/* 9: authority keys */
	char pub[HAVEN_PUBKEY_B64];
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	hv_pubkey_b64(pk, pub);
	const struct {
		const char *name, *as, *authority, *key;
		haven_status want;
		const char *msg;
	} keys[] = {
	    {"9.1 a non-admin", "sup", "E23000005", pub, HAVEN_ERR_DENIED, "needs the role admin"},
	    {"9.2 not base64", "admin", "E23000005", "not-a-key", HAVEN_ERR_VALUE, "is not an Ed25519 public key"},
	    {"9.3 31 bytes", "admin", "E23000005", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", HAVEN_ERR_VALUE,
	     "32 bytes of base64"},
	    {"9.4 an unknown authority", "admin", "HMCI", pub, HAVEN_ERR_NOT_FOUND,
	     "authority 'HMCI' is not registered"},
	    {"9.5 recorded", "admin", "E23000005", pub, HAVEN_OK, ""},
	    {"9.6 recorded twice", "admin", "E23000010", pub, HAVEN_ERR_DUPLICATE, "is already recorded"},
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		act_ok(ctx, keys[i].as, NULL);
		char before[65], after[65];
		tu_digest(ctx, before);
		int64_t id = 0;
		haven_status st =
		    haven_authority_key_add(ctx, keys[i].authority, keys[i].key, "extract manifests", &id);
		if (st != keys[i].want || !strstr(haven_errmsg(ctx), keys[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", keys[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(keys[i].want), keys[i].msg);
		tu_digest(ctx, after);
		assert_int_equal(strcmp(before, after) == 0, st != HAVEN_OK);
		assert_int_equal(id > 0, st == HAVEN_OK);
	}
	haven_table *t;
	tu_ok(ctx, haven_authority_key_list(ctx, "E23000005", &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	assert_string_equal(haven_table_text(ctx, t, 0, haven_table_find(t, "public_key")), pub);
	haven_table_free(t);
	tu_ok(ctx, haven_authority_list(ctx, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 8);
	int code = haven_table_find(t, "code"), keyscol = haven_table_find(t, "keys"),
	    users = haven_table_find(t, "users");
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		if (strcmp(haven_table_text(ctx, t, r, code), "E23000005") == 0) {
			assert_int_equal(haven_table_int(ctx, t, r, keyscol), 1);
			assert_int_equal(haven_table_int(ctx, t, r, users), 2);
		}
	haven_table_free(t);
	haven_ctx_free(ctx);
}

/* ---- 10: the first user, made with the store ----------------------------- */

static void test_init(void **state)
{
	(void)state;
	haven_ctx *ctx;
	/* 10.1 tu_new_store: no admin given, so $HAVEN_USER (admin under ctest) */
	ctx = tu_new_store("init-default.db");
	assert_int_equal(tu_int(ctx,
	                        "SELECT count(*) FROM app_user WHERE name = 'admin' AND role = 'admin' AND "
	                        "authority_code = 'X00' AND default_purpose = 'regulation' AND public_key IS NULL"),
	                 1);
	act_ok(ctx, "admin", NULL);
	assert_string_equal(ctx->actor.purpose, "regulation");
	haven_ctx_free(ctx);

	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	static const char *const pfas[] = {"E23000032", "E23000033"};
	static const char *const la_area[] = {"E10000016"};
	const struct {
		const char *name, *file;
		haven_owner o;
		haven_status want;
		const char *msg;
		const char *check; /* SQL that must give 1 */
	} cases[] = {
	    {"10.2 police, named admin",
	     "init-police.db",
	     {.kind = "police", .code = "E23000001", .name = "Met", .admin = "dpo.office"},
	     HAVEN_OK,
	     "",
	     "SELECT count(*) = 1 FROM app_user WHERE name = 'dpo.office' AND role = 'admin' "
	     "AND default_purpose = 'safeguarding'"},
	    {"10.3 probation with areas",
	     "init-probation.db",
	     {.kind = "probation",
	      .code = "KSS-PDU",
	      .name = "Kent PDU",
	      .admin = "pdu.admin",
	      .areas = pfas,
	      .n_areas = 2},
	     HAVEN_OK,
	     "",
	     "SELECT (SELECT group_concat(area_kind || ':' || area_code, ' ') FROM authority_area) = "
	     "'pfa:E23000032 pfa:E23000033' AND (SELECT default_purpose FROM app_user) = 'offender-management'"},
	    {"10.4 dfe",
	     "init-dfe.db",
	     {.kind = "dfe", .code = "DFE", .name = "DfE", .admin = "analyst.dfe"},
	     HAVEN_OK,
	     "",
	     "SELECT (SELECT default_purpose FROM app_user) = 'policy' AND (SELECT count(*) FROM authority_area) = 0"},
	    {"10.5 probation without areas",
	     "init-bad1.db",
	     {.kind = "probation", .code = "KSS", .name = "Kent", .admin = "a"},
	     HAVEN_ERR_MISSING,
	     "a probation authority needs the police force areas",
	     NULL},
	    {"10.6 an LA given areas",
	     "init-bad2.db",
	     {.kind = "la", .code = "E10000016", .name = "Kent", .admin = "a", .areas = la_area, .n_areas = 1},
	     HAVEN_ERR_VALUE,
	     "a la authority takes no areas",
	     NULL},
	    {"10.7 a bad admin name",
	     "init-bad3.db",
	     {.kind = "police", .code = "E23000001", .name = "Met", .admin = "Jo Bloggs"},
	     HAVEN_ERR_VALUE,
	     "admin name 'Jo Bloggs'",
	     NULL},
	    {"10.8 a police owner with an LA code",
	     "init-bad4.db",
	     {.kind = "police", .code = "E10000016", .name = "Kent", .admin = "a"},
	     HAVEN_ERR_VALUE,
	     "is not a police force area code",
	     NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unlink(tu_tmp(cases[i].file));
		haven_status st = haven_store_create(ctx, tu_tmp(cases[i].file), &cases[i].o);
		if (st != cases[i].want || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: got %s '%s', want %s '%s'", cases[i].name, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(cases[i].want), cases[i].msg);
		if (st) {
			if (access(tu_tmp(cases[i].file), F_OK) == 0)
				fail_msg("%s: a store was left behind", cases[i].name);
			continue;
		}
		if (tu_int(ctx, cases[i].check) != 1)
			fail_msg("%s: %s is not 1", cases[i].name, cases[i].check);
		assert_int_equal(tu_int(ctx, "SELECT count(*) FROM app_user"), 1);
	}

	/* 10.9 a store from before governance (schema 2) gets its admin when upgraded */
	haven_owner o = {.kind = "police", .code = "E23000010", .name = "West Yorkshire Police", .admin = "first"};
	unlink(tu_tmp("init-old.db"));
	tu_ok(ctx, haven_store_create(ctx, tu_tmp("init-old.db"), &o));
	exec(ctx, "DROP TABLE la_centre; DROP TABLE la_centre_load;"); /* schema 13 */
	exec(ctx,
	     "SELECT DisableSpatialIndex('crime', 'geom'); DROP TABLE idx_crime_geom; "
	     "SELECT DiscardGeometryColumn('crime', 'geom'); DROP TABLE offender; DROP TABLE offender_load; "
	     "DROP TABLE crime; DROP TABLE crime_load; "
	     "DROP TABLE placement; DROP TABLE placement_child; DROP TABLE placement_load; "
	     "SELECT DisableSpatialIndex('zone', 'geom'); DROP TABLE idx_zone_geom; "
	     "SELECT DiscardGeometryColumn('zone', 'geom'); DROP TABLE zone_address_check; DROP TABLE zone_window; "
	     "DROP TABLE zone; DROP TABLE zone_load; "
	     "DROP TABLE missing_episode; DROP TABLE missing_report; DROP TABLE missing_child; DROP TABLE missing_load; "
	     "DROP TABLE missing_key; "
	     "DROP TABLE stats_value; DROP TABLE stats_load; "
	     "DROP TABLE complaint_audit; DROP TABLE complaint; DROP TABLE extract; "
	     "DROP TABLE request_confirmation; DROP TABLE disclosure_request; DROP TABLE authorisation; "
	     "DROP TABLE app_user; DROP TABLE purpose; DROP TABLE authority_key; DROP TABLE authority_area; "
	     "DROP TABLE authority_scope; DROP TABLE area_la; DROP TABLE authority; DROP INDEX snapshot_issuer; ALTER "
	     "TABLE snapshot DROP COLUMN origin; "
	     "ALTER TABLE snapshot DROP COLUMN issuer; ALTER TABLE snapshot DROP COLUMN extract_seq; "
	     "ALTER TABLE snapshot DROP COLUMN register_as_at; PRAGMA user_version = 2;");
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("init-old.db")));
	assert_int_equal(tu_int(ctx, "PRAGMA user_version"), haven_store_schema_version());
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM app_user WHERE name = 'admin' AND role = 'admin' "
	                             "AND authority_code = 'E23000010'"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM authority_area WHERE area_code = 'E23000010'"), 1);
	act_ok(ctx, "admin", NULL);
	haven_ctx_free(ctx);
}

/* ---- 11: purposes --------------------------------------------------------- */

static void test_purposes(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("purposes.db");
	haven_store_close(ctx); /* tu_new_store acts as admin: start with nobody acting */
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("purposes.db")));
	haven_table *t = NULL;
	tu_assert_status(ctx, haven_purpose_list(ctx, NULL, &t), HAVEN_ERR_DENIED); /* 11.1 nobody acting */
	tu_assert_msg(ctx, "nobody is acting");
	assert_null(t);
	act_ok(ctx, "admin", NULL);
	static const struct {
		const char *kind;
		size_t rows;
		const char *first;
	} cases[] = {
	    {NULL, 11, "safeguarding"},              /* 11.2 */
	    {"police", 5, "safeguarding"},           /* 11.3 */
	    {"probation", 1, "offender-management"}, /* 11.4 */
	    {"dfe", 1, "policy"},                    /* 11.5 */
	    {"hmci", 2, "regulation"},               /* 11.6 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tu_ok(ctx, haven_purpose_list(ctx, cases[i].kind, &t));
		tu_release(ctx, t);
		assert_int_equal(haven_table_nrows(ctx, t), cases[i].rows);
		assert_string_equal(haven_table_text(ctx, t, 0, haven_table_find(t, "code")), cases[i].first);
		assert_true(haven_table_find(t, "description") >= 0);
		haven_table_free(t);
	}
	tu_assert_status(ctx, haven_purpose_list(ctx, "bank", &t), HAVEN_ERR_VALUE); /* 11.7 */
	tu_assert_msg(ctx, "authority kind 'bank'");
	haven_ctx_free(ctx);
}

/* ---- 12: the canonical signed bytes ---------------------------------------- */

static void test_canonical_bytes(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	/* 12.1 the worked example of docs/governance.md */
	hv_authorisation a = {"E23000001",
	                      "supt.okafor",
	                      "dci.morgan",
	                      "search outside the force area",
	                      "child missing overnight",
	                      T0,
	                      T0 + 30 * DAY,
	                      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
	unsigned char *b;
	size_t n;
	tu_ok(ctx, hv_govern_encode(ctx, &a, &b, &n));
	static const char want[] = "00000016686176656e2d617574686f7269736174696f6e2d7631" /* tag */
	                           "00000009453233303030303031"                           /* authority */
	                           "0000000b737570742e6f6b61666f72"                       /* senior */
	                           "0000000a6463692e6d6f7267616e"                         /* user */
	                           "0000001d736561726368206f75747369646520746865"         /* use ... */
	                           "20666f7263652061726561"
	                           "000000176368696c64206d697373696e67206f7665726e69676874" /* reason */
	                           "0000000067fe2010"                                       /* issued */
	                           "000000006825ad10"                                       /* expires */
	                           "00000010000102030405060708090a0b0c0d0e0f";              /* nonce */
	char hex[512];
	sodium_bin2hex(hex, sizeof hex, b, n);
	assert_string_equal(hex, want);
	assert_int_equal(n, (sizeof want - 1) / 2);
	free(b);

	/* 12.2 length prefixes keep field boundaries: ("ab", "c") differs from ("a", "bc") */
	hv_authorisation x = a, y = a;
	x.use = "ab", x.reason = "c";
	y.use = "a", y.reason = "bc";
	unsigned char *bx, *by;
	size_t nx, ny;
	tu_ok(ctx, hv_govern_encode(ctx, &x, &bx, &nx));
	tu_ok(ctx, hv_govern_encode(ctx, &y, &by, &ny));
	assert_int_equal(nx, ny);
	assert_int_not_equal(memcmp(bx, by, nx), 0);
	free(bx);
	free(by);
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_act_refusals), cmocka_unit_test(test_act_ordinary),
        cmocka_unit_test(test_authorise_refusals), cmocka_unit_test(test_exceptional_use),
        cmocka_unit_test(test_tampered), cmocka_unit_test(test_rules), cmocka_unit_test(test_users),
        cmocka_unit_test(test_authorities), cmocka_unit_test(test_init), cmocka_unit_test(test_purposes),
        cmocka_unit_test(test_canonical_bytes))
