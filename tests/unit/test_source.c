/*
 * test_source.c - strict CSV reading: every malformation names file and row.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_vsi.h>

#include "core/source.h"
#include "testutil.h"

/* Read every row of an open source (closing it); the status of the first
 * failure. */
static haven_status read_rows(hv_source *src, int *rows)
{
	haven_status rc;
	int has;
	*rows = 0;
	while (!(rc = hv_source_next(src, &has)) && has)
		(*rows)++;
	hv_source_close(src);
	return rc;
}

/* Read the whole file; return the status of the first failure. */
static haven_status read_all(haven_ctx *ctx, const char *path, int *rows)
{
	hv_source *src;
	haven_status rc = hv_source_open(ctx, path, &src);
	return rc ? rc : read_rows(src, rows);
}

/* The same, from the file's bytes in memory (hv_source_open_mem). */
static haven_status read_all_mem(haven_ctx *ctx, const char *path, const void *data, size_t n, int *rows)
{
	hv_source *src;
	haven_status rc = hv_source_open_mem(ctx, path, data, n, &src);
	return rc ? rc : read_rows(src, rows);
}

/* Check one outcome: status, rows when it succeeds, else the message holds
 * msg and the file's name. */
static void expect_read(haven_ctx *ctx, const char *how, size_t i, haven_status st, int rows, haven_status want,
                        const char *msg, int want_rows, const char *name)
{
	if (st != want)
		fail_msg("case %zu (%s): got %s want %s: %s", i, how, haven_status_name(st), haven_status_name(want),
		         haven_errmsg(ctx));
	if (st == HAVEN_OK && rows != want_rows)
		fail_msg("case %zu (%s): %d rows, want %d", i, how, rows, want_rows);
	if (st != HAVEN_OK && (!strstr(haven_errmsg(ctx), msg) || !strstr(haven_errmsg(ctx), name)))
		fail_msg("case %zu (%s): message '%s' lacks '%s' or the file name %s", i, how, haven_errmsg(ctx), msg,
		         name);
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

/* Every field of every row, as "f1|f2;" per row, and the row numbers. */
static void test_fields(void **state)
{
	(void)state;
	/* Lines without quotes are split by the reader itself, the others by
	 * libcsv: both give libcsv's fields (spaces and tabs trimmed at both
	 * ends of an unquoted field, blank lines skipped, CRLF and LF alike). */
	static const struct {
		const char *text, *want, *rows;
	} cases[] = {
	    /* 1 */ {"a,b\n1,2\n3,4\n", "1|2;3|4;", "2,3,"},
	    /* 2 */ {"a,b\n  x , y \n\t p\tq\t,r\r\n", "x|y;p\tq|r;", "2,3,"},
	    /* 3 */ {"a,b\n   \n\n,\n x,\r\n", "|;x|;", "4,5,"},
	    /* 4 */ {"a,b\n\" x \",y\nz, \" w\"\n", " x |y;z| w;", "2,3,"},
	    /* 5 */ {"a,b,c\n1,,3\n\"1\n2\",,\n", "1||3;1\n2||;", "2,3,"},
	    /* 6 */ {"a,b\n1,2", "1|2;", "2,"},
	    /* 7 */ {"\xEF\xBB\xBF" "a,b\n1,2\r\n", "1|2;", "2,"},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32], got[256] = "", rows[64] = "";
		snprintf(name, sizeof name, "fields%zu.csv", i + 1);
		hv_source *src;
		tu_ok(ctx, hv_source_open(ctx, tu_write(name, cases[i].text), &src));
		if (strcmp(hv_source_colname(src, 0), "a") != 0)
			fail_msg("case %zu: first column '%s'", i + 1, hv_source_colname(src, 0));
		int has;
		while (hv_source_next(src, &has) == HAVEN_OK && has) {
			for (int k = 0; k < hv_source_ncols(src); k++) {
				strcat(got, hv_source_field(src, k));
				strcat(got, k + 1 < hv_source_ncols(src) ? "|" : ";");
			}
			snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "%lld,", (long long)hv_source_row(src));
		}
		hv_source_close(src);
		if (strcmp(got, cases[i].want) != 0 || strcmp(rows, cases[i].rows) != 0)
			fail_msg("case %zu: fields '%s' rows '%s', want '%s' '%s'", i + 1, got, rows, cases[i].want,
			         cases[i].rows);
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

/* ---- bytes that are not text: NUL, UTF-16, CR line ends, BOM ------------------------------------ */

#define BYTES(s) s, sizeof s - 1

static void test_bytes_table(void **state)
{
	(void)state;
	static const struct {
		const char *data;
		size_t n;
		haven_status want;
		const char *msg;
		int rows;
	} cases[] = {
		/* 1 */ {BYTES("a,b\n1,Larch\0House\n"), HAVEN_ERR_FORMAT, "row 2: column 2 (b) holds a NUL byte", 0},
		/* 2 quoted */ {BYTES("a,b\n\"x\",\"La\0rch\"\n"), HAVEN_ERR_FORMAT, "row 2: column 2 (b) holds a NUL", 0},
		/* 3 header */ {BYTES("a,\0b\n1,2\n"), HAVEN_ERR_FORMAT, "row 1: column 2 holds a NUL byte", 0},
		/* 4 first field */ {BYTES("a,b\n1,2\n\0,3\n"), HAVEN_ERR_FORMAT, "row 3: column 1 (a) holds a NUL", 0},
		/* 5 UTF-16 */ {BYTES("\xff\xfe" "a\0,\0b\0\n\0"), HAVEN_ERR_FORMAT, "UTF-16", 0},
		/* 6 BOM, quoted header */ {BYTES("\xEF\xBB\xBF\"a\",\"b\"\n1,2\n"), HAVEN_OK, "", 1},
		/* 7 CR alone */ {BYTES("a,b\r1,2\r"), HAVEN_ERR_FORMAT, "row 1: a line ends in a carriage return alone", 0},
		/* 8 CR alone, no final */ {BYTES("a,b\r1,2"), HAVEN_ERR_FORMAT, "row 1: a line ends in a carriage return", 0},
		/* 9 one CR later on */ {BYTES("a,b\n1,2\n3,4\r5,6\n"), HAVEN_ERR_FORMAT, "row 3: a line ends in a carriage", 0},
		/* 10 CR inside quotes is data */ {BYTES("a,b\n\"x\ry\",2\n"), HAVEN_OK, "", 1},
		/* 11 CRLF */ {BYTES("a,b\r\n1,2\r\n3,4\r\n"), HAVEN_OK, "", 2},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "bytes%zu.csv", i + 1);
		const char *p = tu_write_bytes(name, cases[i].data, cases[i].n);
		int rows = -1;
		haven_status st = read_all(ctx, p, &rows);
		expect_read(ctx, "file", i + 1, st, rows, cases[i].want, cases[i].msg, cases[i].rows, name);
		st = read_all_mem(ctx, p, cases[i].data, cases[i].n, &rows);
		expect_read(ctx, "memory", i + 1, st, rows, cases[i].want, cases[i].msg, cases[i].rows, name);
	}
	/* The BOM is not part of the quoted first name. */
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, tu_write("bomq.csv", "\xEF\xBB\xBF\"URN\",Name\n1,2\n"), &src));
	assert_string_equal(hv_source_colname(src, 0), "URN");
	hv_source_close(src);
	haven_ctx_free(ctx);
}

