/*
 * boundaries.c - load ONS area boundaries into the store, and say which
 * areas a point lies in.
 *
 * A load reads the first layer of any vector file GDAL/OGR opens, finds the
 * code and name fields (ONS files name them AREACD/AREANM or LAD24CD/LAD24NM
 * and the like), and for every feature: converts the geometry to GEOS,
 * reprojects each vertex to British National Grid with PROJ (checking that
 * it lands in Great Britain, which is how coordinates declared in the wrong
 * CRS are caught), repairs invalid geometry with GEOSMakeValid, keeps the
 * polygonal part as a MultiPolygon and stores it as WKB.  The whole kind is
 * replaced in one transaction, so a bad file leaves the store as it was.
 *
 * "where" answers from the GEOS STRtree of prepared geometries in areas.c,
 * one kind at a time; any source of a BNG point (grid reference, lon/lat,
 * a postcode's centroid) goes through haven_boundaries_where().
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "ref/areas.h"
#include "ref/boundaries.h"
#include "core/crs.h"
#include "ref/gazetteer.h"
#include "haven/postcode.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"

/* Limits (docs/formats.md, "Limits"): ONS codes are 9 characters and names
 * a few dozen; a kind has a few hundred areas (England's LSOAs, the finest
 * ONS geography anyone would load, are 33,755). */
#define AREA_CODE_MAX 255
#define AREA_NAME_MAX 511
#define AREA_FEATURES_MAX 100000

