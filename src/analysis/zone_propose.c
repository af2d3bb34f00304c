/*
 * zone_propose.c - a suggested exclusion zone around homes (haven zones
 * propose, docs/zones.md "Suggested zones"): the homes' points buffered by
 * the radius, unioned, holes filled, simplified for a licence map.  Police
 * users only; the table leaves through the gate like any other.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "ref/boundaries.h"
#include "haven/zones.h"

/* The polygons of g with their holes filled, unioned again (a filled part
 * may cover another).  NULL on failure. */
static GEOSGeometry *fill_holes(GEOSContextHandle_t h, const GEOSGeometry *g)
{
	int n = GEOSGetNumGeometries_r(h, g);
	GEOSGeometry **parts = calloc(n > 0 ? (size_t)n : 1, sizeof *parts);
	if (!parts)
		return NULL;
	int k = 0, failed = 0;
	for (int i = 0; i < n && !failed; i++) {
		const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
		if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON)
			continue;
		GEOSGeometry *shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, p));
		GEOSGeometry *filled = shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL;
		if (!filled)
			failed = 1;
		else
			parts[k++] = filled;
	}
	GEOSGeometry *coll = failed ? NULL : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)k);
	if (!coll)
		for (int i = 0; i < k; i++)
			GEOSGeom_destroy_r(h, parts[i]);
	free(parts);
	GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	return u;
}

/* The points of the homes named, from TEMP VIEW homes. */
static haven_status home_points(haven_ctx *ctx, const haven_zones_propose_opts *o, GEOSGeometry **buffers)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT X(geom), Y(geom) FROM homes WHERE urn = ? AND geom IS NOT NULL", &st);
	for (size_t i = 0; i < o->n_urns && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, o->urns[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
			              "URN %s is not an open home you may see with a place on the map", o->urns[i]);
			break;
		}
		GEOSGeometry *p =
		    GEOSGeom_createPointFromXY_r(ctx->geos, sqlite3_column_double(st, 0), sqlite3_column_double(st, 1));
		if (!p || !(buffers[i] = GEOSBuffer_r(ctx->geos, p, o->radius, 16)))
			rc = hv_error(ctx, HAVEN_ERR_GEOS, "cannot buffer a home: %s", ctx->geos_msg);
		GEOSGeom_destroy_r(ctx->geos, p);
	}
	if (rc)
		for (size_t i = 0; i < o->n_urns; i++)
			if (buffers[i]) {
				GEOSGeom_destroy_r(ctx->geos, buffers[i]);
				buffers[i] = NULL;
			}
	sqlite3_finalize(st);
	return rc;
}

/* Buffers (consumed) unioned, holes filled, simplified, a valid MultiPolygon. */
static haven_status shape(haven_ctx *ctx, GEOSGeometry **buffers, size_t n, double tol, GEOSGeometry **out)
{
	GEOSContextHandle_t h = ctx->geos;
	GEOSGeometry *all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, buffers, (unsigned)n);
	if (!all) {
		for (size_t i = 0; i < n; i++)
			GEOSGeom_destroy_r(h, buffers[i]);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	GEOSGeometry *u = GEOSUnaryUnion_r(h, all);
	GEOSGeom_destroy_r(h, all);
	GEOSGeometry *filled = u ? fill_holes(h, u) : NULL;
	if (u)
		GEOSGeom_destroy_r(h, u);
	GEOSGeometry *simple = filled ? GEOSTopologyPreserveSimplify_r(h, filled, tol) : NULL;
	if (filled)
		GEOSGeom_destroy_r(h, filled);
	GEOSGeometry *valid = simple && GEOSisValid_r(h, simple) != 1 ? GEOSMakeValid_r(h, simple) : NULL;
	const GEOSGeometry *g = valid ? valid : simple;
	int dropped = 0, failed = 0;
	*out = g ? hv_polygonal_part(h, g, &dropped, &failed) : NULL;
	if (valid)
		GEOSGeom_destroy_r(h, valid);
	if (simple)
		GEOSGeom_destroy_r(h, simple);
	return *out ? HAVEN_OK : hv_error(ctx, HAVEN_ERR_GEOS, "cannot make the zone: %s", ctx->geos_msg);
}

