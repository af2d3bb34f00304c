/*
 * test_register.c - register disclosure import, history, changes, summaries,
 * and the local authority names the register gives.
 *
 * LA areas are real ONS codes and names (tests/fixtures/register/la.csv,
 * taken from the ONS LAD24 -> CTYUA24 / PFA23 / RGN23 lookup), each with a
 * small square for geometry: the register never looks at the shapes.
 */
#include <gdal_utils.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/context.h"
#include "haven/register.h"
#include "ref/la.h"
#include "core/source.h"
#include "core/sql.h"
#include "testutil.h"

/* ---- set-up -------------------------------------------------------------- */

static haven_ctx *new_register_store(const char *name)
{
	haven_ctx *ctx = tu_new_store(name);
	tu_fixture_areas(ctx);
	return ctx;
}

static void import_ok(haven_ctx *ctx, const char *path, const char *received, haven_register_report *r)
{
	tu_ok(ctx, haven_register_import(ctx, path, received, 0, r));
	assert_int_equal(r->noop, 0);
	assert_string_equal(r->received, received);
}

/* Mark the current version of urn as geocoded in the given areas. */
static void geocode(haven_ctx *ctx, const char *urn, const char *district, const char *pfa, const char *region)
{
	char *sql = sqlite3_mprintf(
		"UPDATE home_version SET geo_method = 'postcode', geo_confidence = 0.9, geo_key = postcode,"
		" geo_la_check = 'ok', geo_la_found = la_code, geo_district = '%q', geo_pfa = '%q', geo_region = '%q',"
		" geo_at = '2025-02-01T00:00:00Z', geom = MakePoint(400000, 300000, 27700)"
		" WHERE urn = '%q' AND valid_to IS NULL",
		district, pfa, region, urn);
	tu_ok(ctx, hv_exec(ctx, sql));
	sqlite3_free(sql);
	assert_int_equal(sqlite3_changes(ctx->db), 1);
}

/* Text of a cell, integers printed; NULL for a NULL cell. */
static const char *cell(haven_ctx *ctx, const haven_table *t, size_t r, int c)
{
	static char buf[4][32];
	static int k;
	switch (haven_table_type(ctx, t, r, c)) {
	case HAVEN_CELL_NULL: return NULL;
	case HAVEN_CELL_INT:
		k = (k + 1) & 3;
		snprintf(buf[k], sizeof buf[k], "%lld", (long long)haven_table_int(ctx, t, r, c));
		return buf[k];
	default: return haven_table_text(ctx, t, r, c);
	}
}

static void expect_cell(haven_ctx *ctx, const haven_table *t, size_t r, int c, const char *want)
{
	const char *got = cell(ctx, t, r, c);
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got) != 0)
		fail_msg("row %zu column %s: got '%s', want '%s'", r + 1, haven_table_colname(t, c), got ? got : "NULL",
		         want ? want : "NULL");
}

/* Compare a table to expected rows of ncols strings each (NULL: a NULL cell). */
static void expect_table(haven_ctx *ctx, const haven_table *t, const char *const (*want)[8], size_t nwant, int ncols)
{
	for (size_t r = 0; r < haven_table_nrows(ctx, t) && r < nwant; r++)
		for (int c = 0; c < ncols; c++)
			expect_cell(ctx, t, r, c, want[r][c]);
	if (haven_table_nrows(ctx, t) != nwant)
		fail_msg("%zu rows, want %zu", haven_table_nrows(ctx, t), nwant);
}

/* ---- LA names ----------------------------------------------------------- */

static void test_la_names(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("lanames.db");
	hv_lanames *l;
	tu_ok(ctx, hv_lanames_load(ctx, &l));
	static const struct {
		const char *given;
		haven_status st;
		const char *code; /* or a part of the message */
	} cases[] = {
		/* 1 */ {"Bristol, City of", HAVEN_OK, "E06000023"},
		/* 2 */ {"Bristol", HAVEN_OK, "E06000023"},
		/* 3 */ {"City of Bristol", HAVEN_OK, "E06000023"},
		/* 4 */ {"County Durham", HAVEN_OK, "E06000047"},
		/* 5 */ {"Durham", HAVEN_OK, "E06000047"},
		/* 6 */ {"Bournemouth, Christchurch and Poole", HAVEN_OK, "E06000058"},
		/* 7 */ {"Bournemouth, Christchurch & Poole", HAVEN_OK, "E06000058"},
		/* 8 */ {"BCP", HAVEN_OK, "E06000058"},
		/* 9 */ {"Kingston upon Hull, City of", HAVEN_OK, "E06000010"},
		/* 10 */ {"Kingston upon Hull", HAVEN_OK, "E06000010"},
		/* 11 */ {"Hull", HAVEN_OK, "E06000010"},
		/* 12 */ {"Southend-on-Sea", HAVEN_OK, "E06000033"},
		/* 13 */ {"Southend on Sea", HAVEN_OK, "E06000033"},
		/* 14 */ {"  southend-ON-sea ", HAVEN_OK, "E06000033"},
		/* 15 */ {"E06000023", HAVEN_OK, "E06000023"},
		/* 16 */ {" E08000003 ", HAVEN_OK, "E08000003"},
		/* 17 */ {"E10000023", HAVEN_OK, "E06000065"},
		/* 18 */ {"E06000028", HAVEN_OK, "E06000058"},
		/* 19 */ {"Poole", HAVEN_OK, "E06000058"},
		/* 20 */ {"Cumbria", HAVEN_ERR_VALUE, "Cumberland (E06000063) and Westmorland and Furness (E06000064)"},
		/* 21 */ {"E10000021", HAVEN_ERR_VALUE, "North Northamptonshire (E06000061)"},
		/* 22 */ {"Northamptonshire", HAVEN_ERR_VALUE, "West Northamptonshire (E06000062)"},
		/* 23 */ {"Gotham", HAVEN_ERR_VALUE, "'Gotham' matches none"},
		/* 24 */ {"E06099999", HAVEN_ERR_VALUE, "E06099999 is not among"},
		/* 25 */ {"", HAVEN_ERR_MISSING, "empty"},
		/* 26 */ {"Manchester", HAVEN_OK, "E08000003"},
		/* 27 */ {"Westminster", HAVEN_OK, "E09000033"},
		/* 28 */ {"North Yorkshire", HAVEN_OK, "E06000065"},
		/* 29 */ {"E10000002", HAVEN_ERR_VALUE, "not among"}, /* successor E06000060 not loaded */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *code = NULL, *name = NULL;
		haven_status st = hv_lanames_resolve(ctx, l, cases[i].given, &code, &name);
		if (st != cases[i].st)
			fail_msg("case %zu '%s': got %s, want %s: %s", i + 1, cases[i].given, haven_status_name(st),
			         haven_status_name(cases[i].st), haven_errmsg(ctx));
		if (st == HAVEN_OK && strcmp(code, cases[i].code) != 0)
			fail_msg("case %zu '%s': got %s, want %s", i + 1, cases[i].given, code, cases[i].code);
		if (st != HAVEN_OK && !strstr(haven_errmsg(ctx), cases[i].code))
			fail_msg("case %zu '%s': message '%s' lacks '%s'", i + 1, cases[i].given, haven_errmsg(ctx),
			         cases[i].code);
	}
	/* The name given back is the ONS name. */
	const char *code, *name;
	tu_ok(ctx, hv_lanames_resolve(ctx, l, "Bristol", &code, &name));
	assert_string_equal(name, "Bristol, City of");
	hv_lanames_free(l);
	haven_ctx_free(ctx);
}

