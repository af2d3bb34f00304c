/*
 * where.c - batch point-in-polygon: the area of one kind holding each point
 * of a file (haven where --points).
 *
 * Every answer is the one hv_areas_find and hv_areas_nearest give for the
 * point, as the single-point haven_boundaries_where does; most are found
 * without asking GEOS, through a grid laid over the areas:
 *
 *  - every boundary segment (each ring of each area) marks the cells whose
 *    closed box lies within EPS of it ("touched"), and those within
 *    near + EPS of it ("near"), by walking the segment column by column;
 *  - the untouched cells fall into 4-connected components.  No boundary
 *    meets a component, and a point can enter or leave a polygon only by
 *    crossing its boundary, so every point of a component is covered by the
 *    same set of areas: GEOS is asked once, at the centre of one of its
 *    cells, and that answer (the lowest index covering it, or none) holds for
 *    every point of every cell of the component;
 *  - a point in an untouched cell of a component in some area gets that
 *    area; in an untouched cell of a component in none, far (not "near")
 *    from every boundary, it is more than near metres from every area, so
 *    it gets none; a point beyond the grid, which reaches near + a cell
 *    past every area's envelope, gets none;
 *  - every other point (touched cells, and "near" cells outside every area)
 *    is asked of GEOS exactly as one point is.
 *
 * The marks are conservative: a cell is marked when the segment comes within
 * the pad in both x and y (a square around the segment, which holds the
 * round one), with EPS (a millimetre, a million times the rounding of the
 * arithmetic at these coordinates) added, so a point that rounding puts in
 * the next cell is still within what was proved of it.
 *
 * Two threads, as export.c's shaper: this one reads the file (the one
 * reader, source.c) in chunks of 65,536 points, transforms and checks each
 * chunk, and hands it over; the library's worker builds the grid meanwhile
 * (arithmetic on the rings copied beforehand), then, with a GEOS handle of
 * its own (the areas handed over with hv_areas_use), asks at each
 * component and answers the chunks in order as they come, writing each
 * chunk's rows of the output into memory.  This thread then writes them
 * out through output.c.  The worker never touches the context.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/where.h"
#include "core/crs.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "core/text.h"
#include "ref/areas.h"

#define EPS 1e-3             /* metres added to every mark's reach */
#define GRID_CELLS 8000000.0 /* about this many cells over the areas' extent */
#define GRID_MIN_CELL 25.0   /* metres: no finer than this */
#define TOUCH 1u
#define NEAR 2u
/* Values of grid.cell: an area's index below ASK. */
#define UNSET 0xFFFFu /* while labelling: not yet in a component */
#define NONE 0xFFFEu  /* in no area, and further than near from every one */
#define ASK 0xFFFDu   /* ask GEOS, as for one point */
#define MAX_COMP 0xFFFDu

/* ---- the grid ------------------------------------------------------------ */

typedef struct grid {
	double ox, oy, s; /* lower-left corner and cell size, metres */
	int w, h;
	double near;
	/* segments: the areas' rings as runs of coordinates */
	double *xy;   /* x0 y0 x1 y1 ... of every ring, one after another */
	size_t *ring; /* ring k is xy[2 * ring[k]] .. xy[2 * ring[k + 1]] (exclusive) */
	size_t nring;
	uint8_t *flag;  /* per cell: TOUCH, NEAR */
	uint16_t *cell; /* per cell: its component (UNSET when touched), then its answer */
	uint32_t *rep;  /* per component: one of its cells */
	uint32_t ncomp;
	int failed; /* out of memory in the worker */
} grid;

static void grid_free(grid *g)
{
	free(g->xy);
	free(g->ring);
	free(g->flag);
	free(g->cell);
	free(g->rep);
}

static int col_of(const grid *g, double x)
{
	double c = floor((x - g->ox) / g->s);
	return c < 0 ? 0 : c >= g->w ? g->w - 1 : (int)c;
}

static int row_of(const grid *g, double y)
{
	double r = floor((y - g->oy) / g->s);
	return r < 0 ? 0 : r >= g->h ? g->h - 1 : (int)r;
}

/* Mark bit on every cell whose box comes within pad (in x and in y) of the
 * segment (x0, y0)-(x1, y1): column by column, the part of the segment over
 * the column widened by pad, its y range widened by pad. */
