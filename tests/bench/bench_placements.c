/*
 * bench_placements.c - how long children's placements take: a copy of the
 * national analysis store ($HAVEN_NATIONAL/analysis.db: the synthetic
 * register of about 4,000 homes geocoded, the 153 LAs, regions and the
 * postcode sample), a placement file of N rows (default 1,000,000) made
 * here, imported through haven_placements_import (in a child process, so
 * that its peak memory is its own), then every measure made and released
 * through the gate as the admin and as DfE (under disclosure control): the
 * location of placements by England, region and LA, as at a date and over
 * all, the flow matrix by LA and by region (and its top 50; DfE's also as
 * at a date), net movement and capacity (DfE's held with the matrix they
 * can be set against); then the export of the flows as lines (haven_export
 * --measures flows: the matrix with both margins, released, written by
 * GDAL), whole and the top 50, as the admin and DfE.  Wall and CPU seconds
 * of each, their total, the peak memory.  Not run by ctest.
 *
 *   bench_placements [N] [RUNS]     RUNS (default 3) timings of each
 *
 * Placement i: a home drawn across the register; placed by the home's own
 * LA half the time, else by another LA; from one of the gazetteer's
 * postcode districts seven times in ten (else the placing LA's point on
 * surface); starting on a day of 2015-2024, ended for three in five; three
 * placements a child, each in its own part of the ten years.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/placements.h"
#include "core/context.h"
#include "haven/export.h"
#include "core/sql.h"
#include "testutil.h"

static int bench_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_placements: %s: %s\n", what, haven_errmsg(ctx));
	return 1;
}

static double cpu(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* The text of column 0 of every row of sql, as one array (caller frees). */
static char **column(haven_ctx *ctx, const char *sql, size_t *n)
{
	sqlite3_stmt *st;
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (hv_prepare(ctx, sql, &st))
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				abort();
		}
		v[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return v;
}

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
	rng ^= rng << 13; /* xorshift64 */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The file, the store, the import: in a process of its own. */
static int make_and_import(long n, const char *file, const char *key)
{
	haven_ctx *ctx = tu_national_store("analysis.db", "bench_placements.db");
	size_t nh, nl, nd, nhl;
	char **homes = column(ctx, "SELECT urn FROM home_version WHERE valid_to IS NULL ORDER BY urn", &nh);
	char **home_la = column(ctx, "SELECT la_code FROM home_version WHERE valid_to IS NULL ORDER BY urn", &nhl);
	char **las = column(ctx, "SELECT code FROM area WHERE kind = 'la' ORDER BY code", &nl);
	char **districts =
	    column(ctx, "SELECT DISTINCT substr(sector, 1, instr(sector, ' ') - 1) FROM postcode_sector", &nd);
	if (!nh || !nl || !nd || nh != nhl)
		return bench_fail(ctx, "reading homes, LAs and districts");
	FILE *f = fopen(file, "w");
	if (!f)
		return 1;
	fprintf(f, "child_id,placing_la,urn,start,end,origin_district\n");
	long children = n / 3 > 0 ? n / 3 : 1;
	for (long i = 0; i < n; i++) {
		size_t h = next() % nh;
		const char *placing = next() % 2 ? home_la[h] : las[next() % nl];
		/* 2015-01-01 .. 2024-12-31; a child's placements in different years */
		int64_t start = 16436 + ((i / children) * 1217 + (int64_t)(next() % 1217)) % 3653;
		char s[21], e[21] = "";
		hv_format_time(start * 86400, s);
		s[10] = '\0';
		if (next() % 5 < 3) {
			hv_format_time((start + 1 + (int64_t)(next() % 120)) * 86400, e);
			e[10] = '\0';
		}
		fprintf(f, "CHILD-%07ld,%s,%s,%s,%s,%s\n", i % children, placing, homes[h], s, e,
		        next() % 10 < 7 ? districts[next() % nd] : "");
	}
	if (fclose(f))
		return 1;
	char fp[65];
	if (haven_key_init(ctx, key, fp))
		return bench_fail(ctx, "key");
	haven_placements_opts o = {.key = key};
	haven_placements_report r;
	double t0 = hv_monotonic(), c0 = cpu();
	if (haven_placements_import(ctx, file, &o, &r))
		return bench_fail(ctx, "import");
	printf("import of %ld placements: %.2f s (CPU %.2f s): %lld added, %lld children, origins %lld by district, "
	       "%lld by LA\n",
	       n, hv_monotonic() - t0, cpu() - c0, (long long)r.added, (long long)r.children, (long long)r.by_district,
	       (long long)r.by_la_surface);
	t0 = hv_monotonic();
	c0 = cpu();
	if (haven_placements_import(ctx, file, &o, &r) || !r.noop)
		return bench_fail(ctx, "re-import");
	printf("the same file again (a no-op): %.2f s (CPU %.2f s)\n", hv_monotonic() - t0, cpu() - c0);
	haven_authority_spec dfe = {.kind = "dfe", .code = "DFE", .name = "Department for Education"};
	haven_user_spec dee = {.name = "dee", .authority = "DFE", .role = "analyst", .default_purpose = "policy"};
	if (haven_authority_add(ctx, &dfe) || haven_user_add(ctx, &dee, NULL, NULL))
		return bench_fail(ctx, "adding a DfE user");
	haven_ctx_free(ctx);
	return 0;
}

