/*
 * export.c - a released table of areas (the aggregates DfE receives) leaves
 * as GeoJSON, GeoPackage, FlatGeobuf, CSV or a PostGIS table, every format
 * written by GDAL/OGR.  docs/export.md is the contract.
 *
 * What leaves is what the gate released, and only aggregates: a table with a
 * column naming a home or a person (role home, text or geometry:point), or
 * a column whose role nobody declared, is refused whoever asks.  The
 * table's metadata (as-at, sources, the disclosure rule and what it did,
 * attributions) and its protective marking go with the rows in every
 * format.  A GSS symbol in a count or rate column cannot sit in a numeric
 * field: typed formats carry it in a text field NAME_symbol beside a NULL.
 *
 * Files: GDAL must create the file itself (and deletes whatever is at the
 * name it is given), and some of its drivers miss a failed write (GDAL 3.6's
 * CSV and GeoJSON writers carry on past a full disk).  So GDAL writes under
 * a fixed name inside a private directory of /vsimem/ (memory, where a
 * failure is an error GDAL reports), and the bytes go to disk through
 * haven's own output file (src/core/output.c): a temporary name, 0600, every
 * write checked, put in place whole, an existing file replaced only when
 * told to.
 * PostGIS: the table is made and filled in one transaction, so it appears
 * whole or not at all.
 */
#include <cjson/cJSON.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/keys.h"
#include "core/output.h"
#include "core/text.h"
#include "gate/gate.h"
#include "haven/export.h"
#include "out/export.h"

/* Where a format keeps the table's metadata. */
typedef enum meta_home {
	META_MEMBER,  /* GeoJSON: the foreign member "metadata" (GDAL's NATIVE_DATA) */
	META_GDAL,    /* GeoPackage: the layer's metadata, in gpkg_metadata */
	META_SIDECAR, /* CSV, FlatGeobuf: PATH.meta.json */
	META_COMMENT  /* PostGIS: the table's comment (the PG driver's DESCRIPTION) */
} meta_home;

typedef struct format {
	const char *name, *driver, *ext;
	int typed;              /* numbers as numbers, symbols in NAME_symbol; else every cell is text */
	int geometry;           /* the layer has the table's geometry */
	int crs;                /* o->crs applies */
	meta_home meta;         /* where the metadata goes */
	const char *const *lco; /* layer creation options */
} format;

/* RFC 7946 (the geometries are already CRS84 on its grid: make_geoms):
 * GDAL winds exterior rings anticlockwise, writes bbox members and no crs
 * member; the foreign members come in NATIVE_DATA (options()). */
static const char *const geojson_lco[] = {"RFC7946=YES", "WRITE_BBOX=YES", "COORDINATE_PRECISION=6",
                                          "NATIVE_MEDIA_TYPE=application/vnd.geo+json", NULL};
static const char *const gpkg_lco[] = {"FID=fid", "SPATIAL_INDEX=YES", NULL};
static const char *const fgb_lco[] = {"SPATIAL_INDEX=YES", NULL};
/* RFC 4180, as haven's other CSV; no .csvt beside it. */
static const char *const csv_lco[] = {"LINEFORMAT=CRLF", "STRING_QUOTING=IF_NEEDED", "CREATE_CSVT=NO",
                                      "SEPARATOR=COMMA", NULL};
/* Column names as the table has them (no laundering), unsized types. */
static const char *const pg_lco[] = {"FID=fid", "PRECISION=NO", "LAUNDER=NO", NULL};

