/*
 * test_aggregate.c - haven_aggregate (src/analysis/aggregate.c) on the
 * national store: the synthetic national register (4,009 homes, 15,742
 * places, Ofsted's counts per LA) geocoded against the bundled ONS la,
 * district, pfa and region boundaries (the fixture "national",
 * analysis.db).  Every expected figure is recomputed here from the store's
 * own rows with SQL, independently of the aggregation.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <geos_c.h>

#include "core/context.h"
#include "core/table.h"
#include "testutil.h"

#define ENGLAND "E92000001"
#define HOMES 4009
#define PLACES 15742

static haven_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	ctx = tu_national_store("analysis.db", "aggregate.db");
	haven_authority_spec dfe = {.kind = "dfe", .code = "DFE", .name = "Department for Education"};
	haven_authority_spec wyp = {.kind = "police", .code = "E23000010", .name = "West Yorkshire Police"};
	tu_ok(ctx, haven_authority_add(ctx, &dfe));
	tu_ok(ctx, haven_authority_add(ctx, &wyp));
	haven_user_spec dee = {.name = "dee", .authority = "DFE", .role = "analyst", .default_purpose = "policy"};
	haven_user_spec ana = {
	    .name = "ana", .authority = "E23000010", .role = "analyst", .default_purpose = "safeguarding"};
	tu_ok(ctx, haven_user_add(ctx, &dee, NULL, NULL));
	tu_ok(ctx, haven_user_add(ctx, &ana, NULL, NULL));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

/* The released aggregate of geo with measures ("a,b,c"; NULL: the
 * defaults), as at the register's date. */
static haven_table *aggregate(const char *geo, const char *measures, const char *from, const char *to)
{
	char buf[512];
	const char *names[64];
	size_t n = 0;
	if (measures) {
		snprintf(buf, sizeof buf, "%s", measures);
		for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			names[n++] = tok;
	}
	haven_aggregate_opts o = {.geography = geo, .measures = names, .n_measures = n, .from = from, .to = to};
	haven_table *t;
	tu_ok(ctx, haven_aggregate(ctx, &o, &t));
	assert_true(haven_table_sealed(t));
	tu_release(ctx, t);
	return t;
}

static int col(const haven_table *t, const char *name)
{
	int c = haven_table_find(t, name);
	if (c < 0)
		fail_msg("no column %s", name);
	return c;
}

static const char *text(const haven_table *t, size_t r, const char *name)
{
	return haven_table_text(ctx, t, r, col(t, name));
}

static int64_t num(const haven_table *t, size_t r, const char *name)
{
	int c = col(t, name);
	if (haven_table_type(ctx, t, r, c) != HAVEN_CELL_INT)
		fail_msg("row %zu (%s) %s is not a number: '%s'", r, text(t, r, "area_code"), name,
		         haven_table_text(ctx, t, r, c));
	return haven_table_int(ctx, t, r, c);
}

/* The row of area code, or fails. */
static size_t row_of(const haven_table *t, const char *code)
{
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		const char *c = text(t, r, "area_code");
		if (c && strcmp(c, code) == 0)
			return r;
	}
	fail_msg("no row for %s", code);
	return 0;
}

static size_t count_level(const haven_table *t, const char *level)
{
	size_t n = 0;
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++)
		n += strcmp(text(t, r, "geographic_level"), level) == 0;
	return n;
}

static int64_t sqlf(const char *fmt, const char *arg)
{
	char *sql = sqlite3_mprintf(fmt, arg);
	int64_t v = tu_int(ctx, sql);
	sqlite3_free(sql);
	return v;
}

/* 1. Local authorities: every English LA (a true zero is 0), its region,
 *    England; each LA's homes and places are the register's for that LA,
 *    each region's the homes geocoded into it, England Ofsted's totals. */
