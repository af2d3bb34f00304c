/*
 * table.c - result tables, and haven_table_write: the one road out.
 *
 * A table built from disclosed data is released by its producer
 * (hv_table_release, gate_int.h).  Writing such a table requires someone to
 * be acting, keeps only rows of local authorities in the store owner's scope
 * (defence in depth: imports already drop the others), records the
 * consultation or disclosure in the audit log before anything is written, and
 * marks the output OFFICIAL-SENSITIVE: a banner above and below text, a
 * protective_marking column in CSV, a member of the JSON object.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gate/gate.h"
#include "govern/govern.h"
#include "haven/store.h"
#include "govern/scope.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"

typedef struct cell {
	haven_cell_type type;
	union {
		int64_t i;
		double r;
		char *s;
	} v;
} cell;

struct haven_table {
	char *title;
	int ncols;
	char **names;
	cell *cells; /* nrows * ncols */
	size_t nrows, cap;
	/* set by hv_table_release: the table holds disclosed data */
	int released;
	hv_audit_op op;
	char *object, *recipients;
};

static haven_status nomem(haven_ctx *ctx) { return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory"); }

haven_status hv_table_new(haven_ctx *ctx, const char *title, int ncols, const char *const *names, haven_table **out)
{
	*out = NULL;
	haven_table *t = calloc(1, sizeof *t);
	if (!t)
		return nomem(ctx);
	t->ncols = ncols;
	t->title = strdup(title ? title : "");
	t->names = calloc((size_t)ncols, sizeof *t->names);
	if (!t->title || !t->names) {
		haven_table_free(t);
		return nomem(ctx);
	}
	for (int i = 0; i < ncols; i++)
		if (!(t->names[i] = strdup(names[i]))) {
			haven_table_free(t);
			return nomem(ctx);
		}
	*out = t;
	return HAVEN_OK;
}

void haven_table_free(haven_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		if (t->cells[i].type == HAVEN_CELL_TEXT)
			free(t->cells[i].v.s);
	for (int i = 0; t->names && i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	free(t->cells);
	free(t->title);
	free(t->object);
	free(t->recipients);
	free(t);
}

haven_status hv_table_add_row(haven_ctx *ctx, haven_table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		cell *c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
		if (!c)
			return nomem(ctx);
		t->cells = c;
		t->cap = cap;
	}
	memset(t->cells + t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof(cell));
	t->nrows++;
	return HAVEN_OK;
}

static cell *last(haven_table *t, int col) { return &t->cells[(t->nrows - 1) * (size_t)t->ncols + (size_t)col]; }

static void clear_cell(cell *c)
{
	if (c->type == HAVEN_CELL_TEXT)
		free(c->v.s);
	c->type = HAVEN_CELL_NULL;
}

haven_status hv_table_set_text(haven_ctx *ctx, haven_table *t, int col, const char *s)
{
	cell *c = last(t, col);
	clear_cell(c);
	if (!s)
		return HAVEN_OK;
	if (!(c->v.s = strdup(s)))
		return nomem(ctx);
	c->type = HAVEN_CELL_TEXT;
	return HAVEN_OK;
}

haven_status hv_table_set_int(haven_ctx *ctx, haven_table *t, int col, int64_t v)
{
	(void)ctx;
	cell *c = last(t, col);
	clear_cell(c);
	c->type = HAVEN_CELL_INT;
	c->v.i = v;
	return HAVEN_OK;
}

haven_status hv_table_set_real(haven_ctx *ctx, haven_table *t, int col, double v)
{
	(void)ctx;
	cell *c = last(t, col);
	clear_cell(c);
	c->type = HAVEN_CELL_REAL;
	c->v.r = v;
	return HAVEN_OK;
}

haven_status hv_table_from_stmt(haven_ctx *ctx, const char *title, sqlite3_stmt *st, haven_table **out)
{
	*out = NULL;
	int n = sqlite3_column_count(st);
	const char **names = calloc((size_t)(n ? n : 1), sizeof *names);
	if (!names)
		return nomem(ctx);
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	haven_table *t;
	haven_status rc = hv_table_new(ctx, title, n, names, &t);
	free(names);
	if (rc)
		return rc;
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		rc = hv_table_add_row(ctx, t);
		for (int i = 0; !rc && i < n; i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER: rc = hv_table_set_int(ctx, t, i, sqlite3_column_int64(st, i)); break;
			case SQLITE_FLOAT: rc = hv_table_set_real(ctx, t, i, sqlite3_column_double(st, i)); break;
			case SQLITE_NULL: break;
			default: rc = hv_table_set_text(ctx, t, i, (const char *)sqlite3_column_text(st, i)); break;
			}
		}
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading results");
	sqlite3_reset(st);
	if (rc) {
		haven_table_free(t);
		return rc;
	}
	*out = t;
	return HAVEN_OK;
}