static const format formats[] = {
    {"geojson", "GeoJSON", "geojson", 1, 1, 0, META_MEMBER, geojson_lco},
    {"gpkg", "GPKG", "gpkg", 1, 1, 1, META_GDAL, gpkg_lco},
    {"fgb", "FlatGeobuf", "fgb", 1, 1, 1, META_SIDECAR, fgb_lco},
    {"csv", "CSV", "csv", 0, 0, 0, META_SIDECAR, csv_lco},
    {"postgis", "PostgreSQL", NULL, 1, 1, 1, META_COMMENT, pg_lco},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* The GSS symbols a measure cell may hold instead of a number: suppressed,
 * not applicable, not available, rounds to zero, a low figure, low
 * reliability. */
static const char *const symbols[] = {"c", "z", "x", "k", "low", "u"};
#define NSYMBOLS (sizeof symbols / sizeof symbols[0])

/* The levels of the aggregate table's geographic_level column. */
static const char *const levels[] = {"la", "district", "pfa", "region", "england", "grid", "unlocated", "scope"};
#define NLEVELS (sizeof levels / sizeof levels[0])

static const char refusal_text[] = "not replaced without --force";

typedef struct field {
	int col;           /* the table's column */
	int measure;       /* a count or a rate: may hold a GSS symbol */
	OGRFieldType type; /* the layer field's type */
	int ogr;           /* the layer's field index */
	int symbol;        /* the index of NAME_symbol, or -1 */
} field;

struct job;

/* The geometries' worker (shape_rows()) and what it shares with the
 * writer, under mu: rows below done are ready in job->geoms. */
typedef struct shaper {
	struct job *j;
	const char *crs;    /* the layer's CRS, or NULL: EPSG:27700, no transform */
	int geojson;        /* put on GeoJSON's grid */
	int polygons;       /* every geometry is a (multi)polygon */
	int started;        /* mu and ready are initialised */
	int thread_started; /* thread runs shape_rows() */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t ready; /* done, failed or finished changed */
	size_t done;          /* rows [0, done) are shaped */
	int failed;           /* the shaper failed on row done: code, msg say why */
	haven_status code;
	int finished; /* the shaper has returned */
	int stop;     /* the writer asks the shaper to stop */
	char msg[512];
	char geos_msg[400]; /* GEOS's last message to the shaper's handle */
} shaper;

typedef struct job {
	haven_ctx *ctx;
	const haven_table *t;
	const haven_export_opts *o;
	const format *f;
	const char *layer;
	const char *marking;      /* the table's, or NULL */
	size_t nrows;             /* the table's rows */
	unsigned char *keep;      /* keep[r]: row r is exported */
	int gcol;                 /* the geometry column, or -1 */
	field *fields;            /* one per attribute column */
	int nfields;              /* how many */
	OGRGeometryH *geoms;      /* per row: its geometry, in the layer's CRS once shaped, or NULL */
	shaper shape;             /* shapes geoms beside the writer */
	OGRwkbGeometryType gtype; /* the layer's geometry type */
	OGRSpatialReferenceH srs; /* the layer's CRS, or NULL when it has no geometry */
	cJSON *meta;              /* the marking and the table's metadata */
	char *where;              /* what messages call the destination */
} job;

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static int one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* A name for a layer or a PostGIS table: a letter or underscore, then
 * letters, digits, underscores; at most 63 (PostgreSQL's limit). */
static int plain_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63 || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") != n)
		return 0;
	return !(s[0] >= '0' && s[0] <= '9');
}

/* AUTHORITY:CODE (EPSG:4326, OGC:CRS84): never a file name or a URL, which
 * GDAL would otherwise read or fetch. */
static int authority_code(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || !colon[1])
		return 0;
	size_t a = (size_t)(colon - s);
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == a &&
	       strspn(colon + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == strlen(colon + 1);
}

static int is_mem(const char *path)
{
	return strncmp(path, "/vsimem/", 8) == 0;
}

static haven_status check_options(haven_ctx *ctx, const haven_export_opts *o, const format **out)
{
	*out = NULL;
	for (size_t i = 0; o->format && i < NFORMATS; i++)
		if (strcmp(o->format, formats[i].name) == 0)
			*out = &formats[i];
	const format *f = *out;
	if (!f)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "export format '%s' is not one of geojson, gpkg, fgb, csv, postgis",
		                o->format ? o->format : "");
	if (!o->path || !*o->path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "an export needs somewhere to go");
	int pg = strncmp(o->path, "PG:", 3) == 0;
	if (f->meta == META_COMMENT && !pg)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a postgis export goes to a database: PG:conninfo");
	if (f->meta != META_COMMENT && (pg || (strncmp(o->path, "/vsi", 4) == 0 && !is_mem(o->path))))
		return hv_error(ctx, HAVEN_ERR_USAGE, "%s: a %s export goes to a file or to /vsimem/", o->path,
		                f->name);
	if (o->layer && !plain_name(o->layer))
		return hv_error(
		    ctx, HAVEN_ERR_USAGE,
		    "layer name '%s': letters, digits and underscores, not starting with a digit, at most 63",
		    o->layer);
	if (o->crs && !f->crs)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "%s takes no CRS: GeoJSON is always RFC 7946 CRS84 and CSV has no geometry", f->name);
	if (o->crs && !authority_code(o->crs))
		return hv_error(ctx, HAVEN_ERR_CRS, "CRS '%s': give it as AUTHORITY:CODE, e.g. EPSG:4326", o->crs);
	if (o->level && !one_of(o->level, levels, NLEVELS))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "level '%s' is not one of la, district, pfa, region, england, grid, unlocated, scope",
		                o->level);
	return HAVEN_OK;
}

/* An export holds aggregates only: every column says what it holds, and none
 * names a home or a person; at most one geometry, an area's. */
static haven_status check_columns(job *j)
{
	const haven_table *t = j->t;
	const char *record = hv_gate_record_column(t);
	if (record)
		return hv_error(
		    j->ctx, HAVEN_ERR_DENIED,
		    "'%s' cannot be exported: column '%s' names homes or people; an export holds aggregates "
		    "only",
		    haven_table_title(t), record);
	j->gcol = -1;
	for (int c = 0; c < haven_table_ncols(t); c++) {
		const char *sub, *name = haven_table_colname(t, c);
		haven_role role = haven_table_role(t, c, &sub);
		if (role == HAVEN_ROLE_NONE)
			return hv_error(j->ctx, HAVEN_ERR_DENIED,
			                "'%s' cannot be exported: column '%s' has no role, so nothing says it names no "
			                "home or person",
			                haven_table_title(t), name);
		if (role == HAVEN_ROLE_GEOMETRY && j->gcol >= 0)
			return hv_error(j->ctx, HAVEN_ERR_USAGE,
			                "'%s' has two geometry columns, '%s' and '%s'; a layer has one",
			                haven_table_title(t), haven_table_colname(t, j->gcol), name);
		if (role == HAVEN_ROLE_GEOMETRY)
			j->gcol = c;
	}
	return HAVEN_OK;
}

