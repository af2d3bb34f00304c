/*
 * assess.c - the location risk profile of a proposed new children's home
 * (haven location assess, docs/assess.md): for a place and a radius, the
 * other open homes near it, the exclusion zones touching the radius, the
 * offender residences within it, and police.uk street-level crime per km2
 * by type against the rate of the LA containing the place.
 *
 * Read-only; one sealed table of rows (section, item, count, per_km2,
 * la_per_km2, note) that leaves through the gate, audited there as a
 * consultation.  Who sees what:
 *   homes      police users count exactly; anyone else reads a count below
 *              HAVEN_LOCATION_MIN_COUNT as "fewer than 3" (as zones address
 *              does); the nearest distance is rounded to 100 m; no home is
 *              named or placed.
 *   offenders  police and LA users whose scope holds the place's LA count
 *              exactly; anyone else as homes.  Positions never leave.
 *   zones      counts and kinds.
 *   crime      open data: counts and rates for everyone.
 *
 * Crime rates: police.uk covers the forces whose files were loaded, so a
 * rate is the crimes in the part of the circle (or the LA) inside the
 * police force areas those files cover, over that part's area; a circle
 * wholly inside is pi r^2.  Every crime within the radius counts where it
 * lies (police.uk's points outside their force area included); rows
 * without coordinates are in no rate, and the note says how many.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "analysis/hotspot.h"
#include "analysis/zone_check.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"
#include "data/zone.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "ref/areas.h"
#include "haven/location.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static const char *const cols[] = {"section", "item", "count", "per_km2", "la_per_km2", "note"};
static const char *const roles = "section=label item=label count=label per_km2=label la_per_km2=label note=label";

typedef struct assess {
	haven_ctx *ctx;
	haven_table *t;
	double e, n, r;
	char la[16], la_name[128];
	int exact_homes, exact_offenders;
} assess;

static haven_status row(assess *a, const char *section, const char *item, const char *count, double per, double la_per,
                        const char *note)
{
	haven_status rc;
	if ((rc = hv_table_add_row(a->ctx, a->t)) || (rc = hv_table_set_text(a->ctx, a->t, 0, section)) ||
	    (rc = hv_table_set_text(a->ctx, a->t, 1, item)) || (rc = hv_table_set_text(a->ctx, a->t, 2, count)))
		return rc;
	if (!isnan(per) && (rc = hv_table_set_real(a->ctx, a->t, 3, round(per * 10) / 10)))
		return rc;
	if (!isnan(la_per) && (rc = hv_table_set_real(a->ctx, a->t, 4, round(la_per * 10) / 10)))
		return rc;
	return hv_table_set_text(a->ctx, a->t, 5, note);
}

static void count_text(int64_t v, int exact, char buf[32])
{
	if (!exact && v < HAVEN_LOCATION_MIN_COUNT)
		snprintf(buf, 32, "fewer than 3");
	else
		snprintf(buf, 32, "%lld", (long long)v);
}

/* ---- homes ------------------------------------------------------------------ */

static haven_status homes(assess *a, const hv_scope *scope)
{
	haven_ctx *ctx = a->ctx;
	haven_status rc = hv_homes_view(ctx, NULL, scope);
	sqlite3_stmt *st = NULL;
	double *x = NULL, *y = NULL;
	size_t n = 0, cap = 0;
	if (!rc)
		rc = hv_prepare(ctx, "SELECT X(geom), Y(geom) FROM homes WHERE geom IS NOT NULL", &st);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			double *p = realloc(x, nc * sizeof *p), *q = p ? realloc(y, nc * sizeof *q) : NULL;
			if (p)
				x = p;
			if (!q) {
				rc = nomem(ctx);
				break;
			}
			y = q;
			cap = nc;
		}
		x[n] = sqlite3_column_double(st, 0);
		y[n] = sqlite3_column_double(st, 1);
		n++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading homes");
	sqlite3_finalize(st);
	hv_zone_homes *h = NULL;
	int64_t count = 0, band[HV_ZONE_NBANDS];
	double nearest = INFINITY;
	if (!rc && !(rc = hv_zone_homes_new(ctx, n, x, y, &h)))
		rc = hv_zone_near(h, a->e, a->n, a->r, &count, &nearest, band);
	hv_zone_homes_free(h);
	free(x);
	free(y);
	if (rc)
		return rc;
	char c[32], note[160];
	count_text(count, a->exact_homes, c);
	if (count) {
		double d = round(nearest / 100) * 100;
		snprintf(note, sizeof note,
		         "the nearest about %.0f m away (rounded to 100 m); %zu open homes in your scope",
		         d < 100 ? 100 : d, n);
	} else if (a->exact_homes)
		snprintf(note, sizeof note, "none within the radius; %zu open homes in your scope", n);
	else
		snprintf(note, sizeof note, "%zu open homes in your scope", n);
	return row(a, "homes", "open children's homes within the radius", c, NAN, NAN, note);
}

