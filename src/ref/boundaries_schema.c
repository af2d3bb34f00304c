/*
 * boundaries_schema.c - the boundaries module's tables in the store, as
 * steps the store's registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"
#include "ref/areas.h"

/* Schema 1: ONS boundaries, one row per area of each kind, and a record of
 * each load.  The geometry column is added by AddGeometryColumn so
 * SpatiaLite knows its SRID and type. */
static const char schema_v1[] =
    "CREATE TABLE area("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('la','district','pfa','region')),"
    " code TEXT NOT NULL, name TEXT NOT NULL,"
    " UNIQUE(kind, code));"
    "SELECT AddGeometryColumn('area', 'geom', 27700, 'MULTIPOLYGON', 'XY', 1);"
    "SELECT CreateSpatialIndex('area', 'geom');"
    "CREATE TABLE area_load("
    " id INTEGER PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, loaded_at TEXT NOT NULL,"
    " features INTEGER NOT NULL, repaired INTEGER NOT NULL,"
    " code_field TEXT NOT NULL, name_field TEXT NOT NULL, source_crs TEXT NOT NULL);";

/* Schema 5: which local authorities each loaded area holds (ref/areas.c),
 * rebuilt by every boundary load; scopes are recorded from it and the gate
 * tells from it whether a row's area is in scope.  A store upgraded to 5
 * gets it from the boundaries it already holds. */
static const char schema_v5[] = "CREATE TABLE area_la(kind TEXT NOT NULL, code TEXT NOT NULL, la_code TEXT NOT NULL,"
                                " PRIMARY KEY(kind, code, la_code)) WITHOUT ROWID;";

static haven_status relate_areas(haven_ctx *ctx, const haven_owner *owner)
{
	(void)owner;
	return hv_area_la_rebuild(ctx, NULL);
}

static const hv_schema_step steps[] = {{1, schema_v1, NULL}, {5, schema_v5, relate_areas}};

/* The areas held, by kind. */
static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	return hv_info_grouped(ctx, t, "boundaries", "SELECT kind, count(*) FROM area GROUP BY kind ORDER BY kind");
}

const hv_module hv_boundaries_module = {"boundaries", steps, sizeof steps / sizeof steps[0], counts};
