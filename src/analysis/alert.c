/*
 * alert.c - every open home in an area, for police to alert (haven alert
 * list; docs/alert.md is the contract).
 *
 * The area is a circle around a postcode's centroid or a point, an LA,
 * district or police force area's polygon, or a stored zone's geometry.
 * The homes the acting user may see (the register on the day, in the
 * user's scope) are indexed once in the zones' STRtree of points
 * (zone_check.c) and the area is one zone to it: a circle is tested by the
 * exact distance to its centre (a home on the radius is in it), a polygon
 * through its prepared geometry (its edge counts as inside).  One row per
 * home, with the Schedule 5 fields a letter or a call needs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/zone_check.h"
#include "core/clock.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"
#include "data/zone.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/alert.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

enum { C_URN, C_NAME, C_A1, C_A2, C_A3, C_TOWN, C_PC, C_TEL, C_RP, C_LA, NTEXT };

static const char *const cols[] = {"urn",      "name",      "address_1",         "address_2",       "address_3", "town",
                                   "postcode", "telephone", "registered_person", "local_authority", "distance_m"};
static const char *const roles =
    "urn=home name=text address_1=text address_2=text address_3=text town=text postcode=text telephone=text "
    "registered_person=text local_authority=area:la distance_m=label";

/* The open homes of TEMP VIEW homes with a point: their fields and points. */
typedef struct homes {
	size_t n, cap;
	char **v; /* n * NTEXT strings (NULL: empty) */
	double *x, *y;
	int64_t unlocated; /* open homes with no point */
} homes;

static void homes_free(homes *h)
{
	for (size_t i = 0; i < h->n * NTEXT; i++)
		free(h->v[i]);
	free(h->v);
	free(h->x);
	free(h->y);
	memset(h, 0, sizeof *h);
}

static haven_status homes_load(haven_ctx *ctx, homes *h)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT urn, name, address1, address2, address3, town, postcode, telephone,"
	                             " registered_person, la_code, registration_status, X(geom), Y(geom)"
	                             " FROM homes ORDER BY urn",
	                             &st);
	if (rc)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (!hv_homes_open_status((const char *)sqlite3_column_text(st, 10)))
			continue;
		if (sqlite3_column_type(st, 11) == SQLITE_NULL) {
			h->unlocated++;
			continue;
		}
		if (h->n == h->cap) {
			size_t nc = h->cap ? h->cap * 2 : 1024;
			char **v = realloc(h->v, nc * NTEXT * sizeof *v);
			if (v)
				h->v = v;
			double *x = v ? realloc(h->x, nc * sizeof *x) : NULL;
			if (x)
				h->x = x;
			double *y = x ? realloc(h->y, nc * sizeof *y) : NULL;
			if (!y) {
				rc = nomem(ctx);
				break;
			}
			h->y = y;
			h->cap = nc;
		}
		size_t i = h->n++;
		for (int c = 0; c < NTEXT; c++) {
			const char *t = (const char *)sqlite3_column_text(st, c);
			h->v[i * NTEXT + (size_t)c] = t && *t ? strdup(t) : NULL;
			if (t && *t && !h->v[i * NTEXT + (size_t)c])
				rc = nomem(ctx);
		}
		h->x[i] = sqlite3_column_double(st, 11);
		h->y[i] = sqlite3_column_double(st, 12);
		if (rc)
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading homes");
	sqlite3_finalize(st);
	return rc;
}

/* A geometry read from a WKB column of st. */
static haven_status read_wkb(haven_ctx *ctx, sqlite3_stmt *st, int col, const char *what, GEOSGeometry **g)
{
	const void *b = sqlite3_column_blob(st, col);
	int len = sqlite3_column_bytes(st, col);
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	*g = rd && b ? GEOSWKBReader_read_r(ctx->geos, rd, b, (size_t)len) : NULL;
	if (rd)
		GEOSWKBReader_destroy_r(ctx->geos, rd);
	return *g ? HAVEN_OK : hv_error(ctx, HAVEN_ERR_GEOS, "%s: cannot read its geometry", what);
}

/* The area of o as one zone (z->geom owned by the caller), and how the
 * audit entry and the table's metadata describe it. */
