/*
 * test_disclose.c - HMCI's disclosure requests (roles, 12-month lapse and its
 * boundary days, confirmations, withdrawal, listings), scoped extracts of the
 * synthetic national register on the bundled ONS boundaries, the signed
 * manifest, and the receiving side: verification (one-byte tampering, an
 * unknown key, an edited manifest) and the owner's scope at import.
 *
 * The HMCI store is a copy of the national store built once per run
 * (tests/national_store.sh): la and pfa boundaries, the sample gazetteer,
 * and haven synth's national register from Ofsted's provider list (4,009
 * homes).  Receiving stores copy its boundaries with SQL.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govern/disclosure.h"
#include "haven/disclose.h"
#include "haven/register.h"
#include "govern/scope.h"
#include "core/source.h"
#include "core/sql.h"
#include "testutil.h"

static haven_ctx *hm; /* HMCI store (owner hmci X00 "Test") with the national register */
static char hm_pub[HAVEN_PUBKEY_B64];
static unsigned char hm_pk[crypto_sign_PUBLICKEYBYTES], hm_sk[crypto_sign_SECRETKEYBYTES];

static const char *const WY_LAS = "'E08000032','E08000033','E08000034','E08000035','E08000036'";

/* ---- helpers ------------------------------------------------------------- */

static void sqlf(haven_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	assert_non_null(q);
	tu_ok(c, hv_exec(c, q));
	sqlite3_free(q);
}

static int64_t intf(haven_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *q = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	int64_t v = tu_int(c, q);
	sqlite3_free(q);
	return v;
}

/* Register an authority (and its areas, "pfa:E23000010 la:E08000035"). */
static void add_authority(haven_ctx *c, const char *code, const char *kind, const char *name, const char *areas)
{
	int national = strcmp(kind, "police") && strcmp(kind, "la") && strcmp(kind, "probation");
	sqlf(
	    c,
	    "INSERT INTO authority(code, kind, name, scope, created_at) VALUES(%Q, %Q, %Q, %Q, '2025-01-01T00:00:00Z')",
	    code, kind, name, national ? "national" : "areas");
	char buf[256];
	snprintf(buf, sizeof buf, "%s", areas ? areas : "");
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');
		*colon = '\0';
		sqlf(c, "INSERT INTO authority_area VALUES(%Q, %Q, %Q)", code, tok, colon + 1);
	}
	int recorded;
	tu_ok(c, hv_scope_record(c, code, &recorded));
}

static void set_now(haven_ctx *c, const char *when)
{
	int64_t t;
	assert_true(hv_parse_time(when, &t));
	hv_clock_set(c, t);
}

static int64_t add_request(haven_ctx *c, const char *authority, const char *role, const char *date, const char *kind)
{
	haven_request_opts o = {authority, "A. Requester", role, date, kind, "secure mail: safeguarding team"};
	int64_t id = 0;
	tu_ok(c, haven_disclose_request_add(c, &o, &id));
	assert_true(id > 0);
	return id;
}