static void test_la(void **state)
{
	(void)state;
	haven_table *t = aggregate("la", NULL, NULL, NULL);
	size_t nla = (size_t)tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la' AND code LIKE 'E%'");
	assert_int_equal(nla, 153);
	assert_int_equal(count_level(t, "la"), nla);
	assert_int_equal(count_level(t, "region"), 9);
	assert_int_equal(count_level(t, "england"), 1);
	assert_int_equal(count_level(t, "unlocated"), 0); /* every home's LA is a boundary held */
	assert_int_equal(haven_table_nrows(ctx, t), nla + 10);
	size_t e = row_of(t, ENGLAND);
	assert_int_equal(num(t, e, "homes"), HOMES);
	assert_int_equal(num(t, e, "places"), PLACES);
	assert_null(text(t, e, "parent"));
	assert_int_equal(haven_table_type(ctx, t, e, col(t, "geom")), HAVEN_CELL_NULL);
	int64_t la_sum = 0, zero = 0;
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		const char *level = text(t, r, "geographic_level"), *code = text(t, r, "area_code");
		if (strcmp(level, "england") == 0)
			continue;
		size_t n;
		assert_non_null(haven_table_geom(ctx, t, r, col(t, "geom"), &n));
		if (strcmp(level, "la") == 0) {
			const char *q = "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code = %Q";
			assert_int_equal(num(t, r, "homes"), sqlf(q, code));
			assert_int_equal(num(t, r, "places"),
			                 sqlf("SELECT coalesce(sum(places), 0) FROM home_version WHERE valid_to IS NULL"
			                      " AND la_code = %Q",
			                      code));
			assert_int_equal(strncmp(text(t, r, "parent"), "E12", 3), 0);
			la_sum += num(t, r, "homes");
			zero += num(t, r, "homes") == 0;
		} else {
			assert_string_equal(level, "region");
			assert_string_equal(text(t, r, "parent"), ENGLAND);
			assert_int_equal(
			    num(t, r, "homes"),
			    sqlf("SELECT count(*) FROM home_version WHERE valid_to IS NULL AND geo_region = %Q", code));
		}
	}
	assert_int_equal(la_sum, HOMES);
	assert_int_equal(zero, 153 - 147); /* Ofsted's list has homes in 147 LAs */
	assert_string_equal(haven_table_meta(t, "as_at"), "2025-03-31");
	assert_string_equal(haven_table_meta(t, "source_snapshots"), "2025-03-31");
	assert_string_equal(haven_table_meta(t, "period"), "2024-04-01/2025-03-31");
	assert_string_equal(haven_table_meta(t, "geography"), "la");
	assert_non_null(strstr(haven_table_meta(t, "attribution"), "Open Government Licence"));
	assert_string_equal(haven_table_meta(t, "scope"), "national");
	haven_table_free(t);
}

/* 2. Sectors and statuses add up to homes and places in every row, and the
 *    table says so (a column sum the gate protects); England's sector counts
 *    are the register's. */
static void test_parts(void **state)
{
	(void)state;
	haven_table *t = aggregate("region",
	                           "homes,homes_private,homes_local_authority,homes_voluntary,homes_health_authority,"
	                           "homes_active,homes_suspended,places,places_private,places_local_authority,"
	                           "places_voluntary,places_health_authority",
	                           NULL, NULL);
	assert_int_equal(hv_table_sums(t), 2);
	const char *sectors[] = {"private", "local_authority", "voluntary", "health_authority"};
	const char *names[] = {"Private", "Local Authority", "Voluntary", "Health Authority"};
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		int64_t h = 0, p = 0;
		for (size_t i = 0; i < 4; i++) {
			char hc[64], pc[64];
			snprintf(hc, sizeof hc, "homes_%s", sectors[i]);
			snprintf(pc, sizeof pc, "places_%s", sectors[i]);
			h += num(t, r, hc);
			p += num(t, r, pc);
		}
		assert_int_equal(h, num(t, r, "homes"));
		assert_int_equal(p, num(t, r, "places"));
		assert_int_equal(num(t, r, "homes_active") + num(t, r, "homes_suspended"), num(t, r, "homes"));
	}
	size_t e = row_of(t, ENGLAND);
	for (size_t i = 0; i < 4; i++) {
		char hc[64];
		snprintf(hc, sizeof hc, "homes_%s", sectors[i]);
		assert_int_equal(
		    num(t, e, hc),
		    sqlf("SELECT count(*) FROM home_version WHERE valid_to IS NULL AND sector = %Q", names[i]));
	}
	assert_int_equal(
	    num(t, e, "homes_suspended"),
	    sqlf("SELECT count(*) FROM home_version WHERE valid_to IS NULL AND registration_status = %Q", "Suspended"));
	haven_table_free(t);
}

