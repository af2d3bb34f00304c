/*
 * scan.c - the space-time permutation scan as haven's users run it
 * (include/haven/scan.h): on an analyst's own SaTScan files, and on the
 * store's episodes of children missing from care.  The scan itself is
 * stscan.c; this file turns its input into locations, days and cases, and
 * its clusters into a sealed table.  docs/scan.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stscan.h"
#include "core/clock.h"
#include "core/satscan.h"
#include "core/grow.h"
#include "core/sql.h"
#include "core/table.h"
#include "data/homes.h"
#include "data/missing_time.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/scan.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static void day_text(int64_t z, char buf[16])
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* The scan's input from the options: checked here so that a bad option is
 * a usage error naming the option. */
static haven_status scan_in(haven_ctx *ctx, const haven_scan_opts *o, int32_t ndays, hv_stscan_in *in)
{
	if (!o)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the scan needs its options (--max-radius, --max-days)");
	if (!(o->max_radius >= 0) || !isfinite(o->max_radius))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--max-radius must be a distance in metres, 0 or more");
	if (o->max_days < 1 || o->max_days > ndays)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "--max-days %d: the window must be 1 to %d days (the length of the study period)",
		                o->max_days, (int)ndays);
	if (o->replicates > 999999)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--replicates %u: at most 999999", o->replicates);
	in->ndays = ndays;
	in->max_radius = o->max_radius;
	in->max_days = o->max_days;
	in->prospective = o->prospective;
	in->replicates = o->replicates;
	in->seed = o->seed;
	in->min_cases = o->min_cases;
	in->max_clusters = o->clusters;
	return HAVEN_OK;
}

static haven_status study_period(haven_ctx *ctx, const char *start, const char *end, int64_t *a, int64_t *b)
{
	if (!start || !end)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period needs --start and --end");
	if (!hv_parse_date(start, a))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--start '%s' is not a date (YYYY-MM-DD)", start);
	if (!hv_parse_date(end, b))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--end '%s' is not a date (YYYY-MM-DD)", end);
	if (*b < *a)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period runs backwards, from %s to %s", start, end);
	if (*b - *a + 1 > HV_STSCAN_MAX_DAYS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period is longer than %d days", HV_STSCAN_MAX_DAYS);
	return HAVEN_OK;
}

static const char *const file_cols[] = {"cluster",   "centre",   "coord_1", "coord_2", "members",
                                        "locations", "radius_m", "start",   "end",     "days",
                                        "observed",  "expected", "obs_exp", "llr",     "p"};
enum {
	F_CLUSTER,
	F_CENTRE,
	F_C1,
	F_C2,
	F_MEMBERS,
	F_LOCS,
	F_RADIUS,
	F_START,
	F_END,
	F_DAYS,
	F_OBS,
	F_EXP,
	F_RATIO,
	F_LLR,
	F_P,
	NFILE
};

/* The members' ids joined by ", " (freed by the caller). */
static char *join_ids(const hv_stscan_cluster *c, char *const *ids)
{
	size_t n = 1;
	for (size_t k = 0; k < c->nmembers; k++)
		n += strlen(ids[c->members[k]]) + 2;
	char *s = malloc(n), *p = s;
	if (!s)
		return NULL;
	for (size_t k = 0; k < c->nmembers; k++)
		p += sprintf(p, "%s%s", k ? ", " : "", ids[c->members[k]]);
	*p = 0;
	return s;
}

/* The columns every table of clusters has: window, counts, ratio, p. */
static haven_status set_stats(haven_ctx *ctx, haven_table *t, const hv_stscan_cluster *c, int64_t start, int col0)
{
	char a[16], b[16];
	day_text(start + c->first_day, a);
	day_text(start + c->last_day, b);
	haven_status rc;
	if ((rc = hv_table_set_text(ctx, t, col0, a)) || (rc = hv_table_set_text(ctx, t, col0 + 1, b)) ||
	    (rc = hv_table_set_int(ctx, t, col0 + 2, c->last_day - c->first_day + 1)) ||
	    (rc = hv_table_set_int(ctx, t, col0 + 3, c->observed)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 4, round(c->expected * 1000) / 1000)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 5, round((double)c->observed / c->expected * 1000) / 1000)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 6, round(c->llr * 1e6) / 1e6)))
		return rc;
	return isnan(c->p) ? HAVEN_OK : hv_table_set_real(ctx, t, col0 + 7, c->p);
}

