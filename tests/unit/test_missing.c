/*
 * test_missing.c - children missing from care (src/data/missing.c): clock
 * times, pseudonyms and fingerprints against known answers, key files, the
 * one-to-one pairing, and imports into a real store holding the register
 * fixture (every refusal leaves the store's digest as it was; the linkage
 * counts by placing LA, home's LA, financial year).  The command line and the search for raw identifiers:
 * tests/cli/test_missing.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/keys.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/missing.h"
#include "haven/missing.h"
#include "haven/register.h"
#include "haven/trends.h"
#include "testutil.h"

/* ---- clock times ---------------------------------------------------------- */

static const struct time_case {
	int n;
	const char *in;
	const char *want; /* NULL: refused */
} times[] = {
    {1, "2025-03-01 22:00", "2025-03-01T22:00:00"},
    {2, "2025-03-01T22:00:59", "2025-03-01T22:00:59"},
    {3, "01/03/2025 22:00", "2025-03-01T22:00:00"},
    {4, "2024-02-29 00:00", "2024-02-29T00:00:00"},
    {5, "2025-02-29 00:00", NULL},  /* not a leap year */
    {6, "2025-03-01 24:00", NULL},  /* no hour 24 */
    {7, "2025-03-01 23:60", NULL},  /* no minute 60 */
    {8, "2025-03-01", NULL},        /* a date alone */
    {9, "2025-13-01 10:00", NULL},  /* no month 13 */
    {10, "31/04/2025 10:00", NULL}, /* 30 days hath April */
    {11, "2025-03-01 10:00Z", NULL},
    {12, "2025-3-1 10:00", NULL},
    {13, "", NULL},
    {14, "2025-03-01 10:00:60", NULL},
};

static void test_times(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		char out[20];
		int64_t secs;
		int got = hv_missing_time(times[i].in, out, &secs);
		if (got != (times[i].want != NULL))
			fail_msg("time case %d: '%s' %s", times[i].n, times[i].in, got ? "accepted" : "refused");
		if (got)
			assert_string_equal(out, times[i].want);
	}
	char a[20], b[20];
	int64_t sa, sb;
	assert_true(hv_missing_time("2025-03-12 08:00", a, &sa));
	assert_true(hv_missing_time("13/03/2025 08:00", b, &sb));
	assert_int_equal(sb - sa, 86400);
}

/* ---- pseudonyms and fingerprints ------------------------------------------ */

static const struct hmac_case {
	int n;
	const char *id;
	const char *want; /* HMAC-SHA-256 under the key 00 01 ... 1f (Python's hmac) */
} hmacs[] = {
    {1, "abc", "f0133729c4163dede81e21cd47839256da58171238c8a0d874397c73b14e1e47"},
    {2, "", "d38b42096d80f45f826b44a9d5607de72496a415d3f4a1a8c88e3bb9da8dc1cb"},
    {3, "RAWKID-ALPHA-01", "d29bac1933a742b4524d367cc027720c15ee1205e9156528be0e308faefc01cb"},
};

static void test_pseudonyms(void **state)
{
	(void)state;
	unsigned char key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
	crypto_auth_hmacsha256_state keyed;
	hv_missing_keyed(key, &keyed);
	for (size_t i = 0; i < sizeof hmacs / sizeof hmacs[0]; i++) {
		char hex[65];
		hv_missing_pseudonym(&keyed, hmacs[i].id, strlen(hmacs[i].id), hex);
		if (strcmp(hex, hmacs[i].want))
			fail_msg("hmac case %d: %s", hmacs[i].n, hex);
	}
	char fp[65], other[65];
	hv_missing_fingerprint(key, fp);
	assert_string_equal(fp, "24ca77968573e3bb46669147fa2f46e6443407ebff7e0591f8d196b3754cc580");
	key[31] ^= 1;
	hv_missing_fingerprint(key, other);
	assert_string_not_equal(fp, other);
}

/* ---- key files ------------------------------------------------------------- */

enum key_setup { KEY_NEW, KEY_LOOSE, KEY_LINK, KEY_NONE, KEY_SIGNING, KEY_EXISTS };

static const struct key_case {
	int n;
	enum key_setup setup;
	haven_status want;
	const char *needle;
} keys[] = {
    {1, KEY_NEW, HAVEN_OK, ""},
    {2, KEY_LOOSE, HAVEN_ERR_DENIED, "lets group or others read it"},
    {3, KEY_LINK, HAVEN_ERR_DENIED, "symbolic link"},
    {4, KEY_NONE, HAVEN_ERR_IO, "cannot open key file"},
    {5, KEY_SIGNING, HAVEN_ERR_FORMAT, "not a haven key file"},
    {6, KEY_EXISTS, HAVEN_ERR_IO, "exists; a key is never overwritten"},
};