/* 3. Districts, force areas, regions, England: every area's homes are those
 *    geocoded into it; the areas and the unlocated row add up to England. */
static void test_geographies(void **state)
{
	(void)state;
	static const struct {
		const char *geo, *column;
		size_t areas;
	} cases[] = {
	    /* 1 */ {"district", "geo_district", 296},
	    /* 2 */ {"pfa", "geo_pfa", 39}, /* England's 39 forces (the file holds Wales' 4 too) */
	    /* 3 */ {"region", "geo_region", 9},
	    /* 4 */ {"england", NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t = aggregate(cases[i].geo, NULL, NULL, NULL);
		assert_int_equal(count_level(t, "england"), 1);
		if (cases[i].areas != count_level(t, cases[i].geo) && cases[i].column)
			fail_msg("case %zu: %zu %s rows", i + 1, count_level(t, cases[i].geo), cases[i].geo);
		int64_t sum = 0;
		for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
			const char *level = text(t, r, "geographic_level");
			if (strcmp(level, "england") == 0)
				continue;
			if (strcmp(level, "unlocated") == 0) {
				assert_null(text(t, r, "area_code"));
			} else {
				char *q = sqlite3_mprintf(
				    "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND %s = %%Q",
				    cases[i].column);
				if (num(t, r, "homes") != sqlf(q, text(t, r, "area_code")))
					fail_msg("case %zu: %s has %lld homes", i + 1, text(t, r, "area_code"),
					         (long long)num(t, r, "homes"));
				sqlite3_free(q);
			}
			assert_string_equal(text(t, r, "parent"), ENGLAND);
			sum += num(t, r, "homes");
		}
		size_t e = row_of(t, ENGLAND);
		assert_int_equal(num(t, e, "homes"), HOMES);
		assert_int_equal(num(t, e, "places"), PLACES);
		if (cases[i].column)
			assert_int_equal(sum, HOMES);
		haven_table_free(t);
	}
}

/* Whether GEOS geometry g of the row's WKB; caller destroys. */
static GEOSGeometry *geom(GEOSContextHandle_t h, const haven_table *t, size_t r)
{
	size_t n;
	const unsigned char *wkb = haven_table_geom(ctx, t, r, col(t, "geom"), &n);
	assert_non_null(wkb);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(h);
	GEOSGeometry *g = GEOSWKBReader_read_r(h, rd, wkb, n);
	GEOSWKBReader_destroy_r(h, rd);
	assert_non_null(g);
	return g;
}

/* 4. A grid: cells of at least k homes unless they reached the largest
 *    side (64 km, or the last doubling short of it); cells that do not overlap; each cell holding the homes inside its
 *    polygon; every home in a cell. */
