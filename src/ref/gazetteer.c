/*
 * gazetteer.c - load the postcode / UPRN gazetteer into the store, and look
 * points up in it.
 *
 * The national postcode files are large (2.6 M rows for Great Britain, 40 M
 * for OS Open UPRN), so a load streams: rows are read one at a time with
 * hv_source, normalised, and gathered into a fixed-size batch; a full batch
 * has its latitude/longitude transformed to British National Grid with one
 * PROJ call and is inserted 32 rows to a statement, prepared once (far less
 * SQLite work per row than one row a statement).  Nothing grows
 * with the file: the batch is fixed, SQLite's page cache is bounded, and
 * duplicates are caught by the tables' primary keys rather than by a set in
 * memory.  Sector centroids are built after the rows are in, by one scan of
 * the postcode table in key order (a sector's postcodes are contiguous
 * there, so no sort and no hash is needed).
 *
 * A load replaces the whole gazetteer of its kind in one transaction: any
 * error rolls back and leaves the store as it was.  See docs/gazetteer.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "haven/gazetteer.h"
#include "haven/postcode.h"
#include "core/crs.h"
#include "ref/gazetteer.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/text.h"

#define BATCH 4096            /* rows per PROJ call and per insert run */
#define PROGRESS_ROWS 100000  /* rows between progress reports */
#define GROUP 32              /* rows per multi-row INSERT */
#define CODE_MAX 16           /* longest LA / PFA code or termination date kept, with NUL */
#define LOAD_CACHE_KIB 4096   /* SQLite page cache during a load (KiB) */

typedef enum coord_kind { COORD_NONE = 0, COORD_BNG, COORD_LONLAT } coord_kind;

/* Column indexes in the source, -1 when absent. */
typedef struct cols {
	int pc, uprn;
	int x, y; /* easting/northing, or longitude/latitude */
	coord_kind coords;
	int la_upper, la_lower, pfa, doterm;
} cols;

/* One batch of rows waiting to be transformed and inserted. */
typedef struct batch {
	size_t n;
	int64_t row[BATCH];
	char pc[BATCH][9];
	int64_t uprn[BATCH];
	double x[BATCH], y[BATCH]; /* BNG after transform_batch */
	unsigned char has[BATCH];  /* 1: x, y hold a point */
	unsigned char term[BATCH]; /* 1: terminated postcode */
	char la[BATCH][CODE_MAX], pfa[BATCH][CODE_MAX], doterm[BATCH][CODE_MAX];
	/* scratch for PROJ: the points of the batch that have coordinates */
	double tx[BATCH], ty[BATCH];
	size_t ti[BATCH];
} batch;

typedef struct loader {
	haven_ctx *ctx;
	hv_source *src;
	cols c;
	int uprn;
	int force; /* opts->force: replace even with far fewer rows */
	PJ *pj;
	batch *b;
	sqlite3_stmt *ins1[3], *insn[3]; /* one-row and GROUP-row INSERTs by kind */
	sqlite3_stmt *has_live, *has_term;
	int64_t fixed; /* postcodes with an O/0 or I/1 slip corrected */
	haven_gazetteer_report r;
} loader;

static const char *const PC_NAMES[] = {"pcd", "pcds", "pcd2", "postcode", NULL};
static const char *const UPRN_NAMES[] = {"uprn", NULL};
static const char *const E_NAMES[] = {"oseast1m", "easting", "x", NULL};
static const char *const N_NAMES[] = {"osnrth1m", "northing", "y", NULL};
static const char *const UPRN_E_NAMES[] = {"x_coordinate", "oseast1m", "easting", "x", NULL};
static const char *const UPRN_N_NAMES[] = {"y_coordinate", "osnrth1m", "northing", "y", NULL};
static const char *const LAT_NAMES[] = {"lat", "latitude", NULL};
static const char *const LON_NAMES[] = {"long", "lon", "longitude", NULL};
static const char *const CTY_NAMES[] = {"oscty", "cty", NULL};
static const char *const LAUA_NAMES[] = {"oslaua", "laua", NULL};
static const char *const PFA_NAMES[] = {"pfa", NULL};
static const char *const DOTERM_NAMES[] = {"doterm", NULL};

/* ---- column detection -------------------------------------------------- */

/* "a, b, c" of the file's column names into buf, for error messages. */
static const char *column_list(const hv_source *src, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < hv_source_ncols(src) && len + 1 < n; i++) {
		int w = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", hv_source_colname(src, i));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
	return buf;
}

