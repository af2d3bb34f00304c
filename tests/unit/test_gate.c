/*
 * test_gate.c - the gate's promises (docs/disclosure.md, "The gate"), one
 * numbered case each, on a West Yorkshire Police store with the bundled ONS
 * la and pfa boundaries and three homes (two in Leeds, one in Bradford).
 *
 * Users: admin and ana (West Yorkshire Police), sam (a senior there), brad
 * (Bradford Council, an LA registered in the force's store), syp (South
 * Yorkshire Police) and dee (DfE).  Tables are built with the internal API,
 * as the analyses will build them: the gate has to hold for any table.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sql.h"
#include "core/table.h"
#include "govern/scope.h"
#include "testutil.h"

#define LEEDS "E08000035"
#define BRADFORD "E08000032"
#define SHEFFIELD "E08000019"
#define BARNSLEY "E08000016"

static haven_ctx *ctx;
static char senior_key[1024];

static void as(const char *user)
{
	haven_store_close(ctx);
	tu_ok(ctx, haven_store_open(ctx, tu_tmp("gate.db")));
	if (user)
		tu_act(ctx, user);
}

static void add_user(const char *name, const char *authority, const char *role, const char *purpose,
                     const char *key)
{
	haven_user_spec u = {.name = name, .authority = authority, .role = role, .key_file = key,
	                     .default_purpose = purpose};
	tu_ok(ctx, haven_user_add(ctx, &u, NULL, NULL));
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	haven_owner owner = {.kind = "police", .code = "E23000010", .name = "West Yorkshire Police"};
	unlink(tu_tmp("gate.db"));
	tu_ok(ctx, haven_store_create(ctx, tu_tmp("gate.db"), &owner));
	tu_act(ctx, "admin");
	haven_boundaries_opts o = {"la", tu_data("boundaries/ctyua_dec2024_en_bgc.geojson.gz"), NULL, NULL, NULL, 0};
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	o.kind = "pfa";
	o.path = tu_data("boundaries/pfa_dec2023_ew_bgc.geojson.gz");
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	haven_authority_spec la = {.kind = "la", .code = BRADFORD, .name = "Bradford Council"};
	haven_authority_spec sy = {.kind = "police", .code = "E23000011", .name = "South Yorkshire Police"};
	haven_authority_spec dfe = {.kind = "dfe", .code = "DFE", .name = "Department for Education"};
	tu_ok(ctx, haven_authority_add(ctx, &la));
	tu_ok(ctx, haven_authority_add(ctx, &sy));
	tu_ok(ctx, haven_authority_add(ctx, &dfe));
	snprintf(senior_key, sizeof senior_key, "%s", tu_tmp("sam.key"));
	unlink(senior_key);
	add_user("ana", "E23000010", "analyst", "safeguarding", NULL);
	add_user("sam", "E23000010", "senior", "safeguarding", senior_key);
	add_user("brad", BRADFORD, "analyst", "safeguarding", NULL);
	add_user("syp", "E23000011", "analyst", "safeguarding", NULL);
	add_user("dee", "DFE", "analyst", "policy", NULL);
	const char *reg = tu_write("gate.csv", "URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status\n"
	                                       "SC000001,Aire House,1 Road,Leeds,LS1 1AA,3,Leeds,Active\n"
	                                       "SC000002,Wharfe House,2 Road,Leeds,LS6 1AA,4,Leeds,Active\n"
	                                       "SC000003,Calder House,3 Road,Bradford,BD1 1AA,2,Bradford,Active\n"
	                                       "SC000004,Don House,4 Road,Sheffield,S1 1AA,5,Sheffield,Active\n");
	haven_register_report r;
	tu_ok(ctx, haven_register_import(ctx, reg, "2025-03-31", 0, &r));
	assert_int_equal(r.homes, 3);  /* the Sheffield home is outside the force's scope: never stored */
	assert_int_equal(r.dropped, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	haven_ctx_free(ctx);
	return 0;
}

