/*
 * bench_missing.c - importing missing-episode files at scale.
 *
 *   bench_missing [ROWS]
 *
 * Builds a store from the bundled LA boundaries, the postcode sample and the
 * synthetic national
 * register (4,009 homes, from the bundled Ofsted provider list), then writes
 * a police file and an LA file holding ROWS reports between them (default
 * 1,000,000): episodes over ten years at random homes, about one child in
 * eight missing again and again, each episode reported by the police, the
 * LA or both (the LA's start up to six hours from the police's), half with
 * a last-seen point in E/N and one in ten in lon/lat.  Times the two
 * haven_missing_import calls (reading, checking, pseudonymising, writing,
 * and each one's linkage of every current report), and prints rows per
 * second and the process's peak resident memory before and after; then
 * the floor and the bare floor under the import (floor_of_writes).  Not run
 * by ctest; scripts/bench runs it at 100,000 and 1,000,000 rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/sql.h"
#include "testutil.h"

static void die(haven_ctx *ctx, const char *what, haven_status st)
{
	fprintf(stderr, "bench_missing: %s: %s: %s\n", what, haven_status_name(st), haven_errmsg(ctx));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's CPU time (user and system), seconds: steadier than the
 * clock on a machine other work shares. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A small fast generator (xorshift64*), seeded: the same files every run. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}
static long pick(long n)
{
	return (long)(next() % (uint64_t)n);
}

static void clock_text(int64_t t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static void place(FILE *f)
{
	long r = pick(10);
	if (r < 5)
		fprintf(f, ",%ld,%ld,,", 300000 + pick(200000), 150000 + pick(400000));
	else if (r < 6)
		fprintf(f, ",,,%.5f,%.5f", -2.5 + (double)pick(200000) / 100000.0,
		        51.0 + (double)pick(300000) / 100000.0);
	else
		fputs(",,,,", f);
}

static void run(haven_ctx *ctx, const char *sql)
{
	haven_status st = hv_exec(ctx, sql);
	if (st)
		die(ctx, sql, st);
}

/* The floor under the import: SQLite alone writing the rows the two
 * imports wrote - every child, report and episode, into the same tables with
 * their constraints and foreign keys, the reports' indexes kept up row by
 * row and the episodes' made again after, as the import does - copied by SQL
 * from in-memory tables into the store emptied of them, in one transaction
 * with the import's page cache and journal (a rollback journal, the store
 * being alone), with nothing read, checked, pseudonymised or linked.  The
 * import of these rows cannot be much faster than this on this machine
 * whatever its own code does. */