static const char *const kinds[] = {"la", "district", "pfa", "region"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static int known_kind(const char *kind)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (kind && strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

/* ---- opening the file --------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The name GDAL should open: zip archives through /vsizip/, gzip files
 * through /vsigzip/, anything already under /vsi... as given.  A plain path
 * must be a regular file (a typo is an I/O error rather than "not
 * recognised", and a FIFO is refused before GDAL could block on it), and a
 * gzip file must decompress cleanly to its end: GDAL's /vsigzip/ reports a
 * truncated stream only as an error it carries on from, and not at all
 * trailing garbage or a wrong length. */
haven_status hv_gdal_name(haven_ctx *ctx, const char *path, char **out)
{
	*out = NULL;
	const char *prefix = "";
	if (strncmp(path, "/vsi", 4) != 0) {
		int fd;
		int64_t size;
		haven_status rc = hv_input_open(ctx, path, &fd, &size);
		if (rc)
			return rc;
		close(fd);
		if (ends_with(path, ".zip")) {
			prefix = "/vsizip/";
		} else if (ends_with(path, ".gz")) {
			if ((rc = hv_input_check_gzip(ctx, path)))
				return rc;
			prefix = "/vsigzip/";
		}
	}
	size_t n = strlen(prefix) + strlen(path) + 1;
	if (!(*out = malloc(n)))
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	snprintf(*out, n, "%s%s", prefix, path);
	return HAVEN_OK;
}

/* ---- finding the code and name fields ----------------------------------- */

/* If field f is an ONS-style name ending in suffix ("CD" or "NM"), copy the
 * part before the suffix into prefix and return 1.  ONS style is AREA<sfx>
 * or <letters><2 digits><sfx>, any case: AREACD, LAD24CD, ctyua24nm. */
int hv_ons_field(const char *f, const char *suffix, char *prefix, size_t np)
{
	size_t len = strlen(f), sl = strlen(suffix);
	if (len <= sl || strcasecmp(f + len - sl, suffix) != 0)
		return 0;
	size_t p = len - sl;
	int ok = p == 4 && strncasecmp(f, "AREA", 4) == 0;
	if (!ok && p >= 3 && isdigit((unsigned char)f[p - 1]) && isdigit((unsigned char)f[p - 2])) {
		ok = 1;
		for (size_t i = 0; i < p - 2; i++)
			ok &= isalpha((unsigned char)f[i]) != 0;
	}
	if (ok && prefix)
		snprintf(prefix, np, "%.*s", (int)p, f);
	return ok;
}

/* Does an ONS prefix ("LAD24", "CTYUA24") belong to this kind of area? */
int hv_ons_prefix_fits_kind(const char *prefix, const char *kind)
{
	static const struct {
		const char *kind, *stem;
	} stems[] = {
		{"la", "CTYUA"},   {"la", "UTLA"},      {"la", "CTY"}, {"la", "UA"},   {"la", "CAUTH"},
		{"district", "LAD"}, {"district", "LTLA"}, {"pfa", "PFA"}, {"region", "RGN"}, {"region", "GOR"},
	};
	size_t letters = 0;
	while (isalpha((unsigned char)prefix[letters]))
		letters++;
	for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++)
		if (strcmp(stems[i].kind, kind) == 0 && strlen(stems[i].stem) == letters &&
		    strncasecmp(prefix, stems[i].stem, letters) == 0)
			return 1;
	return 0;
}

/* "A, B, C" from the layer's field names, for messages. */
static void field_list(OGRFeatureDefnH defn, char *buf, size_t n)
{
	buf[0] = '\0';
	int nf = OGR_FD_GetFieldCount(defn);
	size_t used = 0;
	for (int i = 0; i < nf && used + 1 < n; i++) {
		int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
		                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (nf == 0)
		snprintf(buf, n, "none");
}

static int field_index_ci(OGRFeatureDefnH defn, const char *name)
{
	int nf = OGR_FD_GetFieldCount(defn);
	for (int i = 0; i < nf; i++)
		if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
			return i;
	return -1;
}

/* Pick the code field (suffix "CD") or name field ("NM") when not given.
 * One ONS-style candidate is taken as is; among several, the one whose
 * prefix fits the kind ("LAD24CD" for districts) wins, then AREA..; more
 * than that is ambiguous and the user must choose. */
static haven_status detect_field(haven_ctx *ctx, const char *path, OGRFeatureDefnH defn, const char *kind,
                                 const char *suffix, const char *want_prefix, int *out)
{
	char fields[700];
	int nf = OGR_FD_GetFieldCount(defn);
	const char *what = strcmp(suffix, "CD") == 0 ? "code" : "name";
	*out = -1;
	/* The name field that goes with a known code field: LAD24CD -> LAD24NM. */
	if (want_prefix && *want_prefix) {
		char guess[80];
		snprintf(guess, sizeof guess, "%s%s", want_prefix, suffix);
		if ((*out = field_index_ci(defn, guess)) >= 0)
			return HAVEN_OK;
	}
	int cand = -1, ncand = 0, fit = -1, nfit = 0, area = -1;
	for (int i = 0; i < nf; i++) {
		const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
		char prefix[64];
		if (!hv_ons_field(f, suffix, prefix, sizeof prefix))
			continue;
		if (cand < 0)
			cand = i;
		ncand++;
		if (strcasecmp(prefix, "AREA") == 0)
			area = i;
		else if (hv_ons_prefix_fits_kind(prefix, kind) && nfit++ == 0)
			fit = i;
	}
	if (ncand == 1 || nfit == 1 || (nfit == 0 && area >= 0)) {
		*out = ncand == 1 ? cand : nfit == 1 ? fit : area;
		return HAVEN_OK;
	}
	field_list(defn, fields, sizeof fields);
	if (ncand == 0)
		return hv_error(ctx, HAVEN_ERR_MISSING,
		                "%s: no %s field (AREA%s or like LAD24%s); the file has: %s; name it with --%s-field",
		                path, what, suffix, suffix, fields, what);
	return hv_error(ctx, HAVEN_ERR_USAGE, "%s: several fields could hold the %s (%s); choose one with --%s-field",
	                path, what, fields, what);
}

static haven_status choose_fields(haven_ctx *ctx, const haven_boundaries_opts *o, OGRFeatureDefnH defn, int *code_i,
                                  int *name_i)
{
	char fields[700];
	if (o->code_field && *o->code_field) {
		if ((*code_i = field_index_ci(defn, o->code_field)) < 0) {
			field_list(defn, fields, sizeof fields);
			return hv_error(ctx, HAVEN_ERR_MISSING, "%s: no code field '%s'; the file has: %s", o->path,
			                o->code_field, fields);
		}
	} else {
		haven_status rc = detect_field(ctx, o->path, defn, o->kind, "CD", NULL, code_i);
		if (rc)
			return rc;
	}
	if (o->name_field && *o->name_field) {
		if ((*name_i = field_index_ci(defn, o->name_field)) < 0) {
			field_list(defn, fields, sizeof fields);
			return hv_error(ctx, HAVEN_ERR_MISSING, "%s: no name field '%s'; the file has: %s", o->path,
			                o->name_field, fields);
		}
		return HAVEN_OK;
	}
	char prefix[64] = "";
	hv_ons_field(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, *code_i)), "CD", prefix, sizeof prefix);
	return detect_field(ctx, o->path, defn, o->kind, "NM", prefix, name_i);
}

/* ---- the source CRS ------------------------------------------------------ */

/* What to hand PROJ for the layer's CRS, and a short label for the report.
 * AUTHORITY:CODE when the CRS has one, else its WKT2.  GeoJSON is always
 * longitude, latitude on WGS84 (RFC 7946), which GDAL calls EPSG:4326 with
 * traditional axis order; it is passed on as OGC:CRS84, which means exactly
 * that.  *proj_crs is freed by the caller with free(). */