haven_status hv_table_release(haven_ctx *ctx, haven_table *t, hv_audit_op op, const char *object,
                              const char *recipients)
{
	free(t->object);
	free(t->recipients);
	t->object = strdup(object);
	t->recipients = recipients ? strdup(recipients) : NULL;
	if (!t->object || (recipients && !t->recipients))
		return nomem(ctx);
	t->released = 1;
	t->op = op;
	return HAVEN_OK;
}

size_t haven_table_nrows(const haven_table *t) { return t->nrows; }
int haven_table_ncols(const haven_table *t) { return t->ncols; }
const char *haven_table_title(const haven_table *t) { return t->title; }
const char *haven_table_colname(const haven_table *t, int col) { return t->names[col]; }

static const cell *at(const haven_table *t, size_t row, int col)
{
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

haven_cell_type haven_table_type(const haven_table *t, size_t row, int col) { return at(t, row, col)->type; }

const char *haven_table_text(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_TEXT ? c->v.s : NULL;
}

int64_t haven_table_int(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_INT ? c->v.i : c->type == HAVEN_CELL_REAL ? (int64_t)c->v.r : 0;
}

double haven_table_real(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_REAL ? c->v.r : c->type == HAVEN_CELL_INT ? (double)c->v.i : 0.0;
}

int haven_table_find(const haven_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return i;
	return -1;
}

/* Render a cell as text into buf: integers plainly, reals with up to 6
 * significant decimals and no trailing zeros. */
static const char *cell_text(const cell *c, char *buf, size_t n)
{
	switch (c->type) {
	case HAVEN_CELL_NULL: return "";
	case HAVEN_CELL_INT: snprintf(buf, n, "%lld", (long long)c->v.i); return buf;
	case HAVEN_CELL_REAL:
		if (fabs(c->v.r) >= 1e15 || c->v.r != c->v.r)
			snprintf(buf, n, "%g", c->v.r);
		else {
			snprintf(buf, n, "%.6f", c->v.r);
			char *e = buf + strlen(buf) - 1;
			while (*e == '0')
				*e-- = '\0';
			if (*e == '.')
				*e = '\0';
		}
		return buf;
	case HAVEN_CELL_TEXT: return c->v.s;
	}
	return "";
}

/* Length of the UTF-8 sequence lead byte c (0x80 or above) announces; 0
 * for a byte that cannot begin one. */
static size_t utf8_len(unsigned char c)
{
	return (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
}

size_t haven_text_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	while (*p) {
		/* Shown as itself: printable ASCII, or a whole valid UTF-8
		 * sequence that is not a C1 control (U+0080..U+009F, bytes C2 80
		 * to C2 9F: an 8-bit terminal's CSI is U+009B).  Anything else, one
		 * byte at a time, as \xHH, so no byte of it reaches the terminal. */
		size_t n = *p < 0x80 ? 1 : utf8_len(*p);
		int shown = n == 1 ? *p >= 0x20 && *p != 0x7F
		                   : n > 1 && strnlen((const char *)p, n) == n &&
		                         hv_utf8_valid((const char *)p, n, NULL) && !(p[0] == 0xC2 && p[1] < 0xA0);
		if (shown) {
			if (out)
				fwrite(p, 1, n, out);
			p += n;
			w++;
		} else {
			if (out)
				fprintf(out, "\\x%02x", *p);
			p++;
			w += 4;
		}
	}
	return w;
}

/* The widest a text column is padded to.  A longer cell overflows its
 * column rather than widening every row: one 1 MB name must not pad each
 * line of a listing to 1 MB. */
#define TEXT_MAX_PAD 40

/* n spaces, for a cell x wide in a column w wide (none when it overflows). */
static void pad(FILE *out, size_t w, size_t x)
{
	for (; x < w; x++)
		fputc(' ', out);
}

/* Aligned columns, each as wide as its name or its widest cell, at most
 * TEXT_MAX_PAD, so the output is at most a few times the size of the cells.
 * Every text (title, names, cells) goes through haven_text_escape: register
 * fields and complaints are data, and an escape sequence in them must not
 * reach the terminal. */
static void write_text(const haven_table *t, const unsigned char *keep, const char *marking, FILE *out)
{
	size_t *w = calloc((size_t)t->ncols, sizeof *w);
	char buf[64];
	if (!w)
		return;
	for (int c = 0; c < t->ncols; c++)
		w[c] = haven_text_escape(NULL, t->names[c]);
	for (size_t r = 0; r < t->nrows; r++)
		for (int c = 0; keep[r] && c < t->ncols; c++) {
			size_t x = haven_text_escape(NULL, cell_text(at(t, r, c), buf, sizeof buf));
			if (x > TEXT_MAX_PAD)
				x = TEXT_MAX_PAD;
			if (x > w[c])
				w[c] = x;
		}
	if (marking)
		fprintf(out, "%s\n", marking);
	if (*t->title) {
		haven_text_escape(out, t->title);
		fputc('\n', out);
	}
	for (int c = 0; c < t->ncols; c++) {
		fputs(c ? "  " : "", out);
		size_t x = haven_text_escape(out, t->names[c]);
		if (c + 1 < t->ncols)
			pad(out, w[c], x);
	}
	fputc('\n', out);
	for (int c = 0; c < t->ncols; c++) {
		fprintf(out, "%s", c ? "  " : "");
		for (size_t i = 0; i < w[c]; i++)
			fputc('-', out);
	}
	fputc('\n', out);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!keep[r])
			continue;
		for (int c = 0; c < t->ncols; c++) {
			const cell *ce = at(t, r, c);
			const char *s = cell_text(ce, buf, sizeof buf);
			size_t x = haven_text_escape(NULL, s);
			int numeric = ce->type == HAVEN_CELL_INT || ce->type == HAVEN_CELL_REAL;
			if (c)
				fputs("  ", out);
			if (numeric)
				pad(out, w[c], x);
			haven_text_escape(out, s);
			if (!numeric && c + 1 < t->ncols)
				pad(out, w[c], x);
		}
		fputc('\n', out);
	}
	if (marking)
		fprintf(out, "%s\n", marking);
	free(w);
}

