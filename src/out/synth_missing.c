/*
 * synth_missing.c - police and local-authority records of children going
 * missing from the synthetic register's homes, calibrated to DfE.
 *
 * DfE publishes, per responsible (placing) LA and year ending 31 March, the
 * number of missing incidents, of children with one, and of children
 * missing more than once.  Each LA-year's figures, scaled by the share of
 * them that falls to children's homes, are generated exactly: that many
 * children, that many of them missing twice or more, that many episodes.
 * Each child is placed at a home open on the day of their first episode
 * (in the LA, elsewhere in its region, or further away) and may move once.
 * Start times follow season, weekday and hour; durations a log-normal
 * mixture with a long tail.  Each episode is then recorded by the police,
 * the LA, or both (starts a little apart), with different reference schemes.
 * The choices and their reasons are in docs/synth.md.
 *
 * Every LA-year draws from its own generator, seeded from the seed, the LA
 * and the year, so a run of the last year alone gives the same rows for it
 * as a run of all five (an earlier year differs only in children still
 * missing at its end).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/crs.h"
#include "core/grow.h"
#include "core/source.h"
#include "core/table.h"
#include "haven/gate.h"
#include "haven/table.h"
#include "out/synth_missing.h"
#include "ref/la.h"

#define FIRST_YEAR 2019
#define LAST_YEAR 2023
#define NYEARS_MAX (LAST_YEAR - FIRST_YEAR + 1)
#define HOUR 3600
#define DAY 86400

/* ---- random numbers: splitmix64, as synth.c ---- */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
	return (double)(rnd(s) >> 11) * 0x1.0p-53;
}

static int64_t below(uint64_t *s, int64_t n)
{
	return n > 0 ? (int64_t)(rnd(s) % (uint64_t)n) : 0;
}

static double gauss(uint64_t *s)
{
	double u = unif(s), v = unif(s);
	return sqrt(-2.0 * log(u > 0 ? u : 0x1.0p-53)) * cos(6.283185307179586 * v);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Clock time t (seconds since 1970 on the local clock) as YYYY-MM-DD HH:MM:SS. */
static void fmt_time(int64_t t, char buf[32])
{
	int64_t day = floordiv(t, DAY), s = t - day * DAY;
	int y, m, d;
	hv_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(s / HOUR), (int)(s / 60 % 60), (int)(s % 60));
}