static const char *const cols[] = {"zone", "radius_m", "homes", "simplified_m", "area_km2", "geom"};
static const char *const roles =
    "zone=label radius_m=label homes=label simplified_m=label area_km2=label geom=geometry:area";

haven_status haven_zones_propose(haven_ctx *ctx, const haven_zones_propose_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	if (!o || !o->n_urns || o->n_urns > HAVEN_ZONES_PROPOSE_MAX)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a suggested zone is drawn around 1 to %d homes (--urn)",
		                HAVEN_ZONES_PROPOSE_MAX);
	if (!isfinite(o->radius) || o->radius < 1 || o->radius > HAVEN_ZONES_MAX_RADIUS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--radius %g: a radius is 1 to %.0f metres", o->radius,
		                HAVEN_ZONES_MAX_RADIUS);
	double tol = o->simplify > 0 ? o->simplify : HAVEN_ZONES_SIMPLIFY;
	if (!isfinite(tol) || tol > o->radius / 2)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--simplify %g: at most half the radius", tol);
	hv_op op;
	haven_status rc = hv_op_begin_police(ctx, &op, "a suggested zone");
	if (rc)
		return rc;
	hv_scope *scope = NULL;
	GEOSGeometry **buffers = calloc(o->n_urns, sizeof *buffers), *zone = NULL;
	if (!buffers)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (!(rc = hv_scope_actor(ctx, &scope)) && !(rc = hv_homes_view(ctx, NULL, scope)) &&
	    !(rc = home_points(ctx, o, buffers)))
		rc = shape(ctx, buffers, o->n_urns, tol, &zone);
	free(buffers);
	haven_table *t = NULL;
	GEOSWKBWriter *wr = rc ? NULL : GEOSWKBWriter_create_r(ctx->geos);
	unsigned char *wkb = NULL;
	size_t len = 0;
	double area = 0;
	if (!rc && wr) {
		GEOSWKBWriter_setOutputDimension_r(ctx->geos, wr, 2);
		GEOSWKBWriter_setByteOrder_r(ctx->geos, wr, GEOS_WKB_NDR);
		wkb = GEOSWKBWriter_write_r(ctx->geos, wr, zone, &len);
		GEOSArea_r(ctx->geos, zone, &area);
	}
	if (!rc && !wkb)
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (!rc && !(rc = hv_table_new(ctx, "suggested exclusion zone", HV_TABLE_DISCLOSED, 6, cols, &t)) &&
	    !(rc = hv_table_roles(ctx, t, roles)) && !(rc = hv_table_add_row(ctx, t)) &&
	    !(rc = hv_table_set_text(ctx, t, 0, "suggested exclusion zone")) &&
	    !(rc = hv_table_set_int(ctx, t, 1, (int64_t)o->radius)) &&
	    !(rc = hv_table_set_int(ctx, t, 2, (int64_t)o->n_urns)) && !(rc = hv_table_set_real(ctx, t, 3, tol)) &&
	    !(rc = hv_table_set_real(ctx, t, 4, round(area / 1e4) / 100)))
		rc = hv_table_set_geom(ctx, t, 5, wkb, len);
	char buf[256];
	if (!rc) {
		snprintf(
		    buf, sizeof buf,
		    "the homes' points buffered by %g m, unioned, holes filled, simplified to %g m (GEOS); the homes "
		    "are not marked, but a circle's arc still points to its centre",
		    o->radius, tol);
		rc = hv_table_meta_set(ctx, t, "drawn", buf);
	}
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(scope));
	if (!rc) {
		snprintf(buf, sizeof buf, "suggested exclusion zone around %zu home%s, radius %g m", o->n_urns,
		         o->n_urns == 1 ? "" : "s", o->radius);
		rc = hv_table_object(ctx, t, buf);
	}
	if (wkb)
		GEOSFree_r(ctx->geos, wkb);
	if (wr)
		GEOSWKBWriter_destroy_r(ctx->geos, wr);
	if (zone)
		GEOSGeom_destroy_r(ctx->geos, zone);
	hv_scope_free(scope);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
