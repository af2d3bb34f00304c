/*
 * test_where.c - batch point-in-polygon (haven_where_points) gives, for every
 * point, exactly the answer of the single-point lookups (hv_areas_find, then
 * hv_areas_nearest within the distance): checked on tens of thousands of
 * points per kind, most of them put where the grid's shortcut could go
 * wrong - on and beside the boundaries' own vertices, a few metres either
 * side of a coastline, on cell corners - and the rest over the whole extent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haven/where.h"
#include "ref/areas.h"
#include "core/context.h"
#include "testutil.h"

static haven_ctx *ctx; /* a copy of the national analysis store: all four kinds */

static int setup(void **state)
{
	(void)state;
	ctx = tu_national_store("analysis.db", "where.db");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

static uint64_t rng;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* The points of one case: n near the areas' vertices (offsets from 0 to
 * reach metres, some exactly on a vertex), n uniform over the extent. */
static size_t make_points(hv_areas *a, size_t n, double reach, double *x, double *y)
{
	size_t m = 0, na = hv_areas_count(a);
	double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
	for (size_t i = 0; i < na; i++) {
		double a0, b0, a1, b1;
		hv_areas_bounds(a, (long)i, &a0, &b0, &a1, &b1);
		x0 = fmin(x0, a0), y0 = fmin(y0, b0), x1 = fmax(x1, a1), y1 = fmax(y1, b1);
	}
	GEOSContextHandle_t h = ctx->geos;
	while (m < n) {
		const GEOSGeometry *g = hv_areas_geom(a, (long)(uniform() * (double)na));
		const GEOSGeometry *poly = GEOSGetGeometryN_r(h, g, (int)(uniform() * GEOSGetNumGeometries_r(h, g)));
		const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, poly));
		unsigned size;
		assert_true(GEOSCoordSeq_getSize_r(h, cs, &size));
		double vx, vy;
		assert_true(GEOSCoordSeq_getXY_r(h, cs, (unsigned)(uniform() * size), &vx, &vy));
		double k = uniform();
		if (k < 0.1) { /* the vertex itself: on the boundary */
			x[m] = vx, y[m] = vy;
		} else {
			x[m] = vx + (2 * uniform() - 1) * reach;
			y[m] = vy + (2 * uniform() - 1) * reach;
		}
		m++;
	}
	for (size_t i = 0; i < n; i++, m++) {
		x[m] = x0 - 3000 + (x1 - x0 + 6000) * uniform();
		y[m] = y0 - 3000 + (y1 - y0 + 6000) * uniform();
		if (i % 10 == 0) { /* whole metres: some fall on cell corners and edges */
			x[m] = round(x[m]);
			y[m] = round(y[m]);
		}
	}
	return m;
}

static void test_same_as_single_point(void **state)
{
	(void)state;
	static const struct {
		const char *kind;
		double near;  /* --near; < 0 the default, 50 m */
		double reach; /* points up to this far from a vertex */
		size_t n;     /* points near vertices, and as many uniform */
	} cases[] = {
	    /* 1 */ {"district", -1, 120, 8000},
	    /* 2 */ {"la", -1, 60, 5000},
	    /* 3 */ {"pfa", -1, 120, 5000},
	    /* 4 */ {"region", -1, 300, 3000},
	    /* 5 */ {"district", 0, 30, 3000},
	    /* 6 */ {"la", 1000, 1500, 3000},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		rng = 0x2545F4914F6CDD1DULL + c;
		hv_areas *a;
		tu_ok(ctx, hv_areas_load(ctx, cases[c].kind, &a));
		double *x = malloc(2 * cases[c].n * sizeof *x), *y = malloc(2 * cases[c].n * sizeof *y);
		assert_non_null(x);
		assert_non_null(y);
		size_t n = make_points(a, cases[c].n, cases[c].reach, x, y);
		const char *in = tu_tmp("points.csv"), *out = tu_tmp("where.csv");
		FILE *f = fopen(in, "w");
		assert_non_null(f);
		fputs("id,e,n\n", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%zu,%.17g,%.17g\n", i, x[i], y[i]);
		assert_int_equal(fclose(f), 0);
		haven_where_opts o = {.points = in,
		                      .x = "e",
		                      .y = "n",
		                      .kind = cases[c].kind,
		                      .near = cases[c].near,
		                      .out = out,
		                      .force = 1};
		haven_where_report r;
		tu_ok(ctx, haven_where_points(ctx, &o, &r));
		assert_int_equal(r.points, (int64_t)n);
		/* Both roads were taken: the grid's, and GEOS's. */
		if (r.direct == 0 || r.direct == r.points)
			fail_msg("case %zu: %lld of %lld answered by the grid", c + 1, (long long)r.direct,
			         (long long)r.points);
		size_t len;
		char *text = tu_read(out, &len), *line = strchr(text, '\n');
		assert_non_null(line);
		assert_memory_equal(text, "id,code\r\n", 9);
		double near = cases[c].near < 0 ? HAVEN_WHERE_POINTS_NEAR : cases[c].near;
		int64_t inside = 0, nearest = 0;
		for (size_t i = 0; i < n; i++) {
			char *row = line + 1;
			line = strchr(row, '\n');
			assert_non_null(line);
			assert_true(line[-1] == '\r');
			line[-1] = '\0';
			char *comma = strchr(row, ',');
			assert_non_null(comma);
			long want = hv_areas_find(a, x[i], y[i]);
			inside += want >= 0;
			double d;
			if (want < 0 && (want = hv_areas_nearest(a, x[i], y[i], near, &d)) >= 0)
				nearest++;
			const char *wc = want >= 0 ? hv_areas_code(a, want) : "";
			if (strtoull(row, NULL, 10) != i || strcmp(comma + 1, wc) != 0)
				fail_msg("case %zu, point %zu (%.17g, %.17g): got '%s', want '%zu,%s'", c + 1, i, x[i],
				         y[i], row, i, wc);
		}
		assert_int_equal(r.inside, inside);
		assert_int_equal(r.nearest, nearest);
		assert_int_equal(r.none, (int64_t)n - inside - nearest);
		if (cases[c].near != 0 && nearest == 0)
			fail_msg("case %zu: no point was given a nearest area", c + 1);
		free(text);
		free(x);
		free(y);
		hv_areas_free(a);
	}
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_same_as_single_point))