haven_status hv_layer_crs(haven_ctx *ctx, const char *path, void *dataset, void *ogr_layer, char **proj_crs, char *label,
                          size_t nlabel)
{
	GDALDatasetH ds = dataset;
	OGRLayerH layer = ogr_layer;
	*proj_crs = NULL;
	OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
	if (!srs)
		return hv_error(ctx, HAVEN_ERR_CRS,
		                "%s: the file does not say which CRS its coordinates are in; give it with --source-crs "
		                "(e.g. --source-crs EPSG:27700)",
		                path);
	OGRSpatialReferenceH s = OSRClone(srs);
	if (!s)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
	const char *auth = OSRGetAuthorityName(s, NULL);
	const char *code = OSRGetAuthorityCode(s, NULL);
	const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
	haven_status rc = HAVEN_OK;
	if (auth && code && strcmp(auth, "EPSG") == 0 && strcmp(code, "4326") == 0 && driver &&
	    strcmp(driver, "GeoJSON") == 0) {
		*proj_crs = strdup("OGC:CRS84");
		snprintf(label, nlabel, "OGC:CRS84");
	} else if (auth && code) {
		size_t n = strlen(auth) + strlen(code) + 2;
		if ((*proj_crs = malloc(n)))
			snprintf(*proj_crs, n, "%s:%s", auth, code);
		snprintf(label, nlabel, "%s:%s", auth, code);
	} else {
		char *wkt = NULL;
		const char *wopts[] = {"FORMAT=WKT2_2019", NULL};
		if (OSRExportToWktEx(s, &wkt, wopts) != OGRERR_NONE || !wkt) {
			rc = hv_error_gdal(ctx, HAVEN_ERR_CRS, path);
		} else {
			*proj_crs = strdup(wkt);
			const char *name = OSRGetName(s);
			snprintf(label, nlabel, "%s", name && *name ? name : "(unnamed CRS)");
		}
		CPLFree(wkt);
	}
	OSRDestroySpatialReference(s);
	if (!rc && !*proj_crs)
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	return rc;
}

/* ---- geometry ------------------------------------------------------------ */

typedef struct xform {
	PJ *pj;
	int bad;       /* a coordinate fell outside Great Britain */
	double bx, by; /* that coordinate as read */
	double be, bn; /* and as transformed */
} xform;

/* GEOSGeom_transformXY callback: one vertex through PROJ, which must land
 * inside Great Britain's extent.  Returning 0 stops the transformation. */
static int xform_vertex(double *x, double *y, void *user)
{
	xform *t = user;
	PJ_COORD c = proj_trans(t->pj, PJ_FWD, proj_coord(*x, *y, 0, 0));
	if (!hv_bng_in_extent(c.xy.x, c.xy.y)) {
		t->bad = 1;
		t->bx = *x;
		t->by = *y;
		t->be = c.xy.x;
		t->bn = c.xy.y;
		return 0;
	}
	*x = c.xy.x;
	*y = c.xy.y;
	return 1;
}

/* Append clones of every non-empty polygon in g (recursing into
 * collections) to parts; count what is not polygonal in *dropped. */
static int collect_polygons(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***parts, size_t *n,
                            size_t *cap, int *dropped)
{
	int type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int k = GEOSGetNumGeometries_r(h, g);
		for (int i = 0; i < k; i++)
			if (!collect_polygons(h, GEOSGetGeometryN_r(h, g, i), parts, n, cap, dropped))
				return 0;
		return 1;
	}
	if (type != GEOS_POLYGON) {
		(*dropped)++;
		return 1;
	}
	if (GEOSisEmpty_r(h, g))
		return 1;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		GEOSGeometry **p = realloc(*parts, nc * sizeof *p);
		if (!p)
			return 0;
		*parts = p;
		*cap = nc;
	}
	GEOSGeometry *c = GEOSGeom_clone_r(h, g);
	if (!c)
		return 0;
	(*parts)[(*n)++] = c;
	return 1;
}

/* The polygonal part of g as a new MultiPolygon (NULL if there is none, or
 * on failure: *failed is then 1). */
GEOSGeometry *hv_polygonal_part(GEOSContextHandle_t h, const GEOSGeometry *g, int *dropped, int *failed)
{
	GEOSGeometry **parts = NULL;
	size_t n = 0, cap = 0;
	*failed = 0;
	if (!collect_polygons(h, g, &parts, &n, &cap, dropped)) {
		for (size_t i = 0; i < n; i++)
			GEOSGeom_destroy_r(h, parts[i]);
		free(parts);
		*failed = 1;
		return NULL;
	}
	GEOSGeometry *mp = NULL;
	if (n > 0) {
		mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)n);
		if (!mp) {
			for (size_t i = 0; i < n; i++)
				GEOSGeom_destroy_r(h, parts[i]);
			*failed = 1;
		}
	}
	free(parts);
	return mp;
}

/* One load in progress. */
typedef struct loader {
	haven_ctx *ctx;
	const haven_boundaries_opts *o;
	const char *crs_label;
	xform xf;
	GEOSWKBReader *rd;
	GEOSWKBWriter *wr;
	int64_t feature; /* current feature number, from 1 */
	const char *code, *name;
	int64_t repaired;
	hv_gdal_watch *watch; /* GDAL errors while reading: fatal */
} loader;