static haven_status select_rows(job *j)
{
	j->nrows = haven_table_nrows(j->ctx, j->t);
	if (!(j->keep = malloc(j->nrows ? j->nrows : 1)))
		return nomem(j->ctx);
	int lc = haven_table_find(j->t, "geographic_level");
	if (j->o->level && lc < 0)
		return hv_error(j->ctx, HAVEN_ERR_USAGE, "'%s' has no geographic_level column to keep level '%s' of",
		                haven_table_title(j->t), j->o->level);
	for (size_t r = 0; r < j->nrows; r++) {
		const char *lv = j->o->level ? haven_table_text(j->ctx, j->t, r, lc) : NULL;
		j->keep[r] = (unsigned char)(!j->o->level || (lv && strcmp(lv, j->o->level) == 0));
	}
	/* GDAL's FlatGeobuf writer (3.6) drops a feature without geometry
	 * without a word: a total with no polygon of its own (England, a
	 * scope's total, unlocated homes) would vanish.  Refused instead. */
	int ac = haven_table_find(j->t, "area_name");
	for (size_t r = 0; strcmp(j->f->name, "fgb") == 0 && j->gcol >= 0 && r < j->nrows; r++)
		if (j->keep[r] && haven_table_type(j->ctx, j->t, r, j->gcol) == HAVEN_CELL_NULL)
			return hv_error(
			    j->ctx, HAVEN_ERR_USAGE,
			    "FlatGeobuf cannot hold a row without a polygon, and row %zu ('%s') has none: export "
			    "one level that has polygons (--level la, region, ...) or use gpkg",
			    r + 1,
			    ac >= 0 && haven_table_text(j->ctx, j->t, r, ac) ? haven_table_text(j->ctx, j->t, r, ac)
			                                                     : "?");
	return HAVEN_OK;
}

/* One field per column but the geometry, typed by its cells: integer, real,
 * or text as soon as one cell is text (a symbol aside). */
static haven_status plan_fields(job *j)
{
	haven_ctx *ctx = j->ctx;
	const haven_table *t = j->t;
	int ncols = haven_table_ncols(t);
	if (!(j->fields = calloc((size_t)(ncols ? ncols : 1), sizeof *j->fields)))
		return nomem(ctx);
	for (int c = 0; c < ncols; c++) {
		if (c == j->gcol)
			continue;
		const char *name = haven_table_colname(t, c);
		haven_role role = haven_table_role(t, c, NULL);
		field *fd = &j->fields[j->nfields++];
		fd->col = c;
		fd->measure = role == HAVEN_ROLE_COUNT || role == HAVEN_ROLE_RATE;
		fd->ogr = fd->symbol = -1;
		int ints = 0, reals = 0, texts = 0;
		for (size_t r = 0; r < j->nrows; r++) {
			if (!j->keep[r])
				continue;
			const char *s = haven_table_text(ctx, t, r, c);
			switch (haven_table_type(ctx, t, r, c)) {
			case HAVEN_CELL_NULL: break;
			case HAVEN_CELL_INT: ints++; break;
			case HAVEN_CELL_REAL: reals++; break;
			case HAVEN_CELL_TEXT:
				if (fd->measure && !one_of(s, symbols, NSYMBOLS))
					return hv_error(
					    ctx, HAVEN_ERR_USAGE,
					    "'%s': column '%s', row %zu: '%s' is neither a number nor a GSS "
					    "symbol (c, z, x, k, low, u)",
					    haven_table_title(t), name, r + 1, s);
				texts += !fd->measure;
				break;
			case HAVEN_CELL_GEOM:
				return hv_error(ctx, HAVEN_ERR_USAGE,
				                "'%s': column '%s' holds a geometry but is not the geometry column",
				                haven_table_title(t), name);
			}
		}
		if (!j->f->typed || texts)
			fd->type = OFTString;
		else if (reals || (!ints && role == HAVEN_ROLE_RATE))
			fd->type = OFTReal;
		else if (ints || fd->measure)
			fd->type = OFTInteger64;
		else
			fd->type = OFTString; /* nothing in it: text, the widest */
		if (fd->measure && j->f->typed) {
			char sym[256];
			snprintf(sym, sizeof sym, "%s_symbol", name);
			if (haven_table_find(t, sym) >= 0)
				return hv_error(ctx, HAVEN_ERR_USAGE,
				                "'%s' has a column '%s', the name of the symbols of '%s'",
				                haven_table_title(t), sym, name);
		}
	}
	if (!j->f->typed && j->marking && haven_table_find(t, "protective_marking") >= 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' has a column 'protective_marking', the marking's own",
		                haven_table_title(t));
	return HAVEN_OK;
}

/* RFC 7946's grid: GeoJSON positions have 6 decimals (about 10 cm). */
#define GRID_SCALE 1e6

/* Ring r with every position rounded to GeoJSON's grid and repeats
 * dropped, into *out; NULL when it encloses nothing there (a sliver under
 * the grid).  0, or -1 when out of memory. */
static int round_ring(OGRGeometryH r, OGRGeometryH *out)
{
	int n = OGR_G_GetPointCount(r), m = 0;
	double px = 0, py = 0, area = 0;
	if (!(*out = OGR_G_CreateGeometry(wkbLinearRing)))
		return -1;
	for (int i = 0; i < n; i++) {
		double x = round(OGR_G_GetX(r, i) * GRID_SCALE) / GRID_SCALE;
		double y = round(OGR_G_GetY(r, i) * GRID_SCALE) / GRID_SCALE;
		if (m && x == px && y == py)
			continue;
		if (m)
			area += px * y - x * py;
		OGR_G_AddPoint_2D(*out, x, y);
		px = x;
		py = y;
		m++;
	}
	if (m < 4 || area == 0) {
		OGR_G_DestroyGeometry(*out);
		*out = NULL;
	}
	return 0;
}

/* GEOS's view of OGR geometry g (NULL: GEOS's message on its handle). */
static GEOSGeometry *to_geos(GEOSContextHandle_t geos, OGRGeometryH g)
{
	size_t n = (size_t)OGR_G_WkbSize(g);
	unsigned char *wkb = malloc(n ? n : 1);
	GEOSGeometry *a =
	    wkb && OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE ? GEOSGeomFromWKB_buf_r(geos, wkb, n) : NULL;
	free(wkb);
	return a;
}

