/*
 * bench_control.c - speed of disclosure control (src/gate/control.c) on a
 * national table as DfE would receive it: 153 LAs, their 9 regions and
 * England (163 rows), 9 count columns (children looked
 * after, children in homes and its two parts, homes and its three parts,
 * places) and 2 rates, the parts declared as column sums, LAs under their
 * region and regions under England.  Values are drawn from a fixed seed,
 * with small counts of children common enough to need many primary and
 * secondary suppressions.  Then a 1 km grid of 20,000 cells, most of fewer
 * than K homes, each its own LP.  Times hv_control_apply (primary
 * suppression, rounding, complementary suppression and the LP audit of
 * every suppressed cell) over fresh copies of each table.  Not run by
 * ctest.
 *
 *   bench_control [RUNS]     RUNS defaults to 20
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/table.h"
#include "gate/gate.h"
#include "testutil.h"

#define NLA 153
#define NREGION 9
#define NCOUNT 9

static const char *const names[] = {"geographic_level",
                                    "area_code",
                                    "area_name",
                                    "parent",
                                    "children_looked_after",
                                    "children_in_homes",
                                    "children_in_homes_private",
                                    "children_in_homes_other",
                                    "homes",
                                    "homes_private",
                                    "homes_voluntary",
                                    "homes_local_authority",
                                    "places",
                                    "places_per_100_cla",
                                    "in_homes_per_100_cla"};
#define NCOLS ((int)(sizeof names / sizeof names[0]))

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long seed = 20250415;
static int64_t draw(int64_t lo, int64_t hi)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return lo + (int64_t)((seed >> 33) % (unsigned long long)(hi - lo + 1));
}

/* The counts of each LA (columns 4..12), regions and England summed. */
static int64_t v[NLA + NREGION + 1][NCOUNT];

static void draw_values(void)
{
	memset(v, 0, sizeof v);
	for (int i = 0; i < NLA; i++) {
		int64_t *c = v[i];
		c[0] = draw(0, 9) == 0 ? draw(1, 5) : draw(40, 1500); /* looked after: a few tiny LAs */
		c[2] = draw(0, 4) == 0 ? draw(1, 5) : draw(0, 60);    /* in homes, private */
		c[3] = draw(0, 2) == 0 ? draw(1, 5) : draw(0, 12);    /* in homes, other */
		c[1] = c[2] + c[3];
		c[5] = draw(0, 40);
		c[6] = draw(0, 3);
		c[7] = draw(0, 4);
		c[4] = c[5] + c[6] + c[7];
		c[8] = c[4] * draw(2, 5);
		for (int j = 0; j < NCOUNT; j++) {
			v[NLA + i % NREGION][j] += c[j];
			v[NLA + NREGION][j] += c[j];
		}
	}
}

static haven_status make(haven_ctx *ctx, haven_table **out)
{
	haven_table *t;
	haven_status rc = hv_table_new(ctx, "national", HV_TABLE_DISCLOSED, NCOLS, names, &t);
	if (!rc)
		rc = hv_table_roles(ctx, t,
		                    "geographic_level=label area_code=area:any area_name=label parent=parent "
		                    "children_looked_after=count:children children_in_homes=count:children "
		                    "children_in_homes_private=count:children children_in_homes_other=count:children "
		                    "homes=count:homes homes_private=count:homes homes_voluntary=count:homes "
		                    "homes_local_authority=count:homes places=count:places "
		                    "places_per_100_cla=rate:places in_homes_per_100_cla=rate:children_in_homes");
	if (!rc)
		rc = hv_table_sum(ctx, t, "children_in_homes", "children_in_homes_private children_in_homes_other");
	if (!rc)
		rc = hv_table_sum(ctx, t, "homes", "homes_private homes_voluntary homes_local_authority");
	for (int i = 0; !rc && i < NLA + NREGION + 1; i++) {
		char code[16], name[32], parent[16];
		const char *level = i < NLA ? "la" : i < NLA + NREGION ? "region" : "england";
		if (i < NLA) {
			snprintf(code, sizeof code, "E06%06d", i + 1);
			snprintf(parent, sizeof parent, "E12%06d", i % NREGION + 1);
		} else if (i < NLA + NREGION) {
			snprintf(code, sizeof code, "E12%06d", i - NLA + 1);
			snprintf(parent, sizeof parent, "E92000001");
		} else {
			snprintf(code, sizeof code, "E92000001");
			parent[0] = '\0';
		}
		snprintf(name, sizeof name, "Area %d", i + 1);
		rc = hv_table_add_row(ctx, t);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 0, level);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 1, code);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 2, name);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 3, parent);
		for (int j = 0; !rc && j < NCOUNT; j++)
			rc = hv_table_set_int(ctx, t, 4 + j, v[i][j]);
		if (!rc && v[i][0])
			rc = hv_table_set_real(ctx, t, 13, 100.0 * (double)v[i][8] / (double)v[i][0]);
		if (!rc && v[i][0])
			rc = hv_table_set_real(ctx, t, 14, 100.0 * (double)v[i][1] / (double)v[i][0]);
	}
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