/* ---- exclusion zones ---------------------------------------------------------- */

static haven_status zones(assess *a, const hv_scope *scope)
{
	haven_ctx *ctx = a->ctx;
	hv_zone_when w;
	hv_zone *z = NULL;
	size_t nz = 0;
	haven_status rc = hv_zone_when_parse(ctx, NULL, &w);
	if (!rc)
		rc = hv_zones_live(ctx, &w, &z, &nz);
	/* the zones of the user's force areas, as haven zones check takes them */
	if (!rc)
		rc = hv_zones_in_scope(ctx, scope, z, &nz);
	GEOSGeometry *pt = rc ? NULL : GEOSGeom_createPointFromXY_r(ctx->geos, a->e, a->n);
	if (!rc && !pt)
		rc = nomem(ctx);
	int64_t touching = 0, kinds[3] = {0, 0, 0};
	static const char *const kind_names[3] = {"exclusion", "residence_restriction", "no_contact"};
	for (size_t i = 0; i < nz && !rc; i++) {
		double d;
		if (z[i].radius > 0)
			d = fmax(0, hypot(z[i].cx - a->e, z[i].cy - a->n) - z[i].radius);
		else if (!GEOSDistance_r(ctx->geos, z[i].geom, pt, &d)) {
			rc = hv_error(ctx, HAVEN_ERR_GEOS, "measuring a zone: %s", ctx->geos_msg);
			break;
		}
		if (d > a->r)
			continue;
		touching++;
		for (int k = 0; k < 3; k++)
			kinds[k] += strcmp(z[i].kind, kind_names[k]) == 0;
	}
	if (pt)
		GEOSGeom_destroy_r(ctx->geos, pt);
	hv_zones_free(ctx, z, nz);
	if (rc)
		return rc;
	char c[32], note[400];
	snprintf(c, sizeof c, "%lld", (long long)touching);
	snprintf(note, sizeof note,
	         "live now: %lld exclusion, %lld residence restriction, %lld no-contact; the zones of your "
	         "force areas (%s)",
	         (long long)kinds[0], (long long)kinds[1], (long long)kinds[2], hv_scope_describe(scope));
	return row(a, "zones", "exclusion zones touching the radius", c, NAN, NAN, note);
}

/* ---- offender residences ------------------------------------------------------- */