static void test_grid(void **state)
{
	(void)state;
	static const struct {
		const char *geo;
		double side;
	} cases[] = {/* 1 */ {"grid:1000", 1000}, /* 2 */ {"grid:5000", 5000}};
	GEOSContextHandle_t h = GEOS_init_r();
	/* The homes' points. */
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(ctx->db,
	                                    "SELECT ST_X(geom), ST_Y(geom) FROM home_version WHERE valid_to IS NULL",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	GEOSGeometry *pts[HOMES];
	size_t np = 0;
	while (sqlite3_step(st) == SQLITE_ROW && np < HOMES)
		pts[np++] = GEOSGeom_createPointFromXY_r(h, sqlite3_column_double(st, 0), sqlite3_column_double(st, 1));
	sqlite3_finalize(st);
	assert_int_equal(np, HOMES);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t = aggregate(cases[i].geo, "homes,places,homes_private", NULL, NULL);
		assert_int_equal(count_level(t, "unlocated"), 0);
		int64_t sum = 0;
		double area = 0;
		size_t cells = 0, merged = 0;
		GEOSGeometry **polys = calloc(haven_table_nrows(ctx, t), sizeof *polys);
		for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
			if (strcmp(text(t, r, "geographic_level"), "grid") != 0)
				continue;
			double side = atof(text(t, r, "area_code") + 4);
			int64_t homes = num(t, r, "homes");
			assert_true(homes > 0);
			double largest = cases[i].side; /* cells merge up to 64 km */
			while (largest * 2 <= 64000)
				largest *= 2;
			if (side < largest && homes < 10)
				fail_msg("case %zu: %s holds %lld homes", i + 1, text(t, r, "area_code"),
				         (long long)homes);
			merged += side > cases[i].side;
			GEOSGeometry *g = geom(h, t, r);
			double a;
			GEOSArea_r(h, g, &a);
			area += a;
			/* The homes inside the polygon: at least those strictly
			 * inside, at most those on it or inside. */
			const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
			int64_t inside = 0, touching = 0;
			for (size_t p = 0; p < np; p++) {
				inside += GEOSPreparedContainsProperly_r(h, pg, pts[p]) == 1;
				touching += GEOSPreparedIntersects_r(h, pg, pts[p]) == 1;
			}
			GEOSPreparedGeom_destroy_r(h, pg);
			if (homes < inside || homes > touching)
				fail_msg("case %zu: %s holds %lld homes, %lld inside, %lld touching", i + 1,
				         text(t, r, "area_code"), (long long)homes, (long long)inside,
				         (long long)touching);
			assert_string_equal(text(t, r, "parent"), ENGLAND);
			polys[cells++] = g;
			sum += homes;
		}
		assert_int_equal(sum, HOMES);
		assert_true(merged > 0); /* rural cells did merge */
		GEOSGeometry *all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, polys, (unsigned)cells);
		GEOSGeometry *u = GEOSUnaryUnion_r(h, all);
		double ua;
		GEOSArea_r(h, u, &ua);
		if (ua < area * (1 - 1e-9)) /* no two cells overlap */
			fail_msg("case %zu: cells overlap: union %.0f m2, sum %.0f m2", i + 1, ua, area);
		GEOSGeom_destroy_r(h, u);
		GEOSGeom_destroy_r(h, all);
		free(polys);
		haven_table_free(t);
	}
	for (size_t p = 0; p < np; p++)
		GEOSGeom_destroy_r(h, pts[p]);
	GEOS_finish_r(h);
}

/* 5. Measures of the period: enforcement actions and registrations dated
 *    in it, for the default 12 months and a period given. */
