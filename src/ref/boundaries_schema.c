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

/* Schema 13: each LA's population-weighted centre (ref/centres.c), the
 * origin of a placement that gives no postcode district.  One set at a
 * time: a load replaces it whole (la_centre_load records each load that
 * changed it).  Eastings and northings, EPSG:27700, as read (not rounded);
 * code is an LA's code in the area table (kind 'la') when loaded. */
static const char schema_v13[] =
    "CREATE TABLE la_centre_load("
    " id INTEGER PRIMARY KEY, source TEXT NOT NULL, loaded_at TEXT NOT NULL, centres INTEGER NOT NULL,"
    " near INTEGER NOT NULL, code_field TEXT NOT NULL, point_from TEXT NOT NULL, source_crs TEXT NOT NULL);"
    "CREATE TABLE la_centre("
    " code TEXT PRIMARY KEY, x REAL NOT NULL, y REAL NOT NULL,"
    " load_id INTEGER NOT NULL REFERENCES la_centre_load(id), source_row INTEGER NOT NULL) WITHOUT ROWID;";

static const hv_schema_step steps[] = {{1, schema_v1, NULL}, {5, schema_v5, relate_areas}, {13, schema_v13, NULL}};

/* The areas held, by kind; the LA centres when any are loaded. */
static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	return hv_info_grouped(
	    ctx, t, "boundaries",
	    "SELECT kind, count(*) FROM area GROUP BY kind"
	    " UNION ALL SELECT 'la centres', count(*) FROM la_centre HAVING count(*) > 0 ORDER BY 1");
}

const hv_module hv_boundaries_module = {"boundaries", steps, sizeof steps / sizeof steps[0], counts};