static void mark(grid *g, double x0, double y0, double x1, double y1, double pad, uint8_t bit)
{
	double xa = fmin(x0, x1), xb = fmax(x0, x1);
	int c0 = col_of(g, xa - pad), c1 = col_of(g, xb + pad);
	for (int c = c0; c <= c1; c++) {
		double lo = fmax(g->ox + c * g->s - pad, xa), hi = fmin(g->ox + (c + 1) * g->s + pad, xb);
		double ya = y0, yb = y1;
		if (xb > xa) {
			if (lo > hi)
				lo = hi = fmin(fmax(lo, xa), xb);
			double ta = (lo - x0) / (x1 - x0), tb = (hi - x0) / (x1 - x0);
			ta = fmin(fmax(ta, 0.0), 1.0);
			tb = fmin(fmax(tb, 0.0), 1.0);
			ya = y0 + ta * (y1 - y0);
			yb = y0 + tb * (y1 - y0);
		}
		int r0 = row_of(g, fmin(ya, yb) - pad), r1 = row_of(g, fmax(ya, yb) + pad);
		for (int r = r0; r <= r1; r++)
			g->flag[(size_t)r * (size_t)g->w + (size_t)c] |= bit;
	}
}

/* A stack of cells still to fill from. */
typedef struct seeds {
	size_t *v, n, cap;
} seeds;

static int push(seeds *s, size_t k)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		size_t *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return 0;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = k;
	return 1;
}

/* Not touched, not yet in a component. */
static int open_cell(const grid *g, size_t k)
{
	return !(g->flag[k] & TOUCH) && g->cell[k] == UNSET;
}

/* Fill one 4-connected component of open cells from start (a scanline
 * fill: a run of a row at a time, seeds for the runs above and below). */
static int fill(grid *g, seeds *s, size_t start, uint16_t id)
{
	size_t w = (size_t)g->w;
	s->n = 0;
	if (!push(s, start))
		return 0;
	while (s->n) {
		size_t k = s->v[--s->n];
		if (!open_cell(g, k))
			continue;
		size_t r = k / w, l = k % w, e = l;
		while (l > 0 && open_cell(g, r * w + l - 1))
			l--;
		while (e + 1 < w && open_cell(g, r * w + e + 1))
			e++;
		for (size_t c = l; c <= e; c++)
			g->cell[r * w + c] = id;
		for (int d = -1; d <= 1; d += 2) {
			if ((d < 0 && r == 0) || (d > 0 && r + 1 >= (size_t)g->h))
				continue;
			size_t nr = (size_t)((ptrdiff_t)r + d);
			for (size_t c = l; c <= e; c++)
				if (open_cell(g, nr * w + c) && (c == l || !open_cell(g, nr * w + c - 1)) &&
				    !push(s, nr * w + c))
					return 0;
		}
	}
	return 1;
}

/* Label the untouched cells' 4-connected components.  Past MAX_COMP
 * components (areas by the tens of thousands), a cell is left to GEOS. */
static int label(grid *g)
{
	size_t n = (size_t)g->w * (size_t)g->h, rep_cap = 1024;
	seeds s = {NULL, 0, 0};
	g->rep = malloc(rep_cap * sizeof *g->rep);
	if (!g->rep)
		return 0;
	for (size_t k = 0; k < n; k++) {
		if (!open_cell(g, k))
			continue;
		if (g->ncomp == MAX_COMP) {
			g->flag[k] |= TOUCH;
			continue;
		}
		if (g->ncomp == rep_cap) {
			uint32_t *r = realloc(g->rep, 2 * rep_cap * sizeof *r);
			if (!r) {
				free(s.v);
				return 0;
			}
			g->rep = r;
			rep_cap *= 2;
		}
		g->rep[g->ncomp] = (uint32_t)k;
		if (!fill(g, &s, k, (uint16_t)g->ncomp)) {
			free(s.v);
			return 0;
		}
		g->ncomp++;
	}
	free(s.v);
	return 1;
}