static haven_status meta(haven_ctx *ctx, haven_table *t, const hv_stscan_in *in, const hv_stscan_out *r, int64_t start,
                         int64_t end)
{
	char a[16], b[16], buf[256];
	day_text(start, a);
	day_text(end, b);
	haven_status rc;
	snprintf(buf, sizeof buf, "%s to %s (%d days)", a, b, (int)in->ndays);
	if ((rc = hv_table_meta_set(ctx, t, "study_period", buf)))
		return rc;
	snprintf(buf, sizeof buf,
	         "space-time permutation (Kulldorff et al. 2005), %s, maximum radius %g m, maximum window %d days, "
	         "at least %u cases, %s distances",
	         in->prospective ? "prospective" : "retrospective", in->max_radius, (int)in->max_days,
	         in->min_cases ? in->min_cases : 2, in->latlong ? "great-circle" : "Euclidean");
	if ((rc = hv_table_meta_set(ctx, t, "model", buf)))
		return rc;
	snprintf(buf, sizeof buf, "%lld cases at %zu locations", (long long)r->cases, in->nloc);
	if ((rc = hv_table_meta_set(ctx, t, "data", buf)))
		return rc;
	snprintf(buf, sizeof buf, "%u replicates, seed %llu; p = rank / (replicates + 1)", in->replicates,
	         (unsigned long long)in->seed);
	return hv_table_meta_set(ctx, t, "replicates", buf);
}

haven_status haven_scan_files(haven_ctx *ctx, const char *cases, const char *coordinates, const char *start,
                              const char *end, int latlong, const haven_scan_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	int64_t a = 0, b = 0;
	hv_satscan f = {0};
	hv_stscan_in in = {0};
	hv_stscan_out r = {0};
	haven_table *t = NULL;
	haven_status rc = study_period(ctx, start, end, &a, &b);
	if (!rc)
		rc = scan_in(ctx, o, (int32_t)(b - a + 1), &in);
	if (!rc && (!cases || !coordinates))
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "the scan needs --cases and --coordinates");
	if (!rc)
		rc = hv_satscan_read(ctx, coordinates, cases, latlong, a, b, &f);
	if (rc)
		goto done;
	if (f.outside)
		hv_notice(ctx, "%s: %lld cases on %lld rows are dated outside the study period and were left out",
		          cases, (long long)f.outside, (long long)f.outside_rows);
	in.nloc = f.nloc;
	in.a = f.a;
	in.b = f.b;
	in.latlong = latlong;
	in.nrec = f.nrec;
	in.loc = f.loc;
	in.day = f.day;
	in.count = f.count;
	if ((rc = hv_stscan_run(ctx, &in, &r)))
		goto done;
	const char *names[NFILE];
	memcpy(names, file_cols, sizeof names);
	names[F_C1] = latlong ? "latitude" : "x";
	names[F_C2] = latlong ? "longitude" : "y";
	if ((rc = hv_table_new(ctx, "space-time permutation scan", HV_TABLE_PUBLIC, NFILE, names, &t)))
		goto done;
	for (size_t i = 0; i < r.n && !rc; i++) {
		const hv_stscan_cluster *c = &r.clusters[i];
		char *m = join_ids(c, f.ids);
		if (!m) {
			rc = nomem(ctx);
			break;
		}
		if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_int(ctx, t, F_CLUSTER, (int64_t)i + 1)) &&
		    !(rc = hv_table_set_text(ctx, t, F_CENTRE, f.ids[c->centre])) &&
		    !(rc = hv_table_set_real(ctx, t, F_C1, f.a[c->centre])) &&
		    !(rc = hv_table_set_real(ctx, t, F_C2, f.b[c->centre])) &&
		    !(rc = hv_table_set_text(ctx, t, F_MEMBERS, m)) &&
		    !(rc = hv_table_set_int(ctx, t, F_LOCS, (int64_t)c->nmembers)) &&
		    !(rc = hv_table_set_real(ctx, t, F_RADIUS, round(c->radius * 10) / 10)))
			rc = set_stats(ctx, t, c, a, F_START);
		free(m);
	}
	if (!rc)
		rc = meta(ctx, t, &in, &r, a, b);