/* ---- gzip must end cleanly ------------------------------------------------------------------- */

static void test_gzip_table(void **state)
{
	(void)state;
	static const char text[] = "a,b\n1,2\n3,4\n5,6\n";
	enum { WHOLE, NO_TRAILER, HALF, ROW_CUT, BAD_CRC, BAD_LENGTH, GARBAGE, TWO, ZERO_BYTE, EMPTY, DAMAGED, PLAIN };
	static const struct {
		int how;
		haven_status want;
		const char *msg;
		int rows;
	} cases[] = {
		/* 1 */ {WHOLE, HAVEN_OK, "", 3},
		/* 2 */ {NO_TRAILER, HAVEN_ERR_FORMAT, "row 5: the gzip data stops short", 0},
		/* 3 */ {HALF, HAVEN_ERR_FORMAT, "the file is truncated", 0},
		/* 4 cut after row 3 (a sync flush, as a download cut there) */
		{ROW_CUT, HAVEN_ERR_FORMAT, "row 4: the gzip data stops short", 0},
		/* 5 */ {BAD_CRC, HAVEN_ERR_FORMAT, "the gzip data is corrupt (incorrect data check)", 0},
		/* 6 */ {BAD_LENGTH, HAVEN_ERR_FORMAT, "the gzip data is corrupt (incorrect length check)", 0},
		/* 7 */ {GARBAGE, HAVEN_ERR_FORMAT, "trailing garbage", 0},
		/* 8 two members, as cat a.gz b.gz makes */ {TWO, HAVEN_OK, "", 7},
		/* 9 */ {ZERO_BYTE, HAVEN_ERR_FORMAT, "trailing garbage", 0},
		/* 10 */ {EMPTY, HAVEN_ERR_FORMAT, "empty file", 0},
		/* 11 stored bytes altered: a bad row, then the CRC says why */
		{DAMAGED, HAVEN_ERR_FORMAT, "incorrect data check); the file is damaged, which is likely why row 3", 0},
		/* 12 not gzip at all, named .gz: plain text */ {PLAIN, HAVEN_OK, "", 3},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n, n2;
		int how = cases[i].how;
		unsigned char *gz = tu_gzip(text, how == EMPTY ? 0 : sizeof text - 1, how == DAMAGED ? 0 : 6,
		                            how == ROW_CUT ? 12 : 0, &n);
		unsigned char *data = malloc(2 * n + 16);
		assert_non_null(data);
		memcpy(data, gz, n);
		switch (how) {
		case NO_TRAILER: n -= 8; break;
		case HALF: n /= 2; break;
		case BAD_CRC: data[n - 8] ^= 1; break;
		case BAD_LENGTH: data[n - 4] ^= 1; break;
		case GARBAGE: memcpy(data + n, "xyz\n", 4), n += 4; break;
		case ZERO_BYTE: data[n++] = 0; break;
		case TWO: {
			unsigned char *more = tu_gzip("7,8\n9,0\n1,1\n3,3\n", 16, 6, 0, &n2);
			memcpy(data + n, more, n2);
			n += n2;
			free(more);
			break;
		}
		case DAMAGED: {
			/* level 0 stores the text as is: find "3,4" in it */
			size_t k = 0;
			while (k + 3 <= n && memcmp(data + k, "3,4", 3) != 0)
				k++;
			assert_true(k + 3 <= n);
			data[k + 1] = ';'; /* row 3 now has one field */
			break;
		}
		case PLAIN: memcpy(data, text, n = sizeof text - 1); break;
		}
		free(gz);
		char name[32];
		snprintf(name, sizeof name, "gz%zu.csv.gz", i + 1);
		const char *p = tu_write_bytes(name, data, n);
		int rows = -1;
		haven_status st = read_all(ctx, p, &rows);
		expect_read(ctx, "file", i + 1, st, rows, cases[i].want, cases[i].msg, cases[i].rows, name);
		st = read_all_mem(ctx, p, data, n, &rows);
		expect_read(ctx, "memory", i + 1, st, rows, cases[i].want, cases[i].msg, cases[i].rows, name);
		/* The stream check other readers use (boundaries through GDAL)
		 * agrees on whether the stream is whole. */
		st = hv_input_check_gzip(ctx, p);
		haven_status want = cases[i].want == HAVEN_OK || how == EMPTY ? HAVEN_OK : HAVEN_ERR_FORMAT;
		if (st != want)
			fail_msg("case %zu (check): got %s: %s", i + 1, haven_status_name(st), haven_errmsg(ctx));
		free(data);
	}
	haven_ctx_free(ctx);
}

