/*
 * test_scope.c - an authority's scope as a set of local authorities, on the
 * bundled ONS boundaries: police force areas resolve to exactly the LAs they
 * hold, every English LA lies in exactly one English force area, and
 * missing authorities, areas and boundaries are named errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govern/scope.h"
#include "ref/areas.h"
#include "core/sql.h"
#include "testutil.h"

static haven_ctx *ctx; /* a copy of the national store: the bundled la and pfa boundaries */

static int setup(void **state)
{
	(void)state;
	ctx = tu_national_store("boundaries.db", "scope.db");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

static void sql(haven_ctx *c, const char *text)
{
	tu_ok(c, hv_exec(c, text));
}

/* Register authority code of kind with its areas ("pfa:E23000010 la:E08000035"). */
static void add_authority(haven_ctx *c, const char *code, const char *kind, const char *areas)
{
	int national = strcmp(kind, "police") && strcmp(kind, "la") && strcmp(kind, "probation");
	char *q = sqlite3_mprintf("INSERT OR IGNORE INTO authority(code, kind, name, scope, created_at)"
	                          " VALUES(%Q, %Q, %Q, %Q, '2025-04-01T00:00:00Z')",
	                          code, kind, code, national ? "national" : "areas");
	sql(c, q);
	sqlite3_free(q);
	char buf[512];
	snprintf(buf, sizeof buf, "%s", areas ? areas : "");
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');
		assert_non_null(colon);
		*colon = '\0';
		q = sqlite3_mprintf("INSERT INTO authority_area VALUES(%Q, %Q, %Q)", code, tok, colon + 1);
		sql(c, q);
		sqlite3_free(q);
	}
	int recorded;
	tu_ok(c, hv_scope_record(c, code, &recorded));
	assert_true(recorded);
}

/* The scope's LA codes as one space-separated string. */
static char *joined(const hv_scope *s)
{
	static char buf[4096];
	buf[0] = '\0';
	for (size_t i = 0; i < hv_scope_la_count(s); i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof buf - l, "%s%s", i ? " " : "", hv_scope_la(s, i));
	}
	return buf;
}