done:
	hv_stscan_out_free(&r);
	hv_satscan_free(&f);
	if (rc)
		haven_table_free(t);
	else
		*out = t;
	return rc;
}

/* ---- the store's episodes -------------------------------------------------------- */

/* A location holds at least this many distinct children: more than the
 * gate's threshold for counts of children (docs/scan.md, "Locations"). */
#define MIN_CHILDREN (HV_CONTROL_THRESHOLD + 1)
/* A cell too small merges into its parent, side doubled, this many times
 * at most (1 km: up to 64 km); what is still too small is left out. */
#define MAX_MERGES 6

typedef struct sep {
	int64_t day;
	double x, y;
	uint64_t child; /* the pseudonym, hashed */
	char la[16];    /* the home's LA that day */
	int64_t ix, iy; /* the cell at the level being made */
	uint32_t loc;   /* the location, UINT32_MAX while none */
} sep;

typedef struct ms {
	haven_ctx *ctx;
	hv_scope *scope;
	sep *e;
	size_t n, cap;
	/* the locations: cells, centres, labels */
	size_t nloc, loccap;
	double *cx, *cy, *side;
	char **ids;
	int64_t dropped; /* episodes in cells too small at the last level */
} ms;

static void ms_free(ms *m)
{
	hv_scope_free(m->scope);
	free(m->e);
	free(m->cx);
	free(m->cy);
	free(m->side);
	for (size_t i = 0; i < m->nloc; i++)
		free(m->ids[i]);
	free(m->ids);
}

/* A child's pseudonym (its n bytes) as 64 bits (FNV-1a of its lower-case
 * hex digits): two children sharing them would count as one, so a cell
 * would seem to hold fewer children - the safe side. */
static uint64_t pseudonym_bits(const void *p, int n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	uint64_t v = 0xcbf29ce484222325ULL;
	for (int i = 0; b && i < n; i++) {
		v = (v ^ (unsigned char)hex[b[i] >> 4]) * 0x100000001b3ULL;
		v = (v ^ (unsigned char)hex[b[i] & 15]) * 0x100000001b3ULL;
	}
	return v;
}

/* The episodes the acting user may see whose point of->which is known,
 * starting in [from, to] (days; INT64_MIN/MAX: any): police those at homes
 * in their force area, a local authority also those of the children it
 * places, as haven_trends counts them (docs/missing.md, "Scope"). */
static haven_status read_points(ms *m, int found, int64_t from, int64_t to)
{
	int national = hv_scope_is_national(m->scope);
	int placer = strcmp(m->ctx->actor.authority_kind, "la") == 0;
	sqlite3_stmt *st;
	haven_status rc =
	    hv_preparef(m->ctx, &st,
	                "SELECT c.pseudonym, e.missing_from, e.%s_x, e.%s_y,"
	                " coalesce(host_la, (SELECT la_code FROM temp.home_versions v WHERE v.urn = e.urn"
	                "  ORDER BY valid_from DESC LIMIT 1)), placing_la"
	                " FROM missing_episode e JOIN missing_child c ON c.id = e.child WHERE e.%s_x IS NOT NULL",
	                found ? "found" : "last_seen", found ? "found" : "last_seen", found ? "found" : "last_seen");
	if (rc)
		return rc;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(st, 4);
		const char *placing = (const char *)sqlite3_column_text(st, 5);
		if (!national && !(host && hv_scope_has_la(m->scope, host)) &&
		    !(placer && placing && hv_scope_has_la(m->scope, placing)))
			continue;
		int64_t day = hv_missing_day(sqlite3_column_int64(st, 1)); /* clock seconds (schema 9) */
		if (day < from || day > to)
			continue;
		if (m->n == m->cap) {
			m->cap = m->cap ? 2 * m->cap : 65536;
			if (!hv_resize(&m->e, m->cap, sizeof *m->e)) {
				sqlite3_finalize(st);
				return nomem(m->ctx);
			}
		}
		sep *x = &m->e[m->n++];
		memset(x, 0, sizeof *x);
		x->day = day;
		x->x = sqlite3_column_double(st, 2);
		x->y = sqlite3_column_double(st, 3);
		x->child = pseudonym_bits(sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0));
		snprintf(x->la, sizeof x->la, "%s", host ? host : "");
		x->loc = UINT32_MAX;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return hv_error_sql(m->ctx, "reading the episodes' points");
	return HAVEN_OK;
}

