/*
 * stats.c - reference statistics: DfE's "Explore education statistics"
 * tidy files in the store, and the lookups that make rates of them.
 *
 * A tidy file has one row per time period, area and combination of filters,
 * and one column per indicator.  The store keeps it long: one figure per row
 * and indicator (stats_value), keyed by dataset, indicator, the row's
 * filters as canonical JSON, time period and area, each a number or a GSS
 * symbol exactly as published.  Which columns are filters and which are
 * indicators the file does not say (DfE's metadata file does, and is not
 * needed): an indicator is a column holding a number, or only symbols;
 * every other column but the time and geography ones is a filter.  So a
 * figure that is neither a number nor a symbol is an error at its row, not
 * a filter, and a filter of numbers is named by the caller.
 *
 * The file is read whole once, hashed, and parsed twice from memory: once
 * to classify the columns, once to check and write every row.  A dataset is
 * replaced whole in the caller's transaction.  See docs/stats.md.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/keys.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/table.h"
#include "core/text.h"
#include "ref/la.h"
#include "ref/stats.h"

/* The GSS symbols DfE publishes in place of a figure (docs/stats.md). */
static const char *const SYMBOLS[] = {"c", "k", "low", "u", "x", "z", NULL};
#define SYMBOL_LIST "c, k, low, u, x, z"

static int is_symbol(const char *s)
{
	for (int i = 0; SYMBOLS[i]; i++)
		if (strcmp(s, SYMBOLS[i]) == 0)
			return 1;
	return 0;
}

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* ---- canonical filters ------------------------------------------------------ */

/* The filters of a figure as a JSON object, its members in the order of
 * names (which the caller sorts), so one set of filters has one text:
 * {"population_type":"Children looked after on 31 March each year"}, or {}.
 * *out is freed with cJSON_free. */
static haven_status filter_json(haven_ctx *ctx, const char *const *names, const char *const *values, size_t n,
                                char **out)
{
	*out = NULL;
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; o && i < n; i++)
		if (!cJSON_AddStringToObject(o, names[i], values[i])) {
			cJSON_Delete(o);
			o = NULL;
		}
	*out = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return *out ? HAVEN_OK : nomem(ctx);
}

/* Order "name=value" strings by name. */
static int cmp_pair(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
	int c = strncmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

/* A lookup's filters ("column=value" ..., NULL-terminated) as filter_json. */
static haven_status key_filters(haven_ctx *ctx, const char *const *filters, char **out)
{
	*out = NULL;
	size_t n = 0;
	while (filters && filters[n])
		n++;
	const char **v = calloc(n + 1, sizeof *v);
	char **names = calloc(n + 1, sizeof *names);
	const char **values = calloc(n + 1, sizeof *values);
	haven_status rc = v && names && values ? HAVEN_OK : nomem(ctx);
	for (size_t i = 0; !rc && i < n; i++)
		v[i] = filters[i];
	if (!rc)
		qsort(v, n, sizeof *v, cmp_pair);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *eq = strchr(v[i], '=');
		if (!eq || eq == v[i])
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "filter '%s' is not COLUMN=VALUE", v[i]);
		else if (i && cmp_pair(&v[i - 1], &v[i]) == 0)
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "filter column '%.*s' is given twice", (int)(eq - v[i]),
			              v[i]);
		else if (!(names[i] = strndup(v[i], (size_t)(eq - v[i]))))
			rc = nomem(ctx);
		else
			values[i] = eq + 1;
	}
	if (!rc)
		rc = filter_json(ctx, (const char *const *)names, values, n, out);
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(values);
	free(v);
	return rc;
}

/* ---- reading a file ---------------------------------------------------------- */

/* The time and geography columns of the tidy format. */
enum {
	G_TIME,
	G_TIME_ID,
	G_LEVEL,
	G_COUNTRY,
	G_COUNTRY_NAME,
	G_REGION,
	G_REGION_NAME,
	G_NEW_LA,
	G_OLD_LA,
	G_LA_NAME,
	G_N
};
static const char *const GEO_NAMES[G_N] = {
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name",     "new_la_code",      "old_la_code",  "la_name",
};