/* ---- three months of history -------------------------------------------- */

#define M1 "2025-01-31"
#define M2 "2025-02-28"
#define M3 "2025-03-31"

static const char *const changes_m1[][8] = {
	{M1, "SC100001", "Oak House", "new", NULL, "1 Example Street, Manchester, M1 1AA", "E08000003", "Manchester"},
	{M1, "SC100002", "Elm Lodge", "new", NULL, "3 Sample Avenue, Clifton, Bristol, BS8 1AA", "E06000023",
	 "Bristol, City of"},
	{M1, "SC100003", "Birch View", "new", NULL, "5 Test Road, Durham, DH1 1AA", "E06000047", "County Durham"},
	{M1, "SC100004", "Cedar Court", "new", NULL, "7 Demo Close, Poole, BH15 1AA", "E06000058",
	 "Bournemouth, Christchurch and Poole"},
	{M1, "SC100005", "Willow Bank", "new", NULL, "9 Model Street, Hull, HU1 1AA", "E06000010",
	 "Kingston upon Hull, City of"},
	{M1, "SC100005", "Willow Bank", "enforcement", NULL, "2024-11-02 Compliance notice", "E06000010",
	 "Kingston upon Hull, City of"},
	{M1, "SC100006", "Ash Grove", "new", NULL, "11 Fictional Way, Southend-on-Sea, SS1 1AA", "E06000033",
	 "Southend-on-Sea"},
	{M1, "SC100007", "Rowan House", "new", NULL, "13 Imaginary Lane, Heaton Moor, Stockport, SK4 1AA", "E08000007",
	 "Stockport"},
	{M1, "SC100008", "Hazel Cottage", "new", NULL, "15 Placeholder Road, Leeds, LS6 1AA", "E08000035", "Leeds"},
};

static const char *const changes_m2[][8] = {
	{M2, "SC100002", "Elm Lodge", "places", "3", "4", "E06000023", "Bristol, City of"},
	{M2, "SC100002", "Elm Lodge", "enforcement", NULL, "2025-02-10 Compliance notice", "E06000023",
	 "Bristol, City of"},
	{M2, "SC100003", "Birch View", "address", "5 Test Road, Durham, DH1 1AA", "21 New Street, Durham, DH1 2AB",
	 "E06000047", "County Durham"},
	{M2, "SC100004", "Cedar Court House", "name", "Cedar Court", "Cedar Court House", "E06000058",
	 "Bournemouth, Christchurch and Poole"},
	{M2, "SC100005", "Willow Bank", "deregistered", "Active", "Resigned", "E06000010", "Kingston upon Hull, City of"},
	{M2, "SC100006", "Ash Grove", "closed", "11 Fictional Way, Southend-on-Sea, SS1 1AA", NULL, "E06000033",
	 "Southend-on-Sea"},
	{M2, "SC100007", "Rowan House", "details", "telephone: 0161 496 0007", "telephone: 0161 496 0077", "E08000007",
	 "Stockport"},
	{M2, "SC100007", "Rowan House", "details", "responsible_individual: G. Person", "responsible_individual: G. Other",
	 "E08000007", "Stockport"},
	{M2, "SC100009", "Maple House", "new", NULL, "17 Specimen Road, Salford, M6 5AA", "E08000006", "Salford"},
};

static const char *const changes_m3[][8] = {
	{M3, "SC100004", "Cedar Court House", "status", "Active", "Suspended", "E06000058",
	 "Bournemouth, Christchurch and Poole"},
	{M3, "SC100005", "Willow Bank", "closed", "9 Model Street, Hull, HU1 1AA", NULL, "E06000010",
	 "Kingston upon Hull, City of"},
	{M3, "SC100006", "Ash Grove", "reopened", M2, "11 Fictional Way, Southend-on-Sea, SS1 1AA", "E06000033",
	 "Southend-on-Sea"},
	{M3, "SC100007", "Rowan House", "enforcement", NULL, "2025-03-10 Notice of proposal", "E08000007", "Stockport"},
	{M3, "SC100008", "Hazel Cottage", "details", "extra.Inspection note: Inspected 2024-10",
	 "extra.Inspection note: Inspected 2025-03", "E08000035", "Leeds"},
	{M3, "SC100010", "Poplar Lodge", "new", NULL, "30 Sample Street, Harrogate, HG1 1AA", "E06000065",
	 "North Yorkshire"},
};