static haven_status geos_fail(loader *L, const char *what)
{
	return hv_error(L->ctx, HAVEN_ERR_GEOS, "%s: feature %lld (%s): %s: %s", L->o->path, (long long)L->feature,
	                L->code, what, L->ctx->geos_msg[0] ? L->ctx->geos_msg : "GEOS failed");
}

/* OGR geometry -> GEOS, 2-D, curves made linear. */
static haven_status read_geometry(loader *L, OGRGeometryH og, GEOSGeometry **out)
{
	*out = NULL;
	if (!og || OGR_G_IsEmpty(og))
		return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: feature %lld (%s %s) has no geometry", L->o->path,
		                (long long)L->feature, L->code, L->name);
	OGRGeometryH g = OGR_G_HasCurveGeometry(og, 0) ? OGR_G_GetLinearGeometry(og, 0, NULL) : OGR_G_Clone(og);
	if (!g)
		return hv_error(L->ctx, HAVEN_ERR_NOMEM, "out of memory");
	OGR_G_FlattenTo2D(g);
	int size = OGR_G_WkbSize(g);
	unsigned char *wkb = size > 0 ? malloc((size_t)size) : NULL;
	haven_status rc = HAVEN_OK;
	if (!wkb)
		rc = hv_error(L->ctx, HAVEN_ERR_NOMEM, "out of memory");
	else if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) != OGRERR_NONE)
		rc = hv_error_gdal(L->ctx, HAVEN_ERR_GDAL, L->o->path);
	else if (!(*out = GEOSWKBReader_read_r(L->ctx->geos, L->rd, wkb, (size_t)size)))
		rc = geos_fail(L, "cannot read the geometry");
	free(wkb);
	OGR_G_DestroyGeometry(g);
	return rc;
}

/* Reproject, repair and reduce one feature's geometry to a valid BNG
 * MultiPolygon.  *out is new. */
static haven_status make_area_geometry(loader *L, OGRGeometryH og, GEOSGeometry **out)
{
	GEOSContextHandle_t h = L->ctx->geos;
	*out = NULL;
	GEOSGeometry *src;
	haven_status rc = read_geometry(L, og, &src);
	if (rc)
		return rc;
	L->xf.bad = 0;
	GEOSGeometry *g = GEOSGeom_transformXY_r(h, src, xform_vertex, &L->xf);
	GEOSGeom_destroy_r(h, src);
	if (!g && L->xf.bad) {
		char where[96];
		if (isfinite(L->xf.be) && isfinite(L->xf.bn))
			snprintf(where, sizeof where, "lands outside Great Britain (E %.0f, N %.0f on EPSG:27700)", L->xf.be,
			         L->xf.bn);
		else
			snprintf(where, sizeof where, "is not a valid position in that CRS");
		return hv_error(L->ctx, HAVEN_ERR_CRS,
		                "%s: feature %lld (%s): coordinate (%.10g, %.10g) read as %s %s: the coordinates are in "
		                "some other CRS; give it with --source-crs (for British National Grid metres: "
		                "--source-crs EPSG:27700)",
		                L->o->path, (long long)L->feature, L->code, L->xf.bx, L->xf.by, L->crs_label, where);
	}
	if (!g)
		return geos_fail(L, "cannot transform to EPSG:27700");

	int type = GEOSGeomTypeId_r(h, g);
	char valid = GEOSisValid_r(h, g);
	if (valid == 2) {
		GEOSGeom_destroy_r(h, g);
		return geos_fail(L, "cannot check validity");
	}
	if (valid == 1 && type == GEOS_MULTIPOLYGON) {
		*out = g;
		return HAVEN_OK;
	}
	GEOSGeometry *fixed = g;
	if (!valid) {
		char *reason = GEOSisValidReason_r(h, g);
		fixed = GEOSMakeValid_r(h, g);
		if (!fixed) {
			if (reason)
				GEOSFree_r(h, reason);
			GEOSGeom_destroy_r(h, g);
			return geos_fail(L, "cannot repair the geometry");
		}
		L->repaired++;
		hv_notice(L->ctx, "%s: feature %lld: repaired geometry of %s %s: %s", L->o->path, (long long)L->feature,
		          L->code, L->name, reason ? reason : "invalid");
		if (reason)
			GEOSFree_r(h, reason);
	}
	int dropped = 0, failed = 0;
	GEOSGeometry *mp = hv_polygonal_part(h, fixed, &dropped, &failed);
	if (fixed != g)
		GEOSGeom_destroy_r(h, fixed);
	GEOSGeom_destroy_r(h, g);
	if (failed)
		return geos_fail(L, "cannot build a MultiPolygon");
	if (!mp) {
		if (!valid)
			return hv_error(L->ctx, HAVEN_ERR_VALUE, "%s: feature %lld (%s %s): nothing polygonal is left once its "
			                "invalid geometry is repaired",
			                L->o->path, (long long)L->feature, L->code, L->name);
		return hv_error(L->ctx, HAVEN_ERR_VALUE, "%s: feature %lld (%s %s) is a %s, not a polygon", L->o->path,
		                (long long)L->feature, L->code, L->name, OGR_G_GetGeometryName(og));
	}
	if (!valid && GEOSisValid_r(h, mp) != 1) {
		GEOSGeom_destroy_r(h, mp);
		return hv_error(L->ctx, HAVEN_ERR_VALUE, "%s: feature %lld (%s %s): its geometry cannot be repaired",
		                L->o->path, (long long)L->feature, L->code, L->name);
	}
	if (dropped && valid)
		hv_notice(L->ctx, "%s: feature %lld: %s %s: kept its polygons, dropped %d non-polygonal part%s",
		          L->o->path, (long long)L->feature, L->code, L->name, dropped, dropped == 1 ? "" : "s");
	*out = mp;
	return HAVEN_OK;
}