/* The levels kept, each with the columns of its area's code and name. */
static const struct {
	const char *name;
	int code, area_name;
} LEVELS[] = {
    {"National", G_COUNTRY, G_COUNTRY_NAME},
    {"Regional", G_REGION, G_REGION_NAME},
    {"Local authority", G_NEW_LA, G_LA_NAME},
};
#define N_LEVELS (sizeof LEVELS / sizeof LEVELS[0])
#define LEVEL_LA 2

/* What a column holds. */
enum { COL_UNREAD = 0, COL_GEO, COL_EMPTY, COL_FILTER, COL_INDICATOR };

typedef struct importer {
	haven_ctx *ctx;
	const char *path;
	hv_source *src;
	int geo[G_N]; /* column of each, -1 when absent */
	int ncols;
	unsigned char *kind;   /* COL_* of each column */
	unsigned char *forced; /* 1: named a filter by the caller */
	int *filters;          /* filter columns, in name order */
	int nfilters;
	const char **fnames, **fvalues; /* their names, and the current row's values */
	int *indicators;                /* indicator columns, in file order */
	int nindicators;
	sqlite3_stmt *ins;
	const char *period, *area; /* the current row's */
	haven_stats_report r;
} importer;

static const char *field(const importer *im, int g)
{
	return im->geo[g] >= 0 ? hv_source_field(im->src, im->geo[g]) : "";
}

/* The dataset's name: given, or the file's name without its directory,
 * ".gz" and last extension. */
static haven_status dataset_name(haven_ctx *ctx, const char *path, const char *given, char out[HAVEN_STATS_NAME_MAX])
{
	char buf[256];
	if (!given) {
		const char *base = strrchr(path, '/');
		snprintf(buf, sizeof buf, "%s", base ? base + 1 : path);
		size_t len = strlen(buf);
		if (len > 3 && strcmp(buf + len - 3, ".gz") == 0)
			buf[len - 3] = '\0';
		char *dot = strrchr(buf, '.');
		if (dot && dot != buf)
			*dot = '\0';
		given = buf;
	}
	size_t len = strlen(given), ok = strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                                               "0123456789_-.");
	if (len == 0 || len >= HAVEN_STATS_NAME_MAX || ok != len || given[0] == '.' || given[0] == '-')
		return hv_error(
		    ctx, HAVEN_ERR_USAGE,
		    "'%s' cannot name a dataset: letters, digits, '_', '-' and '.' (not first), at most %d; "
		    "give a name with --dataset",
		    given, HAVEN_STATS_NAME_MAX - 1);
	memcpy(out, given, len + 1);
	return HAVEN_OK;
}

/* The time and geography columns; the required ones must be there. */
static haven_status find_geo(importer *im)
{
	for (int g = 0; g < G_N; g++) {
		const char *names[] = {GEO_NAMES[g], NULL};
		haven_status rc = hv_source_column(im->src, names, GEO_NAMES[g], &im->geo[g]);
		if (rc)
			return rc;
	}
	if (im->geo[G_TIME] < 0 || im->geo[G_LEVEL] < 0)
		return hv_error(im->ctx, HAVEN_ERR_MISSING,
		                "%s: row 1: no %s column: a DfE tidy file has time_period, geographic_level, the "
		                "areas' codes and names, then its filters and indicators",
		                im->path, im->geo[G_TIME] < 0 ? "time_period" : "geographic_level");
	return HAVEN_OK;
}

/* First pass: what each column holds.  A column of numbers (or of symbols
 * only) is an indicator; a column with nothing in any row carries nothing;
 * any other is a filter, as is every column the caller names. */