/* ---- limits ---------------------------------------------------------------------------------- */

/* A CSV of a header a,b,... (ncols columns) and rows rows of fields of
 * width characters, written to name. */
static const char *make_csv(const char *name, int ncols, int rows, size_t width)
{
	size_t cap = (size_t)(rows + 1) * (size_t)ncols * (width + 8) + 16;
	char *t = malloc(cap), *p = t;
	assert_non_null(t);
	for (int c = 0; c < ncols; c++)
		p += sprintf(p, "%sc%d", c ? "," : "", c);
	*p++ = '\n';
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < ncols; c++) {
			if (c)
				*p++ = ',';
			memset(p, 'x', width);
			p += width;
		}
		*p++ = '\n';
	}
	const char *path = tu_write_bytes(name, t, (size_t)(p - t));
	free(t);
	return path;
}

static void test_limits(void **state)
{
	(void)state;
	static const struct {
		int ncols, rows;
		size_t width;
		int hold;
		haven_status want;
		const char *msg;
	} cases[] = {
		/* 1 the longest field */ {2, 1, HV_FIELD_MAX, 0, HAVEN_OK, ""},
		/* 2 one byte more */
		{2, 1, HV_FIELD_MAX + 1, 0, HAVEN_ERR_FORMAT, "row 2: column 1 (c0) is longer than 131072 bytes"},
		/* 3 a record of fields within the limit, longer than a record may be */
		{10, 1, 110000, 0, HAVEN_ERR_FORMAT, "row 2: a record longer than 1048576 bytes"},
		/* 4 the most columns */ {HV_COLUMNS_MAX, 1, 1, 0, HAVEN_OK, ""},
		/* 5 one more */ {HV_COLUMNS_MAX + 1, 1, 1, 0, HAVEN_ERR_FORMAT, "row 1: 1025 columns, more than the 1024"},
		/* 6 the most rows of a file held in memory */ {1, (int)HV_HELD_ROWS_MAX, 1, 1, HAVEN_OK, ""},
		/* 7 one more */
		{1, (int)HV_HELD_ROWS_MAX + 1, 1, 1, HAVEN_ERR_FORMAT, "row 100002: more than 100000 rows"},
		/* 8 streamed, the same file is fine */ {1, (int)HV_HELD_ROWS_MAX + 1, 1, 0, HAVEN_OK, ""},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "limit%zu.csv", i + 1);
		const char *p = make_csv(name, cases[i].ncols, cases[i].rows, cases[i].width);
		hv_source *src;
		int rows = -1;
		haven_status st = hv_source_open(ctx, p, &src);
		if (!st) {
			if (cases[i].hold)
				hv_source_hold(src);
			st = read_rows(src, &rows);
		}
		expect_read(ctx, "file", i + 1, st, rows, cases[i].want, cases[i].msg, cases[i].rows, name);
	}
	/* An open quote never closed: refused at the field limit, not read to
	 * the end of a big file into memory. */
	size_t n = 3 * (size_t)HV_RECORD_MAX;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'y', n);
	memcpy(big, "a,b\n\"", 5);
	const char *p = tu_write_bytes("openquote.csv", big, n);
	free(big);
	int rows;
	tu_assert_status(ctx, read_all(ctx, p, &rows), HAVEN_ERR_FORMAT);
	tu_assert_msg(ctx, "openquote.csv: row 2: column 1 (a) is longer than 131072 bytes");
	tu_assert_msg(ctx, "is a quote opened there never closed?");
	haven_ctx_free(ctx);
}