static int64_t audit_rows(const char *where)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM audit WHERE %s", where);
	int64_t n = tu_int(ctx, sql);
	sqlite3_free(sql);
	return n;
}

/* A table with columns "name=role ..." (one role each), rows of text
 * values separated by '|' ("" a NULL cell; a number for count columns). */
static haven_table *make(hv_table_class cls, const char *title, const char *const *cols, int ncols,
                         const char *roles, const char *const *rows, size_t nrows)
{
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, title, cls, ncols, cols, &t));
	if (roles)
		tu_ok(ctx, hv_table_roles(ctx, t, roles));
	for (size_t r = 0; r < nrows; r++) {
		tu_ok(ctx, hv_table_add_row(ctx, t));
		char buf[256];
		snprintf(buf, sizeof buf, "%s", rows[r]);
		char *p = buf;
		for (int c = 0; c < ncols; c++) {
			char *v = strsep(&p, "|");
			if (!v || !*v)
				continue;
			if (haven_table_role(t, c, NULL) == HAVEN_ROLE_COUNT)
				tu_ok(ctx, hv_table_set_int(ctx, t, c, strtoll(v, NULL, 10)));
			else
				tu_ok(ctx, hv_table_set_text(ctx, t, c, v));
		}
	}
	return t;
}

/* Column col of every row, joined with spaces ("c" for a suppressed count). */
static const char *column(const haven_table *t, int col)
{
	static char buf[512];
	buf[0] = '\0';
	for (size_t r = 0; r < haven_table_nrows(ctx, t); r++) {
		size_t l = strlen(buf);
		const char *s = haven_table_text(ctx, t, r, col);
		if (haven_table_type(ctx, t, r, col) == HAVEN_CELL_INT)
			snprintf(buf + l, sizeof buf - l, "%s%lld", l ? " " : "", (long long)haven_table_int(ctx, t, r, col));
		else
			snprintf(buf + l, sizeof buf - l, "%s%s", l ? " " : "", s ? s : "-");
	}
	return buf;
}

static char *render_as(const haven_table *t, haven_format fmt, haven_status want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	tu_assert_status(ctx, haven_table_write(ctx, t, fmt, f), want);
	fclose(f);
	return buf;
}

static char *render(const haven_table *t, haven_status want) { return render_as(t, HAVEN_FMT_CSV, want); }

/* 1, 2: a sealed table is refused by every writer and every accessor; a
 * column without a role stops the release. */
static void test_sealed(void **state)
{
	(void)state;
	as("ana");
	static const char *const cols[] = {"urn", "name"};
	static const char *const rows[] = {"SC000001|Aire House"};
	haven_table *t = make(HV_TABLE_DISCLOSED, "homes", cols, 2, "urn=home name=text", rows, 1);
	/* 1.1 writers */
	static const haven_format formats[] = {HAVEN_FMT_TEXT, HAVEN_FMT_CSV, HAVEN_FMT_JSON};
	for (size_t f = 0; f < 3; f++) {
		char *out = render_as(t, formats[f], HAVEN_ERR_DENIED);
		assert_int_equal(strlen(out), 0);
		free(out);
	}
	tu_assert_msg(ctx, "is sealed: release it with haven_release()");
	/* 1.2 accessors */
	assert_int_equal(haven_table_nrows(ctx, t), 0);
	assert_int_equal(haven_errcode(ctx), HAVEN_ERR_DENIED);
	assert_null(haven_table_text(ctx, t, 0, 0));
	assert_int_equal(haven_errcode(ctx), HAVEN_ERR_DENIED);
	assert_int_equal(haven_table_type(ctx, t, 0, 1), HAVEN_CELL_NULL);
	assert_true(haven_table_sealed(t));
	/* 1.3 released, readable; released again, refused */
	int64_t before = audit_rows("1");
	tu_release(ctx, t);
	assert_string_equal(haven_table_text(ctx, t, 0, 1), "Aire House");
	assert_int_equal(audit_rows("1"), before + 1);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_USAGE);
	haven_table_free(t);
	/* 2 a column with no role: nothing is released */
	t = make(HV_TABLE_DISCLOSED, "unroled", cols, 2, "urn=home", rows, 1);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "column 'name' has no role");
	assert_true(haven_table_sealed(t));
	assert_int_equal(audit_rows("1"), before + 1);
	haven_table_free(t);
}