static void test_keys(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const struct key_case *c = &keys[i];
		char name[32];
		snprintf(name, sizeof name, "key%d", c->n);
		const char *path = tu_tmp(name);
		unlink(path);
		char fp[65] = "";
		unsigned char key[32];
		haven_status st = HAVEN_OK;
		if (c->setup != KEY_NONE && c->setup != KEY_SIGNING)
			tu_ok(ctx, haven_key_init(ctx, path, fp));
		if (c->setup == KEY_LOOSE)
			assert_int_equal(chmod(path, 0640), 0);
		if (c->setup == KEY_LINK) {
			const char *link_path = tu_tmp("key-link");
			unlink(link_path);
			assert_int_equal(symlink(path, link_path), 0);
			path = link_path;
		}
		if (c->setup == KEY_SIGNING)
			tu_ok(ctx, hv_key_generate(ctx, path, NULL));
		if (c->setup == KEY_EXISTS)
			st = haven_key_init(ctx, path, NULL);
		else
			st = hv_hmac_key_read(ctx, path, key);
		if (st != c->want || !strstr(haven_errmsg(ctx), c->needle))
			fail_msg("key case %d: got %s '%s'", c->n, haven_status_name(st), haven_errmsg(ctx));
		if (c->setup == KEY_NEW) {
			struct stat sb;
			assert_int_equal(stat(path, &sb), 0);
			assert_int_equal(sb.st_mode & 0777, 0600);
			char again[65];
			hv_missing_fingerprint(key, again);
			assert_string_equal(fp, again);
		}
	}
	haven_ctx_free(ctx);
}

/* ---- pairing --------------------------------------------------------------- */

#define H 3600
static const struct pair_case {
	int n;
	int64_t police[4];
	size_t np;
	int64_t la[4];
	size_t nl;
	int64_t tol;
	long want_p[4]; /* LA index of each police report, -1: alone */
} pairs[] = {
    {1, {0}, 1, {30 * 60}, 1, 24 * H, {0}},
    {2, {0}, 1, {24 * H}, 1, 24 * H, {0}},      /* the edge is in */
    {3, {0}, 1, {24 * H + 1}, 1, 24 * H, {-1}}, /* a second past it is out */
    {4, {0}, 1, {-24 * H}, 1, 24 * H, {0}},     /* before, too */
    /* one LA report between two police ones: the nearer takes it */
    {5, {0, 10 * H}, 2, {8 * H}, 1, 24 * H, {-1, 0}},
    /* nearest first, not first come: police 0 would take LA 0 greedily by time */
    {6, {0, 2 * H}, 2, {3 * H, 30 * H}, 2, 24 * H, {-1, 0}},
    /* one to one: two police reports, two LA reports, crossed distances */
    {7, {0, 5 * H}, 2, {1 * H, 6 * H}, 2, 24 * H, {0, 1}},
    /* a tie: the earlier police report first */
    {8, {0, 2 * H}, 2, {1 * H}, 1, 24 * H, {0, -1}},
    {9, {0}, 1, {0}, 0, 24 * H, {-1}},
    {10, {0, 1, 2}, 3, {0, 1, 2}, 3, 0, {0, 1, 2}},
};

static void test_pairing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const struct pair_case *c = &pairs[i];
		long mp[4], ml[4];
		assert_int_equal(hv_missing_pair(c->police, c->np, c->la, c->nl, c->tol, mp, ml), 0);
		for (size_t p = 0; p < c->np; p++) {
			if (mp[p] != c->want_p[p])
				fail_msg("pair case %d: police %zu paired with %ld, want %ld", c->n, p, mp[p],
				         c->want_p[p]);
			if (mp[p] >= 0 && ml[mp[p]] != (long)p)
				fail_msg("pair case %d: not one to one", c->n);
		}
	}
}

/* ---- imports into a store ---------------------------------------------------- */

/* A store with the register fixture's homes (month 1) and a key (its path
 * into key: tu_tmp's buffers are reused). */
