/*
 * test_oversight.c - the disclosure gate, the transparency report,
 * complaints and erasure, on a store holding three monthly snapshots of the
 * register fixture (real ONS LA boundaries, from a copy of the national store).
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "govern/audit.h"
#include "core/context.h"
#include "core/sql.h"
#include "testutil.h"

static char senior_key[1024];

static void act(haven_ctx *ctx, const char *user, const char *purpose, const char *reason, int64_t auth)
{
	haven_act_opts o = {.user = user, .purpose = purpose, .reason = reason, .authorisation = auth};
	tu_ok(ctx, haven_act(ctx, &o));
}

/* An HMCI store with LA boundaries (a copy of the national store, which
 * has pfa too), users ana (analyst) and sam (senior), and the three monthly
 * register fixtures imported by the admin. */
static haven_ctx *make_store(const char *name)
{
	haven_ctx *ctx = tu_national_store("boundaries.db", name);
	act(ctx, "admin", NULL, NULL, 0);
	haven_user_spec ana = {.name = "ana", .authority = "X00", .role = "analyst", .default_purpose = "regulation"};
	tu_ok(ctx, haven_user_add(ctx, &ana, NULL, NULL));
	snprintf(senior_key, sizeof senior_key, "%s", tu_tmp("sam.key"));
	unlink(senior_key);
	haven_user_spec sam = {.name = "sam", .authority = "X00", .role = "senior", .key_file = senior_key,
	                       .default_purpose = "regulation"};
	tu_ok(ctx, haven_user_add(ctx, &sam, NULL, NULL));
	static const char *const months[][2] = {
		{"register/month1.csv", "2025-01-31"}, {"register/month2.csv", "2025-02-28"}, {"register/month3.csv", "2025-03-31"}};
	for (int i = 0; i < 3; i++) {
		haven_register_report r;
		tu_ok(ctx, haven_register_import(ctx, tu_fixture(months[i][0]), months[i][1], 0, &r));
	}
	return ctx;
}

static int64_t audit_count(haven_ctx *ctx, const char *where)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM audit WHERE %s", where);
	int64_t n = tu_int(ctx, sql);
	sqlite3_free(sql);
	return n;
}

/* Write t in fmt to a string (caller frees). */
static char *render(haven_ctx *ctx, haven_status want, const haven_table *t, haven_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tu_assert_status(ctx, haven_table_write(ctx, t, fmt, f), want);
	fclose(f);
	return buf;
}

static void test_gate(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("gate.db");
	int64_t before = audit_count(ctx, "1");
	/* 1: imports were recorded as collections, one per snapshot. */
	assert_int_equal(audit_count(ctx, "operation = 'collection' AND user_name = 'admin'"), 3);

	/* 2: a listing of disclosed data is sealed: it cannot be written or
	 * read, and it cannot be released with nobody acting. */
	act(ctx, "ana", NULL, NULL, 0);
	haven_table *t;
	tu_ok(ctx, haven_register_summary(ctx, "la", NULL, &t));
	char *out = render(ctx, HAVEN_ERR_DENIED, t, HAVEN_FMT_TEXT);
	tu_assert_msg(ctx, "is sealed");
	assert_int_equal(strlen(out), 0);
	free(out);
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("gate.db")));
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "nobody is acting");
	assert_int_equal(audit_count(ctx, "1"), before);

	/* 3: acting, the release is one consultation, and every format of the
	 * released table is marked. */
	act(ctx, "ana", NULL, NULL, 0);
	tu_release(ctx, t);
	out = render(ctx, HAVEN_OK, t, HAVEN_FMT_TEXT);
	assert_non_null(strstr(out, "OFFICIAL-SENSITIVE\nHomes and places by local authority"));
	free(out);
	out = render(ctx, HAVEN_OK, t, HAVEN_FMT_CSV);
	assert_non_null(strstr(out, ",protective_marking\r\n"));
	assert_non_null(strstr(out, ",OFFICIAL-SENSITIVE\r\n"));
	free(out);
	out = render(ctx, HAVEN_OK, t, HAVEN_FMT_JSON);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "protective_marking")->valuestring, "OFFICIAL-SENSITIVE");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(doc, "rows")));
	cJSON_Delete(doc);
	free(out);
	haven_table_free(t);
	assert_int_equal(audit_count(ctx, "operation = 'consultation' AND user_name = 'ana' AND purpose = 'regulation'"),
	                 1);
	assert_int_equal(audit_count(ctx, "object LIKE 'Homes and places by local authority, as at 2025-03-31'"), 1);

	/* 4: reference data (where) is not disclosed data: no actor, no entry, no marking. */
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("gate.db")));
	tu_ok(ctx, haven_boundaries_where(ctx, 430000, 434000, &t));
	tu_release(ctx, t);
	out = render(ctx, HAVEN_OK, t, HAVEN_FMT_TEXT);
	assert_null(strstr(out, "OFFICIAL-SENSITIVE"));
	free(out);
	haven_table_free(t);
	assert_int_equal(audit_count(ctx, "1"), before + 1);

	/* 5: the log still verifies. */
	haven_audit_report ar;
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &ar));
	assert_int_equal(ar.entries, before + 1);
	haven_ctx_free(ctx);
}