/* Polygon p (CRS84) on GeoJSON's grid, its parts added to the multipolygon
 * out.  Rounding alone can make a sliver collapse to a spike or two edges
 * cross (the boundary files and unions of them hold thousands of features
 * under 10 cm), and then a ring has no winding RFC 7946's right-hand rule
 * can give; such a polygon is snapped to the grid by GEOS instead, which
 * keeps it valid (a polygon at a time: snapping is costly, and most need
 * no more than rounding).  0, or -1 with GEOS's message on its handle. */
static int on_grid(GEOSContextHandle_t geos, OGRGeometryH p, OGRGeometryH out)
{
	OGRGeometryH q = OGR_G_CreateGeometry(wkbPolygon), ring;
	int rc = q ? 0 : -1;
	for (int k = 0; !rc && k < OGR_G_GetGeometryCount(p); k++) {
		if ((rc = round_ring(OGR_G_GetGeometryRef(p, k), &ring)) || (!ring && k == 0))
			break;
		if (ring)
			OGR_G_AddGeometryDirectly(q, ring);
	}
	GEOSGeometry *a = NULL, *b = NULL;
	char valid = 0;
	if (!rc && !OGR_G_IsEmpty(q) && (!(a = to_geos(geos, q)) || (valid = GEOSisValid_r(geos, a)) == 2))
		rc = -1;
	if (!rc && !OGR_G_IsEmpty(q) && valid)
		OGR_G_AddGeometry(out, q);
	if (!rc && !OGR_G_IsEmpty(q) && !valid) {
		GEOSGeom_destroy_r(geos, a);
		size_t n;
		unsigned char *wkb = NULL;
		OGRGeometryH res = NULL;
		if ((a = to_geos(geos, p)) && (b = GEOSGeom_setPrecision_r(geos, a, 1 / GRID_SCALE, 0)) &&
		    (wkb = GEOSGeomToWKB_buf_r(geos, b, &n)) &&
		    OGR_G_CreateFromWkb(wkb, NULL, &res, (int)n) == OGRERR_NONE) {
			/* a polygon, several (a pinched one splits), or nothing */
			res = OGR_G_ForceToMultiPolygon(res);
			for (int i = 0; res && i < OGR_G_GetGeometryCount(res); i++)
				if (!OGR_G_IsEmpty(OGR_G_GetGeometryRef(res, i)))
					OGR_G_AddGeometry(out, OGR_G_GetGeometryRef(res, i));
		} else {
			rc = -1;
		}
		if (res)
			OGR_G_DestroyGeometry(res);
		if (wkb)
			GEOSFree_r(geos, wkb);
	}
	if (a)
		GEOSGeom_destroy_r(geos, a);
	if (b)
		GEOSGeom_destroy_r(geos, b);
	if (q)
		OGR_G_DestroyGeometry(q);
	return rc;
}

/* Multipolygon g on GeoJSON's grid, polygon by polygon.  Takes g; returns a
 * new one, or NULL with GEOS's message on its handle. */
static OGRGeometryH polygons_on_grid(GEOSContextHandle_t geos, OGRGeometryH g)
{
	OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
	int rc = out ? 0 : -1;
	for (int i = 0; !rc && i < OGR_G_GetGeometryCount(g); i++)
		rc = on_grid(geos, OGR_G_GetGeometryRef(g, i), out);
	OGR_G_DestroyGeometry(g);
	if (rc && out) {
		OGR_G_DestroyGeometry(out);
		out = NULL;
	}
	return out;
}

static void shaper_geos_message(const char *msg, void *user)
{
	shaper *s = user;
	snprintf(s->geos_msg, sizeof s->geos_msg, "%s", msg);
}

/* The shaper's thread: each kept row's geometry transformed to the layer's
 * CRS, made a multipolygon, and put on GeoJSON's grid, in row order, each
 * handed over as it is done.  Everything it uses is its own (GEOS handle,
 * PROJ objects, GDAL's thread-local errors), so that it runs beside the
 * writer; it stops at the first failure, or when the writer stops. */