/* A text cell a spreadsheet would evaluate: after any apostrophes, its first
 * character starts a formula (= + - @) or is a TAB or CR (OWASP, "CSV
 * Injection").  The apostrophes are skipped so that a value which already
 * begins with one, such as "'=x", is neutralised too and reads back exactly. */
static int formula_start(const char *s)
{
	s += strspn(s, "'");
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

/* A text cell that is wholly a plain decimal number ("-1.5491", "+44", ".5"):
 * a spreadsheet reads it as that number and nothing else, so it stays as it is. */
static int plain_number(const char *s)
{
	s += *s == '+' || *s == '-';
	size_t digits = strspn(s, "0123456789");
	s += digits;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		if (!frac)
			return 0;
		digits += frac;
		s += 1 + frac;
	}
	return digits > 0 && *s == '\0';
}

const char *hv_csv_value(const char *s)
{
	return s[0] == '\'' && formula_start(s) ? s + 1 : s;
}

/* The one CSV cell writer: RFC 4180 quoting, and a text cell that a
 * spreadsheet would take for a formula gets a leading apostrophe (number
 * says the cell is numeric: never touched).  hv_csv_value undoes it. */
static void csv_cell(FILE *out, const char *s, int number)
{
	const char *prefix = !number && !plain_number(s) && formula_start(s) ? "'" : "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(prefix, out);
		fputs(s, out);
		return;
	}
	fputc('"', out);
	fputs(prefix, out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void write_csv(const haven_table *t, const unsigned char *keep, const char *marking, FILE *out)
{
	char buf[64];
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', out);
		csv_cell(out, t->names[c], 0);
	}
	if (marking)
		fputs(",protective_marking", out);
	fputs("\r\n", out);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!keep[r])
			continue;
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			const cell *ce = at(t, r, c);
			csv_cell(out, cell_text(ce, buf, sizeof buf),
			         ce->type == HAVEN_CELL_INT || ce->type == HAVEN_CELL_REAL);
		}
		if (marking) {
			fputc(',', out);
			csv_cell(out, marking, 0);
		}
		fputs("\r\n", out);
	}
}