/* "a, b, c" of a candidate list. */
static const char *name_list(const char *const *names, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; names[i] && len + 1 < n; i++) {
		int w = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

/* A column the user named: it must exist. */
static haven_status named_column(loader *L, const char *name, const char *what, int *out)
{
	const char *one[] = {name, NULL};
	*out = hv_source_find(L->src, one);
	if (*out < 0) {
		char cols_buf[400];
		return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: no %s column named '%s' (the file has: %s)",
		                hv_source_path(L->src), what, name, column_list(L->src, cols_buf, sizeof cols_buf));
	}
	return HAVEN_OK;
}

/* ONS local authority district code columns are named LADyyCD. */
static int find_lad_code(const hv_source *src)
{
	for (int i = 0; i < hv_source_ncols(src); i++) {
		const char *s = hv_source_colname(src, i);
		char norm[64];
		size_t n = 0;
		for (; *s && n + 1 < sizeof norm; s++)
			if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
				norm[n++] = *s;
			else if (*s >= 'A' && *s <= 'Z')
				norm[n++] = (char)(*s - 'A' + 'a');
		norm[n] = '\0';
		if (n < 5 || strncmp(norm, "lad", 3) != 0 || strcmp(norm + n - 2, "cd") != 0)
			continue;
		int digits = 1;
		for (size_t k = 3; k < n - 2; k++)
			digits &= norm[k] >= '0' && norm[k] <= '9';
		if (digits)
			return i;
	}
	return -1;
}

/* Find a pair of coordinate columns by name lists.  Both or neither. */
static haven_status find_pair(loader *L, const char *const *xs, const char *const *ys, const char *xwhat,
                              const char *ywhat, int *x, int *y)
{
	*x = hv_source_find(L->src, xs);
	*y = hv_source_find(L->src, ys);
	if ((*x < 0) != (*y < 0)) {
		char want[200];
		return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: column %s found but no %s column (looked for %s)",
		                hv_source_path(L->src), hv_source_colname(L->src, *x >= 0 ? *x : *y),
		                *x >= 0 ? ywhat : xwhat, name_list(*x >= 0 ? ys : xs, want, sizeof want));
	}
	return HAVEN_OK;
}

static haven_status detect_columns(loader *L, const haven_gazetteer_opts *o)
{
	cols *c = &L->c;
	haven_status rc;
	char buf[400], want[200];
	c->pc = c->uprn = c->x = c->y = -1;
	c->la_upper = c->la_lower = c->pfa = c->doterm = -1;
	c->coords = COORD_NONE;
	const char *path = hv_source_path(L->src);

	c->uprn = hv_source_find(L->src, UPRN_NAMES);
	L->uprn = o->uprn || (c->uprn >= 0 && !o->postcode_field);
	if (L->uprn) {
		if (c->uprn < 0)
			return hv_error(L->ctx, HAVEN_ERR_MISSING, "%s: no UPRN column (the file has: %s)", path,
			                column_list(L->src, buf, sizeof buf));
	} else if (o->postcode_field) {
		if ((rc = named_column(L, o->postcode_field, "postcode", &c->pc)))
			return rc;
	} else if ((c->pc = hv_source_find(L->src, PC_NAMES)) < 0) {
		return hv_error(L->ctx, HAVEN_ERR_MISSING,
		                "%s: no postcode column (looked for %s; the file has: %s); name it with --postcode-field",
		                path, name_list(PC_NAMES, want, sizeof want), column_list(L->src, buf, sizeof buf));
	}

	/* Coordinates: the user's columns, else BNG, else WGS84. */
	if ((o->east_field != NULL) != (o->north_field != NULL) || (o->lat_field != NULL) != (o->lon_field != NULL))
		return hv_error(L->ctx, HAVEN_ERR_USAGE, "give the easting and northing columns together, "
		                                         "and the latitude and longitude columns together");
	if (o->east_field && o->lat_field)
		return hv_error(L->ctx, HAVEN_ERR_USAGE, "give either easting/northing or latitude/longitude columns");
	if (o->east_field) {
		if ((rc = named_column(L, o->east_field, "easting", &c->x)) ||
		    (rc = named_column(L, o->north_field, "northing", &c->y)))
			return rc;
		c->coords = COORD_BNG;
	} else if (o->lat_field) {
		if ((rc = named_column(L, o->lon_field, "longitude", &c->x)) ||
		    (rc = named_column(L, o->lat_field, "latitude", &c->y)))
			return rc;
		c->coords = COORD_LONLAT;
	} else {
		int x, y;
		if ((rc = find_pair(L, L->uprn ? UPRN_E_NAMES : E_NAMES, L->uprn ? UPRN_N_NAMES : N_NAMES, "easting",
		                    "northing", &x, &y)))
			return rc;
		if (x >= 0) {
			c->x = x, c->y = y, c->coords = COORD_BNG;
		} else {
			if ((rc = find_pair(L, LON_NAMES, LAT_NAMES, "longitude", "latitude", &x, &y)))
				return rc;
			if (x >= 0)
				c->x = x, c->y = y, c->coords = COORD_LONLAT;
		}
	}
	if (c->coords == COORD_NONE)
		return hv_error(L->ctx, HAVEN_ERR_MISSING,
		                "%s: no coordinate columns (looked for oseast1m/osnrth1m, easting/northing, x/y, "
		                "lat/long; the file has: %s)",
		                path, column_list(L->src, buf, sizeof buf));

	if (!L->uprn) {
		c->la_upper = hv_source_find(L->src, CTY_NAMES);
		c->la_lower = hv_source_find(L->src, LAUA_NAMES);
		if (c->la_lower < 0)
			c->la_lower = find_lad_code(L->src);
		c->pfa = hv_source_find(L->src, PFA_NAMES);
		c->doterm = hv_source_find(L->src, DOTERM_NAMES);
	}
	return HAVEN_OK;
}