static haven_status classify(importer *im, const char *const *filter_cols)
{
	haven_ctx *ctx = im->ctx;
	int n = im->ncols = hv_source_ncols(im->src);
	im->kind = calloc((size_t)n, 1);
	im->forced = calloc((size_t)n, 1);
	int64_t *num = calloc((size_t)n, sizeof *num), *sym = calloc((size_t)n, sizeof *sym),
	        *other = calloc((size_t)n, sizeof *other);
	haven_status rc = im->kind && im->forced && num && sym && other ? HAVEN_OK : nomem(ctx);
	for (int g = 0; !rc && g < G_N; g++)
		if (im->geo[g] >= 0)
			im->kind[im->geo[g]] = COL_GEO;
	for (size_t i = 0; !rc && filter_cols && filter_cols[i]; i++) {
		int c = -1;
		for (int k = 0; k < n && c < 0; k++)
			if (hv_colname_eq(hv_source_colname(im->src, k), filter_cols[i]))
				c = k;
		if (c < 0)
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "%s has no column '%s' to read as a filter", im->path,
			              filter_cols[i]);
		else if (im->kind[c] == COL_GEO)
			rc = hv_error(ctx, HAVEN_ERR_USAGE,
			              "%s: column '%s' is a time or geography column, not a filter", im->path,
			              filter_cols[i]);
		else
			im->forced[c] = 1;
	}
	int has;
	int64_t rows = 0;
	while (!rc && !(rc = hv_source_next(im->src, &has)) && has && ++rows)
		for (int c = 0; c < n; c++) {
			const char *s = hv_source_field(im->src, c);
			double v;
			if (!*s)
				continue;
			if (is_symbol(s))
				sym[c]++;
			else if (hv_parse_decimal(s, &v))
				num[c]++;
			else
				other[c]++;
		}
	if (!rc && rows == 0)
		rc = hv_error(ctx, HAVEN_ERR_MISSING, "%s: no rows after the header", im->path);
	for (int c = 0; !rc && c < n; c++) {
		if (im->kind[c] == COL_GEO)
			continue;
		if (im->forced[c])
			im->kind[c] = COL_FILTER;
		else if (num[c] + sym[c] + other[c] == 0)
			im->kind[c] = COL_EMPTY;
		else if (num[c] > 0 || other[c] == 0)
			im->kind[c] = COL_INDICATOR;
		else
			im->kind[c] = COL_FILTER;
	}
	free(num);
	free(sym);
	free(other);
	return rc;
}

/* The filter columns in name order and the indicators in file order, once
 * the second pass's source is open. */
static haven_status arrange(importer *im)
{
	int n = im->ncols;
	im->filters = calloc((size_t)n + 1, sizeof *im->filters);
	im->indicators = calloc((size_t)n + 1, sizeof *im->indicators);
	im->fnames = calloc((size_t)n + 1, sizeof *im->fnames);
	im->fvalues = calloc((size_t)n + 1, sizeof *im->fvalues);
	if (!im->filters || !im->indicators || !im->fnames || !im->fvalues)
		return nomem(im->ctx);
	for (int c = 0; c < n; c++) {
		if (im->kind[c] == COL_FILTER)
			im->filters[im->nfilters++] = c;
		else if (im->kind[c] == COL_INDICATOR)
			im->indicators[im->nindicators++] = c;
	}
	/* By name (an insertion sort: a file has a handful of filters). */
	for (int i = 0; i < im->nfilters; i++) {
		int c = im->filters[i], j = i;
		const char *name = hv_source_colname(im->src, c);
		for (; j > 0 && strcmp(im->fnames[j - 1], name) > 0; j--) {
			im->filters[j] = im->filters[j - 1];
			im->fnames[j] = im->fnames[j - 1];
		}
		im->filters[j] = c;
		im->fnames[j] = name;
	}
	if (im->nindicators == 0)
		return hv_error(im->ctx, HAVEN_ERR_MISSING,
		                "%s: no indicator column (one holding numbers or GSS symbols) after the time, "
		                "geography and filter columns",
		                im->path);
	im->r.indicators = im->nindicators;
	im->r.filters = im->nfilters;
	return HAVEN_OK;
}

