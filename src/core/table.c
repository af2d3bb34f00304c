/*
 * table.c - result tables: columns with roles, typed cells, the seal, and the
 * text/CSV/JSON writers.
 *
 * A table is made sealed and stays so until the gate (src/gate/gate.c)
 * releases it: while it is sealed its rows and cells cannot be read through
 * the public accessors nor written by any writer here.  The gate alone
 * unseals, through core/table_seal.h, which only this file and the gate
 * include (tests/layers.py checks it).  The library's own computations read
 * cells through the hv_table_cell_* calls, which produce no output.
 */
#define GEOS_USE_ONLY_R_API
#include <cjson/cJSON.h>
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "core/table_seal.h"
#include "core/text.h"

typedef struct cell {
	haven_cell_type type;
	union {
		int64_t i;
		double r;
		char *s;
		struct {
			char *wkt; /* first, so that text readers see it */
			unsigned char *wkb;
			size_t n;
		} g;
	} v;
} cell;

typedef struct column {
	char *name;
	haven_role role;
	int withheld; /* in disclosure control only (hv_table_withhold_column) */
	char sub[16];
} column;

typedef struct column_sum {
	int total;
	int *parts;
	size_t n;
} column_sum;

struct haven_table {
	char *title;
	int ncols;
	column *cols;
	cell *cells; /* nrows * ncols */
	size_t nrows, cap;
	hv_table_class cls;
	int sealed;
	char *object;        /* what an audit entry names when it is released */
	const char *marking; /* set by the gate: HAVEN_MARKING for disclosed data, else NULL */
	column_sum *sums;    /* declared column sums (hv_table_sum) */
	size_t nsums;
	hv_hierarchy *hier; /* declared hierarchies of rows (hv_table_hierarchy) */
	size_t nhier;
	hv_term *terms; /* declared relations (hv_table_relation): their terms, each ended by coef 0 */
	size_t nterms, nrel;
	unsigned char
	    *withheld; /* per row (room for cap): 1 in disclosure control, never released; 2 controlled first */
	char **meta;   /* key, value, key, value, ... */
	size_t nmeta;
	hv_control_rule rule;
	int top; /* after control, keep the largest published flows (hv_table_set_top) */
};

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

haven_status hv_table_new(haven_ctx *ctx, const char *title, hv_table_class cls, int ncols, const char *const *names,
                          haven_table **out)
{
	*out = NULL;
	if (cls != HV_TABLE_PUBLIC && cls != HV_TABLE_DISCLOSED)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a table must say whether it holds disclosed data");
	haven_table *t = calloc(1, sizeof *t);
	if (!t)
		return nomem(ctx);
	t->cls = cls;
	t->sealed = 1;
	t->ncols = ncols;
	t->title = strdup(title ? title : "");
	t->cols = calloc((size_t)(ncols ? ncols : 1), sizeof *t->cols);
	if (!t->title || !t->cols) {
		haven_table_free(t);
		return nomem(ctx);
	}
	for (int i = 0; i < ncols; i++)
		if (!(t->cols[i].name = strdup(names[i]))) {
			haven_table_free(t);
			return nomem(ctx);
		}
	*out = t;
	return HAVEN_OK;
}

static void clear_cell(cell *c)
{
	if (c->type == HAVEN_CELL_TEXT)
		free(c->v.s);
	else if (c->type == HAVEN_CELL_GEOM) {
		free(c->v.g.wkt);
		free(c->v.g.wkb);
	}
	c->type = HAVEN_CELL_NULL;
}

void haven_table_free(haven_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		clear_cell(&t->cells[i]);
	for (int i = 0; t->cols && i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cols);
	free(t->cells);
	free(t->title);
	free(t->object);
	for (size_t i = 0; i < t->nsums; i++)
		free(t->sums[i].parts);
	free(t->sums);
	for (size_t i = 0; i < t->nhier; i++) {
		free(t->hier[i].keys);
		free(t->hier[i].pkeys);
	}
	free(t->hier);
	free(t->terms);
	free(t->withheld);
	for (size_t i = 0; i < 2 * t->nmeta; i++)
		free(t->meta[i]);
	free(t->meta);
	free(t);
}

/* ---- roles ------------------------------------------------------------- */