#define N(a) (sizeof(a) / sizeof(a)[0])

static void expect_changes(haven_ctx *ctx, const char *since, const char *area, const char *const (*want)[8],
                           size_t n)
{
	haven_table *t;
	tu_ok(ctx, haven_register_changes(ctx, since, area, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_ncols(t), 8);
	static const char *const names[] = {"received", "urn",       "name",    "kind",
	                                    "old_value", "new_value", "la_code", "la_name"};
	for (int c = 0; c < 8; c++)
		assert_string_equal(haven_table_colname(t, c), names[c]);
	expect_table(ctx, t, want, n, 8);
	haven_table_free(t);
}

static void expect_summary(haven_ctx *ctx, const char *by, const char *as_at, const char *const (*want)[8], size_t n)
{
	haven_table *t;
	tu_ok(ctx, haven_register_summary(ctx, by, as_at, &t));
	tu_release(ctx, t);
	assert_int_equal(haven_table_ncols(t), 6);
	static const char *const names[] = {"area_code", "area_name", "registration_status", "sector", "homes", "places"};
	for (int c = 0; c < 6; c++)
		assert_string_equal(haven_table_colname(t, c), names[c]);
	expect_table(ctx, t, want, n, 6);
	haven_table_free(t);
}

/* A version's valid_to (or "open") and whether it has a point. */
static void expect_version(haven_ctx *ctx, const char *urn, const char *from, const char *to, int has_geo)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM home_version WHERE urn = '%q' AND valid_from = '%q' AND "
	                            "valid_to IS %s%q%s AND (geom IS NOT NULL) = %d AND (geo_pfa IS NOT NULL) = %d",
	                            urn, from, to ? "'" : "NULL", to ? to : "", to ? "'" : "", has_geo, has_geo);
	int64_t n = tu_int(ctx, sql);
	sqlite3_free(sql);
	if (n != 1)
		fail_msg("%s: no version [%s, %s) with geo %d", urn, from, to ? to : "open", has_geo);
}