static void *shape_rows(void *arg)
{
	shaper *s = arg;
	job *j = s->j;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	GEOSContextHandle_t geos = GEOS_init_r();
	OGRSpatialReferenceH from = OSRNewSpatialReference(NULL), to = OSRNewSpatialReference(NULL);
	OGRCoordinateTransformationH ct = NULL;
	int failed = !geos || !from || !to;
	if (failed) {
		s->code = HAVEN_ERR_NOMEM;
		snprintf(s->msg, sizeof s->msg, "out of memory");
	} else
		GEOSContext_setErrorMessageHandler_r(geos, shaper_geos_message, s);
	if (!failed && s->crs) {
		OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
		OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
		if (OSRImportFromEPSG(from, 27700) != OGRERR_NONE || OSRSetFromUserInput(to, s->crs) != OGRERR_NONE ||
		    !(ct = OCTNewCoordinateTransformation(from, to))) {
			s->code = HAVEN_ERR_CRS;
			snprintf(s->msg, sizeof s->msg, "cannot transform EPSG:27700 to %s: %s", s->crs,
			         CPLGetLastErrorMsg());
			failed = 1;
		}
	}
	for (size_t r = 0; !failed && r < j->nrows; r++) {
		pthread_mutex_lock(&s->mu);
		int stop = s->stop;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		OGRGeometryH g = j->geoms[r];
		if (g && ct && OGR_G_Transform(g, ct) != OGRERR_NONE) {
			s->code = HAVEN_ERR_PROJ;
			snprintf(s->msg, sizeof s->msg, "cannot transform its geometry to %s: %s", s->crs,
			         CPLGetLastErrorMsg());
			failed = 1;
		}
		if (g && !failed && s->polygons)
			g = OGR_G_ForceToMultiPolygon(g);
		if (g && !failed && s->polygons && s->geojson && !(g = polygons_on_grid(geos, g))) {
			s->code = HAVEN_ERR_GEOS;
			snprintf(s->msg, sizeof s->msg, "cannot be put on GeoJSON's grid: %.400s", s->geos_msg);
			failed = 1;
		}
		pthread_mutex_lock(&s->mu);
		j->geoms[r] = g;
		s->failed = failed;
		s->done = failed ? r : r + 1;
		pthread_cond_broadcast(&s->ready);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_lock(&s->mu);
	s->failed = failed;
	s->finished = 1;
	pthread_cond_broadcast(&s->ready);
	pthread_mutex_unlock(&s->mu);
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	if (from)
		OSRDestroySpatialReference(from);
	if (to)
		OSRDestroySpatialReference(to);
	if (geos)
		GEOS_finish_r(geos);
	CPLPopErrorHandler();
	return NULL;
}

/* Row r's geometry, once the shaper has made it: the writer waits for it.
 * NULL with *rc HAVEN_OK for a row without one; NULL with the context's
 * error set when the shaper failed on it or before it. */
static OGRGeometryH shaped(job *j, size_t r, haven_status *rc)
{
	shaper *s = &j->shape;
	*rc = HAVEN_OK;
	if (!j->geoms)
		return NULL;
	pthread_mutex_lock(&s->mu);
	while (s->done <= r && !s->failed && !s->finished)
		pthread_cond_wait(&s->ready, &s->mu);
	int ok = s->done > r;
	pthread_mutex_unlock(&s->mu);
	if (!ok)
		*rc = hv_error(j->ctx, s->code ? s->code : HAVEN_ERR_GEOS, "'%s': row %zu: %s", haven_table_title(j->t),
		               s->done + 1, s->msg);
	OGRGeometryH g = ok ? j->geoms[r] : NULL;
	if (ok)
		j->geoms[r] = NULL;
	return g;
}

/* The writer is done with the shaper: it stops, and is waited for. */
static void shaper_end(job *j)
{
	shaper *s = &j->shape;
	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_mutex_unlock(&s->mu);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->ready);
	pthread_mutex_destroy(&s->mu);
	s->started = 0;
}

/* The layer's CRS (EPSG:27700 unless o->crs; GeoJSON's CRS84) and each
 * kept row's geometry read; the shaper set going on them (shape_rows()),
 * in a thread of its own beside the writer where it can have one - for a
 * national GeoJSON the reprojection and grid take as long as GDAL's
 * writing.  Polygons become multipolygons, so that the layer has one
 * geometry type. */
static haven_status make_geoms(job *j)
{
	haven_ctx *ctx = j->ctx;
	j->gtype = wkbNone;
	if (j->gcol < 0 || !j->f->geometry)
		return HAVEN_OK;
	if (!(j->geoms = calloc(j->nrows ? j->nrows : 1, sizeof *j->geoms)))
		return nomem(ctx);
	int geojson = j->f->meta == META_MEMBER;
	const char *crs = geojson ? "EPSG:4326" : j->o->crs;
	OGRSpatialReferenceH bng = OSRNewSpatialReference(NULL);
	haven_status rc = HAVEN_OK;
	if (!bng || OSRImportFromEPSG(bng, 27700) != OGRERR_NONE)
		rc = hv_error(ctx, HAVEN_ERR_CRS, "EPSG:27700 is unknown to GDAL (is proj-data installed?)");
	else
		OSRSetAxisMappingStrategy(bng, OAMS_TRADITIONAL_GIS_ORDER);
	int same = 1;
	if (!rc && crs) {
		j->srs = OSRNewSpatialReference(NULL);
		if (!j->srs || OSRSetFromUserInput(j->srs, crs) != OGRERR_NONE)
			rc = hv_error(ctx, HAVEN_ERR_CRS, "CRS '%s' is unknown to GDAL", crs);
		else
			OSRSetAxisMappingStrategy(j->srs, OAMS_TRADITIONAL_GIS_ORDER);
		same = !rc && OSRIsSame(bng, j->srs);
	} else if (!rc) {
		j->srs = bng;
		bng = NULL;
	}
	if (bng)
		OSRDestroySpatialReference(bng);
	int polygons = 1;
	const char *col = haven_table_colname(j->t, j->gcol);
	for (size_t r = 0; !rc && r < j->nrows; r++) {
		haven_cell_type ty = haven_table_type(ctx, j->t, r, j->gcol);
		if (!j->keep[r] || ty == HAVEN_CELL_NULL)
			continue;
		size_t n;
		const unsigned char *wkb = haven_table_geom(ctx, j->t, r, j->gcol, &n);
		if (ty != HAVEN_CELL_GEOM || n > INT32_MAX ||
		    OGR_G_CreateFromWkb(wkb, NULL, &j->geoms[r], (int)n) != OGRERR_NONE)
			return hv_error(ctx, HAVEN_ERR_USAGE, "'%s': column '%s', row %zu: not a geometry",
			                haven_table_title(j->t), col, r + 1);
		OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(j->geoms[r]));
		polygons = polygons && (gt == wkbPolygon || gt == wkbMultiPolygon);
	}
	if (rc)
		return rc;
	j->gtype = polygons ? wkbMultiPolygon : wkbUnknown;
	shaper *s = &j->shape;
	*s = (shaper){.j = j, .crs = same ? NULL : crs, .geojson = geojson, .polygons = polygons};
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return nomem(ctx);
	if (pthread_cond_init(&s->ready, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		return nomem(ctx);
	}
	s->started = 1;
	/* without a thread, the rows are shaped here, before the writer */
	s->thread_started = pthread_create(&s->thread, NULL, shape_rows, s) == 0;
	if (!s->thread_started)
		shape_rows(s);
	return HAVEN_OK;
}

