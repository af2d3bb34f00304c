/*
 * test_gazetteer.c - loading postcode and UPRN files into a real store, the
 * lookups other modules use, and every way a file can be refused (status,
 * file and row in the message, store unchanged).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ref/gazetteer.h"
#include "core/sql.h"
#include "testutil.h"

static const char *fx(const char *name)
{
	static char buf[4][1024];
	static int k;
	char *b = buf[k++ & 3];
	snprintf(b, 1024, "%s", tu_fixture(name));
	return b;
}

static void test_onspd_fixture(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("onspd.db");
	haven_gazetteer_report r;
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/onspd_sample.csv"), NULL, &r));
	assert_int_equal(r.uprn, 0);
	assert_int_equal(r.rows_read, 10);
	assert_int_equal(r.live, 8);
	assert_int_equal(r.terminated, 2);
	assert_int_equal(r.no_coords, 2);
	assert_int_equal(r.sectors, 5);
	assert_true(r.seconds > 0);

	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode"), 8);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode WHERE e IS NULL"), 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode_terminated"), 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode_sector"), 5);
	/* Grid references are taken as given (BNG preferred over lat/long). */
	assert_int_equal(tu_int(ctx, "SELECT e FROM postcode WHERE pc = 'M1 1AE'"), 384756);
	assert_int_equal(tu_int(ctx, "SELECT n FROM postcode WHERE pc = 'SW1A 1AA'"), 179645);
	char buf[64];
	/* Upper tier: the district where the county is a pseudo-code, the
	 * county in two-tier areas. */
	assert_string_equal(tu_text(ctx, "SELECT la_code FROM postcode WHERE pc = 'M1 1AE'", buf, sizeof buf),
	                    "E08000003");
	assert_string_equal(tu_text(ctx, "SELECT la_code FROM postcode WHERE pc = 'CT1 1AA'", buf, sizeof buf),
	                    "E10000016");
	assert_string_equal(tu_text(ctx, "SELECT la_code FROM postcode WHERE pc = 'AB10 1AB'", buf, sizeof buf),
	                    "S12000033");
	assert_string_equal(tu_text(ctx, "SELECT pfa_code FROM postcode WHERE pc = 'CT1 1AA'", buf, sizeof buf),
	                    "E23000032");
	assert_string_equal(tu_text(ctx, "SELECT terminated FROM postcode_terminated WHERE pc = 'M1 1AB'", buf,
	                          sizeof buf),
	                    "200012");
	/* The load is recorded. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM gazetteer_load WHERE kind = 'postcode' AND rows_read = 10 "
	                             "AND live = 8 AND terminated = 2 AND no_coords = 2"),
	                 1);
	assert_string_equal(tu_text(ctx, "SELECT loaded_at FROM gazetteer_load", buf, sizeof buf),
	                    "2025-04-15T09:00:00Z");

	/* Lookups. */
	hv_gazetteer *g;
	tu_ok(ctx, hv_gazetteer_open(ctx, &g));
	static const struct {
		const char *pc;
		hv_gz_match m;
		double e, n;
	} cases[] = {
		/* 1 */ {"M1 1AE", HV_GZ_LIVE, 384756, 398554},
		/* 2 */ {"SW1A 1AA", HV_GZ_LIVE, 529090, 179645},
		/* 3 terminated with a grid reference */ {"M1 1AB", HV_GZ_TERMINATED, 384000, 398000},
		/* 4 live, no grid reference (ONSPD placeholder) */ {"CT1 1AB", HV_GZ_NO_COORDS, 0, 0},
		/* 5 terminated, no grid reference */ {"M1 9ZZ", HV_GZ_NO_COORDS, 0, 0},
		/* 6 unknown */ {"ZZ1 1ZZ", HV_GZ_NONE, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hv_gz_match m;
		double e = -1, n = -1;
		tu_ok(ctx, hv_gazetteer_postcode(g, cases[i].pc, &m, &e, &n));
		if (m != cases[i].m)
			fail_msg("lookup case %zu %s: match %d, want %d", i + 1, cases[i].pc, (int)m, (int)cases[i].m);
		if ((m == HV_GZ_LIVE || m == HV_GZ_TERMINATED) && (e != cases[i].e || n != cases[i].n))
			fail_msg("lookup case %zu %s: (%.1f, %.1f)", i + 1, cases[i].pc, e, n);
	}
	/* Sector M1 1 by hand: the live M1 1AE, 1AF and 1AG; not the
	 * terminated M1 1AB at (384000, 398000). */
	int found = 0;
	double e = 0, n = 0;
	tu_ok(ctx, hv_gazetteer_sector(g, "M1 1", &found, &e, &n));
	assert_int_equal(found, 1);
	assert_true(fabs(e - (384756.0 + 384358.0 + 384738.0) / 3.0) < 1e-6);
	assert_true(fabs(n - (398554.0 + 398230.0 + 398533.0) / 3.0) < 1e-6);
	assert_int_equal(tu_int(ctx, "SELECT postcodes FROM postcode_sector WHERE sector = 'M1 1'"), 3);
	tu_ok(ctx, hv_gazetteer_sector(g, "CT1 1", &found, &e, &n));
	assert_int_equal(found, 1);
	assert_true(e == 615139.0 && n == 157854.0);
	/* M1 9 holds only a terminated postcode: no sector. */
	tu_ok(ctx, hv_gazetteer_sector(g, "M1 9", &found, &e, &n));
	assert_int_equal(found, 0);
	tu_ok(ctx, hv_gazetteer_uprn(g, 1, &found, &e, &n));
	assert_int_equal(found, 0);
	hv_gazetteer_close(g);
	haven_ctx_free(ctx);
}