/* A 1 km grid of NGRID cells holding homes (most fewer than K): homes,
 * its two parts (a declared sum) and places; no parents. */
#define NGRID 20000
static haven_status make_grid(haven_ctx *ctx, haven_table **out)
{
	static const char *const cols[] = {"geographic_level", "area_code",   "homes",
	                                   "homes_private",    "homes_other", "places"};
	haven_table *t;
	haven_status rc = hv_table_new(ctx, "grid", HV_TABLE_DISCLOSED, 6, cols, &t);
	if (!rc)
		rc = hv_table_roles(ctx, t,
		                    "geographic_level=label area_code=area:any homes=count:homes "
		                    "homes_private=count:homes homes_other=count:homes places=count:places");
	if (!rc)
		rc = hv_table_sum(ctx, t, "homes", "homes_private homes_other");
	seed = 20250415;
	for (int i = 0; !rc && i < NGRID; i++) {
		char code[48];
		int64_t a = draw(0, 14), b = draw(0, 5);
		snprintf(code, sizeof code, "grid1000_%d_%d", 400000 + 1000 * (i % 200), 100000 + 1000 * (i / 200));
		rc = hv_table_add_row(ctx, t);
		if (!rc)
			rc = hv_table_set_text(ctx, t, 0, "grid");
		if (!rc)
			rc = hv_table_set_text(ctx, t, 1, code);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 2, a + b);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 3, a);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 4, b);
		if (!rc)
			rc = hv_table_set_int(ctx, t, 5, 3 * (a + b));
	}
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Control fresh copies of the table make() builds, runs times; print the
 * figures. */
static haven_status bench(haven_ctx *ctx, const char *what, haven_status (*make_table)(haven_ctx *, haven_table **),
                          int runs)
{
	double *sec = calloc((size_t)runs, sizeof *sec);
	unsigned char *keep = NULL;
	haven_table *t = NULL;
	haven_status rc = sec ? HAVEN_OK : HAVEN_ERR_NOMEM;
	for (int r = 0; !rc && r < runs; r++) {
		haven_table_free(t);
		t = NULL;
		if ((rc = make_table(ctx, &t)))
			break;
		size_t rows = hv_table_rows(t);
		if (!keep && !(keep = malloc(rows))) {
			rc = HAVEN_ERR_NOMEM;
			break;
		}
		memset(keep, 1, rows);
		double t0 = now();
		rc = hv_control_apply(ctx, t, keep, 1);
		sec[r] = now() - t0;
	}
	if (rc) {
		fprintf(stderr, "bench_control: %s\n", haven_errmsg(ctx));
	} else {
		qsort(sec, (size_t)runs, sizeof *sec, cmp_double);
		printf("%s\n", what);
		printf("  cells suppressed %s (primary %s, secondary %s), rounded %s\n",
		       haven_table_meta(t, "cells_suppressed"), haven_table_meta(t, "cells_suppressed_primary"),
		       haven_table_meta(t, "cells_suppressed_secondary"), haven_table_meta(t, "cells_rounded"));
		printf("  control and audit: min %.1f ms, median %.1f ms, max %.1f ms (%d runs)\n", sec[0] * 1e3,
		       sec[runs / 2] * 1e3, sec[runs - 1] * 1e3, runs);
	}
	haven_table_free(t);
	free(keep);
	free(sec);
	return rc;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 20;
	if (runs < 1) {
		fprintf(stderr, "usage: bench_control [RUNS]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx;
	if (haven_ctx_new(&ctx))
		return 1;
	draw_values();
	char what[128];
	snprintf(what, sizeof what,
	         "national table: %d rows (%d LAs, %d regions, England), %d count and 2 rate columns",
	         NLA + NREGION + 1, NLA, NREGION, NCOUNT);
	haven_status rc = bench(ctx, what, make, runs);
	snprintf(what, sizeof what, "1 km grid: %d cells, 3 counts of homes (a declared sum) and places", NGRID);
	if (!rc)
		rc = bench(ctx, what, make_grid, runs < 5 ? runs : 5);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return rc ? 1 : 0;
}