/* 3, 4, 5: rows are kept only when every area, home and geometry in them is
 * in the acting user's scope. */
static void test_rows_by_scope(void **state)
{
	(void)state;
	const struct {
		int n;
		const char *user, *what;
		const char *const *cols;
		int ncols;
		const char *roles;
		const char *const *rows;
		size_t nrows;
		int col;          /* the column shown */
		const char *want; /* its values, kept rows only */
	} cases[] = {
	    /* 3.1 two LA columns, both filtered (a flow table) */
	    {31, "ana", "flows", (const char *const[]){"from_la", "to_la", "placements"}, 3,
	     "from_la=area:la to_la=area:la placements=count:children",
	     (const char *const[]){LEEDS "|" BRADFORD "|7", LEEDS "|" SHEFFIELD "|4", SHEFFIELD "|" LEEDS "|3",
	                           SHEFFIELD "|" BARNSLEY "|9"},
	     4, 2, "7"},
	    /* 3.2 the same for a Bradford Council user in the force's store */
	    {32, "brad", "flows", (const char *const[]){"from_la", "to_la", "placements"}, 3,
	     "from_la=area:la to_la=area:la placements=count:children",
	     (const char *const[]){LEEDS "|" BRADFORD "|7", BRADFORD "|" BRADFORD "|4"}, 2, 2, "4"},
	    /* 3.3 force and region rows: kept when they hold an LA in scope */
	    {33, "brad", "by force", (const char *const[]){"pfa", "homes"}, 2, "pfa=area:pfa homes=count:homes",
	     (const char *const[]){"E23000010|3", "E23000011|8", "total|3"}, 3, 1, "3 3"},
	    /* 4 a home outside the user's scope, in a row with no LA code */
	    {4, "brad", "homes", (const char *const[]){"urn", "note"}, 2, "urn=home note=label",
	     (const char *const[]){"SC000001|leeds", "SC000003|bradford", "SC000002|leeds"}, 3, 1, "bradford"},
	    /* 4.2 the force's analyst sees all three */
	    {42, "ana", "homes", (const char *const[]){"urn", "note"}, 2, "urn=home note=label",
	     (const char *const[]){"SC000001|leeds", "SC000003|bradford", "SC000002|leeds"}, 3, 1,
	     "leeds bradford leeds"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		as(cases[i].user);
		haven_table *t = make(HV_TABLE_DISCLOSED, cases[i].what, cases[i].cols, cases[i].ncols, cases[i].roles,
		                      cases[i].rows, cases[i].nrows);
		tu_release(ctx, t);
		const char *got = column(t, cases[i].col);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %d: kept '%s', want '%s'", cases[i].n, got, cases[i].want);
		haven_table_free(t);
	}
}

/* A point (EPSG:27700) as WKB, via SpatiaLite. */
static void point_wkb(double e, double n, unsigned char *wkb, size_t *len)
{
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "SELECT ST_AsBinary(MakePoint(?, ?, 27700))", &st));
	sqlite3_bind_double(st, 1, e);
	sqlite3_bind_double(st, 2, n);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	memcpy(wkb, sqlite3_column_blob(st, 0), *len);
	sqlite3_finalize(st);
}

