/*
 * synth_placements.c - placements of children at the synthetic register's
 * homes, calibrated to DfE's new placements by location and distance.
 *
 * DfE publishes, per placing LA and year ending 31 March (2021 to 2025), the
 * new placements of children looked after in five categories: inside the
 * placing LA's boundary under or over 20 miles from home, outside it under or
 * over 20 miles, and distance not known.  Each LA-year's figures, scaled by
 * the children's homes' share, are split exactly into the five (largest
 * remainder); the placements are grouped into children (some placed two or
 * three times in the year, one placement ending the day the next begins);
 * each child with a known home is given an origin, a postcode district of
 * the placing LA (its centroid: the mean of the gazetteer's postcodes in it),
 * and each placement a home whose point lies inside or outside the placing
 * LA's polygon and within or beyond 20 miles of the origin as its category
 * says.  So the geography itself gives DfE's shares.  A child whose distance
 * DfE does not know has no origin district.
 *
 * Out-of-area placements go to host LAs fitted to DfE's net gain: each host
 * LA's weight is adjusted (iterative proportional fitting over the expected
 * hosts of every origin and band) until the placements it receives match its
 * exports plus its scaled net gain.  Far placements fall off with distance.
 *
 * Two passes per year: categories, children, dates and origins first (from
 * one generator per LA-year), then the host weights, then the homes (one
 * generator per year).  The rules and their reasons: docs/synth.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/grow.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "haven/gate.h"
#include "haven/table.h"
#include "out/synth_placements.h"
#include "ref/la.h"

#define MILE 1609.344
#define D20 (20 * MILE)
/* Homes this close to 20 miles from the origin are not used for either band:
 * an independent computation must put every home in the same band. */
#define BAND_MARGIN 5.0
/* Far placements fall off with distance: weight exp(-d / DECAY). */
#define DECAY 80000.0
/* Children placed once, twice or three times in a year. */
#define P_ONE 0.70
#define P_TWO 0.20
/* A child's placement numbers begin here, far above the episode files'
 * children of the same LA (docs/synth.md). */
#define CHILD_BASE 500000
#define IPF_ROUNDS 60

enum { CAT_IN_NEAR, CAT_IN_FAR, CAT_OUT_NEAR, CAT_OUT_FAR, CAT_NK, NCAT_ALL };
enum { B_TOTAL = HAVEN_PLACE_NCAT };

static const char *const breakdowns[HAVEN_PLACE_NCAT + 1] = {"Placed inside LA boundary less than 20 miles from home",
                                                             "Placed inside LA boundary more than 20 miles from home",
                                                             "Placed outside LA boundary less than 20 miles from home",
                                                             "Placed outside LA boundary more than 20 miles from home",
                                                             "Distance not known or not recorded",
                                                             "Total new placements"};
#define LOCATION "Location of new placements during the year"

static const char *const ng_chars[3] = {
    "1. Children who are the responsibility of other LAs placed within this LA boundary",
    "2. Children who are the responsibility of this LA placed outside the LA boundary",
    "Net gain of children by responsible LA"};
enum { NG_IN, NG_OUT, NG_NET };

enum { V_NONE, V_NUM, V_SUPPRESSED, V_NA };

typedef struct punit {
	char code[10];
	int year;
	int64_t v[HAVEN_PLACE_NCAT + 1];
	int vs[HAVEN_PLACE_NCAT + 1];
} punit;

static int cmp_punit(const void *a, const void *b)
{
	const punit *x = a, *y = b;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* A DfE value: a count, suppressed, or not applicable; 0 and an error for
 * anything else. */
static int parse_value(const char *num, int64_t *v, int *vs)
{
	if (*num && strspn(num, "0123456789") == strlen(num) && strlen(num) < 10) {
		*v = atoll(num);
		*vs = V_NUM;
	} else if (strcmp(num, "c") == 0 || strcmp(num, "k") == 0 || strcmp(num, "low") == 0) {
		*vs = V_SUPPRESSED;
	} else if (strcmp(num, "z") == 0 || strcmp(num, "x") == 0 || strcmp(num, ":") == 0 || strcmp(num, "u") == 0) {
		*vs = V_NA;
	} else if (*num == '-' && num[1] && strspn(num + 1, "0123456789") == strlen(num + 1) && strlen(num) < 10) {
		*v = atoll(num);
		*vs = V_NUM;
	} else {
		return 0;
	}
	return 1;
}

/* Read the rows of a DfE file whose characteristic (and breakdown) name one
 * of names[0..nnames): per LA code and year, v[k] of the k-th name.  With
 * bcol_name the names are breakdowns of the characteristic 'only'. */
static haven_status read_units(haven_ctx *ctx, const char *path, const char *what, const char *vcol_name,
                               const char *bcol_name, const char *only, const char *const *names, int nnames,
                               punit **out, size_t *nout)
{
	const char *c_year[] = {"time_period", NULL}, *c_level[] = {"geographic_level", NULL},
	           *c_code[] = {"new_la_code", NULL}, *c_char[] = {"characteristic", NULL},
	           *c_break[] = {bcol_name ? bcol_name : "breakdown", NULL}, *c_val[] = {vcol_name, NULL};
	hv_source *src = NULL;
	punit *u = NULL;
	size_t n = 0, cap = 0, last = 0;
	int cy, cl, cc, ch, cb, cv;
	haven_status rc = hv_source_open(ctx, path, &src);
	if (rc)
		return rc;
	if ((rc = hv_source_column(src, c_year, "time_period", &cy)) ||
	    (rc = hv_source_column(src, c_level, "geographic_level", &cl)) ||
	    (rc = hv_source_column(src, c_code, "new_la_code", &cc)) ||
	    (rc = hv_source_column(src, c_char, "characteristic", &ch)) ||
	    (rc = hv_source_column(src, c_val, vcol_name, &cv)))
		goto out;
	cb = -1;
	if (bcol_name && (rc = hv_source_column(src, c_break, bcol_name, &cb)))
		goto out;
	const int need[] = {cy, cl, cc, ch, cv, bcol_name ? cb : 0};
	const char *need_names[] = {"time_period",    "geographic_level", "new_la_code",
	                            "characteristic", vcol_name,          bcol_name};
	for (size_t k = 0; k < sizeof need / sizeof need[0]; k++)
		if (need[k] < 0) {
			rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: no '%s' column; is this DfE's %s file?", path,
			              need_names[k], what);
			goto out;
		}
	int has;
	while (!(rc = hv_source_next(src, &has)) && has) {
		if (strcmp(hv_source_field(src, cl), "Local authority") != 0)
			continue;
		const char *label = hv_source_field(src, bcol_name ? cb : ch);
		if (bcol_name && strcmp(hv_source_field(src, ch), only) != 0)
			continue;
		int k = -1;
		for (int i = 0; i < nnames; i++)
			if (strcmp(label, names[i]) == 0)
				k = i;
		if (k < 0)
			continue;
		const char *code, *num = hv_source_field(src, cv);
		int year;
		if ((rc = hv_synth_dfe_row(src, cy, cc, &year, &code)))
			goto out;
		size_t i = last;
		if (!(i < n && u[i].year == year && !strcmp(u[i].code, code)))
			for (i = 0; i < n && (u[i].year != year || strcmp(u[i].code, code)); i++)
				;
		if (i == n) {
			if (!hv_grow(&u, n, &cap, sizeof *u, 512)) {
				rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
				goto out;
			}
			memset(&u[n], 0, sizeof u[n]);
			snprintf(u[n].code, sizeof u[n].code, "%s", code);
			u[n].year = year;
			n++;
		}
		last = i;
		if (!parse_value(num, &u[i].v[k], &u[i].vs[k])) {
			rc = hv_source_error(src, HAVEN_ERR_VALUE, "%s '%s' is neither a count nor a GSS symbol",
			                     vcol_name, num);
			goto out;
		}
	}
	if (rc)
		goto out;
	if (n == 0) {
		rc = hv_error(ctx, HAVEN_ERR_VALUE, "%s: no local authority has %s figures; is this DfE's %s file?",
		              path, what, what);
		goto out;
	}
	qsort(u, n, sizeof *u, cmp_punit);
	*out = u;
	*nout = n;
	u = NULL;
out:
	free(u);
	hv_source_close(src);
	return rc;
}