static void test_period(void **state)
{
	(void)state;
	static const struct {
		const char *from, *to, *want_from;
	} cases[] = {
	    /* 1 */ {NULL, NULL, "2024-04-01"},
	    /* 2 */ {"2020-01-01", "2025-03-31", "2020-01-01"},
	    /* 3 */ {"2010-01-01", "2014-12-31", "2010-01-01"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t =
		    aggregate("la", "homes,homes_with_enforcement,registrations", cases[i].from, cases[i].to);
		const char *from = cases[i].want_from, *to = cases[i].to ? cases[i].to : "2025-03-31";
		char *q =
		    sqlite3_mprintf("SELECT count(*) FROM home_version h WHERE valid_to IS NULL AND EXISTS (SELECT 1"
		                    " FROM enforcement e WHERE e.urn = h.urn AND e.action_date BETWEEN %Q AND %Q)",
		                    from, to);
		int64_t enf = tu_int(ctx, q);
		sqlite3_free(q);
		q = sqlite3_mprintf("SELECT count(*) FROM home_version WHERE valid_to IS NULL"
		                    " AND registration_date BETWEEN %Q AND %Q",
		                    from, to);
		int64_t reg = tu_int(ctx, q);
		sqlite3_free(q);
		size_t e = row_of(t, ENGLAND);
		if (num(t, e, "homes_with_enforcement") != enf || num(t, e, "registrations") != reg)
			fail_msg("case %zu: %lld enforcement, %lld registrations; want %lld, %lld", i + 1,
			         (long long)num(t, e, "homes_with_enforcement"), (long long)num(t, e, "registrations"),
			         (long long)enf, (long long)reg);
		assert_true(i == 2 || reg > 0);
		char period[32];
		snprintf(period, sizeof period, "%s/%s", from, to);
		assert_string_equal(haven_table_meta(t, "period"), period);
		haven_table_free(t);
	}
}

/* A rate of row r: its number, or its symbol in sym. */
static double rate(const haven_table *t, size_t r, const char *name, const char **sym)
{
	int c = col(t, name);
	*sym = haven_table_type(ctx, t, r, c) == HAVEN_CELL_TEXT ? haven_table_text(ctx, t, r, c) : NULL;
	return haven_table_real(ctx, t, r, c);
}

/* 6. Rates: places over DfE's children looked after (x 100) and under-18
 *    population (x 10,000) of the same area on the last 31 March; the
 *    symbols DfE published in place of a figure carried over. */
static void test_rates(void **state)
{
	(void)state;
	haven_table *t =
	    aggregate("la", "places,children_looked_after,places_per_100_cla,places_per_10k_children", NULL, NULL);
	static const char *const at_31_march[] = {"population_type=Children looked after on 31 March each year", NULL};
	size_t checked = 0;
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		const char *code = text(t, r, "area_code"), *sym;
		double per_cla = rate(t, r, "places_per_100_cla", &sym);
		haven_stats_key k = {.dataset = "dfe_cla_number_and_rate_per_10k_by_la",
		                     .indicator = "children_count",
		                     .filters = at_31_march,
		                     .time_period = "2025",
		                     .area_code = code};
		double cla, pop;
		char s1[HAVEN_STATS_SYMBOL_MAX], s2[HAVEN_STATS_SYMBOL_MAX];
		tu_ok(ctx, haven_stats_value(ctx, &k, &cla, s1));
		k.indicator = "population_estimate";
		tu_ok(ctx, haven_stats_value(ctx, &k, &pop, s2));
		if (*s1) {
			assert_non_null(sym);
			assert_string_equal(sym, s1);
			continue;
		}
		if (sym)
			fail_msg("%s: places_per_100_cla is '%s'", code, sym);
		assert_int_equal(num(t, r, "children_looked_after"), (int64_t)cla);
		double want = (double)num(t, r, "places") / cla * 100;
		if (per_cla < want - 1e-9 || per_cla > want + 1e-9)
			fail_msg("%s: %g places per 100 looked after, want %g", code, per_cla, want);
		double per_10k = rate(t, r, "places_per_10k_children", &sym);
		want = (double)num(t, r, "places") / pop * 10000;
		if (sym || per_10k < want - 1e-9 || per_10k > want + 1e-9)
			fail_msg("%s: %g places per 10,000 children, want %g", code, per_10k, want);
		checked++;
	}
	assert_true(checked >= 150);
	size_t e = row_of(t, ENGLAND);
	assert_int_equal(num(t, e, "children_looked_after"), 81770);
	const char *sym;
	assert_true(rate(t, e, "places_per_100_cla", &sym) > 19.25 && !sym); /* 15,742 / 81,770 */
	/* DfE's own symbols: the City of London's looked-after children are
	 * suppressed ("c"), the Isles of Scilly have none ("z"). */
	rate(t, row_of(t, "E09000001"), "places_per_100_cla", &sym);
	assert_string_equal(sym, "c");
	rate(t, row_of(t, "E06000053"), "places_per_100_cla", &sym);
	assert_string_equal(sym, "z");
	assert_string_equal(haven_table_meta(t, "places_per_100_cla.period"),
	                    "2025: dfe_cla_number_and_rate_per_10k_by_la");
	haven_table_free(t);
	/* As at a date before the first year held: not available. */
	const char *names[] = {"places", "places_per_100_cla"};
	haven_aggregate_opts o = {.geography = "region", .measures = names, .n_measures = 2, .as_at = "2020-06-30"};
	tu_ok(ctx, haven_aggregate(ctx, &o, &t));
	tu_release(ctx, t);
	rate(t, row_of(t, ENGLAND), "places_per_100_cla", &sym);
	assert_string_equal(sym, "x");
	assert_string_equal(haven_table_meta(t, "places_per_100_cla.period"),
	                    "none held for the as-at date: dfe_cla_number_and_rate_per_10k_by_la");
	haven_table_free(t);
	/* Districts and force areas have no statistics. */
	t = aggregate("pfa", "places,places_per_100_cla", NULL, NULL);
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		rate(t, r, "places_per_100_cla", &sym);
		if (strcmp(text(t, r, "geographic_level"), "england") == 0)
			assert_null(sym);
		else
			assert_string_equal(sym, "x");
	}
	haven_table_free(t);
}