static void test_three_months(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("months.db");
	haven_register_report r;

	/* Month 1: every home is new. */
	import_ok(ctx, tu_fixture("register/month1.csv"), M1, &r);
	assert_int_equal(r.homes, 8);
	assert_int_equal(r.places, 29);
	assert_int_equal(r.new_homes, 8);
	assert_int_equal(r.changes, 9);
	assert_int_equal(r.enforcement, 1);
	assert_int_equal(r.extra_columns, 1);
	expect_changes(ctx, NULL, NULL, changes_m1, N(changes_m1));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version"), 8);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE postcode = 'LS6 1AA' AND synthetic = 1 "
	                             "AND extra = '{\"Inspection note\":\"Inspected 2024-10\"}'"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE extra IS NULL"), 7);
	assert_int_equal(tu_int(ctx, "SELECT length(fingerprint) FROM home_version WHERE urn = 'SC100001'"), 64);
	assert_int_equal(tu_int(ctx, "SELECT homes * 1000 + places FROM snapshot WHERE received = '" M1 "'"), 8029);

	/* Geocode four homes of month 1 (as the geocoder would). */
	geocode(ctx, "SC100001", "E08000003", "E23000005", "E12000002");
	geocode(ctx, "SC100002", "E06000023", "E23000036", "E12000009");
	geocode(ctx, "SC100003", "E06000047", "E23000008", "E12000001");
	geocode(ctx, "SC100006", "E06000033", "E23000028", "E12000006");

	/* Month 2. */
	import_ok(ctx, tu_fixture("register/month2.csv"), M2, &r);
	assert_int_equal(r.homes, 8);
	assert_int_equal(r.places, 31);
	assert_int_equal(r.new_homes, 1);
	assert_int_equal(r.changed, 5);
	assert_int_equal(r.unchanged, 2);
	assert_int_equal(r.closed, 1);
	assert_int_equal(r.reopened, 0);
	assert_int_equal(r.changes, 9);
	assert_int_equal(r.enforcement, 1);
	expect_changes(ctx, M2, NULL, changes_m2, N(changes_m2));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version"), 14);
	expect_version(ctx, "SC100001", M1, NULL, 1);       /* unchanged: the same row */
	expect_version(ctx, "SC100002", M1, M2, 1);         /* places changed ... */
	expect_version(ctx, "SC100002", M2, NULL, 1);       /* ... same address: geocode copied */
	expect_version(ctx, "SC100003", M1, M2, 1);         /* moved ... */
	expect_version(ctx, "SC100003", M2, NULL, 0);       /* ... so not geocoded */
	expect_version(ctx, "SC100006", M1, M2, 1);         /* closed */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version a JOIN home_version b ON a.urn = b.urn"
	                             " WHERE a.urn = 'SC100002' AND a.valid_to = '" M2 "' AND b.valid_from = '" M2 "'"
	                             " AND a.snapshot_to = b.snapshot_from AND a.geo_method = b.geo_method"
	                             " AND a.geo_confidence = b.geo_confidence AND a.geo_key = b.geo_key"
	                             " AND a.geo_la_found = b.geo_la_found AND a.geo_at = b.geo_at"
	                             " AND ST_Equals(a.geom, b.geom) AND a.fingerprint <> b.fingerprint"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE urn = 'SC100003' AND valid_to IS NULL"
	                             " AND coalesce(geo_method, geo_confidence, geo_key, geo_la_check, geo_la_found,"
	                             " geo_district, geo_pfa, geo_region, geo_note, geo_at, geom) IS NULL"),
	                 1);
	geocode(ctx, "SC100009", "E08000006", "E23000005", "E12000002");

	/* The summary by police force area: geocoded homes by force, the rest unlocated. */
	static const char *const pfa_m2[][8] = {
		{"E23000005", "Greater Manchester", "Active", "Private", "2", "9"},
		{"E23000036", "Avon and Somerset", "Active", "Private", "1", "4"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Local Authority", "2", "4"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Private", "1", "5"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Voluntary", "1", "6"},
		{"unlocated", "not located (not geocoded, or no match)", "Resigned", "Private", "1", "3"},
		{"total", NULL, NULL, NULL, "8", "31"},
	};
	expect_summary(ctx, "pfa", NULL, pfa_m2, N(pfa_m2));

	/* Month 3: columns in another order under other names. */
	import_ok(ctx, tu_fixture("register/month3.csv"), M3, &r);
	assert_int_equal(r.homes, 9);
	assert_int_equal(r.places, 34);
	assert_int_equal(r.new_homes, 1);
	assert_int_equal(r.reopened, 1);
	assert_int_equal(r.changed, 2);
	assert_int_equal(r.unchanged, 5);
	assert_int_equal(r.closed, 1);
	assert_int_equal(r.changes, 6);
	assert_int_equal(r.enforcement, 1);
	expect_changes(ctx, M3, NULL, changes_m3, N(changes_m3));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version"), 18);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE valid_to IS NULL"), 9);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM enforcement"), 3);
	expect_version(ctx, "SC100005", M1, M2, 0);
	expect_version(ctx, "SC100005", M2, M3, 0); /* deregistered, then gone */
	expect_version(ctx, "SC100006", M3, NULL, 1); /* reopened at the same address: geocode copied */
	expect_version(ctx, "SC100009", M2, NULL, 1);
	assert_int_equal(tu_int(ctx, "SELECT snapshot_to FROM home_version WHERE urn = 'SC100005' AND valid_to = '" M3
	                             "'"),
	                 3);

	/* Every change, in order; since a date; in an area. */
	size_t n_all = N(changes_m1) + N(changes_m2) + N(changes_m3);
	const char *(*all)[8] = calloc(n_all, sizeof *all);
	assert_non_null(all);
	memcpy(all, changes_m1, sizeof changes_m1);
	memcpy(all + N(changes_m1), changes_m2, sizeof changes_m2);
	memcpy(all + N(changes_m1) + N(changes_m2), changes_m3, sizeof changes_m3);
	expect_changes(ctx, NULL, NULL, (const char *const(*)[8])all, n_all);
	expect_changes(ctx, "2025-02-01", NULL, (const char *const(*)[8])(all + N(changes_m1)), n_all - N(changes_m1));
	free(all);
	/* "A new home has registered in our area": the force area, from the geocode. */
	static const char *const gm[][8] = {
		{M2, "SC100009", "Maple House", "new", NULL, "17 Specimen Road, Salford, M6 5AA", "E08000006", "Salford"},
	};
	expect_changes(ctx, "2025-02-01", "E23000005", gm, N(gm));
	/* By the register's LA code. */
	static const char *const stockport[][8] = {
		{M2, "SC100007", "Rowan House", "details", "telephone: 0161 496 0007", "telephone: 0161 496 0077",
		 "E08000007", "Stockport"},
		{M2, "SC100007", "Rowan House", "details", "responsible_individual: G. Person",
		 "responsible_individual: G. Other", "E08000007", "Stockport"},
		{M3, "SC100007", "Rowan House", "enforcement", NULL, "2025-03-10 Notice of proposal", "E08000007",
		 "Stockport"},
	};
	expect_changes(ctx, "2025-02-01", "E08000007", stockport, N(stockport));
	expect_changes(ctx, "2025-04-01", NULL, NULL, 0);

	/* Summaries at each date. */
	static const char *const la_m1[][8] = {
		{"E06000010", "Kingston upon Hull, City of", "Active", "Private", "1", "3"},
		{"E06000023", "Bristol, City of", "Active", "Private", "1", "3"},
		{"E06000033", "Southend-on-Sea", "Active", "Private", "1", "4"},
		{"E06000047", "County Durham", "Active", "Local Authority", "1", "2"},
		{"E06000058", "Bournemouth, Christchurch and Poole", "Active", "Private", "1", "5"},
		{"E08000003", "Manchester", "Active", "Private", "1", "4"},
		{"E08000007", "Stockport", "Active", "Voluntary", "1", "6"},
		{"E08000035", "Leeds", "Active", "Local Authority", "1", "2"},
		{"total", NULL, NULL, NULL, "8", "29"},
	};
	expect_summary(ctx, "la", M1, la_m1, N(la_m1));
	expect_summary(ctx, "la", "2025-02-27", la_m1, N(la_m1));
	static const char *const la_m2[][8] = {
		{"E06000010", "Kingston upon Hull, City of", "Resigned", "Private", "1", "3"},
		{"E06000023", "Bristol, City of", "Active", "Private", "1", "4"},
		{"E06000047", "County Durham", "Active", "Local Authority", "1", "2"},
		{"E06000058", "Bournemouth, Christchurch and Poole", "Active", "Private", "1", "5"},
		{"E08000003", "Manchester", "Active", "Private", "1", "4"},
		{"E08000006", "Salford", "Active", "Private", "1", "5"},
		{"E08000007", "Stockport", "Active", "Voluntary", "1", "6"},
		{"E08000035", "Leeds", "Active", "Local Authority", "1", "2"},
		{"total", NULL, NULL, NULL, "8", "31"},
	};
	expect_summary(ctx, "la", M2, la_m2, N(la_m2));
	static const char *const la_m3[][8] = {
		{"E06000023", "Bristol, City of", "Active", "Private", "1", "4"},
		{"E06000033", "Southend-on-Sea", "Active", "Private", "1", "4"},
		{"E06000047", "County Durham", "Active", "Local Authority", "1", "2"},
		{"E06000058", "Bournemouth, Christchurch and Poole", "Suspended", "Private", "1", "5"},
		{"E06000065", "North Yorkshire", "Active", "Private", "1", "2"},
		{"E08000003", "Manchester", "Active", "Private", "1", "4"},
		{"E08000006", "Salford", "Active", "Private", "1", "5"},
		{"E08000007", "Stockport", "Active", "Voluntary", "1", "6"},
		{"E08000035", "Leeds", "Active", "Local Authority", "1", "2"},
		{"total", NULL, NULL, NULL, "9", "34"},
	};
	expect_summary(ctx, "la", NULL, la_m3, N(la_m3));
	expect_summary(ctx, "la", "2025-12-31", la_m3, N(la_m3));
	static const char *const none[][8] = {{"total", NULL, NULL, NULL, "0", "0"}};
	expect_summary(ctx, "la", "2024-12-31", none, N(none));
	static const char *const region_m3[][8] = {
		{"E12000002", "North West", "Active", "Private", "2", "9"},
		{"E12000006", "East of England", "Active", "Private", "1", "4"},
		{"E12000009", "South West", "Active", "Private", "1", "4"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Local Authority", "2", "4"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Private", "1", "2"},
		{"unlocated", "not located (not geocoded, or no match)", "Active", "Voluntary", "1", "6"},
		{"unlocated", "not located (not geocoded, or no match)", "Suspended", "Private", "1", "5"},
		{"total", NULL, NULL, NULL, "9", "34"},
	};
	expect_summary(ctx, "region", M3, region_m3, N(region_m3));
	expect_summary(ctx, "pfa", M2, pfa_m2, N(pfa_m2));

	haven_table *t = NULL;
	tu_assert_status(ctx, haven_register_summary(ctx, "district", NULL, &t), HAVEN_ERR_USAGE);
	tu_assert_status(ctx, haven_register_summary(ctx, "la", "2025-02-30", &t), HAVEN_ERR_VALUE);
	tu_assert_status(ctx, haven_register_changes(ctx, "yesterday", NULL, &t), HAVEN_ERR_VALUE);
	assert_null(t);
	haven_ctx_free(ctx);
}

