/*
 * zone_check.c - which homes lie in or near offender exclusion zones
 * (haven zones check), and probation's proposed-address check (haven zones
 * address).  docs/zones.md is the contract.
 *
 * The homes the acting user may see are indexed once in a GEOS STRtree of
 * points; each zone (or address) asks the tree for the homes in its
 * envelope, grown by the buffer (or radius), and tests only those: a
 * polygon zone through its prepared geometry, a point-with-radius zone by
 * the exact distance to its centre (a home exactly on the radius is in it;
 * the stored circle is a polygon, whose chords would leave it out).  Never
 * all pairs.
 *
 * Who sees what: police users see the homes; anyone else a row per zone or
 * address with counts, and a count below HAVEN_ZONES_MIN_COUNT reads
 * "fewer than 3", so that a series of checks cannot find one home.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/zone_check.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"
#include "data/zone.h"
#include "govern/govern.h"
#include "govern/scope.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* The homes the user may see, with their points, in an STRtree (and, for
 * police, their names and addresses). */
typedef struct hv_zone_homes homeset;
struct hv_zone_homes {
	haven_ctx *ctx;
	size_t n, cap;
	char **urn, **name, **address;
	double *x, *y;
	GEOSGeometry **pt;
	GEOSSTRtree *tree;
	/* a query's results */
	size_t *hit;
	size_t nhit, caphit;
	int failed;
};

static void homes_free(homeset *h)
{
	GEOSContextHandle_t g = h->ctx->geos;
	if (h->tree)
		GEOSSTRtree_destroy_r(g, h->tree);
	for (size_t i = 0; i < h->n; i++) {
		if (h->urn)
			free(h->urn[i]);
		if (h->name)
			free(h->name[i]);
		if (h->address)
			free(h->address[i]);
		GEOSGeom_destroy_r(g, h->pt[i]);
	}
	free(h->urn);
	free(h->name);
	free(h->address);
	free(h->x);
	free(h->y);
	free(h->pt);
	free(h->hit);
	haven_ctx *ctx = h->ctx;
	memset(h, 0, sizeof *h);
	h->ctx = ctx;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return strdup(s ? s : "");
}

/* Index the points of h in a new STRtree (built by its first query). */
static haven_status index_homes(homeset *h)
{
	GEOSContextHandle_t g = h->ctx->geos;
	if (!(h->tree = GEOSSTRtree_create_r(g, 10)))
		return nomem(h->ctx);
	for (size_t i = 0; i < h->n; i++)
		GEOSSTRtree_insert_r(g, h->tree, h->pt[i], &h->x[i]);
	return HAVEN_OK;
}

/* The open homes of TEMP VIEW homes with a point; names and addresses only
 * when names is set (police). */
static haven_status homes_load(haven_ctx *ctx, homeset *h, int names)
{
	memset(h, 0, sizeof *h);
	h->ctx = ctx;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx,
	               "SELECT urn, name, trim(address1 || coalesce(', ' || town, '') || ', ' || postcode),"
	               " X(geom), Y(geom) FROM homes WHERE geom IS NOT NULL ORDER BY urn",
	               &st);
	if (rc)
		return rc;
	GEOSContextHandle_t g = ctx->geos;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (h->n == h->cap) {
			size_t nc = h->cap ? h->cap * 2 : 1024;
			char **a = realloc(h->urn, nc * sizeof *a), **b = a ? realloc(h->name, nc * sizeof *b) : NULL,
			     **c = b ? realloc(h->address, nc * sizeof *c) : NULL;
			if (a)
				h->urn = a;
			if (b)
				h->name = b;
			if (c)
				h->address = c;
			double *x = c ? realloc(h->x, nc * sizeof *x) : NULL,
			       *y = x ? realloc(h->y, nc * sizeof *y) : NULL;
			if (x)
				h->x = x;
			if (y)
				h->y = y;
			GEOSGeometry **p = y ? realloc(h->pt, nc * sizeof *p) : NULL;
			if (!p) {
				rc = nomem(ctx);
				break;
			}
			h->pt = p;
			h->cap = nc;
		}
		size_t i = h->n;
		h->urn[i] = dup_col(st, 0);
		h->name[i] = names ? dup_col(st, 1) : NULL;
		h->address[i] = names ? dup_col(st, 2) : NULL;
		h->x[i] = sqlite3_column_double(st, 3);
		h->y[i] = sqlite3_column_double(st, 4);
		h->pt[i] = GEOSGeom_createPointFromXY_r(g, h->x[i], h->y[i]);
		h->n++;
		if (!h->urn[i] || (names && (!h->name[i] || !h->address[i])) || !h->pt[i]) {
			rc = nomem(ctx);
			break;
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading homes");
	sqlite3_finalize(st);
	if (!rc)
		rc = index_homes(h);
	if (rc)
		homes_free(h);
	return rc;
}