/* ---- values ------------------------------------------------------------ */

static int is_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* ONS pseudo-codes ("E99999999": no such area) count as no code. */
static int is_pseudo_code(const char *s) { return strlen(s) == 9 && strcmp(s + 1, "99999999") == 0; }

/* Copy a code field into a batch slot; "" when absent or a pseudo-code. */
static haven_status copy_code(loader *L, int col, const char *what, char out[CODE_MAX])
{
	out[0] = '\0';
	if (col < 0)
		return HAVEN_OK;
	const char *s = hv_source_field(L->src, col);
	size_t n = strlen(s);
	if (n >= CODE_MAX)
		return hv_source_error(L->src, HAVEN_ERR_VALUE, "%s '%.40s' is too long to be a code", what, s);
	if (is_pseudo_code(s))
		return HAVEN_OK;
	memcpy(out, s, n + 1);
	return HAVEN_OK;
}

/* Read the current row's coordinates into batch slot i.  Rows the source
 * gives no grid reference for (empty fields, ONSPD's lat 99.999999 and
 * NSPL's empty lat with long 0.00000) are kept without a point. */
static haven_status read_coords(loader *L, size_t i)
{
	batch *b = L->b;
	const char *xs = hv_source_field(L->src, L->c.x);
	const char *ys = hv_source_field(L->src, L->c.y);
	const char *xname = hv_source_colname(L->src, L->c.x);
	const char *yname = hv_source_colname(L->src, L->c.y);
	double x = 0, y = 0;
	int xe = is_blank(xs), ye = is_blank(ys);
	b->has[i] = 0;
	if (L->c.coords == COORD_LONLAT) {
		/* y is latitude.  An empty latitude with an empty or zero
		 * longitude, or the 99.999999 placeholder, is "no grid reference". */
		if (ye && (xe || (hv_parse_decimal(xs, &x) && x == 0.0)))
			return HAVEN_OK;
		if (!ye && hv_parse_decimal(ys, &y) && y > 99.0 && y < 100.0)
			return HAVEN_OK;
	} else if (xe && ye) {
		return HAVEN_OK;
	}
	if (xe || ye)
		return hv_source_error(L->src, HAVEN_ERR_MISSING, "%s is '%s' but %s is empty", xe ? yname : xname,
		                       xe ? ys : xs, xe ? xname : yname);
	if (!hv_parse_decimal(xs, &x))
		return hv_source_error(L->src, HAVEN_ERR_VALUE, "%s '%.40s' is not a number", xname, xs);
	if (!hv_parse_decimal(ys, &y))
		return hv_source_error(L->src, HAVEN_ERR_VALUE, "%s '%.40s' is not a number", yname, ys);
	if (L->c.coords == COORD_LONLAT) {
		if (!hv_lonlat_in_gb(x, y))
			return hv_source_error(L->src, HAVEN_ERR_CRS,
			                       "coordinates in the wrong CRS: %s %s, %s %s is not a WGS84 "
			                       "latitude/longitude in Great Britain",
			                       yname, ys, xname, xs);
	} else if (fabs(x) <= 180.0 && fabs(y) <= 90.0) {
		/* Degrees in easting/northing columns would land in the sea off
		 * the grid's origin; no place in Great Britain is there. */
		return hv_source_error(L->src, HAVEN_ERR_CRS,
		                       "coordinates in the wrong CRS: %s %s, %s %s is not a British National "
		                       "Grid point in Great Britain (if these are longitude and latitude, name "
		                       "the columns with --lon-field and --lat-field)",
		                       xname, xs, yname, ys);
	} else if (!hv_bng_in_extent(x, y)) {
		return hv_source_error(L->src, HAVEN_ERR_CRS,
		                       "coordinates in the wrong CRS: %s %s, %s %s is not a British National "
		                       "Grid point in Great Britain",
		                       xname, xs, yname, ys);
	}
	b->x[i] = x;
	b->y[i] = y;
	b->has[i] = 1;
	return HAVEN_OK;
}

