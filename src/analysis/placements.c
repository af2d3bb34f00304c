/*
 * placements.c - DfE's measures of out-of-area placements, from the
 * store's placements and the register: the location of placements
 * (inside or outside the placing LA, 20 miles or less from home), the
 * flows between LAs, net movement, and capacity against the children each
 * LA places.  docs/placements.md is the contract.
 *
 * Read-only.  The placements of the query are read once into memory (a
 * million take about 90 MB), each measured against the register's history:
 * the version of its home valid on the day (the as-at date, else the
 * placement's start), so that a home moved between LAs - as Cumbria's,
 * North Yorkshire's and Somerset's were in April 2023 - counts in the LA it
 * was in then.  A home version's point is looked up in the LA boundaries
 * once (point-in-polygon for each of some thousands of versions, not for
 * each of a million placements); a placement is inside when that LA is its
 * placing LA.  Distances are straight lines in the British National Grid,
 * in metres, against DfE's bands in miles (20 miles = 32,186.88 m).
 *
 * Every table is built from hv_placements_read's measures, sealed, and
 * leaves through the gate: the rows are counted under the acting user's
 * scope, areas carry the role area:placing (kept when counted under the
 * audience's own scope), and an aggregates-only audience's tables carry the
 * totals their rows add up to (each naming its parent) so that disclosure
 * control protects them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/placements.h"
#include "core/clock.h"
#include "core/sort.h"
#include "core/sql.h"
#include "core/strmap.h"
#include "core/table.h"
#include "data/homes.h"
#include "govern/govern.h"
#include "ref/areas.h"
#include "ref/centres.h"

#define ENGLAND "E92000001"
#define MILE_M 1609.344

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

int hv_placement_band(double metres)
{
	if (isnan(metres))
		return HV_BAND_NOT_KNOWN;
	return metres <= HAVEN_PLACEMENT_NEAR_M ? HV_BAND_UNDER_20
	       : metres <= 50 * MILE_M          ? HV_BAND_OVER_20
	       : metres <= 100 * MILE_M         ? HV_BAND_OVER_50
	                                        : HV_BAND_OVER_100;
}

/* ---- the register, as the placements need it ------------------------------ */

typedef struct hversion {
	int32_t home;
	int32_t la;       /* the register's LA: index in the boundaries, or -1 */
	int32_t covered;  /* the LA whose boundary holds the point, or -1 */
	int64_t from, to; /* days; to exclusive, INT64_MAX while current */
	double x, y;      /* NAN: not placed */
	int places, open;
} hversion;

typedef struct reg {
	char **urn; /* sorted */
	size_t nurn;
	hv_strmap urns, codes; /* URN to its index; LA code to its index in the boundaries */
	hversion *v;           /* by home, then from */
	size_t nv;
	uint32_t *first, *count; /* versions of home h */
	hv_areas *las;
} reg;

static void reg_free(reg *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nurn; i++)
		free(r->urn[i]);
	free(r->urn);
	hv_strmap_free(&r->urns);
	hv_strmap_free(&r->codes);
	free(r->v);
	free(r->first);
	free(r->count);
	hv_areas_free(r->las);
	free(r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A URN's index, or -1: a hash, once a placement (a binary search of
 * strings was a third of a measure). */
static int32_t urn_index(const reg *r, const char *urn)
{
	int64_t k;
	return urn && hv_strmap_get(&r->urns, urn, &k) ? (int32_t)k : -1;
}

/* An LA code's index in the boundaries, or -1. */
static int32_t la_index(const reg *r, const char *code)
{
	int64_t k;
	return code && hv_strmap_get(&r->codes, code, &k) ? (int32_t)k : -1;
}

static int cmp_version(const void *a, const void *b)
{
	const hversion *x = a, *y = b;
	if (x->home != y->home)
		return (x->home > y->home) - (x->home < y->home);
	return (x->from > y->from) - (x->from < y->from);
}

static const char *const not_open[] = {"Resigned", "Cancelled", "Refused", "Closed", "Deregistered"};

static int status_open(const char *s)
{
	for (size_t i = 0; s && i < sizeof not_open / sizeof not_open[0]; i++)
		if (!strcasecmp(s, not_open[i]))
			return 0;
	return 1;
}

/* Every version of every home (the read model's home_versions, national:
 * a placing LA's children are counted wherever they are placed, and the
 * gate releases counts by area, never homes). */
static haven_status reg_read(haven_ctx *ctx, reg *r)
{
	haven_status rc = hv_homes_view(ctx, NULL, NULL);
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(ctx, "SELECT DISTINCT urn FROM temp.home_versions ORDER BY urn", &st);
	size_t cap = 0;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nurn == cap) {
			cap = cap ? cap * 2 : 1024;
			char **more = realloc(r->urn, cap * sizeof *more);
			if (!more)
				return sqlite3_finalize(st), nomem(ctx);
			r->urn = more;
		}
		if (!(r->urn[r->nurn] = strdup((const char *)sqlite3_column_text(st, 0))))
			return sqlite3_finalize(st), nomem(ctx);
		r->nurn++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!rc && s != SQLITE_DONE)
		return hv_error_sql(ctx, "reading the register's homes");
	if (r->nurn) /* ORDER BY is SQLite's collation; strcmp's is the one written down */
		qsort(r->urn, r->nurn, sizeof *r->urn, cmp_str);
	for (size_t i = 0; !rc && i < r->nurn; i++)
		if (hv_strmap_put(&r->urns, r->urn[i], (int64_t)i))
			rc = nomem(ctx);
	for (size_t i = 0; !rc && i < hv_areas_count(r->las); i++)
		if (hv_strmap_put(&r->codes, hv_areas_code(r->las, (long)i), (int64_t)i))
			rc = nomem(ctx);
	if (!rc)
		rc = hv_prepare(ctx,
		                "SELECT urn, valid_from, valid_to, la_code, X(geom), Y(geom), places,"
		                " registration_status FROM temp.home_versions",
		                &st);
	cap = 0;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nv == cap) {
			cap = cap ? cap * 2 : 4096;
			hversion *more = realloc(r->v, cap * sizeof *more);
			if (!more) {
				rc = nomem(ctx);
				break;
			}
			r->v = more;
		}
		hversion *v = &r->v[r->nv++];
		int64_t d = 0;
		v->home = urn_index(r, (const char *)sqlite3_column_text(st, 0));
		hv_parse_date((const char *)sqlite3_column_text(st, 1), &v->from);
		const char *to = (const char *)sqlite3_column_text(st, 2);
		v->to = to && hv_parse_date(to, &d) ? d : INT64_MAX;
		const char *la = (const char *)sqlite3_column_text(st, 3);
		v->la = la_index(r, la);
		int placed = sqlite3_column_type(st, 4) != SQLITE_NULL;
		v->x = placed ? sqlite3_column_double(st, 4) : NAN;
		v->y = placed ? sqlite3_column_double(st, 5) : NAN;
		v->covered = placed ? (int32_t)hv_areas_find(r->las, v->x, v->y) : -1;
		v->places = sqlite3_column_int(st, 6);
		v->open = status_open((const char *)sqlite3_column_text(st, 7));
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the register's history");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (r->nv)
		qsort(r->v, r->nv, sizeof *r->v, cmp_version);
	r->first = calloc(r->nurn + 1, sizeof *r->first);
	r->count = calloc(r->nurn + 1, sizeof *r->count);
	if (!r->first || !r->count)
		return nomem(ctx);
	for (size_t i = 0; i < r->nv; i++)
		if (r->v[i].home >= 0 && !r->count[r->v[i].home]++)
			r->first[r->v[i].home] = (uint32_t)i;
	return HAVEN_OK;
}

/* The version of home h on day z: the one valid then, else the nearest
 * (the first before the register knew it, the last after); NULL for none. */
static const hversion *version_on(const reg *r, int32_t h, int64_t z)
{
	if (h < 0 || !r->count[h])
		return NULL;
	const hversion *v = &r->v[r->first[h]], *best = v;
	for (uint32_t i = 0; i < r->count[h]; i++) {
		if (v[i].from <= z)
			best = &v[i];
		if (v[i].from <= z && z < v[i].to)
			return &v[i];
	}
	return best;
}

/* ---- reading and measuring ------------------------------------------------- */

static haven_status parse_day(haven_ctx *ctx, const char *s, int64_t *z)
{
	if (!hv_parse_date(s, z) || strlen(s) != 10)
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", s);
	return HAVEN_OK;
}