/* ---- postcode districts ---- */

typedef struct district {
	char code[8];
	double e, n;
	int64_t npc;
	long la; /* the LA its centroid lies in, -1 none */
} district;

static haven_status read_districts(haven_ctx *ctx, hv_areas *la, district **out, size_t *nout)
{
	sqlite3_stmt *st;
	district *d = NULL;
	size_t n = 0, cap = 0;
	double se = 0, sn = 0;
	haven_status rc = hv_prepare(ctx, "SELECT pc, e, n FROM postcode WHERE e IS NOT NULL ORDER BY pc", &st);
	if (rc)
		return rc;
	int r;
	/* ORDER BY pc keeps a district's postcodes together: the outward code
	 * ends at the space, which sorts before every letter and digit. */
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pc = (const char *)sqlite3_column_text(st, 0), *sp = pc ? strchr(pc, ' ') : NULL;
		if (!sp || sp == pc || (size_t)(sp - pc) >= sizeof d->code)
			continue;
		size_t len = (size_t)(sp - pc);
		if (!(n && strlen(d[n - 1].code) == len && memcmp(d[n - 1].code, pc, len) == 0)) {
			if (n) {
				d[n - 1].e = se / (double)d[n - 1].npc;
				d[n - 1].n = sn / (double)d[n - 1].npc;
			}
			if (!hv_grow(&d, n, &cap, sizeof *d, 4096)) {
				rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
				break;
			}
			memset(&d[n], 0, sizeof d[n]);
			memcpy(d[n].code, pc, len);
			se = sn = 0;
			n++;
		}
		se += sqlite3_column_double(st, 1);
		sn += sqlite3_column_double(st, 2);
		d[n - 1].npc++;
	}
	if (!rc && r != SQLITE_DONE)
		rc = hv_error_sql(ctx, "scanning postcodes");
	sqlite3_finalize(st);
	if (!rc && n) {
		d[n - 1].e = se / (double)d[n - 1].npc;
		d[n - 1].n = sn / (double)d[n - 1].npc;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		double dist;
		d[i].la = hv_areas_find(la, d[i].e, d[i].n);
		if (d[i].la < 0)
			d[i].la = hv_areas_nearest(la, d[i].e, d[i].n, 5000.0, &dist);
	}
	if (rc) {
		free(d);
		return rc;
	}
	*out = d;
	*nout = n;
	return HAVEN_OK;
}

/* ---- the generator's state ---- */

/* The candidate homes of one origin (a district of one LA), for a year. */
typedef struct slot {
	long la;
	int32_t district;
	int built;
	int32_t *list[3]; /* in and under 20 miles, in and over, out and under */
	size_t n[3];
	int64_t far_out; /* homes outside and over 20 miles */
} slot;

typedef struct plc {
	const char *code; /* DfE's code of the placing LA (the child's identifier) */
	int64_t child;
	int64_t start, end; /* days; end -1: current */
	int32_t pla;        /* la index */
	int32_t slot;       /* -1: not known */
	int32_t home;
	int32_t group;
	int32_t kid;    /* the child of the episode files it is; -1 none */
	uint8_t cat;    /* CAT_* as generated (after fallbacks) */
	uint8_t inside; /* for CAT_NK: at a home inside the placing LA */
} plc;

typedef struct group {
	int64_t n;
	double *s; /* per LA: expected weight of its homes */
	int32_t pla, slot;
	int band; /* 0 out and under 20, 1 out and over, 2 out, not known */
} group;

typedef struct counter {
	char code[10];
	int64_t next;
} counter;

typedef struct pgen {
	haven_ctx *ctx;
	const hv_synth_home *homes;
	size_t nh;
	hv_areas *la;
	size_t nla;
	const district *d;
	size_t nd;
	int32_t *slot_start; /* per LA: its slots [slot_start[a], slot_start[a + 1]) */
	slot *slots;
	size_t nslots;
	double *px, *py;      /* per LA: point on surface */
	int64_t *places;      /* per LA: places of all its homes */
	int32_t *elig, nelig; /* homes open by the start of the year */
	int32_t **la_homes;   /* per LA: its open homes */
	size_t *la_nhomes;
	double *w;    /* per LA: host weight */
	double *cumw; /* per open home: cumulative w * places */
	plc *p;
	size_t np, cap;
	group *g;
	size_t ng, gcap;
	int32_t *gid; /* (slot or nslots + la) * 3 + band -> group */
	counter *ct;
	size_t nct;
	uint8_t *no_home, *no_far; /* per LA: flags for the report */
	uint8_t *in_far;           /* per LA: a home inside it over 20 miles from one of its origins */
	const hv_synth_kid *kids;  /* the episode files' children */
	size_t nkids;
	int32_t *kid_group;           /* per kid: the same number for the same child_id */
	int64_t *kid_next;            /* per kid: the same child's first episode in a later year; -1 none */
	uint8_t *kid_used;            /* per group: given to a placement */
	int32_t *kid_start, *kid_idx; /* per LA: the year's kids [kid_start[a], kid_start[a + 1]) of kid_idx */
	haven_synth_report *rep;
} pgen;