typedef haven_status (*measure_fn)(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (n <= 0 || runs <= 0) {
		fprintf(stderr, "usage: bench_placements [N] [RUNS]\n");
		return 2;
	}
	haven_global_init();
	char file[1024], key[1024], store[1024];
	snprintf(file, sizeof file, "%s", tu_tmp("placements.csv"));
	snprintf(key, sizeof key, "%s", tu_tmp("bench.key"));
	snprintf(store, sizeof store, "%s", tu_tmp("bench_placements.db"));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int rc = make_and_import(n, file, key);
		fflush(stdout);
		_exit(rc); /* not exit: the parent's temporary directory stays */
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("peak memory of the file's making and import: %.0f MB\n", (double)ru.ru_maxrss / 1024);

	haven_ctx *ctx;
	if (haven_ctx_new(&ctx) || haven_store_open(ctx, store))
		return 1;
	static const struct {
		const char *what;
		measure_fn fn;
		haven_placements_query q;
		int dfe;
	} cases[] = {
	    {"locations, England, all", haven_placements_locations, {.by = "england"}, 0},
	    {"locations by region, all", haven_placements_locations, {.by = "region"}, 0},
	    {"locations by LA, all", haven_placements_locations, {.by = "la"}, 0},
	    {"locations by LA, 2020-21",
	     haven_placements_locations,
	     {.by = "la", .from = "2020-04-01", .to = "2021-03-31"},
	     0},
	    {"locations by LA, as at 2024-03-31", haven_placements_locations, {.by = "la", .as_at = "2024-03-31"}, 0},
	    {"flows, LA to LA (the matrix), all", haven_placements_flows, {.by = "la"}, 0},
	    {"flows, region to region, all", haven_placements_flows, {.by = "region"}, 0},
	    {"flows, the top 50, all", haven_placements_flows, {.by = "la", .top = 50}, 0},
	    {"net movement per LA, all", haven_placements_net, {0}, 0},
	    {"capacity per LA, as at 2024-03-31", haven_placements_capacity, {.as_at = "2024-03-31"}, 0},
	    {"DfE: locations by LA, all", haven_placements_locations, {.by = "la"}, 1},
	    {"DfE: flows, LA to LA, all", haven_placements_flows, {.by = "la"}, 1},
	    {"DfE: flows, region to region, all", haven_placements_flows, {.by = "region"}, 1},
	    {"DfE: flows, LA to LA, as at 2024-03-31", haven_placements_flows, {.by = "la", .as_at = "2024-03-31"}, 1},
	    {"DfE: net movement per LA, all", haven_placements_net, {0}, 1},
	    {"DfE: capacity per LA, as at 2024-03-31", haven_placements_capacity, {.as_at = "2024-03-31"}, 1},
	};
	double total = 0, total_cpu = 0;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		tu_act(ctx, cases[c].dfe ? "dee" : "admin");
		printf("%-42s", cases[c].what);
		double best = 1e9, best_cpu = 0;
		size_t rows = 0;
		for (int r = 0; r < runs; r++) {
			haven_table *t = NULL;
			double t0 = hv_monotonic(), c0 = cpu();
			if (cases[c].fn(ctx, &cases[c].q, &t) || haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR))
				return bench_fail(ctx, cases[c].what);
			double w = hv_monotonic() - t0, u = cpu() - c0;
			printf(" %.2f s (CPU %.2f)", w, u);
			if (w < best) {
				best = w;
				best_cpu = u;
			}
			rows = haven_table_nrows(ctx, t);
			haven_table_free(t);
		}
		printf(" [%zu rows]\n", rows);
		total += best;
		total_cpu += best_cpu;
	}
	/* the flows exported as lines: every flow with both margins, and the
	 * top 50 after control, as GeoJSON and GeoPackage */
	static const struct {
		const char *what, *user, *format;
		int top;
	} ex[] = {{"export flows (lines), GeoJSON", "admin", "geojson", 0},
	          {"export flows (lines), GPKG", "admin", "gpkg", 0},
	          {"DfE: export flows (lines), GPKG", "dee", "gpkg", 0},
	          {"DfE: export flows, top 50, GeoJSON", "dee", "geojson", 50}};
	for (size_t c = 0; c < sizeof ex / sizeof ex[0]; c++) {
		tu_act(ctx, ex[c].user);
		printf("%-42s", ex[c].what);
		static const char *const flows[] = {"flows"};
		char path[512];
		snprintf(path, sizeof path, "%s.%s", tu_tmp("bench_flows"), ex[c].format);
		haven_aggregate_opts a = {.geography = "la", .measures = flows, .n_measures = 1};
		haven_export_opts o = {.format = ex[c].format, .path = path, .overwrite = 1, .top = ex[c].top};
		haven_output_report rep = {0};
		for (int r = 0; r < runs; r++) {
			double t0 = hv_monotonic(), c0 = cpu();
			if (haven_export(ctx, &a, &o, &rep))
				return bench_fail(ctx, ex[c].what);
			printf(" %.2f s (CPU %.2f)", hv_monotonic() - t0, cpu() - c0);
		}
		printf(" [%zu rows, %ld cells suppressed]\n", rep.rows, rep.suppressed);
	}
	/* what an export of every measure does: one read, every table */
	tu_act(ctx, "admin");
	printf("every measure from one read (all placements; capacity from a read as at 2024-03-31):");
	double best = 1e9, best_cpu = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = hv_monotonic(), c0 = cpu();
		hv_placements all, day;
		haven_placements_query q = {0}, qd = {.as_at = "2024-03-31"};
		haven_table *t[7] = {0};
		if (hv_placements_read(ctx, &q, 0, &all) || hv_placements_locations(ctx, &all, "england", &t[0]) ||
		    hv_placements_locations(ctx, &all, "region", &t[1]) ||
		    hv_placements_locations(ctx, &all, "la", &t[2]) || hv_placements_flows(ctx, &all, "la", 0, &t[3]) ||
		    hv_placements_flows(ctx, &all, "region", 0, &t[4]) || hv_placements_net(ctx, &all, &t[5]) ||
		    hv_placements_read(ctx, &qd, 1, &day) || hv_placements_capacity(ctx, &day, &t[6]))
			return bench_fail(ctx, "one read");
		for (int k = 0; k < 7; k++)
			if (haven_release(ctx, t[k], HAVEN_AUDIENCE_ACTOR))
				return bench_fail(ctx, "releasing");
		hv_placements_free(&all);
		hv_placements_free(&day);
		double w = hv_monotonic() - t0, u = cpu() - c0;
		printf(" %.2f s (CPU %.2f)", w, u);
		if (w < best) {
			best = w;
			best_cpu = u;
		}
		for (int k = 0; k < 7; k++)
			haven_table_free(t[k]);
	}
	printf("\n");
	getrusage(RUSAGE_SELF, &ru);
	printf("each measure on its own, summed (the best of %d runs each): %.2f s (CPU %.2f s); from one read: %.2f s "
	       "(CPU %.2f s); peak memory %.0f MB\n",
	       runs, total, total_cpu, best, best_cpu, (double)ru.ru_maxrss / 1024);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