/* The marking, then every metadata key of the table in the order set. */
static haven_status make_meta(job *j)
{
	if (!(j->meta = cJSON_CreateObject()))
		return nomem(j->ctx);
	if (j->marking && !cJSON_AddStringToObject(j->meta, "protective_marking", j->marking))
		return nomem(j->ctx);
	for (size_t i = 0; i < haven_table_meta_count(j->t); i++) {
		const char *key = haven_table_meta_key(j->t, i);
		if (j->marking && strcmp(key, "protective_marking") == 0)
			continue; /* the gate's marking, not a caller's */
		if (!cJSON_AddStringToObject(j->meta, key, haven_table_meta(j->t, key)))
			return nomem(j->ctx);
	}
	return HAVEN_OK;
}

/* What GDAL said first: the cause, where its last words are often only
 * the consequence ("CREATE INDEX failed" after the server's reason). */
static const char *gdal_msg(const hv_gdal_watch *w)
{
	return w->failed ? w->msg : CPLGetLastErrorMsg();
}

/* GDAL's failure, or HAVEN_OK. */
static haven_status gdal_failed(job *j, const hv_gdal_watch *w, const char *what)
{
	if (!w->failed)
		return HAVEN_OK;
	return hv_error(j->ctx, HAVEN_ERR_GDAL, "%s: %s: %s", j->where, what, w->msg);
}

static haven_status add_field(job *j, OGRLayerH lyr, const char *name, OGRFieldType type, int *index,
                              const hv_gdal_watch *w)
{
	OGRFieldDefnH fd = OGR_Fld_Create(name, type);
	OGRErr e = fd ? OGR_L_CreateField(lyr, fd, TRUE) : OGRERR_NOT_ENOUGH_MEMORY;
	if (fd)
		OGR_Fld_Destroy(fd);
	*index = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(lyr)) - 1;
	if (e != OGRERR_NONE)
		return hv_error(j->ctx, HAVEN_ERR_GDAL, "%s: cannot add the field '%s': %s", j->where, name,
		                gdal_msg(w));
	return HAVEN_OK;
}

/* Cell (r, fd->col) into the feature.  0, or -1 when out of memory. */
static int set_cell(job *j, OGRFeatureH ft, const field *fd, size_t r)
{
	haven_ctx *ctx = j->ctx;
	haven_cell_type ty = haven_table_type(ctx, j->t, r, fd->col);
	if (fd->symbol >= 0)
		OGR_F_SetFieldNull(ft, fd->symbol);
	if (ty == HAVEN_CELL_NULL) {
		OGR_F_SetFieldNull(ft, fd->ogr);
		return 0;
	}
	if (ty == HAVEN_CELL_TEXT) {
		const char *s = haven_table_text(ctx, j->t, r, fd->col);
		if (fd->symbol >= 0) { /* a symbol (plan_fields checked it) */
			OGR_F_SetFieldNull(ft, fd->ogr);
			OGR_F_SetFieldString(ft, fd->symbol, s);
		} else if (!j->f->typed && !fd->measure && hv_csv_formula(s)) {
			/* As every CSV haven writes (src/core/text.c): a
			 * spreadsheet must not run a cell as a formula. */
			size_t n = strlen(s) + 2;
			char *g = malloc(n);
			if (!g)
				return -1;
			snprintf(g, n, "'%s", s);
			OGR_F_SetFieldString(ft, fd->ogr, g);
			free(g);
		} else {
			OGR_F_SetFieldString(ft, fd->ogr, s);
		}
		return 0;
	}
	char buf[64];
	if (fd->type == OFTInteger64)
		OGR_F_SetFieldInteger64(ft, fd->ogr, haven_table_int(ctx, j->t, r, fd->col));
	else if (fd->type == OFTReal)
		OGR_F_SetFieldDouble(ft, fd->ogr, haven_table_real(ctx, j->t, r, fd->col));
	else {
		if (ty == HAVEN_CELL_INT)
			snprintf(buf, sizeof buf, "%lld", (long long)haven_table_int(ctx, j->t, r, fd->col));
		else
			snprintf(buf, sizeof buf, "%.15g", haven_table_real(ctx, j->t, r, fd->col));
		OGR_F_SetFieldString(ft, fd->ogr, buf);
	}
	return 0;
}

/* The layer, its fields, its metadata and every kept row, into ds; in one
 * transaction where the dataset has them (GeoPackage, PostGIS). */