/* 5: a geometry-only table: kept where the geometry meets the scope. */
static void test_geometry_only(void **state)
{
	(void)state;
	as("ana");
	static const char *const cols[] = {"where"};
	static const double pts[][2] = {{430000, 433500} /* Leeds */, {435000, 387000} /* Sheffield */,
	                                {416000, 433000} /* Bradford */};
	for (int sub = 0; sub < 2; sub++) {
		haven_table *t;
		tu_ok(ctx, hv_table_new(ctx, "points", HV_TABLE_DISCLOSED, 1, cols, &t));
		tu_ok(ctx, hv_table_roles(ctx, t, sub ? "where=geometry:area" : "where=geometry:point"));
		for (size_t i = 0; i < 3; i++) {
			unsigned char wkb[64];
			size_t n;
			point_wkb(pts[i][0], pts[i][1], wkb, &n);
			tu_ok(ctx, hv_table_add_row(ctx, t));
			tu_ok(ctx, hv_table_set_geom(ctx, t, 0, wkb, n));
		}
		tu_release(ctx, t);
		/* 5.1 ana: Leeds and Bradford, not Sheffield */
		assert_int_equal(haven_table_nrows(ctx, t), 2);
		assert_string_equal(column(t, 0), "POINT (430000 433500) POINT (416000 433000)");
		char *out = render(t, HAVEN_OK);
		assert_non_null(strstr(out, "POINT (430000 433500),OFFICIAL-SENSITIVE"));
		free(out);
		haven_table_free(t);
	}
	/* 5.2 a DfE user may not have home points at all */
	as("dee");
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "points", HV_TABLE_DISCLOSED, 1, cols, &t));
	tu_ok(ctx, hv_table_roles(ctx, t, "where=geometry:point"));
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "may receive aggregates only");
	haven_table_free(t);
}

/* 5.3 hulls (geometry:hull, a cluster's outline around children's places):
 * police of the area get every hull in it; an LA no hull drawn around fewer
 * than 5 children; DfE none at all; 5.4 a hull table that does not say how
 * many children each hull is drawn around is refused. */
static void test_hulls(void **state)
{
	(void)state;
	static const struct {
		double e, n;
		int children;
	} hulls[] = {
	    {430000, 433500, 3}, /* 0 Leeds */
	    {430500, 433500, 7}, /* 1 Leeds */
	    {416000, 433000, 5}, /* 2 Bradford: exactly 5 */
	    {416500, 433000, 4}, /* 3 Bradford: one short */
	    {435000, 387000, 9}, /* 4 Sheffield: another force */
	};
	static const struct {
		const char *user;
		haven_status want;
		const char *kept;
	} who[] = {{"ana", HAVEN_OK, "0 1 2 3"}, {"brad", HAVEN_OK, "2"}, {"dee", HAVEN_ERR_DENIED, NULL}};
	for (int with_children = 1; with_children >= 0; with_children--)
		for (size_t w = 0; w < sizeof who / sizeof who[0]; w++) {
			as(who[w].user);
			static const char *const cols[] = {"cluster", "children", "hull"};
			haven_table *t;
			tu_ok(ctx, hv_table_new(ctx, "hulls", HV_TABLE_DISCLOSED, 3, cols, &t));
			tu_ok(ctx, hv_table_roles(ctx, t,
			                          with_children
			                              ? "cluster=label children=count:distinct hull=geometry:hull"
			                              : "cluster=label children=count:episodes hull=geometry:hull"));
			for (size_t i = 0; i < sizeof hulls / sizeof hulls[0]; i++) {
				unsigned char wkb[64];
				size_t n;
				point_wkb(hulls[i].e, hulls[i].n, wkb, &n);
				tu_ok(ctx, hv_table_add_row(ctx, t));
				tu_ok(ctx, hv_table_set_int(ctx, t, 0, (int64_t)i));
				tu_ok(ctx, hv_table_set_int(ctx, t, 1, hulls[i].children));
				tu_ok(ctx, hv_table_set_geom(ctx, t, 2, wkb, n));
			}
			haven_status st = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
			if (!with_children) { /* 5.4 */
				tu_assert_status(ctx, st, HAVEN_ERR_DENIED);
				tu_assert_msg(ctx, w == 2 ? "may receive aggregates only"
				                          : "does not say how many children");
			} else {
				tu_assert_status(ctx, st, who[w].want);
				if (who[w].kept)
					assert_string_equal(column(t, 0), who[w].kept);
				else
					tu_assert_msg(ctx, "draws outlines around children's places");
			}
			haven_table_free(t);
		}
}