/* A time period as DfE writes one: a year (2025) or two run together
 * (202425: an academic or financial year). */
static int is_period(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return s[n] == '\0' && (n == 4 || n == 6);
}

/* The code of a Local authority row: new_la_code (a former code of the same
 * area read as its successor's), else DfE's LA number in old_la_code; both
 * given must agree.  *given: the code as written. */
static haven_status la_code(importer *im, const char **code, const char **given)
{
	const char *nc = field(im, G_NEW_LA), *oc = field(im, G_OLD_LA), *dname = NULL;
	if (!*nc && !*oc)
		return hv_source_error(im->src, HAVEN_ERR_MISSING,
		                       "a Local authority row needs new_la_code (its GSS code) or old_la_code (its "
		                       "DfE number)");
	const char *dcode = *oc ? hv_la_dfe_number(oc, &dname) : NULL;
	if (*nc && !hv_gss_code(nc))
		return hv_source_error(im->src, HAVEN_ERR_VALUE, "new_la_code '%.40s' is not an ONS GSS code", nc);
	if (*nc && dcode && strcmp(hv_la_same_area(dcode), hv_la_same_area(nc)) != 0)
		return hv_source_error(im->src, HAVEN_ERR_VALUE,
		                       "old_la_code %s is %s (%s) but new_la_code is %s: the two disagree", oc, dname,
		                       dcode, nc);
	if (!*nc && !dcode)
		return hv_source_error(im->src, HAVEN_ERR_VALUE,
		                       "old_la_code '%.40s' is not a DfE LA number haven knows; give new_la_code too",
		                       oc);
	*given = *nc ? nc : oc;
	*code = hv_la_same_area(*nc ? nc : dcode);
	return HAVEN_OK;
}

/* Column 0 of the first row of sql, with ?1.. bound to b[0..n) (NULL binds
 * NULL), as text in buf: "" when there is no row or it is NULL.  buf NULL:
 * the statement is run for what it does. */
static haven_status query_text(haven_ctx *ctx, const char *sql, const char *const *b, int n, char *buf, size_t size)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, sql, &st);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, b[i], -1, SQLITE_STATIC);
	if (buf)
		buf[0] = '\0';
	int s = sqlite3_step(st);
	if (buf && s == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading statistics");
	sqlite3_finalize(st);
	return rc;
}

/* Store one figure of the current row; a second figure for the same key
 * names the row that gave the first. */
static haven_status insert(importer *im, int col, const char *filters)
{
	const char *s = hv_source_field(im->src, col), *name = hv_source_colname(im->src, col);
	double v = 0;
	int symbol = is_symbol(s);
	if (!*s)
		return hv_source_error(im->src, HAVEN_ERR_MISSING,
		                       "%s is empty: a figure or a GSS symbol (x: not available) is needed", name);
	if (!symbol && !hv_parse_decimal(s, &v))
		return hv_source_error(im->src, HAVEN_ERR_VALUE,
		                       "%s '%.40s' is neither a number nor a GSS symbol (" SYMBOL_LIST
		                       "); if %s is a filter, name it with --filter-column",
		                       name, s, name);
	sqlite3_stmt *st = im->ins;
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, filters, -1, SQLITE_STATIC);
	if (symbol) {
		sqlite3_bind_null(st, 10);
		sqlite3_bind_text(st, 11, s, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_double(st, 10, v);
		sqlite3_bind_null(st, 11);
	}
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_DONE) {
		im->r.figures++;
		im->r.symbols += symbol;
		return HAVEN_OK;
	}
	if (step != SQLITE_CONSTRAINT_PRIMARYKEY)
		return hv_error_sql(im->ctx, "storing a figure");
	char first[64];
	const char *b[] = {im->r.dataset, name, filters, im->period, im->area};
	haven_status rc =
	    query_text(im->ctx,
	               "SELECT source_row || ' (as ' || code_given || ')' FROM stats_value WHERE dataset = ?1"
	               " AND indicator = ?2 AND filters = ?3 AND time_period = ?4 AND area_code = ?5",
	               b, 5, first, sizeof first);
	if (rc)
		return rc;
	return hv_source_error(im->src, HAVEN_ERR_DUPLICATE,
	                       "%s of %s for time period %s with filters %s is given again: row %s gave it first", name,
	                       im->area, im->period, filters, first);
}