/* Marks and components, from the copied rings only (the worker). */
static void build(grid *g)
{
	size_t n = (size_t)g->w * (size_t)g->h;
	g->flag = calloc(n, 1);
	g->cell = malloc(n * sizeof *g->cell);
	if (!g->flag || !g->cell) {
		g->failed = 1;
		return;
	}
	memset(g->cell, 0xFF, n * sizeof *g->cell); /* UNSET */
	for (size_t k = 0; k < g->nring; k++)
		for (size_t i = g->ring[k]; i + 1 < g->ring[k + 1]; i++) {
			const double *p = g->xy + 2 * i;
			mark(g, p[0], p[1], p[2], p[3], EPS, TOUCH);
			mark(g, p[0], p[1], p[2], p[3], g->near + EPS, NEAR);
		}
	if (!label(g))
		g->failed = 1;
}

/* Copy every ring of every area into g (this thread: GEOS), and size the
 * grid over the areas' extent widened by near and a cell. */
static haven_status grid_rings(haven_ctx *ctx, hv_areas *a, double near, grid *g)
{
	memset(g, 0, sizeof *g);
	g->near = near;
	double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	size_t npts = 0, nring = 0;
	size_t na = hv_areas_count(a);
	for (size_t i = 0; i < na; i++) {
		double a0, b0, a1, b1;
		hv_areas_bounds(a, (long)i, &a0, &b0, &a1, &b1);
		x0 = fmin(x0, a0);
		y0 = fmin(y0, b0);
		x1 = fmax(x1, a1);
		y1 = fmax(y1, b1);
		const GEOSGeometry *gm = hv_areas_geom(a, (long)i);
		int np = GEOSGetNumGeometries_r(ctx->geos, gm);
		for (int p = 0; p < np; p++) {
			const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx->geos, gm, p);
			int nh = GEOSGetNumInteriorRings_r(ctx->geos, poly);
			nring += (size_t)(nh + 1);
			npts += (size_t)GEOSGetNumCoordinates_r(ctx->geos, poly);
		}
	}
	g->xy = malloc((npts ? npts : 1) * 2 * sizeof *g->xy);
	g->ring = malloc((nring + 1) * sizeof *g->ring);
	if (!g->xy || !g->ring)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	size_t at = 0;
	for (size_t i = 0; i < na; i++) {
		const GEOSGeometry *gm = hv_areas_geom(a, (long)i);
		int np = GEOSGetNumGeometries_r(ctx->geos, gm);
		for (int p = 0; p < np; p++) {
			const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx->geos, gm, p);
			int nh = GEOSGetNumInteriorRings_r(ctx->geos, poly);
			for (int r = -1; r < nh; r++) {
				const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(ctx->geos, poly)
				                                 : GEOSGetInteriorRingN_r(ctx->geos, poly, r);
				const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(ctx->geos, ring) : NULL;
				unsigned int m = 0;
				if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &m) || at + m > npts)
					return hv_error(ctx, HAVEN_ERR_GEOS, "area %s: cannot read its rings: %s",
					                hv_areas_code(a, (long)i), ctx->geos_msg);
				g->ring[g->nring++] = at;
				for (unsigned int k = 0; k < m; k++, at++)
					if (!GEOSCoordSeq_getXY_r(ctx->geos, cs, k, &g->xy[2 * at], &g->xy[2 * at + 1]))
						return hv_error(ctx, HAVEN_ERR_GEOS,
						                "area %s: cannot read its rings: %s",
						                hv_areas_code(a, (long)i), ctx->geos_msg);
			}
		}
	}
	g->ring[g->nring] = at;
	/* Widened so that a point beyond the grid is further than near from
	 * every area's envelope, hence from every area. */
	double pad = near + 1.0;
	x0 -= pad;
	y0 -= pad;
	x1 += pad;
	y1 += pad;
	double s = sqrt((x1 - x0) * (y1 - y0) / GRID_CELLS);
	if (!(s >= GRID_MIN_CELL))
		s = GRID_MIN_CELL;
	g->s = s;
	g->w = (int)ceil((x1 - x0) / s) + 2;
	g->h = (int)ceil((y1 - y0) / s) + 2;
	g->ox = x0 - s;
	g->oy = y0 - s;
	return HAVEN_OK;
}

/* Ask GEOS at one cell of each component (the worker, through a's
 * handle), then put each cell's answer in place of its component.  0 when
 * out of memory. */
