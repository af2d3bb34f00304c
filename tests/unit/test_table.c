/*
 * test_table.c - the table writers: CSV cells neutralised against formula
 * injection and read back by the register's reader.
 */
#include <stdlib.h>
#include <string.h>

#include "core/context.h"
#include "core/source.h"
#include "core/table.h"
#include "core/table_seal.h"
#include "testutil.h"

/* One cell of a one-column table. */
typedef struct cell_case {
	int n;
	haven_cell_type type;
	const char *text; /* HAVEN_CELL_TEXT */
	double num;       /* HAVEN_CELL_INT / HAVEN_CELL_REAL */
	const char *csv;  /* the cell as written, after the header "v\r\n" */
} cell_case;

static const cell_case csv_cases[] = {
    {1, HAVEN_CELL_TEXT, "=Sunny House", 0, "'=Sunny House"},
    {2, HAVEN_CELL_TEXT, "+44 113 496 0000", 0, "'+44 113 496 0000"},
    {3, HAVEN_CELL_TEXT, "-2+3", 0, "'-2+3"},
    {4, HAVEN_CELL_TEXT, "@SUM(A1:A9)", 0, "'@SUM(A1:A9)"},
    {5, HAVEN_CELL_TEXT, "\tTabbed", 0, "'\tTabbed"},
    {6, HAVEN_CELL_TEXT, "\rReturned", 0, "\"'\rReturned\""},
    {7, HAVEN_CELL_TEXT, "=HYPERLINK(\"http://x\",\"y\")", 0, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
    {8, HAVEN_CELL_TEXT, "=1,2", 0, "\"'=1,2\""},
    {9, HAVEN_CELL_TEXT, "-1.5491", 0, "-1.5491"}, /* a plain number stays a number */
    {10, HAVEN_CELL_TEXT, "+44", 0, "+44"},
    {11, HAVEN_CELL_TEXT, "-.5", 0, "-.5"},
    {12, HAVEN_CELL_TEXT, "-1.", 0, "'-1."},
    {13, HAVEN_CELL_TEXT, "-", 0, "'-"},
    {14, HAVEN_CELL_TEXT, "'=x", 0, "''=x"}, /* an apostrophe already there: one more, so it reads back */
    {15, HAVEN_CELL_TEXT, "''+1", 0, "'''+1"},
    {16, HAVEN_CELL_TEXT, "'quoted", 0, "'quoted"},
    {17, HAVEN_CELL_TEXT, "Sunny House", 0, "Sunny House"},
    {18, HAVEN_CELL_TEXT, "1-2", 0, "1-2"},
    {19, HAVEN_CELL_TEXT, "a=b", 0, "a=b"},
    {20, HAVEN_CELL_INT, NULL, -3, "-3"},
    {21, HAVEN_CELL_REAL, NULL, -1.5491, "-1.5491"},
    {22, HAVEN_CELL_REAL, NULL, -1e20, "-1e+20"},
    {23, HAVEN_CELL_NULL, NULL, 0, ""},
    {24, HAVEN_CELL_TEXT, "", 0, ""},
};
#define N_CSV_CASES (sizeof csv_cases / sizeof csv_cases[0])

static haven_table *one_cell(haven_ctx *ctx, const cell_case *c)
{
	static const char *const names[] = {"v"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "", HV_TABLE_PUBLIC, 1, names, &t));
	tu_ok(ctx, hv_table_add_row(ctx, t));
	switch (c->type) {
	case HAVEN_CELL_TEXT: tu_ok(ctx, hv_table_set_text(ctx, t, 0, c->text)); break;
	case HAVEN_CELL_INT: tu_ok(ctx, hv_table_set_int(ctx, t, 0, (int64_t)c->num)); break;
	case HAVEN_CELL_REAL: tu_ok(ctx, hv_table_set_real(ctx, t, 0, c->num)); break;
	case HAVEN_CELL_NULL:
	case HAVEN_CELL_GEOM: break;
	}
	return t;
}