/* The regions holding each LA (area_la), and their names. */
static haven_status read_regions(haven_ctx *ctx, hv_placements *ps)
{
	ps->region = malloc((ps->nla + 1) * sizeof *ps->region);
	if (!ps->region)
		return nomem(ctx);
	for (size_t i = 0; i < ps->nla; i++)
		ps->region[i] = -1;
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT l.la_code, l.code, coalesce(a.name, l.code) FROM area_la l"
	                             " LEFT JOIN area a ON a.kind = 'region' AND a.code = l.code"
	                             " WHERE l.kind = 'region' ORDER BY l.code",
	                             &st);
	const hv_areas *las = ((reg *)ps->priv)->las;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		long i = hv_areas_index(las, (const char *)sqlite3_column_text(st, 0));
		const char *code = (const char *)sqlite3_column_text(st, 1);
		if (i < 0 || ps->region[i] >= 0)
			continue;
		size_t k = 0;
		while (k < ps->nregion && strcmp(ps->region_code[k], code))
			k++;
		if (k == ps->nregion) {
			char **c = realloc(ps->region_code, (k + 1) * sizeof *c);
			if (c)
				ps->region_code = c;
			char **n = realloc(ps->region_name, (k + 1) * sizeof *n);
			if (n)
				ps->region_name = n;
			if (!c || !n) {
				rc = nomem(ctx);
				break;
			}
			ps->region_code[k] = strdup(code);
			ps->region_name[k] = strdup((const char *)sqlite3_column_text(st, 2));
			ps->nregion++;
			if (!ps->region_code[k] || !ps->region_name[k]) {
				rc = nomem(ctx);
				break;
			}
		}
		ps->region[i] = (int32_t)k;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the regions of the LAs");
	sqlite3_finalize(st);
	return rc;
}

haven_status hv_placements_polygons(haven_ctx *ctx, hv_placements *ps)
{
	size_t na = ps->nla + ps->nregion + 1;
	ps->awkb = calloc(na, sizeof *ps->awkb);
	ps->awkb_n = calloc(na, sizeof *ps->awkb_n);
	if (!ps->awkb || !ps->awkb_n)
		return nomem(ctx);
	sqlite3_stmt *st;
	haven_status rc =
	    hv_prepare(ctx, "SELECT kind, code, ST_AsBinary(geom) FROM area WHERE kind IN ('la', 'region')", &st);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0),
		           *code = (const char *)sqlite3_column_text(st, 1);
		long a = -1;
		if (strcmp(kind, "la") == 0)
			a = la_index(ps->priv, code);
		for (size_t k = 0; strcmp(kind, "region") == 0 && k < ps->nregion; k++)
			if (strcmp(ps->region_code[k], code) == 0)
				a = (long)(ps->nla + k);
		size_t n = (size_t)sqlite3_column_bytes(st, 2);
		/* outside a scoped user's own areas a row keeps its counts (its
		 * placing LA is counted under the user's scope) but has no polygon,
		 * which the gate would take for an area out of scope */
		if (a < 0 || !n || ps->awkb[a] ||
		    (!ps->national && !(a < (long)ps->nla && hv_scope_has_la(ps->scope, code))))
			continue;
		if (!(ps->awkb[a] = malloc(n))) {
			rc = nomem(ctx);
			break;
		}
		memcpy(ps->awkb[a], sqlite3_column_blob(st, 2), n);
		ps->awkb_n[a] = n;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading the areas' polygons");
	sqlite3_finalize(st);
	return rc;
}

void hv_placements_free(hv_placements *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; ps->awkb && i < ps->nla + ps->nregion + 1; i++)
		free(ps->awkb[i]);
	free(ps->awkb);
	free(ps->awkb_n);
	free(ps->p);
	free(ps->la);
	free(ps->name);
	free(ps->region);
	for (size_t i = 0; i < ps->nregion; i++) {
		free(ps->region_code[i]);
		free(ps->region_name[i]);
	}
	free(ps->region_code);
	free(ps->region_name);
	hv_scope_free(ps->scope);
	reg_free(ps->priv);
	memset(ps, 0, sizeof *ps);
}

/* Which placements the query counts: the day (as at) or the period. */
static haven_status window(haven_ctx *ctx, const haven_placements_query *q, int default_today, hv_placements *ps)
{
	haven_status rc = HAVEN_OK;
	ps->day = -1;
	ps->from = INT64_MIN;
	ps->to = INT64_MAX;
	if (q->as_at && (q->from || q->to))
		return hv_error(ctx, HAVEN_ERR_USAGE, "give --as-at or --from/--to, not both");
	if (q->as_at || (default_today && !q->from && !q->to)) {
		char today[11];
		hv_today(ctx, today);
		if ((rc = parse_day(ctx, q->as_at ? q->as_at : today, &ps->day)))
			return rc;
		snprintf(ps->period, sizeof ps->period, "placements open on %s", q->as_at ? q->as_at : today);
		return HAVEN_OK;
	}
	if ((q->from && (rc = parse_day(ctx, q->from, &ps->from))) || (q->to && (rc = parse_day(ctx, q->to, &ps->to))))
		return rc;
	if (ps->from > ps->to)
		return hv_error(ctx, HAVEN_ERR_VALUE, "the period runs backwards, from %s to %s", q->from, q->to);
	snprintf(ps->period, sizeof ps->period, "placements starting %s to %s", q->from ? q->from : "(first)",
	         q->to ? q->to : "(last)");
	return HAVEN_OK;
}

static int cmp_placed_start(const void *a, const void *b)
{
	const hv_placed *x = a, *y = b;
	if (x->child != y->child)
		return (x->child > y->child) - (x->child < y->child);
	return (x->start > y->start) - (x->start < y->start);
}