static void test_uprn_fixture(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("uprn.db");
	haven_gazetteer_report r;
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/onspd_sample.csv"), NULL, &r));
	char before[65], after[65];
	tu_digest(ctx, before);
	/* Detected by its UPRN column; X/Y_COORDINATE preferred to lat/long. */
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/os_open_uprn.csv"), NULL, &r));
	assert_int_equal(r.uprn, 1);
	assert_int_equal(r.rows_read, 5);
	assert_int_equal(r.live, 5);
	assert_int_equal(r.sectors, 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM uprn"), 5);
	/* The postcode tables are untouched by a UPRN load. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode"), 8);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM gazetteer_load WHERE kind = 'uprn' AND live = 5"), 1);
	tu_digest(ctx, after);
	assert_string_not_equal(before, after);

	hv_gazetteer *g;
	tu_ok(ctx, hv_gazetteer_open(ctx, &g));
	int found;
	double e, n;
	tu_ok(ctx, hv_gazetteer_uprn(g, 100023336956LL, &found, &e, &n));
	assert_int_equal(found, 1);
	assert_true(e == 529090.0 && n == 179645.0);
	tu_ok(ctx, hv_gazetteer_uprn(g, 1, &found, &e, &n));
	assert_int_equal(found, 1);
	assert_true(fabs(e - 358260.66) < 1e-9 && fabs(n - 172796.50) < 1e-9);
	tu_ok(ctx, hv_gazetteer_uprn(g, 3, &found, &e, &n));
	assert_int_equal(found, 0);
	hv_gazetteer_close(g);

	/* --uprn with lat/long columns only: transformed to BNG, whole metres,
	 * within 5 m of the published grid reference (Helmert, no OSTN15). */
	const char *p = tu_write("uprn_ll.csv", "UPRN,LATITUDE,LONGITUDE\n100023336956,51.5010100,-0.1415600\n");
	haven_gazetteer_opts o = {1, NULL, NULL, NULL, NULL, NULL, 0};
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &o, &r), HAVEN_ERR_MISSING); /* 5 UPRNs by 1 */
	o.force = 1;
	tu_ok(ctx, haven_gazetteer_load(ctx, p, &o, &r));
	assert_int_equal(r.live, 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM uprn"), 1);
	tu_ok(ctx, hv_gazetteer_open(ctx, &g));
	tu_ok(ctx, hv_gazetteer_uprn(g, 100023336956LL, &found, &e, &n));
	assert_int_equal(found, 1);
	assert_true(fabs(e - 529090.0) < 5.0 && fabs(n - 179645.0) < 5.0);
	assert_true(e == round(e) && n == round(n));
	hv_gazetteer_close(g);
	haven_ctx_free(ctx);
}