static haven_status offenders(assess *a)
{
	haven_ctx *ctx = a->ctx;
	int64_t loads = 0;
	haven_status rc = hv_query_int(ctx, "SELECT count(*) FROM offender_load", &loads);
	if (rc)
		return rc;
	if (!loads)
		return row(a, "offenders", "offender residences within the radius", "", NAN, NAN,
		           "no layer of offender residences is loaded (haven offenders import)");
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT x, y FROM offender WHERE x BETWEEN ?1 AND ?2 AND y BETWEEN ?3 AND ?4", &st)))
		return rc;
	sqlite3_bind_double(st, 1, a->e - a->r);
	sqlite3_bind_double(st, 2, a->e + a->r);
	sqlite3_bind_double(st, 3, a->n - a->r);
	sqlite3_bind_double(st, 4, a->n + a->r);
	int64_t k = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		k += hypot(sqlite3_column_double(st, 0) - a->e, sqlite3_column_double(st, 1) - a->n) <= a->r;
	if (s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading offenders");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	char c[32];
	count_text(k, a->exact_offenders, c);
	return row(a, "offenders", "offender residences within the radius", c, NAN, NAN,
	           a->exact_offenders ? "a count only: positions are never shown"
	                              : "a count only; below 3 shown as \"fewer than 3\"");
}

/* ---- police.uk crime ---------------------------------------------------------------- */

typedef struct ctype {
	char name[80];
	int64_t in_r, in_la;
} ctype;

static ctype *type_of(ctype *ty, size_t *nt, const char *name)
{
	for (size_t i = 0; i < *nt; i++)
		if (strcmp(ty[i].name, name) == 0)
			return &ty[i];
	if (*nt >= 64)
		return NULL;
	ctype *c = &ty[(*nt)++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	return c;
}

/* The police force areas police.uk's loaded rows cover: for each force, the
 * area holding most of its located rows.  A new geometry (NULL: none). */
static haven_status coverage(haven_ctx *ctx, hv_areas *pfa, GEOSGeometry **out, char *names, size_t nn)
{
	*out = NULL;
	names[0] = '\0';
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "WITH n AS (SELECT force, pfa, count(*) AS k FROM crime WHERE pfa IS NOT NULL"
	                             " GROUP BY force, pfa) SELECT DISTINCT pfa FROM n AS a"
	                             " WHERE k = (SELECT max(k) FROM n AS b WHERE b.force = a.force) ORDER BY pfa",
	                             &st);
	if (rc)
		return rc;
	GEOSGeometry *parts[64];
	unsigned np = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW && np < 64) {
		long i = hv_areas_index(pfa, (const char *)sqlite3_column_text(st, 0));
		if (i < 0)
			continue;
		if (!(parts[np] = GEOSGeom_clone_r(ctx->geos, hv_areas_geom(pfa, i)))) {
			rc = nomem(ctx);
			break;
		}
		size_t used = strlen(names);
		snprintf(names + used, nn - used, "%s%s", used ? ", " : "", hv_areas_name(pfa, i));
		np++;
	}
	sqlite3_finalize(st);
	if (rc) {
		for (unsigned i = 0; i < np; i++)
			GEOSGeom_destroy_r(ctx->geos, parts[i]);
		return rc;
	}
	if (!np)
		return HAVEN_OK;
	GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, parts, np);
	*out = coll ? GEOSUnaryUnion_r(ctx->geos, coll) : NULL;
	if (coll)
		GEOSGeom_destroy_r(ctx->geos, coll);
	return *out ? HAVEN_OK : hv_error(ctx, HAVEN_ERR_GEOS, "the area police.uk covers: %s", ctx->geos_msg);
}

/* Area (km2) of g within cover; 0 when it has none. */
static double area_within(haven_ctx *ctx, const GEOSGeometry *g, const GEOSGeometry *cover)
{
	GEOSGeometry *x = GEOSIntersection_r(ctx->geos, g, cover);
	double a = 0;
	if (x) {
		GEOSArea_r(ctx->geos, x, &a);
		GEOSGeom_destroy_r(ctx->geos, x);
	}
	return a / 1e6;
}