/* A spreadsheet is a zip that GDAL unpacks into memory: one that unpacks to
 * more than the held-bytes limit is refused before GDAL reads it. */
static void test_spreadsheet_unpacked(void **state)
{
	(void)state;
	char vsi[1100];
	const char *bomb = tu_tmp("bomb.xlsx");
	char path[1024];
	snprintf(path, sizeof path, "%s", bomb);
	snprintf(vsi, sizeof vsi, "/vsizip/%s/xl/worksheets/sheet1.xml", path);
	VSILFILE *f = VSIFOpenL(vsi, "wb");
	assert_non_null(f);
	char *zeros = calloc(1, 1 << 20);
	assert_non_null(zeros);
	for (int i = 0; i < (int)(HV_HELD_BYTES_MAX >> 20) + 1; i++)
		assert_int_equal(VSIFWriteL(zeros, 1, 1 << 20, f), 1 << 20);
	free(zeros);
	assert_int_equal(VSIFCloseL(f), 0);
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	int rows;
	tu_assert_status(ctx, read_all(ctx, path, &rows), HAVEN_ERR_FORMAT);
	tu_assert_msg(ctx, "bomb.xlsx: unpacks to 257 MiB, more than the 256 MiB");
	size_t n;
	char *bytes = tu_read(path, &n);
	assert_true(n < (1 << 20)); /* the file itself is small */
	tu_assert_status(ctx, read_all_mem(ctx, path, bytes, n, &rows), HAVEN_ERR_FORMAT);
	tu_assert_msg(ctx, "bomb.xlsx: unpacks to 257 MiB");
	free(bytes);
	haven_ctx_free(ctx);
}

