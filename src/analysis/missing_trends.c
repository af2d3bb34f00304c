/*
 * missing_trends.c - children missing from care: trends per area and
 * period, the linkage counts (the same rows, counted by police-only,
 * LA-only and linked episodes), and homes whose episode rate per place
 * stands out.
 *
 * Read-only.  Episodes are the store's missing_episode rows, those the
 * acting user may see (docs/missing.md, "Scope"): police the episodes at
 * homes in their force area, an LA the episodes of the children it places
 * and those at homes in its area, a national authority all.  Homes and
 * their places come from the register's history in the user's scope (the
 * read model's temp.home_versions, data/homes.c).
 *
 * The episodes of the period are read once into memory (a million take
 * about 40 MB), keyed by area, period and child, sorted, and walked once:
 * distinct children, repeats and duration percentiles fall out of runs of
 * the sort.  Children's pseudonyms and areas are interned to integers.
 *
 * Places are place-days: each version of a home adds its places times the
 * days it was valid and open (its status not Resigned, Cancelled, Refused,
 * Closed or Deregistered) within the period, divided by the period's days;
 * a home's first version is taken to hold from its registration date, when
 * that is earlier (it was open before the register first showed it).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/missing_trends.h"
#include "core/clock.h"
#include "core/sql.h"
#include "data/homes.h"
#include "data/missing_time.h"
#include "govern/govern.h"
#include "govern/scope.h"

#define ENGLAND "E92000001"
#define NONE UINT32_MAX
/* The overall judgement and its date in a home's extra columns: Ofsted's
 * headings as its provider list writes them, or as haven synth names them. */
#define JUDGEMENT "Overall experiences and progress of children and young people"
#define JUDGEMENT_KEY "overall_experiences_and_progress_of_children_and_young_people"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* ---- statistics -------------------------------------------------------------- */