static int grid_answers(hv_areas *a, grid *g)
{
	uint16_t *ans = malloc(((size_t)g->ncomp + 1) * sizeof *ans);
	if (!ans)
		return 0;
	for (uint32_t k = 0; k < g->ncomp; k++) {
		size_t cell = g->rep[k];
		double x = g->ox + ((double)(cell % (size_t)g->w) + 0.5) * g->s;
		double y = g->oy + ((double)(cell / (size_t)g->w) + 0.5) * g->s;
		long i = hv_areas_find(a, x, y);
		ans[k] = i < 0 ? NONE : i < (long)ASK ? (uint16_t)i : ASK;
	}
	size_t n = (size_t)g->w * (size_t)g->h;
	for (size_t k = 0; k < n; k++) {
		uint8_t f = g->flag[k];
		uint16_t v = (f & TOUCH) ? ASK : ans[g->cell[k]];
		g->cell[k] = v == NONE && (f & NEAR) ? ASK : v;
	}
	free(ans);
	free(g->flag);
	g->flag = NULL;
	return 1;
}

/* ---- the points ---------------------------------------------------------- */

/* Points in chunks: this thread fills one at a time and hands it over
 * whole; the worker answers it and writes its rows of the output. */
#define CHUNK_POINTS 65536
#define CELL_OUT SIZE_MAX /* beyond the grid */
#define AHEAD 16          /* cells fetched this many points ahead */

typedef struct chunk {
	size_t n;
	double x[CHUNK_POINTS], y[CHUNK_POINTS];
	int64_t row[CHUNK_POINTS];
	size_t id[CHUNK_POINTS]; /* offsets into ids */
	char *ids;
	size_t ids_len, ids_cap;
	int32_t ans[CHUNK_POINTS]; /* each point's area, or -1 (the worker's) */
	size_t cell[CHUNK_POINTS]; /* each point's cell, or CELL_OUT (the worker's) */
} chunk;

/* What the two threads share: chunks [0, ready) are full and this thread
 * no longer touches them; the worker answers them in order, and this
 * thread writes chunks [0, answered) out. */
typedef struct job {
	grid g;
	hv_areas *a;
	chunk **v;
	size_t nv, cap_v;
	pthread_mutex_t mu;
	pthread_cond_t more;
	size_t ready, answered;
	pthread_cond_t done; /* answered or gone changed */
	int gone;            /* the worker has stopped */
	int finished;        /* no more chunks: the file is read, or reading failed */
	int stop;            /* reading failed: answer nothing more */
	int failed;          /* the worker ran out of memory or could not start GEOS */
	haven_where_report r;
} job;

static void chunk_free(chunk *c)
{
	if (!c)
		return;
	free(c->ids);
	free(c);
}

/* A new empty chunk at the end of j->v (this thread only: the worker reads
 * v[k] for k < ready, and v itself under the lock). */
static chunk *chunk_new(job *j)
{
	chunk *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_lock(&j->mu);
	if (j->nv == j->cap_v) {
		size_t cap = j->cap_v ? 2 * j->cap_v : 64;
		chunk **v = realloc(j->v, cap * sizeof *v);
		if (!v) {
			pthread_mutex_unlock(&j->mu);
			free(c);
			return NULL;
		}
		j->v = v;
		j->cap_v = cap;
	}
	j->v[j->nv++] = c;
	pthread_mutex_unlock(&j->mu);
	return c;
}

static int chunk_add(chunk *c, double x, double y, int64_t row, const char *id)
{
	size_t len = strlen(id) + 1;
	if (c->ids_len + len > c->ids_cap) {
		size_t cap = c->ids_cap ? c->ids_cap : 1 << 19;
		while (cap < c->ids_len + len)
			cap *= 2;
		char *ni = realloc(c->ids, cap);
		if (!ni)
			return 0;
		c->ids = ni;
		c->ids_cap = cap;
	}
	memcpy(c->ids + c->ids_len, id, len);
	c->id[c->n] = c->ids_len;
	c->ids_len += len;
	c->x[c->n] = x;
	c->y[c->n] = y;
	c->row[c->n] = row;
	c->n++;
	return 1;
}