/* Check the current row and store its figures. */
static haven_status read_row(importer *im)
{
	const char *level = field(im, G_LEVEL);
	size_t l = 0;
	while (l < N_LEVELS && strcasecmp(level, LEVELS[l].name) != 0)
		l++;
	if (l == N_LEVELS)
		return hv_source_error(im->src, HAVEN_ERR_VALUE,
		                       "geographic_level '%.40s' is not one haven keeps: National, Regional or Local "
		                       "authority",
		                       level);
	const char *period = field(im, G_TIME), *code = NULL, *given = NULL;
	if (!is_period(period))
		return hv_source_error(im->src, HAVEN_ERR_VALUE,
		                       "time_period '%.40s' is not a year (2025) or two run together (202425)", period);
	haven_status rc = HAVEN_OK;
	if (l == LEVEL_LA) {
		if ((rc = la_code(im, &code, &given)))
			return rc;
	} else {
		int g = LEVELS[l].code;
		given = code = field(im, g);
		if (!*code)
			return hv_source_error(im->src, HAVEN_ERR_MISSING, "a %s row needs its %s", LEVELS[l].name,
			                       GEO_NAMES[g]);
		if (!hv_gss_code(code))
			return hv_source_error(im->src, HAVEN_ERR_VALUE, "%s '%.40s' is not an ONS GSS code",
			                       GEO_NAMES[g], code);
	}
	for (int i = 0; i < im->nfilters; i++)
		im->fvalues[i] = hv_source_field(im->src, im->filters[i]);
	char *filters;
	if ((rc = filter_json(im->ctx, im->fnames, im->fvalues, (size_t)im->nfilters, &filters)))
		return rc;
	sqlite3_stmt *st = im->ins;
	sqlite3_bind_text(st, 4, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, LEVELS[l].name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, field(im, LEVELS[l].area_name), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, given, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, field(im, G_TIME_ID), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, hv_source_row(im->src));
	im->period = period;
	im->area = code;
	for (int i = 0; !rc && i < im->nindicators; i++)
		rc = insert(im, im->indicators[i], filters);
	cJSON_free(filters);
	return rc;
}

/* A JSON array of the names of columns cols[0..n). *out freed with cJSON_free. */
static haven_status name_array(importer *im, const int *cols, int n, char **out)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; a && i < n; i++)
		if (!cJSON_AddItemToArray(a, cJSON_CreateString(hv_source_colname(im->src, cols[i])))) {
			cJSON_Delete(a);
			a = NULL;
		}
	*out = a ? cJSON_PrintUnformatted(a) : NULL;
	cJSON_Delete(a);
	return *out ? HAVEN_OK : nomem(im->ctx);
}

static haven_status record_load(importer *im, const char *sha256)
{
	char at[21], *filters = NULL, *indicators = NULL;
	hv_format_time(hv_now(im->ctx), at);
	sqlite3_stmt *st = NULL;
	haven_status rc = name_array(im, im->filters, im->nfilters, &filters);
	if (!rc)
		rc = name_array(im, im->indicators, im->nindicators, &indicators);
	if (!rc)
		rc =
		    hv_prepare(im->ctx,
		               "INSERT INTO stats_load(dataset, source, sha256, loaded_at, rows_read, figures, symbols,"
		               " filters, indicators) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
		               &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, im->r.dataset, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, im->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, im->r.rows_read);
		sqlite3_bind_int64(st, 6, im->r.figures);
		sqlite3_bind_int64(st, 7, im->r.symbols);
		sqlite3_bind_text(st, 8, filters, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, indicators, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(im->ctx, "recording the load");
	}
	sqlite3_finalize(st);
	cJSON_free(filters);
	cJSON_free(indicators);
	return rc;
}