/* ---- batches ----------------------------------------------------------- */

/* Transform the batch's lon/lat points to BNG in one PROJ call. */
static haven_status transform_batch(loader *L)
{
	batch *b = L->b;
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->has[i]) {
			b->tx[k] = b->x[i];
			b->ty[k] = b->y[i];
			b->ti[k++] = i;
		}
	haven_status rc = hv_crs_points(L->ctx, L->pj, b->tx, b->ty, k);
	if (rc) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", haven_errmsg(L->ctx));
		return hv_error(L->ctx, rc, "%s: rows %lld to %lld: %s", hv_source_path(L->src), (long long)b->row[0],
		                (long long)b->row[b->n - 1], msg);
	}
	for (size_t j = 0; j < k; j++) {
		size_t i = b->ti[j];
		/* Whole metres: the source lat/long are good to about a metre and
		 * the Helmert transformation to two or three. */
		double e = round(b->tx[j]), n = round(b->ty[j]);
		if (!hv_bng_in_extent(e, n))
			return hv_source_error_row(L->src, b->row[i], HAVEN_ERR_CRS,
			                           "coordinates in the wrong CRS: latitude %.6f, longitude %.6f is "
			                           "outside Great Britain's National Grid",
			                           b->y[i], b->x[i]);
		b->x[i] = e;
		b->y[i] = n;
	}
	return HAVEN_OK;
}

/* Row kinds, each with its table and its number of columns. */
enum { K_LIVE, K_TERM, K_UPRN, K_KINDS };
static const int KIND_COLS[K_KINDS] = {5, 6, 3};
static const char *const KIND_INSERT[K_KINDS] = {
	"INSERT INTO postcode(pc, e, n, la_code, pfa_code) VALUES",
	"INSERT INTO postcode_terminated(pc, e, n, la_code, pfa_code, terminated) VALUES",
	"INSERT INTO uprn(uprn, e, n) VALUES",
};

static haven_status row_error(loader *L, size_t i, haven_status st, const char *what)
{
	return hv_source_error_row(L->src, L->b->row[i], st, "%s", what);
}

static haven_status duplicate_error(loader *L, size_t i, int cross)
{
	char msg[128];
	if (L->uprn)
		snprintf(msg, sizeof msg, "UPRN %lld appears twice", (long long)L->b->uprn[i]);
	else
		snprintf(msg, sizeof msg, "postcode %s appears twice%s", L->b->pc[i],
		         cross ? " (once live, once terminated)" : "");
	return row_error(L, i, HAVEN_ERR_DUPLICATE, msg);
}

/* Bind batch row i as row slot of a (multi-row) INSERT of kind. */
static void bind_row(loader *L, sqlite3_stmt *st, int kind, int slot, size_t i)
{
	batch *b = L->b;
	int p = slot * KIND_COLS[kind];
	if (kind == K_UPRN) {
		sqlite3_bind_int64(st, p + 1, b->uprn[i]);
		sqlite3_bind_double(st, p + 2, b->x[i]);
		sqlite3_bind_double(st, p + 3, b->y[i]);
		return;
	}
	sqlite3_bind_text(st, p + 1, b->pc[i], -1, SQLITE_STATIC);
	if (b->has[i]) {
		sqlite3_bind_double(st, p + 2, b->x[i]);
		sqlite3_bind_double(st, p + 3, b->y[i]);
	} else {
		sqlite3_bind_null(st, p + 2);
		sqlite3_bind_null(st, p + 3);
	}
	if (b->la[i][0])
		sqlite3_bind_text(st, p + 4, b->la[i], -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, p + 4);
	if (b->pfa[i][0])
		sqlite3_bind_text(st, p + 5, b->pfa[i], -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, p + 5);
	if (kind == K_TERM)
		sqlite3_bind_text(st, p + 6, b->doterm[i], -1, SQLITE_STATIC);
}