/* ---- column names ------------------------------------------------------------------------------ */

static void test_column_names(void **state)
{
	(void)state;
	char a[300], b[300];
	memset(a, 'n', 200);
	memcpy(b, a, 200);
	strcpy(a + 200, "_alpha");
	strcpy(b + 200, "_beta");
	static const struct {
		const char *x, *y;
		int eq;
	} cases[] = {
		/* 1 */ {"Address 1", "address_1", 1},
		/* 2 */ {"ADDRESS1", "address 1", 1},
		/* 3 */ {"Address 1", "Address 2", 0},
		/* 4 */ {"", "", 1},
		/* 5 */ {"lat", "latitude", 0},
		/* 6 */ {"-", "", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (hv_colname_eq(cases[i].x, cases[i].y) != cases[i].eq)
			fail_msg("case %zu: '%s' vs '%s'", i + 1, cases[i].x, cases[i].y);
	/* Long names are compared whole, past any fixed length. */
	assert_false(hv_colname_eq(a, b));
	assert_true(hv_colname_eq(a, a));

	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	char text[800];
	snprintf(text, sizeof text, "%s,%s,Postcode,Postal code\n1,2,3,4\n", a, b);
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, tu_write("long.csv", text), &src));
	const char *const ca[] = {a, NULL}, *const cb[] = {b, NULL};
	assert_int_equal(hv_source_find(src, ca), 0);
	assert_int_equal(hv_source_find(src, cb), 1);
	/* Two columns for one field are an error, naming both. */
	static const char *const pc[] = {"postcode", "postal code", NULL};
	int col;
	tu_assert_status(ctx, hv_source_column(src, pc, "postcode", &col), HAVEN_ERR_DUPLICATE);
	tu_assert_msg(ctx, "long.csv: row 1: columns 3 ('Postcode') and 4 ('Postal code') both give postcode; keep one");
	static const char *const none[] = {"telephone", NULL};
	tu_ok(ctx, hv_source_column(src, none, "telephone", &col));
	assert_int_equal(col, -1);
	hv_source_close(src);
	/* Two columns of one name: refused on opening, for every reader. */
	tu_assert_status(ctx, hv_source_open(ctx, tu_write("same.csv", "pcd,lat,long,LAT\nA,1,2,3\n"), &src),
	                 HAVEN_ERR_DUPLICATE);
	tu_assert_msg(ctx, "same.csv: row 1: columns 2 ('lat') and 4 ('LAT') have the same name; rename one");
	/* Unnamed columns are known by their numbers. */
	tu_ok(ctx, hv_source_open(ctx, tu_write("unnamed.csv", "a,,\n1,2,3\n"), &src));
	hv_source_close(src);
	haven_ctx_free(ctx);
}

/* ---- which reader --------------------------------------------------------------------------------- */