/* ---- the same file again, stale files ------------------------------------- */

static void test_snapshot_rules(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("rules.db");
	haven_register_report r;
	char before[65], after[65];
	haven_table *t;
	tu_assert_status(ctx, haven_register_summary(ctx, "la", NULL, &t), HAVEN_ERR_NOT_FOUND);
	import_ok(ctx, tu_fixture("register/month1.csv"), M1, &r);
	tu_digest(ctx, before);

	/* 1: the same file, same date: a no-op that says so */
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month1.csv"), M1, 0, &r));
	assert_int_equal(r.noop, 1);
	assert_string_equal(r.received, M1);
	assert_int_equal(r.changes, 0);
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 2: the same file under a later date (a copy elsewhere): still a no-op */
	const char *copy = tu_tmp("copy-of-month1.csv");
	char cmd[2100];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", tu_fixture("register/month1.csv"), copy);
	assert_int_equal(system(cmd), 0);
	tu_ok(ctx, haven_register_import(ctx, copy, M2, 0, &r));
	assert_int_equal(r.noop, 1);
	assert_string_equal(r.received, M1);
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 3: a different file on the same date */
	tu_assert_status(ctx, haven_register_import(ctx, tu_fixture("register/month2.csv"), M1, 0, &r),
	                 HAVEN_ERR_STALE);
	tu_assert_msg(ctx, "month2.csv");
	tu_assert_msg(ctx, "month1.csv");
	tu_assert_msg(ctx, M1);
	/* 4: an older date than the newest snapshot */
	tu_assert_status(ctx, haven_register_import(ctx, tu_fixture("register/month2.csv"), "2025-01-15", 0, &r),
	                 HAVEN_ERR_STALE);
	tu_assert_msg(ctx, "2025-01-15");
	tu_assert_msg(ctx, M1);
	/* 5: not a date; 6: in the future (HAVEN_NOW is 2025-04-15) */
	tu_assert_status(ctx, haven_register_import(ctx, tu_fixture("register/month2.csv"), "2025-02-30", 0, &r),
	                 HAVEN_ERR_VALUE);
	tu_assert_msg(ctx, "2025-02-30");
	tu_assert_status(ctx, haven_register_import(ctx, tu_fixture("register/month2.csv"), "2025-04-16", 0, &r),
	                 HAVEN_ERR_VALUE);
	tu_assert_msg(ctx, "future");
	/* 7: a file that is not there */
	tu_assert_status(ctx, haven_register_import(ctx, tu_tmp("absent.csv"), M2, 0, &r), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "absent.csv");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 8: a store with no LA boundaries cannot resolve the register's LAs */
	haven_ctx *bare = tu_new_store("bare.db");
	char bare_before[65], bare_after[65];
	tu_digest(bare, bare_before);
	tu_assert_status(bare, haven_register_import(bare, tu_fixture("register/month1.csv"), M1, 0, &r),
	                 HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(bare, "haven boundaries load");
	tu_digest(bare, bare_after);
	assert_string_equal(bare_before, bare_after);
	haven_ctx_free(bare);
	/* Then month 2 goes in, and month 1 again is still a no-op. */
	import_ok(ctx, tu_fixture("register/month2.csv"), M2, &r);
	tu_digest(ctx, before);
	tu_ok(ctx, haven_register_import(ctx, tu_fixture("register/month1.csv"), M3, 0, &r));
	assert_int_equal(r.noop, 1);
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	haven_ctx_free(ctx);
}

/* ---- extra columns ------------------------------------------------------- */

static void test_extra_columns(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("extra.db");
	haven_register_report r;
	import_ok(ctx,
	          tu_write("extra1.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status,"
	                                 "Zeta,Alpha\n"
	                                 "SC400001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,z,a\n"),
	          M1, &r);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE extra = '{\"Alpha\":\"a\",\"Zeta\":\"z\"}'"),
	                 1);
	/* The same columns in another order, in other places: no change. */
	import_ok(ctx,
	          tu_write("extra2.csv", "Alpha,URN,Name,Address 1,Town,Postcode,Places,Local authority,Zeta,"
	                                 "Registration status\n"
	                                 "a,SC400001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,z,Active\n"),
	          M2, &r);
	assert_int_equal(r.unchanged, 1);
	assert_int_equal(r.changes, 0);
	/* A value gone and one changed: one details row each, by key. */
	import_ok(ctx,
	          tu_write("extra3.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status,"
	                                 "Zeta,Alpha\n"
	                                 "SC400001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,,b\n"),
	          M3, &r);
	assert_int_equal(r.changed, 1);
	static const char *const want[][8] = {
		{M3, "SC400001", "One House", "details", "extra.Alpha: a", "extra.Alpha: b", "E08000035", "Leeds"},
		{M3, "SC400001", "One House", "details", "extra.Zeta: z", "extra.Zeta: (none)", "E08000035", "Leeds"},
	};
	expect_changes(ctx, M3, NULL, want, N(want));
	haven_ctx_free(ctx);
}