static const struct {
	const char *name;
	haven_role role;
	const char *const subs[8]; /* the subs it takes; {NULL}: none */
	int sub_is_column;         /* the sub, optional, names a column of the table */
} roles[] = {
    {"label", HAVEN_ROLE_LABEL, {NULL}, 0},
    {"area", HAVEN_ROLE_AREA, {"la", "district", "pfa", "region", "england", "any", "placing", NULL}, 0},
    {"home", HAVEN_ROLE_HOME, {NULL}, 0},
    {"count", HAVEN_ROLE_COUNT, {"children", "episodes", "homes", "places", "published", "distinct", NULL}, 0},
    {"rate", HAVEN_ROLE_RATE, {NULL}, 1},
    {"geometry", HAVEN_ROLE_GEOMETRY, {"point", "area", "hull", NULL}, 0},
    {"text", HAVEN_ROLE_TEXT, {NULL}, 0},
    {"parent", HAVEN_ROLE_PARENT, {NULL}, 0},
};
#define NROLES (sizeof roles / sizeof roles[0])

haven_status hv_table_roles(haven_ctx *ctx, haven_table *t, const char *spec)
{
	const char *p = spec;
	while (*p) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		char item[128];
		if (n >= sizeof item)
			return hv_error(ctx, HAVEN_ERR_USAGE, "table roles: '%.*s' is too long", (int)n, p);
		memcpy(item, p, n);
		item[n] = '\0';
		p += n;
		char *eq = strchr(item, '=');
		if (!eq)
			return hv_error(ctx, HAVEN_ERR_USAGE, "table roles: '%s' is not column=role[:sub]", item);
		*eq = '\0';
		char *role = eq + 1, *sub = strchr(role, ':');
		if (sub)
			*sub++ = '\0';
		int col = haven_table_find(t, item);
		if (col < 0)
			return hv_error(ctx, HAVEN_ERR_USAGE, "table roles: no column '%s' in '%s'", item, t->title);
		size_t r = 0;
		while (r < NROLES && strcmp(roles[r].name, role) != 0)
			r++;
		if (r == NROLES)
			return hv_error(ctx, HAVEN_ERR_USAGE, "table roles: '%s' is not a role", role);
		int ok = roles[r].sub_is_column ? !sub || haven_table_find(t, sub) >= 0 : !sub && !roles[r].subs[0];
		for (size_t k = 0; sub && !ok && roles[r].subs[k]; k++)
			ok = strcmp(roles[r].subs[k], sub) == 0;
		if (!ok)
			return hv_error(ctx, HAVEN_ERR_USAGE, "table roles: %s needs %s for column '%s'", role,
			                roles[r].sub_is_column ? "a column of the table"
			                : roles[r].subs[0]     ? "one of its kinds"
			                                       : "no kind",
			                item);
		t->cols[col].role = roles[r].role;
		snprintf(t->cols[col].sub, sizeof t->cols[col].sub, "%s", sub ? sub : "");
	}
	return HAVEN_OK;
}

haven_status hv_table_sum(haven_ctx *ctx, haven_table *t, const char *total, const char *parts)
{
	int tc = haven_table_find(t, total);
	if (tc < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "table sum: no column '%s' in '%s'", total, t->title);
	column_sum *v = realloc(t->sums, (t->nsums + 1) * sizeof *v);
	if (!v)
		return nomem(ctx);
	t->sums = v;
	column_sum *cs = &t->sums[t->nsums];
	memset(cs, 0, sizeof *cs);
	cs->total = tc;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", parts);
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int c = haven_table_find(t, tok);
		int *p = c < 0 ? NULL : realloc(cs->parts, (cs->n + 1) * sizeof *p);
		if (!p) {
			free(cs->parts);
			return c < 0
			           ? hv_error(ctx, HAVEN_ERR_USAGE, "table sum: no column '%s' in '%s'", tok, t->title)
			           : nomem(ctx);
		}
		cs->parts = p;
		cs->parts[cs->n++] = c;
	}
	t->nsums++;
	return HAVEN_OK;
}