/* Second pass: replace the dataset's figures with the file's. */
static haven_status write_rows(importer *im, int force, const char *sha256)
{
	haven_ctx *ctx = im->ctx;
	char held_text[24];
	const char *b[] = {im->r.dataset};
	haven_status rc =
	    query_text(ctx, "SELECT count(*) FROM stats_value WHERE dataset = ?1", b, 1, held_text, sizeof held_text);
	if (!rc)
		rc = query_text(ctx, "DELETE FROM stats_value WHERE dataset = ?1", b, 1, NULL, 0);
	if (rc)
		return rc;
	int64_t held = strtoll(held_text, NULL, 10);
	if ((rc = hv_prepare(ctx,
	                     "INSERT INTO stats_value(dataset, indicator, filters, time_period, area_code,"
	                     " geographic_level, area_name, code_given, time_identifier, value, symbol, source_row)"
	                     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	                     &im->ins)))
		return rc;
	sqlite3_bind_text(im->ins, 1, im->r.dataset, -1, SQLITE_STATIC);
	int has;
	while (!(rc = hv_source_next(im->src, &has)) && has) {
		im->r.rows_read++;
		if ((rc = read_row(im)))
			return rc;
		if (im->r.rows_read % 100000 == 0) {
			int64_t done, total;
			hv_source_position(im->src, &done, &total);
			hv_progress(ctx, "statistics", done, total);
		}
	}
	if (!rc)
		rc = hv_check_replace(ctx, im->path, "figures", held, im->r.figures, force);
	if (!rc)
		rc = record_load(im, sha256);
	im->r.replaced = held;
	return rc;
}

static void importer_free(importer *im)
{
	sqlite3_finalize(im->ins);
	hv_source_close(im->src);
	free(im->kind);
	free(im->forced);
	free(im->filters);
	free(im->indicators);
	free(im->fnames);
	free(im->fvalues);
}

haven_status hv_stats_import(haven_ctx *ctx, const char *path, const haven_stats_opts *opts, haven_stats_report *report)
{
	double t0 = hv_monotonic();
	if (report)
		memset(report, 0, sizeof *report);
	if (!path || !*path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no statistics file given");
	static const haven_stats_opts no_opts = {NULL, NULL, 0};
	if (!opts)
		opts = &no_opts;
	importer im;
	memset(&im, 0, sizeof im);
	im.ctx = ctx;
	im.path = path;
	unsigned char *data = NULL;
	size_t len = 0;
	char sha256[65] = "";
	haven_status rc = dataset_name(ctx, path, opts->dataset, im.r.dataset);
	/* Read once: both passes parse, and the load records, the same bytes. */
	if (!rc && !(rc = hv_input_read(ctx, path, HV_FILE_MAX, "a statistics file", &data, &len)))
		hv_sha256_hex(data, len, sha256);
	if (!rc && !(rc = hv_source_open_mem(ctx, path, data, len, &im.src)) && !(rc = find_geo(&im)))
		rc = classify(&im, opts->filter_cols);
	hv_source_close(im.src);
	im.src = NULL;
	if (!rc && !(rc = hv_source_open_mem(ctx, path, data, len, &im.src)) && !(rc = find_geo(&im)) &&
	    !(rc = arrange(&im)))
		rc = write_rows(&im, opts->force, sha256);
	importer_free(&im);
	free(data);
	if (rc)
		return rc;
	im.r.seconds = hv_monotonic() - t0;
	if (report)
		*report = im.r;
	return HAVEN_OK;
}

/* ---- lookups ----------------------------------------------------------------- */

/* A key's fields, and its area when want_area. */
static haven_status check_key(haven_ctx *ctx, const haven_stats_key *key, int want_area)
{
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!key || !key->dataset || !*key->dataset || !key->indicator || !*key->indicator)
		return hv_error(ctx, HAVEN_ERR_USAGE, "a statistics lookup needs a dataset and an indicator");
	if (want_area && (!key->time_period || !*key->time_period || !key->area_code || !*key->area_code))
		return hv_error(ctx, HAVEN_ERR_USAGE, "a statistics lookup needs a time period and an area");
	if (want_area && !hv_gss_code(key->area_code))
		return hv_error(ctx, HAVEN_ERR_VALUE, "area '%s' is not an ONS GSS code", key->area_code);
	return HAVEN_OK;
}