haven_status hv_zone_homes_new(haven_ctx *ctx, size_t n, const double *x, const double *y, hv_zone_homes **out)
{
	*out = NULL;
	homeset *h = calloc(1, sizeof *h);
	if (!h)
		return nomem(ctx);
	h->ctx = ctx;
	h->x = malloc((n ? n : 1) * sizeof *h->x);
	h->y = malloc((n ? n : 1) * sizeof *h->y);
	h->pt = calloc(n ? n : 1, sizeof *h->pt);
	haven_status rc = h->x && h->y && h->pt ? HAVEN_OK : nomem(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		h->x[i] = x[i];
		h->y[i] = y[i];
		if (!(h->pt[i] = GEOSGeom_createPointFromXY_r(ctx->geos, x[i], y[i])))
			rc = nomem(ctx);
		h->n = i + 1;
	}
	if (!rc)
		rc = index_homes(h);
	if (rc) {
		hv_zone_homes_free(h);
		return rc;
	}
	*out = h;
	return HAVEN_OK;
}

void hv_zone_homes_free(hv_zone_homes *h)
{
	if (!h)
		return;
	homes_free(h);
	free(h);
}

static void collect(void *item, void *user)
{
	homeset *h = user;
	if (h->nhit == h->caphit) {
		size_t nc = h->caphit ? h->caphit * 2 : 256;
		size_t *p = realloc(h->hit, nc * sizeof *p);
		if (!p) {
			h->failed = 1;
			return;
		}
		h->hit = p;
		h->caphit = nc;
	}
	h->hit[h->nhit++] = (size_t)((double *)item - h->x);
}

/* The homes whose points lie in the box, into h->hit[0..h->nhit). */
static haven_status homes_in_box(homeset *h, double x0, double y0, double x1, double y1)
{
	h->nhit = 0;
	if (!h->n)
		return HAVEN_OK;
	GEOSContextHandle_t g = h->ctx->geos;
	GEOSGeometry *box = GEOSGeom_createRectangle_r(g, x0, y0, x1, y1);
	if (!box)
		return nomem(h->ctx);
	GEOSSTRtree_query_r(g, h->tree, box, collect, h);
	GEOSGeom_destroy_r(g, box);
	return h->failed ? nomem(h->ctx) : HAVEN_OK;
}

/* A count as a probation user (or anyone but police) sees it. */
static haven_status set_count(haven_ctx *ctx, haven_table *t, int col, int64_t v, int exact)
{
	if (exact)
		return hv_table_set_int(ctx, t, col, v);
	if (v < HAVEN_ZONES_MIN_COUNT)
		return hv_table_set_text(ctx, t, col, "fewer than 3");
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return hv_table_set_text(ctx, t, col, buf);
}

static int is_police(const haven_ctx *ctx)
{
	return strcmp(ctx->actor.authority_kind, "police") == 0;
}

/* ---- haven zones check -------------------------------------------------------- */

typedef hv_zone_pair pair;

typedef struct pairs {
	pair *p;
	size_t n, cap;
} pairs;