/* 7. Bad requests: refused with a message, nothing made. */
static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *geo, *measures, *as_at, *from, *to;
		haven_status want;
		const char *msg;
	} cases[] = {
	    /* 1 */ {"county", NULL, NULL, NULL, NULL, HAVEN_ERR_USAGE, "geography 'county'"},
	    /* 2 */ {"grid:50", NULL, NULL, NULL, NULL, HAVEN_ERR_USAGE, "whole metres from 100"},
	    /* 3 */ {"grid:1000.5", NULL, NULL, NULL, NULL, HAVEN_ERR_USAGE, "whole metres"},
	    /* 4 */ {"grid:", NULL, NULL, NULL, NULL, HAVEN_ERR_USAGE, "whole metres"},
	    /* 5 */ {"la", "homes,beds", NULL, NULL, NULL, HAVEN_ERR_USAGE, "'beds' is not a measure"},
	    /* 6 */ {"la", "homes,homes", NULL, NULL, NULL, HAVEN_ERR_USAGE, "asked for twice"},
	    /* 7 */ {"la", "places_per_100_cla", NULL, NULL, NULL, HAVEN_ERR_USAGE, "ask for places too"},
	    /* 8 */ {"grid:1000", "places", NULL, NULL, NULL, HAVEN_ERR_USAGE, "add the measure homes"},
	    /* 9 */ {"grid:1000", "homes,closures", NULL, NULL, NULL, HAVEN_ERR_USAGE, "not available on a grid"},
	    /* 10 */ {"la", NULL, "2025-02-30", NULL, NULL, HAVEN_ERR_VALUE, "'2025-02-30' is not a date"},
	    /* 11 */ {"la", NULL, NULL, "2025-01-01", "2024-01-01", HAVEN_ERR_VALUE, "runs backwards"},
	    /* 12 */ {"la", NULL, NULL, "01/01/2025", NULL, HAVEN_ERR_VALUE, "not a date"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[256];
		const char *names[8];
		size_t n = 0;
		if (cases[i].measures) {
			snprintf(buf, sizeof buf, "%s", cases[i].measures);
			for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				names[n++] = tok;
		}
		haven_aggregate_opts o = {.geography = cases[i].geo,
		                          .measures = names,
		                          .n_measures = n,
		                          .as_at = cases[i].as_at,
		                          .from = cases[i].from,
		                          .to = cases[i].to};
		haven_table *t = (haven_table *)&o; /* must be set to NULL */
		haven_status st = haven_aggregate(ctx, &o, &t);
		if (st != cases[i].want || t || !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("case %zu: %s '%s'", i + 1, haven_status_name(st), haven_errmsg(ctx));
	}
}

/* 8. Who asks: DfE (aggregates only, national) gets the whole table; a
 *    police analyst gets the force's LAs and their total, never England's
 *    or a region's label on a part of it. */
static void test_audiences(void **state)
{
	(void)state;
	tu_act(ctx, "dee");
	haven_table *t = aggregate("la", NULL, NULL, NULL);
	assert_int_equal(num(t, row_of(t, ENGLAND), "homes"), HOMES);
	assert_int_equal(count_level(t, "la"), 153);
	haven_table_free(t);
	tu_act(ctx, "ana");
	t = aggregate("la", NULL, NULL, NULL);
	const char *wy[] = {"E08000032", "E08000033", "E08000034", "E08000035", "E08000036"};
	assert_int_equal(count_level(t, "la"), 5);
	assert_int_equal(count_level(t, "region"), 0);
	assert_int_equal(count_level(t, "england"), 0);
	int64_t sum = 0;
	for (size_t i = 0; i < 5; i++) {
		size_t r = row_of(t, wy[i]);
		assert_int_equal(
		    num(t, r, "homes"),
		    sqlf("SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code = %Q", wy[i]));
		assert_string_equal(text(t, r, "parent"), "scope");
		sum += num(t, r, "homes");
	}
	size_t s = row_of(t, "scope");
	assert_string_equal(text(t, s, "geographic_level"), "scope");
	assert_int_equal(num(t, s, "homes"), sum);
	assert_non_null(strstr(haven_table_meta(t, "scope"), "West Yorkshire"));
	haven_table_free(t);
	tu_act(ctx, "admin");
}

/* 9. Closures: homes missing from a later snapshot count where they were,
 *    in the period of that snapshot, and leave the homes counted. */
static void test_closures(void **state)
{
	(void)state;
	/* A second snapshot without the register's first three homes. */
	size_t n;
	char *csv = tu_read(tu_national("synth/register.csv"), &n);
	char *p = csv;
	for (int line = 0; line < 4; line++)
		p = strchr(p, '\n') + 1;
	char *header_end = strchr(csv, '\n') + 1;
	char *urns[3];
	char *q = header_end;
	for (int i = 0; i < 3; i++) {
		urns[i] = strndup(q, strcspn(q, ","));
		q = strchr(q, '\n') + 1;
	}
	size_t hl = (size_t)(header_end - csv);
	char *later = malloc(n);
	memcpy(later, csv, hl);
	memcpy(later + hl, p, n - (size_t)(p - csv));
	const char *path = tu_write_bytes("later.csv", later, hl + n - (size_t)(p - csv));
	haven_register_report rep;
	tu_ok(ctx, haven_register_import(ctx, path, "2025-04-14", 0, &rep));
	haven_table *t = aggregate("la", "homes,closures", "2025-04-01", "2025-04-14");
	size_t e = row_of(t, ENGLAND);
	assert_int_equal(num(t, e, "homes"), HOMES - 3);
	assert_int_equal(num(t, e, "closures"), 3);
	for (int i = 0; i < 3; i++) {
		int64_t in_la = 0;
		char *sql = sqlite3_mprintf("SELECT la_code FROM home_version WHERE urn = %Q", urns[i]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		in_la = num(t, row_of(t, (const char *)sqlite3_column_text(st, 0)), "closures");
		sqlite3_finalize(st);
		sqlite3_free(sql);
		assert_true(in_la >= 1);
		free(urns[i]);
	}
	haven_table_free(t);
	/* Before the closing snapshot's period: none. */
	t = aggregate("la", "homes,closures", "2024-04-01", "2025-03-31");
	assert_int_equal(num(t, row_of(t, ENGLAND), "closures"), 0);
	haven_table_free(t);
	free(later);
	free(csv);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_la), cmocka_unit_test(test_parts), cmocka_unit_test(test_geographies),
        cmocka_unit_test(test_grid), cmocka_unit_test(test_period), cmocka_unit_test(test_rates),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_audiences), cmocka_unit_test(test_closures))