/* The column named name, or an error listing the file's columns. */
static haven_status need_column(haven_ctx *ctx, hv_source *src, const char *name, const char *what, int *out)
{
	const char *const cand[] = {name, NULL};
	*out = hv_source_find(src, cand);
	if (*out >= 0)
		return HAVEN_OK;
	char cols[400] = "";
	size_t used = 0;
	for (int i = 0; i < hv_source_ncols(src) && used + 1 < sizeof cols; i++) {
		int k = snprintf(cols + used, sizeof cols - used, "%s%s", i ? ", " : "", hv_source_colname(src, i));
		used += k > 0 ? (size_t)k : 0;
	}
	return hv_error(ctx, HAVEN_ERR_MISSING, "%s: row 1: no column '%s' (%s); its columns are: %s",
	                hv_source_path(src), name, what, cols);
}

static haven_status coordinate(hv_source *src, int col, const char *name, double *v)
{
	const char *s = hv_source_field(src, col);
	if (!*s)
		return hv_source_error(src, HAVEN_ERR_MISSING,
		                       "column '%s' is empty: every point needs both coordinates", name);
	if (!hv_parse_decimal(s, v))
		return hv_source_error(src, HAVEN_ERR_VALUE, "column '%s' is '%.40s', not a number", name, s);
	return HAVEN_OK;
}

static int is_bng(const char *crs)
{
	return !crs || strcmp(crs, "EPSG:27700") == 0 || strcmp(crs, "epsg:27700") == 0;
}

/* A full chunk into EPSG:27700 (pj NULL: it is already), every point then
 * checked to lie in Great Britain: the check that catches a wrong (or
 * missing) --crs, as the loaders' does. */
static haven_status to_bng(haven_ctx *ctx, const haven_where_opts *o, hv_source *src, PJ *pj, chunk *c)
{
	if (pj && c->n) {
		haven_status rc = hv_crs_points(ctx, pj, c->x, c->y, c->n);
		for (size_t i = 0; rc && i < c->n; i++)
			if (!isfinite(c->x[i]) || !isfinite(c->y[i]))
				return hv_source_error_row(src, c->row[i], HAVEN_ERR_CRS,
				                           "the point cannot be transformed from %s to EPSG:27700",
				                           o->crs);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < c->n; i++)
		if (!hv_bng_in_extent(c->x[i], c->y[i])) {
			if (!pj)
				return hv_source_error_row(
				    src, c->row[i], HAVEN_ERR_CRS,
				    "(%.10g, %.10g) is outside Great Britain on the British National Grid (EPSG:27700, "
				    "metres)%s",
				    c->x[i], c->y[i],
				    hv_lonlat_in_gb(c->x[i], c->y[i]) || hv_lonlat_in_gb(c->y[i], c->x[i])
				        ? "; these look like longitude and latitude: give --crs EPSG:4326"
				        : "; give the file's CRS with --crs");
			return hv_source_error_row(src, c->row[i], HAVEN_ERR_CRS,
			                           "the point is outside Great Britain once transformed from %s to "
			                           "EPSG:27700 (E %.0f, N %.0f): is %s the file's CRS?",
			                           o->crs, c->x[i], c->y[i], o->crs);
		}
	return HAVEN_OK;
}

/* The chunk is the worker's now. */
static void publish(job *j)
{
	pthread_mutex_lock(&j->mu);
	j->ready = j->nv;
	pthread_cond_signal(&j->more);
	pthread_mutex_unlock(&j->mu);
}

/* Read every row of the file, chunk by chunk, each handed to the worker
 * once full, transformed and checked. */