/* Run a bound INSERT; *dup is 1 when it broke the primary key (and so,
 * with ON CONFLICT ABORT, undid every row it had added). */
static haven_status step_insert(loader *L, sqlite3_stmt *st, int *dup)
{
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	*dup = (s & 0xff) == SQLITE_CONSTRAINT;
	if (s != SQLITE_DONE && !*dup)
		return hv_error_sql(L->ctx, L->uprn ? "inserting UPRNs" : "inserting postcodes");
	return HAVEN_OK;
}

/* Insert batch rows [i0, i0 + n), all of one kind: GROUP rows in one
 * statement, or row by row for a short run and to find a duplicate. */
static haven_status insert_run(loader *L, int kind, size_t i0, size_t n)
{
	haven_status rc;
	int dup;
	int64_t *count = kind == K_TERM ? &L->r.terminated : &L->r.live;
	if (n == 0)
		return HAVEN_OK;
	if (n == GROUP) {
		for (size_t k = 0; k < n; k++)
			bind_row(L, L->insn[kind], kind, (int)k, i0 + k);
		if ((rc = step_insert(L, L->insn[kind], &dup)))
			return rc;
		if (!dup) {
			*count += (int64_t)n;
			return HAVEN_OK;
		}
	}
	for (size_t k = 0; k < n; k++) {
		bind_row(L, L->ins1[kind], kind, 0, i0 + k);
		if ((rc = step_insert(L, L->ins1[kind], &dup)))
			return rc;
		if (dup)
			return duplicate_error(L, i0 + k, 0);
		(*count)++;
	}
	return HAVEN_OK;
}