double hv_trends_quantile(const double *v, size_t n, double p)
{
	if (!n)
		return NAN;
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

double hv_gamma_p(double a, double x)
{
	if (x <= 0)
		return 0;
	double gln = lgamma(a);
	if (x < a + 1) { /* the series */
		double ap = a, sum = 1 / a, del = sum;
		for (int i = 0; i < 100000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-16)
				break;
		}
		return fmin(1, sum * exp(-x + a * log(x) - gln));
	}
	/* Q by Lentz's continued fraction, P = 1 - Q */
	double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
	for (int i = 1; i < 100000; i++) {
		double an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return fmax(0, 1 - exp(-x + a * log(x) - gln) * h);
}

/* The x from lo up with f(x, arg) = q, f monotone in x (rising when up,
 * else falling): hi doubled until it brackets q, then bisection to a
 * relative 1e-12. */
static double bisect(double (*f)(double, double), double arg, double q, double lo, double hi, int up)
{
	while (up ? f(hi, arg) < q : f(hi, arg) > q)
		hi *= 2;
	for (int i = 0; i < 400 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (up ? f(mid, arg) < q : f(mid, arg) > q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static double chi2_cdf(double x, double df)
{
	return hv_gamma_p(df / 2, x / 2);
}

double hv_chi2_quantile(double p, double df)
{
	return bisect(chi2_cdf, df, p, 0, fmax(1, df), 1);
}

void hv_poisson_ci(double o, double level, double *lo, double *hi)
{
	double a = 1 - level;
	*lo = o > 0 ? hv_chi2_quantile(a / 2, 2 * o) / 2 : 0;
	*hi = hv_chi2_quantile(1 - a / 2, 2 * o + 2) / 2;
}

/* The s > 0 with P(s, e) = q (P falls as s grows), by bisection; 0 when
 * even the smallest s gives less. */
static double shape_for(double e, double q)
{
	if (hv_gamma_p(1e-9, e) < q)
		return 0;
	return bisect(hv_gamma_p, e, q, 1e-9, e + 20 * sqrt(e) + 50, 0);
}

void hv_poisson_limits(double e, double level, double *lo, double *hi)
{
	double a = 1 - level;
	if (e <= 0) {
		*lo = *hi = 0;
		return;
	}
	*hi = shape_for(e, a / 2);
	*lo = fmax(0, shape_for(e, 1 - a / 2) - 1);
}

/* ---- interned strings ------------------------------------------------------------ */

typedef struct intern {
	char **s; /* by id */
	uint32_t n, cap;
	uint32_t *slot; /* open addressing: id + 1, 0 empty */
	size_t nslot;
} intern;

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void intern_free(intern *in)
{
	for (uint32_t i = 0; i < in->n; i++)
		free(in->s[i]);
	free(in->s);
	free(in->slot);
	memset(in, 0, sizeof *in);
}

/* The id of s, or NONE when absent. */
static uint32_t intern_find(const intern *in, const char *s)
{
	if (!in->nslot)
		return NONE;
	for (size_t i = hash(s) & (in->nslot - 1);; i = (i + 1) & (in->nslot - 1)) {
		uint32_t k = in->slot[i];
		if (!k)
			return NONE;
		if (strcmp(in->s[k - 1], s) == 0)
			return k - 1;
	}
}

static int intern_grow(intern *in)
{
	size_t ns = in->nslot ? 2 * in->nslot : 1024;
	uint32_t *slot = calloc(ns, sizeof *slot);
	if (!slot)
		return 0;
	for (uint32_t k = 0; k < in->n; k++) {
		size_t i = hash(in->s[k]) & (ns - 1);
		while (slot[i])
			i = (i + 1) & (ns - 1);
		slot[i] = k + 1;
	}
	free(in->slot);
	in->slot = slot;
	in->nslot = ns;
	return 1;
}

/* The id of s, added when new; NONE when out of memory. */
static uint32_t intern_add(intern *in, const char *s)
{
	uint32_t k = intern_find(in, s);
	if (k != NONE)
		return k;
	if ((size_t)(in->n + 1) * 2 > in->nslot && !intern_grow(in))
		return NONE;
	if (in->n == in->cap) {
		uint32_t cap = in->cap ? 2 * in->cap : 256;
		char **v = realloc(in->s, cap * sizeof *v);
		if (!v)
			return NONE;
		in->s = v;
		in->cap = cap;
	}
	if (!(in->s[in->n] = strdup(s)))
		return NONE;
	size_t i = hash(s) & (in->nslot - 1);
	while (in->slot[i])
		i = (i + 1) & (in->nslot - 1);
	in->slot[i] = in->n + 1;
	return in->n++;
}

/* ---- dates and periods ------------------------------------------------------------ */

static void day_text(int64_t z, char buf[11])
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Calendar months, quarters and years, and financial years (April to
 * March, the year DfE's statistics of children looked after run to). */
enum { BY_MONTH, BY_QUARTER, BY_YEAR, BY_FY, NBY };
static const char *const bys[NBY] = {"month", "quarter", "year", "fy"};
static const char *const by_words[NBY] = {"month", "quarter", "year", "financial year"};

/* The period holding day z, as a count of periods since year 0. */
static int64_t period_of(int by, int64_t z)
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	return by == BY_MONTH     ? (int64_t)y * 12 + m - 1
	       : by == BY_QUARTER ? (int64_t)y * 4 + (m - 1) / 3
	       : by == BY_FY      ? y - (m < 4)
	                          : y;
}

/* The first day of period k (period_of's count). */
static int64_t period_start(int by, int64_t k)
{
	if (by == BY_MONTH)
		return hv_days_from_civil(k / 12, (int)(k % 12) + 1, 1);
	if (by == BY_QUARTER)
		return hv_days_from_civil(k / 4, (int)(k % 4) * 3 + 1, 1);
	return hv_days_from_civil(k, by == BY_FY ? 4 : 1, 1);
}

static void period_label(int by, int64_t k, char buf[16])
{
	if (by == BY_MONTH)
		snprintf(buf, 16, "%04u-%02u", (unsigned)(k / 12) % 10000u, (unsigned)(k % 12) + 1);
	else if (by == BY_QUARTER)
		snprintf(buf, 16, "%04u-Q%u", (unsigned)(k / 4) % 10000u, (unsigned)(k % 4) + 1);
	else if (by == BY_FY) /* as DfE writes it: 2023-24 */
		snprintf(buf, 16, "%04u-%02u", (unsigned)k % 10000u, (unsigned)(k + 1) % 100u);
	else
		snprintf(buf, 16, "%04u", (unsigned)k % 10000u);
}

/* ---- what is read --------------------------------------------------------------- */

typedef struct version {
	uint32_t home;            /* interned URN */
	uint32_t la, pfa, region; /* interned area codes, NONE when not known */
	int64_t from, to;         /* days; to exclusive, INT64_MAX while current */
	int64_t registered;       /* the home's registration date (days), INT64_MAX when not known */
	double places;
	int open;
} version;

/* F_POLICE, F_LA: the episode has a police report, an LA report (both:
 * the two linked); F_CONFLICT: the two disagree (docs/missing.md). */
enum {
	F_RETURNED = 1,
	F_EXPLOIT = 2,
	F_OFFERED = 4,
	F_HELD = 8,
	F_INDEPENDENT = 16,
	F_POLICE = 32,
	F_LA = 64,
	F_CONFLICT = 128
};

typedef struct episode {
	uint32_t area, child;
	int32_t period; /* index from the first period */
	int32_t day;    /* the day it began */
	float hours;    /* NAN while missing */
	uint8_t flags;
	uint8_t risk; /* R_NONE .. R_HIGH, R_UNKNOWN */
} episode;

enum { R_NONE, R_LOW, R_MEDIUM, R_HIGH, R_UNKNOWN, NRISK };
static const char *const risks[] = {"none", "low", "medium", "high"};

/* The scorecard's figures (score_names). */
enum { S_REPEAT, S_NONE, S_LOW, S_MEDIUM, S_HIGH, S_OFFERED, S_HELD, S_INDEPENDENT, S_MEDIAN, NSCORE };

typedef struct tr {
	haven_ctx *ctx;
	int by, kind;                /* kind: index in kinds[] */
	int64_t from, to;            /* days, both inclusive */
	int64_t first_day, last_day; /* of the episodes held (0, -1: none) */
	int64_t first;               /* the first period (period_of) */
	int32_t np;                  /* periods */
	hv_scope *scope;
	int national, placer; /* the scope is national; the actor is an LA (sees the children it places) */
	intern homes, codes;
	version *v;
	size_t nv;
	uint32_t *home_first, *home_n; /* versions of home h: v[home_first[h] .. + home_n[h]) */
	episode *e;
	size_t ne, cap;
	uint32_t top;             /* the code of the England (or scope) row */
	const char *level_text;   /* the geographic_level of the rows being written (a hierarchy's), or NULL */
	int withhold;             /* withhold every row being written (a hierarchy's, not asked for) */
	double *topv;             /* the scorecard of a hierarchy: the top row's figures per period, or NULL */
	int score_col[NSCORE][2]; /* and the columns of its figures and their differences */
} tr;

static const struct kind {
	const char *name, *level, *role, *words;
} kinds[] = {{"la", "la", "area:placing", "placing local authority"},
             {"host-la", "la", "area:la", "local authority of the home"},
             {"pfa", "pfa", "area:pfa", "police force area of the home"},
             {"region", "region", "area:region", "region of the home"},
             {"home", "home", "home", "home"},
             {"england", "england", "area:england", "England"}};
enum { K_LA, K_HOST, K_PFA, K_REGION, K_HOME, K_ENGLAND, NKINDS };

static void tr_free(tr *t)
{
	intern_free(&t->homes);
	intern_free(&t->codes);
	free(t->v);
	free(t->home_first);
	free(t->home_n);
	free(t->e);
	free(t->topv);
	hv_scope_free(t->scope);
}

static uint32_t code_or_none(tr *t, const unsigned char *s, int *oom)
{
	if (!s || !*s)
		return NONE;
	uint32_t k = intern_add(&t->codes, (const char *)s);
	*oom |= k == NONE;
	return k;
}

static int cmp_version(const void *a, const void *b)
{
	const version *x = a, *y = b;
	return x->home != y->home ? (x->home > y->home) - (x->home < y->home)
	                          : (x->from > y->from) - (x->from < y->from);
}

/* Every version of every home in the scope (temp.home_versions). */
static haven_status read_versions(tr *t)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(t->ctx,
	                             "SELECT urn, valid_from, valid_to, la_code, geo_pfa, geo_region, places,"
	                             " registration_status, registration_date FROM temp.home_versions",
	                             &st);
	if (rc)
		return rc;
	size_t cap = 0;
	int r = SQLITE_DONE, oom = 0;
	while (!oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (t->nv == cap) {
			cap = cap ? 2 * cap : 4096;
			version *v = realloc(t->v, cap * sizeof *v);
			if (!v) {
				oom = 1;
				break;
			}
			t->v = v;
		}
		version *x = &t->v[t->nv++];
		int64_t d = 0;
		x->home = intern_add(&t->homes, (const char *)sqlite3_column_text(st, 0));
		oom |= x->home == NONE;
		hv_parse_date((const char *)sqlite3_column_text(st, 1), &x->from);
		const char *to = (const char *)sqlite3_column_text(st, 2);
		x->to = to && hv_parse_date(to, &d) ? d : INT64_MAX;
		x->la = code_or_none(t, sqlite3_column_text(st, 3), &oom);
		x->pfa = code_or_none(t, sqlite3_column_text(st, 4), &oom);
		x->region = code_or_none(t, sqlite3_column_text(st, 5), &oom);
		x->places = sqlite3_column_double(st, 6);
		x->open = hv_homes_open_status((const char *)sqlite3_column_text(st, 7));
		const char *reg = (const char *)sqlite3_column_text(st, 8);
		x->registered = reg && hv_parse_date(reg, &d) ? d : INT64_MAX;
	}
	sqlite3_finalize(st);
	if (oom)
		return nomem(t->ctx);
	if (r != SQLITE_DONE)
		return hv_error_sql(t->ctx, "reading the register's history");
	return HAVEN_OK;
}

/* Sort the versions by home and date; index each home's; extend each
 * home's first version back to its registration date. */
static haven_status index_versions(tr *t)
{
	if (t->nv)
		qsort(t->v, t->nv, sizeof *t->v, cmp_version);
	size_t nh = t->homes.n ? t->homes.n : 1;
	t->home_first = calloc(nh, sizeof *t->home_first);
	t->home_n = calloc(nh, sizeof *t->home_n);
	if (!t->home_first || !t->home_n)
		return nomem(t->ctx);
	for (size_t i = 0; i < t->nv; i++) {
		version *x = &t->v[i];
		if (!t->home_n[x->home]++) {
			t->home_first[x->home] = (uint32_t)i;
			if (x->registered < x->from)
				x->from = x->registered;
		}
	}
	return HAVEN_OK;
}

/* The version of home h on day z: the one valid that day, else the
 * nearest (the first before the register knew it, the last after it
 * closed); NULL for a home not in the scope. */
static const version *version_on(const tr *t, uint32_t h, int64_t z)
{
	if (h == NONE || h >= t->homes.n || !t->home_n[h])
		return NULL;
	const version *v = &t->v[t->home_first[h]], *best = v;
	for (uint32_t i = 0; i < t->home_n[h]; i++) {
		if (v[i].from <= z)
			best = &v[i];
		if (v[i].from <= z && z < v[i].to)
			return &v[i];
	}
	return best;
}

/* The area code an episode counts in, for the kind of trends. */
static uint32_t area_of(tr *t, const version *v, const unsigned char *placing, const unsigned char *host, int *oom)
{
	uint32_t k = NONE;
	switch (t->kind) {
	case K_LA: k = code_or_none(t, placing, oom); break;
	case K_HOST: k = host && *host ? code_or_none(t, host, oom) : v ? v->la : NONE; break;
	case K_PFA: k = v ? v->pfa : NONE; break;
	case K_REGION: k = v ? v->region : NONE; break;
	case K_HOME: k = v ? intern_add(&t->codes, t->homes.s[v->home]) : NONE; break;
	default: return t->top;
	}
	if (k == NONE) {
		k = intern_add(&t->codes, t->kind == K_LA ? "unknown" : "unlocated");
		*oom |= k == NONE;
	}
	return k;
}

/* Whether the actor may see an episode (docs/missing.md, "Scope"). */
static int episode_in_scope(const tr *t, const version *v, const char *placing, const char *host)
{
	if (t->national)
		return 1;
	if (!host || !*host)
		host = v ? t->codes.s[v->la] : NULL;
	if (host && hv_scope_has_la(t->scope, host))
		return 1;
	return t->placer && placing && hv_scope_has_la(t->scope, placing);
}

static int flag(sqlite3_stmt *st, int c)
{
	return sqlite3_column_int(st, c) == 1;
}

/* The episodes starting in [from, to] that the actor may see. */
static haven_status read_episodes(tr *t)
{
	sqlite3_stmt *st;
	/* A period holding most of the episodes is read in the table's own
	 * order (a scan); a short one through the index on missing_from.
	 * Times are the clock's seconds since 1970 (schema 9): a day is
	 * secs / 86400. */
	int scan = (t->to - t->from + 1) * 2 >= t->last_day - t->first_day + 1;
	haven_status rc =
	    hv_preparef(t->ctx, &st,
	                "SELECT child, urn, placing_la, host_la, missing_from, (returned_at - missing_from) / 3600.0,"
	                " returned_at IS NOT NULL, coalesce(cse = 1 OR cce = 1, 0), ri_offered, ri_held,"
	                " ri_independent, risk, police_report IS NOT NULL, la_report IS NOT NULL, conflict IS NOT NULL"
	                " FROM missing_episode WHERE %smissing_from >= ?1 AND %smissing_from < ?2",
	                scan ? "+" : "", scan ? "+" : "");
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, t->from * 86400);
	sqlite3_bind_int64(st, 2, (t->to + 1) * 86400);
	int r = SQLITE_DONE, oom = 0;
	while (!oom && (r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t z = hv_missing_day(sqlite3_column_int64(st, 4));
		const version *v = version_on(t, intern_find(&t->homes, (const char *)sqlite3_column_text(st, 1)), z);
		const unsigned char *placing = sqlite3_column_text(st, 2), *host = sqlite3_column_text(st, 3);
		if (!episode_in_scope(t, v, (const char *)placing, (const char *)host))
			continue;
		if (t->ne == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 65536;
			episode *e = realloc(t->e, cap * sizeof *e);
			if (!e) {
				oom = 1;
				break;
			}
			t->e = e;
			t->cap = cap;
		}
		episode *x = &t->e[t->ne++];
		x->child = (uint32_t)sqlite3_column_int64(st, 0); /* missing_child's id */
		x->area = area_of(t, v, placing, host, &oom);
		x->period = (int32_t)(period_of(t->by, z) - t->first);
		x->day = (int32_t)z;
		int returned = flag(st, 6) && sqlite3_column_type(st, 5) != SQLITE_NULL;
		x->hours = returned ? (float)sqlite3_column_double(st, 5) : NAN;
		const char *risk = (const char *)sqlite3_column_text(st, 11);
		x->risk = R_UNKNOWN;
		for (uint8_t k = 0; risk && k < R_UNKNOWN; k++)
			if (strcmp(risk, risks[k]) == 0)
				x->risk = k;
		x->flags = (uint8_t)((returned ? F_RETURNED : 0) | (flag(st, 7) ? F_EXPLOIT : 0) |
		                     (flag(st, 8) ? F_OFFERED : 0) | (flag(st, 9) ? F_HELD : 0) |
		                     (flag(st, 10) ? F_INDEPENDENT : 0) | (flag(st, 12) ? F_POLICE : 0) |
		                     (flag(st, 13) ? F_LA : 0) | (flag(st, 14) ? F_CONFLICT : 0));
	}
	sqlite3_finalize(st);
	if (oom)
		return nomem(t->ctx);
	if (r != SQLITE_DONE)
		return hv_error_sql(t->ctx, "reading the episodes");
	return HAVEN_OK;
}

static int cmp_episode(const void *a, const void *b)
{
	const episode *x = a, *y = b;
	if (x->area != y->area)
		return (x->area > y->area) - (x->area < y->area);
	if (x->period != y->period)
		return (x->period > y->period) - (x->period < y->period);
	return (x->child > y->child) - (x->child < y->child);
}

/* The first and last day (inclusive) of period p, within [from, to]. */
static void period_days(const tr *t, int32_t p, int64_t *a, int64_t *b)
{
	*a = period_start(t->by, t->first + p);
	*b = period_start(t->by, t->first + p + 1) - 1;
	if (*a < t->from)
		*a = t->from;
	if (*b > t->to)
		*b = t->to;
}

/* The area of a version, for places (NONE: places are not counted). */
static uint32_t version_area(tr *t, const version *v, int *oom)
{
	switch (t->kind) {
	case K_LA: return NONE;
	case K_HOST: return v->la;
	case K_PFA:
	case K_REGION: {
		uint32_t k = t->kind == K_PFA ? v->pfa : v->region;
		if (k == NONE) {
			k = intern_add(&t->codes, "unlocated");
			*oom |= k == NONE;
		}
		return k;
	}
	case K_HOME: {
		uint32_t k = intern_add(&t->codes, t->homes.s[v->home]);
		*oom |= k == NONE;
		return k;
	}
	default: return t->top;
	}
}

/* place_days[area * np + p]: places times days open in period p. */
static haven_status place_days(tr *t, double **out)
{
	int oom = 0;
	/* intern every area first: the array is sized by the codes held */
	for (size_t i = 0; i < t->nv; i++)
		version_area(t, &t->v[i], &oom);
	double *pd = oom ? NULL : calloc((size_t)t->codes.n * (size_t)t->np + 1, sizeof *pd);
	if (!pd)
		return nomem(t->ctx);
	for (size_t i = 0; i < t->nv; i++) {
		const version *v = &t->v[i];
		uint32_t k = version_area(t, v, &oom);
		if (k == NONE || !v->open || v->places <= 0 || v->to <= t->from || v->from > t->to)
			continue;
		int64_t a0 = v->from > t->from ? v->from : t->from;
		int64_t b0 = v->to - 1 < t->to ? v->to - 1 : t->to; /* inclusive */
		int32_t p0 = (int32_t)(period_of(t->by, a0) - t->first),
		        p1 = (int32_t)(period_of(t->by, b0) - t->first);
		for (int32_t p = p0; p <= p1; p++) {
			int64_t a, b;
			period_days(t, p, &a, &b);
			if (a < a0)
				a = a0;
			if (b > b0)
				b = b0;
			if (b >= a)
				pd[(size_t)k * (size_t)t->np + (size_t)p] += v->places * (double)(b - a + 1);
		}
	}
	*out = pd;
	return HAVEN_OK;
}

/* ---- the options --------------------------------------------------------------- */

static haven_status parse_date(haven_ctx *ctx, const char *s, int64_t *z)
{
	if (!hv_parse_date(s, z))
		return hv_error(ctx, HAVEN_ERR_VALUE, "'%s' is not a date (YYYY-MM-DD)", s);
	return HAVEN_OK;
}

/* For an aggregates-only audience a window is whole financial years:
 * from a 1 April to a 31 March (either may be left out). */
haven_status hv_trends_check_window(haven_ctx *ctx, const char *from, const char *to)
{
	const char *d[2] = {from, to};
	for (int i = 0; i < 2; i++) {
		int64_t z;
		int y, m, day;
		if (!d[i])
			continue;
		haven_status rc = parse_date(ctx, d[i], &z);
		if (rc)
			return rc;
		hv_civil_from_days(z, &y, &m, &day);
		if (i == 0 ? m != 4 || day != 1 : m != 3 || day != 31)
			return hv_error(
			    ctx, HAVEN_ERR_VALUE,
			    "--%s %s: for an aggregates-only audience (DfE, the Children's Commissioner, "
			    "probation, the public) counts of episodes are of whole financial years, April to "
			    "March, so --from must be a 1 April and --to a 31 March (e.g. --from 2023-04-01 --to "
			    "2024-03-31): windows of other days could be differenced against each other "
			    "(docs/disclosure.md)",
			    i == 0 ? "from" : "to", d[i]);
	}
	return HAVEN_OK;
}

haven_status hv_trends_check_year(haven_ctx *ctx, const char *from, const char *to)
{
	haven_status rc = hv_trends_check_window(ctx, from, to);
	int64_t a = 0, b = 0;
	if (!rc && from && to && !(rc = parse_date(ctx, from, &a)) && !(rc = parse_date(ctx, to, &b)) &&
	    period_of(BY_FY, a) == period_of(BY_FY, b))
		return HAVEN_OK;
	return rc ? rc
	          : hv_error(ctx, HAVEN_ERR_VALUE,
	                     "--from %s --to %s: for an aggregates-only audience (DfE, the Children's "
	                     "Commissioner, probation, the public) a count of episodes over a window is of one "
	                     "financial year (e.g. --from 2023-04-01 --to 2024-03-31): a window of two years less "
	                     "one would give the other (docs/disclosure.md)",
	                     from ? from : "(not given)", to ? to : "(not given)");
}

/* Start: the acting user, their scope, the read model; the dates (the
 * episodes' own first period and last day when not given; for an
 * aggregates-only audience, whose window must be whole financial years,
 * the financial years of the first and last episodes). */
static haven_status begin(tr *t, haven_ctx *ctx, const char *by, const char *area, const char *from, const char *to)
{
	int fy = hv_scope_aggregates_only(ctx);
	haven_status crc = fy ? hv_trends_check_window(ctx, from, to) : HAVEN_OK;
	if (crc) {
		memset(t, 0, sizeof *t);
		return crc;
	}
	memset(t, 0, sizeof *t);
	t->ctx = ctx;
	t->by = -1;
	for (int i = 0; i < NBY; i++)
		if (strcmp(by ? by : "month", bys[i]) == 0)
			t->by = i;
	if (t->by < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--by '%s': use month, quarter, year or fy", by);
	t->kind = -1;
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(area ? area : "england", kinds[i].name) == 0)
			t->kind = i;
	if (t->kind < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--area '%s': use la, host-la, pfa, region, home or england",
		                area);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (!rc && from)
		rc = parse_date(ctx, from, &t->from);
	if (!rc && to)
		rc = parse_date(ctx, to, &t->to);
	/* the days the episodes held span (by the index on missing_from) */
	sqlite3_stmt *st;
	if (!rc && !(rc = hv_prepare(ctx, "SELECT min(missing_from), max(missing_from) FROM missing_episode", &st))) {
		int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
		t->last_day = -1;
		if (has) {
			t->first_day = hv_missing_day(sqlite3_column_int64(st, 0));
			t->last_day = hv_missing_day(sqlite3_column_int64(st, 1));
		}
		sqlite3_finalize(st);
		if (!has && (!from || !to))
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
			              "the store holds no missing episodes: import them with 'haven missing import'");
	}
	if (!rc && (!from || !to)) {
		if (!from)
			t->from = t->first_day;
		if (!to)
			t->to = t->last_day;
		if (!rc && !from) /* the whole of the first episode's period (financial year) */
			t->from = period_start(fy ? BY_FY : t->by, period_of(fy ? BY_FY : t->by, t->from));
		if (!rc && !to && fy) /* and to the end of the last's financial year */
			t->to = period_start(BY_FY, period_of(BY_FY, t->to) + 1) - 1;
	}
	if (!rc && t->from > t->to) {
		char a[11], b[11];
		day_text(t->from, a);
		day_text(t->to, b);
		rc = hv_error(ctx, HAVEN_ERR_VALUE, "the period runs backwards, from %s to %s", a, b);
	}
	if (rc)
		return rc;
	t->first = period_of(t->by, t->from);
	t->np = (int32_t)(period_of(t->by, t->to) - t->first + 1);
	if ((rc = hv_scope_actor(ctx, &t->scope)) || (rc = hv_homes_view(ctx, NULL, t->scope)))
		return rc;
	t->national = hv_scope_is_national(t->scope);
	t->placer = strcmp(ctx->actor.authority_kind, "la") == 0;
	if ((t->top = intern_add(&t->codes, t->national ? ENGLAND : "scope")) == NONE)
		return nomem(ctx);
	if ((rc = read_versions(t)) || (rc = index_versions(t)))
		return rc;
	return read_episodes(t);
}

/* ---- the tables --------------------------------------------------------------- */

static double round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

/* What a run of episodes (one area and period, sorted by child) adds up to. */
typedef struct stats {
	int64_t episodes, children, repeat, returned, exploit, offered, held, independent;
	int64_t police_only, la_only, both, conflicts; /* the reports behind the episodes */
	int64_t risk[NRISK];
	double median, p90;
} stats;

/* Put the k-th smallest of v[0..n) at v[k], none greater before it and
 * none smaller after (Wirth's selection, the median of three as pivot):
 * linear on average, where a sort of every area's durations at every
 * level of a hierarchy was most of a table's time. */
static void select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	while (l < m) {
		double a = v[l], b = v[kk], c = v[m];
		double x = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		ptrdiff_t i = l, j = m;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				double y = v[i];
				v[i++] = v[j];
				v[j--] = y;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
}

/* hv_trends_quantile of v[0..n) in any order (reordered), by selection:
 * the order statistics at floor(h) and the one after it. */
static double select_quantile(double *v, size_t n, double p)
{
	if (!n)
		return NAN;
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n) {
		select_kth(v, n, n - 1);
		return v[n - 1];
	}
	select_kth(v, n, lo);
	double next = v[lo + 1];
	for (size_t i = lo + 2; i < n; i++)
		if (v[i] < next)
			next = v[i];
	return v[lo] + (h - (double)lo) * (next - v[lo]);
}

static haven_status run_stats(tr *t, const episode *e, size_t n, double **buf, size_t *cap, stats *s)
{
	memset(s, 0, sizeof *s);
	s->episodes = (int64_t)n;
	if (n > *cap) {
		double *b = realloc(*buf, n * sizeof *b);
		if (!b)
			return nomem(t->ctx);
		*buf = b;
		*cap = n;
	}
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && e[j].child == e[i].child; j++)
			;
		s->children++;
		s->repeat += j - i > 1;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t f = e[i].flags;
		if (f & F_RETURNED)
			(*buf)[s->returned++] = e[i].hours;
		s->exploit += (f & F_EXPLOIT) != 0;
		s->risk[e[i].risk]++;
		s->offered += (f & F_RETURNED) && (f & F_OFFERED);
		s->held += (f & F_RETURNED) && (f & F_HELD);
		s->independent += (f & F_RETURNED) && (f & F_HELD) && (f & F_INDEPENDENT);
		s->police_only += (f & F_POLICE) && !(f & F_LA);
		s->la_only += (f & F_LA) && !(f & F_POLICE);
		s->both += (f & F_POLICE) && (f & F_LA);
		s->conflicts += (f & F_CONFLICT) != 0;
	}
	s->median = select_quantile(*buf, (size_t)s->returned, 0.5);
	s->p90 = select_quantile(*buf, (size_t)s->returned, 0.9);
	return HAVEN_OK;
}