/* 6: an audience with national scope that may have aggregates only (DfE):
 * every area, no home, small counts of children suppressed. */
static void test_national_aggregates(void **state)
{
	(void)state;
	as("dee");
	static const char *const cols[] = {"la_code", "children", "homes"};
	static const char *const rows[] = {LEEDS "|1|1", SHEFFIELD "|2|1", BARNSLEY "|12|4", BRADFORD "|0|1"};
	haven_table *t = make(HV_TABLE_DISCLOSED, "children by LA", cols, 3,
	                      "la_code=area:la children=count:children homes=count:homes", rows, 4);
	tu_release(ctx, t);
	/* 6.1 every LA, national (even outside the force: DfE's own scope is
	 * national, the store's owner's is the force area; the rows here are
	 * filtered by the store owner's scope, so Sheffield and Barnsley go) */
	assert_string_equal(column(t, 0), LEEDS " " BRADFORD);
	/* 6.2 suppressed: 1 and 2 children become "c"; 0 and homes stay */
	assert_string_equal(column(t, 1), "c 0");
	assert_string_equal(column(t, 2), "1 1");
	haven_table_free(t);
	/* 6.3 a listing of homes: refused */
	static const char *const hc[] = {"urn"};
	static const char *const hr[] = {"SC000001"};
	t = make(HV_TABLE_DISCLOSED, "homes", hc, 1, "urn=home", hr, 1);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "user 'dee' of DFE (a dfe authority) may receive aggregates only");
	haven_table_free(t);
	/* 6.4 the force's own analyst sees the small counts */
	as("ana");
	t = make(HV_TABLE_DISCLOSED, "children by LA", cols, 3,
	         "la_code=area:la children=count:children homes=count:homes", rows, 4);
	tu_release(ctx, t);
	assert_string_equal(column(t, 1), "1 0");
	haven_table_free(t);
	/* 6.5 the public: aggregates, suppressed, unmarked, recorded as a disclosure */
	int64_t before = audit_rows("operation = 'disclosure' AND recipients LIKE 'the public%'");
	t = make(HV_TABLE_DISCLOSED, "children by LA", cols, 3,
	         "la_code=area:la children=count:children homes=count:homes", rows, 4);
	tu_ok(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_PUBLIC));
	assert_string_equal(column(t, 1), "c 0");
	char *out = render(t, HAVEN_OK);
	assert_null(strstr(out, "OFFICIAL-SENSITIVE"));
	free(out);
	assert_int_equal(audit_rows("operation = 'disclosure' AND recipients LIKE 'the public%'"), before + 1);
	haven_table_free(t);
}

/* 7: an exceptional use is consumed by exactly one release. */
static void test_exceptional_once(void **state)
{
	(void)state;
	as("sam");
	haven_authorise_opts ao = {.key_file = senior_key, .user = "ana", .use = "serious case review",
	                           .reason = "commissioned by the safeguarding partnership"};
	int64_t id;
	tu_ok(ctx, haven_authorise(ctx, &ao, &id));
	as(NULL);
	haven_act_opts o = {.user = "ana", .purpose = "serious case review",
	                    .reason = "commissioned by the safeguarding partnership", .authorisation = id};
	tu_ok(ctx, haven_act(ctx, &o));
	static const char *const cols[] = {"urn"};
	static const char *const rows[] = {"SC000001"};
	haven_table *t = make(HV_TABLE_DISCLOSED, "homes", cols, 1, "urn=home", rows, 1);
	tu_release(ctx, t);
	haven_table_free(t);
	assert_int_equal(audit_rows("authoriser = 'sam' AND purpose = 'serious case review'"), 1);
	t = make(HV_TABLE_DISCLOSED, "homes", cols, 1, "urn=home", rows, 1);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "already used");
	assert_true(haven_table_sealed(t));
	haven_table_free(t);
	assert_int_equal(audit_rows("authoriser = 'sam' AND purpose = 'serious case review'"), 1);
}