static void test_reader_choice(void **state)
{
	(void)state;
	static const char broken[] = "a,b\n1,2\n3\n"; /* GDAL's CSV driver would take it */
	static const struct {
		const char *name;
		int gzip;
		haven_status want;
		const char *msg;
	} cases[] = {
		/* 1 */ {"reg.csv", 0, HAVEN_ERR_FORMAT, "row 3: 1 fields where the header has 2"},
		/* 2 */ {"reg.2025-04.csv", 0, HAVEN_ERR_FORMAT, "row 3: 1 fields where the header has 2"},
		/* 3 */ {"REG.2025.04.CSV", 0, HAVEN_ERR_FORMAT, "row 3: 1 fields"},
		/* 4 */ {"reg.v2.csv.gz", 1, HAVEN_ERR_FORMAT, "row 3: 1 fields"},
		/* 5 */ {"reg.v2.CSV.GZ", 1, HAVEN_ERR_FORMAT, "row 3: 1 fields"},
		/* 6 no extension */ {"register", 0, HAVEN_ERR_FORMAT, "row 3: 1 fields"},
		/* 7 */ {"reg.2025-04.txt", 0, HAVEN_ERR_FORMAT, "row 3: 1 fields"},
		/* 8 a CSV named as a spreadsheet: not read as CSV, and said why */
		{"reg.csv.xlsx", 0, HAVEN_ERR_FORMAT, "its content is not a spreadsheet or table format"},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = sizeof broken - 1;
		unsigned char *data = cases[i].gzip ? tu_gzip(broken, n, 6, 0, &n) : NULL;
		const char *p = tu_write_bytes(cases[i].name, data ? (const void *)data : broken, n);
		int rows = -1;
		haven_status st = read_all(ctx, p, &rows);
		expect_read(ctx, "file", i + 1, st, rows, cases[i].want, cases[i].msg, 0, cases[i].name);
		st = read_all_mem(ctx, p, data ? (const void *)data : broken, n, &rows);
		expect_read(ctx, "memory", i + 1, st, rows, cases[i].want, cases[i].msg, 0, cases[i].name);
		free(data);
	}
	haven_ctx_free(ctx);
}

/* ---- only regular files ------------------------------------------------------------------------- */

static void test_special_files(void **state)
{
	(void)state;
	const char *fifo = tu_tmp("pipe.csv"), *fifo_sheet = tu_tmp("pipe.xlsx");
	char fifos[2][1024];
	snprintf(fifos[0], sizeof fifos[0], "%s", fifo);
	snprintf(fifos[1], sizeof fifos[1], "%s", fifo_sheet);
	assert_int_equal(mkfifo(fifos[0], 0600), 0);
	assert_int_equal(mkfifo(fifos[1], 0600), 0);
	static const struct {
		int fifo;         /* 1, 2: the FIFOs above */
		const char *path; /* "": the temporary directory */
		const char *msg;
	} cases[] = {
		/* 1 */ {1, NULL, "is a named pipe (FIFO)"},
		/* 2 read through GDAL */ {2, NULL, "is a named pipe (FIFO)"},
		/* 3 */ {0, "/dev/zero", "is a device"},
		/* 4 */ {0, "/dev/null", "is a device"},
		/* 5 */ {0, "", "is a directory"},
		/* 6 */ {0, "/nonexistent/x.csv", "No such file"},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = cases[i].fifo ? fifos[cases[i].fifo - 1] : *cases[i].path ? cases[i].path : tu_tmpdir();
		/* Every way in refuses at once: none waits for a FIFO's writer. */
		for (int k = 0; k < 3; k++) {
			hv_source *src = NULL;
			unsigned char *data = NULL;
			size_t n;
			haven_status st = k == 0   ? hv_source_open(ctx, p, &src)
			                  : k == 1 ? hv_input_read(ctx, p, 1 << 20, "a test file", &data, &n)
			                           : hv_input_check_gzip(ctx, p);
			hv_source_close(src);
			free(data);
			if (st != HAVEN_ERR_IO || !strstr(haven_errmsg(ctx), cases[i].msg) || !strstr(haven_errmsg(ctx), p))
				fail_msg("case %zu, way %d: got %s: %s", i + 1, k + 1, haven_status_name(st),
				         haven_errmsg(ctx));
		}
	}
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL,
		cmocka_unit_test(test_malformed_table), cmocka_unit_test(test_fields),
		cmocka_unit_test(test_header_lookup_and_bom),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bytes_table),
		cmocka_unit_test(test_gzip_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_spreadsheet_unpacked),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_reader_choice),
		cmocka_unit_test(test_special_files))