static haven_status fill(job *j, GDALDatasetH ds, char **lco, const hv_gdal_watch *w)
{
	haven_ctx *ctx = j->ctx;
	int tx = GDALDatasetTestCapability(ds, ODsCTransactions);
	if (tx && GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
		return hv_error(ctx, HAVEN_ERR_GDAL, "%s: cannot start a transaction: %s", j->where, gdal_msg(w));
	OGRLayerH lyr = GDALDatasetCreateLayer(ds, j->layer, j->srs, j->gtype, lco);
	haven_status rc = lyr ? HAVEN_OK
	                      : hv_error(ctx, HAVEN_ERR_GDAL, "%s: cannot create the layer '%s': %s", j->where,
	                                 j->layer, gdal_msg(w));
	for (int i = 0; !rc && i < j->nfields; i++) {
		field *fd = &j->fields[i];
		const char *name = haven_table_colname(j->t, fd->col);
		char sym[256];
		snprintf(sym, sizeof sym, "%s_symbol", name);
		rc = add_field(j, lyr, name, fd->type, &fd->ogr, w);
		if (!rc && fd->measure && j->f->typed)
			rc = add_field(j, lyr, sym, OFTString, &fd->symbol, w);
	}
	int marking = -1;
	if (!rc && !j->f->typed && j->marking)
		rc = add_field(j, lyr, "protective_marking", OFTString, &marking, w);
	const cJSON *m;
	cJSON_ArrayForEach(m, j->meta)
	{
		if (!rc && j->f->meta == META_GDAL &&
		    GDALSetMetadataItem((GDALMajorObjectH)lyr, m->string, m->valuestring, NULL) != CE_None)
			rc = hv_error(ctx, HAVEN_ERR_GDAL, "%s: cannot set its metadata: %s", j->where, gdal_msg(w));
	}
	OGRFeatureDefnH defn = lyr ? OGR_L_GetLayerDefn(lyr) : NULL;
	for (size_t r = 0; !rc && r < j->nrows; r++) {
		if (!j->keep[r])
			continue;
		OGRFeatureH ft = OGR_F_Create(defn);
		if (!ft) {
			rc = nomem(ctx);
			break;
		}
		for (int i = 0; !rc && i < j->nfields; i++)
			if (set_cell(j, ft, &j->fields[i], r) != 0)
				rc = nomem(ctx);
		if (marking >= 0)
			OGR_F_SetFieldString(ft, marking, j->marking);
		OGRGeometryH g = rc ? NULL : shaped(j, r, &rc);
		if (g)
			OGR_F_SetGeometryDirectly(ft, g);
		if (!rc && OGR_L_CreateFeature(lyr, ft) != OGRERR_NONE)
			rc =
			    hv_error(ctx, HAVEN_ERR_GDAL, "%s: cannot write row %zu: %s", j->where, r + 1, gdal_msg(w));
		OGR_F_Destroy(ft);
	}
	if (tx && !rc && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
		rc = hv_error(ctx, HAVEN_ERR_GDAL, "%s: cannot commit: %s", j->where, gdal_msg(w));
	else if (tx && rc)
		GDALDatasetRollbackTransaction(ds);
	return rc;
}

/* The layer creation options: the format's, and this export's. */
static haven_status options(job *j, char ***lco)
{
	char **l = CSLDuplicate((char **)j->f->lco);
	if (j->gcol >= 0 && (j->f->meta == META_GDAL || j->f->meta == META_COMMENT))
		l = CSLSetNameValue(l, "GEOMETRY_NAME", haven_table_colname(j->t, j->gcol));
	if (j->f->meta == META_MEMBER || j->f->meta == META_COMMENT) {
		/* GeoJSON: {"metadata": {...}}, GDAL's foreign members. */
		cJSON *doc = j->f->meta == META_MEMBER ? cJSON_CreateObject() : j->meta;
		char *s = doc && (doc == j->meta || cJSON_AddItemReferenceToObject(doc, "metadata", j->meta))
		              ? cJSON_PrintUnformatted(doc)
		              : NULL;
		if (doc != j->meta)
			cJSON_Delete(doc);
		if (!s) {
			CSLDestroy(l);
			return nomem(j->ctx);
		}
		l = CSLSetNameValue(l, j->f->meta == META_MEMBER ? "NATIVE_DATA" : "DESCRIPTION", s);
		cJSON_free(s);
	}
	if (j->f->meta == META_COMMENT && j->o->overwrite)
		l = CSLSetNameValue(l, "OVERWRITE", "YES");
	*lco = l;
	return HAVEN_OK;
}

/* The metadata document, in the private directory (beside the file). */
static haven_status write_sidecar(job *j, const char *tmp)
{
	char *s = cJSON_Print(j->meta);
	if (!s)
		return nomem(j->ctx);
	VSILFILE *fp = VSIFOpenL(tmp, "wb");
	size_t n = strlen(s);
	int ok = fp && VSIFWriteL(s, 1, n, fp) == n && VSIFWriteL("\n", 1, 1, fp) == 1;
	ok = (!fp || VSIFCloseL(fp) == 0) && ok;
	cJSON_free(s);
	return ok ? HAVEN_OK : nomem(j->ctx);
}

/* GDAL writes inside a private directory of /vsimem/ (the process's own
 * memory), where it can create the file itself and nobody else can see it
 * half made; the bytes reach the disk through haven's checked writer. */
static haven_status copy_out(job *j, const char *tmp, hv_output *out)
{
	vsi_l_offset n = 0;
	GByte *b = VSIGetMemFileBuffer(tmp, &n, FALSE);
	if (!b || fwrite(b, 1, (size_t)n, out->f) != (size_t)n)
		return hv_error(j->ctx, HAVEN_ERR_IO, "%s: cannot write: %s", out->path,
		                b ? strerror(errno) : "no data");
	return hv_output_commit(j->ctx, out);
}

/* To a /vsimem/ destination (the map's page reads its GeoJSON there): a
 * rename within memory. */
static haven_status move_mem(job *j, const char *tmp, const char *path)
{
	if (j->o->overwrite)
		VSIUnlink(path);
	if (VSIRename(tmp, path) != 0)
		return hv_error(j->ctx, HAVEN_ERR_IO, "%s: cannot write", path);
	return HAVEN_OK;
}

/* Is a /vsimem/ destination free (or may it be replaced)?  (A file on disk
 * is checked by hv_output_open.) */
static haven_status vacant_mem(job *j, const char *path)
{
	VSILFILE *fp = j->o->overwrite ? NULL : VSIFOpenL(path, "rb");
	if (fp)
		VSIFCloseL(fp);
	return fp ? hv_error(j->ctx, HAVEN_ERR_IO, "%s: exists; %s", path, refusal_text) : HAVEN_OK;
}

/* GDAL makes the file tmp, or opens the PostGIS database (tmp NULL), and
 * fill()s it; every GDAL failure on the way is fatal. */
static haven_status gdal_write(job *j, char **lco, const char *tmp)
{
	haven_ctx *ctx = j->ctx;
	const char *const drivers[] = {j->f->driver, NULL};
	hv_gdal_watch w = {0};
	hv_gdal_watch_begin(&w);
	GDALDriverH drv = tmp ? GDALGetDriverByName(j->f->driver) : NULL;
	GDALDatasetH ds = tmp ? (drv ? GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL)
	                      : GDALOpenEx(j->o->path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
	haven_status rc = HAVEN_OK;
	/* GDAL's message, never the connection string (it may hold a
	 * password). */
	if (!ds)
		rc = hv_error(ctx, HAVEN_ERR_GDAL, "%s: GDAL cannot %s: %s", j->where,
		              tmp ? "create the file" : "open the database", gdal_msg(&w));
	else if (!tmp && !j->o->overwrite) {
		OGRLayerH old = GDALDatasetGetLayerByName(ds, j->layer);
		w.failed = 0; /* looking for a table that is not there is no failure */
		if (old)
			rc = hv_error(ctx, HAVEN_ERR_IO, "%s: exists; %s", j->where, refusal_text);
	}
	if (!rc)
		rc = fill(j, ds, lco, &w);
	if (ds)
		GDALClose(ds);
	if (!rc)
		rc = gdal_failed(j, &w, "writing");
	hv_gdal_watch_end();
	return rc;
}

haven_status hv_export_check(haven_ctx *ctx, const haven_export_opts *o)
{
	const format *f;
	haven_status rc = check_options(ctx, o, &f);
	if (rc || f->meta == META_COMMENT || is_mem(o->path) || o->overwrite)
		return rc;
	rc = hv_output_vacant(ctx, o->path, refusal_text);
	if (!rc && f->meta == META_SIDECAR)
		rc = hv_output_vacant(ctx, CPLSPrintf("%s.meta.json", o->path), refusal_text);
	return rc;
}

static haven_status write_file(job *j, char **lco)
{
	haven_ctx *ctx = j->ctx;
	const char *path = j->o->path, *refusal = j->o->overwrite ? NULL : refusal_text;
	int mem = is_mem(path), sidecar = j->f->meta == META_SIDECAR, placed = 0;
	char *side = CPLStrdup(CPLSPrintf("%s.meta.json", path));
	hv_output out = {0}, side_out = {0};
	/* Both names are checked (and their files started) before any work. */
	haven_status rc = mem ? vacant_mem(j, path) : hv_output_open(ctx, path, refusal, &out);
	if (!rc && sidecar)
		rc = mem ? vacant_mem(j, side) : hv_output_open(ctx, side, refusal, &side_out);
	if (!rc)
		rc = hv_sodium_ready(ctx);
	char *dir = CPLStrdup(CPLSPrintf("/vsimem/.haven-export-%08x", rc ? 0u : (unsigned)randombytes_random()));
	char *tmp = CPLStrdup(CPLSPrintf("%s/export.%s", dir, j->f->ext));
	char *tmp_side = CPLStrdup(CPLSPrintf("%s/meta.json", dir));
	if (!rc && VSIMkdir(dir, 0700) != 0)
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: cannot make a directory in /vsimem/", path);
	if (!rc)
		rc = gdal_write(j, lco, tmp);
	if (!rc && sidecar)
		rc = write_sidecar(j, tmp_side);
	if (!rc)
		rc = mem ? move_mem(j, tmp, path) : copy_out(j, tmp, &out);
	placed = !rc;
	if (!rc && sidecar)
		rc = mem ? move_mem(j, tmp_side, side) : copy_out(j, tmp_side, &side_out);
	if (rc && placed && mem) /* the file without its metadata must not stay */
		VSIUnlink(path);
	else if (rc && placed)
		unlink(path);
	hv_output_abort(&out);
	hv_output_abort(&side_out);
	VSIRmdirRecursive(dir);
	CPLFree(dir);
	CPLFree(tmp);
	CPLFree(tmp_side);
	CPLFree(side);
	return rc;
}

static void job_free(job *j)
{
	shaper_end(j);
	for (size_t r = 0; j->geoms && r < j->nrows; r++)
		if (j->geoms[r])
			OGR_G_DestroyGeometry(j->geoms[r]);
	free(j->geoms);
	if (j->srs)
		OSRDestroySpatialReference(j->srs);
	free(j->fields);
	free(j->keep);
	cJSON_Delete(j->meta);
	CPLFree(j->where);
}

haven_status haven_export_write(haven_ctx *ctx, const haven_table *t, const haven_export_opts *o)
{
	job j = {.ctx = ctx, .t = t, .o = o, .gcol = -1};
	haven_status rc = check_options(ctx, o, &j.f);
	if (rc)
		return rc;
	if (!t)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no table to export");
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "the table '%s' is sealed: release it with haven_release() before exporting it",
		                haven_table_title(t));
	j.layer = o->layer ? o->layer : "haven_export";
	j.marking = haven_table_marking(t);
	j.where = CPLStrdup(j.f->meta == META_COMMENT ? CPLSPrintf("PostGIS table %s", j.layer) : o->path);
	char **lco = NULL;
	if (!(rc = check_columns(&j)) && !(rc = select_rows(&j)) && !(rc = plan_fields(&j)) && !(rc = make_geoms(&j)) &&
	    !(rc = make_meta(&j)) && !(rc = options(&j, &lco)))
		rc = j.f->meta == META_COMMENT ? gdal_write(&j, lco, NULL) : write_file(&j, lco);
	CSLDestroy(lco);
	job_free(&j);
	return rc;
}