static haven_status crime(assess *a, hv_areas *las, long la)
{
	haven_ctx *ctx = a->ctx;
	int64_t rows = 0, months = 0, unlocated = 0;
	haven_status rc = hv_query_int(ctx, "SELECT count(*) FROM crime", &rows);
	if (rc)
		return rc;
	if (!rows)
		return row(a, "crime", "all crime", "", NAN, NAN,
		           "no police.uk street-level crime is loaded (haven crime import)");
	char first[8] = "", last[8] = "", covered[512];
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT min(month), max(month), count(DISTINCT month), sum(geom IS NULL) FROM crime",
	                     &st)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(last, sizeof last, "%s", (const char *)sqlite3_column_text(st, 1));
		months = sqlite3_column_int64(st, 2);
		unlocated = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	hv_areas *pfa = NULL;
	GEOSGeometry *cover = NULL, *circle = NULL, *lag = NULL;
	GEOSGeometry *centre = GEOSGeom_createPointFromXY_r(ctx->geos, a->e, a->n);
	const GEOSPreparedGeometry *pcover = NULL, *pla = NULL;
	ctype ty[64];
	size_t nt = 0;
	double circle_km2 = 0, la_km2 = 0;
	int64_t all_r = 0, all_la = 0;
	if (!centre)
		rc = nomem(ctx);
	if (!rc && !(rc = hv_areas_load(ctx, "pfa", &pfa)))
		rc = coverage(ctx, pfa, &cover, covered, sizeof covered);
	int none = !rc && !cover;
	if (!rc && !none &&
	    (!(circle = GEOSBuffer_r(ctx->geos, centre, a->r, 32)) ||
	     !(lag = GEOSIntersection_r(ctx->geos, hv_areas_geom(las, la), cover)) ||
	     !(pcover = GEOSPrepare_r(ctx->geos, cover)) || !(pla = GEOSPrepare_r(ctx->geos, lag))))
		rc = hv_error(ctx, HAVEN_ERR_GEOS, "the areas of crime rates: %s", ctx->geos_msg);
	if (!rc && !none) {
		/* a circle wholly inside the covered area: pi r^2 exactly */
		circle_km2 = GEOSPreparedContains_r(ctx->geos, pcover, circle) == 1 ? M_PI * a->r * a->r / 1e6
		                                                                    : area_within(ctx, circle, cover);
		GEOSArea_r(ctx->geos, lag, &la_km2);
		la_km2 /= 1e6;
	}
	double x0, y0, x1, y1;
	hv_areas_bounds(las, la, &x0, &y0, &x1, &y1);
	st = NULL;
	if (!rc && !none)
		rc = hv_prepare(ctx, "SELECT crime_type, X(geom), Y(geom) FROM crime WHERE geom IS NOT NULL", &st);
	int s = SQLITE_DONE;
	while (!rc && st && (s = sqlite3_step(st)) == SQLITE_ROW) {
		double x = sqlite3_column_double(st, 1), y = sqlite3_column_double(st, 2);
		int in_r = hypot(x - a->e, y - a->n) <= a->r, in_la = 0;
		if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
			GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
			in_la = p && GEOSPreparedCovers_r(ctx->geos, pla, p) == 1;
			GEOSGeom_destroy_r(ctx->geos, p);
		}
		if (!in_r && !in_la)
			continue;
		ctype *c = type_of(ty, &nt, (const char *)sqlite3_column_text(st, 0));
		if (!c)
			continue;
		c->in_r += in_r;
		c->in_la += in_la;
		all_r += in_r;
		all_la += in_la;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading crimes");
	sqlite3_finalize(st);
	if (pcover)
		GEOSPreparedGeom_destroy_r(ctx->geos, pcover);
	if (pla)
		GEOSPreparedGeom_destroy_r(ctx->geos, pla);
	GEOSGeometry *gs[] = {cover, circle, lag, centre};
	for (size_t i = 0; i < 4; i++)
		if (gs[i])
			GEOSGeom_destroy_r(ctx->geos, gs[i]);
	hv_areas_free(pfa);
	if (rc)
		return rc;
	if (none)
		return row(a, "crime", "all crime", "", NAN, NAN, "no police.uk crime lies in a police force area");
	/* by type, the most frequent in the LA first */
	for (size_t i = 1; i < nt; i++)
		for (size_t j = i; j > 0 && (ty[j].in_la > ty[j - 1].in_la || (ty[j].in_la == ty[j - 1].in_la &&
		                                                               strcmp(ty[j].name, ty[j - 1].name) < 0));
		     j--) {
			ctype t = ty[j];
			ty[j] = ty[j - 1];
			ty[j - 1] = t;
		}
	char note[900], c[32];
	double per = circle_km2 > 0 ? 1.0 / circle_km2 : NAN, la_per = la_km2 > 0 ? 1.0 / la_km2 : NAN;
	snprintf(
	    note, sizeof note,
	    "crimes per km2 over %lld month%s (%s to %s); the radius covers %.3f km2 of the area police.uk's files "
	    "cover (%s), %s %.3f km2; %lld rows without coordinates are in no rate",
	    (long long)months, months == 1 ? "" : "s", first, last, circle_km2, covered, a->la_name, la_km2,
	    (long long)unlocated);
	snprintf(c, sizeof c, "%lld", (long long)all_r);
	rc = row(a, "crime", "all crime", c, (double)all_r * per, (double)all_la * la_per, note);
	for (size_t i = 0; i < nt && !rc; i++) {
		snprintf(c, sizeof c, "%lld", (long long)ty[i].in_r);
		rc = row(a, "crime", ty[i].name, c, (double)ty[i].in_r * per, (double)ty[i].in_la * la_per, "");
	}
	if (!rc) {
		snprintf(note, sizeof note, "%s to %s (%lld)", first, last, (long long)months);
		rc = hv_table_meta_set(ctx, a->t, "crime_months", note);
	}
	if (!rc)
		rc = hv_table_meta_set(
		    ctx, a->t, "attribution",
		    "Contains public sector information licensed under the Open Government Licence v3.0 "
		    "(data.police.uk). Boundaries: Source: Office for National Statistics licensed under "
		    "the Open Government Licence v.3.0. Contains OS data (c) Crown copyright and database "
		    "right 2024.");
	return rc;
}

