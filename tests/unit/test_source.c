/*
 * test_source.c - strict CSV reading: every malformation names file and row.
 */
#include <string.h>

#include "source_int.h"
#include "testutil.h"

/* Read the whole file; return the status of the first failure. */
static haven_status read_all(haven_ctx *ctx, const char *path, int *rows)
{
	hv_source *src;
	haven_status rc = hv_source_open(ctx, path, &src);
	if (rc)
		return rc;
	int has;
	*rows = 0;
	while (!(rc = hv_source_next(src, &has)) && has)
		(*rows)++;
	hv_source_close(src);
	return rc;
}

static void test_malformed_table(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		haven_status want;
		const char *msg; /* substring of the error, with the row */
		int rows;
	} cases[] = {
		/* 1 */ {"a,b\n1,2\n3,4\n", HAVEN_OK, "", 2},
		/* 2 */ {"a,b\r\n1,2\r\n", HAVEN_OK, "", 1},
		/* 3 quoted comma and newline */ {"a,b\n\"x,y\",\"l1\nl2\"\n5,6\n", HAVEN_OK, "", 2},
		/* 4 unterminated quote */ {"a,b\n1,2\n\"open,3\n4,5\n", HAVEN_ERR_FORMAT, "row 3: unterminated", 0},
		/* 5 too many fields */ {"a,b\n1,2\n1,2,3\n", HAVEN_ERR_FORMAT, "row 3: 3 fields where the header has 2", 0},
		/* 6 too few fields */ {"a,b\n1\n", HAVEN_ERR_FORMAT, "row 2: 1 fields where the header has 2", 0},
		/* 7 latin-1 byte */ {"a,b\n1,caf\xe9\n", HAVEN_ERR_FORMAT, "row 2: column 2 (b) is not valid UTF-8", 0},
		/* 8 stray quote */ {"a,b\n1,x\"y\n", HAVEN_ERR_FORMAT, "row 2: malformed CSV", 0},
		/* 9 blank lines skipped, rows still counted by line */
		{"a,b\n\n1,2\n\n1,2,3\n", HAVEN_ERR_FORMAT, "row 5:", 0},
		/* 10 last line without newline */ {"a,b\n1,2", HAVEN_OK, "", 1},
		/* 11 empty file */ {"", HAVEN_ERR_FORMAT, "empty file", 0},
		/* 12 record spanning lines keeps its first line */
		{"a,b\n\"x\ny\",1\n1\n", HAVEN_ERR_FORMAT, "row 4:", 0},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "case%zu.csv", i + 1);
		const char *p = tu_write(name, cases[i].text);
		int rows = -1;
		haven_status st = read_all(ctx, p, &rows);
		if (st != cases[i].want)
			fail_msg("case %zu: got %s want %s: %s", i + 1, haven_status_name(st),
			         haven_status_name(cases[i].want), haven_errmsg(ctx));
		if (st == HAVEN_OK && rows != cases[i].rows)
			fail_msg("case %zu: %d rows, want %d", i + 1, rows, cases[i].rows);
		if (st != HAVEN_OK && (!strstr(haven_errmsg(ctx), cases[i].msg) || !strstr(haven_errmsg(ctx), name)))
			fail_msg("case %zu: message '%s' lacks '%s' or the file name", i + 1, haven_errmsg(ctx),
			         cases[i].msg);
	}
	haven_ctx_free(ctx);
}

static void test_header_lookup_and_bom(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	const char *p = tu_write("bom.csv", "\xEF\xBB\xBFURN,Address 1,Post Code\n123,\"1 High St\",ls1 1aa\n");
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, p, &src));
	assert_int_equal(hv_source_ncols(src), 3);
	assert_string_equal(hv_source_colname(src, 0), "URN");
	static const char *const addr[] = {"address_1", "address1", NULL};
	static const char *const pc[] = {"postcode", "post_code", NULL};
	static const char *const none[] = {"telephone", NULL};
	assert_int_equal(hv_source_find(src, addr), 1);
	assert_int_equal(hv_source_find(src, pc), 2);
	assert_int_equal(hv_source_find(src, none), -1);
	int has;
	tu_ok(ctx, hv_source_next(src, &has));
	assert_true(has);
	assert_string_equal(hv_source_field(src, 1), "1 High St");
	assert_int_equal(hv_source_row(src), 2);
	tu_ok(ctx, hv_source_next(src, &has));
	assert_false(has);
	hv_source_close(src);
	haven_ctx_free(ctx);
}

static void test_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"plain", 1},     {"caf\xc3\xa9", 1}, {"\xe2\x82\xac", 1}, {"\xf0\x9f\x98\x80", 1}, {"\xc0\xaf", 0},
		{"\xed\xa0\x80", 0}, {"\xe2\x82", 0},    {"\xff", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (hv_utf8_valid(cases[i].s, strlen(cases[i].s), NULL) != cases[i].ok)
			fail_msg("utf8 case %zu", i + 1);
}

TU_MAIN(NULL, NULL,
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_header_lookup_and_bom),
		cmocka_unit_test(test_utf8))