static haven_status add_pair(haven_ctx *ctx, pairs *ps, size_t z, size_t h, int inside, double d)
{
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 256;
		pair *p = realloc(ps->p, nc * sizeof *p);
		if (!p)
			return nomem(ctx);
		ps->p = p;
		ps->cap = nc;
	}
	ps->p[ps->n++] = (pair){z, h, inside, d};
	return HAVEN_OK;
}

haven_status hv_zones_in_scope(haven_ctx *ctx, const hv_scope *s, hv_zone *z, size_t *nz)
{
	if (hv_scope_is_national(s))
		return HAVEN_OK;
	size_t k = 0;
	for (size_t i = 0; i < *nz; i++) {
		int in = 0;
		char codes[sizeof z[i].pfa];
		snprintf(codes, sizeof codes, "%s", z[i].pfa);
		char *save = NULL;
		haven_status rc = HAVEN_OK;
		for (char *c = strtok_r(codes, ",", &save); c && !in && !rc; c = strtok_r(NULL, ",", &save))
			rc = hv_scope_has_area(ctx, s, "pfa", c, &in);
		if (rc) { /* keep the rest, so that the caller frees each zone once */
			while (i < *nz)
				z[k++] = z[i++];
			*nz = k;
			return rc;
		}
		if (in)
			z[k++] = z[i];
		else
			GEOSGeom_destroy_r(ctx->geos, z[i].geom);
	}
	*nz = k;
	return HAVEN_OK;
}

/* Every (zone, home) with the home inside the zone or within buffer of it. */
static haven_status find_pairs(haven_ctx *ctx, const hv_zone *z, size_t nz, homeset *h, double buffer, pairs *ps)
{
	GEOSContextHandle_t g = ctx->geos;
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; i < nz && !rc; i++) {
		double x0, y0, x1, y1;
		if (z[i].radius > 0) {
			double r = z[i].radius + buffer;
			x0 = z[i].cx - r;
			y0 = z[i].cy - r;
			x1 = z[i].cx + r;
			y1 = z[i].cy + r;
		} else {
			GEOSGeom_getXMin_r(g, z[i].geom, &x0);
			GEOSGeom_getYMin_r(g, z[i].geom, &y0);
			GEOSGeom_getXMax_r(g, z[i].geom, &x1);
			GEOSGeom_getYMax_r(g, z[i].geom, &y1);
			x0 -= buffer;
			y0 -= buffer;
			x1 += buffer;
			y1 += buffer;
		}
		if ((rc = homes_in_box(h, x0, y0, x1, y1)) || !h->nhit)
			continue;
		if (z[i].radius > 0) {
			for (size_t k = 0; k < h->nhit && !rc; k++) {
				size_t j = h->hit[k];
				double d = hypot(h->x[j] - z[i].cx, h->y[j] - z[i].cy);
				if (d <= z[i].radius)
					rc = add_pair(ctx, ps, i, j, 1, 0);
				else if (d <= z[i].radius + buffer)
					rc = add_pair(ctx, ps, i, j, 0, d - z[i].radius);
			}
			continue;
		}
		const GEOSPreparedGeometry *prep = GEOSPrepare_r(g, z[i].geom);
		if (!prep)
			return hv_error(ctx, HAVEN_ERR_GEOS, "zone %s: cannot prepare its geometry", z[i].ref);
		for (size_t k = 0; k < h->nhit && !rc; k++) {
			size_t j = h->hit[k];
			char in = GEOSPreparedIntersects_r(g, prep, h->pt[j]);
			if (in == 1) {
				rc = add_pair(ctx, ps, i, j, 1, 0);
			} else if (in == 0 && buffer > 0 &&
			           GEOSPreparedDistanceWithin_r(g, prep, h->pt[j], buffer) == 1) {
				double d = 0;
				GEOSDistance_r(g, z[i].geom, h->pt[j], &d);
				rc = add_pair(ctx, ps, i, j, 0, d);
			} else if (in == 2) {
				rc = hv_error(ctx, HAVEN_ERR_GEOS, "zone %s: %s", z[i].ref, ctx->geos_msg);
			}
		}
		GEOSPreparedGeom_destroy_r(g, prep);
	}
	return rc;
}