/* 8: a user of another force's authority registered in this store sees
 * nothing of it; nor does nobody. */
static void test_other_authority(void **state)
{
	(void)state;
	static const char *const cols[] = {"la_code", "homes"};
	static const char *const rows[] = {LEEDS "|2"};
	as("syp");
	haven_table *t = make(HV_TABLE_DISCLOSED, "homes by LA", cols, 2, "la_code=area:la homes=count:homes", rows, 1);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "may see nothing this store holds");
	haven_table *l;
	tu_assert_status(ctx, haven_register_summary(ctx, "la", NULL, &l), HAVEN_ERR_DENIED);
	as(NULL);
	tu_assert_status(ctx, haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "nobody is acting");
	haven_table_free(t);
	/* 8.2 Bradford's user: the register summary counts Bradford's homes only */
	as("brad");
	tu_ok(ctx, haven_register_summary(ctx, "la", NULL, &l));
	tu_release(ctx, l);
	assert_string_equal(column(l, 0), BRADFORD " total");
	assert_string_equal(column(l, 4), "1 1");
	haven_table_free(l);
}

/* 9: a widened force polygon loaded by an admin changes no recorded scope. */
static void test_widened_boundaries(void **state)
{
	(void)state;
	as("admin");
	const char *wide =
	    tu_write("wide.geojson",
	             "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
	             "\"urn:ogc:def:crs:EPSG::27700\"}}, \"features\": [{\"type\": \"Feature\", \"properties\": "
	             "{\"PFA23CD\": \"E23000010\", \"PFA23NM\": \"West Yorkshire\"}, \"geometry\": {\"type\": "
	             "\"Polygon\", \"coordinates\": [[[380000, 380000], [470000, 380000], [470000, 470000], "
	             "[380000, 470000], [380000, 380000]]]}}]}\n");
	haven_boundaries_opts o = {"pfa", wide, NULL, NULL, NULL, 1};
	tu_ok(ctx, haven_boundaries_load(ctx, &o, NULL));
	/* 9.1 area_la follows the new file: Sheffield now lies in it */
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM area_la WHERE kind = 'pfa' AND code = 'E23000010'"
	                             " AND la_code = '" SHEFFIELD "'"),
	                 1);
	/* 9.2 the scope recorded does not */
	hv_scope *s;
	tu_ok(ctx, hv_scope_owner(ctx, &s));
	assert_int_equal(hv_scope_la_count(s), 5);
	assert_false(hv_scope_has_la(s, SHEFFIELD));
	hv_scope_free(s);
	/* 9.3 the load was the admin's, recorded */
	assert_int_equal(audit_rows("operation = 'alteration' AND user_name = 'admin' AND object LIKE "
	                            "'boundaries: 1 pfa areas from wide.geojson%'"),
	                 1);
	/* 9.4 rows of Sheffield still leave no one's hands */
	as("ana");
	static const char *const cols[] = {"la_code", "homes"};
	static const char *const rows[] = {SHEFFIELD "|1", LEEDS "|2"};
	haven_table *t = make(HV_TABLE_DISCLOSED, "homes by LA", cols, 2, "la_code=area:la homes=count:homes", rows, 2);
	tu_release(ctx, t);
	assert_string_equal(column(t, 0), LEEDS);
	haven_table_free(t);
	/* 9.5 loading boundaries is an admin's act */
	tu_assert_status(ctx, haven_boundaries_load(ctx, &o, NULL), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "this needs the role admin");
	haven_gazetteer_opts g = {.force = 1};
	tu_assert_status(ctx, haven_gazetteer_load(ctx, tu_data("postcodes/gb_postcodes_sample.csv.gz"), &g, NULL),
	                 HAVEN_ERR_DENIED);
}

/* 10: the roads out that are not listings: the audit export needs an
 * admin; a table of no disclosed data needs nobody and is unmarked. */