static const char *const trend_cols[] = {"period",
                                         "period_start",
                                         "geographic_level",
                                         "area_code",
                                         "area_name",
                                         "episodes",
                                         "children",
                                         "children_repeat",
                                         "episodes_per_child",
                                         "median_hours",
                                         "p90_hours",
                                         "exploitation_pct",
                                         "ri_offered_pct",
                                         "ri_held_pct",
                                         "ri_independent_pct",
                                         "places",
                                         "episodes_per_100_places"};
enum {
	C_PERIOD,
	C_START,
	C_LEVEL,
	C_CODE,
	C_NAME,
	C_EPISODES,
	C_CHILDREN,
	C_REPEAT,
	C_PER_CHILD,
	C_MEDIAN,
	C_P90,
	C_EXPLOIT,
	C_OFFERED,
	C_HELD,
	C_INDEPENDENT,
	C_PLACES,
	C_RATE,
	NTREND
};

/* A share in percent to one decimal, or an empty cell when there is no
 * denominator. */
static haven_status set_pct(haven_ctx *ctx, haven_table *tb, int c, int64_t num, int64_t den)
{
	return den ? hv_table_set_real(ctx, tb, c, round_to(100.0 * (double)num / (double)den, 0.1)) : HAVEN_OK;
}

static haven_status set_num(haven_ctx *ctx, haven_table *tb, int c, double v, double unit)
{
	return isnan(v) ? HAVEN_OK : hv_table_set_real(ctx, tb, c, round_to(v, unit));
}

/* A new row of area k and period p: its label cells (period to area_name,
 * the first columns of every table by area and period) and its episodes. */