/* A key checked, and its filters as stored (*filters freed with cJSON_free). */
static haven_status open_key(haven_ctx *ctx, const haven_stats_key *key, int want_area, char **filters)
{
	*filters = NULL;
	haven_status rc = check_key(ctx, key, want_area);
	return rc ? rc : key_filters(ctx, key->filters, filters);
}

/* Nothing for key: say which of its dataset, indicator, filters and (when
 * with_period) time period the store lacks, and what it has instead;
 * HAVEN_OK when it has them all (the area alone is missing). */
static haven_status missing(haven_ctx *ctx, const haven_stats_key *key, const char *filters, int with_period)
{
	const char *b[] = {key->dataset, key->indicator, filters, key->time_period};
	char have[1024];
	haven_status rc =
	    query_text(ctx, "SELECT 'y' FROM stats_value WHERE dataset = ?1 LIMIT 1", b, 1, have, sizeof have);
	if (!rc && !*have)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the store holds no statistics dataset '%s' ('haven stats list' shows those it holds)",
		                key->dataset);
	if (!rc &&
	    !(rc = query_text(ctx, "SELECT 'y' FROM stats_value WHERE dataset = ?1 AND indicator = ?2 LIMIT 1", b, 2,
	                      have, sizeof have)) &&
	    !*have &&
	    !(rc = query_text(ctx,
	                      "SELECT group_concat(indicator, ', ') FROM (SELECT DISTINCT indicator FROM"
	                      " stats_value WHERE dataset = ?1 ORDER BY indicator)",
	                      b, 1, have, sizeof have)))
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "dataset '%s' has no indicator '%s'; it has %s", key->dataset,
		                key->indicator, have);
	if (!rc &&
	    !(rc = query_text(ctx,
	                      "SELECT 'y' FROM stats_value WHERE dataset = ?1 AND indicator = ?2 AND filters = ?3"
	                      " LIMIT 1",
	                      b, 3, have, sizeof have)) &&
	    !*have &&
	    !(rc = query_text(ctx, "SELECT filters FROM stats_value WHERE dataset = ?1 AND indicator = ?2 LIMIT 1", b,
	                      2, have, sizeof have)))
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "dataset '%s' has no %s with the filters %s; each figure has a value for every filter "
		                "column, such as %s",
		                key->dataset, key->indicator, filters, have);
	if (!rc && with_period &&
	    !(rc = query_text(ctx,
	                      "SELECT 'y' FROM stats_value WHERE dataset = ?1 AND indicator = ?2 AND filters = ?3"
	                      " AND time_period = ?4 LIMIT 1",
	                      b, 4, have, sizeof have)) &&
	    !*have &&
	    !(rc =
	          query_text(ctx,
	                     "SELECT group_concat(time_period, ', ') FROM (SELECT DISTINCT time_period FROM stats_value"
	                     " WHERE dataset = ?1 AND indicator = ?2 AND filters = ?3 ORDER BY time_period)",
	                     b, 3, have, sizeof have)))
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "dataset '%s' has no %s for time period %s; it has %s",
		                key->dataset, key->indicator, key->time_period, have);
	return rc;
}