static void floor_of_writes(haven_ctx *ctx, long rows, double import_s)
{
	run(ctx, "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;"
	         "CREATE TEMP TABLE c AS SELECT * FROM missing_child ORDER BY id;"
	         "CREATE TEMP TABLE r AS SELECT * FROM missing_report ORDER BY id;"
	         "CREATE TEMP TABLE e AS SELECT * FROM missing_episode ORDER BY id;"
	         "BEGIN IMMEDIATE; DELETE FROM missing_episode; DELETE FROM missing_report; DELETE FROM missing_child;"
	         "COMMIT;"
	         /* the import's journal: a rollback journal, the store alone */
	         "PRAGMA journal_mode = DELETE;");
	double a = now_s(), cpu0 = cpu_s();
	run(ctx, "BEGIN IMMEDIATE;"
	         "INSERT INTO missing_child SELECT * FROM temp.c;"
	         "INSERT INTO missing_report SELECT * FROM temp.r;"
	         "DROP INDEX missing_episode_when; DROP INDEX missing_episode_group;"
	         "INSERT INTO missing_episode SELECT * FROM temp.e;"
	         "CREATE INDEX missing_episode_when ON missing_episode(missing_from);"
	         "CREATE INDEX missing_episode_group ON missing_episode(child, urn);"
	         "COMMIT");
	double b = now_s(), cpu1 = cpu_s();
	printf("floor: SQLite alone writing the same %ld reports and their episodes into the same tables: %.2f s = "
	       "%.0f rows/s, CPU %.2f s (the imports took %.2f s, %.1f times the floor)\n",
	       rows, b - a, (double)rows / (b - a), cpu1 - cpu0, import_s, import_s / (b - a));
	/* The bare floor: the same rows into tables of the same columns with no
	 * CHECK, foreign key or index, the four indexes the reads need made
	 * after them, sorted once each (ORDER BY keeps SQLite from copying the
	 * records whole, as it may between tables of one shape). */
	run(ctx, "CREATE TABLE bare_report AS SELECT * FROM temp.r WHERE 0;"
	         "CREATE TABLE bare_episode AS SELECT * FROM temp.e WHERE 0;");
	a = now_s(), cpu0 = cpu_s();
	run(ctx, "BEGIN IMMEDIATE;"
	         "INSERT INTO bare_report SELECT * FROM temp.r ORDER BY id;"
	         "INSERT INTO bare_episode SELECT * FROM temp.e ORDER BY id;");
	double rows_s = now_s() - a;
	run(ctx, "CREATE UNIQUE INDEX bare_current ON bare_report(source, source_ref) WHERE superseded_by IS NULL;"
	         "CREATE INDEX bare_group ON bare_report(child, urn, missing_from);"
	         "CREATE INDEX bare_when ON bare_episode(missing_from);"
	         "CREATE INDEX bare_episode_group ON bare_episode(child, urn);"
	         "COMMIT");
	b = now_s(), cpu1 = cpu_s();
	run(ctx, "DROP TABLE bare_report; DROP TABLE bare_episode; PRAGMA journal_mode = WAL");
	printf("bare floor: the same rows into tables with no CHECK, foreign key or index, their four indexes made "
	       "after: %.2f s = %.0f rows/s (the rows %.2f s, the indexes and commit %.2f s), CPU %.2f s\n",
	       b - a, (double)rows / (b - a), rows_s, b - a - rows_s, cpu1 - cpu0);
}