/* 1 if a postcode is already in the table behind a prepared query. */
static haven_status exists(loader *L, sqlite3_stmt *st, const char *pc, int *found)
{
	sqlite3_bind_text(st, 1, pc, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return hv_error_sql(L->ctx, "looking up a postcode");
	*found = s == SQLITE_ROW;
	return HAVEN_OK;
}

/* Insert the batch in runs of one kind.  A postcode must not be both live
 * and terminated: each row is checked against the other table once that
 * table has rows (runs of the other kind are inserted before the check). */
static haven_status insert_batch(loader *L)
{
	batch *b = L->b;
	haven_status rc;
	size_t start = 0;
	int kind = -1;
	for (size_t i = 0; i < b->n; i++) {
		int k = L->uprn ? K_UPRN : b->term[i] ? K_TERM : K_LIVE;
		if (k != kind || i - start == GROUP) {
			if (kind >= 0 && (rc = insert_run(L, kind, start, i - start)))
				return rc;
			start = i;
			kind = k;
		}
		int64_t other = k == K_LIVE ? L->r.terminated : k == K_TERM ? L->r.live : 0;
		if (other > 0) {
			int found = 0;
			if ((rc = exists(L, k == K_LIVE ? L->has_term : L->has_live, b->pc[i], &found)))
				return rc;
			if (found) {
				/* an earlier error in the pending run comes first */
				if ((rc = insert_run(L, kind, start, i - start)))
					return rc;
				return duplicate_error(L, i, 1);
			}
		}
	}
	return kind >= 0 ? insert_run(L, kind, start, b->n - start) : HAVEN_OK;
}

static haven_status flush_batch(loader *L)
{
	haven_status rc;
	if (L->b->n == 0)
		return HAVEN_OK;
	if (L->c.coords == COORD_LONLAT && (rc = transform_batch(L)))
		return rc;
	rc = insert_batch(L);
	L->b->n = 0;
	return rc;
}

/* Read the current row into the batch. */
static haven_status read_row(loader *L)
{
	batch *b = L->b;
	size_t i = b->n;
	haven_status rc;
	if (L->uprn) {
		const char *s = hv_source_field(L->src, L->c.uprn);
		int64_t v = 0;
		int nd = 0;
		for (const char *p = s; *p; p++, nd++) {
			if (*p < '0' || *p > '9' || nd == 12) {
				nd = -1;
				break;
			}
			v = v * 10 + (*p - '0');
		}
		if (nd <= 0 || v == 0)
			return hv_source_error(L->src, *s ? HAVEN_ERR_VALUE : HAVEN_ERR_MISSING,
			                       "'%.40s' is not a UPRN (a whole number of up to 12 digits)", s);
		b->uprn[i] = v;
		if ((rc = read_coords(L, i)))
			return rc;
		if (!b->has[i])
			return hv_source_error(L->src, HAVEN_ERR_MISSING, "UPRN %lld has no coordinates", (long long)v);
	} else {
		const char *s = hv_source_field(L->src, L->c.pc);
		int fx;
		if (is_blank(s))
			return hv_source_error(L->src, HAVEN_ERR_MISSING, "the postcode is empty");
		if (haven_postcode_normalise(s, b->pc[i], &fx) != HAVEN_OK)
			return hv_source_error(L->src, HAVEN_ERR_VALUE, "'%.40s' is not a UK postcode", s);
		L->fixed += fx > 0;
		if ((rc = read_coords(L, i)) || (rc = copy_code(L, L->c.pfa, "police force area", b->pfa[i])))
			return rc;
		/* Upper tier: the county where there is one, else the district
		 * (a unitary authority, metropolitan district or London borough). */
		if ((rc = copy_code(L, L->c.la_upper, "county", b->la[i])))
			return rc;
		if (!b->la[i][0] && (rc = copy_code(L, L->c.la_lower, "local authority", b->la[i])))
			return rc;
		b->term[i] = 0;
		if (L->c.doterm >= 0) {
			const char *t = hv_source_field(L->src, L->c.doterm);
			if (!is_blank(t)) {
				if ((rc = copy_code(L, L->c.doterm, "termination date", b->doterm[i])))
					return rc;
				b->term[i] = 1;
			}
		}
		if (!b->has[i])
			L->r.no_coords++;
	}
	b->row[i] = hv_source_row(L->src);
	if (++b->n == BATCH)
		return flush_batch(L);
	return HAVEN_OK;
}

/* ---- sectors ----------------------------------------------------------- */

static haven_status put_sector(loader *L, sqlite3_stmt *ins, const char *sector, double se, double sn, int64_t k)
{
	sqlite3_bind_text(ins, 1, sector, -1, SQLITE_STATIC);
	sqlite3_bind_double(ins, 2, se / (double)k);
	sqlite3_bind_double(ins, 3, sn / (double)k);
	sqlite3_bind_int64(ins, 4, k);
	int s = sqlite3_step(ins);
	sqlite3_reset(ins);
	if (s != SQLITE_DONE)
		return hv_error_sql(L->ctx, "inserting a postcode sector");
	L->r.sectors++;
	return HAVEN_OK;
}

/* Mean point of the live postcodes with coordinates in each sector.  The
 * scan is in key order, where a sector's postcodes are contiguous. */
static haven_status build_sectors(loader *L)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	haven_status rc = hv_prepare(L->ctx, "SELECT pc, e, n FROM postcode WHERE e IS NOT NULL ORDER BY pc", &sel);
	if (!rc)
		rc = hv_prepare(L->ctx, "INSERT INTO postcode_sector(sector, e, n, postcodes) VALUES(?, ?, ?, ?)", &ins);
	char cur[7] = "", sec[7];
	double se = 0, sn = 0;
	int64_t k = 0;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(sel)) == SQLITE_ROW) {
		haven_postcode_sector((const char *)sqlite3_column_text(sel, 0), sec);
		if (strcmp(sec, cur) != 0) {
			if (k > 0 && (rc = put_sector(L, ins, cur, se, sn, k)))
				break;
			memcpy(cur, sec, sizeof cur);
			se = sn = 0;
			k = 0;
		}
		se += sqlite3_column_double(sel, 1);
		sn += sqlite3_column_double(sel, 2);
		k++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(L->ctx, "reading postcodes for sectors");
	if (!rc && k > 0)
		rc = put_sector(L, ins, cur, se, sn, k);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

/* ---- the load ---------------------------------------------------------- */

static haven_status record_load(loader *L, const char *path)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(L->ctx,
	                             "INSERT INTO gazetteer_load(kind, source, loaded_at, rows_read, live, terminated, "
	                             "no_coords) VALUES(?, ?, ?, ?, ?, ?, ?)",
	                             &st);
	if (rc)
		return rc;
	char at[21];
	hv_format_time(hv_now(L->ctx), at);
	sqlite3_bind_text(st, 1, L->uprn ? "uprn" : "postcode", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, L->r.rows_read);
	sqlite3_bind_int64(st, 5, L->r.live);
	sqlite3_bind_int64(st, 6, L->r.terminated);
	sqlite3_bind_int64(st, 7, L->r.no_coords);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(L->ctx, "recording the load");
	sqlite3_finalize(st);
	return rc;
}