static void test_other_roads(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	as(NULL);
	tu_assert_status(ctx, haven_audit_export(ctx, HAVEN_FMT_JSON, f), HAVEN_ERR_DENIED); /* 10.1 nobody */
	as("ana");
	tu_assert_status(ctx, haven_audit_export(ctx, HAVEN_FMT_JSON, f), HAVEN_ERR_DENIED); /* 10.2 an analyst */
	tu_assert_msg(ctx, "this needs the role admin");
	fflush(f);
	assert_int_equal(len, 0);
	as("admin");
	int64_t before = audit_rows("1");
	tu_ok(ctx, haven_audit_export(ctx, HAVEN_FMT_JSON, f)); /* 10.3 the admin: marked, not itself logged */
	fclose(f);
	assert_non_null(strstr(buf, "\"protective_marking\": \"OFFICIAL-SENSITIVE\""));
	assert_int_equal(audit_rows("1"), before);
	free(buf);
	/* 10.4 a boundary lookup: no actor, no entry, no marking */
	as(NULL);
	haven_table *t;
	tu_ok(ctx, haven_boundaries_where(ctx, 430000, 433500, &t));
	tu_release(ctx, t);
	char *out = render(t, HAVEN_OK);
	assert_non_null(strstr(out, LEEDS));
	assert_null(strstr(out, "OFFICIAL-SENSITIVE"));
	free(out);
	haven_table_free(t);
	assert_int_equal(audit_rows("1"), before);
}

/* 11: a placing LA's row (area:placing, docs/missing.md) is kept when the
 * LA is in scope, or when the table was counted under exactly the
 * audience's scope. */
static void test_placing(void **state)
{
	(void)state;
	as("ana");
	hv_scope *s;
	tu_ok(ctx, hv_scope_actor(ctx, &s));
	char mine[256];
	snprintf(mine, sizeof mine, "%s", hv_scope_describe(s));
	hv_scope_free(s);
	static const char *const cols[] = {"area_code", "episodes"};
	static const char *const rows[] = {LEEDS "|12", SHEFFIELD "|30", "unknown|7"};
	const struct {
		const char *name, *scope, *want;
	} cases[] = {
	    {"11.1 counted under no scope: the LA in scope, and the row naming none", NULL, LEEDS " unknown"},
	    {"11.2 counted under the audience's scope: every row", mine, LEEDS " " SHEFFIELD " unknown"},
	    {"11.3 counted under another scope: as 11.1", "national", LEEDS " unknown"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		haven_table *t = make(HV_TABLE_DISCLOSED, "episodes by placing LA", cols, 2,
		                      "area_code=area:placing episodes=count:episodes", rows, 3);
		if (cases[i].scope)
			tu_ok(ctx, hv_table_meta_set(ctx, t, "scope", cases[i].scope));
		tu_release(ctx, t);
		if (strcmp(column(t, 0), cases[i].want) != 0)
			fail_msg("%s: got '%s', want '%s'", cases[i].name, column(t, 0), cases[i].want);
		haven_table_free(t);
	}
	/* 11.4 an area column of the home's LA is filtered as ever */
	haven_table *t = make(HV_TABLE_DISCLOSED, "episodes by LA of the home", cols, 2,
	                      "area_code=area:la episodes=count:episodes", rows, 3);
	tu_ok(ctx, hv_table_meta_set(ctx, t, "scope", mine));
	tu_release(ctx, t);
	assert_string_equal(column(t, 0), LEEDS " unknown");
	haven_table_free(t);
}

TU_MAIN(setup, teardown, cmocka_unit_test(test_sealed), cmocka_unit_test(test_rows_by_scope),
        cmocka_unit_test(test_geometry_only), cmocka_unit_test(test_hulls), cmocka_unit_test(test_national_aggregates),
        cmocka_unit_test(test_exceptional_once), cmocka_unit_test(test_other_authority),
        cmocka_unit_test(test_widened_boundaries), cmocka_unit_test(test_other_roads), cmocka_unit_test(test_placing))