static void fmt_day(int64_t day, char buf[16])
{
	int y, m, d;
	hv_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* The same generator for the other synthetic files (synth_placements.c). */
uint64_t hv_synth_rnd(uint64_t *s)
{
	return rnd(s);
}

double hv_synth_unif(uint64_t *s)
{
	return unif(s);
}

int64_t hv_synth_below(uint64_t *s, int64_t n)
{
	return below(s, n);
}

double hv_synth_gauss(uint64_t *s)
{
	return gauss(s);
}

void hv_synth_fmt_day(int64_t day, char buf[16])
{
	fmt_day(day, buf);
}

/* ---- the patterns (docs/synth.md) ---- */

/* Relative rate of starts by month (January first): a summer peak, a December low. */
static const double month_w[12] = {0.90, 0.88, 0.97, 1.00, 1.08, 1.12, 1.20, 1.16, 1.02, 1.00, 0.93, 0.80};
/* By weekday, Sunday first: Friday and Saturday nights. */
static const double wday_w[7] = {1.00, 0.92, 0.91, 0.94, 0.98, 1.14, 1.18};
/* By hour of the day: afternoon into late evening. */
static const double hour_w[24] = {3.0, 2.0, 1.2, 0.8, 0.5, 0.4, 0.4, 0.6, 1.0, 1.5, 1.8, 2.2,
                                  2.6, 3.0, 3.6, 4.5, 5.2, 6.0, 6.8, 7.4, 7.6, 7.0, 5.6, 4.2};

/* Of a year's children, the share who went missing from the LA's care the
 * year before too. */
#define P_CONTINUE 0.35
/* Where episodes' homes are, relative to the placing LA. */
#define P_OWN_LA 0.40
#define P_REGION 0.35 /* elsewhere in its region; the rest further away */
/* Which records an episode has. */
#define P_BOTH 0.58
#define P_POLICE_ONLY 0.35 /* the rest: the LA's record only */

/* Found-location hot spots planted for the clustering work (docs/synth.md). */
static const struct {
	const char *place;
	double e, n;
} hotspots[] = {
    {"Birmingham, Digbeth coach station", 408050, 286250}, {"London, King's Cross", 530300, 183100},
    {"Manchester, Piccadilly Gardens", 384300, 398300},    {"Leeds, bus station", 430600, 433400},
    {"Blackpool, Central Pier", 330500, 435500},
};
#define N_HOT (sizeof hotspots / sizeof hotspots[0])
#define HOT_CATCHMENT 80000.0 /* m: homes this close send some of their children there */
#define P_HOT 0.05
#define HOT_SIGMA 60.0 /* m */

/* City centres where children are found far from their home. */
static const struct {
	double e, n, w;
} cities[] = {
    {530000, 180400, 4.0}, /* London, Charing Cross */
    {406900, 286700, 1.0}, /* Birmingham */
    {384000, 398000, 1.0}, /* Manchester */
    {429900, 433700, 0.8}, /* Leeds */
    {334900, 390500, 0.8}, /* Liverpool */
    {358900, 173000, 0.6}, /* Bristol */
    {424700, 564200, 0.6}, /* Newcastle upon Tyne */
    {457300, 339900, 0.6}, /* Nottingham */
    {435400, 387200, 0.6}, /* Sheffield */
    {531000, 104500, 0.5}, /* Brighton */
};
#define N_CITY (sizeof cities / sizeof cities[0])

static const char *const risk_words[4] = {"no apparent risk", "low", "medium", "high"};

/* ---- DfE's figures ---- */

enum { M_INC, M_CHILDREN, M_REPEAT, N_MEASURE };
static const char *const measures[N_MEASURE] = {"Number of missing incidents during the year",
                                                "Children who had a missing incident during the year",
                                                "Children who went missing more than once during the year"};
enum { V_NONE, V_NUM, V_SUPPRESSED, V_NA };

typedef struct unit {
	char code[10];
	char region[10];
	int year;
	int64_t v[N_MEASURE];
	int vs[N_MEASURE];
	int64_t *ids, nids; /* the numbers of its children (assign_ids) */
	int64_t next_id;    /* the LA's children numbered so far */
} unit;

/* DfE codes of authorities since reorganised that hv_la_same_area does not
 * make one successor: the successors whose figures they are given as (a
 * split county's children are shared by places; 2019's Bournemouth, Poole
 * and Dorset become BCP and Dorset). */
static const struct {
	const char *code, *to[2];
} reorganised[] = {
    {"E10000006", {"E06000063", "E06000064"}}, /* Cumbria: Cumberland, Westmorland and Furness */
    {"E10000021", {"E06000061", "E06000062"}}, /* Northamptonshire: North, West Northamptonshire */
    {"E06000028", {"E06000058", NULL}},        /* Bournemouth */
    {"E06000029", {"E06000058", NULL}},        /* Poole */
    {"E10000009", {"E06000059", NULL}},        /* Dorset (county) */
};

int hv_synth_la_targets(const hv_areas *la, const char *code, long out[2])
{
	long i = hv_areas_index(la, code);
	if (i < 0)
		i = hv_areas_index(la, hv_la_same_area(code));
	if (i >= 0) {
		out[0] = i;
		return 1;
	}
	for (size_t r = 0; r < sizeof reorganised / sizeof reorganised[0]; r++) {
		if (strcmp(reorganised[r].code, code) != 0)
			continue;
		int n = 0;
		for (int k = 0; k < 2 && reorganised[r].to[k]; k++)
			if ((i = hv_areas_index(la, reorganised[r].to[k])) >= 0)
				out[n++] = i;
		return n;
	}
	return 0;
}

static int cmp_unit(const void *a, const void *b)
{
	const unit *x = a, *y = b;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return strcmp(x->code, y->code);
}

haven_status hv_synth_dfe_row(hv_source *src, int cy, int cc, int *year, const char **code)
{
	const char *ys = hv_source_field(src, cy);
	*code = hv_source_field(src, cc);
	if (strlen(ys) != 4 || strspn(ys, "0123456789") != 4)
		return hv_source_error(src, HAVEN_ERR_VALUE, "time_period '%s' is not a year", ys);
	if (!hv_gss_code(*code))
		return hv_source_error(src, HAVEN_ERR_VALUE, "new_la_code '%s' is not an ONS code", *code);
	*year = atoi(ys);
	return HAVEN_OK;
}

static haven_status read_dfe(haven_ctx *ctx, const haven_synth_missing *m, unit **out, size_t *nout)
{
	static const char *const c_year[] = {"time_period", NULL}, *const c_level[] = {"geographic_level", NULL},
	                         *const c_code[] = {"new_la_code", NULL}, *const c_region[] = {"region_code", NULL},
	                         *const c_group[] = {"CLA_group", NULL}, *const c_num[] = {"number", NULL};
	hv_source *src = NULL;
	unit *u = NULL;
	size_t n = 0, cap = 0, last = 0;
	int seen_year[NYEARS_MAX] = {0};
	int cy, cl, cc, cr, cg, cn;
	haven_status rc = hv_source_open(ctx, m->dfe_path, &src);
	if (rc)
		return rc;
	if ((rc = hv_source_column(src, c_year, "time_period", &cy)) ||
	    (rc = hv_source_column(src, c_level, "geographic_level", &cl)) ||
	    (rc = hv_source_column(src, c_code, "new_la_code", &cc)) ||
	    (rc = hv_source_column(src, c_region, "region_code", &cr)) ||
	    (rc = hv_source_column(src, c_group, "CLA_group", &cg)) ||
	    (rc = hv_source_column(src, c_num, "number", &cn)))
		goto out;
	const int need[] = {cy, cl, cc, cr, cg, cn};
	static const char *const need_names[] = {"time_period", "geographic_level", "new_la_code",
	                                         "region_code", "CLA_group",        "number"};
	for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
		if (need[k] < 0) {
			rc = hv_error(ctx, HAVEN_ERR_MISSING,
			              "%s: no '%s' column; is this DfE's 'missing or away from placement' file?",
			              m->dfe_path, need_names[k]);
			goto out;
		}
	int has;
	while (!(rc = hv_source_next(src, &has)) && has) {
		if (strcmp(hv_source_field(src, cl), "Local authority") != 0)
			continue;
		int mi = -1;
		for (int k = 0; k < N_MEASURE; k++)
			if (strcmp(hv_source_field(src, cg), measures[k]) == 0)
				mi = k;
		if (mi < 0)
			continue;
		const char *code, *num = hv_source_field(src, cn);
		int year;
		if ((rc = hv_synth_dfe_row(src, cy, cc, &year, &code)))
			goto out;
		/* Earlier years too: the children who went missing then (assign_ids). */
		if (year > m->last_year)
			continue;
		size_t i = last;
		if (!(i < n && u[i].year == year && strcmp(u[i].code, code) == 0))
			for (i = 0; i < n && !(u[i].year == year && strcmp(u[i].code, code) == 0); i++)
				;
		if (i == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				unit *nu = realloc(u, cap * sizeof *nu);
				if (!nu) {
					rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
					goto out;
				}
				u = nu;
			}
			memset(&u[n], 0, sizeof u[n]);
			snprintf(u[n].code, sizeof u[n].code, "%s", code);
			const char *reg = hv_source_field(src, cr);
			/* DfE files London's boroughs under Inner and Outer London. */
			snprintf(u[n].region, sizeof u[n].region, "%s",
			         strncmp(reg, "E13", 3) == 0 ? "E12000007" : reg);
			u[n].year = year;
			n++;
		}
		last = i;
		if (strspn(num, "0123456789") == strlen(num) && *num && strlen(num) < 10) {
			u[i].v[mi] = atoll(num);
			u[i].vs[mi] = V_NUM;
		} else if (strcmp(num, "c") == 0 || strcmp(num, "k") == 0 || strcmp(num, "low") == 0) {
			u[i].vs[mi] = V_SUPPRESSED;
		} else if (strcmp(num, "z") == 0 || strcmp(num, "x") == 0 || strcmp(num, ":") == 0 ||
		           strcmp(num, "u") == 0) {
			u[i].vs[mi] = V_NA;
		} else {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "number '%s' is neither a count nor a GSS symbol",
			                     num);
			goto out;
		}
		seen_year[year - FIRST_YEAR] = 1;
	}
	if (rc)
		goto out;
	for (int y = m->first_year; y <= m->last_year; y++)
		if (!seen_year[y - FIRST_YEAR]) {
			rc = hv_error(
			    ctx, HAVEN_ERR_VALUE,
			    "%s: no local authority has missing-from-care figures for the year ending March %d; "
			    "is this DfE's 'missing or away from placement' file?",
			    m->dfe_path, y);
			goto out;
		}
	qsort(u, n, sizeof *u, cmp_unit);
	*out = u;
	*nout = n;
	u = NULL;