static haven_status label_row(tr *t, haven_table *tb, uint32_t k, const char *name, int32_t p, const stats *s)
{
	haven_ctx *ctx = t->ctx;
	char label[16], start[11];
	int64_t a, b;
	period_days(t, p, &a, &b);
	period_label(t->by, t->first + p, label);
	day_text(a, start);
	haven_status rc;
	if ((rc = hv_table_add_row(ctx, tb)) || (rc = hv_table_set_text(ctx, tb, C_PERIOD, label)) ||
	    (rc = hv_table_set_text(ctx, tb, C_START, start)) ||
	    (rc = hv_table_set_text(ctx, tb, C_LEVEL,
	                            t->level_text                 ? t->level_text
	                            : k == t->top && !t->national ? "scope"
	                                                          : kinds[t->kind].level)) ||
	    (rc = hv_table_set_text(ctx, tb, C_CODE, t->codes.s[k])) || (rc = hv_table_set_text(ctx, tb, C_NAME, name)))
		return rc;
	return hv_table_set_int(ctx, tb, C_EPISODES, s->episodes);
}

/* One row of the trends table. */
static haven_status trend_row(tr *t, haven_table *tb, uint32_t k, const char *name, int32_t p, const stats *s,
                              double pd)
{
	haven_ctx *ctx = t->ctx;
	int64_t a, b;
	period_days(t, p, &a, &b);
	haven_status rc;
	if ((rc = label_row(t, tb, k, name, p, s)) || (rc = hv_table_set_int(ctx, tb, C_CHILDREN, s->children)) ||
	    (rc = hv_table_set_int(ctx, tb, C_REPEAT, s->repeat)))
		return rc;
	if (s->children &&
	    (rc = hv_table_set_real(ctx, tb, C_PER_CHILD, round_to((double)s->episodes / (double)s->children, 0.01))))
		return rc;
	if ((rc = set_num(ctx, tb, C_MEDIAN, s->median, 0.01)) || (rc = set_num(ctx, tb, C_P90, s->p90, 0.01)) ||
	    (rc = set_pct(ctx, tb, C_EXPLOIT, s->exploit, s->episodes)) ||
	    (rc = set_pct(ctx, tb, C_OFFERED, s->offered, s->returned)) ||
	    (rc = set_pct(ctx, tb, C_HELD, s->held, s->returned)) ||
	    (rc = set_pct(ctx, tb, C_INDEPENDENT, s->independent, s->returned)))
		return rc;
	if (t->kind == K_LA) /* places are where homes are, not where children come from */
		return (rc = hv_table_set_text(ctx, tb, C_PLACES, "z")) ? rc : hv_table_set_text(ctx, tb, C_RATE, "z");
	double days = (double)(b - a + 1), places = pd / days;
	if ((rc = hv_table_set_real(ctx, tb, C_PLACES, round_to(places, 0.01))))
		return rc;
	return places > 0 ? hv_table_set_real(ctx, tb, C_RATE, round_to(100.0 * (double)s->episodes / places, 0.01))
	                  : hv_table_set_text(ctx, tb, C_RATE, "z");
}

/* The linkage table: the label columns and episodes of the trends table,
 * then the reports behind the episodes. */
static const char *const link_cols[] = {"period",   "period_start", "geographic_level", "area_code", "area_name",
                                        "episodes", "police_only",  "la_only",          "both",      "conflicts"};
enum { C_POLICE_ONLY = C_EPISODES + 1, C_LA_ONLY, C_BOTH, C_CONFLICTS, NLINK };

/* One row of the linkage table. */
static haven_status link_row(tr *t, haven_table *tb, uint32_t k, const char *name, int32_t p, const stats *s)
{
	haven_ctx *ctx = t->ctx;
	haven_status rc;
	if ((rc = label_row(t, tb, k, name, p, s)) || (rc = hv_table_set_int(ctx, tb, C_POLICE_ONLY, s->police_only)) ||
	    (rc = hv_table_set_int(ctx, tb, C_LA_ONLY, s->la_only)) ||
	    (rc = hv_table_set_int(ctx, tb, C_BOTH, s->both)))
		return rc;
	return hv_table_set_int(ctx, tb, C_CONFLICTS, s->conflicts);
}

static const char *area_kind(const tr *t)
{
	return t->kind == K_LA || t->kind == K_HOST ? "la"
	       : t->kind == K_PFA                   ? "pfa"
	       : t->kind == K_REGION                ? "region"
	                                            : NULL;
}

/* The name of area code k, or NULL. */
static haven_status area_name(tr *t, sqlite3_stmt *st, uint32_t k, char *buf, size_t n)
{
	*buf = '\0';
	const char *code = t->codes.s[k];
	if (k == t->top) {
		snprintf(buf, n, "%s", t->national ? "England" : "all episodes in the scope");
		return HAVEN_OK;
	}
	if (!strcmp(code, "unlocated") || !strcmp(code, "unknown")) {
		snprintf(buf, n, "%s",
		         !strcmp(code, "unknown") ? "placing authority not recorded"
		                                  : "homes the geography does not place");
		return HAVEN_OK;
	}
	if (!st)
		return HAVEN_OK;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	return HAVEN_OK;
}

static const char *const *sort_codes_by;
static int cmp_code_id(const void *a, const void *b)
{
	return strcmp(sort_codes_by[*(const uint32_t *)a], sort_codes_by[*(const uint32_t *)b]);
}

/* The metadata every table of episodes carries (period, scope, when),
 * then n pairs of its own. */
static haven_status set_meta(tr *t, haven_table *tb, const char *const (*meta)[2], size_t n)
{
	char from[11], to[11], when[21], period[32];
	day_text(t->from, from);
	day_text(t->to, to);
	snprintf(period, sizeof period, "%s/%s", from, to);
	hv_format_time(hv_now(t->ctx), when);
	haven_status rc;
	if ((rc = hv_table_meta_set(t->ctx, tb, "period", period)) ||
	    (rc = hv_table_meta_set(t->ctx, tb, "scope", hv_scope_describe(t->scope))) ||
	    (rc = hv_table_meta_set(t->ctx, tb, "generated_at", when)))
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = hv_table_meta_set(t->ctx, tb, meta[i][0], meta[i][1]);
	return rc;
}

/* The metadata of a table by area and period: what its rows are, then what
 * its own columns are (the trends', or with link the linkage counts'; the
 * trends' and with_link the linkage counts' too); by, the period of its
 * rows. */
static haven_status by_area_meta(tr *t, haven_table *tb, int link, int with_link, int by)
{
	const char *const rows[][2] = {
	    {"by", by_words[by]},
	    {"area", kinds[t->kind].words},
	    {"episodes", "episodes of children missing from care starting in the period (missing_episode), as the "
	                 "acting user may see them: police at homes in their force area, a local authority those of "
	                 "the children it places and those at homes in its area"},
	};
	static const char *const cols[][2] = {
	    {"durations", "median_hours and p90_hours: hours missing of the episodes returned, quantiles by linear "
	                  "interpolation between order statistics (type 7)"},
	    {"shares", "exploitation_pct: episodes with a child sexual or criminal exploitation concern, of all "
	               "episodes; ri_*_pct: return interviews offered, held, held by an independent person, of the "
	               "episodes returned"},
	    {"places", "registered places of the area's open homes, place-days in the period over its days "
	               "(the register's history; a home's first version from its registration date)"},
	    {"linkage", "police_only: episodes the police reported and the local authority did not; la_only: the "
	                "other way round; both: a police and an LA report of one child at one home, linked as one "
	                "episode; conflicts: of both, those whose two reports disagree (docs/missing.md)"},
	};
	haven_status rc = set_meta(t, tb, rows, sizeof rows / sizeof rows[0]);
	for (size_t i = link ? 3 : 0; !rc && i < (link || with_link ? 4u : 3u); i++)
		rc = hv_table_meta_set(t->ctx, tb, cols[i][0], cols[i][1]);
	return rc;
}

/* The scorecard's figures, each a share in percent or hours; "vs England"
 * columns are the difference from the top row's. */
static const char *const score_names[NSCORE] = {"repeat_pct",      "risk_none_pct",      "risk_low_pct",
                                                "risk_medium_pct", "risk_high_pct",      "ri_offered_pct",
                                                "ri_held_pct",     "ri_independent_pct", "median_hours"};

#define SCORE_FIGURES                                                                                                  \
	"repeat_pct: children missing more than once, of the children; risk_*_pct: the episodes of each risk "         \
	"grading, of those graded; ri_*_pct: return interviews offered, held and held by an independent person, of "   \
	"the episodes returned; median_hours: of the episodes returned; *_vs_england: the difference from "            \
	"England's (the scope's) row of the same period (percentage points, hours)"

static double share(int64_t num, int64_t den)
{
	return den ? round_to(100.0 * (double)num / (double)den, 0.1) : NAN;
}

static void scores(const stats *s, double v[NSCORE])
{
	int64_t graded = s->risk[R_NONE] + s->risk[R_LOW] + s->risk[R_MEDIUM] + s->risk[R_HIGH];
	v[S_REPEAT] = share(s->repeat, s->children);
	for (int k = 0; k < 4; k++)
		v[S_NONE + k] = share(s->risk[k], graded);
	v[S_OFFERED] = share(s->offered, s->returned);
	v[S_HELD] = share(s->held, s->returned);
	v[S_INDEPENDENT] = share(s->independent, s->returned);
	v[S_MEDIAN] = isnan(s->median) ? NAN : round_to(s->median, 0.01);
}

/* ---- the hierarchy an aggregates-only audience is given ------------------ */

/* For an aggregates-only audience (DfE, the Children's Commissioner,
 * probation) a table by area and period carries, in every period, the rows
 * whose totals hold its rows - the police force area of an LA of the home,
 * the region, England - each naming its parent, with the period as the
 * parent key, so that disclosure control protects the totals
 * (gate/control.c).  Every request of one hierarchy is one table: the LAs
 * of the home, their forces, regions and England for host-la, pfa, region
 * and england; the placing LAs, their regions and England for la.  Rows
 * below the level asked for are withheld (controlled as published, then
 * dropped by the gate), so that every request of a hierarchy gives each
 * cell the same treatment and no two requests can be differenced.  Places
 * are count:published there: registered places, which Ofsted publishes
 * per LA and which control never suppresses at LA level or above, means of
 * place-days that are not sums of their rounded parts. */
/* hier_link: the trends table of a hierarchy also carries the linkage
 * counts (police_only, la_only, both, conflicts, with episodes declared
 * their sum), so that its episodes are controlled exactly as the linkage
 * table's: the two tables share that column, and a cell published in one
 * and suppressed in the other would give the suppressed one away. */
enum { L_LA, L_PFA, L_REGION, L_TOP, NLEVEL };
static const char *const level_kinds[NLEVEL] = {"la", "pfa", "region", NULL};

static int cmp_child(const void *a, const void *b);

/* The level of a request for kind, or -1 (home: no hierarchy). */
static int level_of_kind(int kind)
{
	return kind == K_LA || kind == K_HOST ? L_LA
	       : kind == K_PFA                ? L_PFA
	       : kind == K_REGION             ? L_REGION
	       : kind == K_ENGLAND            ? L_TOP
	                                      : -1;
}