haven_status hv_stats_value(haven_ctx *ctx, const haven_stats_key *key, double *value,
                            char symbol[HAVEN_STATS_SYMBOL_MAX])
{
	*value = NAN;
	symbol[0] = '\0';
	char *filters;
	haven_status rc = open_key(ctx, key, 1, &filters);
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(
		    ctx,
		    "SELECT value, symbol FROM stats_value WHERE dataset = ?1 AND indicator = ?2 AND filters = ?3"
		    " AND time_period = ?4 AND area_code = ?5",
		    &st);
	if (!rc) {
		sqlite3_bind_text(st, 1, key->dataset, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key->indicator, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, filters, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, key->time_period, -1, SQLITE_STATIC);
		/* A former code of the same area is held as its successor's. */
		sqlite3_bind_text(st, 5, hv_la_same_area(key->area_code), -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL)
			snprintf(symbol, HAVEN_STATS_SYMBOL_MAX, "%s", (const char *)sqlite3_column_text(st, 1));
		else if (s == SQLITE_ROW)
			*value = sqlite3_column_double(st, 0);
		else if (s != SQLITE_DONE)
			rc = hv_error_sql(ctx, "reading statistics");
		/* No figure for an area in a period the dataset covers: the file
		 * does not give one, so it is not available. */
		else if (!(rc = missing(ctx, key, filters, 1)))
			snprintf(symbol, HAVEN_STATS_SYMBOL_MAX, "x");
	}
	sqlite3_finalize(st);
	cJSON_free(filters);
	return rc;
}

haven_status haven_stats_value(haven_ctx *ctx, const haven_stats_key *key, double *value,
                               char symbol[HAVEN_STATS_SYMBOL_MAX])
{
	hv_clear(ctx);
	return hv_stats_value(ctx, key, value, symbol);
}

haven_status hv_stats_latest(haven_ctx *ctx, const haven_stats_key *key, const char *not_after,
                             char period[HV_STATS_PERIOD_MAX])
{
	period[0] = '\0';
	char *filters;
	haven_status rc = open_key(ctx, key, 0, &filters);
	if (!rc) {
		const char *b[] = {key->dataset, key->indicator, filters, not_after};
		rc = query_text(ctx,
		                "SELECT max(time_period) FROM stats_value WHERE dataset = ?1 AND indicator = ?2"
		                " AND filters = ?3 AND (?4 IS NULL OR time_period <= ?4)",
		                b, 4, period, HV_STATS_PERIOD_MAX);
	}
	if (!rc && !*period && !(rc = missing(ctx, key, filters, 0)))
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "dataset '%s' has no %s for %s or before", key->dataset,
		              key->indicator, not_after ? not_after : "any period");
	cJSON_free(filters);
	return rc;
}

/* ---- listing --------------------------------------------------------------- */

haven_status haven_stats_list(haven_ctx *ctx, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	sqlite3_stmt *st = NULL;
	if (!rc)
		rc = hv_prepare(
		    ctx,
		    "SELECT v.dataset, v.indicator, l.filters AS filter_columns,"
		    " (SELECT group_concat(time_period, ' ') FROM (SELECT DISTINCT time_period FROM stats_value"
		    "   WHERE dataset = v.dataset AND indicator = v.indicator ORDER BY time_period))"
		    "   AS time_periods,"
		    " count(DISTINCT v.area_code) AS areas, count(*) AS figures, count(v.symbol) AS symbols,"
		    " l.source, l.loaded_at"
		    " FROM stats_value v"
		    " JOIN (SELECT dataset, max(id) AS id FROM stats_load GROUP BY dataset) m"
		    "   ON m.dataset = v.dataset"
		    " JOIN stats_load l ON l.id = m.id"
		    " GROUP BY v.dataset, v.indicator ORDER BY v.dataset, v.indicator",
		    &st);
	/* Open data: no disclosed figure in it. */
	if (!rc)
		rc = hv_table_from_stmt(ctx, "Reference statistics", HV_TABLE_PUBLIC, st, out);
	sqlite3_finalize(st);
	return rc;
}