/* ---- duplicate codes ----------------------------------------------------- */

/* An open-addressing set of codes seen so far, with their feature numbers. */
typedef struct seen {
	char **code;
	int64_t *feature;
	size_t cap, n;
} seen;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void seen_free(seen *S)
{
	for (size_t i = 0; i < S->cap; i++)
		free(S->code[i]);
	free(S->code);
	free(S->feature);
}

/* 0 and *first = earlier feature if code was seen; 1 if added; -1 out of memory. */
static int seen_add(seen *S, const char *code, int64_t feature, int64_t *first)
{
	if ((S->n + 1) * 2 > S->cap) {
		seen b = {NULL, NULL, S->cap ? S->cap * 2 : 512, 0};
		b.code = calloc(b.cap, sizeof *b.code);
		b.feature = calloc(b.cap, sizeof *b.feature);
		if (!b.code || !b.feature) {
			free(b.code);
			free(b.feature);
			return -1;
		}
		for (size_t i = 0; i < S->cap; i++)
			if (S->code[i]) {
				size_t j = fnv1a(S->code[i]) & (b.cap - 1);
				while (b.code[j])
					j = (j + 1) & (b.cap - 1);
				b.code[j] = S->code[i];
				b.feature[j] = S->feature[i];
			}
		b.n = S->n;
		free(S->code);
		free(S->feature);
		*S = b;
	}
	size_t j = fnv1a(code) & (S->cap - 1);
	for (; S->code[j]; j = (j + 1) & (S->cap - 1))
		if (strcmp(S->code[j], code) == 0) {
			*first = S->feature[j];
			return 0;
		}
	if (!(S->code[j] = strdup(code)))
		return -1;
	S->feature[j] = feature;
	S->n++;
	return 1;
}

/* ---- the load ------------------------------------------------------------ */

/* Field i of f, trimmed, into buf[n]: what ("code", "name") must be UTF-8,
 * for it is shown and written as JSON, and must fit: never cut short. */
static haven_status field_text(loader *L, OGRFeatureH f, int i, const char *what, char *buf, size_t n)
{
	const char *v = OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
	while (isspace((unsigned char)*v))
		v++;
	size_t len = strlen(v), bad;
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	const char *field = OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, i));
	if (!hv_utf8_valid(v, len, &bad))
		return hv_error(L->ctx, HAVEN_ERR_FORMAT,
		                "%s: feature %lld: the %s (field %s) is not valid UTF-8 (bad byte at offset %zu); save "
		                "the file as UTF-8",
		                L->o->path, (long long)L->feature, what, field, bad);
	if (len >= n)
		return hv_error(L->ctx, HAVEN_ERR_VALUE,
		                "%s: feature %lld: the %s (field %s) is %zu bytes long, more than the %zu haven keeps "
		                "(see Limits in docs/formats.md)",
		                L->o->path, (long long)L->feature, what, field, len, n - 1);
	memcpy(buf, v, len);
	buf[len] = '\0';
	return HAVEN_OK;
}