haven_status hv_placements_read(haven_ctx *ctx, const haven_placements_query *q, int default_today, hv_placements *ps)
{
	memset(ps, 0, sizeof *ps);
	haven_placements_query none = {0};
	if (!q)
		q = &none;
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc || (rc = window(ctx, q, default_today, ps)))
		return rc;
	reg *r = calloc(1, sizeof *r);
	if (!r)
		return nomem(ctx);
	ps->priv = r;
	if ((rc = hv_areas_load(ctx, "la", &r->las)) || (rc = reg_read(ctx, r)))
		return rc;
	ps->nla = hv_areas_count(r->las);
	ps->la = malloc((ps->nla + 1) * sizeof *ps->la);
	ps->name = malloc((ps->nla + 1) * sizeof *ps->name);
	unsigned char *in_scope = calloc(ps->nla + 1, 1);
	if (!ps->la || !ps->name || !in_scope) {
		free(in_scope);
		return nomem(ctx);
	}
	for (size_t i = 0; i < ps->nla; i++) {
		ps->la[i] = hv_areas_code(r->las, (long)i);
		ps->name[i] = hv_areas_name(r->las, (long)i);
	}
	if ((rc = read_regions(ctx, ps)) || (rc = hv_scope_actor(ctx, &ps->scope))) {
		free(in_scope);
		return rc;
	}
	ps->national = hv_scope_is_national(ps->scope);
	ps->placer = strcmp(ctx->actor.authority_kind, "la") == 0;
	ps->aggregates_only = hv_scope_aggregates_only(ctx);
	for (size_t i = 0; i < ps->nla; i++)
		in_scope[i] = (unsigned char)(ps->national || hv_scope_has_la(ps->scope, ps->la[i]));

	sqlite3_stmt *st;
	if (ps->day >= 0)
		rc = hv_prepare(
		    ctx,
		    "SELECT child, placing_la, urn, start_day, end_day, origin_x, origin_y, origin_method AS how_found"
		    " FROM placement"
		    " WHERE start_day <= ?1 AND (end_day IS NULL OR end_day > ?1)",
		    &st);
	else
		rc = hv_prepare(
		    ctx,
		    "SELECT child, placing_la, urn, start_day, end_day, origin_x, origin_y, origin_method AS how_found"
		    " FROM placement"
		    " WHERE start_day BETWEEN ?2 AND ?3",
		    &st);
	if (rc) {
		free(in_scope);
		return rc;
	}
	sqlite3_bind_int64(st, 1, ps->day);
	sqlite3_bind_int64(st, 2, ps->from);
	sqlite3_bind_int64(st, 3, ps->to);
	/* room for every placement held at once: growing a million by doubling
	 * copied and faulted in twice as much */
	int64_t held = 0;
	size_t cap = 0;
	if ((rc = hv_query_int(ctx, "SELECT count(*) FROM placement", &held)) ||
	    (!held && (rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
	                             "the store holds no placements: import them with 'haven placements import'")))) {
		sqlite3_finalize(st);
		free(in_scope);
		return rc;
	}
	if (held > 0) {
		cap = (size_t)held;
		if (!(ps->p = malloc(cap * sizeof *ps->p))) {
			sqlite3_finalize(st);
			free(in_scope);
			return nomem(ctx);
		}
	}
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int32_t last_la = la_index(r, (const char *)sqlite3_column_text(st, 1));
		if (last_la < 0)
			continue; /* an LA no longer in the boundaries loaded: counted nowhere */
		hv_placed x = {0};
		x.child = (uint32_t)sqlite3_column_int64(st, 0);
		x.placing = (int32_t)last_la;
		x.home = urn_index(r, (const char *)sqlite3_column_text(st, 2));
		x.start = (int32_t)sqlite3_column_int64(st, 3);
		x.end = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : (int32_t)sqlite3_column_int64(st, 4);
		double ox = sqlite3_column_double(st, 5), oy = sqlite3_column_double(st, 6);
		const hversion *v = version_on(r, x.home, ps->day >= 0 ? ps->day : x.start);
		x.host = v ? v->la : -1;
		if (!ps->national && !(x.host >= 0 && in_scope[x.host]) && !(ps->placer && in_scope[x.placing]))
			continue;
		/* to the centimetre, as points are held: 20 miles is 20 miles */
		double dx = v ? v->x - ox : NAN, dy = v ? v->y - oy : NAN; /* sqrt, not hypot: no overflow here */
		x.metres = isnan(dx) ? NAN : round(sqrt(dx * dx + dy * dy) * 100) / 100;
		/* DfE's distance is from the child's home: from the district given,
		 * else the placing LA's population-weighted centre; from its point on
		 * surface (no centre loaded) it is not known (docs/placements.md,
		 * "Distance") */
		x.band = (uint8_t)(strcmp((const char *)sqlite3_column_text(st, 7), "la_surface")
		                       ? hv_placement_band(x.metres)
		                       : HV_BAND_NOT_KNOWN);
		x.inside = (uint8_t)(v && v->covered == x.placing);
		if (ps->n == cap) {
			cap = cap ? cap * 2 : 65536;
			hv_placed *more = realloc(ps->p, cap * sizeof *more);
			if (!more) {
				sqlite3_finalize(st);
				free(in_scope);
				return nomem(ctx);
			}
			ps->p = more;
		}
		ps->p[ps->n++] = x;
	}
	free(in_scope);
	rc = s == SQLITE_DONE ? HAVEN_OK : hv_error_sql(ctx, "reading the placements");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (ps->day >= 0 && ps->n) {
		/* as at a day a child is in one placement: the latest started */
		qsort(ps->p, ps->n, sizeof *ps->p, cmp_placed_start);
		size_t m = 0;
		for (size_t i = 0; i < ps->n; i++) {
			if (m && ps->p[m - 1].child == ps->p[i].child)
				m--;
			ps->p[m++] = ps->p[i];
		}
		ps->n = m;
	}
	return HAVEN_OK;
}

/* ---- the tables: shared pieces --------------------------------------------- */

/* The levels of a table by area: the LAs, their regions, England. */
enum { LV_LA, LV_REGION, LV_ENGLAND, NLV };
static const char *const level_names[NLV] = {"la", "region", "england"};

static int level_of(haven_ctx *ctx, const char *by, int dflt, int *lv)
{
	*lv = dflt;
	for (int l = 0; by && l < NLV; l++)
		if (!strcmp(by, level_names[l]))
			*lv = l;
	if (by && strcmp(by, level_names[*lv])) {
		hv_error(ctx, HAVEN_ERR_USAGE, "--by '%s': use england, region or la", by);
		return 0;
	}
	return 1;
}

/* The area index at level l of LA i: the LA, its region (nla + region), or
 * England (nla + nregion); -1 for an LA in no region (then only England). */
static long area_at(const hv_placements *ps, int32_t i, int l)
{
	if (l == LV_LA)
		return i;
	if (l == LV_ENGLAND)
		return (long)(ps->nla + ps->nregion);
	return ps->region[i] >= 0 ? (long)ps->nla + ps->region[i] : -1;
}

static const char *area_code(const hv_placements *ps, long a)
{
	return (size_t)a < ps->nla                 ? ps->la[a]
	       : (size_t)a < ps->nla + ps->nregion ? ps->region_code[(size_t)a - ps->nla]
	                                           : ENGLAND;
}

static const char *area_name(const hv_placements *ps, long a)
{
	return (size_t)a < ps->nla                 ? ps->name[a]
	       : (size_t)a < ps->nla + ps->nregion ? ps->region_name[(size_t)a - ps->nla]
	                                           : "England";
}

static int area_level(const hv_placements *ps, long a)
{
	return (size_t)a < ps->nla ? LV_LA : (size_t)a < ps->nla + ps->nregion ? LV_REGION : LV_ENGLAND;
}

/* The parent of area a: an LA's region (England when it has none), a
 * region's England; -1 for England. */
static long area_parent(const hv_placements *ps, long a)
{
	int l = area_level(ps, a);
	if (l == LV_ENGLAND)
		return -1;
	if (l == LV_LA && ps->region[a] >= 0)
		return (long)ps->nla + ps->region[a];
	return (long)(ps->nla + ps->nregion);
}

static const hv_placements *sort_ps;
static int cmp_area(const void *a, const void *b)
{
	return strcmp(area_code(sort_ps, *(const long *)a), area_code(sort_ps, *(const long *)b));
}

/* The metadata every placements table carries, then its own definitions
 * and the object its audit entry names (both borrowed). */
static haven_status common_meta(haven_ctx *ctx, const hv_placements *ps, haven_table *t, const char *definitions,
                                const char *object)
{
	char when[21];
	hv_format_time(hv_now(ctx), when);
	haven_status rc;
	if ((rc = hv_table_meta_set(ctx, t, "placements", ps->period)) ||
	    (rc = hv_table_meta_set(ctx, t, "scope", hv_scope_describe(ps->scope))) ||
	    (rc = hv_table_meta_set(ctx, t, "generated_at", when)) ||
	    (rc = hv_table_meta_set(
	         ctx, t, "counted",
	         "placements the acting user may see: police those into homes in their force area, a local "
	         "authority those of the children it places and those into homes in its area (docs/placements.md)")) ||
	    (rc = hv_table_meta_set(ctx, t, "definitions", definitions)))
		return rc;
	return hv_table_object(ctx, t, object);
}