haven_status hv_zone_pairs(haven_ctx *ctx, const hv_zone *z, size_t nz, hv_zone_homes *h, double buffer,
                           hv_zone_pair **out, size_t *n)
{
	pairs ps = {0};
	haven_status rc = find_pairs(ctx, z, nz, h, buffer, &ps);
	if (rc) {
		free(ps.p);
		return rc;
	}
	*out = ps.p;
	*n = ps.n;
	return HAVEN_OK;
}

static int by_home(const void *a, const void *b)
{
	const pair *p = a, *q = b;
	if (p->home != q->home)
		return p->home < q->home ? -1 : 1;
	return p->zone < q->zone ? -1 : p->zone > q->zone;
}

static const char *const zone_cols[] = {"zone", "case_ref", "kind", "urn", "name", "relation", "distance_m"};
static const char *const zone_roles =
    "zone=label case_ref=label kind=label urn=home name=text relation=label distance_m=label";
static const char *const home_cols[] = {"urn", "name", "zones", "n_zones"};
static const char *const home_roles = "urn=home name=text zones=label n_zones=label";
static const char *const count_cols[] = {"zone", "kind", "homes_inside", "homes_within_buffer"};
static const char *const count_roles = "zone=label kind=label homes_inside=label homes_within_buffer=label";

static haven_status check_table(haven_ctx *ctx, const hv_zone *z, size_t nz, const homeset *h, pairs *ps, int detail,
                                int home, haven_table **out)
{
	haven_table *t = NULL;
	haven_status rc;
	if (detail && home) {
		rc = hv_table_new(ctx, "homes and the exclusion zones touching them", HV_TABLE_DISCLOSED, 4, home_cols,
		                  &t);
		if (!rc)
			rc = hv_table_roles(ctx, t, home_roles);
		qsort(ps->p, ps->n, sizeof *ps->p, by_home);
		for (size_t i = 0; i < ps->n && !rc;) {
			size_t j = i, len = 0;
			while (j < ps->n && ps->p[j].home == ps->p[i].home)
				len += strlen(z[ps->p[j++].zone].ref) + 2;
			char *list = malloc(len + 1);
			if (!list) {
				rc = nomem(ctx);
				break;
			}
			list[0] = '\0';
			for (size_t k = i; k < j; k++) {
				if (k > i)
					strcat(list, ", ");
				strcat(list, z[ps->p[k].zone].ref);
			}
			size_t hm = ps->p[i].home;
			if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_text(ctx, t, 0, h->urn[hm])) &&
			    !(rc = hv_table_set_text(ctx, t, 1, h->name[hm])) &&
			    !(rc = hv_table_set_text(ctx, t, 2, list)))
				rc = hv_table_set_int(ctx, t, 3, (int64_t)(j - i));
			free(list);
			i = j;
		}
	} else if (detail) {
		rc = hv_table_new(ctx, "homes in or near exclusion zones", HV_TABLE_DISCLOSED, 7, zone_cols, &t);
		if (!rc)
			rc = hv_table_roles(ctx, t, zone_roles);
		for (size_t i = 0; i < ps->n && !rc; i++) {
			const pair *p = &ps->p[i];
			const hv_zone *q = &z[p->zone];
			if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_text(ctx, t, 0, q->ref)) &&
			    !(rc = hv_table_set_text(ctx, t, 1, q->case_ref)) &&
			    !(rc = hv_table_set_text(ctx, t, 2, q->kind)) &&
			    !(rc = hv_table_set_text(ctx, t, 3, h->urn[p->home])) &&
			    !(rc = hv_table_set_text(ctx, t, 4, h->name[p->home])) &&
			    !(rc = hv_table_set_text(ctx, t, 5, p->inside ? "inside" : "within buffer")))
				rc = hv_table_set_int(ctx, t, 6, (int64_t)ceil(p->dist));
		}
	} else {
		rc = hv_table_new(ctx, "homes in or near exclusion zones (counts)", HV_TABLE_DISCLOSED, 4, count_cols,
		                  &t);
		if (!rc)
			rc = hv_table_roles(ctx, t, count_roles);
		int64_t *in = calloc(nz ? nz : 1, sizeof *in), *near = calloc(nz ? nz : 1, sizeof *near);
		if (!in || !near)
			rc = nomem(ctx);
		for (size_t i = 0; i < ps->n && !rc; i++)
			(ps->p[i].inside ? in : near)[ps->p[i].zone]++;
		for (size_t i = 0; i < nz && !rc; i++)
			if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_text(ctx, t, 0, z[i].ref)) &&
			    !(rc = hv_table_set_text(ctx, t, 1, z[i].kind)) && !(rc = set_count(ctx, t, 2, in[i], 0)))
				rc = set_count(ctx, t, 3, near[i], 0);
		free(in);
		free(near);
	}
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