static int cmp_cell(const void *a, const void *b)
{
	const sep *x = a, *y = b;
	if ((x->loc == UINT32_MAX) != (y->loc == UINT32_MAX))
		return x->loc == UINT32_MAX ? -1 : 1;
	if (x->ix != y->ix)
		return x->ix < y->ix ? -1 : 1;
	if (x->iy != y->iy)
		return x->iy < y->iy ? -1 : 1;
	return (x->child > y->child) - (x->child < y->child);
}

static haven_status add_location(ms *m, double x0, double y0, double side)
{
	if (m->nloc == m->loccap) {
		m->loccap = m->loccap ? 2 * m->loccap : 1024;
		if (!hv_resize(&m->cx, m->loccap, sizeof *m->cx) || !hv_resize(&m->cy, m->loccap, sizeof *m->cy) ||
		    !hv_resize(&m->side, m->loccap, sizeof *m->side) || !hv_resize(&m->ids, m->loccap, sizeof *m->ids))
			return nomem(m->ctx);
	}
	char id[96];
	snprintf(id, sizeof id, "E%.0f N%.0f %.0fm", x0, y0, side);
	if (!(m->ids[m->nloc] = strdup(id)))
		return nomem(m->ctx);
	m->cx[m->nloc] = x0 + side / 2;
	m->cy[m->nloc] = y0 + side / 2;
	m->side[m->nloc] = side;
	m->nloc++;
	return HAVEN_OK;
}

/* Snap the episodes to British National Grid cells of side cell metres; a
 * cell of fewer than MIN_CHILDREN distinct children gives its episodes to
 * its parent cell (side doubled), up to MAX_MERGES times; the episodes of a
 * cell still too small are left out.  A location is a cell's centre. */