static haven_status read_points(haven_ctx *ctx, const haven_where_opts *o, hv_source *src, job *j)
{
	int cx, cy, cid;
	const char *idname = o->id ? o->id : "id";
	haven_status rc;
	if ((rc = need_column(ctx, src, o->x, "--x", &cx)) || (rc = need_column(ctx, src, o->y, "--y", &cy)) ||
	    (rc = need_column(ctx, src, idname, o->id ? "--id" : "the points' identifiers; name another with --id",
	                      &cid)))
		return rc;
	PJ *pj = NULL;
	if (!is_bng(o->crs) && (rc = hv_crs_to_bng(ctx, o->crs, &pj)))
		return rc;
	chunk *c = NULL;
	int has;
	while (!(rc = hv_source_next(src, &has)) && has) {
		double x, y;
		if ((rc = coordinate(src, cx, o->x, &x)) || (rc = coordinate(src, cy, o->y, &y)))
			break;
		if (!c && !(c = chunk_new(j))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			break;
		}
		if (!chunk_add(c, x, y, hv_source_row(src), hv_source_field(src, cid))) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
			break;
		}
		if (c->n == CHUNK_POINTS) {
			if ((rc = to_bng(ctx, o, src, pj, c)))
				break;
			publish(j);
			c = NULL;
			int64_t done, total;
			hv_source_position(src, &done, &total);
			hv_progress(ctx, "reading points", done, total);
		}
	}
	if (!rc && c) {
		if (!(rc = to_bng(ctx, o, src, pj, c)))
			publish(j);
	}
	if (pj)
		proj_destroy(pj);
	return rc;
}

/* ---- answering ----------------------------------------------------------- */

/* The answer for point (x, y) in grid cell cell (CELL_OUT: beyond the
 * grid): an area index or -1; *how 0 inside, 1 nearest, 2 none, and
 * *direct 1 when the grid answered. */
static long answer(const grid *g, hv_areas *a, double x, double y, size_t cell, int *how, int *direct)
{
	*direct = 1;
	*how = 2;
	if (cell == CELL_OUT)
		return -1;
	uint16_t v = g->cell[cell];
	if (v == NONE)
		return -1;
	if (v != ASK) {
		*how = 0;
		return v;
	}
	*direct = 0;
	long k = hv_areas_find(a, x, y);
	if (k >= 0) {
		*how = 0;
		return k;
	}
	double d;
	k = hv_areas_nearest(a, x, y, g->near, &d);
	*how = k >= 0 ? 1 : 2;
	return k;
}

/* Answer chunk c: the cells first, each fetched from memory AHEAD points
 * before it is read (the grid is larger than the caches, the points in no
 * order), then the points. */
static void answer_chunk(job *j, chunk *c)
{
	const grid *g = &j->g;
	for (size_t i = 0; i < c->n; i++) {
		double col = floor((c->x[i] - g->ox) / g->s), row = floor((c->y[i] - g->oy) / g->s);
		c->cell[i] = col < 0 || row < 0 || col >= g->w || row >= g->h
		                 ? CELL_OUT
		                 : (size_t)row * (size_t)g->w + (size_t)col;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (i + AHEAD < c->n && c->cell[i + AHEAD] != CELL_OUT)
			__builtin_prefetch(&g->cell[c->cell[i + AHEAD]]);
		int how, direct;
		c->ans[i] = (int32_t)answer(g, j->a, c->x[i], c->y[i], c->cell[i], &how, &direct);
		j->r.inside += how == 0;
		j->r.nearest += how == 1;
		j->r.none += how == 2;
		j->r.direct += direct;
	}
}

/* The worker: builds the grid, asks GEOS once per component, then answers
 * the chunks as they come, with a GEOS handle of its own.  Touches no
 * context. */
static void work(job *j)
{
	build(&j->g);
	GEOSContextHandle_t h = j->g.failed ? NULL : GEOS_init_r();
	if (!h) {
		j->failed = 1;
		return;
	}
	hv_areas_use(j->a, h);
	if (!grid_answers(j->a, &j->g))
		j->failed = 1;
	for (size_t k = 0; !j->failed;) {
		pthread_mutex_lock(&j->mu);
		while (k == j->ready && !j->finished && !j->stop)
			pthread_cond_wait(&j->more, &j->mu);
		int stop = j->stop || k == j->ready;
		chunk *c = stop ? NULL : j->v[k];
		pthread_mutex_unlock(&j->mu);
		if (stop)
			break;
		answer_chunk(j, c);
		k++;
		pthread_mutex_lock(&j->mu);
		j->answered = k;
		pthread_cond_signal(&j->done);
		pthread_mutex_unlock(&j->mu);
	}
	GEOS_finish_r(h);
}