/* ---- missing-episode clusters and hot spots ---------------------------------------- */

/* "about 300 m away" (rounded to 100 m, at least 100), or inside. */
static void distance_text(double d, const char *what, char *buf, size_t n)
{
	if (d <= 0)
		snprintf(buf, n, "the place lies inside %s", what);
	else {
		double r = round(d / 100) * 100;
		snprintf(buf, n, "the nearest about %.0f m away (rounded to 100 m)", r < 100 ? 100 : r);
	}
}

/* The clusters haven missing clusters gives the user, near the place: all
 * of them for police, those drawn around HV_HULL_CHILDREN children or more
 * for other record-level users (the gate's rule for hulls), none for an
 * aggregates-only audience (who get counts by LA).  For police, *hulls (if
 * asked) the nearby clusters' hulls, for the map. */
static haven_status clusters(assess *a, const haven_missing_clusters_opts *co, haven_table **hulls)
{
	haven_ctx *ctx = a->ctx;
	const char *item = "missing-episode clusters within the radius";
	char note[640], params[200], c[32];
	char period[48];
	if (co->from || co->to)
		snprintf(period, sizeof period, "episodes from %s to %s", co->from ? co->from : "the first",
		         co->to ? co->to : "the last");
	else
		snprintf(period, sizeof period, "every episode held");
	snprintf(params, sizeof params, "DBSCAN of where children were %s, eps %g m, %d points, %s",
	         strcmp(co->of, "found") == 0 ? "found" : "last seen", co->eps, co->min_points, period);
	if (hv_scope_aggregates_only(ctx)) {
		snprintf(note, sizeof note,
		         "not given to you: clusters are drawn around children's places, and an aggregates-only "
		         "audience receives counts of clusters by LA under disclosure control (haven missing "
		         "clusters --table areas); %s",
		         params);
		return row(a, "missing", item, "", NAN, NAN, note);
	}
	int police = strcmp(ctx->actor.authority_kind, "police") == 0;
	hv_cluster_near *cn = NULL;
	size_t n = 0, total = 0;
	haven_status rc = hv_missing_clusters_near(ctx, co, a->e, a->n, a->r, &cn, &n, &total);
	if (rc)
		return rc;
	size_t k = 0, first = n;
	for (size_t i = 0; i < n; i++)
		if (police || cn[i].children >= HV_HULL_CHILDREN) {
			k++;
			if (first == n)
				first = i;
		}
	char near[120] = "";
	if (k)
		distance_text(cn[first].distance, "a cluster's outline", near, sizeof near);
	if (police)
		snprintf(note, sizeof note, "%s%s%zu clusters in your scope; %s", near, k ? "; " : "", total, params);
	else
		snprintf(note, sizeof note,
		         "%s%sclusters drawn around fewer than %d children are not counted (nor given by haven "
		         "missing clusters outside the police); %s",
		         near, k ? "; " : "", HV_HULL_CHILDREN, params);
	snprintf(c, sizeof c, "%zu", k);
	rc = row(a, "missing", item, c, NAN, NAN, note);
	if (!rc && hulls && police) {
		static const char *const hc[] = {"cluster", "distance_m", "episodes", "children", "hull"};
		rc = hv_table_new(ctx, "clusters of missing children near the place", HV_TABLE_DISCLOSED, 5, hc, hulls);
		if (!rc)
			rc = hv_table_roles(ctx, *hulls,
			                    "cluster=label distance_m=label episodes=count:episodes "
			                    "children=count:distinct hull=geometry:hull");
		for (size_t i = 0; i < n && !rc; i++) {
			double d = round(cn[i].distance / 100) * 100;
			if (!(rc = hv_table_add_row(ctx, *hulls)) &&
			    !(rc = hv_table_set_int(ctx, *hulls, 0, cn[i].cluster)) &&
			    !(rc = hv_table_set_int(ctx, *hulls, 1, (int64_t)d)) &&
			    !(rc = hv_table_set_int(ctx, *hulls, 2, cn[i].episodes)) &&
			    !(rc = hv_table_set_int(ctx, *hulls, 3, cn[i].children)))
				rc = hv_table_set_geom(ctx, *hulls, 4, cn[i].wkb, cn[i].wkb_len);
		}
		if (!rc) {
			snprintf(note, sizeof note,
			         "clusters of missing children near a location risk profile's place in %s (%s), radius "
			         "%.0f m",
			         a->la_name, a->la, a->r);
			rc = hv_table_object(ctx, *hulls, note);
		}
		if (!rc)
			rc = hv_table_meta_set(ctx, *hulls, "method", params);
		if (rc)
			haven_table_free(*hulls), *hulls = NULL;
	}
	hv_cluster_near_free(cn, n);
	return rc;
}