/* An NSPL-style lat/long file: mixed spacing, no-grid rows kept, points
 * transformed, reload replaces everything. */
static void test_latlong_and_reload(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("latlong.db");
	haven_gazetteer_report r;
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/onspd_sample.csv"), NULL, &r));
	const char *p = tu_write("nspl.csv", "Postcode,lat,long\n"
	                                     "AB113AG,,0.00000\n"
	                                     "LS1 1AA,53.79617,-1.55254\n"
	                                     "SW1A1AA,51.50101,-0.14156\n"
	                                     "SW1A2AA,51.50354,-0.12768\n");
	haven_gazetteer_opts force = {.force = 1};
	tu_ok(ctx, haven_gazetteer_load(ctx, p, &force, &r));
	assert_int_equal(r.rows_read, 4);
	assert_int_equal(r.live, 4);
	assert_int_equal(r.terminated, 0);
	assert_int_equal(r.no_coords, 1);
	assert_int_equal(r.sectors, 3); /* LS1 1, SW1A 1, SW1A 2 */
	/* Replaced, not added to. */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode"), 4);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode_terminated"), 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode_sector"), 3);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM gazetteer_load"), 2);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode WHERE pc = 'AB11 3AG' AND e IS NULL"), 1);

	hv_gazetteer *g;
	tu_ok(ctx, hv_gazetteer_open(ctx, &g));
	hv_gz_match m;
	double e, n, se, sn;
	int found;
	/* Buckingham Palace: ONSPD gives 529090, 179645. */
	tu_ok(ctx, hv_gazetteer_postcode(g, "SW1A 1AA", &m, &e, &n));
	assert_int_equal(m, HV_GZ_LIVE);
	assert_true(fabs(e - 529090) < 5 && fabs(n - 179645) < 5);
	double e2, n2;
	tu_ok(ctx, hv_gazetteer_postcode(g, "SW1A 2AA", &m, &e2, &n2));
	assert_int_equal(m, HV_GZ_LIVE);
	tu_ok(ctx, hv_gazetteer_sector(g, "SW1A 1", &found, &se, &sn));
	assert_int_equal(found, 1);
	assert_true(se == e && sn == n);
	tu_ok(ctx, hv_gazetteer_sector(g, "SW1A 2", &found, &se, &sn));
	assert_true(found && se == e2 && sn == n2);
	tu_ok(ctx, hv_gazetteer_postcode(g, "AB11 3AG", &m, &e, &n));
	assert_int_equal(m, HV_GZ_NO_COORDS);
	tu_ok(ctx, hv_gazetteer_postcode(g, "M1 1AE", &m, &e, &n));
	assert_int_equal(m, HV_GZ_NONE);
	hv_gazetteer_close(g);
	haven_ctx_free(ctx);
}