/* The worker thread: work, then say it has stopped. */
static void *worker(void *arg)
{
	job *j = arg;
	work(j);
	pthread_mutex_lock(&j->mu);
	j->gone = 1;
	pthread_cond_signal(&j->done);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Chunk k once the worker has answered it; NULL if it stopped first. */
static chunk *answered(job *j, size_t k)
{
	pthread_mutex_lock(&j->mu);
	while (k >= j->answered && !j->gone)
		pthread_cond_wait(&j->done, &j->mu);
	chunk *c = k < j->answered ? j->v[k] : NULL;
	pthread_mutex_unlock(&j->mu);
	return c;
}

/* Write the rows, each chunk as soon as the worker has answered it. */
static haven_status write_out(haven_ctx *ctx, const haven_where_opts *o, job *j)
{
	hv_output out;
	memset(&out, 0, sizeof out);
	haven_status rc = hv_output_open(ctx, o->out, o->force ? NULL : "not replaced without --force", &out);
	if (rc)
		return rc;
	char *buf = malloc(1 << 20); /* until the file is closed, by commit or abort */
	if (buf)
		setvbuf(out.f, buf, _IOFBF, 1 << 20);
	fputs("id,code\r\n", out.f); /* RFC 4180, as every CSV haven writes */
	for (size_t k = 0; !rc && k < j->nv; k++) {
		const chunk *c = answered(j, k);
		if (!c) {
			rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory answering the points");
			break;
		}
		for (size_t i = 0; i < c->n; i++) {
			hv_csv_cell(out.f, c->ids + c->id[i], 0);
			fputc(',', out.f);
			if (c->ans[i] >= 0)
				hv_csv_cell(out.f, hv_areas_code(j->a, c->ans[i]), 0);
			fputs("\r\n", out.f);
		}
	}
	if (!rc && ferror(out.f))
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: write error", o->out);
	if (rc)
		hv_output_abort(&out);
	else
		rc = hv_output_commit(ctx, &out);
	free(buf);
	return rc;
}

haven_status haven_where_points(haven_ctx *ctx, const haven_where_opts *o, haven_where_report *report)
{
	hv_clear(ctx);
	double t0 = now();
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!o || !o->points || !o->x || !o->y || !o->kind || !o->out)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the points file, --x, --y, --kind and --out are all required");
	double near = o->near < 0 ? HAVEN_WHERE_POINTS_NEAR : o->near;
	if (!isfinite(near) || near > 100000)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--near must be between 0 and 100000 metres");
	if ((rc = hv_output_vacant(ctx, o->out, o->force ? NULL : "not replaced without --force")))
		return rc;
	job *j = calloc(1, sizeof *j);
	if (!j)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if ((rc = hv_areas_load(ctx, o->kind, &j->a))) {
		free(j);
		return rc;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->more, NULL);
	pthread_cond_init(&j->done, NULL);
	hv_source *src = NULL;
	int started = 0;
	pthread_t th;
	if (!(rc = grid_rings(ctx, j->a, near, &j->g)) && !(rc = hv_source_open(ctx, o->points, &src)))
		started = pthread_create(&th, NULL, worker, j) == 0;
	if (!rc)
		rc = read_points(ctx, o, src, j);
	pthread_mutex_lock(&j->mu);
	j->finished = 1;
	j->stop = rc != HAVEN_OK;
	pthread_cond_signal(&j->more);
	pthread_mutex_unlock(&j->mu);
	/* Without a second thread, the worker's part is done here, after the
	 * reading. */
	if (!rc && !started)
		worker(j);
	if (!rc)
		rc = write_out(ctx, o, j);
	if (rc) {
		pthread_mutex_lock(&j->mu);
		j->stop = 1;
		pthread_cond_signal(&j->more);
		pthread_mutex_unlock(&j->mu);
	}
	if (started)
		pthread_join(th, NULL);
	hv_areas_use(j->a, ctx->geos);
	hv_source_close(src);
	haven_where_report r = j->r;
	for (size_t k = 0; k < j->nv; k++) {
		r.points += (int64_t)j->v[k]->n;
		chunk_free(j->v[k]);
	}
	free(j->v);
	grid_free(&j->g);
	hv_areas_free(j->a);
	pthread_cond_destroy(&j->more);
	pthread_cond_destroy(&j->done);
	pthread_mutex_destroy(&j->mu);
	free(j);
	if (rc)
		return rc;
	r.seconds = now() - t0;
	if (report)
		*report = r;
	return HAVEN_OK;
}