/* t written in fmt to a new string (caller frees); *len its length. */
static char *render(haven_ctx *ctx, const haven_table *t, haven_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	/* The writers' tests: tables of no disclosed data, released as such. */
	if (haven_table_sealed(t))
		tu_release(ctx, (haven_table *)t);
	tu_ok(ctx, haven_table_write(ctx, t, fmt, f));
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_csv_neutralises_formulas(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < N_CSV_CASES; i++) {
		const cell_case *c = &csv_cases[i];
		haven_table *t = one_cell(ctx, c);
		size_t len;
		char *got = render(ctx, t, HAVEN_FMT_CSV, &len);
		char want[256];
		snprintf(want, sizeof want, "v\r\n%s\r\n", c->csv);
		if (strcmp(got, want) != 0)
			fail_msg("case %d: wrote '%s', want '%s'", c->n, got, want);
		free(got);
		haven_table_free(t);
	}
	haven_ctx_free(ctx);
}

/* Every text case written to a file, read back by the strict CSV reader the
 * register import uses, and hv_csv_value: the original value again. */
static void test_csv_round_trip(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	static const char *const names[] = {"n", "v"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "", HV_TABLE_PUBLIC, 2, names, &t));
	size_t written = 0;
	for (size_t i = 0; i < N_CSV_CASES; i++) {
		if (csv_cases[i].type != HAVEN_CELL_TEXT || !*csv_cases[i].text)
			continue;
		written++;
		tu_ok(ctx, hv_table_add_row(ctx, t));
		tu_ok(ctx, hv_table_set_int(ctx, t, 0, csv_cases[i].n));
		tu_ok(ctx, hv_table_set_text(ctx, t, 1, csv_cases[i].text));
	}
	size_t len;
	char *csv = render(ctx, t, HAVEN_FMT_CSV, &len);
	haven_table_free(t);
	const char *path = tu_write("round.csv", csv);
	free(csv);
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, path, &src));
	size_t rows = 0;
	int has;
	while (hv_source_next(src, &has) == HAVEN_OK && has) {
		int n = atoi(hv_source_field(src, 0));
		const cell_case *c = NULL;
		for (size_t i = 0; i < N_CSV_CASES && !c; i++)
			if (csv_cases[i].n == n)
				c = &csv_cases[i];
		assert_non_null(c);
		const char *got = hv_csv_value(hv_source_field(src, 1));
		if (strcmp(got, c->text) != 0)
			fail_msg("case %d: read back '%s', want '%s'", n, got, c->text);
		rows++;
	}
	tu_ok(ctx, haven_errcode(ctx));
	assert_int_equal(rows, written);
	hv_source_close(src);
	haven_ctx_free(ctx);
}

/* hv_csv_value on cells from elsewhere: only a leading apostrophe before a
 * formula character goes. */