static void expect_state(haven_ctx *c, int64_t id, const char *status, const char *due)
{
	hv_request r;
	tu_ok(c, hv_request_get(c, id, &r));
	if (strcmp(r.status, status) != 0 || strcmp(r.due, due) != 0) {
		char today[11];
		hv_today(c, today);
		fail_msg("request %lld on %s: status %s, due '%s'; want %s, '%s'", (long long)id, today, r.status,
		         r.due, status, due);
	}
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

static void write_all(const char *path, const char *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *b = read_all(from, &n);
	write_all(to, b, n);
	free(b);
}

static void sha256_file(const char *path, char hex[65])
{
	size_t n;
	char *b = read_all(path, &n);
	unsigned char d[32];
	crypto_hash_sha256(d, (const unsigned char *)b, n);
	sodium_bin2hex(hex, 65, d, sizeof d);
	free(b);
}

typedef struct notices {
	char all[16384];
} notices;

static void on_notice(void *user, const char *msg)
{
	notices *ns = user;
	size_t l = strlen(ns->all);
	snprintf(ns->all + l, sizeof ns->all - l, "%s\n", msg);
}

/* A receiving store owned by kind/code, with the HMCI store's la and pfa
 * boundaries, and (with_key) HMCI registered with its signing key. */
static haven_ctx *new_receiver(const char *file, const char *kind, const char *code, const char *name, int with_key)
{
	haven_ctx *c;
	assert_int_equal(haven_ctx_new(&c), HAVEN_OK);
	haven_owner owner = {.kind = kind, .code = code, .name = name};
	const char *p = tu_tmp(file);
	unlink(p);
	tu_ok(c, haven_store_create(c, p, &owner));
	tu_act(c, "admin");
	sqlf(c, "ATTACH %Q AS src", tu_tmp("hmci.db"));
	sqlf(c, "INSERT INTO area(kind, code, name, geom) SELECT kind, code, name, geom FROM src.area");
	sqlf(c, "INSERT INTO area_la SELECT * FROM src.area_la");
	sqlf(c, "DETACH src");
	/* What a boundary load does after its areas: record the owner's scope. */
	tu_ok(c, hv_scope_after_boundaries(c));
	if (with_key) {
		add_authority(c, "HMCI", "hmci", "HMCI (Ofsted)", NULL);
		sqlf(c,
		     "INSERT INTO authority_key(authority_code, public_key, label, added_at)"
		     " VALUES('HMCI', %Q, 'extract signing key', '2025-01-01T00:00:00Z')",
		     hm_pub);
	}
	return c;
}

/* ---- set-up -------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	/* The national boundaries, gazetteer and synthetic register (seed 5,
	 * tu_national("synth/register.csv")), imported as at 2025-03-31. */
	hm = tu_national_store("register.db", "hmci.db");
	if (tu_int(hm, "SELECT count(*) FROM home_version WHERE valid_to IS NULL") != 4009)
		return -1;
	if (hv_key_generate(hm, tu_tmp("hmci.key"), hm_pub) || hv_key_read(hm, tu_tmp("hmci.key"), hm_pk, hm_sk))
		return -1;
	add_authority(hm, "E23000010", "police", "West Yorkshire Police", "pfa:E23000010");
	add_authority(hm, "E23000009", "police", "North Yorkshire Police", "pfa:E23000009");
	add_authority(hm, "E23000001", "police", "Metropolitan Police Service", "pfa:E23000001");
	add_authority(hm, "E08000035", "la", "Leeds City Council", "la:E08000035");
	add_authority(hm, "DFE", "dfe", "Department for Education", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(hm);
	return 0;
}

/* ---- dates and requests --------------------------------------------------- */

static void test_year_after(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    /* 1 */ {"2024-04-15", "2025-04-15"},
	    /* 2 */ {"2024-02-29", "2025-02-28"}, /* no 29 February next year */
	    /* 3 */ {"2023-02-28", "2024-02-28"}, /* not 29 February in a leap year */
	    /* 4 */ {"2023-03-01", "2024-03-01"},
	    /* 5 */ {"2024-12-31", "2025-12-31"},
	    /* 6 */ {"2096-02-29", "2097-02-28"},
	    /* 7 */ {"2099-02-28", "2100-02-28"},
	    /* 8 */ {"2027-02-28", "2028-02-28"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[11];
		hv_date_add_year(cases[i][0], out);
		if (strcmp(out, cases[i][1]) != 0)
			fail_msg("case %zu: %s + 12 months = %s, want %s", i + 1, cases[i][0], out, cases[i][1]);
	}
}

static haven_ctx *new_request_store(const char *file)
{
	haven_ctx *c = tu_new_store(file);
	add_authority(c, "E23000010", "police", "West Yorkshire Police", "pfa:E23000010");
	add_authority(c, "E08000035", "la", "Leeds City Council", "la:E08000035");
	add_authority(c, "DFE", "dfe", "Department for Education", NULL);
	add_authority(c, "OCC", "occ", "Children's Commissioner", NULL);
	add_authority(c, "PROB", "probation", "Probation Service Yorkshire", "pfa:E23000010");
	return c;
}

static void test_request_add(void **state)
{
	(void)state;
	haven_ctx *c = new_request_store("requests.db");
	static const struct {
		const char *authority, *requester, *role, *date, *kind, *deliver;
		haven_status want;
		const char *msg;
	} cases[] = {
	    /* 1 */ {"E23000010", "Chief Constable", "chief-officer", "2025-04-01", "monthly", "sftp", HAVEN_OK, ""},
	    /* 2 */
	    {"E08000035", "DCS Leeds", "director-of-childrens-services", "2025-04-15", "one-off", "egress", HAVEN_OK,
	     ""},
	    /* 3 */ {"DFE", "Deputy Director", "senior-official", "2024-01-01", "monthly", "cjsm", HAVEN_OK, ""},
	    /* 4 */ {"OCC", "Head of Office", "senior-official", "2025-04-15", "one-off", "cjsm", HAVEN_OK, ""},
	    /* 5 */ {"PROB", "Regional Director", "senior-official", "2025-04-15", "monthly", "cjsm", HAVEN_OK, ""},
	    /* 6 */
	    {"E23000010", "Superintendent", "senior-official", "2025-04-01", "monthly", "sftp", HAVEN_ERR_DENIED,
	     "a police force's request must come from a Chief Officer of police (--role chief-officer), not "
	     "senior-official"},
	    /* 7 */
	    {"E08000035", "Chief Constable", "chief-officer", "2025-04-01", "monthly", "x", HAVEN_ERR_DENIED,
	     "Director of Children's Services"},
	    /* 8 */
	    {"DFE", "DCS", "director-of-childrens-services", "2025-04-01", "monthly", "x", HAVEN_ERR_DENIED,
	     "agreed senior official"},
	    /* 9 */
	    {"X00", "HMCI", "senior-official", "2025-04-01", "monthly", "x", HAVEN_ERR_DENIED,
	     "HMCI does not request its own register"},
	    /* 10 */
	    {"E23000099", "Chief Constable", "chief-officer", "2025-04-01", "monthly", "x", HAVEN_ERR_NOT_FOUND,
	     "authority E23000099 is not registered in this store"},
	    /* 11 */
	    {"E23000010", "Chief Constable", "constable", "2025-04-01", "monthly", "x", HAVEN_ERR_VALUE,
	     "requester role 'constable' is not"},
	    /* 12 */
	    {"E23000010", "Chief Constable", "chief-officer", "2025-04-01", "weekly", "x", HAVEN_ERR_VALUE,
	     "kind of request 'weekly' is not one-off or monthly"},
	    /* 13 */
	    {"E23000010", "Chief Constable", "chief-officer", "2025-04-16", "monthly", "x", HAVEN_ERR_VALUE,
	     "request date 2025-04-16 is in the future (today is 2025-04-15)"},
	    /* 14 */
	    {"E23000010", "Chief Constable", "chief-officer", "2025-02-29", "monthly", "x", HAVEN_ERR_VALUE,
	     "request date '2025-02-29' is not a date"},
	    /* 15 */
	    {"E23000010", "", "chief-officer", "2025-04-01", "monthly", "x", HAVEN_ERR_MISSING,
	     "the requester's name is required"},
	    /* 16 */
	    {"E23000010", "Chief Constable", "chief-officer", "2025-04-01", "monthly", "line\none", HAVEN_ERR_VALUE,
	     "holds a control character"},
	    /* 17 */
	    {"E23000010", "Chief Constable", "chief-officer", NULL, "monthly", "x", HAVEN_ERR_VALUE,
	     "request date '' is not a date"},
	};
	int ok = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_request_opts o = {cases[i].authority, cases[i].requester, cases[i].role,
		                        cases[i].date,      cases[i].kind,      cases[i].deliver};
		char before[65], after[65];
		tu_digest(c, before);
		int64_t id = -1;
		haven_status st = haven_disclose_request_add(c, &o, &id);
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(c));
		tu_digest(c, after);
		if (st != cases[i].want || !strstr(msg, cases[i].msg))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i + 1, haven_status_name(st), msg,
			         haven_status_name(cases[i].want), cases[i].msg);
		if (st == HAVEN_OK)
			assert_int_equal(id, ++ok);
		else if (id != 0 || strcmp(before, after) != 0)
			fail_msg("case %zu: a refused request changed the store or gave id %lld", i + 1, (long long)id);
	}
	assert_int_equal(tu_int(c, "SELECT count(*) FROM disclosure_request"), ok);
	haven_ctx_free(c);

	/* Only HMCI records requests. */
	c = new_receiver("police_requests.db", "police", "E23000010", "West Yorkshire Police", 0);
	haven_request_opts o = {"E23000010", "Chief Constable", "chief-officer", "2025-04-01", "monthly", "sftp"};
	tu_assert_status(c, haven_disclose_request_add(c, &o, NULL), HAVEN_ERR_DENIED);
	tu_assert_msg(c, "this store belongs to police E23000010");
	haven_table *t = (haven_table *)&t;
	tu_assert_status(c, haven_disclose_request_list(c, &t), HAVEN_ERR_DENIED);
	assert_null(t);
	tu_assert_status(c, haven_disclose_request_confirm(c, 1, "2025-04-01", "X"), HAVEN_ERR_DENIED);
	haven_ctx_free(c);
}