/* ---- bad files -------------------------------------------------------------- */

#define HDR                                                                                                        \
	"URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status,Enforcement actions,"             \
	"Registration date\n"
#define GOOD1 "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,,2020-01-01\n"
#define GOOD2 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2020-01-01\n"

static void test_bad_files(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("bad.db");
	haven_register_report r;
	import_ok(ctx, tu_fixture("register/month1.csv"), M1, &r);
	char before[65], after[65];
	tu_digest(ctx, before);
	static const struct {
		const char *text;
		haven_status st;
		const char *row;  /* "row N" in the message */
		const char *says; /* and this */
	} cases[] = {
		/* 1 */ {HDR GOOD1 "SC200002,\"Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2020-01-01\n", HAVEN_ERR_FORMAT,
		         "row 3", "unterminated"},
		/* 2 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active\n", HAVEN_ERR_FORMAT, "row 3",
		         "8 fields where the header has 10"},
		/* 3 */ {HDR GOOD1 "SC200002,Two H\xf6use,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2020-01-01\n",
		         HAVEN_ERR_FORMAT, "row 3", "UTF-8"},
		/* 4 */ {"URN,Name,Address 1,Town,Postcode,Local authority,Registration status\n"
		         "SC200001,One House,1 Road,Leeds,LS1 1AA,Leeds,Active\n",
		         HAVEN_ERR_MISSING, "row 1", "required column 'places'"},
		/* 5 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,,4,Leeds,Active,,2020-01-01\n", HAVEN_ERR_MISSING,
		         "row 3", "'postcode' (column 5, 'Postcode') is empty"},
		/* 6 */ {HDR GOOD1 GOOD2 "sc200001,Three House,3 Road,Leeds,LS1 1AD,4,Leeds,Active,,2020-01-01\n",
		         HAVEN_ERR_DUPLICATE, "row 4", "SC200001 is also on row 2"},
		/* 7 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,ZZ99 9ZZZ,4,Leeds,Active,,2020-01-01\n", HAVEN_ERR_VALUE,
		         "row 3", "postcode 'ZZ99 9ZZZ'"},
		/* 8 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2020-02-30\n", HAVEN_ERR_VALUE,
		         "row 3", "registration_date '2020-02-30'"},
		/* 9 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,-2,Leeds,Active,,2020-01-01\n", HAVEN_ERR_VALUE,
		         "row 3", "places -2"},
		/* 10 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,four,Leeds,Active,,2020-01-01\n",
		          HAVEN_ERR_VALUE, "row 3", "places 'four'"},
		/* 11 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Gotham,Active,,2020-01-01\n", HAVEN_ERR_VALUE,
		          "row 3", "local authority 'Gotham'"},
		/* 12 */ {HDR GOOD1 "SC200002,Two House,2 Road,Carlisle,CA1 1AA,4,Cumbria,Active,,2020-01-01\n",
		          HAVEN_ERR_VALUE, "row 3", "Cumberland (E06000063)"},
		/* 13 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,10/02/2025 Notice,2020-01-01\n",
		          HAVEN_ERR_VALUE, "row 3", "enforcement_actions item 1 '10/02/2025 Notice'"},
		/* 14 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,2025-01-02 Notice; 2025-01-05,"
		          "2020-01-01\n",
		          HAVEN_ERR_VALUE, "row 3", "item 2 '2025-01-05'"},
		/* 15 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,2025-03-01 Notice,2020-01-01\n",
		          HAVEN_ERR_VALUE, "row 3", "after the received date 2025-02-28"},
		/* 16 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2025-03-01\n", HAVEN_ERR_VALUE,
		          "row 3", "after the received date"},
		/* 17 */ {"URN,Name,Address 1,Town,Postcode,Postal code,Places,Local authority,Registration status\n"
		          "SC200001,One House,1 Road,Leeds,LS1 1AA,LS1 1AA,3,Leeds,Active\n",
		          HAVEN_ERR_DUPLICATE, "row 1", "columns 5 ('Postcode') and 6 ('Postal code') both give postcode"},
		/* 18 */ {HDR, HAVEN_ERR_MISSING, "", "no homes"},
		/* 19 */ {HDR GOOD1 "SC 200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,,2020-01-01\n", HAVEN_ERR_VALUE,
		          "row 3", "urn 'SC 200002'"},
		/* 20 */ {HDR GOOD1 "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,,,2020-01-01\n", HAVEN_ERR_MISSING,
		          "row 3", "'registration_status'"},
		/* 21 */ {"", HAVEN_ERR_FORMAT, "", "empty file"},
		/* 22 */ {"URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status,Notes,notes\n"
		          "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,a,b\n",
		          HAVEN_ERR_DUPLICATE, "row 1", "columns 9 ('Notes') and 10 ('notes') have the same name"},
		/* 23 one name twice, as written differently: refused when the file is opened */
		{"URN,Name,Address 1,Town,Postcode,Post code,Places,Local authority,Registration status\n"
		 "SC200001,One House,1 Road,Leeds,LS1 1AA,LS1 1AA,3,Leeds,Active\n",
		 HAVEN_ERR_DUPLICATE, "row 1", "columns 5 ('Postcode') and 6 ('Post code') have the same name"},
		/* 24 a URN column and a 'Unique reference number' column */
		{"URN,Unique reference number,Name,Address 1,Town,Postcode,Places,Local authority,Registration status\n"
		 "SC200001,SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active\n",
		 HAVEN_ERR_DUPLICATE, "row 1", "columns 1 ('URN') and 2 ('Unique reference number') both give urn"},
		/* 25 a column named "column 9" and an unnamed ninth column share a key */
		{"URN,Name,Address 1,Town,Postcode,Places,Local authority,column 9,,Registration status\n"
		 "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,a,b,Active\n",
		 HAVEN_ERR_DUPLICATE, "row 1", "columns 8 ('column 9') and 9 ('column 9') have the same name"},
		/* 26 a line ending in CR alone (the whole file one line to a newline reader) */
		{"URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status\r"
		 "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active\r",
		 HAVEN_ERR_FORMAT, "row 1", "carriage return alone"},
		/* 27 a good file that holds none of the 8 current homes would close them all */
		{HDR GOOD1 GOOD2, HAVEN_ERR_MISSING, "", "would close every one of them"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "bad%zu.csv", i + 1);
		const char *path = tu_write(name, cases[i].text);
		haven_status st = haven_register_import(ctx, path, M2, 0, &r);
		if (st != cases[i].st)
			fail_msg("case %zu: got %s, want %s: %s", i + 1, haven_status_name(st), haven_status_name(cases[i].st),
			         haven_errmsg(ctx));
		const char *msg = haven_errmsg(ctx);
		if (!strstr(msg, name) || !strstr(msg, cases[i].row) || !strstr(msg, cases[i].says))
			fail_msg("case %zu: message '%s' lacks '%s', '%s' or '%s'", i + 1, msg, name, cases[i].row,
			         cases[i].says);
		assert_int_equal(r.noop, 0);
		assert_int_equal(r.changes, 0);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("case %zu changed the store", i + 1);
	}
	/* The good rows alone import into a store of their own; an unnamed
	 * column is kept by its number. */
	haven_ctx_free(ctx);
	ctx = new_register_store("good.db");
	import_ok(ctx,
	          tu_write("good.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status,\n"
	                               "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,kept\n"
	                               "SC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,\n"),
	          M2, &r);
	assert_int_equal(r.new_homes, 2);
	assert_int_equal(r.extra_columns, 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE urn = 'SC200001'"
	                             " AND extra = '{\"column 9\":\"kept\"}'"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE urn = 'SC200002' AND extra IS NULL"), 1);
	haven_ctx_free(ctx);
}

/* ---- the bytes hashed are the bytes parsed ------------------------------------------------- */

/* On the first notice (the manifest check's, which comes after the file is
 * hashed and before it is parsed), put other bytes under the file's name. */
typedef struct swap {
	const char *path, *forged;
	int done;
} swap;

static void swap_on_notice(void *user, const char *msg)
{
	(void)msg;
	swap *s = user;
	if (s->done++)
		return;
	FILE *f = fopen(s->path, "wb");
	assert_non_null(f);
	fputs(s->forged, f);
	fclose(f);
}

static void test_read_once(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("once.db");
	static const char genuine[] = HDR GOOD1 GOOD2;
	static const char forged[] = HDR "SC200001,Forged House,9 Road,Leeds,LS1 1AA,3,Leeds,Active,,2020-01-01\n" GOOD2
	                                 "SC299999,Extra House,1 Lane,Leeds,LS1 1AD,9,Leeds,Active,,2020-01-01\n";
	char path[1024];
	snprintf(path, sizeof path, "%s", tu_write("once.csv", genuine));
	swap s = {path, forged, 0};
	haven_ctx_set_notice(ctx, swap_on_notice, &s);
	haven_register_report r;
	import_ok(ctx, path, M1, &r);
	haven_ctx_set_notice(ctx, NULL, NULL);
	assert_true(s.done > 0); /* the file was swapped before it could be read again */
	/* What was stored, and the hash recorded, are the genuine bytes'. */
	assert_int_equal(r.homes, 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE name = 'One House'"), 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM home_version WHERE name LIKE 'Forged%' OR urn = 'SC299999'"),
	                 0);
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[65], sql[200];
	crypto_hash_sha256(d, (const unsigned char *)genuine, sizeof genuine - 1);
	sodium_bin2hex(hex, sizeof hex, d, sizeof d);
	assert_string_equal(r.sha256, hex);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM snapshot WHERE sha256 = '%s'", hex);
	assert_int_equal(tu_int(ctx, sql), 1);
	haven_ctx_free(ctx);
}