haven_status haven_zones_check(haven_ctx *ctx, const haven_zones_check_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_zones_check_opts none = {0};
	if (!o)
		o = &none;
	const char *by = o->by ? o->by : "zone";
	if (strcmp(by, "zone") && strcmp(by, "home"))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--by '%s': use zone or home", by);
	if (!isfinite(o->buffer) || o->buffer < 0 || o->buffer > HAVEN_ZONES_MAX_RADIUS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--buffer %g: a buffer is 0 to %.0f metres", o->buffer,
		                HAVEN_ZONES_MAX_RADIUS);
	hv_zone_when w;
	haven_status rc = hv_zone_when_parse(ctx, o->as_at, &w);
	if (rc)
		return rc;
	hv_op op;
	if ((rc = hv_op_begin(ctx, &op, HV_OP_ACTOR)))
		return rc;
	int detail = is_police(ctx), home = strcmp(by, "home") == 0;
	if (home && !detail)
		return hv_error(
		    ctx, HAVEN_ERR_DENIED,
		    "the zones touching each home is a listing of homes, for police users of the force only; "
		    "a %s user gets counts by zone (--by zone)",
		    ctx->actor.authority_kind);
	hv_scope *scope = NULL;
	homeset h = {.ctx = ctx};
	hv_zone *z = NULL;
	size_t nz = 0;
	pairs ps = {0};
	char date[11];
	memcpy(date, w.text, 10);
	date[10] = '\0';
	double t0 = hv_monotonic();
	if (!(rc = hv_scope_actor(ctx, &scope)) && !(rc = hv_homes_view(ctx, date, scope)) &&
	    !(rc = homes_load(ctx, &h, detail)) && !(rc = hv_zones_live(ctx, &w, &z, &nz)) &&
	    !(rc = hv_zones_in_scope(ctx, scope, z, &nz)))
		rc = find_pairs(ctx, z, nz, &h, o->buffer, &ps);
	double secs = hv_monotonic() - t0;
	haven_table *t = NULL;
	if (!rc)
		rc = check_table(ctx, z, nz, &h, &ps, detail, home, &t);
	char buf[512];
	if (!rc) {
		snprintf(buf, sizeof buf, "%s (Europe/London)", w.text);
		rc = hv_table_meta_set(ctx, t, "as_at", buf);
	}
	if (!rc) {
		snprintf(buf, sizeof buf, "%g", o->buffer);
		rc = hv_table_meta_set(ctx, t, "buffer_m", buf);
	}
	if (!rc) {
		snprintf(buf, sizeof buf, "%zu live zones, %zu homes, %zu pairs in %.3f s", nz, h.n, ps.n, secs);
		rc = hv_table_meta_set(ctx, t, "checked", buf);
	}
	if (!rc && !detail)
		rc = hv_table_meta_set(ctx, t, "counts", "counts of homes below 3 are shown as \"fewer than 3\"");
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(scope));
	if (!rc) {
		snprintf(buf, sizeof buf, "zones check at %s (buffer %g m, by %s): %zu live zones", w.text, o->buffer,
		         by, nz);
		rc = hv_table_object(ctx, t, buf);
	}
	free(ps.p);
	hv_zones_free(ctx, z, nz);
	if (h.tree || h.urn)
		homes_free(&h);
	hv_scope_free(scope);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