static void test_transparency(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("transparency.db");
	/* An exceptional use: sam authorises ana, who lists changes for it. */
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("transparency.db")));
	act(ctx, "sam", NULL, NULL, 0);
	haven_authorise_opts ao = {.key_file = senior_key, .user = "ana", .use = "research on placement moves",
	                           .reason = "commissioned review of stability"};
	int64_t auth;
	tu_ok(ctx, haven_authorise(ctx, &ao, &auth));
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("transparency.db")));
	act(ctx, "ana", "research on placement moves", "commissioned review of stability", auth);
	haven_table *t;
	tu_ok(ctx, haven_register_changes(ctx, NULL, NULL, &t));
	int64_t t0 = (int64_t)time(NULL);
	tu_release(ctx, t);
	int64_t t1 = (int64_t)time(NULL);
	free(render(ctx, HAVEN_OK, t, HAVEN_FMT_CSV));
	haven_table_free(t);
	/* 1: single use: a second release under the same authorisation is refused. */
	tu_ok(ctx, haven_register_changes(ctx, NULL, NULL, &t));
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "already used");
	haven_table_free(t);
	assert_int_equal(audit_count(ctx, "authoriser = 'sam' AND user_name = 'ana'"), 1);

	/* 2: the report counts the exceptional use in the month it happened.
	 * Audit entries are stamped from the system clock, never HAVEN_NOW, so
	 * that month is the system clock's: the report runs from the month
	 * before it to its last day. */
	int64_t at = tu_int(ctx, "SELECT at FROM audit WHERE authoriser = 'sam'");
	assert_in_range(at, t0, t1);
	char now[21], from[32], first[32], next[32], to[21], sql[64];
	hv_format_time(at, now);
	int y = atoi(now), m = atoi(now + 5);
	snprintf(from, sizeof from, "%04d-%02d-01", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	snprintf(first, sizeof first, "%04d-%02d-01", y, m);
	snprintf(next, sizeof next, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	int64_t first_day, next_day;
	assert_true(hv_parse_date(first, &first_day));
	assert_true(hv_parse_date(next, &next_day));
	hv_format_time((next_day - 1) * 86400, to); /* the month's last day */
	to[10] = '\0';
	snprintf(sql, sizeof sql, "at >= %lld", (long long)first_day * 86400);
	char prev[8], cur[8]; /* the two months, "YYYY-MM" */
	snprintf(prev, sizeof prev, "%.7s", from);
	snprintf(cur, sizeof cur, "%.7s", first);
	tu_ok(ctx, haven_transparency_report(ctx, from, to, NULL, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 2); /* 2 months x 1 authority */
	int month = haven_table_find(t, "month"), exc = haven_table_find(t, "exceptional_uses");
	int ops = haven_table_find(t, "operations");
	assert_string_equal(haven_table_text(ctx, t, 0, month), prev);
	assert_int_equal(haven_table_int(ctx, t, 0, exc), 0);
	assert_int_equal(haven_table_int(ctx, t, 0, ops), audit_count(ctx, "1") - audit_count(ctx, sql));
	assert_string_equal(haven_table_text(ctx, t, 1, month), cur);
	assert_int_equal(haven_table_int(ctx, t, 1, exc), 1);
	assert_int_equal(haven_table_int(ctx, t, 1, ops), audit_count(ctx, sql));
	/* publishable: no user names, no URNs */
	char *out = render(ctx, HAVEN_OK, t, HAVEN_FMT_CSV);
	assert_null(strstr(out, "ana"));
	assert_null(strstr(out, "sam"));
	assert_null(strstr(out, "SC1000"));
	free(out);
	haven_table_free(t);

	/* 3: a log edited behind haven's back gives no report. */
	tu_ok(ctx, hv_exec(ctx, "DROP TRIGGER audit_no_update; UPDATE audit SET authoriser = NULL WHERE authoriser = 'sam'"));
	tu_assert_status(ctx, haven_transparency_report(ctx, "2025-03-01", "2025-04-30", NULL, &t), HAVEN_ERR_TAMPER);
	tu_assert_msg(ctx, "no transparency report from a log that does not verify");
	/* 4: bad ranges */
	tu_assert_status(ctx, haven_transparency_report(ctx, "2025-04-30", "2025-03-01", NULL, &t), HAVEN_ERR_USAGE);
	tu_assert_status(ctx, haven_transparency_report(ctx, "April", "2025-03-01", NULL, &t), HAVEN_ERR_USAGE);
	haven_ctx_free(ctx);
}

static void test_complaints(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("complaints.db");
	char before[65], after[65];
	int64_t seq0 = tu_int(ctx, "SELECT min(seq) FROM audit WHERE operation = 'collection'");
	int64_t seqs[] = {seq0};
	static const struct {
		haven_complaint c;
		haven_status want;
		const char *msg;
	} bad[] = {
		/* 1 */ {{.about = "neighbour", .summary = "x"}, HAVEN_ERR_USAGE, "'home' or a 'child'"},
		/* 2 */ {{.about = "home", .summary = "x"}, HAVEN_ERR_MISSING, "names its URN"},
		/* 3 */ {{.about = "child", .summary = "x"}, HAVEN_ERR_MISSING, "through an advocate"},
		/* 4 */ {{.about = "home", .urn = "SC999999", .summary = "x"}, HAVEN_ERR_NOT_FOUND, "no home with URN"},
		/* 5 */ {{.about = "home", .urn = "SC100001", .summary = ""}, HAVEN_ERR_MISSING, "needs a summary"},
		/* 6 */ {{.about = "home", .urn = "SC100001", .summary = "x", .received = "2030-01-01"}, HAVEN_ERR_VALUE,
		         "not a date on or before today"},
	};
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t id;
		haven_status st = haven_complaint_add(ctx, &bad[i].c, &id);
		if (st != bad[i].want || !strstr(haven_errmsg(ctx), bad[i].msg))
			fail_msg("complaint case %zu: %s: %s", i + 1, haven_status_name(st), haven_errmsg(ctx));
	}
	/* 7: an unknown audit entry refuses the whole complaint */
	int64_t missing[] = {seq0, 99999};
	haven_complaint c = {.about = "home", .urn = "SC100001", .summary = "visited three times", .audit_seqs = missing,
	                     .n_audit = 2};
	int64_t id;
	tu_assert_status(ctx, haven_complaint_add(ctx, &c, &id), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(ctx, "no audit entry 99999");
	tu_digest(ctx, after);
	assert_string_equal(before, after);

	/* 8: a home's complaint and a child's, through an advocate */
	c.audit_seqs = seqs;
	c.n_audit = 1;
	tu_ok(ctx, haven_complaint_add(ctx, &c, &id));
	haven_complaint cc = {.about = "child", .advocate = "Advocacy service (Coram Voice)",
	                      .summary = "feels the police visit because of where they live"};
	int64_t id2;
	tu_ok(ctx, haven_complaint_add(ctx, &cc, &id2));
	assert_int_equal(id2, id + 1);
	/* 9: decided without an outcome; unknown status; unknown id */
	tu_assert_status(ctx, haven_complaint_update(ctx, id, "upheld", NULL, NULL, 0), HAVEN_ERR_MISSING);
	tu_assert_status(ctx, haven_complaint_update(ctx, id, "lost", NULL, NULL, 0), HAVEN_ERR_USAGE);
	tu_assert_status(ctx, haven_complaint_update(ctx, 42, "investigating", NULL, NULL, 0), HAVEN_ERR_NOT_FOUND);
	tu_ok(ctx, haven_complaint_update(ctx, id, "upheld", "visits stopped; force apologised", NULL, 0));
	haven_table *t;
	tu_ok(ctx, haven_complaint_list(ctx, "upheld", &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_nrows(ctx, t), 1);
	char want[32];
	snprintf(want, sizeof want, "%lld", (long long)seq0);
	assert_string_equal(haven_table_text(ctx, t, 0, haven_table_find(t, "audit_entries")), want);
	assert_string_equal(haven_table_text(ctx, t, 0, haven_table_find(t, "recorded_by")), "admin");
	haven_table_free(t);
	haven_ctx_free(ctx);
}

static void test_erase(void **state)
{
	(void)state;
	haven_ctx *ctx = make_store("erase.db");
	int64_t current = tu_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to IS NULL");
	int64_t old = tu_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to < '2025-03-01'");
	int64_t changes = tu_int(ctx, "SELECT count(*) FROM register_change c JOIN snapshot s ON s.id = c.snapshot_id"
	                              " WHERE s.received < '2025-03-01'");
	assert_true(old > 0);
	char before[65], after[65];
	haven_erase_report r;
	/* 1: an analyst may not erase; 2: no date after today */
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("erase.db")));
	act(ctx, "ana", NULL, NULL, 0);
	tu_digest(ctx, before);
	tu_assert_status(ctx, haven_erase(ctx, "2025-03-01", &r), HAVEN_ERR_DENIED);
	act(ctx, "admin", NULL, NULL, 0);
	tu_assert_status(ctx, haven_erase(ctx, "2026-01-01", &r), HAVEN_ERR_VALUE);
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 3: erase what ended before March */
	tu_ok(ctx, haven_erase(ctx, "2025-03-01", &r));
	assert_int_equal(r.versions, old);
	assert_int_equal(r.changes, changes);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to IS NULL"), current);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to < '2025-03-01'"), 0);
	/* 4: the erasure entry holds counts, never the erased data */
	assert_int_equal(audit_count(ctx, "operation = 'erasure' AND user_name = 'admin'"), 1);
	assert_int_equal(audit_count(ctx, "operation = 'erasure' AND (object LIKE '%SC1%' OR object LIKE '%House%')"), 0);
	haven_audit_report ar;
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &ar));
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_gate), cmocka_unit_test(test_transparency),
        cmocka_unit_test(test_complaints), cmocka_unit_test(test_erase))