/* A repeated enforcement item is recorded once, in the order items are
 * first given; a long cell is no slower than a short one per item. */
static void test_enforcement_repeats(void **state)
{
	(void)state;
	haven_ctx *ctx = new_register_store("enf.db");
	enum { DISTINCT = 2500 }; /* twice each: about 110 KB, within a field's limit */
	size_t cap = DISTINCT * 2 * 40 + 512;
	char *text = malloc(cap), *p = text;
	assert_non_null(text);
	p += sprintf(p, HDR "SC200001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active,\""
	                    "2025-01-02 A; 2025-01-01 B; 2025-01-02 A; 2025-01-01 C; 2025-01-01 B; 2025-01-02 A\","
	                    "2020-01-01\nSC200002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active,\"");
	for (int k = 0; k < 2 * DISTINCT; k++)
		p += sprintf(p, "%s2024-%02d-%02d Notice %d", k ? "; " : "", 1 + (k % DISTINCT) % 12,
		             1 + (k % DISTINCT) / 12 % 28, (k % DISTINCT) / 336);
	p += sprintf(p, "\",2020-01-01\n");
	assert_true((size_t)(p - text) < cap);
	haven_register_report r;
	import_ok(ctx, tu_write("enf.csv", text), M1, &r);
	free(text);
	char got[200];
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx,
	                      "SELECT group_concat(action_date || ' ' || nature, '|') FROM (SELECT * FROM enforcement"
	                      " WHERE urn = 'SC200001' ORDER BY id)",
	                      &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_string_equal(got, "2025-01-02 A|2025-01-01 B|2025-01-01 C");
	/* distinct: (month, day) repeats every 336 items, the notice number differs */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM enforcement WHERE urn = 'SC200002'"), DISTINCT);
	haven_ctx_free(ctx);
}