/* Named columns, and pairs given by halves. */
static void test_options(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("options.db");
	haven_gazetteer_report r;
	const char *p = tu_write("odd.csv", "Code,E,N,Lt,Ln\nM1 1AE,384756,398554,53.48348,-2.23118\n");
	/* 1: nothing to detect */
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, NULL, &r), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "no postcode column");
	tu_assert_msg(ctx, "Code, E, N, Lt, Ln");
	/* 2: postcode named, coordinates still not found */
	haven_gazetteer_opts o = {0, "code", NULL, NULL, NULL, NULL, 0};
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &o, &r), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "no coordinate columns");
	/* 3: easting without northing */
	o.east_field = "E";
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &o, &r), HAVEN_ERR_USAGE);
	/* 4: both kinds */
	o.north_field = "N";
	o.lat_field = "Lt";
	o.lon_field = "Ln";
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &o, &r), HAVEN_ERR_USAGE);
	/* 5: a named column that is not there */
	o.lat_field = o.lon_field = NULL;
	o.north_field = "Northing";
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &o, &r), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "'Northing'");
	/* 6: BNG by name */
	o.north_field = "N";
	tu_ok(ctx, haven_gazetteer_load(ctx, p, &o, &r));
	assert_int_equal(tu_int(ctx, "SELECT e FROM postcode WHERE pc = 'M1 1AE'"), 384756);
	/* 7: lat/long by name */
	o.east_field = o.north_field = NULL;
	o.lat_field = "Lt";
	o.lon_field = "Ln";
	tu_ok(ctx, haven_gazetteer_load(ctx, p, &o, &r));
	assert_true(llabs(tu_int(ctx, "SELECT e FROM postcode WHERE pc = 'M1 1AE'") - 384756) < 5);
	/* 8: --uprn on a file without a UPRN column */
	haven_gazetteer_opts u = {1, NULL, NULL, NULL, NULL, NULL, 0};
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, &u, &r), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "no UPRN column");
	/* 9: a postcode column named while a UPRN column exists: postcodes */
	const char *q = tu_write("both.csv", "uprn,postcode,easting,northing\n7,M1 1AE,384756,398554\n");
	haven_gazetteer_opts pc = {0, "postcode", NULL, NULL, NULL, NULL, 0};
	tu_ok(ctx, haven_gazetteer_load(ctx, q, &pc, &r));
	assert_int_equal(r.uprn, 0);
	/* 10: ... and without options, the UPRN column decides */
	tu_ok(ctx, haven_gazetteer_load(ctx, q, NULL, &r));
	assert_int_equal(r.uprn, 1);
	/* 11: LADyyCD names the district when there is no oslaua */
	const char *l = tu_write("lad.csv", "pcds,LAD24CD,x,y\nM1 1AE,E08000003,384756,398554\n");
	tu_ok(ctx, haven_gazetteer_load(ctx, l, NULL, &r));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode WHERE la_code = 'E08000003'"), 1);
	/* 12: NSPL names the county and district cty and laua */
	const char *n = tu_write("nspl_cols.csv", "pcd,cty,laua,pfa,oseast1m,osnrth1m\n"
	                                          "CT1 1AA,E10000016,E07000106,E23000032,615139,157854\n"
	                                          "M1 1AE,E99999999,E08000003,E23000005,384756,398554\n");
	tu_ok(ctx, haven_gazetteer_load(ctx, n, NULL, &r));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode WHERE pc = 'CT1 1AA' AND la_code = 'E10000016'"),
	                 1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode WHERE pc = 'M1 1AE' AND la_code = 'E08000003'"), 1);
	/* 13: no store open */
	haven_store_close(ctx);
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, NULL, &r), HAVEN_ERR_USAGE);
	haven_ctx_free(ctx);
}

/* 6,000 postcodes in BNG, distinct except that data row dup_at (0-based;
 * -1 for none) repeats the second; then extra rows. */