static haven_status insert_area(loader *L, sqlite3_stmt *ins, const GEOSGeometry *g)
{
	size_t size = 0;
	unsigned char *wkb = GEOSWKBWriter_write_r(L->ctx->geos, L->wr, g, &size);
	if (!wkb)
		return geos_fail(L, "cannot write WKB");
	sqlite3_bind_text(ins, 1, L->o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, L->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, L->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(ins, 4, wkb, (int)size, SQLITE_STATIC);
	haven_status rc = HAVEN_OK;
	if (sqlite3_step(ins) != SQLITE_DONE) {
		char what[160];
		snprintf(what, sizeof what, "storing feature %lld (%s)", (long long)L->feature, L->code);
		rc = hv_error_sql(L->ctx, what);
	}
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	GEOSFree_r(L->ctx->geos, wkb);
	return rc;
}

/* A feature's code and name are there, and the code is new. */
static haven_status check_feature(loader *L, seen *S, OGRFeatureH f, int code_i, int name_i)
{
	int64_t first = 0;
	int added;
	if (!*L->code)
		return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: feature %lld has an empty code (field %s)", L->o->path,
		                (long long)L->feature, OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, code_i)));
	if (!*L->name)
		return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: feature %lld (%s) has an empty name (field %s)",
		                L->o->path, (long long)L->feature, L->code,
		                OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, name_i)));
	if ((added = seen_add(S, L->code, L->feature, &first)) < 0)
		return hv_error(L->ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (added == 0)
		return hv_error(L->ctx, HAVEN_ERR_DUPLICATE, "%s: code %s appears twice: features %lld and %lld",
		                L->o->path, L->code, (long long)first, (long long)L->feature);
	return HAVEN_OK;
}

/* Read every feature of layer into the area table (already emptied of this
 * kind, inside the caller's transaction). */
static haven_status load_features(loader *L, OGRLayerH layer, int code_i, int name_i, int64_t *features)
{
	haven_ctx *ctx = L->ctx;
	sqlite3_stmt *ins;
	haven_status rc = hv_prepare(ctx,
	                             "INSERT INTO area(kind, code, name, geom) "
	                             "VALUES(?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 27700)))",
	                             &ins);
	if (rc)
		return rc;
	seen S = {NULL, NULL, 0, 0};
	int64_t total = OGR_L_GetFeatureCount(layer, 0);
	char code[AREA_CODE_MAX + 1], name[AREA_NAME_MAX + 1];
	OGR_L_ResetReading(layer);
	for (;;) {
		OGRFeatureH f = OGR_L_GetNextFeature(layer);
		if (L->watch->failed) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: cannot read feature %lld: %s", L->o->path,
			              (long long)L->feature + 1, L->watch->msg);
			OGR_F_Destroy(f);
			break;
		}
		if (!f)
			break;
		if (++L->feature > AREA_FEATURES_MAX) {
			rc =
			    hv_error(ctx, HAVEN_ERR_FORMAT,
			             "%s: more than %d features, the most haven loads for one kind of area (see Limits "
			             "in docs/formats.md)",
			             L->o->path, AREA_FEATURES_MAX);
			OGR_F_Destroy(f);
			break;
		}
		code[0] = name[0] = '\0';
		L->code = code;
		L->name = name;
		rc = field_text(L, f, code_i, "code", code, sizeof code);
		if (!rc)
			rc = field_text(L, f, name_i, "name", name, sizeof name);
		if (!rc)
			rc = check_feature(L, &S, f, code_i, name_i);
		GEOSGeometry *g = NULL;
		if (!rc)
			rc = make_area_geometry(L, OGR_F_GetGeometryRef(f), &g);
		if (!rc)
			rc = insert_area(L, ins, g);
		if (g)
			GEOSGeom_destroy_r(ctx->geos, g);
		OGR_F_Destroy(f);
		if (rc)
			break;
		hv_progress(ctx, "loading boundaries", L->feature, total > 0 ? total : 0);
	}
	sqlite3_finalize(ins);
	seen_free(&S);
	if (!rc && L->feature == 0)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no features", L->o->path);
	*features = L->feature;
	return rc;
}

static haven_status record_load(haven_ctx *ctx, const haven_boundaries_opts *o, const haven_boundaries_report *r)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "INSERT INTO area_load(kind, source, loaded_at, features, repaired, code_field, "
	                             "name_field, source_crs) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
	                             &st);
	if (rc)
		return rc;
	char at[21];
	hv_format_time(hv_now(ctx), at);
	sqlite3_bind_text(st, 1, o->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->features);
	sqlite3_bind_int64(st, 5, r->repaired);
	sqlite3_bind_text(st, 6, r->code_field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->name_field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->source_crs, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the load");
	sqlite3_finalize(st);
	return rc;
}