haven_status hv_table_hierarchy(haven_ctx *ctx, haven_table *t, const char *code, const char *parent, const char *keys)
{
	hv_hierarchy h = {haven_table_find(t, code), haven_table_find(t, parent), NULL, NULL, 0};
	if (h.code < 0 || h.parent < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "table hierarchy: no column '%s' in '%s'",
		                h.code < 0 ? code : parent, t->title);
	if (haven_table_role(t, h.parent, NULL) != HAVEN_ROLE_PARENT)
		return hv_error(ctx, HAVEN_ERR_USAGE, "table hierarchy: column '%s' of '%s' has not the role parent",
		                parent, t->title);
	char buf[512];
	snprintf(buf, sizeof buf, "%s", keys ? keys : "");
	char *save = NULL;
	haven_status rc = HAVEN_OK;
	for (char *tok = strtok_r(buf, " ", &save); !rc && tok; tok = strtok_r(NULL, " ", &save)) {
		char *pk = strchr(tok, ':'); /* "key:column": the parent's key is the row's cell in column */
		if (pk)
			*pk++ = '\0';
		int c = haven_table_find(t, tok), pc = pk ? haven_table_find(t, pk) : c;
		if (c < 0 || pc < 0) {
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "table hierarchy: no column '%s' in '%s'", c < 0 ? tok : pk,
			              t->title);
			break;
		}
		int *k = realloc(h.keys, (h.nkeys + 1) * sizeof *k);
		if (k)
			h.keys = k;
		int *kp = k ? realloc(h.pkeys, (h.nkeys + 1) * sizeof *kp) : NULL;
		if (!kp) {
			rc = nomem(ctx);
			break;
		}
		h.pkeys = kp;
		h.keys[h.nkeys] = c;
		h.pkeys[h.nkeys++] = pc;
	}
	hv_hierarchy *v = rc ? NULL : realloc(t->hier, (t->nhier + 1) * sizeof *v);
	if (!v) {
		free(h.keys);
		free(h.pkeys);
		return rc ? rc : nomem(ctx);
	}
	t->hier = v;
	t->hier[t->nhier++] = h;
	return HAVEN_OK;
}

size_t hv_table_hierarchies(const haven_table *t, const hv_hierarchy **out)
{
	*out = t->hier;
	return t->nhier;
}

void hv_table_withhold_row(haven_table *t)
{
	if (t->nrows)
		t->withheld[t->nrows - 1] |= 1;
}

int hv_table_row_withheld(const haven_table *t, size_t row)
{
	return t->withheld[row] & 1;
}

void hv_table_control_first(haven_table *t)
{
	if (t->nrows)
		t->withheld[t->nrows - 1] |= 2;
}

int hv_table_row_first(const haven_table *t, size_t row)
{
	return (t->withheld[row] & 2) != 0;
}

haven_status hv_table_relation(haven_ctx *ctx, haven_table *t, const hv_term *terms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (terms[i].row >= t->nrows || terms[i].col < 0 || terms[i].col >= t->ncols ||
		    (terms[i].coef != 1 && terms[i].coef != -1))
			return hv_error(ctx, HAVEN_ERR_USAGE,
			                "table relation: term %zu of '%s' is not a cell with +1 or -1", i, t->title);
	hv_term *v = realloc(t->terms, (t->nterms + n + 1) * sizeof *v);
	if (!v)
		return nomem(ctx);
	t->terms = v;
	memcpy(t->terms + t->nterms, terms, n * sizeof *terms);
	t->terms[t->nterms + n] = (hv_term){0, 0, 0};
	t->nterms += n + 1;
	t->nrel++;
	return HAVEN_OK;
}

size_t hv_table_relations(const haven_table *t, const hv_term **terms)
{
	*terms = t->terms;
	return t->nrel;
}

void hv_table_withhold_column(haven_table *t, int col)
{
	if (col >= 0 && col < t->ncols)
		t->cols[col].withheld = 1;
}

size_t hv_table_sums(const haven_table *t)
{
	return t->nsums;
}
int hv_table_sum_total(const haven_table *t, size_t i)
{
	return t->sums[i].total;
}

size_t hv_table_sum_parts(const haven_table *t, size_t i, const int **parts)
{
	*parts = t->sums[i].parts;
	return t->sums[i].n;
}