static double hplaces(const hv_synth_home *h)
{
	return h->places > 0 ? (double)h->places : 1.0;
}

static haven_status nomem(pgen *g)
{
	return hv_error(g->ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* The candidate lists of slot s among the year's open homes. */
static haven_status slot_build(pgen *g, slot *s)
{
	if (s->built)
		return HAVEN_OK;
	const district *o = &g->d[s->district];
	for (int k = 0; k < 3; k++)
		if (!(s->list[k] = malloc((size_t)(g->nelig ? g->nelig : 1) * sizeof *s->list[k])))
			return nomem(g);
	for (int32_t i = 0; i < g->nelig; i++) {
		const hv_synth_home *h = &g->homes[g->elig[i]];
		double dist = hypot(h->e - o->e, h->n - o->n);
		int near = dist <= D20 - BAND_MARGIN, far = dist > D20 + BAND_MARGIN;
		if (h->la == s->la) {
			if (near)
				s->list[0][s->n[0]++] = g->elig[i];
			else if (far)
				s->list[1][s->n[1]++] = g->elig[i];
		} else if (near) {
			s->list[2][s->n[2]++] = g->elig[i];
		} else if (far) {
			s->far_out++;
		}
	}
	for (int k = 0; k < 3; k++) /* only what they hold */
		hv_resize(&s->list[k], s->n[k] ? s->n[k] : 1, sizeof *s->list[k]);
	s->built = 1;
	return HAVEN_OK;
}

static void slot_reset(slot *s)
{
	for (int k = 0; k < 3; k++) {
		free(s->list[k]);
		s->list[k] = NULL;
		s->n[k] = 0;
	}
	s->far_out = 0;
	s->built = 0;
}

static int feasible(const slot *s, int cat)
{
	switch (cat) {
	case CAT_IN_NEAR: return s->n[0] > 0;
	case CAT_IN_FAR: return s->n[1] > 0;
	case CAT_OUT_NEAR: return s->n[2] > 0;
	default: return s->far_out > 0;
	}
}

/* The category a placement of category cat from slot s gets: cat when the
 * geography allows it, else the nearest one that it does. */
static int fallback(const slot *s, int cat)
{
	static const int order[4][4] = {{CAT_IN_NEAR, CAT_OUT_NEAR, CAT_OUT_FAR, CAT_IN_FAR},
	                                {CAT_IN_FAR, CAT_IN_NEAR, CAT_OUT_FAR, CAT_OUT_NEAR},
	                                {CAT_OUT_NEAR, CAT_OUT_FAR, CAT_IN_NEAR, CAT_IN_FAR},
	                                {CAT_OUT_FAR, CAT_OUT_NEAR, CAT_IN_FAR, CAT_IN_NEAR}};
	for (int k = 0; k < 4; k++)
		if (feasible(s, order[cat][k]))
			return order[cat][k];
	return -1;
}

static haven_status push(pgen *g, plc **out)
{
	if (!hv_grow(&g->p, g->np, &g->cap, sizeof *g->p, 16384))
		return nomem(g);
	*out = &g->p[g->np++];
	memset(*out, 0, sizeof **out);
	return HAVEN_OK;
}

static int64_t *child_counter(pgen *g, const char *code)
{
	for (size_t i = 0; i < g->nct; i++)
		if (strcmp(g->ct[i].code, code) == 0)
			return &g->ct[i].next;
	counter *nc = realloc(g->ct, (g->nct + 1) * sizeof *nc);
	if (!nc)
		return NULL;
	g->ct = nc;
	snprintf(g->ct[g->nct].code, sizeof g->ct[0].code, "%s", code);
	g->ct[g->nct].next = CHILD_BASE;
	return &g->ct[g->nct++].next;
}

/* The five figures of an LA-year scaled to n placements, exactly
 * (largest remainder; a suppressed cell shares what the total leaves). */
static int64_t scale_unit(const punit *u, double share, const double *england, const int *possible,
                          int64_t cnt[HAVEN_PLACE_NCAT])
{
	double wt[HAVEN_PLACE_NCAT], known = 0, sum = 0, sup = 0;
	for (int c = 0; c < HAVEN_PLACE_NCAT; c++) {
		wt[c] = u->vs[c] == V_NUM && u->v[c] > 0 ? (double)u->v[c] : 0;
		known += wt[c];
		if (u->vs[c] == V_SUPPRESSED && possible[c])
			sup += england[c];
	}
	/* What the total leaves, shared by the suppressed cells the geography
	 * can give, in England's proportions. */
	double rest = (double)u->v[B_TOTAL] - known;
	for (int c = 0; c < HAVEN_PLACE_NCAT; c++) {
		if (u->vs[c] == V_SUPPRESSED)
			wt[c] = rest > 0 && possible[c] && sup > 0 ? rest * england[c] / sup : 0;
		sum += wt[c];
	}
	int64_t n = llround((double)u->v[B_TOTAL] * share), given = 0;
	if (n <= 0 || sum <= 0)
		return 0;
	double rem[HAVEN_PLACE_NCAT];
	for (int c = 0; c < HAVEN_PLACE_NCAT; c++) {
		double x = (double)n * wt[c] / sum;
		cnt[c] = (int64_t)floor(x);
		rem[c] = x - (double)cnt[c];
		given += cnt[c];
	}
	while (given < n) {
		int best = 0;
		for (int c = 1; c < HAVEN_PLACE_NCAT; c++)
			if (rem[c] > rem[best])
				best = c;
		cnt[best]++;
		rem[best] = -1;
		given++;
	}
	return n;
}

/* Pass 1 for one LA-year: its placements, children, dates and origins. */
static haven_status gen_unit(pgen *g, const punit *u, const long tg[2], int ntg, double share, const double *england,
                             uint64_t seed, int64_t year_start, int64_t ndays)
{
	int64_t cnt[HAVEN_PLACE_NCAT] = {0};
	/* Which categories the LA's geography can give at all (for a split
	 * county, either successor's). */
	int possible[HAVEN_PLACE_NCAT] = {0, 0, 1, 1, 1};
	for (int k = 0; k < ntg; k++) {
		possible[CAT_IN_NEAR] |= g->la_nhomes[tg[k]] > 0;
		possible[CAT_IN_FAR] |= g->in_far[tg[k]];
	}
	int64_t n = scale_unit(u, share, england, possible, cnt);
	if (n == 0)
		return HAVEN_OK;
	haven_synth_report *rep = g->rep;
	rep->placement_la_years++;
	for (int c = 0; c < HAVEN_PLACE_NCAT; c++)
		rep->placement_target[c] += cnt[c];
	uint64_t rng = seed ^ 0x706C61636573ULL ^ ((uint64_t)(unsigned)u->year * UINT64_C(0x100000001B3));
	for (const char *q = u->code; *q; q++)
		rng = (rng ^ (uint64_t)(unsigned char)*q) * UINT64_C(0x100000001B3);
	hv_synth_rnd(&rng);
	/* The not-known placements' homes: inside the LA in the share its
	 * known placements are. */
	double in_known = (double)(cnt[0] + cnt[1]), known = (double)(cnt[0] + cnt[1] + cnt[2] + cnt[3]);
	int64_t nk_in = known > 0 ? llround((double)cnt[CAT_NK] * in_known / known) : 0;
	/* Labels 0-3 known categories, 4 not known inside, 5 not known outside:
	 * known ones first, then shuffled within each kind. */
	uint8_t *lab = malloc((size_t)n);
	if (!lab)
		return nomem(g);
	int64_t nknown = n - cnt[CAT_NK], j = 0;
	for (int c = 0; c < 4; c++)
		for (int64_t i = 0; i < cnt[c]; i++)
			lab[j++] = (uint8_t)c;
	for (int64_t i = 0; i < cnt[CAT_NK]; i++)
		lab[j++] = (uint8_t)(i < nk_in ? 4 : 5);
	for (int64_t i = nknown - 1; i > 0; i--) {
		int64_t r = hv_synth_below(&rng, i + 1);
		uint8_t t = lab[i];
		lab[i] = lab[r];
		lab[r] = t;
	}
	for (int64_t i = n - 1; i > nknown; i--) {
		int64_t r = nknown + hv_synth_below(&rng, i - nknown + 1);
		uint8_t t = lab[i];
		lab[i] = lab[r];
		lab[r] = t;
	}
	int64_t *ctr = child_counter(g, u->code);
	haven_status rc = ctr ? HAVEN_OK : nomem(g);
	for (int64_t i = 0; i < n && !rc;) {
		/* A child: one, two or three placements of the same kind. */
		double v = hv_synth_unif(&rng);
		int64_t k = v < P_ONE ? 1 : v < P_ONE + P_TWO ? 2 : 3;
		int64_t lim = i < nknown ? nknown : n;
		if (i + k > lim)
			k = lim - i;
		long pla = tg[0];
		if (ntg == 2 && hv_synth_unif(&rng) * (double)(g->places[tg[0]] + g->places[tg[1]] + 2) >=
		                    (double)(g->places[tg[0]] + 1))
			pla = tg[1];
		int64_t child = ++*ctr;
		g->rep->placement_children++;
		/* Dates: k days of the year in order, each placement ending the
		 * day the next begins; the last lasts a log-normal while. */
		int64_t days[3];
		for (int64_t a = 0; a < k; a++)
			days[a] = hv_synth_below(&rng, ndays);
		for (int64_t a = 1; a < k; a++)
			for (int64_t b = a; b > 0 && days[b] < days[b - 1]; b--) {
				int64_t t = days[b];
				days[b] = days[b - 1];
				days[b - 1] = t;
			}
		for (int64_t a = 1; a < k; a++)
			if (days[a] <= days[a - 1])
				days[a] = days[a - 1] + 1;
		for (int64_t a = k - 1; a >= 0; a--) {
			int64_t top = a == k - 1 ? ndays - 1 : days[a + 1] - 1;
			if (days[a] > top)
				days[a] = top;
		}
		double dur = exp(log(150.0) + 0.9 * hv_synth_gauss(&rng));
		int64_t last_end = year_start + days[k - 1] + (dur < 1 ? 1 : dur > 2000 ? 2000 : (int64_t)dur);
		/* The origin: a district of the placing LA where every category of
		 * the child's placements can be met, if one is found. */
		int32_t sl = -1;
		if (i < nknown) {
			int32_t s0 = g->slot_start[pla], s1 = g->slot_start[pla + 1];
			double tot = 0;
			for (int32_t s = s0; s < s1; s++)
				tot += (double)g->d[g->slots[s].district].npc;
			int best = -1;
			for (int tries = 0; tries < 12 && !rc; tries++) {
				double r = hv_synth_unif(&rng) * tot;
				int32_t s = s0;
				for (; s + 1 < s1 && r >= (double)g->d[g->slots[s].district].npc; s++)
					r -= (double)g->d[g->slots[s].district].npc;
				if ((rc = slot_build(g, &g->slots[s])))
					break;
				int ok = 0;
				for (int64_t a = 0; a < k; a++)
					ok += feasible(&g->slots[s], lab[i + a]);
				if (ok > best)
					best = ok, sl = s;
				if (ok == k)
					break;
			}
		}
		for (int64_t a = 0; a < k && !rc; a++) {
			plc *x = NULL;
			if ((rc = push(g, &x)))
				break;
			x->code = u->code;
			x->child = child;
			x->pla = (int32_t)pla;
			x->start = year_start + days[a];
			x->end = a + 1 < k ? year_start + days[a + 1] : last_end;
			x->home = -1;
			x->group = -1;
			x->kid = -1;
			x->slot = sl;
			int c = lab[i + a];
			if (c >= 4) {
				x->cat = CAT_NK;
				x->inside = c == 4 && g->la_nhomes[pla] > 0;
				if (c == 4 && !x->inside)
					g->no_home[pla] = 1;
				g->rep->placement_not_known_inside += x->inside;
				continue;
			}
			int f = fallback(&g->slots[sl], c);
			if (f < 0) {
				rc = hv_error(g->ctx, HAVEN_ERR_NOT_FOUND,
				              "no home of the register was open in the year ending March %d", u->year);
				break;
			}
			if (f != c) {
				g->rep->placement_fallbacks++;
				if (g->la_nhomes[pla] == 0)
					g->no_home[pla] = 1;
				else if (c == CAT_IN_FAR)
					g->no_far[pla] = 1;
			}
			x->cat = (uint8_t)f;
		}
		i += k;
	}
	free(lab);
	return rc;
}

/* The group of out-of-area placement x, made on first use with the expected
 * weight of every host LA's homes. */
static haven_status group_of(pgen *g, plc *x)
{
	int band = x->cat == CAT_OUT_NEAR ? 0 : x->cat == CAT_OUT_FAR ? 1 : 2;
	size_t key = ((x->slot >= 0 ? (size_t)x->slot : g->nslots + (size_t)x->pla) * 3) + (size_t)band;
	if (g->gid[key] >= 0) {
		x->group = g->gid[key];
		g->g[x->group].n++;
		return HAVEN_OK;
	}
	if (!hv_grow(&g->g, g->ng, &g->gcap, sizeof *g->g, 1024))
		return nomem(g);
	group *gr = &g->g[g->ng];
	memset(gr, 0, sizeof *gr);
	if (!(gr->s = calloc(g->nla, sizeof *gr->s)))
		return nomem(g);
	gr->pla = x->pla;
	gr->slot = x->slot;
	gr->band = band;
	gr->n = 1;
	if (band == 0) {
		const slot *s = &g->slots[x->slot];
		for (size_t i = 0; i < s->n[2]; i++)
			gr->s[g->homes[s->list[2][i]].la] += hplaces(&g->homes[s->list[2][i]]);
	} else {
		double oe, on;
		if (band == 1)
			oe = g->d[g->slots[x->slot].district].e, on = g->d[g->slots[x->slot].district].n;
		else
			oe = g->px[x->pla], on = g->py[x->pla];
		for (int32_t i = 0; i < g->nelig; i++) {
			const hv_synth_home *h = &g->homes[g->elig[i]];
			if (h->la == x->pla)
				continue;
			double dist = hypot(h->e - oe, h->n - on);
			if (band == 1 && dist <= D20 + BAND_MARGIN)
				continue;
			gr->s[h->la] += hplaces(h) * exp(-(dist - (band == 1 ? D20 : 0)) / DECAY);
		}
	}
	x->group = (int32_t)g->ng;
	g->gid[key] = (int32_t)g->ng++;
	return HAVEN_OK;
}

/* Host weights fitted so that each LA receives its target. */
static void fit_hosts(pgen *g, const double *target)
{
	double *e = calloc(g->nla, sizeof *e);
	if (!e)
		return;
	for (size_t a = 0; a < g->nla; a++)
		g->w[a] = 1;
	for (int round = 0; round < IPF_ROUNDS; round++) {
		memset(e, 0, g->nla * sizeof *e);
		for (size_t k = 0; k < g->ng; k++) {
			const group *gr = &g->g[k];
			double tot = 0;
			for (size_t a = 0; a < g->nla; a++)
				tot += g->w[a] * gr->s[a];
			if (tot <= 0)
				continue;
			for (size_t a = 0; a < g->nla; a++)
				if (gr->s[a] > 0)
					e[a] += (double)gr->n * g->w[a] * gr->s[a] / tot;
		}
		for (size_t a = 0; a < g->nla; a++) {
			if (e[a] <= 0)
				continue;
			double f = target[a] / e[a];
			g->w[a] *= f < 0.05 ? 0.05 : f > 20 ? 20 : f;
			if (g->w[a] < 1e-4)
				g->w[a] = 1e-4;
			if (g->w[a] > 1e4)
				g->w[a] = 1e4;
		}
	}
	free(e);
}

/* A home from list (n) by places, times the host weight when weighted. */
static int32_t pick_list(pgen *g, const int32_t *list, size_t n, int weighted, uint64_t *rng)
{
	double tot = 0;
	for (size_t i = 0; i < n; i++)
		tot += hplaces(&g->homes[list[i]]) * (weighted ? g->w[g->homes[list[i]].la] : 1);
	double r = hv_synth_unif(rng) * tot;
	for (size_t i = 0; i < n; i++) {
		r -= hplaces(&g->homes[list[i]]) * (weighted ? g->w[g->homes[list[i]].la] : 1);
		if (r < 0)
			return list[i];
	}
	return n ? list[n - 1] : -1;
}

/* A home outside LA pla, from (oe, on): beyond 20 miles when far, falling
 * off with distance, by host weight and places. */
static int32_t pick_out(pgen *g, int32_t pla, double oe, double on, int far, uint64_t *rng)
{
	double base = far ? D20 : 0;
	for (int tries = 0; tries < 4000; tries++) {
		int64_t i = hv_synth_pick(g->cumw, g->nelig, hv_synth_unif(rng) * g->cumw[g->nelig - 1]);
		const hv_synth_home *h = &g->homes[g->elig[i]];
		double dist = hypot(h->e - oe, h->n - on);
		if (h->la == pla || (far && dist <= D20 + BAND_MARGIN))
			continue;
		if (hv_synth_unif(rng) < exp(-(dist - base) / DECAY))
			return g->elig[i];
	}
	/* Rarely reached: the nearest home that qualifies. */
	int32_t best = -1;
	double bd = INFINITY;
	for (int32_t i = 0; i < g->nelig; i++) {
		const hv_synth_home *h = &g->homes[g->elig[i]];
		double dist = hypot(h->e - oe, h->n - on);
		if (h->la != pla && (!far || dist > D20 + BAND_MARGIN) && dist < bd)
			bd = dist, best = g->elig[i];
	}
	return best;
}

/* A home for placement x, of its category. */
static int32_t pick_home(pgen *g, const plc *x, uint64_t *rng)
{
	const slot *s = x->slot >= 0 ? &g->slots[x->slot] : NULL;
	switch (x->cat) {
	case CAT_IN_NEAR:
	case CAT_IN_FAR: return pick_list(g, s->list[x->cat], s->n[x->cat], 0, rng);
	case CAT_OUT_NEAR: return pick_list(g, s->list[2], s->n[2], 1, rng);
	case CAT_OUT_FAR: return pick_out(g, x->pla, g->d[s->district].e, g->d[s->district].n, 1, rng);
	default:
		if (x->inside)
			return pick_list(g, g->la_homes[x->pla], g->la_nhomes[x->pla], 0, rng);
		return pick_out(g, x->pla, g->px[x->pla], g->py[x->pla], 0, rng);
	}
}

/* 1 if home h gives placement x its category. */
static int fits(const pgen *g, const plc *x, int32_t h)
{
	const hv_synth_home *home = &g->homes[h];
	int inside = home->la == x->pla;
	if (x->cat == CAT_NK)
		return inside == x->inside;
	const district *o = &g->d[g->slots[x->slot].district];
	double dist = hypot(home->e - o->e, home->n - o->n);
	int near = dist <= D20 - BAND_MARGIN, far = dist > D20 + BAND_MARGIN;
	switch (x->cat) {
	case CAT_IN_NEAR: return inside && near;
	case CAT_IN_FAR: return inside && far;
	case CAT_OUT_NEAR: return !inside && near;
	default: return !inside && far;
	}
}

/* Placement x (of a child placed once in the year starting year_start) as
 * a child of the episode files placed by the same LA whose first home of
 * the year gives its category: their child_id and home, dates around their
 * episodes there, ending before they go missing from another home (after
 * a move, or in a later year).  Each child_id is given once.  1 if one was
 * found. */
static int link_kid(pgen *g, plc *x, int64_t year_start, uint64_t *rng)
{
	for (int32_t j = g->kid_start[x->pla]; j < g->kid_start[x->pla + 1]; j++) {
		int32_t k = g->kid_idx[j];
		const hv_synth_kid *c = &g->kids[k];
		if (g->kid_used[g->kid_group[k]] || !fits(g, x, c->home))
			continue;
		g->kid_used[g->kid_group[k]] = 1;
		x->kid = k;
		x->home = c->home;
		int64_t lo = g->homes[c->home].reg_day > year_start ? g->homes[c->home].reg_day : year_start;
		x->start = lo + hv_synth_below(rng, c->first_day - lo + 1);
		if (x->end <= c->last_day)
			x->end = c->last_day + 1 + hv_synth_below(rng, 60);
		if (c->move_day >= 0 && x->end > c->move_day)
			x->end = c->move_day;
		if (g->kid_next[k] >= 0 && x->end > g->kid_next[k])
			x->end = g->kid_next[k];
		g->rep->placement_linked++;
		return 1;
	}
	return 0;
}

typedef struct kid_key {
	const char *id;
	int32_t k;
} kid_key;

static int cmp_kid_key(const void *a, const void *b)
{
	const kid_key *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* Number the kids by child_id (one child may go missing in several years). */
static haven_status group_kids(pgen *g)
{
	kid_key *kk = malloc((g->nkids ? g->nkids : 1) * sizeof *kk);
	if (!kk || !(g->kid_group = malloc((g->nkids ? g->nkids : 1) * sizeof *g->kid_group)) ||
	    !(g->kid_used = calloc(g->nkids ? g->nkids : 1, 1)) ||
	    !(g->kid_idx = malloc((g->nkids ? g->nkids : 1) * sizeof *g->kid_idx)) ||
	    !(g->kid_start = calloc(g->nla + 1, sizeof *g->kid_start)) ||
	    !(g->kid_next = malloc((g->nkids ? g->nkids : 1) * sizeof *g->kid_next))) {
		free(kk);
		return nomem(g);
	}
	for (size_t i = 0; i < g->nkids; i++)
		kk[i] = (kid_key){g->kids[i].id, (int32_t)i};
	qsort(kk, g->nkids, sizeof *kk, cmp_kid_key);
	int32_t grp = -1;
	for (size_t i = 0; i < g->nkids; i++) {
		int same = i > 0 && strcmp(kk[i].id, kk[i - 1].id) == 0;
		grp += !same;
		g->kid_group[kk[i].k] = grp;
		g->kid_next[kk[i].k] = -1;
		if (same) /* kids are in order of year */
			g->kid_next[kk[i - 1].k] = g->kids[kk[i].k].first_day;
	}
	free(kk);
	return HAVEN_OK;
}

/* The kids of year y by placing LA, in their order. */
static void index_kids(pgen *g, int y)
{
	memset(g->kid_start, 0, (g->nla + 1) * sizeof *g->kid_start);
	for (size_t i = 0; i < g->nkids; i++)
		if (g->kids[i].year == y)
			g->kid_start[g->kids[i].pla + 1]++;
	for (size_t a = 0; a < g->nla; a++)
		g->kid_start[a + 1] += g->kid_start[a];
	int32_t *fill = g->kid_idx;
	size_t *pos = calloc(g->nla, sizeof *pos);
	if (!pos) { /* no linking this year: nothing is wrong without it */
		memset(g->kid_start, 0, (g->nla + 1) * sizeof *g->kid_start);
		return;
	}
	for (size_t i = 0; i < g->nkids; i++)
		if (g->kids[i].year == y)
			fill[g->kid_start[g->kids[i].pla] + (int32_t)pos[g->kids[i].pla]++] = (int32_t)i;
	free(pos);
}

/* The net gain figures of the year nearest y in the file, per LA:
 * out (children it placed outside) and net. */
static void netgain_year(pgen *g, const punit *ng, size_t nng, int y, double *out, double *net)
{
	int best = 0;
	for (size_t i = 0; i < nng; i++)
		if (best == 0 || abs(ng[i].year - y) < abs(best - y) ||
		    (abs(ng[i].year - y) == abs(best - y) && ng[i].year < best))
			best = ng[i].year;
	memset(out, 0, g->nla * sizeof *out);
	memset(net, 0, g->nla * sizeof *net);
	for (size_t i = 0; i < nng; i++) {
		const punit *u = &ng[i];
		if (u->year != best || u->vs[NG_NET] != V_NUM || u->vs[NG_OUT] != V_NUM)
			continue;
		long tg[2];
		int nt = hv_synth_la_targets(g->la, u->code, tg);
		double tot = 0;
		for (int k = 0; k < nt; k++)
			tot += (double)g->places[tg[k]] + 1;
		for (int k = 0; k < nt; k++) {
			double f = ((double)g->places[tg[k]] + 1) / tot;
			out[tg[k]] += f * (double)u->v[NG_OUT];
			net[tg[k]] += f * (double)u->v[NG_NET];
		}
	}
}

static int cmp_plc(const void *a, const void *b)
{
	const plc *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	if (x->child != y->child)
		return x->child < y->child ? -1 : 1;
	return 0;
}

/* Passes 1 and 2 for the year ending March y. */
static haven_status gen_year(pgen *g, const punit *u, size_t nu, const punit *ng, size_t nng, double share,
                             uint64_t seed, int y)
{
	haven_status rc = HAVEN_OK;
	int64_t year_start = hv_days_from_civil(y - 1, 4, 1), ndays = hv_days_from_civil(y, 4, 1) - year_start;
	size_t first = g->np;
	double *target = NULL, *out = NULL, *net = NULL, *exports = NULL;
	/* The homes open at the start of the year. */
	g->nelig = 0;
	for (size_t a = 0; a < g->nla; a++)
		g->la_nhomes[a] = 0;
	for (size_t h = 0; h < g->nh; h++)
		if (g->homes[h].reg_day <= year_start) {
			g->elig[g->nelig++] = (int32_t)h;
			g->la_homes[g->homes[h].la][g->la_nhomes[g->homes[h].la]++] = (int32_t)h;
		}
	for (size_t s = 0; s < g->nslots; s++)
		slot_reset(&g->slots[s]);
	for (size_t k = 0; k < g->ng; k++)
		free(g->g[k].s);
	g->ng = 0;
	for (size_t k = 0; k < (g->nslots + g->nla) * 3; k++)
		g->gid[k] = -1;
	if (g->nelig == 0)
		return hv_error(g->ctx, HAVEN_ERR_NOT_FOUND, "no home of the register was open on 1 April %d", y - 1);
	for (size_t a = 0; a < g->nla; a++) {
		g->in_far[a] = 0;
		for (int32_t s = g->slot_start[a]; s < g->slot_start[a + 1] && !g->in_far[a]; s++) {
			const district *o = &g->d[g->slots[s].district];
			for (size_t k = 0; k < g->la_nhomes[a] && !g->in_far[a]; k++) {
				const hv_synth_home *h = &g->homes[g->la_homes[a][k]];
				g->in_far[a] = hypot(h->e - o->e, h->n - o->n) > D20 + BAND_MARGIN;
			}
		}
	}
	/* England's figures of the year: the sums of the LAs' published ones. */
	double england[HAVEN_PLACE_NCAT] = {0};
	for (size_t i = 0; i < nu; i++)
		for (int c = 0; c < HAVEN_PLACE_NCAT && u[i].year == y; c++)
			if (u[i].vs[c] == V_NUM)
				england[c] += (double)u[i].v[c];
	for (size_t i = 0; i < nu && !rc; i++) {
		if (u[i].year != y)
			continue;
		if (u[i].vs[B_TOTAL] != V_NUM) {
			g->rep->placement_la_years_suppressed += u[i].vs[B_TOTAL] == V_SUPPRESSED;
			continue;
		}
		long tg[2];
		int nt = hv_synth_la_targets(g->la, u[i].code, tg);
		if (nt == 0) {
			if (u[i].v[B_TOTAL] > 0)
				hv_notice(g->ctx,
				          "%s has no 'la' boundary in the store: its %d placements are not generated",
				          u[i].code, y);
			continue;
		}
		rc = gen_unit(g, &u[i], tg, nt, share, england, seed, year_start, ndays);
	}
	if (rc)
		return rc;
	/* The host weights: each LA receives its exports plus its scaled net gain. */
	if (!(target = calloc(g->nla, sizeof *target)) || !(out = calloc(g->nla, sizeof *out)) ||
	    !(net = calloc(g->nla, sizeof *net)) || !(exports = calloc(g->nla, sizeof *exports))) {
		rc = nomem(g);
		goto done;
	}
	double nexp = 0;
	for (size_t i = first; i < g->np && !rc; i++) {
		plc *x = &g->p[i];
		if (x->cat == CAT_OUT_NEAR || x->cat == CAT_OUT_FAR || (x->cat == CAT_NK && !x->inside)) {
			exports[x->pla]++;
			nexp++;
			rc = group_of(g, x);
		}
	}
	if (rc)
		goto done;
	for (size_t a = 0; a < g->nla; a++)
		g->w[a] = 1;
	if (ng && nexp > 0) {
		netgain_year(g, ng, nng, y, out, net);
		double dout = 0, tsum = 0;
		for (size_t a = 0; a < g->nla; a++)
			dout += out[a];
		double k = dout > 0 ? nexp / dout : 0;
		for (size_t a = 0; a < g->nla; a++) {
			target[a] = g->la_nhomes[a] ? exports[a] + k * net[a] : 0;
			if (target[a] < 0)
				target[a] = 0;
			tsum += target[a];
		}
		for (size_t a = 0; a < g->nla && tsum > 0; a++)
			target[a] *= nexp / tsum;
		fit_hosts(g, target);
	}
	/* Pass 2: the homes. */
	double c = 0;
	for (int32_t i = 0; i < g->nelig; i++)
		g->cumw[i] = c += hplaces(&g->homes[g->elig[i]]) * g->w[g->homes[g->elig[i]].la];
	uint64_t rng = seed ^ 0x686F6D6573ULL ^ ((uint64_t)(unsigned)y * UINT64_C(0x100000001B3));
	hv_synth_rnd(&rng);
	double *got = exports; /* reused: placements each LA receives */
	memset(got, 0, g->nla * sizeof *got);
	if (g->nkids)
		index_kids(g, y);
	for (size_t i = first; i < g->np; i++) {
		plc *x = &g->p[i];
		/* A child's next placement is at another home, where there is one. */
		const plc *prev =
		    i > first && g->p[i - 1].child == x->child && g->p[i - 1].code == x->code ? &g->p[i - 1] : NULL;
		int alone = !prev && !(i + 1 < g->np && g->p[i + 1].child == x->child && g->p[i + 1].code == x->code);
		if (g->nkids && alone && link_kid(g, x, year_start, &rng))
			goto picked;
		for (int tries = 0; tries < 8 && (tries == 0 || (prev && x->home == prev->home)); tries++)
			x->home = pick_home(g, x, &rng);
	picked:
		if (x->home < 0) {
			rc =
			    hv_error(g->ctx, HAVEN_ERR_NOT_FOUND, "no home of the register for a placement by %s in %d",
			             hv_areas_code(g->la, x->pla), y);
			goto done;
		}
		if (g->homes[x->home].la != x->pla)
			got[g->homes[x->home].la]++;
	}
	if (ng && nexp > 0) {
		double dev = 0;
		for (size_t a = 0; a < g->nla; a++)
			dev += fabs(got[a] - target[a]);
		g->rep->placement_host_misfit += dev / 2;
	}
done:
	free(target);
	free(out);
	free(net);
	free(exports);
	return rc;
}

static haven_status write_rows(pgen *g, FILE *f)
{
	static const char *const cols[] = {"child_id", "placing_la", "urn", "start", "end", "origin_district"};
	haven_ctx *ctx = g->ctx;
	haven_table *t = NULL;
	qsort(g->p, g->np, sizeof *g->p, cmp_plc);
	haven_status rc = hv_table_new(ctx, "", HV_TABLE_PUBLIC, 6, cols, &t);
	/* A placement still open at the end of the last year has no end. */
	int64_t period_end = hv_days_from_civil(g->rep->placement_last_year, 4, 1);
	for (size_t i = 0; i < g->np && !rc; i++) {
		const plc *x = &g->p[i];
		char child[32], start[16], end[16];
		if (x->kid >= 0)
			snprintf(child, sizeof child, "%s", g->kids[x->kid].id);
		else
			snprintf(child, sizeof child, "%s-%06lld", x->code, (long long)x->child);
		hv_synth_fmt_day(x->start, start);
		int current = x->end >= period_end;
		if (!current)
			hv_synth_fmt_day(x->end, end);
		g->rep->placement_current += current;
		g->rep->placement_cat[x->cat]++;
		if ((rc = hv_table_add_row(ctx, t)) || (rc = hv_table_set_text(ctx, t, 0, child)) ||
		    (rc = hv_table_set_text(ctx, t, 1, hv_areas_code(g->la, x->pla))) ||
		    (rc = hv_table_set_text(ctx, t, 2, g->homes[x->home].urn)) ||
		    (rc = hv_table_set_text(ctx, t, 3, start)) ||
		    (rc = hv_table_set_text(ctx, t, 4, current ? NULL : end)) ||
		    (rc = hv_table_set_text(ctx, t, 5, x->slot >= 0 ? g->d[g->slots[x->slot].district].code : NULL)))
			break;
	}
	/* Invented children, no disclosed data: released as such. */
	if (!rc && !(rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR)))
		rc = haven_table_write(ctx, t, HAVEN_FMT_CSV, f);
	g->rep->placements = (int64_t)g->np;
	haven_table_free(t);
	return rc;
}

haven_status hv_synth_placements_check(haven_ctx *ctx, const haven_synth_placements *p, haven_synth_placements *out)
{
	*out = *p;
	if (out->share == 0)
		out->share = HAVEN_SYNTH_PLACEMENT_SHARE;
	if (!(out->share > 0 && out->share <= 1))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "the children's homes' share of new placements must be above 0 and at "
		                "most 1, not %g",
		                out->share);
	return HAVEN_OK;
}

haven_status hv_synth_placements_write(haven_ctx *ctx, const haven_synth_placements *p, uint64_t seed,
                                       const hv_synth_home *homes, size_t nh, hv_areas *la_areas,
                                       const hv_synth_kid *kids, size_t nkids, FILE *f, haven_synth_report *rep)
{
	pgen g = {.ctx = ctx,
	          .homes = homes,
	          .nh = nh,
	          .la = la_areas,
	          .nla = hv_areas_count(la_areas),
	          .kids = kids,
	          .nkids = nkids,
	          .rep = rep};
	punit *u = NULL, *ng = NULL;
	size_t nu = 0, nng = 0;
	district *d = NULL;
	size_t nd = 0;
	rep->placement_share = p->share;
	haven_status rc = read_units(ctx, p->dfe_path, "new placements by location", "children_count", "breakdown",
	                             LOCATION, breakdowns, HAVEN_PLACE_NCAT + 1, &u, &nu);
	if (rc)
		return rc;
	if (p->netgain_path && (rc = read_units(ctx, p->netgain_path, "placed inside or outside the LA (net gain)",
	                                        "number", NULL, NULL, ng_chars, 3, &ng, &nng)))
		goto out;
	if ((rc = read_districts(ctx, la_areas, &d, &nd)))
		goto out;
	if (nd == 0) {
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "the store's gazetteer has no postcode districts");
		goto out;
	}
	g.d = d;
	g.nd = nd;
	size_t nla = g.nla;
	g.slot_start = calloc(nla + 1, sizeof *g.slot_start);
	g.slots = calloc(nd + nla, sizeof *g.slots);
	g.px = calloc(nla, sizeof *g.px);
	g.py = calloc(nla, sizeof *g.py);
	g.places = calloc(nla, sizeof *g.places);
	g.elig = malloc((nh ? nh : 1) * sizeof *g.elig);
	g.la_homes = calloc(nla, sizeof *g.la_homes);
	g.la_nhomes = calloc(nla, sizeof *g.la_nhomes);
	g.w = calloc(nla, sizeof *g.w);
	g.cumw = malloc((nh ? nh : 1) * sizeof *g.cumw);
	g.gid = malloc((nd + 2 * nla) * 3 * sizeof *g.gid);
	g.no_home = calloc(nla, 1);
	g.no_far = calloc(nla, 1);
	g.in_far = calloc(nla, 1);
	if (!g.in_far || !g.slot_start || !g.slots || !g.px || !g.py || !g.places || !g.elig || !g.la_homes ||
	    !g.la_nhomes || !g.w || !g.cumw || !g.gid || !g.no_home || !g.no_far) {
		rc = nomem(&g);
		goto out;
	}
	size_t *nper = calloc(nla, sizeof *nper);
	if (!nper) {
		rc = nomem(&g);
		goto out;
	}
	for (size_t h = 0; h < nh; h++) {
		g.places[homes[h].la] += homes[h].places;
		nper[homes[h].la]++;
	}
	for (size_t a = 0; a < nla && !rc; a++)
		if (!(g.la_homes[a] = malloc((nper[a] ? nper[a] : 1) * sizeof *g.la_homes[a])))
			rc = nomem(&g);
	free(nper);
	/* Each LA's origins: the districts whose centroid lies in it, or the
	 * one nearest its point on surface. */
	for (size_t a = 0; a < nla && !rc; a++) {
		if ((rc = hv_areas_surface_point(ctx, la_areas, (long)a, &g.px[a], &g.py[a])))
			break;
		g.slot_start[a] = (int32_t)g.nslots;
		for (size_t i = 0; i < nd; i++)
			if (d[i].la == (long)a)
				g.slots[g.nslots++] = (slot){.la = (long)a, .district = (int32_t)i};
		if (g.slot_start[a] == (int32_t)g.nslots) {
			size_t best = 0;
			double bd = INFINITY;
			for (size_t i = 0; i < nd; i++) {
				double dist = hypot(d[i].e - g.px[a], d[i].n - g.py[a]);
				if (dist < bd)
					bd = dist, best = i;
			}
			g.slots[g.nslots++] = (slot){.la = (long)a, .district = (int32_t)best};
		}
	}
	if (rc)
		goto out;
	g.slot_start[nla] = (int32_t)g.nslots;
	if (nkids && (rc = group_kids(&g)))
		goto out;
	for (size_t i = 0; i < nu && !rc; i++) {
		if (i == 0 || u[i].year != u[i - 1].year) {
			if (!rep->placement_first_year)
				rep->placement_first_year = u[i].year;
			rep->placement_last_year = u[i].year;
			rc = gen_year(&g, u, nu, ng, nng, p->share, seed, u[i].year);
		}
	}
	if (rc)
		goto out;
	for (size_t a = 0; a < nla; a++) {
		rep->placement_no_home_las += g.no_home[a];
		rep->placement_no_far_las += g.no_far[a];
	}
	rc = write_rows(&g, f);
	if (!rc && ng) {
		int64_t outside = rep->placement_cat[CAT_OUT_NEAR] + rep->placement_cat[CAT_OUT_FAR] +
		                  rep->placement_cat[CAT_NK] - rep->placement_not_known_inside;
		rep->placement_host_misfit = outside > 0 ? rep->placement_host_misfit / (double)outside : 0;
	}
out:
	if (g.slots)
		for (size_t s = 0; s < g.nslots; s++)
			slot_reset(&g.slots[s]);
	for (size_t k = 0; k < g.ng; k++)
		free(g.g[k].s);
	free(g.g);
	if (g.la_homes)
		for (size_t a = 0; a < g.nla; a++)
			free(g.la_homes[a]);
	free(g.la_homes);
	free(g.la_nhomes);
	free(g.slot_start);
	free(g.slots);
	free(g.px);
	free(g.py);
	free(g.places);
	free(g.elig);
	free(g.w);
	free(g.cumw);
	free(g.gid);
	free(g.no_home);
	free(g.no_far);
	free(g.in_far);
	free(g.kid_group);
	free(g.kid_next);
	free(g.kid_used);
	free(g.kid_idx);
	free(g.kid_start);
	free(g.p);
	free(g.ct);
	free(d);
	free(u);
	free(ng);
	return rc;
}