/* Open the file, resolve fields and CRS, then replace the kind's areas. */
static haven_status load(haven_ctx *ctx, const haven_boundaries_opts *o, haven_boundaries_report *r)
{
	char *name = NULL, *proj_crs = NULL;
	GDALDatasetH ds = NULL;
	PJ *pj = NULL;
	hv_gdal_watch watch = {0, ""};
	loader L = {ctx, o, r->source_crs, {NULL, 0, 0, 0, 0, 0}, NULL, NULL, 0, "", "", 0, &watch};
	haven_status rc = hv_gdal_name(ctx, o->path, &name);
	/* Every GDAL error from here on, opening and reading, is fatal. */
	hv_gdal_watch_begin(&watch);
	if (!rc) {
		ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
		if (!ds || watch.failed) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: cannot be read as a vector file: %s", o->path,
			              watch.failed ? watch.msg : "no GDAL driver recognises it");
		} else if (GDALDatasetGetLayerCount(ds) < 1) {
			rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the file has no layers", o->path);
		}
	}
	OGRLayerH layer = rc ? NULL : GDALDatasetGetLayer(ds, 0);
	OGRFeatureDefnH defn = layer ? OGR_L_GetLayerDefn(layer) : NULL;
	if (!rc && OGR_FD_GetGeomFieldCount(defn) < 1)
		rc = hv_error(ctx, HAVEN_ERR_FORMAT, "%s: the first layer (%s) has no geometry", o->path,
		              OGR_L_GetName(layer));
	/* An empty layer would empty the kind: refuse it before anything else
	 * (-1, unknown without a full read, is left to the feature loop). */
	if (!rc && OGR_L_GetFeatureCount(layer, 0) == 0)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: the file has no features", o->path);
	int code_i = -1, name_i = -1;
	if (!rc)
		rc = choose_fields(ctx, o, defn, &code_i, &name_i);
	if (!rc) {
		snprintf(r->code_field, sizeof r->code_field, "%s", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, code_i)));
		snprintf(r->name_field, sizeof r->name_field, "%s", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, name_i)));
		if (o->source_crs && *o->source_crs) {
			snprintf(r->source_crs, sizeof r->source_crs, "%s", o->source_crs);
			if (!(proj_crs = strdup(o->source_crs)))
				rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		} else {
			rc = hv_layer_crs(ctx, o->path, ds, layer, &proj_crs, r->source_crs, sizeof r->source_crs);
		}
	}
	if (!rc && hv_crs_to_bng(ctx, proj_crs, &pj)) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		rc = hv_error(ctx, HAVEN_ERR_CRS, "%s: source CRS %s: %s", o->path, r->source_crs, msg);
	}
	if (!rc) {
		L.xf.pj = pj;
		L.rd = GEOSWKBReader_create_r(ctx->geos);
		L.wr = GEOSWKBWriter_create_r(ctx->geos);
		if (!L.rd || !L.wr)
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		else {
			GEOSWKBWriter_setOutputDimension_r(ctx->geos, L.wr, 2);
			GEOSWKBWriter_setByteOrder_r(ctx->geos, L.wr, GEOS_WKB_NDR);
		}
	}
	if (!rc) {
		sqlite3_stmt *del;
		int64_t held = 0;
		sqlite3_stmt *cnt;
		if (!(rc = hv_prepare(ctx, "SELECT count(*) FROM area WHERE kind = ?", &cnt))) {
			sqlite3_bind_text(cnt, 1, o->kind, -1, SQLITE_STATIC);
			if (sqlite3_step(cnt) == SQLITE_ROW)
				held = sqlite3_column_int64(cnt, 0);
			else
				rc = hv_error_sql(ctx, "counting the areas held");
			sqlite3_finalize(cnt);
		}
		if (!rc && !(rc = hv_prepare(ctx, "DELETE FROM area WHERE kind = ?", &del))) {
			sqlite3_bind_text(del, 1, o->kind, -1, SQLITE_STATIC);
			if (sqlite3_step(del) != SQLITE_DONE)
				rc = hv_error_sql(ctx, "removing the previous areas");
			sqlite3_finalize(del);
		}
		if (!rc)
			rc = load_features(&L, layer, code_i, name_i, &r->features);
		if (!rc) {
			char what[32];
			snprintf(what, sizeof what, "%s areas", o->kind);
			rc = hv_check_replace(ctx, o->path, what, held, r->features, o->force);
		}
		r->repaired = L.repaired;
		if (!rc)
			rc = record_load(ctx, o, r);
		/* Which LAs each area holds, for scopes and the gate. */
		if (!rc)
			rc = hv_area_la_rebuild(ctx, o->kind);
	}
	if (L.rd)
		GEOSWKBReader_destroy_r(ctx->geos, L.rd);
	if (L.wr)
		GEOSWKBWriter_destroy_r(ctx->geos, L.wr);
	if (pj)
		proj_destroy(pj);
	if (ds)
		GDALClose(ds);
	hv_gdal_watch_end();
	free(proj_crs);
	free(name);
	return rc;
}