static void test_police_force_areas(void **state)
{
	(void)state;
	static char met[400];
	met[0] = '\0';
	for (int i = 2; i <= 33; i++) { /* the 32 boroughs: E09000002 .. E09000033 */
		size_t l = strlen(met);
		snprintf(met + l, sizeof met - l, "%sE090000%02d", i > 2 ? " " : "", i);
	}
	static const struct {
		const char *pfa, *las, *describe;
	} cases[] = {
	    /* 1 */ {"E23000010", "E08000032 E08000033 E08000034 E08000035 E08000036",
	             "West Yorkshire (E23000010): 5 local authorities"},
	    /* 2 */
	    {"E23000029", "E06000036 E06000037 E06000038 E06000039 E06000040 E06000041 E06000042 E06000060 E10000025",
	     "Thames Valley (E23000029): 9 local authorities"},
	    /* 3 */
	    {"E23000035", "E06000026 E06000027 E06000052 E06000053 E10000008",
	     "Devon & Cornwall (E23000035): 5 local authorities"},
	    /* 4 */ {"E23000001", NULL, "Metropolitan Police (E23000001): 32 local authorities"},
	    /* 5 */ {"E23000034", "E09000001", "London, City of (E23000034): 1 local authority"},
	    /* 6 */ {"E23000009", "E06000014 E06000065", "North Yorkshire (E23000009): 2 local authorities"},
	    /* 7 */
	    {"E23000005",
	     "E08000001 E08000002 E08000003 E08000004 E08000005 E08000006 E08000007 E08000008 E08000009 "
	     "E08000010",
	     "Greater Manchester (E23000005): 10 local authorities"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char areas[32];
		snprintf(areas, sizeof areas, "pfa:%s", cases[i].pfa);
		add_authority(ctx, cases[i].pfa, "police", areas);
		hv_scope *s;
		tu_ok(ctx, hv_scope_load(ctx, cases[i].pfa, &s));
		const char *want = cases[i].las ? cases[i].las : met;
		if (strcmp(joined(s), want) != 0 || strcmp(hv_scope_describe(s), cases[i].describe) != 0)
			fail_msg("case %zu (%s): got '%s' / '%s'; want '%s' / '%s'", i + 1, cases[i].pfa, joined(s),
			         hv_scope_describe(s), want, cases[i].describe);
		assert_false(hv_scope_is_national(s));
		assert_true(hv_scope_has_la(s, hv_scope_la(s, 0)));
		assert_false(hv_scope_has_la(s, "E06000065") && strcmp(cases[i].pfa, "E23000009") != 0);
		assert_false(hv_scope_has_la(s, NULL));
		assert_null(hv_scope_la(s, hv_scope_la_count(s)));
		hv_scope_free(s);
	}
}

/* Every English LA falls in exactly one English force area; Welsh force
 * areas hold none of them. */
static void test_every_la_in_one_force_area(void **state)
{
	(void)state;
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "SELECT code FROM area WHERE kind = 'pfa' ORDER BY code", &st));
	char codes[64][16];
	size_t npfa = 0;
	while (sqlite3_step(st) == SQLITE_ROW && npfa < 64)
		snprintf(codes[npfa++], sizeof codes[0], "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(npfa, 43);
	sql(ctx, "CREATE TEMP TABLE seen(la TEXT, pfa TEXT)");
	size_t total = 0, english = 0;
	for (size_t i = 0; i < npfa; i++) {
		char code[1040], areas[1040];
		snprintf(code, sizeof code, "P-%s", codes[i]);
		snprintf(areas, sizeof areas, "pfa:%s", codes[i]);
		add_authority(ctx, code, "police", areas);
		hv_scope *s;
		tu_ok(ctx, hv_scope_load(ctx, code, &s));
		if (codes[i][0] == 'W' && hv_scope_la_count(s) != 0)
			fail_msg("Welsh force area %s holds English LAs: %s", codes[i], joined(s));
		if (codes[i][0] == 'E') {
			english++;
			if (hv_scope_la_count(s) == 0)
				fail_msg("English force area %s holds no LA", codes[i]);
		}
		for (size_t k = 0; k < hv_scope_la_count(s); k++) {
			char *q = sqlite3_mprintf("INSERT INTO seen VALUES(%Q, %Q)", hv_scope_la(s, k), codes[i]);
			sql(ctx, q);
			sqlite3_free(q);
		}
		total += hv_scope_la_count(s);
		hv_scope_free(s);
	}
	assert_int_equal(english, 39);
	assert_int_equal(total, 153);
	assert_int_equal(tu_int(ctx, "SELECT count(DISTINCT la) FROM seen"), 153);
	assert_int_equal(
	    tu_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la' AND code NOT IN (SELECT la FROM seen)"), 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM (SELECT la FROM seen GROUP BY la HAVING count(*) > 1)"), 0);
	sql(ctx, "DROP TABLE seen");
}

static void test_kinds_of_authority(void **state)
{
	(void)state;
	add_authority(ctx, "DFE", "dfe", NULL);
	add_authority(ctx, "OCC", "occ", NULL);
	add_authority(ctx, "LA-LEEDS", "la", "la:E08000035");
	add_authority(ctx, "PROB-NW", "probation", "pfa:E23000004 pfa:E23000006 la:E06000065");
	static const struct {
		const char *code;
		int national;
		const char *las, *describe;
	} cases[] = {
	    /* 1 */ {"DFE", 1, "", "national"},
	    /* 2 */ {"OCC", 1, "", "national"},
	    /* 3 */ {"X00", 1, "", "national"}, /* the store's owner, hmci */
	    /* 4 */ {"LA-LEEDS", 0, "E08000035", "Leeds (E08000035): 1 local authority"},
	    /* 5: Merseyside, Cheshire, and North Yorkshire by LA */
	    {"PROB-NW", 0,
	     "E06000006 E06000007 E06000049 E06000050 E06000065 E08000011 E08000012 E08000013 E08000014 E08000015",
	     "North Yorkshire (E06000065), Merseyside (E23000004), Cheshire (E23000006): 10 local authorities"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hv_scope *s;
		tu_ok(ctx, hv_scope_load(ctx, cases[i].code, &s));
		if (hv_scope_is_national(s) != cases[i].national || strcmp(joined(s), cases[i].las) != 0 ||
		    strcmp(hv_scope_describe(s), cases[i].describe) != 0)
			fail_msg("case %zu (%s): national %d, '%s' / '%s'", i + 1, cases[i].code,
			         hv_scope_is_national(s), joined(s), hv_scope_describe(s));
		if (cases[i].national) {
			assert_true(hv_scope_has_la(s, "E08000035"));
			assert_true(hv_scope_has_la(s, "W06000015"));
		} else {
			assert_false(hv_scope_has_la(s, "E08000032"));
		}
		hv_scope_free(s);
	}
	/* The owner's scope is the owner's authority's. */
	hv_scope *s;
	tu_ok(ctx, hv_scope_owner(ctx, &s));
	assert_true(hv_scope_is_national(s));
	hv_scope_free(s);
}

/* A police-owned store: its scope is recorded by the first boundary load
 * that makes it known, and never changed by a later one - a widened force
 * polygon only says what it would give - until an admin rescopes. */
static void test_owner_scope(void **state)
{
	(void)state;
	haven_ctx *c;
	assert_int_equal(haven_ctx_new(&c), HAVEN_OK);
	haven_owner owner = {.kind = "police", .code = "E23000010", .name = "West Yorkshire Police"};
	tu_ok(c, haven_store_create(c, tu_tmp("police.db"), &owner));
	hv_scope *s;
	/* 1: no boundaries yet: not recorded. */
	tu_assert_status(c, hv_scope_owner(c, &s), HAVEN_ERR_NOT_FOUND);
	tu_assert_msg(c, "the scope of authority E23000010 is not recorded yet");
	assert_null(s);
	/* 2: la boundaries alone still cannot say. */
	char *q = sqlite3_mprintf("ATTACH %Q AS src", tu_tmp("scope.db"));
	sql(c, q);
	sqlite3_free(q);
	sql(c,
	    "INSERT INTO area(kind, code, name, geom) SELECT kind, code, name, geom FROM src.area WHERE kind = 'la'");
	tu_ok(c, hv_area_la_rebuild(c, NULL));
	tu_ok(c, hv_scope_after_boundaries(c));
	tu_assert_status(c, hv_scope_owner(c, &s), HAVEN_ERR_NOT_FOUND);
	/* 3: with the force areas it is recorded. */
	sql(c,
	    "INSERT INTO area(kind, code, name, geom) SELECT kind, code, name, geom FROM src.area WHERE kind = 'pfa'");
	sql(c, "DETACH src");
	tu_ok(c, hv_area_la_rebuild(c, NULL));
	tu_ok(c, hv_scope_after_boundaries(c));
	tu_ok(c, hv_scope_owner(c, &s));
	assert_string_equal(joined(s), "E08000032 E08000033 E08000034 E08000035 E08000036");
	assert_string_equal(hv_scope_describe(s), "West Yorkshire (E23000010): 5 local authorities");
	hv_scope_free(s);
	/* 4: a force polygon widened to cover the north of England: the scope
	 * recorded stays the five West Yorkshire LAs. */
	sql(c, "UPDATE area SET geom = CastToMultiPolygon(BuildMbr(300000, 350000, 480000, 520000, 27700)) WHERE kind = 'pfa'"
	       " AND code = 'E23000010'");
	tu_ok(c, hv_area_la_rebuild(c, NULL));
	tu_ok(c, hv_scope_after_boundaries(c));
	tu_ok(c, hv_scope_owner(c, &s));
	assert_string_equal(joined(s), "E08000032 E08000033 E08000034 E08000035 E08000036");
	hv_scope_free(s);
	/* 5: only a rescope adopts it. */
	size_t added, removed;
	tu_ok(c, hv_scope_rescope(c, "E23000010", &added, &removed));
	assert_true(added > 5);
	assert_int_equal(removed, 0);
	tu_ok(c, hv_scope_owner(c, &s));
	assert_true(hv_scope_la_count(s) == 5 + added);
	hv_scope_free(s);
	haven_ctx_free(c);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *code, *kind, *areas;
		haven_status record, load;
		const char *msg;
	} cases[] = {
	    /* 1 */ {"E99999999", NULL, NULL, HAVEN_ERR_NOT_FOUND, HAVEN_ERR_NOT_FOUND,
	             "authority E99999999 is not registered in this store"},
	    /* 2 */ {"NOAREA", "police", NULL, HAVEN_ERR_NOT_FOUND, HAVEN_ERR_NOT_FOUND,
	             "authority NOAREA sees the homes of named areas, and no area is recorded for it"},
	    /* 3 */ {"OLDLA", "la", "la:E10000023", HAVEN_ERR_VALUE, HAVEN_ERR_NOT_FOUND,
	             "authority OLDLA covers local authority E10000023, which is not among the store's la"},
	    /* 4 */ {"BADPFA", "police", "pfa:E23000099", HAVEN_ERR_VALUE, HAVEN_ERR_NOT_FOUND,
	             "authority BADPFA covers police force area E23000099, which is not among the store's pfa"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].kind) {
			char *q = sqlite3_mprintf("INSERT INTO authority(code, kind, name, scope, created_at)"
			                          " VALUES(%Q, %Q, %Q, 'areas', '2025-04-01T00:00:00Z')",
			                          cases[i].code, cases[i].kind, cases[i].code);
			sql(ctx, q);
			sqlite3_free(q);
			if (cases[i].areas) {
				const char *colon = strchr(cases[i].areas, ':');
				q = sqlite3_mprintf("INSERT INTO authority_area VALUES(%Q, %.*Q, %Q)", cases[i].code,
				                    (int)(colon - cases[i].areas), cases[i].areas, colon + 1);
				sql(ctx, q);
				sqlite3_free(q);
			}
		}
		int recorded = 1;
		tu_assert_status(ctx, hv_scope_record(ctx, cases[i].code, &recorded), cases[i].record);
		tu_assert_msg(ctx, cases[i].msg);
		assert_false(recorded);
		hv_scope *s = (hv_scope *)&s;
		tu_assert_status(ctx, hv_scope_load(ctx, cases[i].code, &s), cases[i].load);
		assert_null(s);
	}
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_police_force_areas), cmocka_unit_test(test_every_la_in_one_force_area),
        cmocka_unit_test(test_kinds_of_authority), cmocka_unit_test(test_owner_scope), cmocka_unit_test(test_errors))
