/*
 * export_table.c - test helper: export a national table of areas.
 *
 *   export_table STORE FORMAT PATH [--as USER] [--layer NAME] [--crs CRS]
 *                [--level LEVEL] [--overwrite] [--with ROLE]
 *
 * Built only for the tests, never installed.  Until the aggregation lands,
 * this makes a table of its shape from a store holding the la and region
 * boundaries and a register: one row per LA, per region and for England,
 * with polygons, parents, counts of the current homes and places by sector,
 * metadata, and GSS symbols ("c" for a count of voluntary homes of 1 or 2;
 * "x" for what no statistics were loaded for).  It is released to USER
 * (haven_release) and written with hv_export_write; stdout says how many
 * rows and how long the write took.  --with ROLE adds a column "extra" of
 * that role (home, text, geometry:point: what an export must refuse).
 * Exits with the status's number.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/table.h"
#include "haven/gate.h"
#include "haven/govern.h"
#include "out/export.h"
#include "tool.h"

/* Homes and places of each LA; a region's and England's are their LAs'. */
static const char sql[] =
    "WITH h AS (SELECT la_code, count(*) AS homes, sum(places) AS places, sum(sector = 'Private') AS private,"
    "  sum(sector = 'Voluntary') AS voluntary, sum(sector = 'Local Authority') AS la"
    "  FROM home_version WHERE valid_to IS NULL GROUP BY la_code),"
    " l AS (SELECT a.code, a.name, a.geom, (SELECT code FROM area_la r WHERE r.kind = 'region' AND r.la_code = a.code)"
    "  AS region, coalesce(h.homes, 0) AS homes, coalesce(h.places, 0) AS places, coalesce(h.private, 0) AS private,"
    "  coalesce(h.voluntary, 0) AS voluntary, coalesce(h.la, 0) AS la"
    "  FROM area a LEFT JOIN h ON h.la_code = a.code WHERE a.kind = 'la'),"
    " rows AS (SELECT 1 AS k, 'la' AS level, code, name, region AS parent, AsBinary(geom) AS geom, homes, places,"
    "  private, voluntary, la FROM l"
    "  UNION ALL SELECT 2, 'region', r.code, r.name, 'E92000001', AsBinary(r.geom), sum(l.homes), sum(l.places),"
    "  sum(l.private), sum(l.voluntary), sum(l.la) FROM area r JOIN l ON l.region = r.code"
    "  WHERE r.kind = 'region' GROUP BY r.code"
    "  UNION ALL SELECT 3, 'england', 'E92000001', 'England', NULL,"
    "  (SELECT AsBinary(ST_Union(geom)) FROM area WHERE kind = 'region'), sum(homes), sum(places), sum(private),"
    "  sum(voluntary), sum(la) FROM l)"
    " SELECT level AS geographic_level, code AS area_code, name AS area_name, parent, geom, homes, places,"
    "  private AS homes_private, CASE WHEN voluntary BETWEEN 1 AND 2 THEN 'c' ELSE voluntary END AS homes_voluntary,"
    "  la AS homes_local_authority, 'x' AS children_looked_after, 'x' AS places_per_10k_children%s"
    " FROM rows ORDER BY k, code";

static const char roles[] =
    "geographic_level=label area_code=area:any area_name=label parent=parent geom=geometry:area homes=count:homes "
    "places=count:places homes_private=count:homes homes_voluntary=count:homes homes_local_authority=count:homes "
    "children_looked_after=count:children places_per_10k_children=rate:places";

static const char *const meta[][2] = {
    {"as_at", "2025-03-31"},
    {"source_snapshots", "register 2025-03-31"},
    {"generated_at", "2025-04-15T09:00:00Z"},
    {"disclosure_rule", "voluntary homes: 1 or 2 suppressed (test table)"},
    {"cells_suppressed", "0"},
    {"cells_rounded", "0"},
    {"attribution", "Contains public sector information from ONS, Ofsted and DfE licensed under the Open "
                    "Government Licence v3.0"},
};

static haven_status build(haven_ctx *ctx, const char *with, haven_table **t)
{
	char extra[64] = "", spec[1024];
	if (with)
		snprintf(extra, sizeof extra, ", 'SC000001' AS extra");
	snprintf(spec, sizeof spec, "%s%s%s", roles, with ? " extra=" : "", with ? with : "");
	sqlite3_stmt *st = NULL;
	haven_status rc = hv_preparef(ctx, &st, sql, extra);
	if (!rc)
		rc = hv_table_listing(ctx, "homes and places by area", st, spec, NULL, t);
	sqlite3_finalize(st);
	if (!rc)
		rc = hv_table_sum(ctx, *t, "homes", "homes_private homes_voluntary homes_local_authority");
	for (size_t i = 0; !rc && i < sizeof meta / sizeof meta[0]; i++)
		rc = hv_table_meta_set(ctx, *t, meta[i][0], meta[i][1]);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: export_table STORE FORMAT PATH [--as USER] [--layer NAME] [--crs CRS] "
		                "[--level LEVEL] [--overwrite] [--with ROLE]\n");
		return 2;
	}
	hv_export_opts o = {.format = argv[2], .path = argv[3]};
	const char *user = "admin", *with = NULL;
	for (int i = 4; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--overwrite") == 0) {
			o.overwrite = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "export_table: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--as") == 0)
			user = v;
		else if (strcmp(a, "--layer") == 0)
			o.layer = v;
		else if (strcmp(a, "--crs") == 0)
			o.crs = v;
		else if (strcmp(a, "--level") == 0)
			o.level = v;
		else if (strcmp(a, "--with") == 0)
			with = v;
		else {
			fprintf(stderr, "export_table: unknown option %s\n", a);
			return 2;
		}
		i++;
	}
	haven_ctx *ctx;
	haven_table *t = NULL;
	haven_status st = tool_open(argv[1], &ctx);
	haven_act_opts act = {.user = user};
	if (!st)
		st = haven_act(ctx, &act);
	if (!st)
		st = build(ctx, with, &t);
	/* The release's audit entry goes in the transaction tool_end commits. */
	if (!st)
		st = hv_begin(ctx);
	if (!st)
		st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!st) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		st = hv_export_write(ctx, t, &o);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (!st)
			printf("%s: %zu rows in %.3f s\n", o.format, haven_table_nrows(ctx, t),
			       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	}
	haven_table_free(t);
	return tool_end("export_table", ctx, st);
}