haven_status hv_table_meta_set(haven_ctx *ctx, haven_table *t, const char *key, const char *value)
{
	char *v = strdup(value ? value : "");
	if (!v)
		return nomem(ctx);
	for (size_t i = 0; i < t->nmeta; i++)
		if (strcmp(t->meta[2 * i], key) == 0) {
			free(t->meta[2 * i + 1]);
			t->meta[2 * i + 1] = v;
			return HAVEN_OK;
		}
	char **m = realloc(t->meta, (2 * t->nmeta + 2) * sizeof *m);
	char *k = m ? strdup(key) : NULL;
	if (!k) {
		if (m)
			t->meta = m;
		free(v);
		return nomem(ctx);
	}
	t->meta = m;
	t->meta[2 * t->nmeta] = k;
	t->meta[2 * t->nmeta + 1] = v;
	t->nmeta++;
	return HAVEN_OK;
}

const char *haven_table_meta(const haven_table *t, const char *key)
{
	for (size_t i = 0; i < t->nmeta; i++)
		if (strcmp(t->meta[2 * i], key) == 0)
			return t->meta[2 * i + 1];
	return NULL;
}

size_t haven_table_meta_count(const haven_table *t)
{
	return t->nmeta;
}
const char *haven_table_meta_key(const haven_table *t, size_t i)
{
	return i < t->nmeta ? t->meta[2 * i] : NULL;
}

void hv_table_set_rule(haven_table *t, const hv_control_rule *rule)
{
	t->rule = *rule;
}
const hv_control_rule *hv_table_rule(const haven_table *t)
{
	return &t->rule;
}

void hv_table_set_top(haven_table *t, int top)
{
	t->top = top;
}
int hv_table_top(const haven_table *t)
{
	return t->top;
}

haven_role haven_table_role(const haven_table *t, int col, const char **sub)
{
	if (col < 0 || col >= t->ncols) {
		if (sub)
			*sub = "";
		return HAVEN_ROLE_NONE;
	}
	if (sub)
		*sub = t->cols[col].sub;
	return t->cols[col].role;
}

haven_status hv_table_object(haven_ctx *ctx, haven_table *t, const char *object)
{
	char *o = strdup(object ? object : "");
	if (!o)
		return nomem(ctx);
	free(t->object);
	t->object = o;
	return HAVEN_OK;
}

/* ---- building ---------------------------------------------------------- */

haven_status hv_table_add_row(haven_ctx *ctx, haven_table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		cell *c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
		if (!c && t->ncols)
			return nomem(ctx);
		t->cells = c;
		unsigned char *w = realloc(t->withheld, cap);
		if (!w)
			return nomem(ctx);
		t->withheld = w;
		t->cap = cap;
	}
	if (t->ncols)
		memset(t->cells + t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof(cell));
	t->withheld[t->nrows] = 0;
	t->nrows++;
	return HAVEN_OK;
}

static cell *at_mut(haven_table *t, size_t row, int col)
{
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}
static cell *last(haven_table *t, int col)
{
	return at_mut(t, t->nrows - 1, col);
}

static haven_status put_text(haven_ctx *ctx, cell *c, const char *s)
{
	clear_cell(c);
	if (!s)
		return HAVEN_OK;
	if (!(c->v.s = strdup(s)))
		return nomem(ctx);
	c->type = HAVEN_CELL_TEXT;
	return HAVEN_OK;
}

haven_status hv_table_set_text(haven_ctx *ctx, haven_table *t, int col, const char *s)
{
	return put_text(ctx, last(t, col), s);
}

static void put_int(cell *c, int64_t v)
{
	clear_cell(c);
	c->type = HAVEN_CELL_INT;
	c->v.i = v;
}

static void put_real(cell *c, double v)
{
	clear_cell(c);
	c->type = HAVEN_CELL_REAL;
	c->v.r = v;
}

haven_status hv_table_set_int(haven_ctx *ctx, haven_table *t, int col, int64_t v)
{
	(void)ctx;
	put_int(last(t, col), v);
	return HAVEN_OK;
}

haven_status hv_table_set_real(haven_ctx *ctx, haven_table *t, int col, double v)
{
	(void)ctx;
	put_real(last(t, col), v);
	return HAVEN_OK;
}

/* The WKT every writer shows for a geometry: EPSG:27700 metres, trimmed,
 * to the centimetre. */
