/*
 * bench_geocode.c - geocoding throughput at national scale and beyond.
 *
 *   bench_geocode GAZETTEER [COPIES]
 *
 * Builds a store from the bundled boundaries and the gazetteer GAZETTEER,
 * makes the synthetic national register (4,009 homes) from the bundled
 * Ofsted provider list and imports it, then multiplies its current homes
 * COPIES times (default 25, ~100,000 homes: ten times today's register and
 * more) with SQL, and times one haven_geocode_run over all of them.  Prints
 * homes, seconds and homes per second.  Not run by ctest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sql.h"
#include "testutil.h"

static void die(haven_ctx *ctx, const char *what, haven_status st)
{
	fprintf(stderr, "bench_geocode: %s: %s: %s\n", what, haven_status_name(st), haven_errmsg(ctx));
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_geocode GAZETTEER [COPIES]\n");
		return 2;
	}
	int copies = argc == 3 ? atoi(argv[2]) : 25;
	haven_global_init();
	haven_ctx *ctx = tu_new_store("bench.db");
	haven_status st;
	static const char *const kinds[][2] = {{"la", "ctyua_dec2024_en_bgc.geojson.gz"},
	                                       {"district", "lad_dec2024_en_bgc.geojson.gz"},
	                                       {"pfa", "pfa_dec2023_ew_bgc.geojson.gz"},
	                                       {"region", "rgn_dec2023_en_bgc.geojson.gz"}};
	for (int i = 0; i < 4; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "boundaries/%s", kinds[i][1]);
		haven_boundaries_opts o = {kinds[i][0], tu_data(rel), NULL, NULL, NULL, 0};
		if ((st = haven_boundaries_load(ctx, &o, NULL)))
			die(ctx, "boundaries", st);
	}
	haven_gazetteer_report gr;
	if ((st = haven_gazetteer_load(ctx, argv[1], NULL, &gr)))
		die(ctx, "gazetteer", st);
	haven_synth_report sr;
	if ((st = haven_synth_from_ofsted(ctx, tu_data("ofsted/ofsted_provider_level_2025-03-31.csv.gz"), 7,
	                                  tu_tmp("synth"), 0, NULL, NULL, &sr)))
		die(ctx, "synth", st);
	haven_register_report rr;
	if ((st = haven_register_import(ctx, tu_tmp("synth/register.csv"), "2025-03-31", 0, &rr)))
		die(ctx, "import", st);
	/* Copies of every home under new URNs: same postcodes and LAs. */
	for (int k = 1; k < copies; k++) {
		char *sql = sqlite3_mprintf(
		    "INSERT INTO home_version(urn, valid_from, snapshot_from, name, address1, postcode, places,"
		    " la_code, la_name, registration_status, fingerprint)"
		    " SELECT urn || '-%d', valid_from, snapshot_from, name, address1, postcode, places, la_code,"
		    " la_name, registration_status, fingerprint FROM home_version WHERE urn NOT LIKE '%%-%%'",
		    k);
		st = hv_exec(ctx, sql);
		sqlite3_free(sql);
		if (st)
			die(ctx, "copying homes", st);
	}
	haven_geocode_report r;
	if ((st = haven_geocode_run(ctx, 0, &r)))
		die(ctx, "geocode", st);
	printf("geocode: %lld homes against %lld postcodes in %.3f s = %.0f homes/s (postcode %lld, sector %lld, "
	       "unmatched %lld; LA ok %lld, mismatch %lld, outside %lld)\n",
	       (long long)r.homes, (long long)gr.rows_read, r.seconds, (double)r.homes / r.seconds,
	       (long long)r.postcode, (long long)r.sector, (long long)r.unmatched, (long long)r.la_ok,
	       (long long)r.la_mismatch, (long long)r.la_outside);
	haven_ctx_free(ctx);
	haven_global_cleanup();
	return 0;
}