/* The 12-month rule on its boundary days, and what a confirmation may be. */
static void test_lapse_and_confirm(void **state)
{
	(void)state;
	haven_ctx *c = new_request_store("lapse.db");

	/* A: requested 2024-04-15, in force through 2025-04-15. */
	set_now(c, "2024-04-15T12:00:00Z");
	int64_t a = add_request(c, "E23000010", "chief-officer", "2024-04-15", "monthly");
	expect_state(c, a, "active", "2025-04-15");
	set_now(c, "2025-04-15T23:59:59Z");
	expect_state(c, a, "active", "2025-04-15");
	set_now(c, "2025-04-16T00:00:00Z");
	expect_state(c, a, "lapsed", "2025-04-15");
	/* A confirmation dated on the last day, recorded a day late, counts. */
	tu_ok(c, haven_disclose_request_confirm(c, a, "2025-04-15", "Chief Constable"));
	expect_state(c, a, "active", "2026-04-15");
	/* ... but one dated after the request lapsed does not revive it. */
	set_now(c, "2026-04-20T09:00:00Z");
	expect_state(c, a, "lapsed", "2026-04-15");
	tu_assert_status(c, haven_disclose_request_confirm(c, a, "2026-04-16", "Chief Constable"), HAVEN_ERR_DENIED);
	tu_assert_msg(c, "lapsed after 2026-04-15, 12 months after its latest confirmation on 2025-04-15");

	/* B: requested on 29 February: due on 28 February. */
	set_now(c, "2024-03-01T09:00:00Z");
	int64_t b = add_request(c, "DFE", "senior-official", "2024-02-29", "monthly");
	set_now(c, "2025-02-28T09:00:00Z");
	expect_state(c, b, "active", "2025-02-28");
	set_now(c, "2025-03-01T09:00:00Z");
	expect_state(c, b, "lapsed", "2025-02-28");

	/* C: confirmed on 28 February 2023: due 28 February 2024, and lapsed on
	 * the leap day itself. */
	set_now(c, "2023-03-01T09:00:00Z");
	int64_t cc = add_request(c, "E08000035", "director-of-childrens-services", "2023-01-10", "monthly");
	tu_ok(c, haven_disclose_request_confirm(c, cc, "2023-02-28", "DCS"));
	expect_state(c, cc, "active", "2024-02-28");
	set_now(c, "2024-02-28T09:00:00Z");
	expect_state(c, cc, "active", "2024-02-28");
	set_now(c, "2024-02-29T09:00:00Z");
	expect_state(c, cc, "lapsed", "2024-02-28");

	/* D: confirmations on the request's own dates, and the errors. */
	set_now(c, "2025-04-15T09:00:00Z");
	int64_t d = add_request(c, "E23000010", "chief-officer", "2024-06-01", "monthly");
	int64_t one = add_request(c, "E08000035", "director-of-childrens-services", "2025-04-01", "one-off");
	static const struct {
		int which; /* 0: d, 1: one-off, 2: unknown id */
		const char *date, *by;
		haven_status want;
		const char *msg;
	} cases[] = {
	    /* 1 */ {0, "2025-04-16", "CC", HAVEN_ERR_VALUE,
	             "confirmation date 2025-04-16 is in the future (today is 2025-04-15)"},
	    /* 2 */
	    {0, "2024-05-31", "CC", HAVEN_ERR_VALUE,
	     "confirmation date 2024-05-31 is before the request itself (2024-06-01)"},
	    /* 3 */ {0, "2025-13-01", "CC", HAVEN_ERR_VALUE, "is not a date"},
	    /* 4 */ {0, "2025-03-01", "", HAVEN_ERR_MISSING, "who confirmed (--by) is required"},
	    /* 5 */ {0, "2025-03-01", "CC", HAVEN_OK, ""},
	    /* 6 */ {0, "2025-03-01", "CC", HAVEN_ERR_DUPLICATE, "request 4 was already confirmed on 2025-03-01"},
	    /* 7 */
	    {0, "2025-02-01", "CC", HAVEN_ERR_VALUE, "is before the request's latest confirmation (2025-03-01)"},
	    /* 8 */ {0, "2025-04-15", "CC", HAVEN_OK, ""},
	    /* 9 */
	    {1, "2025-04-10", "DCS", HAVEN_ERR_VALUE, "request 5 is one-off: only monthly requests are confirmed"},
	    /* 10 */ {2, "2025-04-10", "DCS", HAVEN_ERR_NOT_FOUND, "there is no disclosure request 99 in this store"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = cases[i].which == 0 ? d : cases[i].which == 1 ? one : 99;
		char before[65], after[65];
		tu_digest(c, before);
		haven_status st = haven_disclose_request_confirm(c, id, cases[i].date, cases[i].by);
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(c));
		tu_digest(c, after);
		if (st != cases[i].want || !strstr(msg, cases[i].msg))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i + 1, haven_status_name(st), msg,
			         haven_status_name(cases[i].want), cases[i].msg);
		if (st && strcmp(before, after) != 0)
			fail_msg("case %zu: a refused confirmation changed the store", i + 1);
	}
	assert_int_equal(d, 4);
	expect_state(c, d, "active", "2026-04-15");
	assert_int_equal(intf(c, "SELECT count(*) FROM request_confirmation WHERE request_id = %lld", (long long)d), 2);

	/* Withdrawal. */
	tu_assert_status(c, haven_disclose_request_withdraw(c, d, "2025-04-16"), HAVEN_ERR_VALUE);
	tu_assert_msg(c, "withdrawal date 2025-04-16 is in the future");
	tu_assert_status(c, haven_disclose_request_withdraw(c, d, "2024-05-01"), HAVEN_ERR_VALUE);
	tu_assert_msg(c, "is before the request itself (2024-06-01)");
	tu_ok(c, haven_disclose_request_withdraw(c, d, "2025-04-14"));
	expect_state(c, d, "withdrawn", "");
	tu_assert_status(c, haven_disclose_request_withdraw(c, d, "2025-04-15"), HAVEN_ERR_VALUE);
	tu_assert_msg(c, "request 4 was already withdrawn on 2025-04-14");
	tu_assert_status(c, haven_disclose_request_confirm(c, d, "2025-04-15", "CC"), HAVEN_ERR_DENIED);
	tu_assert_msg(c, "request 4 was withdrawn on 2025-04-14; it cannot be confirmed");
	tu_assert_status(c, haven_disclose_request_withdraw(c, 99, "2025-04-15"), HAVEN_ERR_NOT_FOUND);
	expect_state(c, one, "active", "");
	haven_ctx_free(c);
}

static const char *cell(haven_ctx *ctx, const haven_table *t, size_t r, const char *col)
{
	static char buf[4][32];
	static int k;
	int c = haven_table_find(t, col);
	assert_true(c >= 0);
	switch (haven_table_type(ctx, t, r, c)) {
	case HAVEN_CELL_NULL: return "";
	case HAVEN_CELL_INT:
		k = (k + 1) & 3;
		snprintf(buf[k], sizeof buf[k], "%lld", (long long)haven_table_int(ctx, t, r, c));
		return buf[k];
	default: return haven_table_text(ctx, t, r, c);
	}
}