static haven_status locate(ms *m, double cell)
{
	size_t left = m->n; /* the episodes without a location: m->e[0..left) after each sort */
	for (int lev = 0; lev <= MAX_MERGES && left; lev++) {
		double side = cell * (double)(1 << lev);
		for (size_t i = 0; i < m->n; i++)
			if (m->e[i].loc == UINT32_MAX) {
				m->e[i].ix = (int64_t)floor(m->e[i].x / side);
				m->e[i].iy = (int64_t)floor(m->e[i].y / side);
			}
		qsort(m->e, m->n, sizeof *m->e, cmp_cell);
		size_t next = 0;
		for (size_t a = 0; a < left;) {
			size_t b = a, children = 0;
			for (; b < left && m->e[b].ix == m->e[a].ix && m->e[b].iy == m->e[a].iy; b++)
				children += b == a || m->e[b].child != m->e[b - 1].child;
			if (children >= MIN_CHILDREN) {
				haven_status rc =
				    add_location(m, (double)m->e[a].ix * side, (double)m->e[a].iy * side, side);
				if (rc)
					return rc;
				for (size_t i = a; i < b; i++)
					m->e[i].loc = (uint32_t)(m->nloc - 1);
			} else
				next += b - a;
			a = b;
		}
		left = next;
	}
	m->dropped = (int64_t)left;
	return HAVEN_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A cluster's episodes: distinct children, and the LA of the homes most of
 * them went missing from (ties: the lower code). */
static haven_status cluster_people(ms *m, const hv_stscan_cluster *c, int64_t start, int64_t *children, char la[16])
{
	unsigned char *in = calloc(m->nloc, 1);
	uint64_t *kids = malloc(((size_t)c->observed + 1) * sizeof *kids);
	char(*las)[16] = malloc(((size_t)c->observed + 1) * sizeof *las);
	if (!in || !kids || !las) {
		free(in);
		free(kids);
		free(las);
		return nomem(m->ctx);
	}
	for (size_t k = 0; k < c->nmembers; k++)
		in[c->members[k]] = 1;
	size_t n = 0;
	for (size_t i = 0; i < m->n && n < (size_t)c->observed; i++) {
		const sep *x = &m->e[i];
		if (x->loc != UINT32_MAX && in[x->loc] && x->day >= start + c->first_day &&
		    x->day <= start + c->last_day) {
			kids[n] = x->child;
			memcpy(las[n++], x->la, 16);
		}
	}
	qsort(kids, n, sizeof *kids, cmp_u64);
	qsort(las, n, sizeof *las, cmp_code);
	*children = 0;
	for (size_t i = 0; i < n; i++)
		*children += !i || kids[i] != kids[i - 1];
	size_t best = 0, run = 0;
	la[0] = 0;
	for (size_t i = 0; i < n; i++) {
		run = i && strcmp(las[i], las[i - 1]) == 0 ? run + 1 : 1;
		if (run > best) {
			best = run;
			memcpy(la, las[i], 16);
		}
	}
	free(in);
	free(kids);
	free(las);
	return HAVEN_OK;
}

/* What each audience gets (docs/scan.md, "Who sees what"). */
static const char *const detail_cols[] = {"cluster",  "la",       "centre",  "members", "cells",
                                          "radius_m", "children", "start",   "end",     "days",
                                          "observed", "expected", "obs_exp", "llr",     "p"};
static const char *const detail_roles =
    "cluster=label la=area:la centre=text members=text cells=label radius_m=label children=count:distinct "
    "start=label end=label days=label observed=count:episodes expected=label obs_exp=label llr=label p=label";
static const char *const agg_cols[] = {"cluster", "la", "children", "start", "end", "days", "observed", "p"};
static const char *const agg_roles = "cluster=label la=area:la children=count:distinct start=label end=label "
                                     "days=label observed=count:episodes p=label";

static haven_status missing_table(ms *m, const hv_stscan_in *in, const hv_stscan_out *r, int64_t start, int64_t end,
                                  const char *of, double cell, haven_table **out)
{
	int agg = hv_scope_aggregates_only(m->ctx);
	haven_table *t = NULL;
	haven_status rc = hv_table_new(m->ctx, "space-time permutation scan of children missing from care",
	                               HV_TABLE_DISCLOSED, agg ? 8 : 15, agg ? agg_cols : detail_cols, &t);
	if (!rc)
		rc = hv_table_roles(m->ctx, t, agg ? agg_roles : detail_roles);
	for (size_t i = 0; !rc && i < r->n; i++) {
		const hv_stscan_cluster *c = &r->clusters[i];
		int64_t children = 0;
		char la[16];
		if ((rc = cluster_people(m, c, start, &children, la)) || (rc = hv_table_add_row(m->ctx, t)) ||
		    (rc = hv_table_set_int(m->ctx, t, 0, (int64_t)i + 1)) ||
		    (rc = hv_table_set_text(m->ctx, t, 1, la[0] ? la : NULL)) ||
		    (rc = hv_table_set_int(m->ctx, t, agg ? 2 : 6, children)))
			break;
		if (agg) {
			char a[16], b[16];
			day_text(start + c->first_day, a);
			day_text(start + c->last_day, b);
			if ((rc = hv_table_set_text(m->ctx, t, 3, a)) || (rc = hv_table_set_text(m->ctx, t, 4, b)) ||
			    (rc = hv_table_set_int(m->ctx, t, 5, c->last_day - c->first_day + 1)) ||
			    (rc = hv_table_set_int(m->ctx, t, 6, c->observed)))
				break;
			if (!isnan(c->p))
				rc = hv_table_set_real(m->ctx, t, 7, c->p);
			continue;
		}
		char *ids = join_ids(c, m->ids);
		if (!ids) {
			rc = nomem(m->ctx);
			break;
		}
		if (!(rc = hv_table_set_text(m->ctx, t, 2, m->ids[c->centre])) &&
		    !(rc = hv_table_set_text(m->ctx, t, 3, ids)) &&
		    !(rc = hv_table_set_int(m->ctx, t, 4, (int64_t)c->nmembers)) &&
		    !(rc = hv_table_set_real(m->ctx, t, 5, round(c->radius))))
			rc = set_stats(m->ctx, t, c, start, 7);
		free(ids);
	}
	char buf[512], a[16], b[16];
	day_text(start, a);
	day_text(end, b);
	if (!rc)
		rc = meta(m->ctx, t, in, r, start, end);
	if (!rc) {
		snprintf(
		    buf, sizeof buf,
		    "episodes located at their %s point, snapped to British National Grid cells of %g m; a cell of "
		    "fewer than %d distinct children merged into its parent cell (side doubled, up to %d times); "
		    "%lld episodes in cells still too small left out; a location is its cell's centre",
		    of, cell, MIN_CHILDREN, MAX_MERGES, (long long)m->dropped);
		rc = hv_table_meta_set(m->ctx, t, "locations", buf);
	}
	if (!rc)
		rc = hv_table_meta_set(m->ctx, t, "scope", hv_scope_describe(m->scope));
	if (!rc) {
		snprintf(buf, sizeof buf,
		         "space-time permutation scan of missing episodes (%s points, %g m cells, %s to %s)", of, cell,
		         a, b);
		rc = hv_table_object(m->ctx, t, buf);
	}
	if (rc)
		haven_table_free(t);
	else
		*out = t;
	return rc;
}

haven_status haven_missing_scan(haven_ctx *ctx, const haven_missing_scan_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	if (!o)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the scan needs its options (--max-radius, --max-days)");
	const char *of = o->of ? o->of : "found";
	if (strcmp(of, "found") != 0 && strcmp(of, "last-seen") != 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--of '%s': use found or last-seen", of);
	double cell = o->cell > 0 ? o->cell : 1000;
	if (!isfinite(cell) || cell < 1 || cell > 100000)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--cell %g: a cell is 1 to 100000 metres", cell);
	int64_t from = INT64_MIN, to = INT64_MAX;
	if (o->from && !hv_parse_date(o->from, &from))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--from '%s' is not a date (YYYY-MM-DD)", o->from);
	if (o->to && !hv_parse_date(o->to, &to))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--to '%s' is not a date (YYYY-MM-DD)", o->to);
	if (from > to)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period runs backwards, from %s to %s", o->from, o->to);
	ms m = {.ctx = ctx};
	hv_op op;
	hv_stscan_in in = {0};
	hv_stscan_out r = {0};
	uint32_t *loc = NULL, *count = NULL;
	int32_t *day = NULL;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (!rc && !(rc = hv_scope_actor(ctx, &m.scope)) && !(rc = hv_homes_view(ctx, NULL, m.scope)))
		rc = read_points(&m, strcmp(of, "found") == 0, from, to);
	if (rc)
		goto done;
	if (!m.n) {
		rc =
		    hv_error(ctx, HAVEN_ERR_NOT_FOUND, "no episode you may see has a %s point in the study period", of);
		goto done;
	}
	/* the study period: as given, else the episodes' first and last days */
	if (!o->from || !o->to) {
		int64_t lo = INT64_MAX, hi = INT64_MIN;
		for (size_t i = 0; i < m.n; i++) {
			lo = m.e[i].day < lo ? m.e[i].day : lo;
			hi = m.e[i].day > hi ? m.e[i].day : hi;
		}
		from = o->from ? from : lo;
		to = o->to ? to : hi;
	}
	if (to - from + 1 > HV_STSCAN_MAX_DAYS) {
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "the study period is longer than %d days: give --from and --to",
		              HV_STSCAN_MAX_DAYS);
		goto done;
	}
	if ((rc = scan_in(ctx, &o->scan, (int32_t)(to - from + 1), &in)) || (rc = locate(&m, cell)))
		goto done;
	if (!m.nloc) {
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "no cell holds episodes of %d or more children: too few episodes to scan without "
		              "identifying a child",
		              MIN_CHILDREN);
		goto done;
	}
	loc = malloc(m.n * sizeof *loc);
	count = malloc(m.n * sizeof *count);
	day = malloc(m.n * sizeof *day);
	if (!loc || !count || !day) {
		rc = nomem(ctx);
		goto done;
	}
	for (size_t i = 0; i < m.n; i++)
		if (m.e[i].loc != UINT32_MAX) {
			loc[in.nrec] = m.e[i].loc;
			day[in.nrec] = (int32_t)(m.e[i].day - from);
			count[in.nrec++] = 1;
		}
	in.nloc = m.nloc;
	in.a = m.cx;
	in.b = m.cy;
	in.loc = loc;
	in.day = day;
	in.count = count;
	if (!(rc = hv_stscan_run(ctx, &in, &r)))
		rc = missing_table(&m, &in, &r, from, to, of, cell, out);
done:
	free(loc);
	free(count);
	free(day);
	hv_stscan_out_free(&r);
	ms_free(&m);
	return rc;
}