static haven_ctx *missing_store(const char *name, char key[512])
{
	haven_ctx *ctx = tu_new_store(name);
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, tu_fixture("register/la.csv"), &src));
	for (int has, i = 0;; i++) {
		tu_ok(ctx, hv_source_next(src, &has));
		if (!has)
			break;
		char *sql =
		    sqlite3_mprintf("INSERT INTO area(kind, code, name, geom) VALUES('la', %Q, %Q,"
		                    " GeomFromText('MULTIPOLYGON(((%d 200000, %d 200000, %d 201000, %d 200000)))',"
		                    " 27700))",
		                    hv_source_field(src, 0), hv_source_field(src, 1), 100000 + 2000 * i,
		                    101000 + 2000 * i, 101000 + 2000 * i, 100000 + 2000 * i);
		tu_ok(ctx, hv_exec(ctx, sql));
		sqlite3_free(sql);
	}
	hv_source_close(src);
	haven_register_report r;
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month1.csv"), "2025-01-31", 0, &r));
	snprintf(key, 512, "%s", tu_tmp("import.key"));
	unlink(key);
	tu_ok(ctx, haven_key_init(ctx, key, NULL));
	return ctx;
}

#define HEAD "source_ref,child_id,urn,missing_from,returned_at,last_seen_easting,last_seen_northing,risk\n"
#define ROW1 "R1,KID-1,SC100001,2025-03-01 10:00,2025-03-01 12:00,,,low\n"

static const struct import_case {
	int n;
	const char *source;
	const char *body;
	haven_status want;
	const char *needle; /* in the message, after "FILE: " */
} imports[] = {
    {1, "police", HEAD ROW1 "R2,KID-2,SC999999,2025-03-01 10:00,,,,\n", HAVEN_ERR_NOT_FOUND,
     "row 3: urn 'SC999999' is not a home in the register"},
    {2, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-01 10:00,2025-03-01 09:59,,,\n", HAVEN_ERR_VALUE,
     "row 3: returned_at 2025-03-01T09:59:00 is before missing_from"},
    {3, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-02-29 10:00,,,,\n", HAVEN_ERR_VALUE,
     "row 3: missing_from '2025-02-29 10:00' is not a real date and time"},
    {4, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-04-16 10:00,,,,\n", HAVEN_ERR_VALUE,
     "row 3: missing_from 2025-04-16T10:00:00 is in the future"},
    {5, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-01 10:00,,700001,100000,\n", HAVEN_ERR_CRS,
     "row 3: last_seen at E 700001, N 100000 is outside Great Britain"},
    {6, "police", HEAD ROW1 "R1,KID-2,SC100002,2025-03-01 10:00,,,,\n", HAVEN_ERR_DUPLICATE,
     "row 3: source_ref 'R1' is also at row 2"},
    {7, "police", HEAD ROW1 "R2,\"KID-2,SC100002,2025-03-01 10:00,,,,\n", HAVEN_ERR_FORMAT, "row 3"},
    {8, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-01 10:00,,,,extreme\n", HAVEN_ERR_VALUE,
     "row 3: risk 'extreme' is not one of"},
    {9, "police", "source_ref,urn,missing_from\nR1,SC100001,2025-03-01 10:00\n", HAVEN_ERR_MISSING,
     "row 1: no column 'child_id'"},
    {10, "fire", HEAD ROW1, HAVEN_ERR_USAGE, "--source must be police or la"},
    {11, "police", HEAD, HAVEN_ERR_MISSING, "holds no reports"},
    {12, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-01 10:00,,384000,,\n", HAVEN_ERR_VALUE,
     "row 3: last_seen_easting and last_seen_northing must both be numbers"},
};

static void test_import_refusals(void **state)
{
	(void)state;
	char key[512];
	haven_ctx *ctx = missing_store("refusals.db", key);
	char before[65], after[65];
	tu_digest(ctx, before);
	for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
		const struct import_case *c = &imports[i];
		char name[32];
		snprintf(name, sizeof name, "import%d.csv", c->n);
		const char *path = tu_write(name, c->body);
		haven_missing_opts o = {.source = c->source, .key = key};
		haven_missing_report r;
		haven_status st = haven_missing_import(ctx, path, &o, &r);
		if (st != c->want || !strstr(haven_errmsg(ctx), c->needle))
			fail_msg("import case %d: got %s '%s'", c->n, haven_status_name(st), haven_errmsg(ctx));
		if (strstr(haven_errmsg(ctx), "KID-"))
			fail_msg("import case %d: the message quotes a child identifier", c->n);
		tu_digest(ctx, after);
		if (strcmp(before, after))
			fail_msg("import case %d: the store changed", c->n);
	}
	haven_ctx_free(ctx);
}