/* "INSERT ... VALUES(?, ...), ..." for rows rows of kind. */
static haven_status prepare_insert(loader *L, int kind, int rows, sqlite3_stmt **out)
{
	char sql[4096];
	size_t len = (size_t)snprintf(sql, sizeof sql, "%s", KIND_INSERT[kind]);
	for (int r = 0; r < rows && len < sizeof sql; r++) {
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s(", r ? ", " : " ");
		for (int c = 0; c < KIND_COLS[kind] && len < sizeof sql; c++)
			len += (size_t)snprintf(sql + len, sizeof sql - len, c ? ", ?" : "?");
		if (len < sizeof sql)
			len += (size_t)snprintf(sql + len, sizeof sql - len, ")");
	}
	if (len >= sizeof sql)
		return hv_error(L->ctx, HAVEN_ERR_SQL, "insert statement too long");
	return hv_prepare(L->ctx, sql, out);
}

static haven_status prepare_all(loader *L)
{
	haven_status rc;
	for (int k = 0; k < K_KINDS; k++) {
		if ((k == K_UPRN) != (L->uprn != 0))
			continue;
		if ((rc = prepare_insert(L, k, 1, &L->ins1[k])) || (rc = prepare_insert(L, k, GROUP, &L->insn[k])))
			return rc;
	}
	if (!L->uprn && ((rc = hv_prepare(L->ctx, "SELECT 1 FROM postcode WHERE pc = ?", &L->has_live)) ||
	                 (rc = hv_prepare(L->ctx, "SELECT 1 FROM postcode_terminated WHERE pc = ?", &L->has_term))))
		return rc;
	return HAVEN_OK;
}

static void finalize_all(loader *L)
{
	for (int k = 0; k < K_KINDS; k++) {
		sqlite3_finalize(L->ins1[k]);
		sqlite3_finalize(L->insn[k]);
		L->ins1[k] = L->insn[k] = NULL;
	}
	sqlite3_finalize(L->has_live);
	sqlite3_finalize(L->has_term);
	L->has_live = L->has_term = NULL;
}

/* Everything inside the transaction. */
static haven_status load_rows(loader *L, const char *path)
{
	int64_t held = 0;
	haven_status rc = hv_query_int(L->ctx,
	                               L->uprn ? "SELECT count(*) FROM uprn"
	                                       : "SELECT (SELECT count(*) FROM postcode) + (SELECT count(*) FROM "
	                                         "postcode_terminated)",
	                               &held);
	if (!rc)
		rc = hv_exec(L->ctx, L->uprn ? "DELETE FROM uprn;"
		                             : "DELETE FROM postcode; DELETE FROM postcode_terminated; "
		                               "DELETE FROM postcode_sector;");
	if (rc || (rc = prepare_all(L)))
		return rc;
	const char *what = L->uprn ? "uprns" : "postcodes";
	int64_t done, total;
	int has;
	while (!(rc = hv_source_next(L->src, &has)) && has) {
		L->r.rows_read++;
		if ((rc = read_row(L)))
			return rc;
		if (L->r.rows_read % PROGRESS_ROWS == 0) {
			hv_source_position(L->src, &done, &total);
			hv_progress(L->ctx, what, done, total);
		}
	}
	if (rc || (rc = flush_batch(L)))
		return rc;
	if ((rc = hv_check_replace(L->ctx, path, what, held, L->r.live + L->r.terminated, L->force)))
		return rc;
	finalize_all(L);
	if (!L->uprn && (rc = build_sectors(L)))
		return rc;
	if ((rc = record_load(L, path)))
		return rc;
	hv_source_position(L->src, &done, &total);
	hv_progress(L->ctx, what, total > 0 ? total : done, total);
	return HAVEN_OK;
}

haven_status hv_gazetteer_load(haven_ctx *ctx, const char *path, const haven_gazetteer_opts *opts,
                               haven_gazetteer_report *report)
{
	double t0 = hv_monotonic();
	if (report)
		memset(report, 0, sizeof *report);
	haven_status rc = HAVEN_OK;
	if (!path)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no gazetteer file given");
	static const haven_gazetteer_opts no_opts = {0, NULL, NULL, NULL, NULL, NULL, 0};
	if (!opts)
		opts = &no_opts;

	loader L;
	memset(&L, 0, sizeof L);
	L.ctx = ctx;
	L.force = opts->force;
	if ((rc = hv_source_open(ctx, path, &L.src)))
		return rc;
	if (!rc)
		rc = detect_columns(&L, opts);
	if (!rc && L.c.coords == COORD_LONLAT)
		rc = hv_crs_to_bng(ctx, "EPSG:4326", &L.pj);
	if (!rc && !(L.b = malloc(sizeof *L.b)))
		rc = hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	int64_t cache = 0;
	int cache_set = 0;
	if (!rc && !(rc = hv_query_int(ctx, "PRAGMA cache_size", &cache))) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", LOAD_CACHE_KIB);
		cache_set = !(rc = hv_exec(ctx, sql));
	}
	if (!rc) {
		L.b->n = 0;
		L.r.uprn = L.uprn;
		rc = load_rows(&L, path);
		finalize_all(&L);
	}
	if (cache_set) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
		sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
	}
	if (!rc) {
		if (L.fixed > 0)
			hv_notice(ctx, "%s: corrected an O/0 or I/1 slip in %lld postcode%s", path, (long long)L.fixed,
			          L.fixed == 1 ? "" : "s");
	}
	proj_destroy(L.pj);
	free(L.b);
	hv_source_close(L.src);
	if (rc)
		return rc;
	L.r.seconds = hv_monotonic() - t0;
	if (report)
		*report = L.r;
	return HAVEN_OK;
}