typedef struct hier {
	uint32_t *up[NLEVEL]; /* up[L][k]: the area at level L holding area k's episodes (k at its own), NONE */
	uint32_t *parent;     /* the area whose row holds k's total; NONE for the top */
	signed char *level;   /* the level of area k's rows; -1 for a code with no row */
	uint32_t *ids;        /* room for every code */
} hier;

static void hier_free(hier *h)
{
	for (int l = 0; l < NLEVEL; l++)
		free(h->up[l]);
	free(h->parent);
	free(h->level);
	free(h->ids);
}

/* The hierarchy over the areas with episodes or places (pd): each LA's
 * force (LAs of the home only) and region from area_la; a force's region
 * when all its LAs share one (they do in England), else none; a row's
 * parent, the nearest area above it that has one. */
static haven_status hier_build(tr *t, const double *pd, int host, hier *h)
{
	memset(h, 0, sizeof *h);
	uint32_t nbase = t->codes.n;
	unsigned char *base = calloc(nbase + 1, 1);
	uint32_t(*anc)[2] = calloc(nbase + 1, sizeof *anc); /* a base area's force and region */
	haven_status rc = base && anc ? HAVEN_OK : nomem(t->ctx);
	for (size_t i = 0; !rc && i < t->ne; i++)
		base[t->e[i].area] = 1;
	for (uint32_t k = 0; !rc && host && k < nbase; k++)
		for (int32_t p = 0; p < t->np && !base[k]; p++)
			base[k] = pd[(size_t)k * (size_t)t->np + (size_t)p] > 0;
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(t->ctx,
		                "SELECT kind, code FROM area_la WHERE la_code = ?1 AND kind IN ('pfa', 'region')", &st);
	int oom = 0;
	for (uint32_t k = 0; !rc && k < nbase; k++) {
		anc[k][0] = anc[k][1] = NONE;
		if (!base[k] || k == t->top)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, t->codes.s[k], -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int r = strcmp((const char *)sqlite3_column_text(st, 0), "region") == 0;
			if ((r || host) && anc[k][r] == NONE)
				anc[k][r] = code_or_none(t, sqlite3_column_text(st, 1), &oom);
		}
	}
	if (st)
		sqlite3_finalize(st);
	size_t n = (size_t)t->codes.n + 1;
	for (int l = 0; !rc && l < NLEVEL; l++)
		if (!(h->up[l] = malloc(n * sizeof *h->up[l])))
			oom = 1;
	h->parent = malloc(n * sizeof *h->parent);
	h->level = malloc(n);
	h->ids = malloc(n * sizeof *h->ids);
	if (!rc && (oom || !h->parent || !h->level || !h->ids))
		rc = nomem(t->ctx);
	for (size_t k = 0; !rc && k < n; k++) {
		for (int l = 0; l < NLEVEL; l++)
			h->up[l][k] = NONE;
		h->parent[k] = NONE;
		h->level[k] = -1;
	}
	/* the areas and their levels; a force's region, while it nests */
	for (uint32_t k = 0; !rc && k < nbase; k++) {
		if (!base[k] || k == t->top)
			continue;
		uint32_t f = anc[k][0], r = anc[k][1];
		h->level[k] = L_LA;
		h->up[L_LA][k] = k;
		h->up[L_PFA][k] = f;
		h->up[L_REGION][k] = r;
		if (r != NONE) {
			h->level[r] = L_REGION;
			h->up[L_REGION][r] = r;
		}
		if (f != NONE) {
			int first = h->level[f] < 0;
			h->level[f] = L_PFA;
			h->up[L_PFA][f] = f;
			/* NONE + 1 marks a force whose LAs are in different regions */
			h->up[L_REGION][f] = first ? r : h->up[L_REGION][f] == r ? r : NONE - 1;
		}
	}
	h->level[t->top] = L_TOP;
	for (size_t k = 0; !rc && k < n; k++) {
		if (h->level[k] < 0)
			continue;
		h->up[L_TOP][k] = t->top;
		if (h->level[k] == L_PFA && h->up[L_REGION][k] == NONE - 1)
			h->up[L_REGION][k] = NONE;
		for (int l = h->level[k] + 1; l < NLEVEL && h->parent[k] == NONE && k != t->top; l++)
			h->parent[k] = h->up[l][k];
	}
	free(base);
	free(anc);
	return rc;
}

/* The parent column of a hierarchy's table (the last of its counts), then
 * period_id and period_parent. */
static int parent_col(int link)
{
	return link ? NLINK : NTREND + NLINK - C_POLICE_ONLY;
}

/* A trends row's linkage counts (hier_link). */
static haven_status link_cells(tr *t, haven_table *tb, const stats *s)
{
	haven_status rc = HAVEN_OK;
	for (int c = C_POLICE_ONLY; !rc && c < NLINK; c++)
		rc = hv_table_set_int(t->ctx, tb, NTREND + c - C_POLICE_ONLY,
		                      c == C_POLICE_ONLY ? s->police_only
		                      : c == C_LA_ONLY   ? s->la_only
		                      : c == C_BOTH      ? s->both
		                                         : s->conflicts);
	return rc;
}

/* The row's period_id ("fy:2023-24", "quarter:2023-Q2", "month:2023-04":
 * unique, where a month and a financial year can share a label) and its
 * period_parent, the period_id of the period holding it: a month's
 * quarter, a quarter's financial year (calendar quarters nest in April-to-
 * March years); none for a financial year. */
static haven_status period_id(tr *t, haven_table *tb, int link, int by, int64_t k)
{
	char label[16], id[32];
	period_label(by, k, label);
	snprintf(id, sizeof id, "%s:%s", bys[by], label);
	haven_status rc = hv_table_set_text(t->ctx, tb, parent_col(link) + 1, id);
	if (rc || by == BY_FY)
		return rc;
	int up = by == BY_MONTH ? BY_QUARTER : BY_FY;
	period_label(up, period_of(up, period_start(by, k)), label);
	snprintf(id, sizeof id, "%s:%s", bys[up], label);
	return hv_table_set_text(t->ctx, tb, parent_col(link) + 2, id);
}

/* The scorecard's figures of a row of a hierarchy (t->topv): its shares,
 * then, but for the top row, the difference from the top row's of period
 * p (written first); p < 0, none. */
static haven_status score_cells(tr *t, haven_table *tb, uint32_t k, int32_t p, const stats *s)
{
	double v[NSCORE], *top = p < 0 ? NULL : &t->topv[(size_t)p * NSCORE];
	scores(s, v);
	if (top && k == t->top)
		memcpy(top, v, sizeof v);
	haven_status rc = HAVEN_OK;
	for (int i = 0; !rc && i < NSCORE; i++) {
		rc = set_num(t->ctx, tb, t->score_col[i][0], v[i], 0.01);
		if (!rc && top && k != t->top && !isnan(v[i]) && !isnan(top[i]))
			rc = hv_table_set_real(t->ctx, tb, t->score_col[i][1], round_to(v[i] - top[i], 0.01));
	}
	return rc;
}

/* The scope's (England's) months or quarters (by), for an aggregates-only
 * audience: rows of the same table as its financial years, each naming
 * the quarter or financial year that holds it, so that disclosure control
 * makes every quarter the sum of its months and every year of its
 * quarters, in one set of relations with the areas' financial years.
 * Every aggregates-only request of a hierarchy carries them all, withheld
 * unless asked for (publish): a month can then not be had as its year
 * less the months published, whichever table each came from. */
static haven_status sub_rows(tr *t, haven_table *tb, int by, int publish, int link, double **buf, size_t *cap)
{
	int sby = t->by;
	int64_t sfirst = t->first;
	int32_t snp = t->np;
	t->by = by;
	t->first = period_of(by, t->from);
	t->np = (int32_t)(period_of(by, t->to) - t->first + 1);
	size_t np = (size_t)t->np;
	double *pd = NULL;
	size_t *at = calloc(np + 1, sizeof *at);
	episode *e = malloc((t->ne ? t->ne : 1) * sizeof *e);
	haven_status rc = at && e ? HAVEN_OK : nomem(t->ctx);
	if (!rc && t->kind != K_LA) /* places: those of every LA's homes */
		rc = place_days(t, &pd);
	/* into order by period (a counting sort), then each period by child */
	for (size_t i = 0; !rc && i < t->ne; i++)
		at[period_of(by, t->e[i].day) - t->first + 1]++;
	for (size_t p = 0; !rc && p < np; p++)
		at[p + 1] += at[p];
	for (size_t i = 0; !rc && i < t->ne; i++) {
		episode *x = &e[at[period_of(by, t->e[i].day) - t->first]++];
		*x = t->e[i];
		x->area = t->top;
		x->period = (int32_t)(period_of(by, t->e[i].day) - t->first);
	}
	t->level_text = t->national ? "england" : "scope";
	char name[256];
	if (!rc)
		rc = area_name(t, NULL, t->top, name, sizeof name);
	for (size_t p = 0, from = 0; !rc && p < np; from = at[p++]) {
		/* at[p] is now where period p + 1 starts */
		if (at[p] - from > 1)
			qsort(e + from, at[p] - from, sizeof *e, cmp_child);
		double pl = 0;
		for (size_t k = 0; pd && k < t->codes.n; k++)
			pl += pd[k * np + p];
		stats s;
		rc = run_stats(t, e + from, at[p] - from, buf, cap, &s);
		if (!rc)
			rc = link ? link_row(t, tb, t->top, name, (int32_t)p, &s)
			          : trend_row(t, tb, t->top, name, (int32_t)p, &s, pl);
		if (!rc && !link)
			rc = link_cells(t, tb, &s);
		if (!rc && t->topv) /* withheld: its own figures, no difference */
			rc = score_cells(t, tb, t->top, -1, &s);
		if (!rc)
			rc = period_id(t, tb, link, by, t->first + (int64_t)p);
		if (!rc && !publish)
			hv_table_withhold_row(tb);
	}
	t->level_text = NULL;
	t->by = sby;
	t->first = sfirst;
	t->np = snp;
	free(pd);
	free(at);
	free(e);
	return rc;
}

/* The rows of level l: each area of the level (in code order), each period,
 * its episodes those of the LAs it holds (children counted once), with
 * its parent's code, withheld below the level asked for. */