/* ---- haven zones address ------------------------------------------------------- */

/* Distance bands, metres: a home at distance d is in the first band whose
 * upper edge is >= d; the last runs to the radius. */
static const double band_edge[] = {250, 500, 1000, 2000, 5000};
#define NBANDS HV_ZONE_NBANDS
static const char *const address_cols[] = {"address",          "radius_m",        "homes",           "nearest_m",
                                           "homes_0_250m",     "homes_250_500m",  "homes_500_1000m", "homes_1000_2000m",
                                           "homes_2000_5000m", "homes_over_5000m"};
static const char *const address_roles =
    "address=label radius_m=label homes=label nearest_m=label homes_0_250m=label homes_250_500m=label "
    "homes_500_1000m=label homes_1000_2000m=label homes_2000_5000m=label homes_over_5000m=label";
static const char *const listing_cols[] = {"address", "urn", "name", "home_address", "distance_m"};
static const char *const listing_roles = "address=label urn=home name=text home_address=text distance_m=label";

static int band_of(double d)
{
	int b = 0;
	while (b < NBANDS - 1 && d > band_edge[b])
		b++;
	return b;
}

haven_status hv_zone_near(hv_zone_homes *h, double e, double n, double radius, int64_t *count, double *nearest,
                          int64_t band[HV_ZONE_NBANDS])
{
	haven_status rc = homes_in_box(h, e - radius, n - radius, e + radius, n + radius);
	*count = 0;
	*nearest = INFINITY;
	for (int b = 0; b < NBANDS; b++)
		band[b] = 0;
	for (size_t k = 0; k < h->nhit && !rc; k++) {
		double d = hypot(h->x[h->hit[k]] - e, h->y[h->hit[k]] - n);
		if (d > radius)
			continue;
		++*count;
		band[band_of(d)]++;
		*nearest = d < *nearest ? d : *nearest;
	}
	return rc;
}

/* One row per place: the homes within the radius, counted. */
static haven_status address_row(haven_ctx *ctx, haven_table *t, homeset *h, const hv_zone_place *p, double radius,
                                int exact)
{
	int64_t n = 0, band[NBANDS];
	double nearest = INFINITY;
	haven_status rc = hv_zone_near(h, p->e, p->n, radius, &n, &nearest, band);
	if (rc || (rc = hv_table_add_row(ctx, t)) || (rc = hv_table_set_text(ctx, t, 0, p->label)) ||
	    (rc = hv_table_set_int(ctx, t, 1, (int64_t)radius)) || (rc = set_count(ctx, t, 2, n, exact)))
		return rc;
	if (n) {
		double r = round(nearest / 100) * 100;
		if ((rc = hv_table_set_int(ctx, t, 3, (int64_t)(r < 100 ? 100 : r))))
			return rc;
	}
	for (int b = 0; b < NBANDS && !rc; b++)
		if (b == 0 || band_edge[b - 1] < radius)
			rc = set_count(ctx, t, 4 + b, band[b], exact);
	return rc;
}

static haven_status listing_rows(haven_ctx *ctx, haven_table *t, homeset *h, const hv_zone_place *p, double radius)
{
	haven_status rc = homes_in_box(h, p->e - radius, p->n - radius, p->e + radius, p->n + radius);
	for (size_t k = 0; k < h->nhit && !rc; k++) {
		size_t j = h->hit[k];
		double d = hypot(h->x[j] - p->e, h->y[j] - p->n);
		if (d > radius)
			continue;
		if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_text(ctx, t, 0, p->label)) &&
		    !(rc = hv_table_set_text(ctx, t, 1, h->urn[j])) &&
		    !(rc = hv_table_set_text(ctx, t, 2, h->name[j])) &&
		    !(rc = hv_table_set_text(ctx, t, 3, h->address[j])))
			rc = hv_table_set_int(ctx, t, 4, (int64_t)round(d));
	}
	return rc;
}