/* The squares haven missing hotspots classes hot, near the place: their
 * class and place are what every audience receives of hot spots. */
static haven_status hotspots(assess *a, const haven_hotspots_opts *ho)
{
	hv_hotspot_near h;
	haven_status rc = hv_missing_hotspots_near(a->ctx, ho, a->e, a->n, a->r, &h);
	if (rc)
		return rc;
	size_t k = h.near[0] + h.near[1] + h.near[2];
	char note[640], near[120] = "", c[32];
	if (k)
		distance_text(h.nearest, "a hot square", near, sizeof near);
	snprintf(note, sizeof note,
	         "%s%shot at 99%%: %zu, 95%%: %zu, 90%%: %zu; %zu hot squares in your scope; Gi* of where children "
	         "were %s, %.0f m squares, %g m band, %ld permutations, %s to %s",
	         near, k ? "; " : "", h.near[2], h.near[1], h.near[0], h.hot,
	         ho->of && strcmp(ho->of, "last-seen") == 0 ? "last seen" : "found", h.cell, ho->band,
	         ho->permutations ? ho->permutations : (long)HAVEN_HOTSPOTS_PERMUTATIONS, h.from, h.to);
	snprintf(c, sizeof c, "%zu", k);
	return row(a, "missing", "missing-episode hot spots (squares) within the radius", c, NAN, NAN, note);
}

static haven_status missing(assess *a, const haven_location_opts *o, haven_table **hulls)
{
	int64_t any = 0;
	haven_status rc = hv_query_int(a->ctx, "SELECT EXISTS (SELECT 1 FROM missing_episode)", &any);
	if (rc || !any)
		return rc ? rc
		          : row(a, "missing", "missing-episode clusters and hot spots", "", NAN, NAN,
		                "no missing episodes are held (haven missing import)");
	const char *of = o->of ? o->of : "found";
	haven_missing_clusters_opts co = {.of = of,
	                                  .eps = o->eps > 0 ? o->eps : HAVEN_LOCATION_EPS,
	                                  .min_points = o->min_points > 0 ? o->min_points : HAVEN_LOCATION_MIN_POINTS,
	                                  .from = o->from,
	                                  .to = o->to};
	haven_hotspots_opts ho = {.cell = o->cell > 0 ? o->cell : HAVEN_LOCATION_CELL,
	                          .band = o->band > 0 ? o->band : HAVEN_LOCATION_BAND,
	                          .of = of,
	                          .from = o->from,
	                          .to = o->to,
	                          .seed = HAVEN_HOTSPOTS_SEED};
	if (!(rc = clusters(a, &co, hulls)))
		rc = hotspots(a, &ho);
	return rc;
}

/* ---- the assessment ---------------------------------------------------------------- */