static haven_status hier_level(tr *t, haven_table *tb, const hier *h, int l, int asked, int link, const double *pd,
                               sqlite3_stmt *names, episode *e, double **buf, size_t *cap)
{
	size_t ne = 0, na = 0, np = (size_t)t->np, nc = t->codes.n;
	if (l == L_LA) { /* the episodes as read, already in order */
		e = t->e;
		ne = t->ne;
	} else {
		/* into order by area and period (a counting sort), then each
		 * area and period by child: many short sorts, not one long one */
		size_t *at = calloc(nc * np + 1, sizeof *at);
		if (!at)
			return nomem(t->ctx);
		for (size_t i = 0; i < t->ne; i++)
			if (h->up[l][t->e[i].area] != NONE)
				at[(size_t)h->up[l][t->e[i].area] * np + (size_t)t->e[i].period + 1]++;
		for (size_t b = 0; b < nc * np; b++)
			at[b + 1] += at[b];
		ne = at[nc * np];
		for (size_t i = 0; i < t->ne; i++) {
			uint32_t k = h->up[l][t->e[i].area];
			if (k == NONE)
				continue;
			episode *x = &e[at[(size_t)k * np + (size_t)t->e[i].period]++];
			*x = t->e[i];
			x->area = k;
		}
		/* at[b] is now where bucket b + 1 starts */
		for (size_t b = 0, from = 0; b < nc * np; from = at[b++])
			if (at[b] - from > 1)
				qsort(e + from, at[b] - from, sizeof *e, cmp_child);
		free(at);
	}
	for (uint32_t k = 0; k < nc; k++)
		if (h->level[k] == l)
			h->ids[na++] = k;
	sort_codes_by = (const char *const *)t->codes.s;
	if (na)
		qsort(h->ids, na, sizeof *h->ids, cmp_code_id);
	/* the place-days of the level's areas: those of the LAs they hold */
	double *pl = calloc(nc * np + 1, sizeof *pl);
	if (!pl)
		return nomem(t->ctx);
	for (size_t k = 0; pd && k < nc; k++)
		if (h->level[k] == L_LA && h->up[l][k] != NONE)
			for (size_t p = 0; p < np; p++)
				pl[(size_t)h->up[l][k] * np + p] += pd[k * np + p];
	t->level_text = l == L_TOP ? (t->national ? "england" : "scope") : level_kinds[l];
	if (names && level_kinds[l]) {
		sqlite3_reset(names);
		sqlite3_bind_text(names, 1, level_kinds[l], -1, SQLITE_STATIC);
	}
	haven_status rc = HAVEN_OK;
	for (size_t a = 0, i = 0; !rc && a < na; a++) {
		uint32_t k = h->ids[a];
		char name[256];
		rc = area_name(t, names, k, name, sizeof name);
		size_t lo = 0, hi = ne; /* areas in code order, episodes by id */
		while (lo < hi) {
			size_t m = lo + (hi - lo) / 2;
			if (e[m].area < k)
				lo = m + 1;
			else
				hi = m;
		}
		i = lo;
		for (int32_t p = 0; !rc && p < t->np; p++) {
			size_t j = i;
			while (j < ne && e[j].area == k && e[j].period == p)
				j++;
			stats s;
			rc = run_stats(t, e + i, j - i, buf, cap, &s);
			if (!rc)
				rc = link ? link_row(t, tb, k, *name ? name : NULL, p, &s)
				          : trend_row(t, tb, k, *name ? name : NULL, p, &s,
				                      pl[(size_t)k * np + (size_t)p]);
			if (!rc && !link)
				rc = link_cells(t, tb, &s);
			if (!rc && t->topv)
				rc = score_cells(t, tb, k, p, &s);
			if (!rc && h->parent[k] != NONE)
				rc = hv_table_set_text(t->ctx, tb, parent_col(link), t->codes.s[h->parent[k]]);
			if (!rc)
				rc = period_id(t, tb, link, t->by, t->first + p);
			if (!rc && (l < asked || t->withhold))
				hv_table_withhold_row(tb);
			i = j;
		}
	}
	t->level_text = NULL;
	free(pl);
	return rc;
}

/* Every row of the hierarchy, the top first (as haven_aggregate writes
 * them: parents first). */
static haven_status hier_rows(tr *t, haven_table *tb, int asked, int link, const double *pd, sqlite3_stmt *names)
{
	hier h;
	double *buf = NULL;
	size_t cap = 0;
	episode *e = malloc((t->ne ? t->ne : 1) * sizeof *e);
	haven_status rc = e ? hier_build(t, pd, t->kind == K_HOST, &h) : nomem(t->ctx);
	for (int l = L_TOP; !rc && l >= L_LA; l--)
		rc = hier_level(t, tb, &h, l, asked, link, t->kind == K_HOST ? pd : NULL, names, e, &buf, &cap);
	if (e)
		hier_free(&h);
	free(e);
	free(buf);
	return rc;
}

/* The period an aggregates-only audience asks for (want): financial years
 * for every area (the default), and England's (the scope's) quarters and
 * months besides (months the default), which its table declares inside
 * the financial years (sub_rows).  No calendar years: they cross
 * financial years, and LAs' quarters and months would each need a
 * hierarchy of their own. */