static const char *big_file(const char *name, int dup_at, const char *tail)
{
	static const char letters[] = "ABDEFGHJLNPQRSTUWXYZ";
	const char *p = tu_tmp(name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("pcds,oseast1m,osnrth1m\n", f);
	for (int i = 0; i < 6000; i++) {
		int k = i == dup_at ? 1 : i;
		fprintf(f, "M%d %d%c%c,%d,%d\n", 1 + k / 4000, (k / 400) % 10, letters[(k / 20) % 20], letters[k % 20],
		        380000 + i, 390000 + i);
	}
	fputs(tail, f);
	fclose(f);
	return p;
}

static void progress(void *user, const char *what, int64_t done, int64_t total)
{
	int64_t *calls = user;
	assert_string_equal(what, "postcodes");
	assert_true(done <= total && total > 0);
	calls[0]++;
	calls[1] = done;
	calls[2] = total;
}

static void test_bad_files(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("bad.db");
	haven_gazetteer_report r;
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/onspd_sample.csv"), NULL, &r));
	tu_ok(ctx, haven_gazetteer_load(ctx, fx("gazetteer/os_open_uprn.csv"), NULL, &r));
	char before[65], after[65];
	tu_digest(ctx, before);

	struct bad {
		const char *path; /* a fixture, or tu_tmp file written from text */
		const char *text;
		haven_status want;
		const char *msg1, *msg2;
	};
	const struct bad cases[] = {
		/* 1 */ {"gazetteer/bad_postcode.csv", NULL, HAVEN_ERR_VALUE, "bad_postcode.csv: row 4:",
		         "'SW1A 1ZC' is not a UK postcode"},
		/* 2 */ {"gazetteer/duplicate_postcode.csv", NULL, HAVEN_ERR_DUPLICATE, "duplicate_postcode.csv: row 5:",
		         "LS1 1AA appears twice"},
		/* 3 */ {"gazetteer/bng_in_latlong.csv", NULL, HAVEN_ERR_CRS, "bng_in_latlong.csv: row 3:",
		         "coordinates in the wrong CRS"},
		/* 4 */ {"gazetteer/unterminated_quote.csv", NULL, HAVEN_ERR_FORMAT, "unterminated_quote.csv: row 3:",
		         "unterminated"},
		/* 5 */ {"gazetteer/non_utf8.csv", NULL, HAVEN_ERR_FORMAT, "non_utf8.csv: row 3:", "UTF-8"},
		/* 6 live and terminated */
		{"t6.csv", "pcds,doterm,oseast1m,osnrth1m\nM1 1AE,,384756,398554\nM1 1AF,,384358,398230\n"
		           "M1 1AE,200012,384756,398554\n",
		 HAVEN_ERR_DUPLICATE, "t6.csv: row 4:", "once live, once terminated"},
		/* 7 terminated first, then live */
		{"t7.csv", "pcds,doterm,oseast1m,osnrth1m\nM1 1AE,200012,384756,398554\nM1 1AE,,384756,398554\n",
		 HAVEN_ERR_DUPLICATE, "t7.csv: row 3:", "once live, once terminated"},
		/* 8 */ {"t8.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n5,384756,398554\n6,384756,398554\n5,384700,398500\n",
		         HAVEN_ERR_DUPLICATE, "t8.csv: row 4:", "UPRN 5 appears twice"},
		/* 9 Paris */ {"t9.csv", "postcode,lat,long\nM1 1AE,53.48348,-2.23118\nM1 1AF,48.8566,2.3522\n",
		               HAVEN_ERR_CRS, "t9.csv: row 3:", "wrong CRS"},
		/* 10 degrees in easting/northing */
		{"t10.csv", "postcode,easting,northing\nM1 1AE,-2.23118,53.48348\n", HAVEN_ERR_CRS, "t10.csv: row 2:",
		 "not a British National Grid point"},
		/* 11 */ {"t11.csv", "postcode,easting,northing\nM1 1AE,384756,398554\nM1 1AF,3843S8,398230\n",
		          HAVEN_ERR_VALUE, "t11.csv: row 3:", "easting '3843S8' is not a number"},
		/* 12 */ {"t12.csv", "postcode,easting,northing\nM1 1AE,384756,\n", HAVEN_ERR_MISSING, "t12.csv: row 2:",
		          "northing is empty"},
		/* 13 */ {"t13.csv", "postcode,easting,northing\nM1 1AE,384756,398554\n,384756,398554\n",
		          HAVEN_ERR_MISSING, "t13.csv: row 3:", "postcode is empty"},
		/* 14 */ {"t14.csv", "address,easting,northing\nM1 1AE,384756,398554\n", HAVEN_ERR_MISSING,
		          "t14.csv: no postcode column", "address"},
		/* 15 latitude without longitude */
		{"t15.csv", "postcode,lat,long\nM1 1AE,53.48348,\n", HAVEN_ERR_MISSING, "t15.csv: row 2:",
		 "long is empty"},
		/* 16 UPRN not a number */
		{"t16.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n12A,384756,398554\n", HAVEN_ERR_VALUE, "t16.csv: row 2:",
		 "not a UPRN"},
		/* 17 UPRN without coordinates */
		{"t17.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n12,,\n", HAVEN_ERR_MISSING, "t17.csv: row 2:",
		 "UPRN 12 has no coordinates"},
		/* 18 latitude north of Shetland: in the GB box, off the grid */
		{"t18.csv", "postcode,lat,long\nZE2 9AA,61.45,-0.9\n", HAVEN_ERR_CRS, "t18.csv: row 2:", "wrong CRS"},
		/* 19 only an easting column */
		{"t19.csv", "postcode,easting\nM1 1AE,384756\n", HAVEN_ERR_MISSING, "column easting found",
		 "no northing column"},
		/* 20 easting beyond Great Britain's grid extent */
		{"t20.csv", "postcode,easting,northing\nM1 1AE,3847560,398554\n", HAVEN_ERR_CRS, "t20.csv: row 2:",
		 "not a British National Grid point"},
		/* 21 a missing file */
		{"no_such_file.csv", NULL, HAVEN_ERR_IO, "no_such_file.csv", ""},
		/* 22 a column twice: which one holds the latitude? */
		{"t22.csv", "postcode,lat,long,lat\nM1 1AE,53.48348,-2.23118,57.0\n", HAVEN_ERR_DUPLICATE, "t22.csv: row 1:",
		 "columns 2 ('lat') and 4 ('lat') have the same name"},
		/* 23 hex is not a coordinate (strtod reads 0x39 as 57) */
		{"t23.csv", "postcode,lat,long\nM1 1AE,0x35,-2.23118\n", HAVEN_ERR_VALUE, "t23.csv: row 2:",
		 "lat '0x35' is not a number"},
		/* 24 */ {"t24.csv", "postcode,lat,long\nM1 1AE,53.48348,inf\n", HAVEN_ERR_VALUE, "t24.csv: row 2:",
		          "long 'inf' is not a number"},
		/* 25 */ {"t25.csv", "postcode,lat,long\nM1 1AE,nan,-2.23118\n", HAVEN_ERR_VALUE, "t25.csv: row 2:",
		          "lat 'nan' is not a number"},
		/* 26 */ {"t26.csv", "postcode,easting,northing\nM1 1AE,384756m,398554\n", HAVEN_ERR_VALUE,
		          "t26.csv: row 2:", "easting '384756m' is not a number"},
		/* 27 */ {"t27.csv", "postcode,easting,northing\nM1 1AE,384756,3985.5.4\n", HAVEN_ERR_VALUE,
		          "t27.csv: row 2:", "northing '3985.5.4' is not a number"},
		/* 28 */ {"t28.csv", "postcode,lat,long\nM1 1AE,53.48348,-2.23118e\n", HAVEN_ERR_VALUE, "t28.csv: row 2:",
		          "long '-2.23118e' is not a number"},
		/* 29 a truncated gzip: an error, not the rows before the cut */
		{"t29.csv.gz", NULL, HAVEN_ERR_FORMAT, "t29.csv.gz: row", "the file is truncated"},
		/* 30 a FIFO is refused, not waited on */
		{"t30.csv", NULL, HAVEN_ERR_IO, "t30.csv", "named pipe"},
	};
	{
		/* 29: the ONSPD fixture gzipped, its last 8 bytes (CRC, length) cut */
		size_t n, len;
		char *csv = tu_read(fx("gazetteer/onspd_sample.csv"), &n);
		unsigned char *gz = tu_gzip(csv, n, 6, 0, &len);
		tu_write_bytes("t29.csv.gz", gz, len - 8);
		free(gz);
		free(csv);
		assert_int_equal(mkfifo(tu_tmp("t30.csv"), 0600), 0);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p;
		if (cases[i].text)
			p = tu_write(cases[i].path, cases[i].text);
		else if (strchr(cases[i].path, '/'))
			p = fx(cases[i].path);
		else
			p = tu_tmp(cases[i].path);
		memset(&r, 0x55, sizeof r);
		haven_status st = haven_gazetteer_load(ctx, p, NULL, &r);
		if (st != cases[i].want)
			fail_msg("bad case %zu: got %s, want %s: %s", i + 1, haven_status_name(st),
			         haven_status_name(cases[i].want), haven_errmsg(ctx));
		if (!strstr(haven_errmsg(ctx), cases[i].msg1) || !strstr(haven_errmsg(ctx), cases[i].msg2))
			fail_msg("bad case %zu: message '%s' lacks '%s' or '%s'", i + 1, haven_errmsg(ctx),
			         cases[i].msg1, cases[i].msg2);
		assert_int_equal(r.rows_read, 0);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("bad case %zu: the store changed", i + 1);
	}

	/* Replacing: a file with no rows never empties the gazetteer; one with
	 * fewer than half the rows held needs --force (a truncated file). */
	static const struct {
		const char *name, *text;
		int force;
		haven_status want;
		const char *msg;
	} shrink[] = {
	    /* 1 */ {"s1.csv", "pcds,oseast1m,osnrth1m\n", 1, HAVEN_ERR_MISSING, "s1.csv: no postcodes in the file"},
	    /* 2 */
	    {"s2.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n", 1, HAVEN_ERR_MISSING, "s2.csv: no uprns in the file"},
	    /* 3 */
	    {"s3.csv",
	     "pcds,oseast1m,osnrth1m\nM1 1AE,384756,398554\nM1 1AF,384358,398230\nM1 1AG,384000,398000\n"
	     "M1 1AH,384100,398100\n",
	     0, HAVEN_ERR_MISSING, "s3.csv: it would replace the 10 postcodes held with 4, fewer than 50% of them"},
	    /* 4 */
	    {"s4.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n5,384756,398554\n6,384756,398554\n", 0, HAVEN_ERR_MISSING,
	     "s4.csv: it would replace the 5 uprns held with 2"},
	};
	for (size_t i = 0; i < sizeof shrink / sizeof shrink[0]; i++) {
		haven_gazetteer_opts o = {.force = shrink[i].force};
		haven_status st = haven_gazetteer_load(ctx, tu_write(shrink[i].name, shrink[i].text), &o, &r);
		if (st != shrink[i].want || !strstr(haven_errmsg(ctx), shrink[i].msg))
			fail_msg("shrink case %zu: got %s '%s', want %s '%s'", i + 1, haven_status_name(st),
			         haven_errmsg(ctx), haven_status_name(shrink[i].want), shrink[i].msg);
		tu_digest(ctx, after);
		if (strcmp(before, after) != 0)
			fail_msg("shrink case %zu: the store changed", i + 1);
	}
	/* Exactly half is allowed; fewer with --force too. */
	haven_gazetteer_opts force = {.force = 1};
	tu_ok(ctx, haven_gazetteer_load(ctx,
	                                tu_write("half.csv", "pcds,oseast1m,osnrth1m\nM1 1AE,384756,398554\n"
	                                                     "M1 1AF,384358,398230\nM1 1AG,384000,398000\n"
	                                                     "M1 1AH,384100,398100\nM1 1AJ,384200,398200\n"),
	                                NULL, &r));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode"), 5);
	tu_ok(ctx, haven_gazetteer_load(ctx,
	                                tu_write("two.csv", "pcds,oseast1m,osnrth1m\nM1 1AE,384756,398554\n"
	                                                    "M1 1AF,384358,398230\n"),
	                                &force, &r));
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM postcode"), 2);
	tu_digest(ctx, before);

	/* 22: a duplicate in the second batch names its own row. */
	const char *p = big_file("big_dup.csv", -1, "M1 0AB,380001,390001\n");
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, NULL, &r), HAVEN_ERR_DUPLICATE);
	tu_assert_msg(ctx, "big_dup.csv: row 6002:");
	tu_assert_msg(ctx, "M1 0AB appears twice");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 23: a duplicate inside a full multi-row INSERT: that statement undoes
	 * its rows and the row-by-row retry names the right one. */
	p = big_file("big_dup2.csv", 4100, "");
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, NULL, &r), HAVEN_ERR_DUPLICATE);
	tu_assert_msg(ctx, "big_dup2.csv: row 4102:");
	tu_assert_msg(ctx, "M1 0AB appears twice");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 24: a bad row after several batches were inserted rolls them all back. */
	p = big_file("big_bad.csv", -1, "M3 0AA,380001,\n");
	tu_assert_status(ctx, haven_gazetteer_load(ctx, p, NULL, &r), HAVEN_ERR_MISSING);
	tu_assert_msg(ctx, "big_bad.csv: row 6002:");
	tu_digest(ctx, after);
	assert_string_equal(before, after);
	/* 25: the same file without the bad row loads; progress ends at 100%. */
	int64_t calls[3] = {0, 0, 0};
	haven_ctx_set_progress(ctx, progress, calls);
	p = big_file("big_ok.csv", -1, "");
	tu_ok(ctx, haven_gazetteer_load(ctx, p, NULL, &r));
	haven_ctx_set_progress(ctx, NULL, NULL);
	assert_int_equal(r.live, 6000);
	assert_int_equal(r.sectors, 15); /* M1 0..9, M2 0..4 */
	assert_true(calls[0] >= 1);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(calls[1], (int64_t)sb.st_size);
	assert_int_equal(calls[2], (int64_t)sb.st_size);
	haven_ctx_free(ctx);
}

