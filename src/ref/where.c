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
 * the next cell is still within what was proved of it.  The grid is built
 * in the library's worker thread (pure arithmetic on copied coordinates,
 * no GEOS, no context) while this thread reads the file.
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
#define NO_COMP (-1)

/* ---- the grid ------------------------------------------------------------ */

typedef struct grid {
	double ox, oy, s; /* lower-left corner and cell size, metres */
	int w, h;
	double near;
	/* segments: the areas' rings as runs of coordinates */
	double *xy;   /* x0 y0 x1 y1 ... of every ring, one after another */
	size_t *ring; /* ring k is xy[2 * ring[k]] .. xy[2 * ring[k + 1]] (exclusive) */
	size_t nring;
	uint8_t *flag; /* per cell: TOUCH, NEAR */
	int32_t *comp; /* per cell: its component, NO_COMP when touched */
	int32_t *rep;  /* per component: one of its cells */
	int32_t ncomp;
	long *ans;  /* per component: the area covering it, or -1 */
	int failed; /* out of memory in the worker */
} grid;

static void grid_free(grid *g)
{
	free(g->xy);
	free(g->ring);
	free(g->flag);
	free(g->comp);
	free(g->rep);
	free(g->ans);
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

/* Label the untouched cells' 4-connected components (breadth first). */
static int label(grid *g)
{
	size_t n = (size_t)g->w * (size_t)g->h;
	int32_t *queue = malloc(n * sizeof *queue);
	size_t rep_cap = 1024;
	g->rep = malloc(rep_cap * sizeof *g->rep);
	if (!queue || !g->rep) {
		free(queue);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		g->comp[i] = NO_COMP;
	int32_t id = 0;
	for (size_t start = 0; start < n; start++) {
		if ((g->flag[start] & TOUCH) || g->comp[start] != NO_COMP)
			continue;
		if ((size_t)id == rep_cap) {
			int32_t *r = realloc(g->rep, 2 * rep_cap * sizeof *r);
			if (!r) {
				free(queue);
				return 0;
			}
			g->rep = r;
			rep_cap *= 2;
		}
		g->rep[id] = (int32_t)start;
		size_t head = 0, tail = 0;
		queue[tail++] = (int32_t)start;
		g->comp[start] = id;
		while (head < tail) {
			size_t k = (size_t)queue[head++];
			int c = (int)(k % (size_t)g->w), r = (int)(k / (size_t)g->w);
			size_t nb[4];
			int m = 0;
			if (c > 0)
				nb[m++] = k - 1;
			if (c + 1 < g->w)
				nb[m++] = k + 1;
			if (r > 0)
				nb[m++] = k - (size_t)g->w;
			if (r + 1 < g->h)
				nb[m++] = k + (size_t)g->w;
			for (int j = 0; j < m; j++)
				if (!(g->flag[nb[j]] & TOUCH) && g->comp[nb[j]] == NO_COMP) {
					g->comp[nb[j]] = id;
					queue[tail++] = (int32_t)nb[j];
				}
		}
		id++;
	}
	free(queue);
	g->ncomp = id;
	return 1;
}

/* The worker: marks and components, from the copied rings only. */
static void *build(void *arg)
{
	grid *g = arg;
	size_t n = (size_t)g->w * (size_t)g->h;
	g->flag = calloc(n, 1);
	g->comp = malloc(n * sizeof *g->comp);
	if (!g->flag || !g->comp) {
		g->failed = 1;
		return NULL;
	}
	for (size_t k = 0; k < g->nring; k++)
		for (size_t i = g->ring[k]; i + 1 < g->ring[k + 1]; i++) {
			const double *p = g->xy + 2 * i;
			mark(g, p[0], p[1], p[2], p[3], EPS, TOUCH);
			mark(g, p[0], p[1], p[2], p[3], g->near + EPS, NEAR);
		}
	if (!label(g))
		g->failed = 1;
	return NULL;
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

/* Ask GEOS at one cell of each component. */
static haven_status grid_answers(haven_ctx *ctx, hv_areas *a, grid *g)
{
	g->ans = malloc(((size_t)g->ncomp + 1) * sizeof *g->ans);
	if (!g->ans)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (int32_t k = 0; k < g->ncomp; k++) {
		size_t cell = (size_t)g->rep[k];
		double x = g->ox + ((double)(cell % (size_t)g->w) + 0.5) * g->s;
		double y = g->oy + ((double)(cell / (size_t)g->w) + 0.5) * g->s;
		g->ans[k] = hv_areas_find(a, x, y);
	}
	return HAVEN_OK;
}

/* ---- the points ---------------------------------------------------------- */

typedef struct points {
	double *x, *y;
	int64_t *row;
	size_t *id; /* offsets into ids */
	char *ids;
	size_t n, cap, ids_len, ids_cap;
} points;

static void points_free(points *p)
{
	free(p->x);
	free(p->y);
	free(p->row);
	free(p->id);
	free(p->ids);
}

static int points_add(points *p, double x, double y, int64_t row, const char *id)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 65536;
		double *nx = realloc(p->x, cap * sizeof *nx);
		if (nx)
			p->x = nx;
		double *ny = realloc(p->y, cap * sizeof *ny);
		if (ny)
			p->y = ny;
		int64_t *nr = realloc(p->row, cap * sizeof *nr);
		if (nr)
			p->row = nr;
		size_t *ni = realloc(p->id, cap * sizeof *ni);
		if (ni)
			p->id = ni;
		if (!nx || !ny || !nr || !ni)
			return 0;
		p->cap = cap;
	}
	size_t len = strlen(id) + 1;
	if (p->ids_len + len > p->ids_cap) {
		size_t cap = p->ids_cap ? p->ids_cap : 1 << 20;
		while (cap < p->ids_len + len)
			cap *= 2;
		char *ni = realloc(p->ids, cap);
		if (!ni)
			return 0;
		p->ids = ni;
		p->ids_cap = cap;
	}
	memcpy(p->ids + p->ids_len, id, len);
	p->id[p->n] = p->ids_len;
	p->ids_len += len;
	p->x[p->n] = x;
	p->y[p->n] = y;
	p->row[p->n] = row;
	p->n++;
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

/* Read every row of the file into p. */
static haven_status read_points(haven_ctx *ctx, const haven_where_opts *o, hv_source *src, points *p)
{
	int cx, cy, cid;
	const char *idname = o->id ? o->id : "id";
	haven_status rc;
	if ((rc = need_column(ctx, src, o->x, "--x", &cx)) || (rc = need_column(ctx, src, o->y, "--y", &cy)) ||
	    (rc = need_column(ctx, src, idname, o->id ? "--id" : "the points' identifiers; name another with --id",
	                      &cid)))
		return rc;
	int has;
	while (!(rc = hv_source_next(src, &has)) && has) {
		double x, y;
		if ((rc = coordinate(src, cx, o->x, &x)) || (rc = coordinate(src, cy, o->y, &y)))
			return rc;
		if (!points_add(p, x, y, hv_source_row(src), hv_source_field(src, cid)))
			return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
		if ((p->n & 0xFFFF) == 0) {
			int64_t done, total;
			hv_source_position(src, &done, &total);
			hv_progress(ctx, "reading points", done, total);
		}
	}
	return rc;
}

static int is_bng(const char *crs)
{
	return !crs || strcmp(crs, "EPSG:27700") == 0 || strcmp(crs, "epsg:27700") == 0;
}

/* Into EPSG:27700, every point then checked to lie in Great Britain: the
 * check that catches a wrong (or missing) --crs, as the loaders' does. */
static haven_status to_bng(haven_ctx *ctx, const haven_where_opts *o, hv_source *src, points *p)
{
	haven_status rc = HAVEN_OK;
	if (!is_bng(o->crs) && p->n) {
		PJ *pj;
		if ((rc = hv_crs_to_bng(ctx, o->crs, &pj)))
			return rc;
		rc = hv_crs_points(ctx, pj, p->x, p->y, p->n);
		proj_destroy(pj);
		for (size_t i = 0; rc && i < p->n; i++)
			if (!isfinite(p->x[i]) || !isfinite(p->y[i]))
				return hv_source_error_row(src, p->row[i], HAVEN_ERR_CRS,
				                           "the point cannot be transformed from %s to EPSG:27700",
				                           o->crs);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < p->n; i++)
		if (!hv_bng_in_extent(p->x[i], p->y[i])) {
			if (is_bng(o->crs))
				return hv_source_error_row(
				    src, p->row[i], HAVEN_ERR_CRS,
				    "(%.10g, %.10g) is outside Great Britain on the British National Grid (EPSG:27700, "
				    "metres)%s",
				    p->x[i], p->y[i],
				    hv_lonlat_in_gb(p->x[i], p->y[i]) || hv_lonlat_in_gb(p->y[i], p->x[i])
				        ? "; these look like longitude and latitude: give --crs EPSG:4326"
				        : "; give the file's CRS with --crs");
			return hv_source_error_row(src, p->row[i], HAVEN_ERR_CRS,
			                           "the point is outside Great Britain once transformed from %s to "
			                           "EPSG:27700 (E %.0f, N %.0f): is %s the file's CRS?",
			                           o->crs, p->x[i], p->y[i], o->crs);
		}
	return HAVEN_OK;
}

/* ---- answering ----------------------------------------------------------- */

/* The answer for point (x, y): an area index or -1; *how 0 inside, 1
 * nearest, 2 none, and *direct 1 when the grid answered. */
static long answer(const grid *g, hv_areas *a, double x, double y, int *how, int *direct)
{
	double c = floor((x - g->ox) / g->s), r = floor((y - g->oy) / g->s);
	*direct = 1;
	if (c < 0 || r < 0 || c >= g->w || r >= g->h) {
		*how = 2;
		return -1;
	}
	size_t cell = (size_t)r * (size_t)g->w + (size_t)c;
	uint8_t f = g->flag[cell];
	if (!(f & TOUCH)) {
		long k = g->ans[g->comp[cell]];
		if (k >= 0) {
			*how = 0;
			return k;
		}
		if (!(f & NEAR)) {
			*how = 2;
			return -1;
		}
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

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static haven_status write_out(haven_ctx *ctx, const haven_where_opts *o, const points *p, const long *ans, hv_areas *a)
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
	for (size_t i = 0; i < p->n; i++) {
		hv_csv_cell(out.f, p->ids + p->id[i], 0);
		fputc(',', out.f);
		if (ans[i] >= 0)
			hv_csv_cell(out.f, hv_areas_code(a, ans[i]), 0);
		fputs("\r\n", out.f);
	}
	if (ferror(out.f)) {
		hv_output_abort(&out);
		rc = hv_error(ctx, HAVEN_ERR_IO, "%s: write error", o->out);
	} else {
		rc = hv_output_commit(ctx, &out);
	}
	free(buf);
	return rc;
}

haven_status haven_where_points(haven_ctx *ctx, const haven_where_opts *o, haven_where_report *report)
{
	hv_clear(ctx);
	double t0 = now();
	haven_where_report r;
	memset(&r, 0, sizeof r);
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!o || !o->points || !o->x || !o->y || !o->kind || !o->out)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the points file, --x, --y, --kind and --out are all required");
	double near = o->near < 0 ? HAVEN_WHERE_POINTS_NEAR : o->near;
	if (!isfinite(near) || near > 100000)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--near must be between 0 and 100000 metres");
	const char *refusal = o->force ? NULL : "not replaced without --force";
	if ((rc = hv_output_vacant(ctx, o->out, refusal)))
		return rc;
	hv_areas *a = NULL;
	if ((rc = hv_areas_load(ctx, o->kind, &a)))
		return rc;
	grid g;
	points p;
	memset(&p, 0, sizeof p);
	long *ans = NULL;
	hv_source *src = NULL;
	int started = 0;
	pthread_t th;
	if (!(rc = grid_rings(ctx, a, near, &g))) {
		started = pthread_create(&th, NULL, build, &g) == 0;
		if (!started)
			build(&g);
	}
	if (!rc)
		rc = hv_source_open(ctx, o->points, &src);
	if (!rc)
		rc = read_points(ctx, o, src, &p);
	if (!rc)
		rc = to_bng(ctx, o, src, &p);
	if (started)
		pthread_join(th, NULL);
	if (!rc && g.failed)
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	if (!rc)
		rc = grid_answers(ctx, a, &g);
	if (!rc && !(ans = malloc((p.n ? p.n : 1) * sizeof *ans)))
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < p.n; i++) {
		int how, direct;
		ans[i] = answer(&g, a, p.x[i], p.y[i], &how, &direct);
		r.inside += how == 0;
		r.nearest += how == 1;
		r.none += how == 2;
		r.direct += direct;
	}
	if (!rc)
		rc = write_out(ctx, o, &p, ans, a);
	r.points = (int64_t)p.n;
	hv_source_close(src);
	free(ans);
	points_free(&p);
	grid_free(&g);
	hv_areas_free(a);
	if (rc)
		return rc;
	r.seconds = now() - t0;
	if (report)
		*report = r;
	return HAVEN_OK;
}