int main(int argc, char **argv)
{
	long rows = argc > 1 ? atol(argv[1]) : 1000000;
	if (argc > 2 || rows < 1000) {
		fprintf(stderr, "usage: bench_missing [ROWS >= 1000]\n");
		return 2;
	}
	haven_global_init();
	haven_ctx *ctx = tu_new_store("bench_missing.db");
	haven_status st;
	haven_boundaries_opts bo = {"la", tu_data("boundaries/ctyua_dec2024_en_bgc.geojson.gz"), NULL, NULL, NULL, 0};
	if ((st = haven_boundaries_load(ctx, &bo, NULL)))
		die(ctx, "boundaries", st);
	haven_gazetteer_report gr;
	if ((st = haven_gazetteer_load(ctx, tu_data("postcodes/gb_postcodes_sample.csv.gz"), NULL, &gr)))
		die(ctx, "gazetteer", st);
	haven_synth_report sr;
	if ((st = haven_synth_from_ofsted(ctx, tu_data("ofsted/ofsted_provider_level_2025-03-31.csv.gz"), 7,
	                                  tu_tmp("synth"), 0, NULL, NULL, &sr)))
		die(ctx, "synth", st);
	haven_register_report rr;
	if ((st = haven_register_import(ctx, tu_tmp("synth/register.csv"), "2025-03-31", 0, &rr)))
		die(ctx, "register", st);
	/* The homes' URNs. */
	sqlite3_stmt *q;
	if ((st = hv_prepare(ctx, "SELECT DISTINCT urn FROM home_version ORDER BY urn", &q)))
		die(ctx, "homes", st);
	char(*urns)[16] = calloc((size_t)rr.homes + 1, sizeof *urns);
	long nurn = 0;
	while (sqlite3_step(q) == SQLITE_ROW && nurn <= rr.homes)
		snprintf(urns[nurn++], 16, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);

	char police[512], la[512];
	snprintf(police, sizeof police, "%s", tu_tmp("police.csv"));
	snprintf(la, sizeof la, "%s", tu_tmp("la.csv"));
	FILE *fp = fopen(police, "w"), *fl = fopen(la, "w");
	if (!fp || !fl)
		return 1;
	static const char head[] = "source_ref,child_id,urn,missing_from,returned_at,last_seen_easting,"
	                           "last_seen_northing,last_seen_lon,last_seen_lat,risk,cse_concern,ri_offered\n";
	static const char *const risks[] = {"low", "medium", "high", "no apparent risk", ""};
	fputs(head, fp);
	fputs(head, fl);
	long written = 0, np = 0, nl = 0, children = rows / 8;
	const int64_t t0 = 1420070400; /* 2015-01-01 */
	for (long e = 0; written < rows; e++) {
		long child = pick(10) < 6 ? pick(children / 8 + 1) : pick(children); /* some again and again */
		const char *urn = urns[(child * 7919) % nurn];                       /* a child's usual home */
		int64_t start = t0 + (int64_t)pick(10L * 365 * 86400);
		int64_t back = start + 3600 + (int64_t)pick(pick(10) < 8 ? 86400 : 20 * 86400);
		char s[20], b[20];
		long who = pick(10); /* 0-3 both, 4-7 police only, 8-9 LA only */
		if (who < 8) {
			clock_text(start, s);
			clock_text(back, b);
			fprintf(fp, "P%ld,K%ld,%s,%s,%s", e, child, urn, s, b);
			place(fp);
			fprintf(fp, ",%s,%s,\n", risks[pick(5)], pick(5) ? "no" : "yes");
			written++, np++;
		}
		if ((who < 4 || who >= 8) && written < rows) {
			int64_t ls = start + (who < 4 ? (int64_t)pick(6 * 3600) - 3 * 3600 : 0);
			clock_text(ls, s);
			clock_text((back > ls ? back : ls + 3600) + (pick(4) ? 0 : 1800), b);
			fprintf(fl, "L%ld,K%ld,%s,%s,%s", e, child, urn, s, b);
			place(fl);
			fprintf(fl, ",%s,,%s\n", risks[pick(5)], pick(3) ? "yes" : "no");
			written++, nl++;
		}
	}
	fclose(fp);
	fclose(fl);
	free(urns);
	const char *key = tu_tmp("bench.key");
	char keypath[512];
	snprintf(keypath, sizeof keypath, "%s", key);
	if ((st = haven_key_init(ctx, keypath, NULL)))
		die(ctx, "key", st);
	long rss0 = peak_kib();
	haven_missing_report r1, r2;
	haven_missing_opts o = {.source = "police", .key = keypath};
	double a = now_s(), cpu0 = cpu_s();
	if ((st = haven_missing_import(ctx, police, &o, &r1)))
		die(ctx, "police import", st);
	double b = now_s();
	o.source = "la";
	if ((st = haven_missing_import(ctx, la, &o, &r2)))
		die(ctx, "la import", st);
	double c = now_s(), cpu1 = cpu_s();
	long rss1 = peak_kib();
	printf("missing import: %ld rows (police %ld in %.2f s, LA %ld in %.2f s) = %.0f rows/s; %lld episodes, %lld "
	       "linked, %lld with a conflict; CPU %.2f s (%.0f rows per CPU second); peak RSS %.0f MiB before the "
	       "imports, %.0f MiB after\n",
	       rows, np, b - a, nl, c - b, (double)rows / (c - a), (long long)r2.episodes, (long long)r2.both,
	       (long long)r2.conflicts, cpu1 - cpu0, (double)rows / (cpu1 - cpu0), (double)rss0 / 1024,
	       (double)rss1 / 1024);
	floor_of_writes(ctx, rows, c - a);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