static haven_status agg_by(haven_ctx *ctx, const char *by, int kind, int *want)
{
	*want = !by ? (kind == K_ENGLAND ? BY_MONTH : BY_FY) : -1;
	for (int i = 0; by && i < NBY; i++)
		if (strcmp(by, bys[i]) == 0)
			*want = i;
	if (*want < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--by '%s': use month, quarter, year or fy", by);
	if (*want == BY_FY || (kind == K_ENGLAND && *want != BY_YEAR))
		return HAVEN_OK;
	return hv_error(ctx, HAVEN_ERR_VALUE,
	                "--by %s --area %s: for an aggregates-only audience (DfE, the Children's Commissioner, "
	                "probation, the public) counts of episodes are by financial year (--by fy), and by quarter "
	                "or month only for England (--area england): the months of an area could be differenced "
	                "against its year (docs/disclosure.md)",
	                bys[*want], kinds[kind].name);
}

/* The table by area and period of o: trends, or with link the linkage
 * counts.  One engine, so that both have the same periods, areas, scope
 * and rows. */
static haven_status by_area(haven_ctx *ctx, const haven_trends_opts *o, int link, int score, haven_table **out)
{
	/* an aggregates-only audience gets the kind's hierarchy, read by its
	 * LAs (the placing LA's, or the home's) */
	int asked = -1, kind = -1;
	for (int i = 0; i < NKINDS; i++)
		if (strcmp(o->area ? o->area : "england", kinds[i].name) == 0)
			kind = i;
	int want = -1; /* an aggregates-only audience: the period asked for */
	if (kind >= 0 && hv_scope_aggregates_only(ctx)) {
		asked = level_of_kind(kind);
		haven_status crc = agg_by(ctx, o->by, kind, &want);
		if (crc)
			return crc;
	}
	tr t;
	haven_status rc = begin(&t, ctx, want >= 0 ? "fy" : o->by,
	                        asked < 0      ? o->area
	                        : kind == K_LA ? "la"
	                                       : "host-la",
	                        o->from, o->to);
	if (rc) {
		tr_free(&t);
		return rc;
	}
	double *pd = NULL, *buf = NULL;
	size_t cap = 0;
	uint32_t *ids = NULL;
	unsigned char *used = NULL;
	haven_table *tb = NULL;
	sqlite3_stmt *names = NULL;
	if (!rc)
		rc = place_days(&t, &pd);
	if (!rc && t.ne)
		qsort(t.e, t.ne, sizeof *t.e, cmp_episode);
	/* the areas: those with episodes or places */
	if (!rc && !(used = calloc(t.codes.n + 1, 1)))
		rc = nomem(ctx);
	for (size_t i = 0; !rc && i < t.ne; i++)
		used[t.e[i].area] = 1;
	for (size_t k = 0; !rc && k < t.codes.n; k++)
		for (int32_t p = 0; p < t.np && !used[k]; p++)
			used[k] = pd[k * (size_t)t.np + (size_t)p] > 0;
	if (!rc && t.kind == K_ENGLAND)
		used[t.top] = 1;
	size_t na = 0;
	if (!rc && !(ids = malloc((t.codes.n + 1) * sizeof *ids)))
		rc = nomem(ctx);
	for (uint32_t k = 0; !rc && k < t.codes.n; k++)
		if (used[k])
			ids[na++] = k;
	sort_codes_by = (const char *const *)t.codes.s;
	if (!rc && na)
		qsort(ids, na, sizeof *ids, cmp_code_id);
	if (!rc && asked >= 0)
		rc = hv_prepare(ctx, "SELECT name FROM area WHERE kind = ?1 AND code = ?2", &names);
	else if (!rc && area_kind(&t) &&
	         !(rc = hv_prepare(ctx, "SELECT name FROM area WHERE kind = ?1 AND code = ?2", &names)))
		sqlite3_bind_text(names, 1, area_kind(&t), -1, SQLITE_STATIC);
	int base = t.kind; /* the kind the episodes were read by */
	if (asked >= 0)
		t.kind = kind; /* from here, the kind asked for */
	char title[160];
	int shown = want >= 0 ? want : t.by; /* the period of the rows released */
	snprintf(title, sizeof title, "%s by %s and %s",
	         link    ? "Missing episodes: police and LA records"
	         : score ? "Children missing from care: scorecard"
	                 : "Children missing from care",
	         kinds[t.kind].words, by_words[shown]);
	/* the columns, and with a hierarchy its parent, period_id and
	 * period_parent, then with score the scorecard's figures */
	const char *cols[NTREND + NLINK + 2 + 2 * NSCORE];
	char vs[NSCORE][48];
	int ncols = link ? NLINK : NTREND;
	memcpy(cols, link ? link_cols : trend_cols, (size_t)ncols * sizeof *cols);
	if (asked >= 0 && !link) /* the linkage counts: see hier_link */
		for (int c = C_POLICE_ONLY; c < NLINK; c++)
			cols[ncols++] = link_cols[c];
	if (asked >= 0) {
		cols[ncols++] = "parent";
		cols[ncols++] = "period_id";
		cols[ncols++] = "period_parent";
	}
	/* the figures the trends' columns do not already hold (ri_*_pct and
	 * median_hours they do, alike), and every difference */
	for (int k = 0; score && asked >= 0 && k < NSCORE; k++) {
		snprintf(vs[k], sizeof vs[k], "%s_vs_england", score_names[k]);
		t.score_col[k][0] = -1;
		for (int c = 0; c < NTREND; c++)
			if (strcmp(trend_cols[c], score_names[k]) == 0)
				t.score_col[k][0] = c;
		if (t.score_col[k][0] < 0) {
			t.score_col[k][0] = ncols;
			cols[ncols++] = score_names[k];
		}
		t.score_col[k][1] = ncols;
		cols[ncols++] = vs[k];
	}
	if (!rc && score && (asked < 0 || !(t.topv = calloc((size_t)t.np * NSCORE + 1, sizeof *t.topv))))
		rc = asked < 0
		         ? hv_error(ctx, HAVEN_ERR_USAGE, "a scorecard by hierarchy is for an aggregates-only audience")
		         : nomem(ctx);
	if (!rc)
		rc = hv_table_new(ctx, title, HV_TABLE_DISCLOSED, ncols, cols, &tb);
	char spec[2000];
	snprintf(spec, sizeof spec,
	         "period=label period_start=label geographic_level=label area_code=%s area_name=label %s%s%s",
	         asked < 0      ? kinds[t.kind].role
	         : kind == K_LA ? "area:placing"
	                        : "area:any",
	         link ? "episodes=count:episodes police_only=count:episodes la_only=count:episodes both=count:episodes"
	                " conflicts=count:episodes"
	              : "episodes=count:episodes children=count:distinct children_repeat=count:distinct"
	                " episodes_per_child=rate:episodes median_hours=rate:episodes p90_hours=rate:episodes"
	                " exploitation_pct=rate:episodes ri_offered_pct=rate:episodes ri_held_pct=rate:episodes"
	                " ri_independent_pct=rate:episodes episodes_per_100_places=rate:episodes places=count:",
	         link        ? ""
	         : asked < 0 ? "places"
	                     : "published",
	         asked < 0 ? ""
	         : link    ? " parent=parent period_id=label period_parent=parent"
	                   : " police_only=count:episodes la_only=count:episodes both=count:episodes"
	                     " conflicts=count:episodes parent=parent period_id=label period_parent=parent");
	for (int k = 0; score && k < NSCORE; k++) {
		size_t n = strlen(spec);
		const char *num = k == S_REPEAT ? "children_repeat" : "episodes";
		if (t.score_col[k][0] >= NTREND)
			snprintf(spec + n, sizeof spec - n, " %s=rate:%s", score_names[k], num);
		n = strlen(spec);
		snprintf(spec + n, sizeof spec - n, " %s=rate:%s", vs[k], num);
	}
	if (!rc)
		rc = hv_table_roles(ctx, tb, spec);
	if (!rc && score)
		rc = hv_table_meta_set(ctx, tb, "figures", SCORE_FIGURES);
	if (!rc && score)
		rc = hv_table_object(ctx, tb,
		                     kind == K_LA ? "missing-episode scorecard by placing LA"
		                                  : "missing-episode scorecard by the home's LA");
	if (!rc && asked >= 0 && !(rc = hv_table_hierarchy(ctx, tb, "area_code", "parent", "period_id")))
		rc = hv_table_hierarchy(ctx, tb, "period_id", "period_parent", "area_code");
	if (!rc)
		rc = by_area_meta(&t, tb, link, asked >= 0, shown);
	if (!rc && asked >= 0)
		rc =
		    hv_table_meta_set(ctx, tb, "hierarchy",
		                      "for an aggregates-only audience each financial year also holds the rows that "
		                      "total the rows asked for (an LA of the home: its police force area, its region; "
		                      "a placing LA: its region; then England), each naming its parent, and England's "
		                      "quarters and months, each naming the period holding it (period_parent), so that "
		                      "disclosure control protects the totals of areas and of periods in one set of "
		                      "relations; rows not asked for were controlled with the table and are not "
		                      "released (docs/missing.md)");
	if (!rc && link) { /* the audit names it */
		char object[120];
		snprintf(object, sizeof object, "missing-episode linkage by %s and %s", kinds[t.kind].name, bys[shown]);
		rc = hv_table_object(ctx, tb, object);
	}
	if (!rc && (link || asked >= 0)) /* the gate protects the sum it declares */
		rc = hv_table_sum(ctx, tb, "episodes", "police_only la_only both");
	if (!rc && asked >= 0) {
		t.kind = base;
		t.withhold = want != BY_FY;
		rc = hier_rows(&t, tb, asked, link, pd, names);
		t.withhold = 0;
		for (int b = BY_QUARTER; !rc && b >= BY_MONTH; b--)
			rc = sub_rows(&t, tb, b, b == want, link, &buf, &cap);
		na = 0;
	}
	for (size_t a = 0; !rc && a < na; a++) {
		uint32_t k = ids[a];
		char name[256];
		rc = area_name(&t, names, k, name, sizeof name);
		/* episodes are sorted by area id, areas walked by code: the
		 * first episode of area k by binary search */
		size_t i, n = t.ne, l = 0, h = n;
		while (l < h) {
			size_t m = l + (h - l) / 2;
			if (t.e[m].area < k)
				l = m + 1;
			else
				h = m;
		}
		i = l;
		for (int32_t p = 0; !rc && p < t.np; p++) {
			size_t j = i;
			while (j < n && t.e[j].area == k && t.e[j].period == p)
				j++;
			stats s;
			rc = run_stats(&t, t.e + i, j - i, &buf, &cap, &s);
			if (!rc)
				rc = link ? link_row(&t, tb, k, *name ? name : NULL, p, &s)
				          : trend_row(&t, tb, k, *name ? name : NULL, p, &s,
				                      pd[(size_t)k * (size_t)t.np + (size_t)p]);
			i = j;
		}
	}
	if (names)
		sqlite3_finalize(names);
	free(pd);
	free(buf);
	free(ids);
	free(used);
	tr_free(&t);
	if (rc) {
		haven_table_free(tb);
		return rc;
	}
	*out = tb;
	return HAVEN_OK;
}

haven_status haven_trends(haven_ctx *ctx, const haven_trends_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	return by_area(ctx, o, 0, 0, out);
}

haven_status haven_missing_linkage(haven_ctx *ctx, const haven_trends_opts *o, haven_table **out)
{
	hv_clear(ctx);
	if (out)
		*out = NULL;
	if (!out)
		return hv_error(ctx, HAVEN_ERR_USAGE, "missing linkage needs somewhere to put its table");
	haven_trends_opts d = o ? *o : (haven_trends_opts){0};
	d.area = d.area ? d.area : "la";
	/* counts by area: no per-home table (homes that stand out are the outliers') */
	if (strcmp(d.area, "la") && strcmp(d.area, "host-la") && strcmp(d.area, "pfa") && strcmp(d.area, "region") &&
	    strcmp(d.area, "england"))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--area '%s': use la, host-la, pfa, region or england", d.area);
	return by_area(ctx, &d, 1, 0, out);
}

/* ---- the scorecard ------------------------------------------------------------ */

/* A row of the scorecard; top, the first row's figures, and parent, its
 * code, for an LA's row (NULL for the first row itself). */
static haven_status score_row(tr *t, haven_table *tb, const char *level, const char *code, const char *name,
                              const stats *s, const double top[NSCORE], const char *parent)
{
	haven_ctx *ctx = t->ctx;
	double v[NSCORE];
	scores(s, v);
	haven_status rc;
	if ((rc = hv_table_add_row(ctx, tb)) || (rc = hv_table_set_text(ctx, tb, 0, level)) ||
	    (rc = hv_table_set_text(ctx, tb, 1, code)) || (rc = hv_table_set_text(ctx, tb, 2, name)) ||
	    (rc = hv_table_set_int(ctx, tb, 3, s->episodes)) || (rc = hv_table_set_int(ctx, tb, 4, s->children)) ||
	    (rc = hv_table_set_int(ctx, tb, 5, s->repeat)))
		return rc;
	for (int k = 0; !rc && k < NSCORE; k++) {
		rc = set_num(ctx, tb, 6 + 2 * k, v[k], 0.01);
		if (!rc && top && !isnan(v[k]) && !isnan(top[k]))
			rc = hv_table_set_real(ctx, tb, 7 + 2 * k, round_to(v[k] - top[k], 0.01));
	}
	if (!rc && parent)
		rc = hv_table_set_text(ctx, tb, 6 + 2 * NSCORE, parent);
	return rc;
}

static int cmp_child(const void *a, const void *b)
{
	const episode *x = a, *y = b;
	return (x->child > y->child) - (x->child < y->child);
}

haven_status haven_trends_scorecard(haven_ctx *ctx, const haven_scorecard_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	const char *by = o->by ? o->by : "placing";
	if (strcmp(by, "placing") != 0 && strcmp(by, "host") != 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--by '%s': use placing or host", by);
	/* an aggregates-only audience: the rows of the trends' hierarchy by
	 * LA and financial year, the same counts controlled the same way, with
	 * the scorecard's figures (docs/disclosure.md, "Periods") */
	if (hv_scope_aggregates_only(ctx)) {
		haven_status crc = hv_trends_check_year(ctx, o->from, o->to);
		haven_trends_opts d = {
		    .by = "fy", .area = strcmp(by, "placing") == 0 ? "la" : "host-la", .from = o->from, .to = o->to};
		return crc ? crc : by_area(ctx, &d, 0, 1, out);
	}
	tr t;
	haven_status rc = begin(&t, ctx, "year", strcmp(by, "placing") == 0 ? "la" : "host-la", o->from, o->to);
	if (rc) {
		tr_free(&t);
		return rc;
	}
	/* parent, last: every LA's episodes add up to the first row's, which
	 * disclosure control protects as a published total */
	const char *names[7 + 2 * NSCORE] = {"geographic_level", "area_code", "area_name",
	                                     "episodes",         "children",  "children_repeat"};
	names[6 + 2 * NSCORE] = "parent";
	char vs[NSCORE][48];
	sqlite3_str *spec = sqlite3_str_new(ctx->db);
	sqlite3_str_appendf(spec,
	                    "geographic_level=label area_code=%s area_name=label episodes=count:episodes"
	                    " children=count:distinct children_repeat=count:distinct",
	                    kinds[t.kind].role);
	for (int k = 0; k < NSCORE; k++) {
		snprintf(vs[k], sizeof vs[k], "%s_vs_england", score_names[k]);
		names[6 + 2 * k] = score_names[k];
		names[7 + 2 * k] = vs[k];
		const char *num = k == S_REPEAT ? "children_repeat" : "episodes";
		sqlite3_str_appendf(spec, " %s=rate:%s %s=rate:%s", score_names[k], num, vs[k], num);
	}
	sqlite3_str_appendall(spec, " parent=parent");
	char *roles = sqlite3_str_finish(spec);
	haven_table *tb = NULL;
	episode *all = NULL;
	double *buf = NULL;
	size_t cap = 0;
	sqlite3_stmt *st = NULL;
	if (!rc && !roles)
		rc = nomem(ctx);
	char title[160];
	snprintf(title, sizeof title, "Children missing from care: scorecard by %s", kinds[t.kind].words);
	if (!rc)
		rc = hv_table_new(ctx, title, HV_TABLE_DISCLOSED, 7 + 2 * NSCORE, names, &tb);
	if (!rc)
		rc = hv_table_roles(ctx, tb, roles);
	sqlite3_free(roles);
	static const char *const meta[][2] = {{"figures", SCORE_FIGURES}};
	if (!rc)
		rc = set_meta(&t, tb, meta, 1);
	/* the top row: every episode, children counted once */
	stats top;
	double topv[NSCORE];
	if (!rc && !(all = malloc((t.ne ? t.ne : 1) * sizeof *all)))
		rc = nomem(ctx);
	if (!rc) {
		if (t.ne) {
			memcpy(all, t.e, t.ne * sizeof *all);
			qsort(all, t.ne, sizeof *all, cmp_child);
		}
		rc = run_stats(&t, all, t.ne, &buf, &cap, &top);
	}
	if (!rc) {
		scores(&top, topv);
		rc = score_row(&t, tb, t.national ? "england" : "scope", t.codes.s[t.top],
		               t.national ? "England" : "all episodes in the scope", &top, NULL, NULL);
	}
	/* each LA: its episodes, whatever their period */
	for (size_t i = 0; !rc && i < t.ne; i++)
		t.e[i].period = 0;
	if (!rc && t.ne)
		qsort(t.e, t.ne, sizeof *t.e, cmp_episode);
	uint32_t *ids = NULL;
	size_t na = 0;
	if (!rc && !(ids = malloc((t.codes.n + 1) * sizeof *ids)))
		rc = nomem(ctx);
	for (size_t i = 0; !rc && i < t.ne; i++)
		if (!na || ids[na - 1] != t.e[i].area)
			ids[na++] = t.e[i].area;
	sort_codes_by = (const char *const *)t.codes.s;
	if (!rc && na)
		qsort(ids, na, sizeof *ids, cmp_code_id);
	if (!rc && !(rc = hv_prepare(ctx, "SELECT name FROM area WHERE kind = 'la' AND code = ?2", &st))) {
		for (size_t a = 0; !rc && a < na; a++) {
			size_t l = 0, h = t.ne;
			while (l < h) {
				size_t m = l + (h - l) / 2;
				if (t.e[m].area < ids[a])
					l = m + 1;
				else
					h = m;
			}
			size_t j = l;
			while (j < t.ne && t.e[j].area == ids[a])
				j++;
			char name[256];
			stats s;
			if (!(rc = area_name(&t, st, ids[a], name, sizeof name)) &&
			    !(rc = run_stats(&t, t.e + l, j - l, &buf, &cap, &s)))
				rc = score_row(&t, tb, "la", t.codes.s[ids[a]], *name ? name : NULL, &s, topv,
				               t.codes.s[t.top]);
		}
	}
	if (st)
		sqlite3_finalize(st);
	free(ids);
	free(all);
	free(buf);
	tr_free(&t);
	if (rc) {
		haven_table_free(tb);
		return rc;
	}
	*out = tb;
	return HAVEN_OK;
}

/* ---- outliers ---------------------------------------------------------------- */

typedef struct home_rate {
	uint32_t code;
	double places, episodes, expected, u95, u998;
} home_rate;

/* Per home of the scope with places in the period: its mean places and
 * episodes; *rate the reference rate (episodes per place, all of them). */
static haven_status home_rates(tr *t, home_rate **out, size_t *n, double *rate, double *tot_e, double *tot_p)
{
	double *pd = NULL;
	haven_status rc = place_days(t, &pd);
	double *ep = rc ? NULL : calloc(t->codes.n + 1, sizeof *ep);
	home_rate *h = rc ? NULL : malloc((t->codes.n + 1) * sizeof *h);
	if (!rc && (!ep || !h))
		rc = nomem(t->ctx);
	*n = 0;
	*tot_e = *tot_p = 0;
	for (size_t i = 0; !rc && i < t->ne; i++)
		ep[t->e[i].area] += 1;
	double days = (double)(t->to - t->from + 1);
	for (uint32_t k = 0; !rc && k < t->codes.n; k++) {
		double sum = 0;
		for (int32_t p = 0; p < t->np; p++)
			sum += pd[(size_t)k * (size_t)t->np + (size_t)p];
		if (sum <= 0)
			continue;
		home_rate *x = &h[(*n)++];
		memset(x, 0, sizeof *x);
		x->code = k;
		x->places = sum / days;
		x->episodes = ep[k];
		*tot_e += x->episodes;
		*tot_p += x->places;
	}
	*rate = *tot_p > 0 ? *tot_e / *tot_p : 0;
	for (size_t i = 0; !rc && i < *n; i++) {
		home_rate *x = &h[i];
		double lo;
		x->expected = *rate * x->places;
		hv_poisson_limits(x->expected, 0.95, &lo, &x->u95);
		hv_poisson_limits(x->expected, 0.998, &lo, &x->u998);
	}
	free(pd);
	free(ep);
	if (rc) {
		free(h);
		return rc;
	}
	*out = h;
	return HAVEN_OK;
}

static int cmp_ratio(const void *a, const void *b)
{
	const home_rate *x = a, *y = b;
	double rx = x->expected > 0 ? x->episodes / x->expected : 0,
	       ry = y->expected > 0 ? y->episodes / y->expected : 0;
	return (rx < ry) - (rx > ry);
}

static haven_status outlier_row(tr *t, haven_table *tb, const home_rate *x, sqlite3_stmt *insp, int *keep)
{
	haven_ctx *ctx = t->ctx;
	const char *judgement = NULL, *date = NULL;
	if (insp) {
		sqlite3_reset(insp);
		sqlite3_bind_text(insp, 1, t->codes.s[x->code], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(insp) == SQLITE_ROW) {
			judgement = (const char *)sqlite3_column_text(insp, 0);
			date = (const char *)sqlite3_column_text(insp, 1);
		}
		*keep = judgement && (!strcmp(judgement, "Good") || !strcmp(judgement, "Outstanding"));
		if (!*keep)
			return HAVEN_OK;
	}
	haven_status rc;
	const char *above = x->episodes > x->u998 ? "99.8%" : x->episodes > x->u95 ? "95%" : "";
	if ((rc = hv_table_add_row(ctx, tb)) || (rc = hv_table_set_text(ctx, tb, 0, t->codes.s[x->code])) ||
	    (rc = hv_table_set_real(ctx, tb, 1, round_to(x->places, 0.01))) ||
	    (rc = hv_table_set_int(ctx, tb, 2, (int64_t)x->episodes)) ||
	    (rc = hv_table_set_real(ctx, tb, 3, round_to(x->expected, 0.01))) ||
	    (rc = hv_table_set_real(ctx, tb, 4, round_to(x->episodes / x->places, 0.001))) ||
	    (rc = hv_table_set_real(ctx, tb, 5, round_to(x->u95 / x->places, 0.001))) ||
	    (rc = hv_table_set_real(ctx, tb, 6, round_to(x->u998 / x->places, 0.001))) ||
	    (rc = hv_table_set_text(ctx, tb, 7, above)))
		return rc;
	if (insp && ((rc = hv_table_set_text(ctx, tb, 8, judgement)) || (rc = hv_table_set_text(ctx, tb, 9, date))))
		return rc;
	return HAVEN_OK;
}

static haven_status outlier_meta(tr *t, haven_table *tb, double rate, double e, double p)
{
	char ref[256];
	snprintf(ref, sizeof ref, "%.6f episodes per place (%.0f episodes over %.2f places: %s)", rate, e, p,
	         t->national ? "every home in England" : "every home in the scope");
	const char *const meta[][2] = {
	    {"reference_rate", ref},
	    {"limits", "exact Poisson control limits of the expected count at 95% and 99.8% (the chi-square/gamma "
	               "relation: the upper limit is the count whose exact lower confidence bound is the expected "
	               "count), shown as episodes per place"},
	};
	return set_meta(t, tb, meta, sizeof meta / sizeof meta[0]);
}

/* What outliers and the national line share: the episodes and places of
 * the period per home, and the sealed table they are put in. */
typedef struct rated {
	tr t;
	home_rate *h;
	size_t n;
	double rate, te, tp; /* the reference rate; its episodes and places */
} rated;

static haven_status rated_begin(haven_ctx *ctx, const haven_outliers_opts *o, rated *r, const char *title, int ncols,
                                const char *const *cols, const char *roles, haven_table **tb)
{
	hv_clear(ctx);
	memset(r, 0, sizeof *r);
	*tb = NULL;
	haven_status rc = begin(&r->t, ctx, "month", "home", o->from, o->to);
	if (!rc)
		rc = home_rates(&r->t, &r->h, &r->n, &r->rate, &r->te, &r->tp);
	if (!rc)
		rc = hv_table_new(ctx, title, HV_TABLE_DISCLOSED, ncols, cols, tb);
	if (!rc)
		rc = hv_table_roles(ctx, *tb, roles);
	if (!rc)
		rc = outlier_meta(&r->t, *tb, r->rate, r->te, r->tp);
	return rc;
}

/* Free what r holds; on rc HAVEN_OK hand tb over to *out, else free it. */
static haven_status rated_end(rated *r, haven_status rc, haven_table *tb, haven_table **out)
{
	free(r->h);
	tr_free(&r->t);
	*out = rc ? NULL : tb;
	if (rc)
		haven_table_free(tb);
	return rc;
}

haven_status haven_trends_outliers(haven_ctx *ctx, const haven_outliers_opts *o, haven_table **out)
{
	static const char *const cols[] = {"urn",      "places",    "episodes", "expected",  "episodes_per_place",
	                                   "upper_95", "upper_998", "above",    "judgement", "inspection_date"};
	const char *title = o->inspection ? "Homes judged Good or Outstanding above the 99.8% limit of missing episodes"
	                    : o->all      ? "Missing episodes per place by home"
	                                  : "Homes above the 99.8% limit of missing episodes per place";
	char roles[512];
	snprintf(roles, sizeof roles,
	         "urn=home places=count:places episodes=count:episodes expected=rate:episodes"
	         " episodes_per_place=rate:episodes upper_95=rate:episodes upper_998=rate:episodes above=label%s",
	         o->inspection ? " judgement=label inspection_date=label" : "");
	rated r;
	haven_table *tb;
	haven_status rc = rated_begin(ctx, o, &r, title, o->inspection ? 10 : 8, cols, roles, &tb);
	sqlite3_stmt *insp = NULL;
	if (!rc && r.n)
		qsort(r.h, r.n, sizeof *r.h, cmp_ratio);
	if (!rc && o->inspection)
		rc = hv_prepare(ctx,
		                "SELECT coalesce(json_extract(extra, '$.\"" JUDGEMENT "\"'),"
		                " json_extract(extra, '$." JUDGEMENT_KEY "')),"
		                " coalesce(json_extract(extra, '$.\"Latest full inspection date\"'),"
		                " json_extract(extra, '$.latest_full_inspection_date')) FROM temp.home_versions"
		                " WHERE urn = ? AND json_valid(extra) ORDER BY valid_from DESC LIMIT 1",
		                &insp);
	for (size_t i = 0; !rc && i < r.n; i++) {
		int keep = 1;
		if (o->all || r.h[i].episodes > r.h[i].u998)
			rc = outlier_row(&r.t, tb, &r.h[i], insp, &keep);
	}
	if (insp)
		sqlite3_finalize(insp);
	return rated_end(&r, rc, tb, out);
}

haven_status hv_trends_national(haven_ctx *ctx, const haven_outliers_opts *o, haven_table **out)
{
	static const char *const cols[] = {"area_code", "episodes", "places", "episodes_per_place"};
	rated r;
	haven_table *tb;
	/* the area's role: England's code, or the scope's total (no area) */
	haven_status rc = rated_begin(ctx, o, &r, "Missing episodes per place", 4, cols,
	                              "area_code=label episodes=count:episodes places=count:places"
	                              " episodes_per_place=rate:episodes",
	                              &tb);
	if (!rc && r.t.national)
		rc = hv_table_roles(ctx, tb, "area_code=area:england");
	if (!rc && !(rc = hv_table_add_row(ctx, tb)) &&
	    !(rc = hv_table_set_text(ctx, tb, 0, r.t.national ? ENGLAND : "scope")) &&
	    !(rc = hv_table_set_int(ctx, tb, 1, (int64_t)r.te)) &&
	    !(rc = hv_table_set_real(ctx, tb, 2, round_to(r.tp, 0.01))))
		rc = hv_table_set_real(ctx, tb, 3, r.rate);
	return rated_end(&r, rc, tb, out);
}