static haven_status area_of(haven_ctx *ctx, const haven_alert_opts *o, hv_zone *z, char *desc, size_t nd)
{
	memset(z, 0, sizeof *z);
	sqlite3_stmt *st;
	haven_status rc;
	if (o->postcode || o->has_point) {
		haven_zones_address_opts a = {.postcode = o->postcode, .has_point = o->has_point, .e = o->e, .n = o->n};
		hv_zone_place *p = NULL;
		size_t np = 0;
		if ((rc = hv_zone_places(ctx, &a, &p, &np)))
			return rc;
		z->cx = p->e;
		z->cy = p->n;
		z->radius = o->radius;
		snprintf(z->ref, sizeof z->ref, "%.64s", p->label);
		snprintf(desc, nd, "within %g m of %s", o->radius, p->label);
		free(p);
		return HAVEN_OK;
	}
	if (o->area) {
		if ((rc = hv_prepare(ctx,
		                     "SELECT kind, name, AsBinary(geom) FROM area WHERE code = ?"
		                     " AND kind IN ('la', 'district', 'pfa')"
		                     " ORDER BY CASE kind WHEN 'la' THEN 0 WHEN 'district' THEN 1 ELSE 2 END LIMIT 1",
		                     &st)))
			return rc;
		sqlite3_bind_text(st, 1, o->area, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			rc = hv_error(
			    ctx, HAVEN_ERR_NOT_FOUND,
			    "--area %.20s: not a local authority, district or police force area of the store's "
			    "boundaries (give its GSS code, e.g. E08000035)",
			    o->area);
		else {
			snprintf(z->ref, sizeof z->ref, "%.20s", o->area);
			snprintf(desc, nd, "in %s %s (%.200s)", (const char *)sqlite3_column_text(st, 0), o->area,
			         (const char *)sqlite3_column_text(st, 1));
			rc = read_wkb(ctx, st, 2, o->area, &z->geom);
		}
		sqlite3_finalize(st);
		return rc;
	}
	if ((rc = hv_prepare(ctx,
	                     "SELECT ref, valid_from, valid_to, centre_x, centre_y, radius_m, AsBinary(geom)"
	                     " FROM zone WHERE ref = ?",
	                     &st)))
		return rc;
	sqlite3_bind_text(st, 1, o->zone, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "--zone %.64s: no zone of that reference is held", o->zone);
	else {
		snprintf(z->ref, sizeof z->ref, "%s", (const char *)sqlite3_column_text(st, 0));
		const char *to = (const char *)sqlite3_column_text(st, 2);
		snprintf(desc, nd, "in zone %s (valid %s to %s)", z->ref, (const char *)sqlite3_column_text(st, 1),
		         to ? to : "no end");
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			z->cx = sqlite3_column_double(st, 3);
			z->cy = sqlite3_column_double(st, 4);
			z->radius = sqlite3_column_double(st, 5);
		}
		rc = read_wkb(ctx, st, 6, z->ref, &z->geom);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The share of an area that may lie outside the scope's LAs, or inside
 * them, and still count as wholly inside, or outside. */
#define ALERT_SLIVER 0.005

/* Whether the area touches the scope's LAs (*touches) and lies wholly in
 * them (*within).  A national scope holds every area. */
static haven_status in_scope(haven_ctx *ctx, const hv_scope *s, const hv_zone *z, int *touches, int *within)
{
	*touches = *within = 1;
	if (hv_scope_is_national(s))
		return HAVEN_OK;
	*touches = *within = 0;
	GEOSContextHandle_t g = ctx->geos;
	size_t nla = hv_scope_la_count(s), k = 0;
	GEOSGeometry **las = calloc(nla ? nla : 1, sizeof *las), *area = NULL, *coll = NULL, *u = NULL;
	if (!las)
		return nomem(ctx);
	sqlite3_stmt *st = NULL;
	haven_status rc = hv_prepare(ctx, "SELECT AsBinary(geom) FROM area WHERE kind = 'la' AND code = ?", &st);
	for (size_t i = 0; i < nla && !rc; i++) {
		sqlite3_bind_text(st, 1, hv_scope_la(s, i), -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && !(rc = read_wkb(ctx, st, 0, hv_scope_la(s, i), &las[k])))
			k++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (!rc && k) {
		if (z->radius > 0) {
			GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, z->cx, z->cy);
			area = pt ? GEOSBuffer_r(g, pt, z->radius, 32) : NULL;
			GEOSGeom_destroy_r(g, pt);
		} else {
			area = GEOSGeom_clone_r(g, z->geom);
		}
		coll = area ? GEOSGeom_createCollection_r(g, GEOS_GEOMETRYCOLLECTION, las, (unsigned)k) : NULL;
		if (coll)
			k = 0; /* the collection owns them now */
		u = coll ? GEOSUnaryUnion_r(g, coll) : NULL;
		GEOSGeometry *rest = u ? GEOSDifference_r(g, area, u) : NULL;
		double all = 0, out = 0;
		if (!rest || !GEOSArea_r(g, area, &all) || !GEOSArea_r(g, rest, &out))
			rc =
			    hv_error(ctx, HAVEN_ERR_GEOS, "comparing the area with your force area: %s", ctx->geos_msg);
		GEOSGeom_destroy_r(g, rest);
		/* the LAs' and the force areas' boundaries are generalised apart:
		 * slivers of ALERT_SLIVER of the area do not count */
		*touches = !rc && out < all * (1 - ALERT_SLIVER);
		*within = !rc && out <= all * ALERT_SLIVER;
	}
	for (size_t i = 0; i < k; i++)
		GEOSGeom_destroy_r(g, las[i]);
	free(las);
	GEOSGeom_destroy_r(g, area);
	GEOSGeom_destroy_r(g, coll);
	GEOSGeom_destroy_r(g, u);
	return rc;
}

static int by_home(const void *a, const void *b)
{
	const hv_zone_pair *p = a, *q = b;
	return p->home < q->home ? -1 : p->home > q->home;
}

static haven_status fill(haven_ctx *ctx, haven_table *t, const homes *h, const hv_zone *z, hv_zone_pair *p, size_t np)
{
	if (np)
		qsort(p, np, sizeof *p, by_home); /* the homes were read by URN */
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; i < np && !rc; i++) {
		size_t j = p[i].home;
		if ((rc = hv_table_add_row(ctx, t)))
			break;
		for (int c = 0; c < NTEXT && !rc; c++)
			rc = hv_table_set_text(ctx, t, c, h->v[j * NTEXT + (size_t)c]);
		if (!rc && z->radius > 0 && !z->geom)
			rc = hv_table_set_int(ctx, t, NTEXT, (int64_t)llround(hypot(h->x[j] - z->cx, h->y[j] - z->cy)));
	}
	return rc;
}

haven_status haven_alert_list(haven_ctx *ctx, const haven_alert_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	if (!o || !!o->postcode + !!o->has_point + !!o->area + !!o->zone != 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "give one of --near (with --radius), --area or --zone");
	int circle = o->postcode || o->has_point;
	if (circle && (!isfinite(o->radius) || o->radius < 1 || o->radius > HAVEN_ALERT_MAX_RADIUS))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--radius %g: an alert radius is 1 to %.0f metres", o->radius,
		                HAVEN_ALERT_MAX_RADIUS);
	if (!circle && o->radius != 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--radius goes with --near; an area or zone is its own shape");
	/* a day, or a day and a clock time (a zone's time windows) */
	hv_zone_when when;
	haven_status rc = hv_zone_when_parse(ctx, o->as_at, &when);
	if (rc)
		return rc;
	char day[11];
	memcpy(day, when.text, 10);
	day[10] = '\0';
	hv_op op;
	if ((rc = hv_op_begin_police(
	         ctx, &op, "an alert list, naming homes with their addresses, telephones and registered persons,")))
		return rc;
	/* a zone lists its homes only while it is live: valid on the day and,
	 * for one with time windows, in one of them (as zones check decides) */
	if (o->zone && (rc = hv_zone_live(ctx, o->zone, &when)))
		return rc;
	hv_zone z;
	char desc[400], buf[600];
	if ((rc = area_of(ctx, o, &z, desc, sizeof desc)))
		return rc;
	hv_scope *scope = NULL;
	homes h = {0};
	hv_zone_homes *tree = NULL;
	hv_zone_pair *p = NULL;
	size_t np = 0;
	haven_table *t = NULL;
	int touches = 0, within = 0;
	if (!(rc = hv_scope_actor(ctx, &scope)) && !(rc = in_scope(ctx, scope, &z, &touches, &within)) &&
	    !(rc = hv_homes_view(ctx, o->as_at ? day : NULL, scope)) && !(rc = homes_load(ctx, &h)) &&
	    !(rc = hv_zone_homes_new(ctx, h.n, h.x, h.y, &tree)))
		rc = hv_zone_pairs(ctx, &z, 1, tree, 0, &p, &np);
	if (!rc && !(rc = hv_table_new(ctx, "homes to alert", HV_TABLE_DISCLOSED, NTEXT + 1, cols, &t)))
		rc = hv_table_roles(ctx, t, roles);
	if (!rc)
		rc = fill(ctx, t, &h, &z, p, np);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "area", desc);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "as_at", o->as_at ? o->as_at : "the current register");
	if (!rc && o->zone)
		rc = hv_table_meta_set(ctx, t, "zone_live_at", when.text);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(scope));
	if (!rc && !touches && !np) {
		snprintf(buf, sizeof buf, "no home listed: the area lies outside your force area (%s)",
		         hv_scope_describe(scope));
		hv_notice(ctx, "%s", buf);
		rc = hv_table_meta_set(ctx, t, "note", buf);
	} else if (!rc && !within) {
		snprintf(buf, sizeof buf, "the area extends beyond your force area: only its homes in %s are listed",
		         hv_scope_describe(scope));
		hv_notice(ctx, "%s", buf);
		rc = hv_table_meta_set(ctx, t, "note", buf);
	}
	if (!rc && h.unlocated) {
		snprintf(buf, sizeof buf,
		         "%lld open home%s in your scope %s no point and cannot be placed in any area (haven geocode "
		         "report)",
		         (long long)h.unlocated, h.unlocated == 1 ? "" : "s", h.unlocated == 1 ? "has" : "have");
		hv_notice(ctx, "%s", buf);
		rc = hv_table_meta_set(ctx, t, "unlocated", buf);
	}
	if (!rc) {
		/* "the homes open on D IN AREA" or "the homes open now IN AREA" */
		snprintf(buf, sizeof buf, "alert list: the homes open %s%s %s: %zu home%s", o->as_at ? "on " : "now",
		         o->as_at ? day : "", desc, np, np == 1 ? "" : "s");
		rc = hv_table_object(ctx, t, buf);
	}
	free(p);
	hv_zone_homes_free(tree);
	homes_free(&h);
	hv_scope_free(scope);
	GEOSGeom_destroy_r(ctx->geos, z.geom);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