haven_status hv_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts, haven_boundaries_report *report)
{
	double t0 = hv_monotonic();
	haven_boundaries_report r;
	memset(&r, 0, sizeof r);
	if (report)
		memset(report, 0, sizeof *report);
	if (!opts || !opts->path || !*opts->path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no boundary file given");
	if (!known_kind(opts->kind))
		return hv_error(ctx, HAVEN_ERR_USAGE, "area kind '%s' is not one of la, district, pfa, region",
		                opts->kind ? opts->kind : "");
	haven_status rc = load(ctx, opts, &r);
	if (rc)
		return rc;
	r.seconds = hv_monotonic() - t0;
	if (report)
		*report = r;
	return HAVEN_OK;
}

/* ---- where ---------------------------------------------------------------- */

/* One row per loaded kind for BNG point (e, n), already checked to be in GB. */
static haven_status where_point(haven_ctx *ctx, double e, double n, const char *title, haven_table **out)
{
	static const char *const cols[] = {"kind", "code", "name", "match"};
	haven_table *t;
	/* Open boundary data: no disclosed data in it. */
	haven_status rc = hv_table_new(ctx, title, HV_TABLE_PUBLIC, 4, cols, &t);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT 1 FROM area WHERE kind = ? LIMIT 1", &st))) {
		haven_table_free(t);
		return rc;
	}
	for (size_t k = 0; !rc && k < N_KINDS; k++) {
		sqlite3_bind_text(st, 1, kinds[k], -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		sqlite3_reset(st);
		if (s == SQLITE_DONE)
			continue; /* kind not loaded */
		if (s != SQLITE_ROW) {
			rc = hv_error_sql(ctx, "looking for areas");
			break;
		}
		hv_areas *a;
		if ((rc = hv_areas_load(ctx, kinds[k], &a)))
			break;
		double dist = 0;
		long i = hv_areas_find(a, e, n);
		char match[48] = "inside";
		if (i < 0 && (i = hv_areas_nearest(a, e, n, HAVEN_WHERE_NEAR_METRES, &dist)) >= 0)
			snprintf(match, sizeof match, "nearest (%.0f m)", dist);
		else if (i < 0)
			snprintf(match, sizeof match, "none");
		rc = hv_table_add_row(ctx, t);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 0, kinds[k]);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 1, i >= 0 ? hv_areas_code(a, i) : NULL);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 2, i >= 0 ? hv_areas_name(a, i) : NULL);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 3, match);
		hv_areas_free(a);
	}
	sqlite3_finalize(st);
	if (!rc && hv_table_rows(t) == 0)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "the store has no boundaries: load them with 'haven boundaries load STORE --kind KIND FILE'");
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

haven_status haven_boundaries_where(haven_ctx *ctx, double e, double n, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!hv_bng_in_extent(e, n))
		return hv_error(ctx, HAVEN_ERR_CRS,
		                "point (%.10g, %.10g) is outside Great Britain on the British National Grid "
		                "(EPSG:27700, metres); for longitude and latitude use --lonlat",
		                e, n);
	char title[96];
	snprintf(title, sizeof title, "areas at E %.0f, N %.0f (EPSG:27700)", e, n);
	return where_point(ctx, e, n, title, out);
}

haven_status haven_boundaries_where_lonlat(haven_ctx *ctx, double lon, double lat, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!hv_lonlat_in_gb(lon, lat)) {
		if (hv_lonlat_in_gb(lat, lon))
			return hv_error(ctx, HAVEN_ERR_CRS,
			                "longitude %.10g, latitude %.10g is not in Great Britain; swapped it would be: "
			                "give the longitude first",
			                lon, lat);
		return hv_error(ctx, HAVEN_ERR_CRS, "longitude %.10g, latitude %.10g is not in Great Britain", lon, lat);
	}
	double e, n;
	if ((rc = hv_lonlat_to_bng(ctx, lon, lat, &e, &n)))
		return rc;
	if (!hv_bng_in_extent(e, n))
		return hv_error(ctx, HAVEN_ERR_CRS, "longitude %.10g, latitude %.10g is outside Great Britain", lon, lat);
	char title[128];
	snprintf(title, sizeof title, "areas at longitude %.6f, latitude %.6f (E %.0f, N %.0f)", lon, lat, e, n);
	return where_point(ctx, e, n, title, out);
}

haven_status haven_boundaries_where_postcode(haven_ctx *ctx, const char *postcode, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	char pc[9];
	if (haven_postcode_normalise(postcode, pc, NULL) != HAVEN_OK)
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a UK postcode", postcode);
	hv_gazetteer *g;
	if ((rc = hv_gazetteer_open(ctx, &g)))
		return rc;
	hv_gz_match m;
	double e = 0, n = 0;
	rc = hv_gazetteer_postcode(g, pc, &m, &e, &n);
	hv_gazetteer_close(g);
	if (rc)
		return rc;
	if (m == HV_GZ_NONE)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "postcode %s is not in the store's gazetteer", pc);
	if (m == HV_GZ_NO_COORDS)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "postcode %s has no grid reference in the gazetteer", pc);
	char title[128];
	snprintf(title, sizeof title, "areas at postcode %s%s (E %.0f, N %.0f)", pc,
	         m == HV_GZ_TERMINATED ? ", terminated," : "", e, n);
	return where_point(ctx, e, n, title, out);
}