haven_status haven_zones_address(haven_ctx *ctx, const haven_zones_address_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	if (!o)
		return hv_error(ctx, HAVEN_ERR_USAGE, "an address check needs an address, --radius and --case");
	if (!isfinite(o->radius) || o->radius < 1 || o->radius > HAVEN_ZONES_MAX_RADIUS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--radius %g: a radius is 1 to %.0f metres", o->radius,
		                HAVEN_ZONES_MAX_RADIUS);
	if (!o->case_ref || !hv_zone_ref_ok(o->case_ref))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "--case: every address check names the MAPPA case it is for, as a reference (1 to 64 "
		                "letters, digits, / _ . -, with a digit; never a name)");
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc)
		return rc;
	int police = is_police(ctx);
	if (!police && strcmp(ctx->actor.authority_kind, "probation"))
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "proposed-address checks are for probation and police users; %s is a %s user",
		                ctx->actor.user, ctx->actor.authority_kind);
	if (o->homes && !police)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "the homes themselves are for police users of the area only; a %s user gets counts and "
		                "distances",
		                ctx->actor.authority_kind);
	hv_zone_place *p = NULL;
	size_t np = 0;
	/* the places first (a bad file changes nothing), then the write */
	if ((rc = hv_zone_places(ctx, o, &p, &np)) || (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE))) {
		free(p);
		return rc;
	}
	hv_scope *scope = NULL;
	homeset h = {.ctx = ctx};
	haven_table *t = NULL;
	int64_t most = 0;
	if (!(rc = hv_scope_actor(ctx, &scope)) && !(rc = hv_homes_view(ctx, NULL, scope)) &&
	    !(rc = homes_load(ctx, &h, police && o->homes))) {
		if (o->homes) {
			if (!(rc = hv_table_new(ctx, "homes near a proposed address", HV_TABLE_DISCLOSED, 5,
			                        listing_cols, &t)))
				rc = hv_table_roles(ctx, t, listing_roles);
			for (size_t i = 0; i < np && !rc; i++)
				rc = listing_rows(ctx, t, &h, &p[i], o->radius);
		} else {
			if (!(rc = hv_table_new(ctx, "homes near a proposed address", HV_TABLE_DISCLOSED, 10,
			                        address_cols, &t)))
				rc = hv_table_roles(ctx, t, address_roles);
			for (size_t i = 0; i < np && !rc; i++)
				rc = address_row(ctx, t, &h, &p[i], o->radius, police);
		}
	}
	if (!rc)
		rc = hv_zone_record_checks(ctx, o->case_ref, p, np, o->radius, &most);
	char buf[512];
	if (!rc && most > HAVEN_ZONES_NOTICE_CHECKS) {
		snprintf(buf, sizeof buf,
		         "notice: repeated proposed-address checks: %lld checks by %s within %.0f m of one place in 24 "
		         "hours "
		         "(more than %d), case %s",
		         (long long)most, ctx->actor.user, HAVEN_ZONES_NOTICE_METRES, HAVEN_ZONES_NOTICE_CHECKS,
		         o->case_ref);
		hv_notice(ctx, "%s", buf);
		rc = hv_record(ctx, HV_AUDIT_CONSULTATION, buf, 0, NULL);
	}
	if (!rc) {
		snprintf(buf, sizeof buf, "%g", o->radius);
		rc = hv_table_meta_set(ctx, t, "radius_m", buf);
	}
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "case", o->case_ref);
	if (!rc && !police)
		rc = hv_table_meta_set(ctx, t, "counts",
		                       "counts of homes below 3 are shown as \"fewer than 3\"; the nearest distance is "
		                       "rounded to 100 m");
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(scope));
	if (!rc) {
		snprintf(buf, sizeof buf, "proposed-address check for case %s: %zu address%s, radius %g m%s",
		         o->case_ref, np, np == 1 ? "" : "es", o->radius, o->homes ? ", homes listed" : "");
		rc = hv_table_object(ctx, t, buf);
	}
	rc = hv_op_end(ctx, &op, rc, HV_AUDIT_CONSULTATION, NULL, 0, NULL);
	if (h.tree || h.urn)
		homes_free(&h);
	hv_scope_free(scope);
	free(p);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}