static char *geom_wkt(haven_ctx *ctx, const unsigned char *wkb, size_t n)
{
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	GEOSWKTWriter *wr = GEOSWKTWriter_create_r(ctx->geos);
	GEOSGeometry *g = rd && wr ? GEOSWKBReader_read_r(ctx->geos, rd, wkb, n) : NULL;
	char *wkt = NULL, *copy = NULL;
	if (g) {
		GEOSWKTWriter_setTrim_r(ctx->geos, wr, 1);
		GEOSWKTWriter_setRoundingPrecision_r(ctx->geos, wr, 2);
		wkt = GEOSWKTWriter_write_r(ctx->geos, wr, g);
		copy = wkt ? strdup(wkt) : NULL;
		GEOSFree_r(ctx->geos, wkt);
		GEOSGeom_destroy_r(ctx->geos, g);
	}
	if (rd)
		GEOSWKBReader_destroy_r(ctx->geos, rd);
	if (wr)
		GEOSWKTWriter_destroy_r(ctx->geos, wr);
	return copy;
}

haven_status hv_table_set_geom(haven_ctx *ctx, haven_table *t, int col, const unsigned char *wkb, size_t n)
{
	cell *c = last(t, col);
	clear_cell(c);
	if (!wkb)
		return HAVEN_OK;
	c->v.g.wkb = malloc(n ? n : 1);
	if (!c->v.g.wkb)
		return nomem(ctx);
	memcpy(c->v.g.wkb, wkb, n);
	c->v.g.n = n;
	c->v.g.wkt = geom_wkt(ctx, wkb, n);
	if (!c->v.g.wkt) {
		free(c->v.g.wkb);
		return hv_error(ctx, HAVEN_ERR_GEOS, "a geometry cell of '%s' is not valid WKB", t->title);
	}
	c->type = HAVEN_CELL_GEOM;
	return HAVEN_OK;
}