/* Imports in turn into one store: what each reports, and the episodes. */
static const struct step_case {
	int n;
	const char *source;
	const char *body;
	double tolerance;
	int64_t added, superseded, unchanged, episodes, both, conflicts;
	int noop;
} steps[] = {
    {1, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-02 10:00,,,,high\n", 0, 2, 0, 0, 2, 0, 0, 0},
    {2, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-02 10:00,,,,high\n", 0, 0, 0, 2, 2, 0, 0, 1},
    /* the LA's: KID-1 within the tolerance, KID-2 a different return */
    {3, "la",
     HEAD "L1,KID-1,SC100001,2025-03-01 11:00,2025-03-01 12:00,,,low\n"
          "L2,KID-2,SC100002,2025-03-02 09:00,2025-03-02 10:30,,,medium\n",
     0, 2, 0, 0, 2, 2, 1, 0},
    /* a correction of R2: now returned at 10:30 and medium (no conflict) */
    {4, "police", HEAD ROW1 "R2,KID-2,SC100002,2025-03-02 10:00,2025-03-02 10:30,,,medium\n", 0, 0, 1, 1, 2, 2, 0, 0},
    /* the same reports with a tolerance of 30 minutes: KID-1's are apart */
    {5, "la",
     HEAD "L1,KID-1,SC100001,2025-03-01 11:00,2025-03-01 12:00,,,low\n"
          "L2,KID-2,SC100002,2025-03-02 09:00,2025-03-02 10:30,,,medium\n",
     0.5, 0, 0, 2, 4, 0, 0, 0},
};

static void test_import_steps(void **state)
{
	(void)state;
	char key[512];
	haven_ctx *ctx = missing_store("steps.db", key);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const struct step_case *c = &steps[i];
		char name[32], before[65], after[65];
		snprintf(name, sizeof name, "step%d.csv", c->n);
		haven_missing_opts o = {.source = c->source, .key = key, .tolerance_h = c->tolerance};
		haven_missing_report r;
		tu_digest(ctx, before);
		tu_ok(ctx, haven_missing_import(ctx, tu_write(name, c->body), &o, &r));
		tu_digest(ctx, after);
		if (r.added != c->added || r.superseded != c->superseded || r.unchanged != c->unchanged ||
		    r.episodes != c->episodes || r.both != c->both || r.conflicts != c->conflicts || r.noop != c->noop)
			fail_msg(
			    "step %d: added %lld superseded %lld unchanged %lld episodes %lld both %lld conflicts %lld "
			    "noop %d",
			    c->n, (long long)r.added, (long long)r.superseded, (long long)r.unchanged,
			    (long long)r.episodes, (long long)r.both, (long long)r.conflicts, r.noop);
		if (c->noop && strcmp(before, after))
			fail_msg("step %d: a no-op changed the store", c->n);
		if (tu_int(ctx, "SELECT count(*) FROM missing_episode") != c->episodes)
			fail_msg("step %d: the episodes table disagrees with the report", c->n);
	}
	/* The history: R2's two versions, the first superseded by the second. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM missing_report WHERE source_ref = 'R2'"), 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM missing_report o JOIN missing_report n"
	                             " ON o.superseded_by = n.id WHERE o.source_ref = 'R2' AND o.returned_at IS NULL"
	                             " AND n.returned_at = CAST(strftime('%s', '2025-03-02T10:30:00') AS INTEGER)"
	                             " AND n.superseded_by IS NULL"),
	                 1);
	/* No raw identifier in any row of any table. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM missing_child WHERE instr(pseudonym, CAST('KID' AS BLOB))"
	                             " OR length(pseudonym) != 32"),
	                 0);
	assert_int_equal(
	    tu_int(ctx, "SELECT count(*) FROM missing_report WHERE child NOT IN (SELECT id FROM missing_child)"), 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit WHERE object LIKE '%KID-%'"), 0);
	haven_ctx_free(ctx);
}

/* The linkage counts (haven_missing_linkage, the trends engine): three
 * episodes - one both (Manchester places, at a Manchester home, the two
 * disagreeing on the return), one police only (placing LA not recorded, at
 * a Bristol home), one LA only (Manchester places, at a Bristol home).  By
 * placing LA (la, DfE's definition), by the home's LA (host-la), by
 * financial year and quarter; the row asked for and its counts. */
static const struct link_case {
	int n;
	const char *by, *area, *from, *to;
	haven_status want;
	int rows; /* -1: any */
	const char *period, *code;
	int64_t counts[5]; /* episodes, police_only, la_only, both, conflicts */
} link_cases[] = {
    {1, "month", "la", NULL, NULL, HAVEN_OK, 4, "2025-03", "E08000003", {1, 0, 0, 1, 1}},
    {2, "month", "la", NULL, NULL, HAVEN_OK, 4, "2025-04", "E08000003", {1, 0, 1, 0, 0}},
    {3, "month", "la", NULL, NULL, HAVEN_OK, 4, "2025-04", "unknown", {1, 1, 0, 0, 0}},
    {4, "month", "host-la", NULL, NULL, HAVEN_OK, -1, "2025-04", "E06000023", {2, 1, 1, 0, 0}},
    {5, "month", "host-la", NULL, NULL, HAVEN_OK, -1, "2025-03", "E06000023", {0, 0, 0, 0, 0}},
    {6, "fy", "england", NULL, NULL, HAVEN_OK, 2, "2024-25", "E92000001", {1, 0, 0, 1, 1}},
    {7, "fy", "england", NULL, NULL, HAVEN_OK, 2, "2025-26", "E92000001", {2, 1, 1, 0, 0}},
    {8, "quarter", "england", "2025-04-01", "2025-04-30", HAVEN_OK, 1, "2025-Q2", "E92000001", {2, 1, 1, 0, 0}},
    {9, NULL, NULL, NULL, NULL, HAVEN_OK, 4, "2025-03", "E08000003", {1, 0, 0, 1, 1}}, /* month, la */
    {10, "week", NULL, NULL, NULL, HAVEN_ERR_USAGE, 0, NULL, NULL, {0}},
    {11, "month", "home", NULL, NULL, HAVEN_ERR_USAGE, 0, NULL, NULL, {0}},
    {12, "month", "shire", NULL, NULL, HAVEN_ERR_USAGE, 0, NULL, NULL, {0}},
    {13, "month", "la", "2025-05-01", "2025-04-01", HAVEN_ERR_VALUE, 0, NULL, NULL, {0}},
};

#define LHEAD "source_ref,child_id,urn,placing_la,missing_from,returned_at,risk\n"

static void test_linkage_table(void **state)
{
	(void)state;
	char key[512];
	haven_ctx *ctx = missing_store("linkage.db", key);
	haven_missing_opts o = {.source = "police", .key = key};
	tu_ok(ctx, haven_missing_import(ctx,
	                                tu_write("lk_p.csv", LHEAD "P1,KID-1,SC100001,E08000003,2025-03-01 10:00,"
	                                                           "2025-03-01 12:00,low\n"
	                                                           "P2,KID-2,SC100002,,2025-04-02 10:00,,\n"),
	                                &o, NULL));
	o.source = "la";
	tu_ok(ctx, haven_missing_import(ctx,
	                                tu_write("lk_l.csv", LHEAD "L1,KID-1,SC100001,E08000003,2025-03-01 11:00,,\n"
	                                                           "L3,KID-3,SC100002,E08000003,2025-04-10 10:00,,\n"),
	                                &o, NULL));
	for (size_t i = 0; i < sizeof link_cases / sizeof link_cases[0]; i++) {
		const struct link_case *c = &link_cases[i];
		haven_trends_opts lo = {.by = c->by, .area = c->area, .from = c->from, .to = c->to};
		haven_table *t = NULL;
		haven_status got = haven_missing_linkage(ctx, &lo, &t);
		if (got != c->want)
			fail_msg("linkage case %d: status %d (%s), want %d", c->n, got, haven_errmsg(ctx), c->want);
		if (got) {
			assert_null(t);
			continue;
		}
		/* every count is of episodes, and episodes is their declared sum */
		assert_int_equal(hv_table_sums(t), 1);
		assert_int_equal(hv_table_sum_total(t, 0), haven_table_find(t, "episodes"));
		tu_release(ctx, t);
		size_t n = haven_table_nrows(ctx, t), r = 0;
		if (c->rows >= 0 && n != (size_t)c->rows)
			fail_msg("linkage case %d: %zu rows, want %d", c->n, n, c->rows);
		while (r < n && (strcmp(haven_table_text(ctx, t, r, 0), c->period) ||
		                 strcmp(haven_table_text(ctx, t, r, haven_table_find(t, "area_code")), c->code)))
			r++;
		if (r == n)
			fail_msg("linkage case %d: no row %s %s", c->n, c->period, c->code);
		static const char *const cols[5] = {"episodes", "police_only", "la_only", "both", "conflicts"};
		for (int k = 0; k < 5; k++)
			if (haven_table_int(ctx, t, r, haven_table_find(t, cols[k])) != c->counts[k])
				fail_msg("linkage case %d: %s %lld, want %lld", c->n, cols[k],
				         (long long)haven_table_int(ctx, t, r, haven_table_find(t, cols[k])),
				         (long long)c->counts[k]);
		haven_table_free(t);
	}
	haven_ctx_free(ctx);
}

/* ---- the two linkages: in memory and through the store ---------------------- */

/* Police and LA files of one synthetic month (a fixed generator): 30
 * children at the fixture's 8 homes, police reports of which the LA also
 * has about half (its start up to 30 hours away, so some beyond the
 * tolerance), some with another return, risk, placing LA, concern, return
 * interview or last-seen point (more than 100 m away: a conflict), equal
 * starts (ties), and LA reports the police never had.  Rows [lo, hi) of each
 * into tu_tmp(name_police) and tu_tmp(name_la). */
#define GHEAD                                                                                                          \
	"source_ref,child_id,urn,placing_la,missing_from,returned_at,last_seen_easting,last_seen_northing,risk,"       \
	"cse_concern,ri_offered,ri_date\n"
enum { GEN_EPISODES = 360 };

static uint64_t gen_state;
static unsigned gen(unsigned n)
{
	gen_state = gen_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)((gen_state >> 33) % n);
}

/* Clock time t as "YYYY-MM-DD HH:MM", or its day alone. */
static void when(int64_t t, char out[20], int day)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	if (day)
		strftime(out, 20, "%Y-%m-%d", &tm);
	else
		strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static void gen_files(const char *name_police, const char *name_la, int lo, int hi, const char **police,
                      const char **la)
{
	static const char *const risks[] = {"low", "medium", "high", "no apparent risk", ""};
	static const char *const las[] = {"E08000003", "E06000023", ""};
	size_t cap = 1 << 17;
	char *fp = malloc(cap), *fl = malloc(cap);
	assert_non_null(fp);
	assert_non_null(fl);
	size_t np = (size_t)snprintf(fp, cap, GHEAD), nl = (size_t)snprintf(fl, cap, GHEAD);
	gen_state = 7;
	const int64_t t0 = 1735689600; /* 2025-01-01 */
	for (int e = 0; e < GEN_EPISODES; e++) {
		unsigned child = gen(30), home = gen(5) ? child % 8 : gen(8), who = gen(10);
		int64_t start = t0 + (int64_t)gen(60 * 24) * 3600, back = start + 3600 + (int64_t)gen(48) * 3600;
		int64_t lstart = start + (gen(3) ? ((int64_t)gen(61) - 30) * 3600 : 0);
		char s[20], b[20], d[20], ls[40] = ",";
		if (gen(2))
			snprintf(ls, sizeof ls, "%u.%02u,%u", 380000 + gen(200), gen(100), 390000 + gen(200));
		int same = gen(2) != 0; /* same: the LA agrees with the police */
		const char *pla = las[gen(3)], *prisk = risks[gen(5)], *pcse = gen(4) ? "no" : "yes";
		int pback = gen(6) != 0;
		if (who < 7) { /* police */
			when(start, s, 0);
			when(back, b, 0);
			when(start + 86400, d, 1);
			np += (size_t)snprintf(fp + np, cap - np, "P%d,K%u,SC10000%u,%s,%s,%s,%s,%s,%s,%s,%s\n", e,
			                       child, home + 1, pla, s, pback ? b : "", ls, prisk, pcse,
			                       gen(2) ? "yes" : "", gen(3) ? "" : d);
		}
		if (who < 3 || who >= 7) { /* the LA's */
			int64_t lback = (back > lstart ? back : lstart) + (same || gen(4) ? 0 : 1800);
			when(lstart, s, 0);
			when(lback, b, 0);
			when(lstart + 2 * 86400, d, 1);
			if (!same && gen(4) == 0)
				snprintf(ls, sizeof ls, "%u,%u", 380000 + gen(2000), 390000 + gen(2000));
			nl += (size_t)snprintf(fl + nl, cap - nl, "L%d,K%u,SC10000%u,%s,%s,%s,%s,%s,%s,%s,%s\n", e,
			                       child, home + 1, same ? pla : las[gen(3)], s,
			                       (same ? pback : gen(6) != 0) ? b : "", ls, same ? prisk : risks[gen(5)],
			                       same     ? pcse
			                       : gen(4) ? "no"
			                                : "yes",
			                       gen(3) ? "yes" : "no",
			                       same     ? ""
			                       : gen(2) ? d
			                                : "");
		}
		assert_true(np < cap - 400 && nl < cap - 400);
	}
	/* the rows of episodes [lo, hi) (the generator's numbers drawn for every
	 * episode, so the halves are the whole file's rows) */
	char *bufs[2] = {fp, fl};
	for (int f = 0; f < 2; f++) {
		char *w = strchr(bufs[f], '\n') + 1, *r = w;
		while (*r) {
			char *end = strchr(r, '\n') + 1;
			int e = atoi(r + 1);
			if (e >= lo && e < hi) {
				memmove(w, r, (size_t)(end - r));
				w += end - r;
			}
			r = end;
		}
		*w = '\0';
	}
	*police = strdup(tu_write(name_police, fp));
	*la = strdup(tu_write(name_la, fl));
	free(fp);
	free(fl);
}

/* Every episode as text, sorted: the child's pseudonym, home, every field,
 * the source references of its reports and its conflicts (ids aside). */
static char *episodes_text(haven_ctx *ctx)
{
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT group_concat(line, char(10)) FROM (SELECT hex(c.pseudonym) || '|' || e.urn"
	                      " || '|' || ifnull(e.placing_la, '-') || '|' || ifnull(e.host_la, '-') || '|' ||"
	                      " e.missing_from || '|' || ifnull(e.returned_at, '-') || '|' || ifnull(e.risk, '-')"
	                      " || '|' || ifnull(e.cse, '-') || ifnull(e.cce, '-') || ifnull(e.ri_offered, '-') ||"
	                      " ifnull(e.ri_held, '-') || ifnull(e.ri_independent, '-') || '|' ||"
	                      " ifnull(e.ri_date, '-') || '|' || ifnull(p.source_ref, '-') || '|' ||"
	                      " ifnull(l.source_ref, '-') || '|' || ifnull(e.conflict, '-') || '|' ||"
	                      " ifnull(e.last_seen_x, '-') || ',' || ifnull(e.last_seen_y, '-') || '|' ||"
	                      " ifnull(e.found_x, '-') || ',' || ifnull(e.found_y, '-') AS line"
	                      " FROM missing_episode e JOIN missing_child c ON c.id = e.child"
	                      " LEFT JOIN missing_report p ON p.id = e.police_report AND p.source = 'police'"
	                      " LEFT JOIN missing_report l ON l.id = e.la_report AND l.source = 'la'"
	                      " ORDER BY line)",
	                      &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *text = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	return text;
}

/* The same files imported four ways into four stores under one key: (1)
 * police then LA, each a source new to its store, linked in memory; (2)
 * the LA first; (3) each file in two halves, the second halves linked
 * through the store's index; (4) as (1) with a tolerance of 12 hours, then
 * the LA file again at 24 hours, every group linked again through the
 * store.  The same episodes, field by field, with the same reports and
 * conflicts; and the generator's files hold pairs, conflicts and both
 * sources' singles, so the comparison is not of nothing. */
static const struct path_case {
	int n;
	const char *order; /* P, L: whole files; p, l: first halves; q, m: second halves; T: LA at 24 h */
	double tolerance;  /* of the imports before T */
} path_cases[] = {
    {1, "PL", 24}, {2, "LP", 24}, {3, "plqm", 24}, {4, "PLT", 12}, {5, "pqlm", 24},
};

static void test_linkage_paths(void **state)
{
	(void)state;
	const char *police, *la, *p1, *l1, *p2, *l2;
	gen_files("gp.csv", "gl.csv", 0, GEN_EPISODES, &police, &la);
	gen_files("gp1.csv", "gl1.csv", 0, GEN_EPISODES / 2, &p1, &l1);
	gen_files("gp2.csv", "gl2.csv", GEN_EPISODES / 2, GEN_EPISODES, &p2, &l2);
	char key[512], shared[512];
	char *want = NULL;
	for (size_t i = 0; i < sizeof path_cases / sizeof path_cases[0]; i++) {
		const struct path_case *c = &path_cases[i];
		char name[32];
		snprintf(name, sizeof name, "paths%d.db", c->n);
		haven_ctx *ctx = missing_store(name, key);
		if (i == 0) { /* one key for every store: the same pseudonyms */
			snprintf(shared, sizeof shared, "%s", tu_tmp("paths.key"));
			unlink(shared);
			assert_int_equal(rename(key, shared), 0);
		}
		for (const char *o = c->order; *o; o++) {
			const char *file = *o == 'P'                ? police
			                   : *o == 'L' || *o == 'T' ? la
			                   : *o == 'p'              ? p1
			                   : *o == 'l'              ? l1
			                   : *o == 'q'              ? p2
			                                            : l2;
			haven_missing_opts mo = {.source = strchr("Ppq", *o) ? "police" : "la",
			                         .key = shared,
			                         .tolerance_h = *o == 'T' ? 24 : c->tolerance};
			haven_missing_report r;
			tu_ok(ctx, haven_missing_import(ctx, file, &mo, &r));
			if (*o == 'T' && (r.noop || r.added || r.unchanged == 0))
				fail_msg("path case %d: the LA file again was not a relinking", c->n);
		}
		char *got = episodes_text(ctx);
		if (!want) {
			want = got;
			if (tu_int(ctx, "SELECT count(*) FROM missing_episode WHERE police_report IS NOT NULL"
			                " AND la_report IS NOT NULL AND conflict IS NOT NULL") < 10 ||
			    tu_int(ctx, "SELECT count(*) FROM missing_episode WHERE police_report IS NOT NULL"
			                " AND la_report IS NOT NULL AND conflict IS NULL") < 10 ||
			    tu_int(ctx, "SELECT count(*) FROM missing_episode WHERE la_report IS NULL") < 10 ||
			    tu_int(ctx, "SELECT count(*) FROM missing_episode WHERE police_report IS NULL") < 10 ||
			    tu_int(ctx, "SELECT count(*) FROM missing_report r WHERE NOT EXISTS(SELECT 1 FROM"
			                " missing_episode e WHERE r.id IN (e.police_report, e.la_report))") != 0)
				fail_msg(
				    "path case %d: the files do not make every kind of episode (%lld %lld %lld %lld)",
				    c->n,
				    (long long)tu_int(ctx,
				                      "SELECT count(*) FROM missing_episode WHERE police_report IS NOT "
				                      "NULL AND la_report IS NOT NULL AND conflict IS NOT NULL"),
				    (long long)tu_int(ctx,
				                      "SELECT count(*) FROM missing_episode WHERE police_report IS NOT "
				                      "NULL AND la_report IS NOT NULL AND conflict IS NULL"),
				    (long long)tu_int(ctx,
				                      "SELECT count(*) FROM missing_episode WHERE la_report IS NULL"),
				    (long long)tu_int(
				        ctx, "SELECT count(*) FROM missing_episode WHERE police_report IS NULL"));
		} else {
			if (strcmp(want, got))
				fail_msg("path case %d: other episodes than case 1's", c->n);
			free(got);
		}
		haven_ctx_free(ctx);
	}
	free(want);
	free((void *)police), free((void *)la), free((void *)p1), free((void *)l1), free((void *)p2), free((void *)l2);
}

/* A file of a source new to the store, written with the reports' indexes
 * dropped and made again after: a bad row at its end, after more rows than
 * one written batch, leaves the store as it was, indexes and all; the
 * file without it imports, and the unique index of current versions is
 * there again and holds. */
static void test_import_big_rollback(void **state)
{
	(void)state;
	char key[512];
	haven_ctx *ctx = missing_store("big.db", key);
	enum { ROWS = 70000 };
	size_t cap = (size_t)ROWS * 64 + 256, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, HEAD);
	for (int i = 0; i < ROWS; i++)
		n += (size_t)snprintf(text + n, cap - n, "R%d,KID-%d,SC10000%d,2025-03-%02d %02d:00,,,,low\n", i,
		                      i % 5000, 1 + i % 8, 1 + i % 28, i % 24);
	size_t good = n;
	n += (size_t)snprintf(text + n, cap - n, "R%d,KID-1,SC999999,2025-03-01 10:00,,,,\n", ROWS);
	char before[65], after[65];
	tu_digest(ctx, before);
	int64_t indexes = tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index'");
	haven_missing_opts o = {.source = "police", .key = key};
	haven_missing_report r;
	tu_assert_status(ctx, haven_missing_import(ctx, tu_write("big.csv", text), &o, &r), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(ctx, "row 70002: urn 'SC999999' is not a home in the register");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"), indexes);
	text[good] = '\0';
	tu_ok(ctx, haven_missing_import(ctx, tu_write("big_good.csv", text), &o, &r));
	assert_int_equal(r.added, ROWS);
	assert_int_equal(r.episodes, ROWS);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"), indexes);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM sqlite_master WHERE name IN ('missing_report_current',"
	                             " 'missing_report_child')"),
	                 2);
	/* the unique index holds: a second current version of R1 is refused */
	haven_status st = hv_exec(ctx, "INSERT INTO missing_report(source, source_ref, load_id, source_row, child, urn,"
	                               " missing_from, content) SELECT source, source_ref, load_id, source_row, child,"
	                               " urn, missing_from, content FROM missing_report WHERE source_ref = 'R1'");
	assert_int_equal(st, HAVEN_ERR_SQL);
	free(text);
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_times), cmocka_unit_test(test_pseudonyms), cmocka_unit_test(test_keys),
        cmocka_unit_test(test_pairing), cmocka_unit_test(test_import_refusals), cmocka_unit_test(test_import_steps),
        cmocka_unit_test(test_linkage_table), cmocka_unit_test(test_linkage_paths),
        cmocka_unit_test(test_import_big_rollback))