out:
	free(u);
	hv_source_close(src);
	return rc;
}

/* ---- homes open on a day, weighted by places ---- */

typedef struct pool {
	size_t n;
	int32_t *home; /* by registration date */
	int64_t *day, *cum;
} pool;

/* Something sorted by a time or day, then by its index (homes by
 * registration date, records by start). */
typedef struct keyed {
	int64_t key;
	size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The homes idx[0..n) of h, by registration date.  0 when out of memory. */
static int pool_build(pool *p, const hv_synth_home *h, const int32_t *idx, size_t n)
{
	keyed *d = malloc((n ? n : 1) * sizeof *d);
	p->n = n;
	p->home = malloc((n ? n : 1) * sizeof *p->home);
	p->day = malloc((n ? n : 1) * sizeof *p->day);
	p->cum = malloc((n ? n : 1) * sizeof *p->cum);
	if (!d || !p->home || !p->day || !p->cum) {
		free(d);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = (keyed){h[idx[i]].reg_day, (size_t)idx[i]};
	qsort(d, n, sizeof *d, cmp_keyed);
	int64_t c = 0;
	for (size_t i = 0; i < n; i++) {
		p->home[i] = (int32_t)d[i].i;
		p->day[i] = d[i].key;
		c += h[d[i].i].places > 0 ? h[d[i].i].places : 1;
		p->cum[i] = c;
	}
	free(d);
	return 1;
}

static void pool_free(pool *p)
{
	free(p->home);
	free(p->day);
	free(p->cum);
}

/* A home of p registered on or before day, chosen in proportion to places; -1 if none. */
static int32_t pool_pick(const pool *p, int64_t day, uint64_t *rng)
{
	size_t lo = 0, hi = p->n; /* open homes: the first lo */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->day[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	int64_t r = below(rng, p->cum[lo - 1]);
	size_t a = 0, b = lo - 1;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (p->cum[mid] > r)
			b = mid;
		else
			a = mid + 1;
	}
	return p->home[a];
}

/* ---- episodes ---- */

enum { L_NONE, L_POSTCODE, L_EN, L_LONLAT };
typedef struct loc {
	uint8_t kind;
	char pc[9];
	int32_t e, n;
} loc;

enum { S_POLICE = 1, S_LA = 2, S_BOTH = 3 };
#define NO_VALUE 255

typedef struct ep {
	int64_t start, ret;       /* the police's (or the only) record; ret -1: still missing */
	int64_t la_start, la_ret; /* the LA's record */
	int64_t ri_day;
	int32_t unit, child, home;
	int32_t placing; /* la index */
	uint8_t src, risk, la_risk, cse, cce, ri_off, ri_held, ri_ind;
	uint8_t la_ls, la_fd; /* the LA's record carries the location too */
	loc ls, fd;
} ep;

typedef struct gen {
	haven_ctx *ctx;
	const hv_synth_home *homes;
	size_t nh;
	const hv_areas *la;
	const hv_synth_pcs *pcs;
	pool *la_pool, *region_pool, all;
	int *la_region; /* la index -> region index, -1 unknown */
	int nregion;
	char regions[16][10];
	double share;
	int64_t period_end;
	ep *e;
	size_t ne, cap;
	haven_synth_report *rep;
} gen;

static int region_index(gen *g, const char *code)
{
	for (int i = 0; i < g->nregion; i++)
		if (strcmp(g->regions[i], code) == 0)
			return i;
	if (g->nregion == 16 || !*code)
		return -1;
	snprintf(g->regions[g->nregion], sizeof g->regions[0], "%s", code);
	return g->nregion++;
}

int64_t hv_synth_pick(const double *cum, int64_t n, double r)
{
	int64_t a = 0, b = n - 1;
	while (a < b) {
		int64_t mid = (a + b) / 2;
		if (cum[mid] > r)
			b = mid;
		else
			a = mid + 1;
	}
	return a;
}

/* The home a child of placing LA pla is placed in, open on day; -1 if no home is. */
static int32_t choose_home(gen *g, long pla, int64_t day, int32_t avoid, uint64_t *rng)
{
	int reg = g->la_region[pla];
	double u = unif(rng);
	int32_t h = -1;
	for (int tries = 0; tries < 6 && (h < 0 || h == avoid); tries++) {
		h = -1;
		if (u < P_OWN_LA)
			h = pool_pick(&g->la_pool[pla], day, rng);
		if (h < 0 && u < P_OWN_LA + P_REGION && reg >= 0) {
			for (int k = 0; k < 4; k++) /* elsewhere in the region */
				if ((h = pool_pick(&g->region_pool[reg], day, rng)) < 0 || g->homes[h].la != pla)
					break;
		}
		if (h < 0) {
			for (int k = 0; k < 4; k++) /* elsewhere in England */
				if ((h = pool_pick(&g->all, day, rng)) < 0 || reg < 0 ||
				    g->la_region[g->homes[h].la] != reg)
					break;
		}
	}
	return h;
}

static void near(const hv_synth_home *h, double mean, uint64_t *rng, loc *l)
{
	double r = -mean * log(1.0 - unif(rng)), a = 6.283185307179586 * unif(rng);
	double e = h->e + r * cos(a), n = h->n + r * sin(a);
	if (!hv_bng_in_extent(e, n))
		e = h->e, n = h->n;
	l->kind = L_EN;
	l->e = (int32_t)lround(e);
	l->n = (int32_t)lround(n);
}

static void at_point(double e, double n, double sigma, uint64_t *rng, loc *l, uint8_t kind)
{
	l->kind = kind;
	l->e = (int32_t)lround(e + sigma * gauss(rng));
	l->n = (int32_t)lround(n + sigma * gauss(rng));
}

static void city(const hv_synth_home *h, uint64_t *rng, loc *l, uint8_t kind)
{
	size_t c = 0;
	if (unif(rng) < 0.5) { /* the nearest */
		double best = INFINITY;
		for (size_t i = 0; i < N_CITY; i++) {
			double d = hypot(cities[i].e - h->e, cities[i].n - h->n);
			if (d < best)
				best = d, c = i;
		}
	} else {
		double tot = 0, r;
		for (size_t i = 0; i < N_CITY; i++)
			tot += cities[i].w;
		r = unif(rng) * tot;
		for (c = 0; c + 1 < N_CITY && r >= cities[c].w; c++)
			r -= cities[c].w;
	}
	at_point(cities[c].e, cities[c].n, 600.0, rng, l, kind);
}

static void place_locations(gen *g, ep *x, uint64_t *rng)
{
	const hv_synth_home *h = &g->homes[x->home];
	const hv_synth_pcs *pc = &g->pcs[h->la];
	double u = unif(rng);
	memset(&x->ls, 0, sizeof x->ls);
	memset(&x->fd, 0, sizeof x->fd);
	/* Last seen: mostly at or near the home. */
	if (u < 0.40) {
		x->ls.kind = L_POSTCODE;
		memcpy(x->ls.pc, h->pc, 9);
	} else if (u < 0.80) {
		near(h, 400.0, rng, &x->ls);
	} else if (u < 0.85) {
		city(h, rng, &x->ls, L_EN);
	}
	/* Found: near the home, in its LA, in a city centre, or at a hot spot. */
	for (size_t i = 0; i < N_HOT; i++)
		if (hypot(hotspots[i].e - h->e, hotspots[i].n - h->n) < HOT_CATCHMENT && unif(rng) < P_HOT) {
			at_point(hotspots[i].e, hotspots[i].n, HOT_SIGMA, rng, &x->fd,
			         unif(rng) < 0.3 ? L_LONLAT : L_EN);
			return;
		}
	u = unif(rng);
	if (u < 0.15) {
		x->fd.kind = L_POSTCODE;
		memcpy(x->fd.pc, h->pc, 9);
	} else if (u < 0.30 && pc->n > 0) {
		x->fd.kind = L_POSTCODE;
		memcpy(x->fd.pc, pc->pc[below(rng, pc->n)], 9);
	} else if (u < 0.72) {
		near(h, 1500.0, rng, &x->fd);
	} else if (u < 0.85) {
		city(h, rng, &x->fd, unif(rng) < 0.3 ? L_LONLAT : L_EN);
	}
}

/* Seconds a child is missing: most back within hours, some after a day or
 * two, a few after weeks (at most 90 days). */
static int64_t duration(uint64_t *rng)
{
	double u = unif(rng), h;
	if (u < 0.86)
		h = exp(log(4.5) + 1.1 * gauss(rng));
	else if (u < 0.97)
		h = exp(log(30.0) + 0.6 * gauss(rng));
	else
		h = exp(log(144.0) + 0.9 * gauss(rng));
	if (h > 90 * 24)
		h = 90 * 24;
	int64_t s = (int64_t)(h * HOUR) / 60 * 60;
	return s < 15 * 60 ? 15 * 60 : s;
}

/* The last Sunday of March, 01:00-01:59, does not exist on the clock. */
static int64_t skip_gap(int64_t t)
{
	int64_t day = floordiv(t, DAY);
	int y, m, d;
	hv_civil_from_days(day, &y, &m, &d);
	int wday = (int)(((day % 7) + 11) % 7); /* 0 Sunday; 1970-01-01 was a Thursday */
	if (m == 3 && d >= 25 && wday == 0 && (t - day * DAY) / HOUR == 1)
		t += HOUR;
	return t;
}

static haven_status push(gen *g, ep **out)
{
	if (g->ne == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 65536;
		ep *ne = realloc(g->e, nc * sizeof *ne);
		if (!ne)
			return hv_error(g->ctx, HAVEN_ERR_NOMEM, "out of memory");
		g->e = ne;
		g->cap = nc;
	}
	*out = &g->e[g->ne++];
	memset(*out, 0, sizeof **out);
	return HAVEN_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The scaled figures of an LA-year, made consistent: children <= incidents,
 * repeats <= children, incidents >= children + repeats. 0 if none to make. */
static int scaled(const unit *u, double share, int64_t *inc, int64_t *ch, int64_t *rep)
{
	if (u->vs[M_INC] != V_NUM)
		return 0;
	*inc = llround((double)u->v[M_INC] * share);
	if (*inc <= 0)
		return 0;
	/* A suppressed count is small: DfE suppresses counts under 5 or so. */
	*ch = u->vs[M_CHILDREN] == V_NUM ? llround((double)u->v[M_CHILDREN] * share) : llround(3 * share);
	if (*ch < 1)
		*ch = 1;
	if (*ch > *inc)
		*ch = *inc;
	*rep = u->vs[M_REPEAT] == V_NUM ? llround((double)u->v[M_REPEAT] * share) : llround((double)*ch * 0.6);
	if (*rep > *ch)
		*rep = *ch;
	if (*ch + *rep > *inc)
		*rep = *inc - *ch;
	if (*rep == 0 && *inc > *ch)
		*rep = 1; /* someone went missing again */
	if (*ch + *rep > *inc)
		*ch = *inc - *rep;
	return 1;
}

static const unit *find_unit(const unit *u, size_t n, const char *code, int year)
{
	unit key;
	memset(&key, 0, sizeof key);
	snprintf(key.code, sizeof key.code, "%s", code);
	key.year = year;
	return bsearch(&key, u, n, sizeof *u, cmp_unit);
}

/* Number each LA-year's children: some of them are children of the LA's year
 * before (P_CONTINUE), the rest new.  From DfE's figures, the share and the
 * seed alone, year by year from the first in the file, so the numbers of a
 * year do not depend on the years generated.  units sorted by cmp_unit. */
static haven_status assign_ids(haven_ctx *ctx, unit *units, size_t nu, double share, uint64_t seed)
{
	for (size_t i = 0; i < nu; i++) {
		unit *u = &units[i];
		int64_t inc, nch = 0, nrep;
		if (!scaled(u, share, &inc, &nch, &nrep))
			nch = 0;
		const unit *prev = find_unit(units, nu, u->code, u->year - 1);
		int64_t start = prev ? prev->next_id : 0;
		u->next_id = start;
		if (nch == 0)
			continue;
		uint64_t rng = seed ^ 0x6368696C64ULL ^ ((uint64_t)(unsigned)u->year * UINT64_C(0x100000001B3));
		for (const char *p = u->code; *p; p++)
			rng = (rng ^ (uint64_t)(unsigned char)*p) * UINT64_C(0x100000001B3);
		if (!(u->ids = malloc((size_t)nch * sizeof *u->ids)))
			return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		u->nids = nch;
		int64_t k = prev ? llround(P_CONTINUE * (double)nch) : 0;
		if (prev && k > prev->nids)
			k = prev->nids;
		if (k > 0) { /* k of last year's children, a partial Fisher-Yates shuffle */
			int64_t *last = malloc((size_t)prev->nids * sizeof *last);
			if (!last)
				return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			memcpy(last, prev->ids, (size_t)prev->nids * sizeof *last);
			for (int64_t j = 0; j < k; j++) {
				int64_t r = j + below(&rng, prev->nids - j), t = last[j];
				last[j] = last[r];
				last[r] = t;
				u->ids[j] = last[j];
			}
			free(last);
		}
		for (int64_t j = k; j < nch; j++)
			u->ids[j] = start + (j - k) + 1;
		u->next_id = start + (nch - k);
		for (int64_t j = nch - 1; j > 0; j--) { /* any child may be a repeater */
			int64_t r = below(&rng, j + 1), t = u->ids[j];
			u->ids[j] = u->ids[r];
			u->ids[r] = t;
		}
	}
	return HAVEN_OK;
}

static haven_status gen_unit(gen *g, const unit *u, int32_t ui, const long tg[2], int ntg, const double *cum,
                             int64_t year_start, int64_t ndays, uint64_t seed)
{
	int64_t inc, nch, nrep;
	if (!scaled(u, g->share, &inc, &nch, &nrep))
		return HAVEN_OK;
	uint64_t rng = seed ^ ((uint64_t)(unsigned)u->year * UINT64_C(0x100000001B3));
	for (const char *p = u->code; *p; p++)
		rng = (rng ^ (uint64_t)(unsigned char)*p) * UINT64_C(0x100000001B3);
	rnd(&rng);
	g->rep->la_years++;
	g->rep->children += nch;
	g->rep->repeat_children += nrep;

	/* Episodes per child: 1 for the one-offs, 2 + a heavy-tailed share of
	 * the rest for the repeaters. */
	int64_t *k = calloc((size_t)nch, sizeof *k);
	double *w = calloc((size_t)(nrep ? nrep : 1), sizeof *w);
	int64_t *starts = NULL;
	haven_status rc = HAVEN_OK;
	if (!k || !w) {
		rc = hv_error(g->ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	int64_t extra = inc - nch - nrep, given = 0;
	double wsum = 0;
	for (int64_t c = 0; c < nch; c++)
		k[c] = c < nrep ? 2 : 1;
	for (int64_t c = 0; c < nrep; c++)
		wsum += w[c] = pow(1.0 - unif(&rng), -1.0 / 1.3) - 0.6;
	int64_t cap = 150 + extra / (nrep ? nrep : 1);
	for (int64_t c = 0; c < nrep; c++) {
		int64_t add = (int64_t)floor((double)extra * w[c] / wsum);
		if (add > cap - 2)
			add = cap - 2;
		k[c] += add;
		given += add;
	}
	while (given < extra) { /* the remainder one at a time */
		int64_t c = below(&rng, nrep);
		if (k[c] < cap) {
			k[c]++;
			given++;
		}
	}
	int64_t kmax = 1;
	for (int64_t c = 0; c < nch; c++)
		if (k[c] > kmax)
			kmax = k[c];
	if (!(starts = malloc((size_t)kmax * sizeof *starts))) {
		rc = hv_error(g->ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	int64_t year_end = year_start + ndays * DAY;
	for (int64_t c = 0; c < nch && !rc; c++) {
		/* The placing LA: a split county's children are shared by places. */
		long pla = tg[0];
		if (ntg == 2) {
			int64_t p0 = 0, p1 = 0;
			for (size_t i = 0; i < g->la_pool[tg[0]].n; i++)
				p0 += g->homes[g->la_pool[tg[0]].home[i]].places;
			for (size_t i = 0; i < g->la_pool[tg[1]].n; i++)
				p1 += g->homes[g->la_pool[tg[1]].home[i]].places;
			if (unif(&rng) * (double)(p0 + p1 + 2) >= (double)(p0 + 1))
				pla = tg[1];
		}
		/* When: a window of the year, days by season and weekday, hours by the clock. */
		int64_t n = k[c];
		int64_t win = n == 1 ? ndays : 30 + n * (5 + below(&rng, 21));
		if (win > ndays)
			win = ndays;
		int64_t w0 = below(&rng, ndays - win + 1);
		double lo = w0 ? cum[w0 - 1] : 0, hi = cum[w0 + win - 1];
		double hcum[24], ht = 0;
		for (int i = 0; i < 24; i++)
			hcum[i] = ht += hour_w[i];
		for (int64_t i = 0; i < n; i++) {
			int64_t d = hv_synth_pick(cum, ndays, lo + unif(&rng) * (hi - lo));
			int64_t hr = hv_synth_pick(hcum, 24, unif(&rng) * ht);
			starts[i] = skip_gap(year_start + d * DAY + hr * HOUR + below(&rng, 60) * 60);
		}
		qsort(starts, (size_t)n, sizeof *starts, cmp_i64);
		/* At least 4 hours between one start and the next, all inside the year. */
		for (int64_t i = 1; i < n; i++)
			if (starts[i] < starts[i - 1] + 4 * HOUR)
				starts[i] = starts[i - 1] + 4 * HOUR;
		if (starts[n - 1] > year_end - 2 * HOUR) {
			starts[n - 1] = year_end - 2 * HOUR;
			for (int64_t i = n - 2; i >= 0; i--)
				if (starts[i] > starts[i + 1] - 4 * HOUR)
					starts[i] = starts[i + 1] - 4 * HOUR;
		}
		/* Where: a home open on the first day; some children move once. */
		int32_t home = choose_home(g, pla, floordiv(starts[0], DAY), -1, &rng), home2 = -1;
		int64_t move_at = n;
		if (n >= 4 && unif(&rng) < 0.3) {
			move_at = 1 + below(&rng, n - 1);
			home2 = choose_home(g, pla, floordiv(starts[move_at], DAY), home, &rng);
			if (home2 < 0)
				move_at = n;
		}
		if (home < 0) {
			char day[16];
			fmt_day(floordiv(starts[0], DAY), day);
			rc = hv_error(g->ctx, HAVEN_ERR_NOT_FOUND,
			              "no home of the register was open on %s, when a child placed by %s went missing",
			              day, u->code);
			break;
		}
		/* The child: risk, exploitation concerns. */
		double ur = unif(&rng);
		int base_risk = ur < 0.08 ? 0 : ur < 0.45 ? 1 : ur < 0.87 ? 2 : 3;
		int cse = unif(&rng) < (n >= 10 ? 0.22 : 0.10), cce = unif(&rng) < (n >= 10 ? 0.25 : 0.12);
		size_t first = g->ne;
		for (int64_t i = 0; i < n && !rc; i++) {
			ep *x = NULL;
			if ((rc = push(g, &x)))
				break;
			x->unit = ui;
			x->child = (int32_t)c;
			x->placing = (int32_t)pla;
			x->home = i >= move_at ? home2 : home;
			x->start = starts[i];
			int64_t dur = duration(&rng);
			if (i + 1 < n && x->start + dur > starts[i + 1] - 30 * 60)
				dur = starts[i + 1] - 30 * 60 - x->start;
			if (dur < 15 * 60)
				dur = 15 * 60;
			x->ret = x->start + dur > g->period_end ? -1 : x->start + dur;
			int r = base_risk;
			double v = unif(&rng);
			if (v < 0.15 && r > 0)
				r--;
			else if (v < 0.30 && r < 3)
				r++;
			x->risk = (uint8_t)r;
			x->cse = cse ? unif(&rng) < 0.75 : unif(&rng) < 0.02;
			x->cce = cce ? unif(&rng) < 0.75 : unif(&rng) < 0.02;
			double s = unif(&rng);
			x->src = s < P_BOTH ? S_BOTH : s < P_BOTH + P_POLICE_ONLY ? S_POLICE : S_LA;
			place_locations(g, x, &rng);
		}
		if (rc)
			break;
		/* A police-only and an LA-only record of the same child and home
		 * within a day (the linkage's default tolerance, 24 h, and a margin)
		 * would be taken for one episode: make it one. */
		for (size_t i = first; i < g->ne; i++) {
			if (g->e[i].src == S_BOTH)
				continue;
			for (size_t j = i + 1; j < g->ne && g->e[j].start <= g->e[i].start + 26 * HOUR; j++)
				if (g->e[j].src != S_BOTH && g->e[j].src != g->e[i].src && g->e[j].home == g->e[i].home)
					g->e[j].src = S_BOTH;
		}
		/* The LA's record: its own start and return, risk, return interview. */
		for (size_t i = first; i < g->ne; i++) {
			ep *x = &g->e[i];
			x->la_start = x->start;
			x->la_ret = x->ret;
			x->la_risk = x->risk;
			if (x->src == S_BOTH) {
				if (unif(&rng) >= 0.4) {
					int64_t off = (int64_t)lround(25.0 * gauss(&rng));
					off = off < -90 ? -90 : off > 90 ? 90 : off;
					int64_t t = x->start + off * 60;
					/* Inside the year, and on the clock. */
					if (t >= year_start && t <= year_end - 60 && skip_gap(t) == t)
						x->la_start = t;
				}
				if (x->ret >= 0 && unif(&rng) < 0.15) { /* a different return time: a conflict */
					int64_t d = (30 + below(&rng, 331)) * 60 * (unif(&rng) < 0.5 ? -1 : 1);
					if (x->ret + d >= x->la_start + 15 * 60 && x->ret + d <= g->period_end)
						x->la_ret = x->ret + d;
				}
				if (unif(&rng) < 0.15)
					x->la_risk = (uint8_t)(x->risk == 0 ? 1 : x->risk - 1);
			}
			if (x->la_ret >= 0 && x->la_ret < x->la_start + 15 * 60)
				x->la_ret = x->la_start + 15 * 60;
			/* The LA's record ends before its next one starts. */
			if (i > first && g->e[i - 1].la_ret > x->la_start - 10 * 60) {
				ep *p = &g->e[i - 1];
				p->la_ret = x->la_start - 10 * 60 > p->la_start + 15 * 60 ? x->la_start - 10 * 60
				                                                          : p->la_start + 15 * 60;
			}
			x->la_ls = unif(&rng) < 0.5;
			x->la_fd = unif(&rng) < 0.4;
			x->ri_off = x->ri_held = x->ri_ind = NO_VALUE;
			if (x->la_ret >= 0) {
				x->ri_off = unif(&rng) < 0.86;
				x->ri_held = x->ri_off && unif(&rng) < 0.62;
				x->ri_ind = x->ri_held && unif(&rng) < 0.55;
				if (x->ri_held) {
					double v = unif(&rng);
					int64_t after = v < 0.25   ? 0
					                : v < 0.60 ? 1
					                : v < 0.80 ? 2
					                : v < 0.88 ? 3
					                           : 4 + below(&rng, 7);
					x->ri_day = floordiv(x->la_ret, DAY) + after;
				}
			}
			if (x->src == S_BOTH)
				g->rep->both++;
			else if (x->src == S_POLICE)
				g->rep->police_only++;
			else
				g->rep->la_only++;
			g->rep->episodes++;
			g->rep->still_missing += (x->src & S_POLICE ? x->ret : x->la_ret) < 0;
			g->rep->out_of_area += g->homes[x->home].la != x->placing;
			int64_t st = x->src & S_POLICE ? x->start : x->la_start,
			        rt = x->src & S_POLICE ? x->ret : x->la_ret;
			g->rep->within_24h += rt >= 0 && rt - st <= 24 * HOUR;
		}
	}
out:
	free(k);
	free(w);
	free(starts);
	return rc;
}

/* ---- writing ---- */

static const char *const columns[] = {"source_ref",
                                      "child_id",
                                      "urn",
                                      "placing_la",
                                      "missing_from",
                                      "returned_at",
                                      "last_seen_postcode",
                                      "last_seen_easting",
                                      "last_seen_northing",
                                      "last_seen_lon",
                                      "last_seen_lat",
                                      "found_postcode",
                                      "found_easting",
                                      "found_northing",
                                      "found_lon",
                                      "found_lat",
                                      "risk",
                                      "cse_concern",
                                      "cce_concern",
                                      "ri_offered",
                                      "ri_held",
                                      "ri_independent",
                                      "ri_date"};
enum { NCOLS = sizeof columns / sizeof columns[0] };

static haven_status put_loc(gen *g, haven_table *t, int col, const loc *l)
{
	haven_ctx *ctx = g->ctx;
	haven_status rc = HAVEN_OK;
	char a[24], b[24];
	if (l->kind == L_POSTCODE)
		rc = hv_table_set_text(ctx, t, col, l->pc);
	else if (l->kind == L_EN) {
		if (!(rc = hv_table_set_int(ctx, t, col + 1, l->e)))
			rc = hv_table_set_int(ctx, t, col + 2, l->n);
	} else if (l->kind == L_LONLAT) {
		double lon, lat;
		if (!(rc = hv_bng_to_lonlat(ctx, l->e, l->n, &lon, &lat))) {
			snprintf(a, sizeof a, "%.6f", lon);
			snprintf(b, sizeof b, "%.6f", lat);
			if (!(rc = hv_table_set_text(ctx, t, col + 3, a)))
				rc = hv_table_set_text(ctx, t, col + 4, b);
		}
	}
	return rc;
}

static const char *yes_no(uint8_t v)
{
	return v == NO_VALUE ? NULL : v ? "yes" : "no";
}

static haven_status write_file(gen *g, const unit *units, int source, FILE *f, int64_t *rows)
{
	haven_ctx *ctx = g->ctx;
	keyed *o = malloc((g->ne ? g->ne : 1) * sizeof *o);
	int64_t *seq = NULL;
	haven_table *t = NULL;
	size_t n = 0, nla = hv_areas_count(g->la);
	haven_status rc = HAVEN_OK;
	if (!o || !(seq = calloc(nla * NYEARS_MAX + NYEARS_MAX, sizeof *seq))) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < g->ne; i++)
		if (g->e[i].src & source)
			o[n++] = (keyed){source == S_POLICE ? g->e[i].start : g->e[i].la_start, i};
	qsort(o, n, sizeof *o, cmp_keyed);
	if ((rc = hv_table_new(ctx, "", HV_TABLE_PUBLIC, NCOLS, columns, &t)))
		goto out;
	for (size_t r = 0; r < n && !rc; r++) {
		const ep *x = &g->e[o[r].i];
		const unit *u = &units[x->unit];
		int yi = u->year - FIRST_YEAR;
		const char *pla = hv_areas_code(g->la, x->placing);
		char ref[40], child[32], from[32], ret[32], rid[16];
		if (source == S_POLICE)
			snprintf(ref, sizeof ref, "MP-%02d-%07lld", u->year % 100,
			         (long long)++seq[nla * NYEARS_MAX + (size_t)yi]);
		else
			snprintf(ref, sizeof ref, "%s/MFC/%02d/%05lld", pla, u->year % 100,
			         (long long)++seq[(size_t)x->placing * NYEARS_MAX + (size_t)yi]);
		snprintf(child, sizeof child, "%s-%06lld", u->code, (long long)u->ids[x->child]);
		int64_t st = source == S_POLICE ? x->start : x->la_start, rt = source == S_POLICE ? x->ret : x->la_ret;
		fmt_time(st, from);
		if (rt >= 0)
			fmt_time(rt, ret);
		if ((rc = hv_table_add_row(ctx, t)) || (rc = hv_table_set_text(ctx, t, 0, ref)) ||
		    (rc = hv_table_set_text(ctx, t, 1, child)) ||
		    (rc = hv_table_set_text(ctx, t, 2, g->homes[x->home].urn)) ||
		    (rc = hv_table_set_text(ctx, t, 3, pla)) || (rc = hv_table_set_text(ctx, t, 4, from)) ||
		    (rc = hv_table_set_text(ctx, t, 5, rt >= 0 ? ret : NULL)))
			break;
		int own = source == S_POLICE || x->src == S_LA;
		if (own || x->la_ls)
			rc = put_loc(g, t, 6, &x->ls);
		if (!rc && (own || x->la_fd))
			rc = put_loc(g, t, 11, &x->fd);
		if (rc || (rc = hv_table_set_text(ctx, t, 16, risk_words[source == S_POLICE ? x->risk : x->la_risk])) ||
		    (rc = hv_table_set_text(ctx, t, 17, yes_no(x->cse))) ||
		    (rc = hv_table_set_text(ctx, t, 18, yes_no(x->cce))))
			break;
		if (source == S_LA) {
			if (x->ri_held != NO_VALUE && x->ri_held)
				fmt_day(x->ri_day, rid);
			if ((rc = hv_table_set_text(ctx, t, 19, yes_no(x->ri_off))) ||
			    (rc = hv_table_set_text(ctx, t, 20, yes_no(x->ri_held))) ||
			    (rc = hv_table_set_text(ctx, t, 21, yes_no(x->ri_ind))) ||
			    (rc = hv_table_set_text(ctx, t, 22, x->ri_held != NO_VALUE && x->ri_held ? rid : NULL)))
				break;
		}
	}
	/* Invented children, no disclosed data: released as such. */
	if (!rc && !(rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR)))
		rc = haven_table_write(ctx, t, HAVEN_FMT_CSV, f);
	*rows = (int64_t)n;
out:
	haven_table_free(t);
	free(o);
	free(seq);
	return rc;
}

/* Every LA-year's children at their first home: a child's episodes are
 * consecutive in g->e (gen_unit), in order of start. */
static haven_status list_kids(gen *g, const unit *units, hv_synth_kid **out, size_t *nout)
{
	hv_synth_kid *k = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < g->ne; i++) {
		const ep *x = &g->e[i];
		if (i > 0 && g->e[i - 1].unit == x->unit && g->e[i - 1].child == x->child) {
			hv_synth_kid *c = &k[n - 1];
			if (x->home == c->home && c->move_day < 0)
				c->last_day = floordiv(x->start, DAY);
			else if (c->move_day < 0)
				c->move_day = floordiv(x->start, DAY);
			continue;
		}
		if (!hv_grow(&k, n, &cap, sizeof *k, 4096)) {
			free(k);
			return hv_error(g->ctx, HAVEN_ERR_NOMEM, "out of memory");
		}
		const unit *u = &units[x->unit];
		hv_synth_kid *c = &k[n++];
		snprintf(c->id, sizeof c->id, "%s-%06lld", u->code, (long long)u->ids[x->child]);
		c->pla = x->placing;
		c->home = x->home;
		c->year = u->year;
		c->first_day = c->last_day = floordiv(x->start, DAY);
		c->move_day = -1;
	}
	*out = k;
	*nout = n;
	return HAVEN_OK;
}

haven_status hv_synth_missing_check(haven_ctx *ctx, const haven_synth_missing *m, haven_synth_missing *out)
{
	*out = *m;
	if (!out->first_year)
		out->first_year = out->last_year ? out->last_year : FIRST_YEAR;
	if (!out->last_year)
		out->last_year = m->first_year ? m->first_year : LAST_YEAR;
	if (!m->first_year && !m->last_year)
		out->first_year = FIRST_YEAR, out->last_year = LAST_YEAR;
	if (out->first_year < FIRST_YEAR || out->last_year > LAST_YEAR || out->first_year > out->last_year)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "missing-from-care years must be years ending March from %d to %d, not %d-%d",
		                FIRST_YEAR, LAST_YEAR, out->first_year, out->last_year);
	if (out->share == 0)
		out->share = HAVEN_SYNTH_MISSING_SHARE;
	if (!(out->share > 0 && out->share <= 1))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "the children's homes' share must be above 0 and at most 1, not %g", out->share);
	return HAVEN_OK;
}

haven_status hv_synth_missing_write(haven_ctx *ctx, const haven_synth_missing *m, uint64_t seed,
                                    const hv_synth_home *homes, size_t nh, const hv_areas *la_areas,
                                    const hv_synth_pcs *pcs, FILE *police, FILE *la, haven_synth_report *rep,
                                    hv_synth_kid **kids, size_t *nkids)
{
	size_t nla = hv_areas_count(la_areas), nu = 0;
	unit *units = NULL;
	int32_t *idx = NULL;
	double *cum = NULL;
	gen g = {.ctx = ctx, .homes = homes, .nh = nh, .la = la_areas, .pcs = pcs, .share = m->share, .rep = rep};
	rep->missing_share = m->share;
	rep->first_year = m->first_year;
	rep->last_year = m->last_year;
	g.period_end = hv_days_from_civil(m->last_year, 4, 1) * DAY;
	haven_status rc = read_dfe(ctx, m, &units, &nu);
	if (rc)
		return rc;
	g.la_pool = calloc(nla, sizeof *g.la_pool);
	g.region_pool = calloc(16, sizeof *g.region_pool);
	g.la_region = malloc(nla * sizeof *g.la_region);
	idx = malloc((nh ? nh : 1) * sizeof *idx);
	cum = malloc(366 * sizeof *cum);
	if (!g.la_pool || !g.region_pool || !g.la_region || !idx || !cum) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Regions of LAs, from DfE's own rows (successors take their former county's). */
	for (size_t i = 0; i < nla; i++)
		g.la_region[i] = -1;
	for (size_t i = 0; i < nu; i++) {
		long tg[2];
		int nt = hv_synth_la_targets(la_areas, units[i].code, tg), r = region_index(&g, units[i].region);
		for (int k = 0; k < nt; k++)
			if (g.la_region[tg[k]] < 0)
				g.la_region[tg[k]] = r;
	}
	/* Pools of homes: per LA, per region, all. */
	for (size_t a = 0; a < nla; a++) {
		size_t n = 0;
		for (size_t h = 0; h < nh; h++)
			if ((size_t)homes[h].la == a)
				idx[n++] = (int32_t)h;
		if (!pool_build(&g.la_pool[a], homes, idx, n)) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	for (int r = 0; r < 16; r++) {
		size_t n = 0;
		for (size_t h = 0; h < nh; h++)
			if (g.la_region[homes[h].la] == r)
				idx[n++] = (int32_t)h;
		if (!pool_build(&g.region_pool[r], homes, idx, n)) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	for (size_t h = 0; h < nh; h++)
		idx[h] = (int32_t)h;
	if (!pool_build(&g.all, homes, idx, nh)) {
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = assign_ids(ctx, units, nu, m->share, seed)))
		goto out;
	int cur_year = 0;
	int64_t year_start = 0, ndays = 0;
	for (size_t i = 0; i < nu && !rc; i++) {
		const unit *u = &units[i];
		if (u->year < m->first_year)
			continue;
		if (u->year != cur_year) { /* the year's days weighted by month and weekday */
			cur_year = u->year;
			year_start = hv_days_from_civil(u->year - 1, 4, 1);
			ndays = hv_days_from_civil(u->year, 4, 1) - year_start;
			double c = 0;
			for (int64_t d = 0; d < ndays; d++) {
				int y, mo, dd;
				hv_civil_from_days(year_start + d, &y, &mo, &dd);
				cum[d] = c += month_w[mo - 1] * wday_w[((year_start + d) % 7 + 11) % 7];
			}
			year_start *= DAY;
		}
		if (u->vs[M_INC] == V_SUPPRESSED) {
			rep->la_years_suppressed++;
			continue;
		}
		long tg[2];
		int nt = hv_synth_la_targets(la_areas, u->code, tg);
		if (nt == 0) {
			if (u->vs[M_INC] == V_NUM && u->v[M_INC] > 0)
				hv_notice(ctx,
				          "%s: %s has no 'la' boundary in the store: its %d figures are not generated",
				          m->dfe_path, u->code, u->year);
			continue;
		}
		rc = gen_unit(&g, u, (int32_t)i, tg, nt, cum, year_start, ndays, seed);
	}
	if (!rc)
		rc = write_file(&g, units, S_POLICE, police, &rep->police_rows);
	if (!rc)
		rc = write_file(&g, units, S_LA, la, &rep->la_rows);
	if (!rc && kids)
		rc = list_kids(&g, units, kids, nkids);
out:
	if (g.la_pool)
		for (size_t a = 0; a < nla; a++)
			pool_free(&g.la_pool[a]);
	if (g.region_pool)
		for (int r = 0; r < 16; r++)
			pool_free(&g.region_pool[r]);
	pool_free(&g.all);
	free(g.la_pool);
	free(g.region_pool);
	free(g.la_region);
	free(g.e);
	for (size_t i = 0; units && i < nu; i++)
		free(units[i].ids);
	free(units);
	free(idx);
	free(cum);
	return rc;
}