/* The end of a builder: on success t is the caller's in *out, else freed. */
static haven_status done(haven_status rc, haven_table *t, haven_table **out)
{
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

/* A new row of area a at level l: its geographic_level, code and name
 * (columns 0 to 2 of the tables by area). */
static haven_status area_row(haven_ctx *ctx, haven_table *t, const hv_placements *ps, long a, int l)
{
	haven_status rc;
	if ((rc = hv_table_add_row(ctx, t)) ||
	    (rc = hv_table_set_text(ctx, t, 0, l == LV_ENGLAND && !ps->national ? "scope" : level_names[l])) ||
	    (rc = hv_table_set_text(ctx, t, 1, area_code(ps, a))) ||
	    (rc = hv_table_set_text(ctx, t, 2, area_name(ps, a))))
		return rc;
	/* an export's polygon: the LA's or the region's (England has none) */
	if (ps->awkb && ps->awkb[a])
		rc = hv_table_set_geom(ctx, t, haven_table_ncols(t) - 1, ps->awkb[a], ps->awkb_n[a]);
	return rc;
}

/* ---- locations ------------------------------------------------------------ */

enum { L_INSIDE_NEAR, L_INSIDE_FAR, L_OUTSIDE_NEAR, L_OUTSIDE_FAR, L_NOT_KNOWN, NLOC };
static const char *const loc_cols[] = {"geographic_level",
                                       "area_code",
                                       "area_name",
                                       "inside_under_20",
                                       "inside_over_20",
                                       "outside_under_20",
                                       "outside_over_20",
                                       "not_known",
                                       "total",
                                       "parent",
                                       "geom"};

static int loc_category(const hv_placed *p)
{
	if (p->band == HV_BAND_NOT_KNOWN)
		return L_NOT_KNOWN;
	int near = p->band == HV_BAND_UNDER_20;
	return p->inside ? (near ? L_INSIDE_NEAR : L_INSIDE_FAR) : (near ? L_OUTSIDE_NEAR : L_OUTSIDE_FAR);
}

/* The areas of level l that have rows, in code order, into ids. */
static size_t level_areas(const hv_placements *ps, const int64_t (*cnt)[NLOC + 1], int l, long *ids)
{
	size_t n = 0, na = ps->nla + ps->nregion + 1;
	for (size_t a = 0; a < na; a++)
		if (area_level(ps, (long)a) == l &&
		    (l == LV_ENGLAND || cnt[a][NLOC] > 0 || (l == LV_LA && ps->national)))
			ids[n++] = (long)a;
	sort_ps = ps;
	if (n)
		qsort(ids, n, sizeof *ids, cmp_area);
	return n;
}

/* ---- flows -------------------------------------------------------------------- */

/* A placement as a flow between two areas of a level: a key that sorts by
 * placing area, then host area, then child (area indices plus 2, so that
 * "not known" (-2) sorts first). */
#define FLOW_KEY(from, to, child) ((uint64_t)((from) + 2) << 48 | (uint64_t)((to) + 2) << 32 | (uint64_t)(child))
#define FLOW_FROM(k) ((long)((k) >> 48) - 2)
#define FLOW_TO(k) ((long)(((k) >> 32) & 0xFFFF) - 2)
#define FLOW_CHILD(k) ((uint32_t)(k))

typedef struct cell {
	long from, to;
	int64_t placements, children;
} cell;

static int cmp_cell_order(const void *a, const void *b)
{
	const cell *x = a, *y = b;
	int c = strcmp(area_code(sort_ps, x->from), area_code(sort_ps, y->from));
	if (c)
		return c;
	if ((x->to < 0) != (y->to < 0))
		return x->to < 0 ? 1 : -1;
	return x->to < 0 ? 0 : strcmp(area_code(sort_ps, x->to), area_code(sort_ps, y->to));
}

/* The cells of the matrix: the flows f[0..nf) (FLOW_KEY, sorted), its
 * runs of (from, to), in the areas' code order (cmp_cell_order).
 * \param cells on HAVEN_OK malloc'd (NULL when none); the caller frees */
static haven_status matrix_cells(haven_ctx *ctx, const hv_placements *ps, const uint64_t *f, size_t nf, cell **cells,
                                 size_t *nc)
{
	size_t cap = 0;
	*cells = NULL;
	*nc = 0;
	for (size_t i = 0, j; i < nf; i = j) {
		for (j = i + 1; j < nf && f[j] >> 32 == f[i] >> 32; j++)
			;
		if (*nc == cap) {
			cap = cap ? cap * 2 : 1024;
			cell *more = realloc(*cells, cap * sizeof *more);
			if (!more)
				return nomem(ctx);
			*cells = more;
		}
		(*cells)[(*nc)++] =
		    (cell){FLOW_FROM(f[i]), FLOW_TO(f[i]), (int64_t)(j - i), (int64_t)hv_distinct_sorted(f + i, j - i)};
	}
	sort_ps = ps;
	if (*nc)
		qsort(*cells, *nc, sizeof **cells, cmp_cell_order);
	return HAVEN_OK;
}

/* Placements and distinct children of each value of an area of the flows
 * f[0..nf) (FLOW_KEY): of the placing area (host 0), else of the host area
 * (index na: not known).  k is scratch of 2 * nf.
 * \param count[na + 1][2] filled: placements, children */
static void area_totals(const uint64_t *f, size_t nf, int host, uint64_t *k, size_t na, int64_t (*count)[2])
{
	for (size_t i = 0; i < nf; i++) {
		long a = host ? FLOW_TO(f[i]) : FLOW_FROM(f[i]);
		k[i] = (uint64_t)(a < 0 ? (long)na : a) << 32 | FLOW_CHILD(f[i]);
	}
	hv_radix_sort(k, NULL, k + nf, NULL, nf);
	for (size_t i = 0; i < nf; i++) {
		size_t a = (size_t)(k[i] >> 32);
		count[a][0]++;
		count[a][1] += !i || k[i] != k[i - 1];
	}
}

/* ---- the flow matrix of LAs and of regions, with both margins -------------------- */

static const char *const line_cols[] = {"geographic_level", "placing_code", "placing_name",   "host_code",
                                        "host_name",        "placements",   "children",       "placing_parent",
                                        "host_parent",      "geom",         "placing_region", "host_region"};

/* WKB (ISO, little-endian) of the line from (x0, y0) to (x1, y1). */
static void line_wkb(unsigned char b[41], double x0, double y0, double x1, double y1)
{
	const uint32_t type = 2, n = 2;
	const double xy[4] = {x0, y0, x1, y1};
	b[0] = 1; /* NDR: the build's hosts are little-endian, checked below */
	memcpy(b + 1, &type, 4);
	memcpy(b + 5, &n, 4);
	memcpy(b + 9, xy, sizeof xy);
}

/* Where a row of the matrix stands: its level's label, its parents in the
 * margins and in the matrix of regions. */
typedef struct mrow {
	const char *level;
	const char *placing_parent, *host_parent; /* its row's and its column's total: England, or "" */
	const char *placing_region, *host_region; /* the cell of the regions' matrix it adds into, or "" */
	int withheld;                             /* a level the request did not ask for */
	int first;                                /* controlled first: the LAs' rows when regions are asked */
} mrow;

/* The region code of LA a for the block of the regions' matrix, or "". */
static const char *region_of(const hv_placements *ps, long a)
{
	return ps->region[a] >= 0 ? ps->region_code[ps->region[a]] : "";
}

/* The row (a, b) of level lv of the matrix asked at level asked: placing a
 * (an area index; -1 England), host b (an area index; -1 England, -2 the
 * home's LA not known).
 *   LA level: a flow adds into its placing LA's row total (host England)
 *   and its host LA's column total (placing England), and into the flow
 *   between their regions; a row total into its region's, a column total
 *   into its region's.
 *   Region level: a flow adds into its region's row and column totals; a
 *   region's flow to an unknown LA into its row total.  Its totals are in
 *   no margin of their own: the grand total and England's flow to an
 *   unknown LA are the LA level's (one row each, in both levels), so
 *   nothing is counted in them twice. */
static mrow matrix_row(const hv_placements *ps, int lv, int asked, long a, long b)
{
	mrow m = {level_names[asked], "", "", "", "", lv != asked, lv == LV_LA && asked != LV_LA};
	/* the grand total, England's flow to an unknown LA: both levels', the same in both (level
	 * england: rounded, as national counts are) */
	if (a < 0 && b < 0)
		return (mrow){level_names[LV_ENGLAND], "", b == -2 ? ENGLAND : "", "", "", 0, asked != LV_LA};
	m.level = level_names[lv];
	if (lv == LV_REGION) {
		m.placing_parent = a >= 0 && b >= 0 ? ENGLAND : "";
		m.host_parent = a >= 0 && b != -1 ? ENGLAND : "";
		return m;
	}
	m.placing_parent = a >= 0 ? ENGLAND : "";
	m.host_parent = b != -1 ? ENGLAND : "";
	m.placing_region = a >= 0 ? region_of(ps, a) : ENGLAND;
	m.host_region = b >= 0 ? region_of(ps, b) : b == -1 ? ENGLAND : "unknown";
	if (!*m.placing_region || !*m.host_region) /* an LA in no region: in no block */
		m.placing_region = m.host_region = "";
	return m;
}

/* Where the matrix's rows go: table t, column col[k] for line_cols[k]
 * (col[9] -1: no lines); each LA's line from its centre cx, cy; when
 * rrow is given, the table row of each LA's row total (host England),
 * diagonal flow, and column total (placing England) at the LA level, -1
 * when none, and of the grand total (grand), for the relations of tables
 * that hold the matrix (matrix_link()). */
typedef struct mout {
	haven_table *t;
	const int *col;
	const double *cx, *cy;
	long *rrow, *drow, *crow, grand;
	int linked; /* held in another table (matrix_link()): every row withheld, controlled first */
} mout;

static void link_row(mout *o, long a, long b)
{
	long r = (long)hv_table_rows(o->t) - 1;
	if (a < 0 && b == -1)
		o->grand = r;
	if (!o->rrow)
		return;
	if (a >= 0 && b == -1)
		o->rrow[a] = r;
	else if (a >= 0 && a == b)
		o->drow[a] = r;
	else if (a == -1 && b >= 0)
		o->crow[b] = r;
}

/* One row of the matrix (matrix_row()), its line between two LAs'
 * centres (LA level). */
static haven_status line_row(haven_ctx *ctx, mout *o, const hv_placements *ps, const mrow *m, long a, long b,
                             int64_t pl, int64_t ch)
{
	haven_table *t = o->t;
	const int *k = o->col;
	const char *pc = a < 0 ? ENGLAND : area_code(ps, a), *pn = a < 0 ? "all areas" : area_name(ps, a);
	const char *hc = b == -1 ? ENGLAND : b == -2 ? "unknown" : area_code(ps, b);
	const char *hn = b == -1 ? "all areas" : b == -2 ? "home's LA not known" : area_name(ps, b);
	haven_status rc;
	if ((rc = hv_table_add_row(ctx, t)) || (rc = hv_table_set_text(ctx, t, k[0], m->level)) ||
	    (rc = hv_table_set_text(ctx, t, k[1], pc)) || (rc = hv_table_set_text(ctx, t, k[2], pn)) ||
	    (rc = hv_table_set_text(ctx, t, k[3], hc)) || (rc = hv_table_set_text(ctx, t, k[4], hn)) ||
	    (rc = hv_table_set_int(ctx, t, k[5], pl)) || (rc = hv_table_set_int(ctx, t, k[6], ch)) ||
	    (rc = hv_table_set_text(ctx, t, k[7], m->placing_parent)) ||
	    (rc = hv_table_set_text(ctx, t, k[8], m->host_parent)) ||
	    (rc = hv_table_set_text(ctx, t, k[10], m->placing_region)) ||
	    (rc = hv_table_set_text(ctx, t, k[11], m->host_region)))
		return rc;
	if (m->withheld || o->linked)
		hv_table_withhold_row(t);
	if (m->first || o->linked)
		hv_table_control_first(t);
	if (a < 0 || area_level(ps, a) == LV_LA)
		link_row(o, a, b);
	/* a line between two LAs' centres; none for a margin, a region, a flow
	 * within an LA or to an unknown LA */
	if (k[9] < 0 || a < 0 || b < 0 || a == b || area_level(ps, a) != LV_LA || isnan(o->cx[a]) || isnan(o->cx[b]))
		return HAVEN_OK;
	unsigned char wkb[41];
	line_wkb(wkb, o->cx[a], o->cy[a], o->cx[b], o->cy[b]);
	return hv_table_set_geom(ctx, t, k[9], wkb, sizeof wkb);
}

/* The placements as flows between the areas of level lv (FLOW_KEY,
 * sorted): placing area to the host's (-2: the home's LA not known, or in
 * no region); a placing LA in no region has none at the region level.
 * \param f on HAVEN_OK malloc'd, room for 3 * ps->n keys (scratch after
 *        the first nf); the caller frees */
static haven_status level_flows(haven_ctx *ctx, const hv_placements *ps, int lv, uint64_t **f, size_t *nf)
{
	*nf = 0;
	*f = malloc((ps->n ? 3 * ps->n : 1) * sizeof **f);
	if (!*f)
		return nomem(ctx);
	for (size_t i = 0; i < ps->n; i++) {
		long from = area_at(ps, ps->p[i].placing, lv);
		long to = ps->p[i].host >= 0 ? area_at(ps, ps->p[i].host, lv) : -2;
		if (from >= 0)
			(*f)[(*nf)++] = FLOW_KEY(from, to < 0 ? -2 : to, ps->p[i].child);
	}
	hv_radix_sort(*f, NULL, *f + *nf, NULL, *nf);
	return HAVEN_OK;
}

/* The rows of level lv, when emit: each placing area's flows then its
 * total, then each host area's total (placing England).  At the LA level, shared (when
 * not NULL) gets the rows both levels share: England's flow to an unknown
 * LA and the grand total, placements and children (-1: none). */
static haven_status level_rows(haven_ctx *ctx, mout *o, const hv_placements *ps, int lv, int asked, int emit,
                               int64_t shared[2][2])
{
	uint64_t *f = NULL;
	cell *cells = NULL;
	size_t nf = 0, nc = 0, na = ps->nla + ps->nregion + 1;
	int64_t(*row)[2] = calloc(na + 1, sizeof *row), (*col)[2] = calloc(na + 1, sizeof *col);
	long *hosts = malloc(na * sizeof *hosts);
	haven_status rc = !row || !col || !hosts ? nomem(ctx) : level_flows(ctx, ps, lv, &f, &nf);
	if (!rc && emit)
		rc = matrix_cells(ctx, ps, f, nf, &cells, &nc);
	if (!rc) {
		area_totals(f, nf, 0, f + nf, na, row);
		area_totals(f, nf, 1, f + nf, na, col);
	}
	for (size_t i = 0, j; !rc && i < nc; i = j) {
		for (j = i; !rc && j < nc && cells[j].from == cells[i].from; j++) {
			mrow m = matrix_row(ps, lv, asked, cells[j].from, cells[j].to);
			rc = line_row(ctx, o, ps, &m, cells[j].from, cells[j].to, cells[j].placements,
			              cells[j].children);
		}
		mrow m = matrix_row(ps, lv, asked, cells[i].from, -1);
		if (!rc)
			rc = line_row(ctx, o, ps, &m, cells[i].from, -1, row[cells[i].from][0], row[cells[i].from][1]);
	}
	/* column totals, host areas in code order */
	size_t nh = 0;
	for (size_t b = 0; !rc && b < na; b++)
		if (col[b][0])
			hosts[nh++] = (long)b;
	sort_ps = ps;
	if (!rc && emit && nh)
		qsort(hosts, nh, sizeof *hosts, cmp_area);
	for (size_t k = 0; !rc && emit && k < nh; k++) {
		mrow m = matrix_row(ps, lv, asked, -1, hosts[k]);
		rc = line_row(ctx, o, ps, &m, -1, hosts[k], col[hosts[k]][0], col[hosts[k]][1]);
	}
	if (!rc && shared) {
		shared[0][0] = col[na][0] ? col[na][0] : -1;
		shared[0][1] = col[na][1];
		for (size_t k = 0; k < nf; k++)
			f[nf + k] = FLOW_CHILD(f[k]);
		hv_radix_sort(f + nf, NULL, f + 2 * nf, NULL, nf);
		shared[1][0] = (int64_t)nf;
		shared[1][1] = (int64_t)hv_distinct_sorted(f + nf, nf);
	}
	free(hosts);
	free(row);
	free(col);
	free(f);
	free(cells);
	return rc;
}

/* The matrix's roles and hierarchies, but for geographic_level and geom.
 * Both margins: a placing area's flows add up to its row total (host
 * England), a host area's to its column total (placing England), so that
 * a suppressed flow gets a complement in its row and in its column; and
 * the LAs' matrix adds up, block by block, to the regions'.  As at a day
 * each child is in one placement, so children add up too; over a period a
 * child may be in several flows, and children are distinct counts (in no
 * total) while placements carry the margins. */
static haven_status matrix_declare(haven_ctx *ctx, haven_table *t, const hv_placements *ps)
{
	haven_status rc =
	    hv_table_roles(ctx, t,
	                   ps->day >= 0 ? "placing_code=area:placing placing_name=label"
	                                  " host_code=area:placing host_name=label placements=count:episodes"
	                                  " children=count:children placing_parent=parent host_parent=parent"
	                                  " placing_region=parent host_region=label"
	                                : "placing_code=area:placing placing_name=label"
	                                  " host_code=area:placing host_name=label placements=count:episodes"
	                                  " children=count:distinct placing_parent=parent host_parent=parent"
	                                  " placing_region=parent host_region=label");
	if (!rc)
		rc = hv_table_hierarchy(ctx, t, "host_code", "host_parent", "placing_code");
	if (!rc)
		rc = hv_table_hierarchy(ctx, t, "placing_code", "placing_parent", "host_code");
	if (!rc)
		rc = hv_table_hierarchy(ctx, t, "placing_code", "placing_region", "host_code:host_region");
	return rc;
}

/* The matrix's rows asked (asked, LV_LA or LV_REGION): the LAs' rows (for
 * the regions, only where control needs them: an audience of aggregates);
 * the regions' when asked; the two rows both share. */
static haven_status matrix_rows(haven_ctx *ctx, mout *o, const hv_placements *ps, int asked)
{
	int64_t shared[2][2];
	haven_status rc = level_rows(ctx, o, ps, LV_LA, asked, asked == LV_LA || ps->aggregates_only, shared);
	if (!rc && asked == LV_REGION)
		rc = level_rows(ctx, o, ps, LV_REGION, asked, 1, NULL);
	for (int k = 0; !rc && k < 2; k++) {
		mrow m = matrix_row(ps, LV_LA, asked, -1, k ? -1 : -2);
		if (shared[k][0] >= 0)
			rc = line_row(ctx, o, ps, &m, -1, k ? -1 : -2, shared[k][0], shared[k][1]);
	}
	return rc;
}

/* ---- tables that hold the matrix: capacity, net movement, locations ------------ */

/* The columns of a table of nown columns named own that holds the LAs'
 * matrix (matrix_link()): its own, then the matrix's but for its lines
 * (and geographic_level, when it has one); map[k], the column of
 * line_cols[k] (-1: none).  Returns how many. */
static int with_matrix(const char *const *own, int nown, const char **names, int map[12])
{
	int n = 0, level = -1;
	for (int c = 0; c < nown; c++) {
		names[n++] = own[c];
		if (!strcmp(own[c], line_cols[0]))
			level = c;
	}
	for (int k = 0; k < 12; k++)
		map[k] = k == 9 ? -1 : k == 0 && level >= 0 ? level : (names[n] = line_cols[k], n++);
	return n;
}

static void unlink_matrix(mout *o)
{
	free(o->rrow);
	free(o->drow);
	free(o->crow);
	o->rrow = o->drow = o->crow = NULL;
}

/* The LAs' matrix of flows held in t (with_matrix(): its columns from
 * nown on, withheld), so that control protects the two together: a
 * capacity table's children placed in an LA's own homes are its diagonal
 * flow, say, and controlled apart the two could be set against each other.
 * The matrix's rows are withheld and controlled first, exactly as the
 * matrix is released alone; o gets the rows of each LA's row total,
 * diagonal and column total for t's relations (relate()); unlink_matrix()
 * frees them. */
static haven_status matrix_link(haven_ctx *ctx, haven_table *t, const hv_placements *ps, int nown, const int *map,
                                mout *o)
{
	*o = (mout){t,
	            map,
	            NULL,
	            NULL,
	            malloc(ps->nla * sizeof(long)),
	            malloc(ps->nla * sizeof(long)),
	            malloc(ps->nla * sizeof(long)),
	            -1,
	            1};
	if (!o->rrow || !o->drow || !o->crow) {
		unlink_matrix(o);
		return nomem(ctx);
	}
	for (size_t a = 0; a < ps->nla; a++)
		o->rrow[a] = o->drow[a] = o->crow[a] = -1;
	haven_status rc = map[0] >= nown ? hv_table_roles(ctx, t, "geographic_level=label") : HAVEN_OK;
	if (!rc)
		rc = matrix_declare(ctx, t, ps);
	for (int c = nown; c < haven_table_ncols(t); c++)
		hv_table_withhold_column(t, c);
	if (!rc)
		rc = matrix_rows(ctx, o, ps, LV_LA);
	/* its own areas within their parents, implied until it declared others */
	if (!rc && haven_table_find(t, "parent") >= 0)
		rc = hv_table_hierarchy(ctx, t, "area_code", "parent", NULL);
	return rc;
}

/* Declare that cell (row[0], col[0]) times coef[0] and the others add up
 * to 0: a term whose row is -1 (the matrix has no such row: a zero) is
 * left out, and a relation of one term (a zero beside zeros) with it. */
static haven_status relate(haven_ctx *ctx, haven_table *t, int n, const long *row, const int *col, const int *coef)
{
	hv_term v[3];
	size_t k = 0;
	for (int i = 0; i < n; i++)
		if (row[i] >= 0)
			v[k++] = (hv_term){(size_t)row[i], col[i], coef[i]};
	return k < 2 ? HAVEN_OK : hv_table_relation(ctx, t, v, k);
}

/* The matrix of flows between LAs and between regions, as one table with
 * both levels, the level not asked for withheld: so that the two can be
 * set against each other, control protects them together. */
static haven_status flow_matrix(haven_ctx *ctx, const hv_placements *pp, int asked, haven_table **out)
{
	*out = NULL;
	const uint16_t one = 1;
	unsigned char first_byte;
	memcpy(&first_byte, &one, 1);
	if (first_byte != 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "flow lines are written on little-endian hosts only");
	hv_placements ps = *pp; /* borrowed: never freed here */
	const reg *r = ps.priv;
	haven_status rc = HAVEN_OK;
	double *cx = malloc((ps.nla + 1) * sizeof *cx), *cy = malloc((ps.nla + 1) * sizeof *cy);
	haven_table *t = NULL;
	if (!cx || !cy)
		rc = nomem(ctx);
	/* each LA's centre, as a placement's origin is when no district is
	 * given (data/placement.c): its population-weighted centre when loaded,
	 * else its point on surface (ref/centres.c) */
	int weighted;
	for (size_t i = 0; !rc && i < ps.nla; i++)
		if (hv_la_centre(ctx, r->las, (long)i, &cx[i], &cy[i], &weighted))
			cx[i] = cy[i] = NAN;
	if (!rc)
		hv_clear(ctx); /* an LA without a point on surface has no lines, and no error */
	if (!rc)
		rc = hv_table_new(ctx,
		                  asked == LV_LA ? "Placements: flows between local authorities"
		                                 : "Placements: flows from placing region to the region of the home",
		                  HV_TABLE_DISCLOSED, 12, line_cols, &t);
	if (!rc)
		rc = hv_table_roles(ctx, t, "geographic_level=label geom=geometry:area");
	if (!rc)
		rc = matrix_declare(ctx, t, &ps);
	if (!rc)
		rc = common_meta(
		    ctx, &ps, t,
		    asked == LV_LA
		        ? "one row per placing LA and host LA (the home's LA on the day): placements, and distinct "
		          "children in the flow; host England: the placing LA's total (its row); placing England: the "
		          "host LA's total (its column); placing_region, host_region: the flow between regions it adds "
		          "into; a line from the placing LA's centre to the host LA's (its population-weighted centre "
		          "when "
		          "loaded, else its point on surface); "
		          "none for a flow within an LA, to a home whose LA is not known, or a total; controlled "
		          "together with the flows between regions (docs/placements.md)"
		        : "one row per placing region and host region (of the home's LA on the day): placements, and "
		          "distinct children in the flow; host England: the placing region's total (its row); placing "
		          "England: the host region's total (its column); a host of 'unknown': the home's LA is not "
		          "known; controlled together with the flows between LAs (docs/placements.md)",
		    asked == LV_LA ? "placements: flows between LAs (lines)" : "placements: flows between regions");
	/* the LAs' rows (for the regions, only where control needs them: an
	 * audience of aggregates); the regions' when asked; the two rows both
	 * share */
	static const int same[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	mout o = {t, same, cx, cy, NULL, NULL, NULL, -1, 0};
	if (!rc)
		rc = matrix_rows(ctx, &o, &ps, asked);
	free(cx);
	free(cy);
	return done(rc, t, out);
}

haven_status hv_placements_flows(haven_ctx *ctx, const hv_placements *pp, const char *at, int top, haven_table **out)
{
	*out = NULL;
	if (at && strcmp(at, "la") && strcmp(at, "region"))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--level '%s': use la or region", at);
	if (top < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top must be a number of flows");
	if (top && at && !strcmp(at, "region"))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top is for flows between LAs (--level la)");
	/* the one matrix of both levels haven export and haven map release,
	 * the largest flows between LAs kept after control */
	haven_status rc = flow_matrix(ctx, pp, at && !strcmp(at, "region") ? LV_REGION : LV_LA, out);
	if (!rc && top)
		hv_table_set_top(*out, top);
	return rc;
}

haven_status hv_placements_flow_lines(haven_ctx *ctx, const hv_placements *pp, haven_table **out)
{
	return flow_matrix(ctx, pp, LV_LA, out);
}

/* ---- net movement --------------------------------------------------------------- */

haven_status hv_placements_locations(haven_ctx *ctx, const hv_placements *pp, const char *by, haven_table **out)
{
	*out = NULL;
	int asked;
	if (!level_of(ctx, by, LV_ENGLAND, &asked))
		return haven_errcode(ctx);
	hv_placements ps = *pp; /* borrowed: never freed here */
	haven_status rc = HAVEN_OK;
	size_t na = ps.nla + ps.nregion + 1;
	int64_t(*cnt)[NLOC + 1] = rc ? NULL : calloc(na, sizeof *cnt);
	long *ids = rc ? NULL : malloc(na * sizeof *ids);
	if (!rc && (!cnt || !ids))
		rc = nomem(ctx);
	for (size_t i = 0; !rc && i < ps.n; i++) {
		int c = loc_category(&ps.p[i]);
		for (int l = LV_LA; l < NLV; l++) {
			long a = area_at(&ps, ps.p[i].placing, l);
			if (a >= 0) {
				cnt[a][c]++;
				cnt[a][NLOC]++;
			}
		}
	}
	/* an aggregates-only audience gets every level, those below the one
	 * asked withheld, so that every request is controlled alike */
	int lo = ps.aggregates_only ? LV_LA : asked, hi = ps.aggregates_only ? LV_ENGLAND : asked;
	haven_table *t = NULL;
	char title[120];
	snprintf(title, sizeof title, "Location of placements by %s",
	         asked == LV_LA       ? "placing local authority"
	         : asked == LV_REGION ? "region of the placing LA"
	                              : "England");
	/* for an aggregates-only audience, with the LAs' matrix: an LA's total
	 * is its row total there */
	const char *names[24];
	int map[12], nown = 10 + !!ps.awkb;
	mout o = {0};
	if (!rc)
		rc = hv_table_new(ctx, title, HV_TABLE_DISCLOSED,
		                  ps.aggregates_only ? with_matrix(loc_cols, nown, names, map) : nown,
		                  ps.aggregates_only ? names : loc_cols, &t);
	if (!rc)
		rc = hv_table_roles(ctx, t,
		                    "geographic_level=label area_code=area:placing area_name=label"
		                    " inside_under_20=count:children inside_over_20=count:children"
		                    " outside_under_20=count:children outside_over_20=count:children"
		                    " not_known=count:children total=count:children parent=parent");
	if (!rc && ps.awkb)
		rc = hv_table_roles(ctx, t, "geom=geometry:area");
	if (!rc)
		rc = hv_table_sum(ctx, t, "total",
		                  "inside_under_20 inside_over_20 outside_under_20 outside_over_20 not_known");
	if (!rc)
		rc = common_meta(
		    ctx, &ps, t,
		    "DfE's location of placements: inside or outside the placing LA's boundary (the home's point "
		    "in the 2024 LA polygons), 20 miles or less (32,186.88 m, inclusive) or more from the child's "
		    "origin in a straight line (the origin district, else the placing LA's population-weighted "
		    "centre); not_known: neither given nor loaded, or the home has no point; total: all "
		    "(docs/placements.md)",
		    "placements: location by placing area");
	if (!rc && ps.aggregates_only)
		rc = matrix_link(ctx, t, &ps, nown, map, &o);
	for (int l = hi; !rc && l >= lo; l--) {
		size_t n = level_areas(&ps, (const int64_t(*)[NLOC + 1]) cnt, l, ids);
		for (size_t k = 0; !rc && k < n; k++) {
			long a = ids[k], p = area_parent(&ps, a);
			if ((rc = area_row(ctx, t, &ps, a, l)))
				break;
			for (int c = 0; !rc && c <= NLOC; c++)
				rc = hv_table_set_int(ctx, t, 3 + c, cnt[a][c]);
			if (!rc && p >= 0 && ps.aggregates_only)
				rc = hv_table_set_text(ctx, t, 9, area_code(&ps, p));
			if (!rc && l < asked)
				hv_table_withhold_row(t);
			/* its total, the matrix's row total (or grand total); as at a
			 * day, its children too */
			long row = (long)hv_table_rows(t) - 1, m = !o.rrow ? -1 : l == LV_LA ? o.rrow[a] : o.grand;
			for (int j = 0; !rc && ps.aggregates_only && l != LV_REGION && j < 1 + (ps.day >= 0); j++)
				rc = relate(ctx, t, 2, (const long[]){row, m}, (const int[]){8, map[5 + j]},
				            (const int[]){1, -1});
		}
	}
	unlink_matrix(&o);
	free(cnt);
	free(ids);
	return done(rc, t, out);
}

haven_status hv_placements_net(haven_ctx *ctx, const hv_placements *pp, haven_table **out)
{
	*out = NULL;
	hv_placements ps = *pp; /* borrowed: never freed here */
	haven_status rc = HAVEN_OK;
	int64_t(*cnt)[3] = rc ? NULL : calloc(ps.nla + 1, sizeof *cnt); /* in, out, own */
	long *ids = rc ? NULL : malloc((ps.nla + 1) * sizeof *ids);
	if (!rc && (!cnt || !ids))
		rc = nomem(ctx);
	for (size_t i = 0; !rc && i < ps.n; i++) {
		const hv_placed *p = &ps.p[i];
		if (p->host == p->placing)
			cnt[p->placing][2]++;
		else {
			cnt[p->placing][1]++;
			if (p->host >= 0)
				cnt[p->host][0]++;
		}
	}
	/* net and in-placer / out-placer are the difference of two counts:
	 * given to record-level audiences only (a difference beside a
	 * suppressed count would give it away) */
	int full = !ps.aggregates_only;
	static const char *const cols[] = {"area_code",  "area_name", "placed_in", "placed_out",
	                                   "placed_own", "net",       "movement"};
	haven_table *t = NULL;
	/* for an aggregates-only audience, with the LAs' matrix: an LA's
	 * placements in its own homes are its diagonal there, those placed in
	 * by others its column total less its diagonal, those placed out its
	 * row total less its diagonal */
	const char *names[24];
	int map[12];
	mout o = {0};
	if (!rc)
		rc = hv_table_new(ctx, "Placements: net movement per local authority", HV_TABLE_DISCLOSED,
		                  full ? 7 : with_matrix(cols, 5, names, map), full ? cols : names, &t);
	if (!rc)
		rc = hv_table_roles(ctx, t,
		                    full ? "area_code=area:placing area_name=label placed_in=count:episodes"
		                           " placed_out=count:episodes placed_own=count:episodes net=rate:placed_in"
		                           " movement=label"
		                         : "area_code=area:placing area_name=label placed_in=count:episodes"
		                           " placed_out=count:episodes placed_own=count:episodes");
	if (!rc)
		rc = common_meta(
		    ctx, &ps, t,
		    "placed_in: placements into the LA's homes by other LAs; placed_out: the LA's placements into "
		    "homes in other LAs (or whose LA is not known); placed_own: into its own homes; net: placed_in - "
		    "placed_out, an in-placer above 0, an out-placer below (record-level audiences only; "
		    "docs/placements.md)",
		    "placements: net movement per LA");
	if (!rc && !full)
		rc = matrix_link(ctx, t, &ps, 5, map, &o);
	size_t n = 0;
	for (size_t a = 0; !rc && a < ps.nla; a++)
		if (cnt[a][0] || cnt[a][1] || cnt[a][2] || ps.national)
			ids[n++] = (long)a;
	sort_ps = &ps;
	if (!rc && n)
		qsort(ids, n, sizeof *ids, cmp_area);
	for (size_t k = 0; !rc && k < n; k++) {
		long a = ids[k];
		int64_t net = cnt[a][0] - cnt[a][1];
		if ((rc = hv_table_add_row(ctx, t)) || (rc = hv_table_set_text(ctx, t, 0, ps.la[a])) ||
		    (rc = hv_table_set_text(ctx, t, 1, ps.name[a])) || (rc = hv_table_set_int(ctx, t, 2, cnt[a][0])) ||
		    (rc = hv_table_set_int(ctx, t, 3, cnt[a][1])) || (rc = hv_table_set_int(ctx, t, 4, cnt[a][2])))
			break;
		if (full && !(rc = hv_table_set_real(ctx, t, 5, (double)net)))
			rc = hv_table_set_text(ctx, t, 6, net > 0 ? "in-placer" : net < 0 ? "out-placer" : "balanced");
		long row = (long)hv_table_rows(t) - 1;
		if (!rc && !full)
			rc = relate(ctx, t, 2, (const long[]){row, o.drow[a]}, (const int[]){4, map[5]},
			            (const int[]){1, -1});
		if (!rc && !full)
			rc = relate(ctx, t, 3, (const long[]){o.crow[a], o.drow[a], row},
			            (const int[]){map[5], map[5], 2}, (const int[]){1, -1, -1});
		if (!rc && !full)
			rc = relate(ctx, t, 3, (const long[]){o.rrow[a], o.drow[a], row},
			            (const int[]){map[5], map[5], 3}, (const int[]){1, -1, -1});
	}
	unlink_matrix(&o);
	free(cnt);
	free(ids);
	return done(rc, t, out);
}

/* ---- capacity ------------------------------------------------------------------- */

enum { K_HOMES, K_PLACES, K_IN, K_PLACED, K_OWN, K_ELSEWHERE, NK };
static const char *const cap_cols[] = {"geographic_level", "area_code",          "area_name",       "homes",
                                       "places",           "children_placed_in", "children_placed", "placed_own_area",
                                       "placed_elsewhere", "places_per_child",   "parent",          "geom"};

haven_status hv_placements_capacity(haven_ctx *ctx, const hv_placements *pp, haven_table **out)
{
	*out = NULL;
	if (pp->day < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "capacity is as at a date: give --as-at, not --from/--to");
	hv_placements ps = *pp; /* borrowed: never freed here */
	haven_status rc = HAVEN_OK;
	size_t na = ps.nla + ps.nregion + 1;
	int64_t(*cnt)[NK] = rc ? NULL : calloc(na, sizeof *cnt);
	long *ids = rc ? NULL : malloc(na * sizeof *ids);
	if (!rc && (!cnt || !ids))
		rc = nomem(ctx);
	const reg *r = rc ? NULL : ps.priv;
	/* the register as at the day: open homes and their places, by LA */
	for (size_t i = 0; !rc && i < r->nv; i++) {
		const hversion *v = &r->v[i];
		if (v->la < 0 || !v->open || v->from > ps.day || v->to <= ps.day)
			continue;
		if (!ps.national && !hv_scope_has_la(ps.scope, ps.la[v->la]))
			continue;
		for (int l = LV_LA; l < NLV; l++) {
			long a = area_at(&ps, v->la, l);
			if (a >= 0) {
				cnt[a][K_HOMES]++;
				cnt[a][K_PLACES] += v->places;
			}
		}
	}
	for (size_t i = 0; !rc && i < ps.n; i++) {
		const hv_placed *p = &ps.p[i];
		int own = p->host == p->placing;
		for (int l = LV_LA; l < NLV; l++) {
			long a = area_at(&ps, p->placing, l);
			if (a >= 0) {
				cnt[a][K_PLACED]++;
				cnt[a][own ? K_OWN : K_ELSEWHERE]++;
			}
			/* placed into the area's homes by another LA: at region and
			 * England the sum of their LAs', so that the rows add up */
			long h = p->host >= 0 && !own ? area_at(&ps, p->host, l) : -1;
			if (h >= 0)
				cnt[h][K_IN]++;
		}
	}
	haven_table *t = NULL;
	/* for an aggregates-only audience, with the LAs' matrix as at the day:
	 * an LA's children placed are its row total there, those in its own
	 * homes its diagonal, those placed in by others its column total less
	 * its diagonal */
	const char *names[24];
	int map[12], nown = 11 + !!ps.awkb;
	mout o = {0};
	if (!rc)
		rc = hv_table_new(ctx, "Placements: capacity and sufficiency per local authority", HV_TABLE_DISCLOSED,
		                  ps.aggregates_only ? with_matrix(cap_cols, nown, names, map) : nown,
		                  ps.aggregates_only ? names : cap_cols, &t);
	if (!rc && ps.awkb)
		rc = hv_table_roles(ctx, t, "geom=geometry:area");
	if (!rc)
		rc = hv_table_roles(
		    ctx, t,
		    "geographic_level=label area_code=area:placing area_name=label homes=count:homes"
		    " places=count:places children_placed_in=count:children children_placed=count:children"
		    " placed_own_area=count:children placed_elsewhere=count:children"
		    " places_per_child=rate:children_placed parent=parent");
	if (!rc)
		rc = hv_table_sum(ctx, t, "children_placed", "placed_own_area placed_elsewhere");
	if (!rc)
		rc = common_meta(
		    ctx, &ps, t,
		    "homes, places: open children's homes in the area on the day and their registered places (the "
		    "register as at the day); children_placed_in: children in its homes placed by another LA (for a "
		    "region "
		    "and England, the sum of their LAs'); "
		    "children_placed: children the area places, in homes in its own area or elsewhere (the home's LA "
		    "on the day); places_per_child (sufficiency): places / children_placed, 1 or more when the area "
		    "has a place in its own homes for every child it places (docs/placements.md)",
		    "placements: capacity per LA");
	if (!rc && ps.aggregates_only)
		rc = matrix_link(ctx, t, &ps, nown, map, &o);
	/* LAs only, or for an aggregates-only audience the regions and
	 * England as well, each naming its parent */
	int hi = ps.aggregates_only ? LV_ENGLAND : LV_LA;
	for (int l = hi; !rc && l >= LV_LA; l--) {
		size_t n = 0;
		for (size_t a = 0; a < na; a++) {
			if (area_level(&ps, (long)a) != l)
				continue;
			int any = 0;
			for (int k = 0; k < NK; k++)
				any |= cnt[a][k] != 0;
			if (any || l == LV_ENGLAND || (l == LV_LA && ps.national))
				ids[n++] = (long)a;
		}
		sort_ps = &ps;
		if (n)
			qsort(ids, n, sizeof *ids, cmp_area);
		for (size_t k = 0; !rc && k < n; k++) {
			long a = ids[k], p = area_parent(&ps, a);
			if ((rc = area_row(ctx, t, &ps, a, l)))
				break;
			for (int c = 0; !rc && c < NK; c++)
				rc = hv_table_set_int(ctx, t, 3 + c, cnt[a][c]);
			if (!rc && cnt[a][K_PLACED])
				rc = hv_table_set_real(
				    ctx, t, 9, round((double)cnt[a][K_PLACES] / (double)cnt[a][K_PLACED] * 100) / 100);
			if (!rc && p >= 0 && ps.aggregates_only)
				rc = hv_table_set_text(ctx, t, 10, area_code(&ps, p));
			long row = (long)hv_table_rows(t) - 1;
			for (int j = 0; !rc && ps.aggregates_only && l != LV_REGION && j < 2; j++) {
				int mc = map[5 + j]; /* placements, children: as at a day the same */
				if (l == LV_ENGLAND) {
					rc = relate(ctx, t, 2, (const long[]){row, o.grand}, (const int[]){6, mc},
					            (const int[]){1, -1});
					continue;
				}
				rc = relate(ctx, t, 2, (const long[]){row, o.rrow[a]}, (const int[]){6, mc},
				            (const int[]){1, -1});
				if (!rc)
					rc = relate(ctx, t, 2, (const long[]){row, o.drow[a]}, (const int[]){7, mc},
					            (const int[]){1, -1});
				if (!rc)
					rc = relate(ctx, t, 3, (const long[]){o.crow[a], o.drow[a], row},
					            (const int[]){mc, mc, 5}, (const int[]){1, -1, -1});
			}
		}
	}
	unlink_matrix(&o);
	free(cnt);
	free(ids);
	return done(rc, t, out);
}

/* ---- the public measures: read, then build ----------------------------------- */

typedef enum { M_LOCATIONS, M_FLOWS, M_NET, M_CAPACITY } measure;

static haven_status read_and_build(haven_ctx *ctx, const haven_placements_query *q, measure m, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_placements_query none = {0};
	if (!q)
		q = &none;
	if (m == M_CAPACITY && (q->from || q->to))
		return hv_error(ctx, HAVEN_ERR_USAGE, "capacity is as at a date: give --as-at, not --from/--to");
	hv_placements ps;
	haven_status rc = hv_placements_read(ctx, q, m == M_CAPACITY, &ps);
	if (!rc)
		rc = m == M_LOCATIONS ? hv_placements_locations(ctx, &ps, q->by, out)
		     : m == M_FLOWS   ? hv_placements_flows(ctx, &ps, q->by, q->top, out)
		     : m == M_NET     ? hv_placements_net(ctx, &ps, out)
		                      : hv_placements_capacity(ctx, &ps, out);
	hv_placements_free(&ps);
	return rc;
}

haven_status haven_placements_locations(haven_ctx *ctx, const haven_placements_query *q, haven_table **out)
{
	return read_and_build(ctx, q, M_LOCATIONS, out);
}

haven_status haven_placements_flows(haven_ctx *ctx, const haven_placements_query *q, haven_table **out)
{
	return read_and_build(ctx, q, M_FLOWS, out);
}

haven_status haven_placements_net(haven_ctx *ctx, const haven_placements_query *q, haven_table **out)
{
	return read_and_build(ctx, q, M_NET, out);
}

haven_status haven_placements_capacity(haven_ctx *ctx, const haven_placements_query *q, haven_table **out)
{
	return read_and_build(ctx, q, M_CAPACITY, out);
}
