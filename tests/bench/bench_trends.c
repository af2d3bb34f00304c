/*
 * bench_trends.c - how long trends of ten years of national episodes take:
 * a copy of the national analysis store ($HAVEN_NATIONAL/analysis.db, the
 * synthetic register of 4,009 homes geocoded), N episodes (default
 * 1,000,000) over 2015-2024 at homes drawn across the register, each with
 * its police report (missing_report) as schema 9 links them, then
 * haven_trends by placing LA and month, by host LA and month, by region and
 * quarter and by home and year, then as DfE by placing and host LA and
 * financial year and England by month (the hierarchies of areas and
 * periods under disclosure control), each made and released through the
 * gate.  Not run by ctest.
 *
 *   bench_trends [N] [RUNS]     RUNS (default 3) timings of each
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/context.h"
#include "core/sql.h"
#include "testutil.h"

static int bench_fail(haven_ctx *ctx, const char *what)
{
	fprintf(stderr, "bench_trends: %s: %s\n", what, haven_errmsg(ctx));
	return 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (n <= 0 || runs <= 0) {
		fprintf(stderr, "usage: bench_trends [N] [RUNS]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx = tu_national_store("analysis.db", "bench_trends.db");
	double t0 = hv_monotonic();
	/* Episode i: the (i * 7919 mod homes)th home, child i mod (n / 8) (so
	 * about 8 episodes a child), placed by the LA of another home, starting
	 * on day i * 37 mod 3653 from 2015-01-01, back after i mod 47 hours
	 * (every 25th still missing). */
	char *sql = sqlite3_mprintf(
	    "BEGIN;"
	    "CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY urn) - 1 AS k, urn, la_code"
	    " FROM home_version WHERE valid_to IS NULL;"
	    "CREATE INDEX temp.h_k ON h(k);"
	    "CREATE INDEX temp.h_urn ON h(urn);"
	    "INSERT INTO missing_load(id, source, file, sha256, loaded_at, rows_read, added, superseded, unchanged,"
	    " rejected) VALUES(1, 'police', 'bench.csv', printf('%%064d', 1), '2025-04-01T00:00:00Z', %ld, %ld, 0, 0,"
	    " 0);"
	    "INSERT INTO missing_child(id, pseudonym)"
	    " WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %ld)"
	    " SELECT i, CAST(printf('%%032x', i) AS BLOB) FROM c;"
	    "INSERT INTO missing_report(id, source, source_ref, load_id, source_row, child, urn, placing_la,"
	    " missing_from, returned_at, risk, cse, cce, ri_offered, ri_held, ri_independent, content)"
	    " WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %ld),"
	    " g AS (SELECT i, (SELECT urn FROM h WHERE k = i * 7919 %% (SELECT count(*) FROM h)) AS urn,"
	    "  (SELECT la_code FROM h WHERE k = i * 104729 %% (SELECT count(*) FROM h)) AS placing,"
	    "  i %% %ld + 1 AS child,"
	    "  strftime('%%Y-%%m-%%dT20:00:00', '2015-01-01', '+' || (i * 37 %% 3653) || ' days') AS start,"
	    "  CASE WHEN i %% 25 = 24 THEN NULL ELSE i %% 47 END AS hours FROM s)"
	    " SELECT i + 1, 'police', 'P' || i, 1, i + 2, child, urn, placing, CAST(strftime('%%s', start) AS INTEGER),"
	    "  CASE WHEN hours IS NULL THEN NULL ELSE CAST(strftime('%%s', start, '+' || hours || ' hours') AS INTEGER)"
	    "  END,"
	    "  'low', i %% 11 = 0, i %% 13 = 0, i %% 2 = 0, i %% 3 = 0, i %% 9 = 0, zeroblob(16) FROM g;"
	    "INSERT INTO missing_episode(child, urn, placing_la, host_la, missing_from, returned_at, risk,"
	    " cse, cce, ri_offered, ri_held, ri_independent, police_report)"
	    " SELECT r.child, r.urn, r.placing_la, h.la_code, r.missing_from, r.returned_at, r.risk, r.cse, r.cce,"
	    "  r.ri_offered, r.ri_held, r.ri_independent, r.id FROM missing_report r JOIN h ON h.urn = r.urn;"
	    "DROP TABLE temp.h;"
	    "COMMIT;",
	    n, n, n / 8 > 0 ? n / 8 : 1, n - 1, n / 8 > 0 ? n / 8 : 1);
	haven_status rc = hv_exec(ctx, sql);
	sqlite3_free(sql);
	if (rc)
		return bench_fail(ctx, "filling the episodes");
	printf("filled %lld episodes of %ld children over 2015-2024 in %.1f s\n",
	       (long long)tu_int(ctx, "SELECT count(*) FROM missing_episode"), n / 8, hv_monotonic() - t0);
	/* the last two as DfE: the whole hierarchy of each, under disclosure
	 * control (every period's LAs, forces, regions and England, audited) */
	haven_authority_spec dfe = {.kind = "dfe", .code = "DFE", .name = "Department for Education"};
	haven_user_spec dee = {.name = "dee", .authority = "DFE", .role = "analyst", .default_purpose = "policy"};
	if (haven_authority_add(ctx, &dfe) || haven_user_add(ctx, &dee, NULL, NULL))
		return bench_fail(ctx, "adding a DfE user");
	static const struct {
		const char *by, *area;
		int dfe;
	} cases[] = {{"month", "la", 0}, {"month", "host-la", 0}, {"quarter", "region", 0}, {"year", "home", 0},
	             {"fy", "la", 1},    {"fy", "host-la", 1},    {"month", "england", 1}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		tu_act(ctx, cases[c].dfe ? "dee" : "admin");
		printf("trends by %s and %s%s:", cases[c].area, cases[c].by, cases[c].dfe ? ", as DfE" : "");
		size_t rows = 0;
		for (int r = 0; r < runs; r++) {
			haven_trends_opts o = {.by = cases[c].by, .area = cases[c].area};
			haven_table *t = NULL;
			/* wall seconds, and CPU seconds: on a shared machine the
			 * wall clock counts the other work too */
			double t1 = hv_monotonic();
			clock_t c1 = clock();
			if (haven_trends(ctx, &o, &t))
				return bench_fail(ctx, "trends");
			double t2 = hv_monotonic();
			if (haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR))
				return bench_fail(ctx, "trends");
			printf(" %.2f s (CPU %.2f s, released in %.2f)", hv_monotonic() - t1,
			       (double)(clock() - c1) / CLOCKS_PER_SEC, hv_monotonic() - t2);
			rows = haven_table_nrows(ctx, t);
			haven_table_free(t);
		}
		printf(" (%zu rows)\n", rows);
	}
	tu_act(ctx, "admin");
	printf("outliers over ten years:");
	for (int r = 0; r < runs; r++) {
		haven_outliers_opts o = {0};
		haven_table *t = NULL;
		double t1 = hv_monotonic();
		if (haven_trends_outliers(ctx, &o, &t) || haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR))
			return bench_fail(ctx, "outliers");
		printf(" %.2f s", hv_monotonic() - t1);
		haven_table_free(t);
	}
	printf("\n");
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