haven_status haven_location_assess(haven_ctx *ctx, const haven_location_opts *o, haven_table **out, haven_table **hulls)
{
	hv_clear(ctx);
	*out = NULL;
	if (hulls)
		*hulls = NULL;
	if (!o || !!o->postcode + !!o->has_point + !!o->has_lonlat != 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "an assessment needs one of --postcode, --point or --lonlat");
	double r = o->radius > 0 ? o->radius : HAVEN_LOCATION_RADIUS;
	if (!isfinite(r) || r < 50 || r > HAVEN_LOCATION_MAX_RADIUS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--radius %g: a radius is 50 to %.0f metres", r,
		                HAVEN_LOCATION_MAX_RADIUS);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	haven_zones_address_opts where = {.postcode = o->postcode,
	                                  .has_point = o->has_point,
	                                  .e = o->e,
	                                  .n = o->n,
	                                  .has_lonlat = o->has_lonlat,
	                                  .lon = o->lon,
	                                  .lat = o->lat};
	hv_zone_place *p = NULL;
	size_t np = 0;
	if ((rc = hv_zone_places(ctx, &where, &p, &np)))
		return rc;
	assess a = {.ctx = ctx, .e = p->e, .n = p->n, .r = r};
	char label[80];
	snprintf(label, sizeof label, "%s", p->label);
	free(p);
	hv_areas *las = NULL;
	hv_scope *scope = NULL;
	if ((rc = hv_areas_load(ctx, "la", &las)) == HAVEN_ERR_NOT_FOUND)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "an assessment compares with the LA's own rate: load the la boundaries first");
	long la = rc ? -1 : hv_areas_find(las, a.e, a.n);
	if (!rc && la < 0)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "%s lies in no local authority of the store's boundaries",
		              label);
	if (!rc) {
		snprintf(a.la, sizeof a.la, "%s", hv_areas_code(las, la));
		snprintf(a.la_name, sizeof a.la_name, "%s", hv_areas_name(las, la));
		rc = hv_scope_actor(ctx, &scope);
	}
	if (!rc) {
		int of_area = hv_scope_has_la(scope, a.la);
		int police = strcmp(ctx->actor.authority_kind, "police") == 0;
		a.exact_homes = police;
		a.exact_offenders = of_area && (police || strcmp(ctx->actor.authority_kind, "la") == 0);
		rc = hv_table_new(ctx, "location risk profile", HV_TABLE_DISCLOSED, 6, cols, &a.t);
	}
	if (!rc)
		rc = hv_table_roles(ctx, a.t, roles);
	char buf[512];
	if (!rc) {
		if (o->postcode)
			snprintf(buf, sizeof buf, "%s (E %.0f N %.0f), radius %.0f m, in %s (%s)", label, a.e, a.n, r,
			         a.la_name, a.la);
		else if (o->has_lonlat)
			snprintf(buf, sizeof buf, "lon %.6f lat %.6f (%s), radius %.0f m, in %s (%s)", o->lon, o->lat,
			         label, r, a.la_name, a.la);
		else
			snprintf(buf, sizeof buf, "%s, radius %.0f m, in %s (%s)", label, r, a.la_name, a.la);
		rc = row(&a, "place", "the place assessed", "", NAN, NAN, buf);
	}
	if (!rc)
		rc = homes(&a, scope);
	if (!rc)
		rc = zones(&a, scope);
	if (!rc)
		rc = offenders(&a);
	if (!rc)
		rc = crime(&a, las, la);
	if (!rc)
		rc = missing(&a, o, hulls);
	struct {
		const char *k;
		double v;
	} m[] = {{"place_e", a.e}, {"place_n", a.n}, {"radius_m", r}};
	for (size_t i = 0; i < 3 && !rc; i++) {
		snprintf(buf, sizeof buf, "%.0f", m[i].v);
		rc = hv_table_meta_set(ctx, a.t, m[i].k, buf);
	}
	if (!rc)
		rc = hv_table_meta_set(ctx, a.t, "la", a.la);
	if (!rc && !a.exact_homes)
		rc = hv_table_meta_set(
		    ctx, a.t, "counts",
		    "counts of homes (and of offenders, outside police and the LA of the area) below 3 "
		    "are shown as \"fewer than 3\"; distances are rounded to 100 m");
	if (!rc)
		rc = hv_table_meta_set(ctx, a.t, "scope", hv_scope_describe(scope));
	if (!rc) {
		snprintf(buf, sizeof buf, "location risk profile: 1 place in %s (%s), radius %.0f m", a.la_name, a.la,
		         r);
		rc = hv_table_object(ctx, a.t, buf);
	}
	hv_scope_free(scope);
	hv_areas_free(las);
	if (rc) {
		haven_table_free(a.t);
		if (hulls)
			haven_table_free(*hulls), *hulls = NULL;
		return rc;
	}
	*out = a.t;
	return HAVEN_OK;
}