haven_status hv_table_from_stmt(haven_ctx *ctx, const char *title, hv_table_class cls, sqlite3_stmt *st,
                                haven_table **out)
{
	*out = NULL;
	int n = sqlite3_column_count(st);
	const char **names = calloc((size_t)(n ? n : 1), sizeof *names);
	if (!names)
		return nomem(ctx);
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	haven_table *t;
	haven_status rc = hv_table_new(ctx, title, cls, n, names, &t);
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
			case SQLITE_BLOB:
				rc = hv_table_set_geom(ctx, t, i, sqlite3_column_blob(st, i),
				                       (size_t)sqlite3_column_bytes(st, i));
				break;
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

haven_status hv_table_listing(haven_ctx *ctx, const char *title, sqlite3_stmt *st, const char *spec, const char *object,
                              haven_table **out)
{
	haven_status rc = hv_table_from_stmt(ctx, title, HV_TABLE_DISCLOSED, st, out);
	if (!rc)
		rc = hv_table_roles(ctx, *out, spec);
	if (!rc && object)
		rc = hv_table_object(ctx, *out, object);
	if (rc && *out) {
		haven_table_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- reading ----------------------------------------------------------- */

int haven_table_ncols(const haven_table *t)
{
	return t->ncols;
}
const char *haven_table_title(const haven_table *t)
{
	return t->title;
}
const char *haven_table_colname(const haven_table *t, int col)
{
	return t->cols[col].name;
}
int haven_table_sealed(const haven_table *t)
{
	return t->sealed;
}
const char *haven_table_marking(const haven_table *t)
{
	return t->sealed ? NULL : t->marking;
}

int haven_table_find(const haven_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

static const cell null_cell = {HAVEN_CELL_NULL, {0}};

static const cell *at(const haven_table *t, size_t row, int col)
{
	if (row >= t->nrows || col < 0 || col >= t->ncols)
		return &null_cell;
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

size_t hv_table_rows(const haven_table *t)
{
	return t->nrows;
}
haven_cell_type hv_table_cell_type(const haven_table *t, size_t row, int col)
{
	return at(t, row, col)->type;
}

const char *hv_table_cell_text(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_TEXT ? c->v.s : c->type == HAVEN_CELL_GEOM ? c->v.g.wkt : NULL;
}

int64_t hv_table_cell_int(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_INT ? c->v.i : c->type == HAVEN_CELL_REAL ? (int64_t)c->v.r : 0;
}

double hv_table_cell_real(const haven_table *t, size_t row, int col)
{
	const cell *c = at(t, row, col);
	return c->type == HAVEN_CELL_REAL ? c->v.r : c->type == HAVEN_CELL_INT ? (double)c->v.i : 0.0;
}

const unsigned char *hv_table_cell_geom(const haven_table *t, size_t row, int col, size_t *len)
{
	const cell *c = at(t, row, col);
	if (len)
		*len = c->type == HAVEN_CELL_GEOM ? c->v.g.n : 0;
	return c->type == HAVEN_CELL_GEOM ? c->v.g.wkb : NULL;
}

/* The public readers refuse a sealed table: what it holds has not been
 * through the gate (scope, disclosure control, audit). */
static int refused(haven_ctx *ctx, const haven_table *t)
{
	if (!t->sealed)
		return 0;
	hv_error(ctx, HAVEN_ERR_DENIED,
	         "the table '%s' is sealed: release it with haven_release() before reading or writing it", t->title);
	return 1;
}

size_t haven_table_nrows(haven_ctx *ctx, const haven_table *t)
{
	return refused(ctx, t) ? 0 : t->nrows;
}

haven_cell_type haven_table_type(haven_ctx *ctx, const haven_table *t, size_t row, int col)
{
	return refused(ctx, t) ? HAVEN_CELL_NULL : hv_table_cell_type(t, row, col);
}

const char *haven_table_text(haven_ctx *ctx, const haven_table *t, size_t row, int col)
{
	return refused(ctx, t) ? NULL : hv_table_cell_text(t, row, col);
}

int64_t haven_table_int(haven_ctx *ctx, const haven_table *t, size_t row, int col)
{
	return refused(ctx, t) ? 0 : hv_table_cell_int(t, row, col);
}

double haven_table_real(haven_ctx *ctx, const haven_table *t, size_t row, int col)
{
	return refused(ctx, t) ? 0.0 : hv_table_cell_real(t, row, col);
}

const unsigned char *haven_table_geom(haven_ctx *ctx, const haven_table *t, size_t row, int col, size_t *len)
{
	if (refused(ctx, t)) {
		if (len)
			*len = 0;
		return NULL;
	}
	return hv_table_cell_geom(t, row, col, len);
}

/* ---- for the gate (core/table_seal.h) ----------------------------------- */

hv_table_class hv_table_class_of(const haven_table *t)
{
	return t->cls;
}
const char *hv_table_object_of(const haven_table *t)
{
	return t->object ? t->object : t->title;
}

void hv_table_unseal(haven_table *t, const char *marking)
{
	t->marking = marking;
	t->sealed = 0;
}

void hv_table_keep_rows(haven_table *t, const unsigned char *keep)
{
	size_t w = 0, nc = (size_t)t->ncols;
	for (size_t r = 0; r < t->nrows; r++) {
		if (!keep[r]) {
			for (size_t c = 0; c < nc; c++)
				clear_cell(&t->cells[r * nc + c]);
			continue;
		}
		if (w != r)
			memmove(&t->cells[w * nc], &t->cells[r * nc], nc * sizeof(cell));
		t->withheld[w] = t->withheld[r];
		w++;
	}
	t->nrows = w;
}

void hv_table_drop_withheld_columns(haven_table *t)
{
	int w = 0, nc = t->ncols;
	for (int c = 0; c < nc; c++)
		w += !t->cols[c].withheld;
	if (w == nc)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		cell *row = &t->cells[r * (size_t)nc];
		int k = 0;
		for (int c = 0; c < nc; c++) {
			if (t->cols[c].withheld)
				clear_cell(&row[c]);
			else
				t->cells[r * (size_t)w + (size_t)k++] = row[c];
		}
	}
	int k = 0;
	for (int c = 0; c < nc; c++) {
		if (t->cols[c].withheld)
			free(t->cols[c].name);
		else
			t->cols[k++] = t->cols[c];
	}
	t->ncols = w;
	/* the declarations name columns by place: control has run, they go */
	for (size_t i = 0; i < t->nsums; i++)
		free(t->sums[i].parts);
	for (size_t i = 0; i < t->nhier; i++) {
		free(t->hier[i].keys);
		free(t->hier[i].pkeys);
	}
	free(t->sums);
	free(t->hier);
	free(t->terms);
	t->sums = NULL;
	t->hier = NULL;
	t->terms = NULL;
	t->nsums = t->nhier = t->nterms = t->nrel = 0;
}

haven_status hv_table_put_text(haven_ctx *ctx, haven_table *t, size_t row, int col, const char *s)
{
	return put_text(ctx, at_mut(t, row, col), s);
}

void hv_table_put_int(haven_table *t, size_t row, int col, int64_t v)
{
	put_int(at_mut(t, row, col), v);
}
void hv_table_put_real(haven_table *t, size_t row, int col, double v)
{
	put_real(at_mut(t, row, col), v);
}

/* ---- writers ----------------------------------------------------------- */

/* Render a cell as text into buf: integers plainly, reals with up to 6
 * significant decimals and no trailing zeros, geometries as WKT. */
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
	case HAVEN_CELL_GEOM: return c->v.g.wkt;
	}
	return "";
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
static void write_text(const haven_table *t, const char *marking, FILE *out)
{
	size_t *w = calloc((size_t)t->ncols, sizeof *w);
	char buf[64];
	if (!w)
		return;
	for (int c = 0; c < t->ncols; c++)
		w[c] = haven_text_escape(NULL, t->cols[c].name);
	for (size_t r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
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
		size_t x = haven_text_escape(out, t->cols[c].name);
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

/* The one CSV cell writer: RFC 4180 quoting, and a text cell that a
 * spreadsheet would take for a formula gets a leading apostrophe (number
 * says the cell is numeric: never touched).  hv_csv_value undoes it. */
void hv_csv_cell(FILE *out, const char *s, int number)
{
	const char *prefix = !number && hv_csv_formula(s) ? "'" : "";
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

static void write_csv(const haven_table *t, const char *marking, FILE *out)
{
	char buf[64];
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', out);
		hv_csv_cell(out, t->cols[c].name, 0);
	}
	if (marking)
		fputs(",protective_marking", out);
	fputs("\r\n", out);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', out);
			const cell *ce = at(t, r, c);
			hv_csv_cell(out, cell_text(ce, buf, sizeof buf),
			            ce->type == HAVEN_CELL_INT || ce->type == HAVEN_CELL_REAL);
		}
		if (marking) {
			fputc(',', out);
			hv_csv_cell(out, marking, 0);
		}
		fputs("\r\n", out);
	}
}

static haven_status write_json(haven_ctx *ctx, const haven_table *t, const char *marking, FILE *out)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return nomem(ctx);
	for (size_t r = 0; r < t->nrows; r++) {
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return nomem(ctx);
		}
		for (int c = 0; c < t->ncols; c++) {
			const cell *ce = at(t, r, c);
			switch (ce->type) {
			case HAVEN_CELL_NULL: cJSON_AddNullToObject(o, t->cols[c].name); break;
			case HAVEN_CELL_INT: cJSON_AddNumberToObject(o, t->cols[c].name, (double)ce->v.i); break;
			case HAVEN_CELL_REAL: cJSON_AddNumberToObject(o, t->cols[c].name, ce->v.r); break;
			case HAVEN_CELL_TEXT:
			case HAVEN_CELL_GEOM: cJSON_AddStringToObject(o, t->cols[c].name, ce->v.s); break;
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

haven_status haven_table_write(haven_ctx *ctx, const haven_table *t, haven_format fmt, FILE *out)
{
	hv_clear(ctx);
	if (refused(ctx, t))
		return HAVEN_ERR_DENIED;
	haven_status rc = HAVEN_OK;
	switch (fmt) {
	case HAVEN_FMT_TEXT: write_text(t, t->marking, out); break;
	case HAVEN_FMT_CSV: write_csv(t, t->marking, out); break;
	case HAVEN_FMT_JSON: rc = write_json(ctx, t, t->marking, out); break;
	default: rc = hv_error(ctx, HAVEN_ERR_USAGE, "unknown output format %d", (int)fmt);
	}
	if (!rc && ferror(out))
		rc = hv_error(ctx, HAVEN_ERR_IO, "writing output failed");
	return rc;
}