static void test_csv_value(void **state)
{
	(void)state;
	static const struct {
		int n;
		const char *in, *want;
	} cases[] = {
	    {1, "'=Sunny House", "=Sunny House"},
	    {2, "'+1", "+1"},
	    {3, "'-x", "-x"},
	    {4, "'@x", "@x"},
	    {5, "'\tx", "\tx"},
	    {6, "'\rx", "\rx"},
	    {7, "''=x", "'=x"},
	    {8, "'quoted", "'quoted"},
	    {9, "'", "'"},
	    {10, "=x", "=x"},
	    {11, "", ""},
	    {12, "O'Brien House", "O'Brien House"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(hv_csv_value(cases[i].in), cases[i].want) != 0)
			fail_msg("case %d: '%s' gave '%s', want '%s'", cases[i].n, cases[i].in,
			         hv_csv_value(cases[i].in), cases[i].want);
}

/* haven_text_escape: what reaches a terminal, and its width. */
static void test_text_escape(void **state)
{
	(void)state;
	static const struct {
		int n;
		const char *in, *want;
		size_t width;
	} cases[] = {
	    {1, "Sunny House", "Sunny House", 11},
	    {2, "\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred", 18},
	    {3, "a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd", 16},
	    {4, "\x07\x7f", "\\x07\\x7f", 8},
	    {5, "\302\23331m", "\\xc2\\x9b31m", 11}, /* U+009B, CSI (octal: a hex escape would take the 3) */
	    {6, "\23331m", "\\x9b31m", 7},           /* a bare C1 byte, not UTF-8 */
	    {7, "Caf\303\251 \342\202\2545", "Caf\303\251 \342\202\2545", 7}, /* "Café €5" */
	    {8, "\xc2\xa0", "\xc2\xa0", 1},                                   /* U+00A0, the first after C1: shown */
	    {9, "\xf0\x9f\x8f\xa0", "\xf0\x9f\x8f\xa0", 1},                   /* a four-byte character */
	    {10, "\xff", "\\xff", 4},
	    {11, "\xe2\x82", "\\xe2\\x82", 8},           /* cut short by the end */
	    {12, "\xc0\xaf", "\\xc0\\xaf", 8},           /* overlong '/' */
	    {13, "\xed\xa0\x80", "\\xed\\xa0\\x80", 12}, /* a surrogate */
	    {14, "", "", 0},
	    {15, "\\x1b", "\\x1b", 4}, /* a backslash is itself */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_non_null(f);
		size_t w = haven_text_escape(f, cases[i].in);
		assert_int_equal(fclose(f), 0);
		if (strcmp(buf, cases[i].want) != 0 || w != cases[i].width || haven_text_escape(NULL, cases[i].in) != w)
			fail_msg("case %d: wrote '%s' width %zu, want '%s' width %zu", cases[i].n, buf, w,
			         cases[i].want, cases[i].width);
		free(buf);
	}
}

/* A text listing with escape sequences in its title and cells: nothing below
 * 0x20 but the line ends, no DEL or C1, and the columns still line up. */
static void test_text_listing_escapes(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	static const char *const names[] = {"name", "places", "note"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "Homes in \x1b]0;title\x07", HV_TABLE_PUBLIC, 3, names, &t));
	static const char *const rows[][2] = {{"Calm \x1b[2J\x1b[31mHouse", "\x9b"
	                                                                    "0m"},
	                                      {"Oak House", "ok"}};
	for (int r = 0; r < 2; r++) {
		tu_ok(ctx, hv_table_add_row(ctx, t));
		tu_ok(ctx, hv_table_set_text(ctx, t, 0, rows[r][0]));
		tu_ok(ctx, hv_table_set_int(ctx, t, 1, r + 3));
		tu_ok(ctx, hv_table_set_text(ctx, t, 2, rows[r][1]));
	}
	size_t len;
	char *got = render(ctx, t, HAVEN_FMT_TEXT, &len);
	haven_table_free(t);
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)got[i];
		if ((b < 0x20 && b != '\n') || b == 0x7f || (b >= 0x80 && b < 0xa0))
			fail_msg("byte 0x%02x at %zu reached the listing:\n%s", b, i, got);
	}
	const char *want = "Homes in \\x1b]0;title\\x07\n"
	                   "name                       places  note\n"
	                   "-------------------------  ------  ------\n"
	                   "Calm \\x1b[2J\\x1b[31mHouse       3  \\x9b0m\n"
	                   "Oak House                       4  ok\n";
	if (strcmp(got, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", got, want);
	free(got);
	haven_ctx_free(ctx);
}

/* One huge cell among many rows: it overflows its column instead of padding
 * every row to its width, so the listing stays about the size of its cells. */
static void test_text_width_capped(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	enum { HUGE = 256 * 1024, ROWS = 200 };
	char *huge = malloc(HUGE + 1);
	assert_non_null(huge);
	memset(huge, 'A', HUGE);
	huge[HUGE] = '\0';
	static const char *const names[] = {"name", "places"};
	haven_table *t;
	tu_ok(ctx, hv_table_new(ctx, "", HV_TABLE_PUBLIC, 2, names, &t));
	for (int r = 0; r < ROWS; r++) {
		tu_ok(ctx, hv_table_add_row(ctx, t));
		tu_ok(ctx, hv_table_set_text(ctx, t, 0,
		                             r == 0   ? huge
		                             : r == 1 ? "A name of forty-five characters, more or less"
		                                      : "Oak"));
		tu_ok(ctx, hv_table_set_int(ctx, t, 1, r));
	}
	free(huge);
	size_t len;
	char *got = render(ctx, t, HAVEN_FMT_TEXT, &len);
	haven_table_free(t);
	if (len > HUGE + ROWS * 64)
		fail_msg("%d rows with one %d-byte cell made %zu bytes of text", ROWS, HUGE, len);
	/* Short rows are padded to the cap (40), longer ones overflow it. */
	char want[128];
	snprintf(want, sizeof want, "\n%-40s  %6d\n", "Oak", 2);
	assert_non_null(strstr(got, want));
	snprintf(want, sizeof want, "\n%s  %6d\n", "A name of forty-five characters, more or less", 1);
	assert_non_null(strstr(got, want));
	free(got);
	haven_ctx_free(ctx);
}

/* Withheld columns dropped, table-driven: each case withholds some of five
 * columns of three rows; what is left is the other columns, in order, with
 * their cells and names, and the declared relations are gone with them. */
static void test_withheld_columns(void **state)
{
	(void)state;
	static const struct {
		unsigned withheld; /* bit c: column c */
		const char *left;  /* the names left, in order */
	} cases[] = {
	    {0x00, "a b c d e"}, {0x01, "b c d e"}, {0x10, "a b c d"}, {0x0a, "a c e"}, {0x1f, ""}, {0x15, "b d"},
	};
	static const char *const names[] = {"a", "b", "c", "d", "e"};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		haven_table *t;
		tu_ok(ctx, hv_table_new(ctx, "w", HV_TABLE_PUBLIC, 5, names, &t));
		for (int r = 0; r < 3; r++) {
			tu_ok(ctx, hv_table_add_row(ctx, t));
			for (int c = 0; c < 5; c++)
				if (c % 2)
					tu_ok(ctx, hv_table_set_int(ctx, t, c, 10 * r + c));
				else
					tu_ok(ctx, hv_table_set_text(ctx, t, c, names[c]));
		}
		const hv_term rel[] = {{0, 1, 1}, {1, 3, -1}};
		tu_ok(ctx, hv_table_relation(ctx, t, rel, 2));
		const hv_term *terms;
		assert_int_equal(hv_table_relations(t, &terms), 1);
		assert_int_equal(hv_table_relation(ctx, t, (const hv_term[]){{3, 0, 1}}, 1), HAVEN_ERR_USAGE);
		assert_int_equal(hv_table_relation(ctx, t, (const hv_term[]){{0, 0, 2}}, 1), HAVEN_ERR_USAGE);
		for (int c = 0; c < 5; c++)
			if (cases[k].withheld >> c & 1)
				hv_table_withhold_column(t, c);
		hv_table_drop_withheld_columns(t);
		char got[64] = "";
		for (int c = 0; c < haven_table_ncols(t); c++) {
			const char *n = haven_table_colname(t, c);
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", c ? " " : "", n);
			int orig = n[0] - 'a';
			for (size_t r = 0; r < 3; r++)
				if (orig % 2)
					assert_int_equal(hv_table_cell_int(t, r, c), 10 * (int)r + orig);
				else
					assert_string_equal(hv_table_cell_text(t, r, c), n);
		}
		assert_string_equal(got, cases[k].left);
		assert_int_equal(hv_table_relations(t, &terms), cases[k].withheld ? 0 : 1);
		haven_table_free(t);
	}
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(test_csv_neutralises_formulas), cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_value), cmocka_unit_test(test_text_escape),
        cmocka_unit_test(test_text_listing_escapes), cmocka_unit_test(test_text_width_capped),
        cmocka_unit_test(test_withheld_columns))