static void test_list_and_due(void **state)
{
	(void)state;
	haven_ctx *c = new_request_store("due.db");
	set_now(c, "2025-01-01T09:00:00Z");
	add_request(c, "E23000010", "chief-officer", "2024-05-01", "monthly"); /* 1: due in 16 days */
	add_request(c, "DFE", "senior-official", "2024-04-01", "monthly");     /* 2: lapsed 14 days ago */
	add_request(c, "E23000010", "chief-officer", "2025-01-01", "monthly"); /* 3: due next year */
	add_request(c, "E08000035", "director-of-childrens-services", "2024-12-01", "one-off"); /* 4 */
	int64_t w = add_request(c, "OCC", "senior-official", "2024-04-10", "monthly");          /* 5: withdrawn */
	add_request(c, "PROB", "senior-official", "2024-05-16", "monthly");                     /* 6: due in 31 days */
	add_request(c, "E23000010", "chief-officer", "2024-05-17", "monthly");                  /* 7: due in 32 days */
	set_now(c, "2025-04-15T09:00:00Z");
	tu_ok(c, haven_disclose_request_confirm(c, 3, "2025-03-10", "Chief Constable"));
	tu_ok(c, haven_disclose_request_withdraw(c, w, "2025-01-02"));

	haven_table *t;
	tu_ok(c, haven_disclose_request_list(c, &t));
	tu_release(c, t);
	static const char *const want[][5] = {
	    /* id, status, next_confirmation_due, last_confirmed, withdrawn_on */
	    {"1", "active", "2025-05-01", "", ""},           {"2", "lapsed", "2025-04-01", "", ""},
	    {"3", "active", "2026-03-10", "2025-03-10", ""}, {"4", "active", "", "", ""},
	    {"5", "withdrawn", "", "", "2025-01-02"},        {"6", "active", "2025-05-16", "", ""},
	    {"7", "active", "2025-05-17", "", ""},
	};
	assert_int_equal(haven_table_nrows(c, t), 7);
	assert_int_equal(haven_table_ncols(t), 15);
	for (size_t r = 0; r < 7; r++) {
		const char *got[5] = {cell(c, t, r, "id"), cell(c, t, r, "status"), cell(c, t, r, "next_confirmation_due"),
		                      cell(c, t, r, "last_confirmed"), cell(c, t, r, "withdrawn_on")};
		for (int k = 0; k < 5; k++)
			if (strcmp(got[k], want[r][k]) != 0)
				fail_msg("list row %zu field %d: got '%s', want '%s'", r + 1, k, got[k], want[r][k]);
	}
	assert_string_equal(cell(c, t, 2, "confirmed_by"), "Chief Constable");
	assert_string_equal(cell(c, t, 0, "role"), "chief-officer");
	assert_string_equal(cell(c, t, 0, "deliver_to"), "secure mail: safeguarding team");
	haven_table_free(t);

	static const struct {
		int within;
		const char *ids, *days;
	} cases[] = {
	    /* 1 */ {31, "2 1 6", "-14 16 31"},
	    /* 2 */ {32, "2 1 6 7", "-14 16 31 32"},
	    /* 3 */ {0, "2", "-14"},
	    /* 4 */ {400, "2 1 6 7 3", "-14 16 31 32 329"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tu_ok(c, haven_disclose_request_due(c, cases[i].within, &t));
		tu_release(c, t);
		char ids[64] = "", days[64] = "";
		for (size_t r = 0; r < haven_table_nrows(c, t); r++) {
			size_t l = strlen(ids), m = strlen(days);
			snprintf(ids + l, sizeof ids - l, "%s%s", r ? " " : "", cell(c, t, r, "id"));
			snprintf(days + m, sizeof days - m, "%s%s", r ? " " : "", cell(c, t, r, "days_left"));
		}
		if (strcmp(ids, cases[i].ids) != 0 || strcmp(days, cases[i].days) != 0)
			fail_msg("due case %zu: ids '%s' days '%s'; want '%s' '%s'", i + 1, ids, days, cases[i].ids,
			         cases[i].days);
		haven_table_free(t);
	}
	tu_assert_status(c, haven_disclose_request_due(c, -1, &t), HAVEN_ERR_USAGE);
	haven_ctx_free(c);
}

/* ---- extracts ------------------------------------------------------------ */

static const char *const extract_columns[] = {"urn",
                                              "name",
                                              "address_1",
                                              "address_2",
                                              "address_3",
                                              "town",
                                              "postcode",
                                              "telephone",
                                              "registered_person",
                                              "registered_person_address",
                                              "responsible_individual",
                                              "places",
                                              "local_authority",
                                              "registration_status",
                                              "enforcement_actions",
                                              "protective_marking"};

/* Read an extract back with the strict reader: the exact columns, the
 * marking on every row, every LA among las (a SQL list, or NULL for any);
 * returns the number of rows, and the enforcement cell of urn in enf. */
static int64_t check_extract(haven_ctx *c, const char *path, const char *las, const char *urn, char *enf, size_t nenf)
{
	hv_source *src;
	tu_ok(c, hv_source_open(c, path, &src));
	assert_int_equal(hv_source_ncols(src), 16);
	for (int i = 0; i < 16; i++)
		assert_string_equal(hv_source_colname(src, i), extract_columns[i]);
	int64_t n = 0;
	int has;
	char *list = las ? strdup(las) : NULL;
	while (1) {
		tu_ok(c, hv_source_next(src, &has));
		if (!has)
			break;
		n++;
		assert_string_equal(hv_source_field(src, 15), "OFFICIAL-SENSITIVE");
		if (list) {
			char quoted[32];
			snprintf(quoted, sizeof quoted, "'%s'", hv_source_field(src, 12));
			if (!strstr(list, quoted))
				fail_msg("%s: row %lld: LA %s is outside the scope", path, (long long)n,
				         hv_source_field(src, 12));
		}
		if (urn && strcmp(hv_source_field(src, 0), urn) == 0)
			snprintf(enf, nenf, "%s", hv_source_field(src, 14));
	}
	free(list);
	hv_source_close(src);
	return n;
}

static void extract_ok(haven_ctx *c, int64_t request, const char *out, haven_extract_report *r)
{
	tu_ok(c, haven_disclose_extract(c, request, tu_tmp("hmci.key"), out, r));
	char hex[65];
	sha256_file(out, hex);
	assert_string_equal(hex, r->sha256);
	struct stat sb;
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char m[1100];
	snprintf(m, sizeof m, "%s.manifest", out);
	assert_int_equal(stat(m, &sb), 0);
	assert_string_equal(r->public_key, hm_pub);
}

static void test_extract_scopes(void **state)
{
	(void)state;
	set_now(hm, "2025-04-15T09:00:00Z");
	/* Two enforcement actions for one Leeds home. */
	char urn[32];
	sqlite3_stmt *st;
	tu_ok(hm,
	      hv_prepare(
	          hm,
	          "SELECT urn FROM home_version WHERE valid_to IS NULL AND la_code = 'E08000035' ORDER BY urn LIMIT 1",
	          &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(urn, sizeof urn, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlf(hm,
	     "INSERT INTO enforcement(urn, action_date, nature, snapshot_id) VALUES"
	     " (%Q, '2025-02-10', 'Suspension', 1), (%Q, '2024-11-02', 'Compliance notice', 1)",
	     urn, urn);

	static const struct {
		const char *authority, *role, *file, *las;
		int64_t homes; /* -1: count from the store */
	} cases[] = {
	    /* 1 */ {"E23000010", "chief-officer", "wy.csv",
	             "'E08000032','E08000033','E08000034','E08000035','E08000036'", -1},
	    /* 2 */ {"E08000035", "director-of-childrens-services", "leeds.csv", "'E08000035'", -1},
	    /* 3 */ {"E23000009", "chief-officer", "ny.csv", "'E06000014','E06000065'", -1},
	    /* 4 */ {"E23000001", "chief-officer", "met.csv", NULL, -1},
	    /* 5 */ {"DFE", "senior-official", "dfe.csv", NULL, 4009},
	};
	char met[512] = "";
	for (int i = 2; i <= 33; i++) {
		size_t l = strlen(met);
		snprintf(met + l, sizeof met - l, "%s'E090000%02d'", i > 2 ? "," : "", i);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *las = i == 3 ? met : cases[i].las;
		int64_t id = add_request(hm, cases[i].authority, cases[i].role, "2025-04-01", "monthly");
		haven_extract_report r;
		int64_t before = tu_int(hm, "SELECT count(*) FROM extract");
		extract_ok(hm, id, tu_tmp(cases[i].file), &r);
		int64_t want =
		    cases[i].homes >= 0
		        ? cases[i].homes
		        : intf(hm, "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code IN (%s)", las);
		char enf[256] = "";
		int64_t rows = check_extract(hm, tu_tmp(cases[i].file), las, urn, enf, sizeof enf);
		if (rows != want || r.homes != want || want == 0)
			fail_msg("case %zu (%s): %lld rows, report %lld, want %lld (> 0)", i + 1, cases[i].authority,
			         (long long)rows, (long long)r.homes, (long long)want);
		assert_int_equal(
		    r.places,
		    las ? intf(hm, "SELECT sum(places) FROM home_version WHERE valid_to IS NULL AND la_code IN (%s)",
		               las)
		        : tu_int(hm, "SELECT sum(places) FROM home_version WHERE valid_to IS NULL"));
		if (las && strstr(las, "E08000035"))
			assert_string_equal(enf, "2024-11-02 Compliance notice; 2025-02-10 Suspension");
		assert_string_equal(r.authority, cases[i].authority);
		assert_string_equal(r.register_as_at, "2025-03-31");
		assert_int_equal(r.fulfilled, 0);
		assert_int_equal(tu_int(hm, "SELECT count(*) FROM extract"), before + 1);
		assert_int_equal(
		    intf(hm,
		         "SELECT count(*) FROM extract WHERE id = %lld AND request_id = %lld AND homes = %lld"
		         " AND file_sha256 = %Q AND made_at = '2025-04-15T09:00:00Z' AND made_by = 'admin'",
		         (long long)r.extract_id, (long long)id, (long long)r.homes, r.sha256),
		    1);
		/* the disclosure is in the audit log, with its recipient */
		assert_int_equal(intf(hm,
		                      "SELECT count(*) FROM audit WHERE operation = 'disclosure' AND user_name = 'admin'"
		                      " AND row_count = %lld AND recipients LIKE '%q (request %lld)'",
		                      (long long)r.homes, cases[i].authority, (long long)id),
		                 1);
		expect_state(hm, id, "active", "2026-04-01");
	}
}

static void test_extract_refusals(void **state)
{
	(void)state;
	set_now(hm, "2025-04-15T09:00:00Z");
	int64_t one = add_request(hm, "E08000035", "director-of-childrens-services", "2025-04-10", "one-off");
	haven_extract_report r;
	extract_ok(hm, one, tu_tmp("one.csv"), &r);
	assert_int_equal(r.fulfilled, 1);
	expect_state(hm, one, "fulfilled", "");
	int64_t withdrawn = add_request(hm, "E23000010", "chief-officer", "2025-04-01", "monthly");
	tu_ok(hm, haven_disclose_request_withdraw(hm, withdrawn, "2025-04-14"));
	int64_t lapsed = add_request(hm, "E23000010", "chief-officer", "2024-04-14", "monthly");
	int64_t fine = add_request(hm, "E23000010", "chief-officer", "2024-04-15", "monthly");
	write_all(tu_tmp("exists.csv"), "x", 1);
	copy_file(tu_tmp("hmci.key"), tu_tmp("open.key"));
	chmod(tu_tmp("open.key"), 0644);

	const struct {
		int64_t request;
		const char *key, *out;
		haven_status want;
		const char *msg;
	} cases[] = {
	    /* 1 */ {one, "hmci.key", "r1.csv", HAVEN_ERR_DENIED,
	             "was a one-off request and was fulfilled by the extract made 2025-04-15T09:00:00Z"},
	    /* 2 */
	    {withdrawn, "hmci.key", "r2.csv", HAVEN_ERR_DENIED,
	     "was withdrawn on 2025-04-14: no extract may be made for it"},
	    /* 3 */
	    {lapsed, "hmci.key", "r3.csv", HAVEN_ERR_DENIED,
	     "lapsed: it was not confirmed within 12 months of its request date on 2024-04-14 (due by 2025-04-14)"},
	    /* 4 */ {999, "hmci.key", "r4.csv", HAVEN_ERR_NOT_FOUND, "there is no disclosure request 999"},
	    /* 5 */ {fine, "hmci.key", "exists.csv", HAVEN_ERR_IO, "exists; an extract is never overwritten"},
	    /* 6 */ {fine, "open.key", "r6.csv", HAVEN_ERR_DENIED, "lets group or others read it"},
	    /* 7 */ {fine, "missing.key", "r7.csv", HAVEN_ERR_IO, "cannot open key file"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char before[65], after[65];
		tu_digest(hm, before);
		char out[1024], key[1024], msg[1024];
		snprintf(out, sizeof out, "%s", tu_tmp(cases[i].out));
		snprintf(key, sizeof key, "%s", tu_tmp(cases[i].key));
		haven_status st = haven_disclose_extract(hm, cases[i].request, key, out, &r);
		snprintf(msg, sizeof msg, "%s", haven_errmsg(hm));
		tu_digest(hm, after);
		if (st != cases[i].want || !strstr(msg, cases[i].msg))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i + 1, haven_status_name(st), msg,
			         haven_status_name(cases[i].want), cases[i].msg);
		if (strcmp(before, after) != 0)
			fail_msg("case %zu: a refused extract changed the store", i + 1);
		char m[1100];
		snprintf(m, sizeof m, "%s.manifest", out);
		if ((strcmp(cases[i].out, "exists.csv") != 0 && access(out, F_OK) == 0) || access(m, F_OK) == 0)
			fail_msg("case %zu: a refused extract left a file", i + 1);
		assert_int_equal(r.homes, 0);
	}
	/* The one on its last day still works. */
	extract_ok(hm, fine, tu_tmp("fine.csv"), &r);
	set_now(hm, "2025-04-16T00:00:00Z");
	tu_assert_status(hm, haven_disclose_extract(hm, fine, tu_tmp("hmci.key"), tu_tmp("late.csv"), &r),
	                 HAVEN_ERR_DENIED);
	set_now(hm, "2025-04-15T09:00:00Z");

	/* Not an HMCI store. */
	haven_ctx *c = new_receiver("police_extract.db", "police", "E23000010", "West Yorkshire Police", 0);
	tu_assert_status(c, haven_disclose_extract(c, 1, tu_tmp("hmci.key"), tu_tmp("p.csv"), &r), HAVEN_ERR_DENIED);
	tu_assert_msg(c, "making a register extract is HMCI's");
	haven_ctx_free(c);
}

/* ---- the receiving side ---------------------------------------------------- */

/* The manifest fields of extract r for request id of West Yorkshire Police. */
static hv_manifest manifest_of(const haven_extract_report *r, int64_t request)
{
	hv_manifest m;
	memset(&m, 0, sizeof m);
	snprintf(m.marking, sizeof m.marking, "OFFICIAL-SENSITIVE");
	m.extract = r->extract_id;
	m.request = request;
	snprintf(m.authority, sizeof m.authority, "E23000010");
	snprintf(m.authority_name, sizeof m.authority_name, "West Yorkshire Police");
	snprintf(m.issuer, sizeof m.issuer, "X00");
	snprintf(m.issuer_name, sizeof m.issuer_name, "Test");
	snprintf(m.extract_date, sizeof m.extract_date, "2025-04-15");
	snprintf(m.register_as_at, sizeof m.register_as_at, "2025-03-31");
	m.homes = r->homes;
	memcpy(m.sha256, r->sha256, 65);
	return m;
}

static void write_manifest(haven_ctx *c, hv_manifest *m, const unsigned char *pk, const unsigned char *sk,
                           const char *path)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	tu_ok(c, hv_manifest_write(c, m, pk, sk, f, path));
	fclose(f);
}

/* Replace the first occurrence of from in file with to. */
static void edit_file(const char *path, const char *from, const char *to)
{
	size_t n;
	char *b = read_all(path, &n);
	char *p = strstr(b, from);
	assert_non_null(p);
	size_t lf = strlen(from), lt = strlen(to);
	char *o = malloc(n - lf + lt + 1);
	memcpy(o, b, (size_t)(p - b));
	memcpy(o + (p - b), to, lt);
	memcpy(o + (p - b) + lt, p + lf, n - (size_t)(p - b) - lf);
	write_all(path, o, n - lf + lt);
	free(o);
	free(b);
}

static void test_receive_extract(void **state)
{
	(void)state;
	set_now(hm, "2025-04-15T09:00:00Z");
	int64_t id = add_request(hm, "E23000010", "chief-officer", "2025-04-02", "monthly");
	haven_extract_report r;
	char ex[1024], exny[1024];
	snprintf(ex, sizeof ex, "%s", tu_tmp("recv.csv"));
	snprintf(exny, sizeof exny, "%s", tu_tmp("recv_ny.csv"));
	extract_ok(hm, id, ex, &r);
	int64_t ny = add_request(hm, "E23000009", "chief-officer", "2025-04-02", "monthly");
	haven_extract_report rny;
	extract_ok(hm, ny, exny, &rny);

	/* The manifest is exactly the canonical encoding of its fields: made
	 * again with the same key it is byte-for-byte the same. */
	hv_manifest m = manifest_of(&r, id);
	write_manifest(hm, &m, hm_pk, hm_sk, tu_tmp("again.manifest"));
	size_t n1, n2;
	char *m1 = read_all(tu_tmp("recv.csv.manifest"), &n1), *m2 = read_all(tu_tmp("again.manifest"), &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(m1, m2, n1);
	free(m1);
	free(m2);

	haven_ctx *c = new_receiver("wyp.db", "police", "E23000010", "West Yorkshire Police", 1);
	notices ns = {""};
	haven_ctx_set_notice(c, on_notice, &ns);

	/* Each attack: a copy of the extract and its manifest, altered. */
	unsigned char pk2[32], sk2[64];
	crypto_sign_keypair(pk2, sk2);
	enum {
		A_BYTE,
		A_UNKNOWN_KEY,
		A_EDIT_HOMES,
		A_NO_MARKING,
		A_MARKING_SIGNED,
		A_SIG,
		A_EXTRA_LINE,
		A_OTHER_FORCE,
		A_STRIPPED,
		A_DANGLING_LINK,
		A_LINK,
		A_DIR,
		A_FIFO
	};
	static const struct {
		int attack;
		haven_status want;
		const char *msg;
	} cases[] = {
	    /* 1 */ {A_BYTE, HAVEN_ERR_TAMPER, "does not match"},
	    /* 2 */
	    {A_UNKNOWN_KEY, HAVEN_ERR_TAMPER, "not signed by a known HMCI key (the key it names is not recorded"},
	    /* 3 */ {A_EDIT_HOMES, HAVEN_ERR_TAMPER, "not signed by a known HMCI key (the signature does not verify"},
	    /* 4 */ {A_NO_MARKING, HAVEN_ERR_TAMPER, "line 2 is not 'marking: its value'"},
	    /* 5 */
	    {A_MARKING_SIGNED, HAVEN_ERR_TAMPER, "the protective marking is 'OFFICIAL', not OFFICIAL-SENSITIVE"},
	    /* 6 */ {A_SIG, HAVEN_ERR_TAMPER, "the last line is not 'signature: '"},
	    /* 7 */ {A_EXTRA_LINE, HAVEN_ERR_TAMPER, "line 14: a line after the last field"},
	    /* 8 */
	    {A_OTHER_FORCE, HAVEN_ERR_DENIED,
	     "this extract was made for E23000009 (North Yorkshire Police), not for this store's owner E23000010"},
	    /* 9 the manifest removed: a downgrade to an unsigned file */
	    {A_STRIPPED, HAVEN_ERR_TAMPER, "this store holds HMCI's public key, so a register file whose origin"},
	    /* 10 a dangling symbolic link where the manifest should be is not "no manifest" */
	    {A_DANGLING_LINK, HAVEN_ERR_TAMPER, "is a symbolic link, not the manifest file itself"},
	    /* 11 nor is a link to the genuine manifest */
	    {A_LINK, HAVEN_ERR_TAMPER, "is a symbolic link, not the manifest file itself"},
	    /* 12 a directory */
	    {A_DIR, HAVEN_ERR_TAMPER, "is not a regular file"},
	    /* 13 a FIFO: refused without blocking on it */
	    {A_FIFO, HAVEN_ERR_TAMPER, "is not a regular file"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32], path[1024], mpath[1100];
		snprintf(name, sizeof name, "attack%zu.csv", i + 1);
		snprintf(path, sizeof path, "%s", tu_tmp(name));
		snprintf(mpath, sizeof mpath, "%s.manifest", path);
		const char *src = cases[i].attack == A_OTHER_FORCE ? exny : ex;
		char srcm[1100];
		snprintf(srcm, sizeof srcm, "%s.manifest", src);
		copy_file(src, path);
		copy_file(srcm, mpath);
		hv_manifest mm = manifest_of(&r, id);
		switch (cases[i].attack) {
		case A_BYTE: {
			size_t n;
			char *b = read_all(path, &n);
			b[n / 2] = b[n / 2] == 'x' ? 'y' : 'x';
			write_all(path, b, n);
			free(b);
			break;
		}
		case A_UNKNOWN_KEY: write_manifest(hm, &mm, pk2, sk2, mpath); break;
		case A_EDIT_HOMES: {
			char from[40], to[40];
			snprintf(from, sizeof from, "homes: %lld\n", (long long)r.homes);
			snprintf(to, sizeof to, "homes: %lld\n", (long long)r.homes - 1);
			edit_file(mpath, from, to);
			break;
		}
		case A_NO_MARKING: edit_file(mpath, "marking: OFFICIAL-SENSITIVE\n", ""); break;
		case A_MARKING_SIGNED:
			snprintf(mm.marking, sizeof mm.marking, "OFFICIAL");
			write_manifest(hm, &mm, hm_pk, hm_sk, mpath);
			break;
		case A_SIG: edit_file(mpath, "signature: ", "signature: AAAA"); break;
		case A_EXTRA_LINE: edit_file(mpath, "\n\nsignature", "\nnote: x\n\nsignature"); break;
		case A_STRIPPED: assert_int_equal(unlink(mpath), 0); break;
		case A_DANGLING_LINK:
			assert_int_equal(unlink(mpath), 0);
			assert_int_equal(symlink(tu_tmp("no-such.manifest"), mpath), 0);
			break;
		case A_LINK:
			assert_int_equal(unlink(mpath), 0);
			assert_int_equal(symlink(srcm, mpath), 0);
			break;
		case A_DIR:
			assert_int_equal(unlink(mpath), 0);
			assert_int_equal(mkdir(mpath, 0700), 0);
			break;
		case A_FIFO:
			assert_int_equal(unlink(mpath), 0);
			assert_int_equal(mkfifo(mpath, 0600), 0);
			break;
		default: break;
		}
		char before[65], after[65];
		tu_digest(c, before);
		haven_register_report rr;
		haven_status st = haven_register_import(c, path, "2025-04-15", 0, &rr);
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(c));
		tu_digest(c, after);
		if (st != cases[i].want || !strstr(msg, cases[i].msg))
			fail_msg("case %zu: got %s '%s', want %s '%s'", i + 1, haven_status_name(st), msg,
			         haven_status_name(cases[i].want), cases[i].msg);
		if (strcmp(before, after) != 0)
			fail_msg("case %zu: a refused extract changed the store", i + 1);
		if (cases[i].attack == A_BYTE) {
			char hex[65];
			sha256_file(path, hex);
			if (!strstr(msg, hex) || !strstr(msg, r.sha256))
				fail_msg("the message does not name both hashes: %s", msg);
		}
	}
	assert_int_equal(tu_int(c, "SELECT count(*) FROM home_version"), 0);

	/* The genuine extract. */
	ns.all[0] = '\0';
	haven_register_report rr;
	tu_ok(c, haven_register_import(c, ex, "2025-04-15", 0, &rr));
	assert_int_equal(rr.verified, 1);
	assert_int_equal(rr.homes, r.homes);
	assert_int_equal(rr.dropped, 0);
	if (!strstr(ns.all, "manifest verified: extract") || !strstr(ns.all, "signed by HMCI (HMCI (Ofsted))"))
		fail_msg("notices: %s", ns.all);
	assert_int_equal(
	    tu_int(c, "SELECT count(*) FROM home_version WHERE valid_to IS NULL"),
	    intf(hm, "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code IN (%s)", WY_LAS));
	assert_int_equal(tu_int(c, "SELECT count(*) FROM home_version WHERE extra IS NOT NULL"), 0);
	haven_ctx_free(c);

	/* A key recorded for a police authority is not an HMCI key. */
	c = new_receiver("wyp2.db", "police", "E23000010", "West Yorkshire Police", 0);
	add_authority(c, "E23000011", "police", "South Yorkshire Police", "pfa:E23000011");
	sqlf(c, "INSERT INTO authority_key(authority_code, public_key, added_at) VALUES('E23000011', %Q, '2025-01-01')",
	     hm_pub);
	tu_assert_status(c, haven_register_import(c, ex, "2025-04-15", 0, &rr), HAVEN_ERR_TAMPER);
	tu_assert_msg(c, "not signed by a known HMCI key");
	haven_ctx_free(c);
}

/* Homes outside the owner's scope never reach the store. */
static void test_import_scope(void **state)
{
	(void)state;
	char m1[1024], m2[1024];
	snprintf(m1, sizeof m1, "%s",
	         tu_write("scope1.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status\n"
	                                "SC900001,Leeds House,1 Road,Leeds,LS6 1AA,3,E08000035,Active\n"
	                                "SC900002,Bradford House,2 Road,Bradford,BD1 1AA,4,Bradford,Active\n"
	                                "SC900003,Dales House,3 Road,Skipton,BD23 1AA,2,E06000065,Active\n"
	                                "SC900004,Minster House,4 Road,York,YO1 7AA,5,York,Active\n"));
	snprintf(m2, sizeof m2, "%s",
	         tu_write("scope2.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status\n"
	                                "SC900001,Leeds House,1 Road,Harrogate,HG1 1AA,3,North Yorkshire,Active\n"
	                                "SC900002,Bradford House,2 Road,Bradford,BD1 1AA,4,Bradford,Active\n"
	                                "SC900003,Dales House,3 Road,Skipton,BD23 1AA,2,E06000065,Active\n"));
	static const struct {
		const char *kind, *code, *file;
		int64_t homes1, dropped1, closed2, homes_now;
		const char *notice;
		haven_status month2; /* HAVEN_ERR_MISSING: month 2 leaves no home in scope, refused */
	} cases[] = {
	    /* 1 */ {
	        "police", "E23000010", "s_wy.db", 2, 2, 1, 1,
	        "2 homes outside this store's scope (West Yorkshire (E23000010): 5 local authorities) dropped, not "
	        "imported: SC900003 (E06000065 North Yorkshire), SC900004 (E06000014 York)",
	        HAVEN_OK},
	    /* 2 */
	    {"police", "E23000009", "s_ny.db", 2, 2, 1, 2, "SC900001 (E08000035 Leeds), SC900002 (E08000032 Bradford)",
	     HAVEN_OK},
	    /* 3 */
	    {"la", "E08000035", "s_leeds.db", 1, 3, 0, 1, "(Leeds (E08000035): 1 local authority) dropped",
	     HAVEN_ERR_MISSING},
	    /* 4 */ {"dfe", "DFE", "s_dfe.db", 4, 0, 1, 3, NULL, HAVEN_OK},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_ctx *c = new_receiver(cases[i].file, cases[i].kind, cases[i].code, cases[i].code, 0);
		notices ns = {""};
		haven_ctx_set_notice(c, on_notice, &ns);
		haven_register_report r;
		tu_ok(c, haven_register_import(c, m1, "2025-03-31", 0, &r));
		if (r.homes != cases[i].homes1 || r.dropped != cases[i].dropped1 || r.verified)
			fail_msg("case %zu: month 1 kept %lld, dropped %lld, verified %d", i + 1, (long long)r.homes,
			         (long long)r.dropped, r.verified);
		if (!strstr(ns.all, "scope1.csv: no manifest: origin not verified") ||
		    (cases[i].notice && !strstr(ns.all, cases[i].notice)) ||
		    (!cases[i].notice && strstr(ns.all, "dropped")))
			fail_msg("case %zu: notices: %s", i + 1, ns.all);
		assert_int_equal(tu_int(c, "SELECT count(*) FROM home_version"), cases[i].homes1);
		assert_int_equal(tu_int(c, "SELECT homes FROM snapshot"), cases[i].homes1);
		/* Month 2: SC900001 moves to North Yorkshire, SC900004 closes.
		 * For Leeds that leaves no home at all: refused, nothing changes. */
		char before[65], after[65];
		tu_digest(c, before);
		tu_assert_status(c, haven_register_import(c, m2, "2025-04-15", 0, &r), cases[i].month2);
		if (cases[i].month2) {
			tu_assert_msg(c, "scope2.csv: none of its 3 homes is in this store's scope");
			tu_digest(c, after);
			assert_string_equal(before, after);
		}
		if (r.closed != cases[i].closed2 ||
		    tu_int(c, "SELECT count(*) FROM home_version WHERE valid_to IS NULL") != cases[i].homes_now)
			fail_msg("case %zu: month 2 closed %lld, %lld current", i + 1, (long long)r.closed,
			         (long long)tu_int(c, "SELECT count(*) FROM home_version WHERE valid_to IS NULL"));
		if (strcmp(cases[i].kind, "dfe") != 0) {
			hv_scope *s;
			tu_ok(c, hv_scope_owner(c, &s));
			sqlite3_stmt *st;
			tu_ok(c, hv_prepare(c, "SELECT DISTINCT la_code FROM home_version", &st));
			while (sqlite3_step(st) == SQLITE_ROW)
				assert_true(hv_scope_has_la(s, (const char *)sqlite3_column_text(st, 0)));
			sqlite3_finalize(st);
			hv_scope_free(s);
		}
		haven_ctx_free(c);
	}

	/* The whole national register into a West Yorkshire store: only its
	 * homes stay, and the notice names ten of the others. */
	haven_ctx *c = new_receiver("s_wy_national.db", "police", "E23000010", "West Yorkshire Police", 0);
	notices ns = {""};
	haven_ctx_set_notice(c, on_notice, &ns);
	haven_register_report r;
	tu_ok(c, haven_register_import(c, tu_national("synth/register.csv"), "2025-03-31", 0, &r));
	int64_t wy = intf(hm, "SELECT count(*) FROM home_version WHERE snapshot_from = 1 AND la_code IN (%s)", WY_LAS);
	assert_true(wy > 0);
	assert_int_equal(r.homes, wy);
	assert_int_equal(r.dropped, 4009 - wy);
	assert_int_equal(tu_int(c, "SELECT count(*) FROM home_version"), wy);
	const char *p = strstr(ns.all, "dropped, not imported: ");
	assert_non_null(p);
	int named = 0;
	for (const char *q = p; (q = strstr(q, " (E")) && q < strchr(p, '\n'); q++)
		named++;
	assert_int_equal(named, 10); /* ten URNs with their LAs, then ", ..." */
	assert_non_null(strstr(p, ", ...\n"));
	haven_ctx_free(c);

	/* The marking column is checked, never stored. */
	c = new_receiver("s_marking.db", "dfe", "DFE", "Department for Education", 0);
	tu_assert_status(
	    c,
	    haven_register_import(c,
	                          tu_write("secret.csv", "urn,name,address_1,postcode,places,local_authority,"
	                                                 "registration_status,protective_marking\n"
	                                                 "SC900009,A,1 Road,LS6 1AA,2,Leeds,Active,SECRET\n"),
	                          "2025-03-31", 0, &r),
	    HAVEN_ERR_VALUE);
	tu_assert_msg(c, "secret.csv: row 2: protective_marking 'SECRET' is not OFFICIAL or OFFICIAL-SENSITIVE");
	tu_ok(c, haven_register_import(c,
	                               tu_write("marked.csv",
	                                        "urn,name,address_1,postcode,places,local_authority,"
	                                        "registration_status,Protective Marking\n"
	                                        "SC900009,A,1 Road,LS6 1AA,2,Leeds,Active,official-sensitive\n"
	                                        "SC900010,B,2 Road,LS6 1AB,2,Leeds,Active,\n"),
	                               "2025-03-31", 0, &r));
	assert_int_equal(r.extra_columns, 0);
	assert_int_equal(tu_int(c, "SELECT count(*) FROM home_version WHERE extra IS NULL"), 2);
	haven_ctx_free(c);

	/* A police store without force area boundaries cannot know its scope. */
	assert_int_equal(haven_ctx_new(&c), HAVEN_OK);
	haven_owner owner = {.kind = "police", .code = "E23000010", .name = "West Yorkshire Police"};
	tu_ok(c, haven_store_create(c, tu_tmp("s_nopfa.db"), &owner));
	tu_act(c, "admin");
	sqlf(c, "ATTACH %Q AS src", tu_tmp("hmci.db"));
	sqlf(c,
	     "INSERT INTO area(kind, code, name, geom) SELECT kind, code, name, geom FROM src.area WHERE kind = 'la'");
	sqlf(c, "DETACH src");
	char before[65], after[65];
	tu_digest(c, before);
	tu_assert_status(c, haven_register_import(c, m1, "2025-03-31", 0, &r), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(c, "the scope of authority E23000010 is not recorded yet");
	tu_digest(c, after);
	assert_string_equal(before, after);
	haven_ctx_free(c);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_year_after), cmocka_unit_test(test_request_add),
        cmocka_unit_test(test_lapse_and_confirm), cmocka_unit_test(test_list_and_due),
        cmocka_unit_test(test_extract_scopes), cmocka_unit_test(test_extract_refusals),
        cmocka_unit_test(test_receive_extract), cmocka_unit_test(test_import_scope))