/* ---- lookups (gazetteer_int.h) ----------------------------------------- */

struct hv_gazetteer {
	haven_ctx *ctx;
	sqlite3_stmt *live, *term, *sector, *uprn;
};

haven_status hv_gazetteer_open(haven_ctx *ctx, hv_gazetteer **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	hv_gazetteer *g = calloc(1, sizeof *g);
	if (!g)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	g->ctx = ctx;
	if ((rc = hv_prepare(ctx, "SELECT e, n FROM postcode WHERE pc = ?", &g->live)) ||
	    (rc = hv_prepare(ctx, "SELECT e, n FROM postcode_terminated WHERE pc = ?", &g->term)) ||
	    (rc = hv_prepare(ctx, "SELECT e, n FROM postcode_sector WHERE sector = ?", &g->sector)) ||
	    (rc = hv_prepare(ctx, "SELECT e, n FROM uprn WHERE uprn = ?", &g->uprn))) {
		hv_gazetteer_close(g);
		return rc;
	}
	*out = g;
	return HAVEN_OK;
}

void hv_gazetteer_close(hv_gazetteer *g)
{
	if (!g)
		return;
	sqlite3_finalize(g->live);
	sqlite3_finalize(g->term);
	sqlite3_finalize(g->sector);
	sqlite3_finalize(g->uprn);
	free(g);
}

/* Step a bound one-row lookup: *found, and e/n (NULL columns -> *has 0). */
static haven_status lookup(hv_gazetteer *g, sqlite3_stmt *st, int *found, int *has, double *e, double *n)
{
	int s = sqlite3_step(st);
	*found = 0;
	*has = 0;
	if (s == SQLITE_ROW) {
		*found = 1;
		if (sqlite3_column_type(st, 0) != SQLITE_NULL && sqlite3_column_type(st, 1) != SQLITE_NULL) {
			*has = 1;
			*e = sqlite3_column_double(st, 0);
			*n = sqlite3_column_double(st, 1);
		}
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return hv_error_sql(g->ctx, "gazetteer lookup");
	return HAVEN_OK;
}

haven_status hv_gazetteer_postcode(hv_gazetteer *g, const char *pc, hv_gz_match *m, double *e, double *n)
{
	int found, has;
	*m = HV_GZ_NONE;
	sqlite3_bind_text(g->live, 1, pc, -1, SQLITE_STATIC);
	haven_status rc = lookup(g, g->live, &found, &has, e, n);
	if (rc)
		return rc;
	if (found) {
		*m = has ? HV_GZ_LIVE : HV_GZ_NO_COORDS;
		return HAVEN_OK;
	}
	sqlite3_bind_text(g->term, 1, pc, -1, SQLITE_STATIC);
	if ((rc = lookup(g, g->term, &found, &has, e, n)))
		return rc;
	if (found)
		*m = has ? HV_GZ_TERMINATED : HV_GZ_NO_COORDS;
	return HAVEN_OK;
}

haven_status hv_gazetteer_sector(hv_gazetteer *g, const char *sector, int *found, double *e, double *n)
{
	int has;
	sqlite3_bind_text(g->sector, 1, sector, -1, SQLITE_STATIC);
	haven_status rc = lookup(g, g->sector, found, &has, e, n);
	*found = *found && has;
	return rc;
}

haven_status hv_gazetteer_uprn(hv_gazetteer *g, int64_t uprn, int *found, double *e, double *n)
{
	int has;
	sqlite3_bind_int64(g->uprn, 1, uprn);
	haven_status rc = lookup(g, g->uprn, found, &has, e, n);
	*found = *found && has;
	return rc;
}