/* ---- XLSX and ODS ------------------------------------------------------------------- */

/* Translate csv to a spreadsheet with GDAL (as a user's spreadsheet program
 * would save it).  With csvt, the CSV's column types are given, so places
 * become number cells and registration dates date cells. */
static void make_sheet(const char *driver, const char *csvt, const char *out_name, char *out, size_t n)
{
	const char *csv = tu_tmp("sheet-src.csv");
	char cmd[2200];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -f '%s'", tu_fixture("register/month1.csv"), csv,
	         tu_tmp("sheet-src.csvt"));
	assert_int_equal(system(cmd), 0);
	if (csvt)
		tu_write("sheet-src.csvt", csvt);
	snprintf(out, n, "%s", tu_tmp(out_name));
	GDALDatasetH in = GDALOpenEx(csv, GDAL_OF_VECTOR, NULL, NULL, NULL);
	assert_non_null(in);
	char *args[] = {"-f", (char *)driver, NULL};
	GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(args, NULL);
	assert_non_null(o);
	int usage = 0;
	GDALDatasetH ds = GDALVectorTranslate(out, NULL, 1, &in, o, &usage);
	assert_non_null(ds);
	GDALClose(ds);
	GDALVectorTranslateOptionsFree(o);
	GDALClose(in);
}

static char *versions(haven_ctx *ctx)
{
	/* Every versioned column, through the fingerprint, plus a few in clear. */
	static const char q[] = "SELECT group_concat(urn || '|' || fingerprint || '|' || name || '|' || postcode || '|'"
	                        " || la_code || '|' || places || '|' || coalesce(registration_date, '') || '|'"
	                        " || coalesce(extra, ''), ';') FROM (SELECT * FROM home_version ORDER BY urn)";
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, q, &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(s);
	return s;
}

static void test_spreadsheets_same_as_csv(void **state)
{
	(void)state;
	static const char typed[] = "\"String\",\"String\",\"String\",\"String\",\"String\",\"String\",\"String\","
	                            "\"String\",\"String\",\"String\",\"Integer\",\"String\",\"String\",\"String\","
	                            "\"String\",\"String\",\"Date\",\"String\",\"String\"\n";
	static const struct {
		const char *driver, *csvt, *name;
	} cases[] = {
		/* 1 */ {"XLSX", NULL, "month1.xlsx"},
		/* 2 */ {"XLSX", typed, "month1-typed.xlsx"},
		/* 3 */ {"ODS", typed, "month1-typed.ods"},
	};
	haven_ctx *a = new_register_store("csv.db");
	haven_register_report ra, rb;
	import_ok(a, tu_fixture("register/month1.csv"), M1, &ra);
	char *want = versions(a);
	assert_non_null(strstr(want, "SC100001|"));
	assert_non_null(strstr(want, "|2019-05-01|"));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sheet[1024], db[32];
		make_sheet(cases[i].driver, cases[i].csvt, cases[i].name, sheet, sizeof sheet);
		snprintf(db, sizeof db, "sheet%zu.db", i + 1);
		haven_ctx *b = new_register_store(db);
		tu_ok(b, haven_register_import(b, sheet, M1, 0, &rb));
		if (rb.homes != 8 || rb.changes != ra.changes || rb.extra_columns != 1)
			fail_msg("case %zu: %lld homes, %lld changes, %d extra columns", i + 1, (long long)rb.homes,
			         (long long)rb.changes, rb.extra_columns);
		char *got = versions(b);
		if (strcmp(want, got) != 0)
			fail_msg("case %zu: versions differ:\n%s\n%s", i + 1, want, got);
		free(got);
		assert_int_equal(tu_int(b, "SELECT count(*) FROM enforcement"), 1);
		haven_ctx_free(b);
	}
	free(want);
	haven_ctx_free(a);
}

TU_MAIN(NULL, NULL,
		cmocka_unit_test(test_la_names),
		cmocka_unit_test(test_three_months),
		cmocka_unit_test(test_snapshot_rules),
		cmocka_unit_test(test_extra_columns),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_spreadsheets_same_as_csv),
		cmocka_unit_test(test_read_once),
		cmocka_unit_test(test_enforcement_repeats))