static haven_status write_json(haven_ctx *ctx, const haven_table *t, const unsigned char *keep, const char *marking,
                               FILE *out)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return nomem(ctx);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!keep[r])
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return nomem(ctx);
		}
		for (int c = 0; c < t->ncols; c++) {
			const cell *ce = at(t, r, c);
			switch (ce->type) {
			case HAVEN_CELL_NULL: cJSON_AddNullToObject(o, t->names[c]); break;
			case HAVEN_CELL_INT: cJSON_AddNumberToObject(o, t->names[c], (double)ce->v.i); break;
			case HAVEN_CELL_REAL: cJSON_AddNumberToObject(o, t->names[c], ce->v.r); break;
			case HAVEN_CELL_TEXT: cJSON_AddStringToObject(o, t->names[c], ce->v.s); break;
			}
		}
	}
	if (marking) {
		/* {"protective_marking": ..., "title": ..., "rows": [...]} */
		cJSON *doc = cJSON_CreateObject();
		if (!doc || !cJSON_AddStringToObject(doc, "protective_marking", marking) ||
		    !cJSON_AddStringToObject(doc, "title", t->title) || !cJSON_AddItemToObject(doc, "rows", arr)) {
			cJSON_Delete(doc);
			cJSON_Delete(arr);
			return nomem(ctx);
		}
		arr = doc;
	}
	char *s = cJSON_Print(arr);
	cJSON_Delete(arr);
	if (!s)
		return nomem(ctx);
	fputs(s, out);
	fputc('\n', out);
	cJSON_free(s);
	return HAVEN_OK;
}

/* The gate's checks for a released table: an actor, the owner's scope, and
 * the audit entry, committed before anything is written.  keep[r] says
 * whether row r may leave. */
static haven_status gate(haven_ctx *ctx, const haven_table *t, unsigned char *keep)
{
	haven_status rc = hv_need_actor(ctx);
	if (rc)
		return rc;
	int la = haven_table_find(t, "la_code");
	size_t n = t->nrows;
	if (la >= 0) {
		hv_scope *scope;
		if ((rc = hv_scope_owner(ctx, &scope)))
			return rc;
		n = 0;
		for (size_t r = 0; r < t->nrows; r++) {
			const char *code = haven_table_text(t, r, la);
			keep[r] = !code || hv_scope_has_la(scope, code);
			n += keep[r];
		}
		hv_scope_free(scope);
	}
	if ((rc = hv_begin(ctx)))
		return rc;
	rc = hv_record(ctx, t->op, t->object, (int64_t)n, t->recipients);
	if (!rc)
		rc = hv_commit(ctx);
	if (rc)
		hv_rollback(ctx);
	return rc;
}

haven_status haven_table_write(haven_ctx *ctx, const haven_table *t, haven_format fmt, FILE *out)
{
	hv_clear(ctx);
	unsigned char *keep = malloc(t->nrows ? t->nrows : 1);
	if (!keep)
		return nomem(ctx);
	memset(keep, 1, t->nrows ? t->nrows : 1);
	const char *marking = t->released ? HAVEN_MARKING : NULL;
	haven_status rc = t->released ? gate(ctx, t, keep) : HAVEN_OK;
	if (!rc) {
		switch (fmt) {
		case HAVEN_FMT_TEXT: write_text(t, keep, marking, out); break;
		case HAVEN_FMT_CSV: write_csv(t, keep, marking, out); break;
		case HAVEN_FMT_JSON: rc = write_json(ctx, t, keep, marking, out); break;
		}
	}
	free(keep);
	if (!rc && ferror(out))
		rc = hv_error(ctx, HAVEN_ERR_IO, "writing output failed");
	return rc;
}