/* A gzipped file reads the same as the plain one. */
static void test_gzip(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("gz.db");
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", fx("gazetteer/onspd_sample.csv"), tu_tmp("onspd.csv.gz"));
	assert_int_equal(system(cmd), 0);
	haven_gazetteer_report r;
	tu_ok(ctx, haven_gazetteer_load(ctx, tu_tmp("onspd.csv.gz"), NULL, &r));
	assert_int_equal(r.rows_read, 10);
	assert_int_equal(r.live, 8);
	assert_int_equal(r.sectors, 5);
	haven_ctx_free(ctx);
}

/* Coordinates are decimal numbers, exponent allowed, blanks around them
 * ignored, and nothing else. */
static void test_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *lat;
		haven_status want;
	} cases[] = {
		/* 1 */ {"53.48348", HAVEN_OK},
		/* 2 */ {" 53.48348 ", HAVEN_OK},
		/* 3 */ {"+53.48348", HAVEN_OK},
		/* 4 */ {"5.348348e1", HAVEN_OK},
		/* 5 */ {"5348348E-5", HAVEN_OK},
		/* 6 */ {"53.483480000000000000001", HAVEN_OK},
		/* 7 */ {"0x35", HAVEN_ERR_VALUE},
		/* 8 */ {"0X1.ABp5", HAVEN_ERR_VALUE},
		/* 9 */ {"infinity", HAVEN_ERR_VALUE},
		/* 10 */ {"NaN", HAVEN_ERR_VALUE},
		/* 11 */ {"53.48348x", HAVEN_ERR_VALUE},
		/* 12 */ {"53,48348", HAVEN_ERR_VALUE},
		/* 13 */ {".", HAVEN_ERR_VALUE},
		/* 14 */ {"-", HAVEN_ERR_VALUE},
		/* 15 */ {"5e", HAVEN_ERR_VALUE},
		/* 16 */ {"1e999", HAVEN_ERR_VALUE},
		/* 17 */ {"53 .48348", HAVEN_ERR_VALUE},
	};
	haven_ctx *ctx = tu_new_store("numbers.db");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[200], name[32];
		snprintf(text, sizeof text, "postcode,lat,long\nM1 1AE,\"%s\",-2.23118\n", cases[i].lat);
		snprintf(name, sizeof name, "n%zu.csv", i + 1);
		haven_status st = haven_gazetteer_load(ctx, tu_write(name, text), NULL, NULL);
		if (st != cases[i].want)
			fail_msg("case %zu ('%s'): got %s: %s", i + 1, cases[i].lat, haven_status_name(st), haven_errmsg(ctx));
		/* Every accepted spelling is the same point. */
		if (st == HAVEN_OK &&
		    tu_int(ctx, "SELECT count(*) FROM postcode WHERE pc = 'M1 1AE' AND e = 384756 AND n = 398554") != 1)
			fail_msg("case %zu ('%s'): another point", i + 1, cases[i].lat);
	}
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL,
		cmocka_unit_test(test_onspd_fixture),     cmocka_unit_test(test_uprn_fixture),
		cmocka_unit_test(test_latlong_and_reload), cmocka_unit_test(test_options),
		cmocka_unit_test(test_bad_files),          cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_numbers))
