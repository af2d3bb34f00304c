/*
 * placement.c - children's placements: importing a placement file under
 * the keyed pseudonyms of children missing from care.  docs/placements.md
 * is the contract; the columns are in docs/formats.md ("Placement file").
 *
 * An import streams the file: each row is checked, its child identifier
 * replaced at once by HMAC-SHA-256 under the key (the raw identifier is
 * never bound to a statement, written to a reject file or put in a
 * message), its origin found, and it is written in the operation's one
 * transaction.  The key, the file's SHA-256 and the reject file are the
 * missing-from-care import's own pieces (data/missing.h), so one key serves
 * both datasets and a child has one pseudonym in both.
 *
 * What a row is checked against is read once into memory: the homes of
 * the register (in the owner's scope), the LA boundaries (each LA's
 * centre - its population-weighted centre, else its point on surface -
 * found once, when first needed), the children already held,
 * and each postcode district's centre as first asked for.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "core/keys.h"
#include "core/output.h"
#include "core/source.h"
#include "core/sql.h"
#include "core/strmap.h"
#include "data/homes.h"
#include "data/missing.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/placements.h"
#include "haven/store.h"
#include "ref/areas.h"
#include "ref/centres.h"

#define CHILD_MAX 200 /* bytes in a child identifier */
#define IMPORT_CACHE_KIB (64 * 1024)

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* ---- the importer --------------------------------------------------------- */

enum { C_CHILD, C_PLACING, C_URN, C_START, C_END, C_DISTRICT, C_N };

static const hv_column columns[C_N] = {
    [C_CHILD] = {"child_id", 1, {"child_id", "child_identifier", NULL}},
    [C_PLACING] = {"placing_la", 1, {"placing_la", NULL}},
    [C_URN] = {"urn", 1, {"urn", NULL}},
    [C_START] = {"start", 1, {"start", "start_date", NULL}},
    [C_END] = {"end", 1, {"end", "end_date", NULL}},
    [C_DISTRICT] = {"origin_district", 0, {"origin_district", NULL}},
};

typedef struct centre {
	double x, y;
	int known; /* 0: not tried; 1: found (an LA's: its point on surface); 2: an LA's weighted centre; -1: none */
} centre;

typedef struct importer {
	haven_ctx *ctx;
	const haven_placements_opts *o;
	haven_placements_report *rep;
	hv_source *src;
	int col[C_N];
	crypto_auth_hmacsha256_state keyed;
	int64_t today;
	char now[21];
	char **urns; /* the register's homes in the owner's scope, sorted */
	size_t nurns;
	hv_areas *las;
	centre *la_centre;   /* by area index */
	hv_strmap children;  /* pseudonym -> placement_child id */
	hv_strmap districts; /* district -> index in dcentre */
	centre *dcentre;
	size_t ndc, capdc;
	hv_strmap seen; /* "child urn start" of the file -> its first row */
	int64_t next_child, load_id;
	int fresh; /* the store holds no placement: none to look up */
	sqlite3_stmt *find, *insert, *update, *child_ins, *district;
	hv_output rej;
} importer;

/* A row as checked: text borrowed from the source's row. */
typedef struct prow {
	char child[65];
	const char *placing, *urn;
	int64_t start, end; /* end -1: current */
	char district[5];
	double x, y;
	const char *method;
} prow;

static const char *field(const importer *im, int c)
{
	return im->col[c] < 0 ? "" : hv_source_field(im->src, im->col[c]);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The register's homes in the owner's scope (temp.home_versions), sorted. */
static haven_status read_homes(importer *im)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(im->ctx, "SELECT DISTINCT urn FROM temp.home_versions", &st);
	size_t cap = 0;
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (im->nurns == cap) {
			cap = cap ? cap * 2 : 1024;
			char **more = realloc(im->urns, cap * sizeof *more);
			if (!more) {
				rc = nomem(im->ctx);
				break;
			}
			im->urns = more;
		}
		if (!(im->urns[im->nurns] = strdup((const char *)sqlite3_column_text(st, 0))))
			rc = nomem(im->ctx);
		else
			im->nurns++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(im->ctx, "reading the register's homes");
	sqlite3_finalize(st);
	if (!rc && im->nurns)
		qsort(im->urns, im->nurns, sizeof *im->urns, cmp_str);
	return rc;
}

static int known_home(const importer *im, const char *urn)
{
	return im->nurns && bsearch(&urn, im->urns, im->nurns, sizeof *im->urns, cmp_str) != NULL;
}

/* The children held (placement_child), and the next id. */
static haven_status read_children(importer *im)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(im->ctx, "SELECT id, pseudonym FROM placement_child", &st);
	int s = SQLITE_DONE;
	im->next_child = 1;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (hv_strmap_put(&im->children, (const char *)sqlite3_column_text(st, 1), id))
			rc = nomem(im->ctx);
		if (id >= im->next_child)
			im->next_child = id + 1;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(im->ctx, "reading the children held");
	sqlite3_finalize(st);
	return rc;
}

typedef hv_fault fault;

/* A date cell, YYYY-MM-DD, not after today. */
static haven_status day(importer *im, fault *f, const char *name, const char *v, int64_t *z)
{
	if (strlen(v) != 10 || !hv_parse_date(v, z))
		return hv_fault_set(f, HAVEN_ERR_VALUE, "%s '%.20s' is not a date (YYYY-MM-DD)", name, v);
	if (*z > im->today)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "%s %s is in the future", name, v);
	return HAVEN_OK;
}

/* A postcode district ("LS6", "SW1A"; the gazetteer has a few of
 * letters only, such as "NPT"), upper-cased into out: 1 when the shape is
 * right - a letter, then letters and digits, 2 to 4 in all.  Whether it is
 * a district the gazetteer knows is found next. */
static int district_shape(const char *v, char out[5])
{
	size_t n = strlen(v);
	if (n < 2 || n > 4)
		return 0;
	for (size_t k = 0; k < n; k++) {
		char c = (char)(v[k] >= 'a' && v[k] <= 'z' ? v[k] - 32 : v[k]);
		if (!((c >= 'A' && c <= 'Z') || (k && c >= '0' && c <= '9')))
			return 0;
		out[k] = c;
	}
	out[n] = '\0';
	return 1;
}

/* The centre of district d: the mean of its postcodes (each sector's mean
 * weighted by its postcodes), found once. */
static haven_status district_centre(importer *im, fault *f, const char *d, double *x, double *y)
{
	int64_t k;
	if (!hv_strmap_get(&im->districts, d, &k)) {
		if (im->ndc == im->capdc) {
			size_t cap = im->capdc ? im->capdc * 2 : 256;
			centre *more = realloc(im->dcentre, cap * sizeof *more);
			if (!more)
				return nomem(im->ctx);
			im->dcentre = more;
			im->capdc = cap;
		}
		centre *c = &im->dcentre[im->ndc];
		char lo[8], hi[8];
		snprintf(lo, sizeof lo, "%s ", d);
		snprintf(hi, sizeof hi, "%s!", d); /* '!' sorts just after ' ' */
		sqlite3_stmt *st = im->district;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
		int s = sqlite3_step(st);
		if (s != SQLITE_ROW)
			return hv_error_sql(im->ctx, "reading a district's postcodes");
		c->known = sqlite3_column_double(st, 2) > 0 ? 1 : -1;
		if (c->known > 0) {
			double w = sqlite3_column_double(st, 2);
			c->x = round(sqlite3_column_double(st, 0) / w * 100) / 100;
			c->y = round(sqlite3_column_double(st, 1) / w * 100) / 100;
		}
		k = (int64_t)im->ndc++;
		if (hv_strmap_put(&im->districts, d, k))
			return nomem(im->ctx);
	}
	const centre *c = &im->dcentre[k];
	if (c->known < 0)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "origin_district %s has no postcode in the gazetteer", d);
	*x = c->x;
	*y = c->y;
	return HAVEN_OK;
}

/* The placing LA's centre, found once: its population-weighted centre when
 * one is loaded (haven boundaries centres), else its point on surface
 * (ref/centres.c); *method says which. */
static haven_status la_centre(importer *im, fault *f, long a, double *x, double *y, const char **method)
{
	centre *c = &im->la_centre[a];
	if (!c->known) {
		int weighted = 0;
		haven_status rc = hv_la_centre(im->ctx, im->las, a, &c->x, &c->y, &weighted);
		if (rc)
			return hv_fault_set(f, rc, "placing_la %s: %s", hv_areas_code(im->las, a),
			                    haven_errmsg(im->ctx));
		c->x = round(c->x * 100) / 100;
		c->y = round(c->y * 100) / 100;
		c->known = weighted ? 2 : 1;
	}
	*x = c->x;
	*y = c->y;
	*method = c->known == 2 ? "la_weighted" : "la_surface";
	return HAVEN_OK;
}

/* Check the current row into r.  The child identifier is pseudonymised
 * first of all, and nothing below quotes it. */
static haven_status check_row(importer *im, prow *r, fault *f)
{
	memset(r, 0, sizeof *r);
	f->st = HAVEN_OK;
	f->why[0] = '\0';
	size_t clen = hv_missing_child(&im->keyed, field(im, C_CHILD), r->child);
	if (!clen)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "child_id is empty");
	if (clen > CHILD_MAX)
		return hv_fault_set(f, HAVEN_ERR_VALUE, "child_id is longer than %d bytes", CHILD_MAX);

	r->placing = field(im, C_PLACING);
	if (!*r->placing)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "placing_la is empty");
	long a = hv_areas_index(im->las, r->placing);
	if (a < 0)
		return hv_fault_set(
		    f, HAVEN_ERR_VALUE,
		    "placing_la '%.20s' is not the code of a local authority in the loaded LA boundaries "
		    "(2024 codes: E06, E08, E09, E10)",
		    r->placing);
	r->urn = field(im, C_URN);
	if (!*r->urn)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "urn is empty");
	if (!known_home(im, r->urn))
		return hv_fault_set(f, HAVEN_ERR_NOT_FOUND, "urn '%.20s' is not a home in the register", r->urn);
	haven_status rc;
	const char *start = field(im, C_START), *end = field(im, C_END);
	if (!*start)
		return hv_fault_set(f, HAVEN_ERR_MISSING, "start is empty");
	if ((rc = day(im, f, "start", start, &r->start)))
		return rc;
	r->end = -1;
	if (*end) {
		if ((rc = day(im, f, "end", end, &r->end)))
			return rc;
		if (r->end < r->start)
			return hv_fault_set(f, HAVEN_ERR_VALUE, "end %s is before start %s", end, start);
	}
	const char *d = field(im, C_DISTRICT);
	if (*d) {
		if (!district_shape(d, r->district))
			return hv_fault_set(f, HAVEN_ERR_VALUE,
			                    "origin_district '%.10s' is not a postcode district (like LS6)", d);
		if ((rc = district_centre(im, f, r->district, &r->x, &r->y)))
			return rc;
		r->method = "district";
	} else {
		if ((rc = la_centre(im, f, a, &r->x, &r->y, &r->method)))
			return rc;
	}
	return HAVEN_OK;
}

/* ---- writing -------------------------------------------------------------- */

static haven_status prepare_all(importer *im)
{
	haven_status rc;
	if ((rc = hv_prepare(im->ctx,
	                     "SELECT id, placing_la, end_day, origin_district, origin_method, origin_x, origin_y"
	                     " FROM placement"
	                     " WHERE child = ? AND urn = ? AND start_day = ?",
	                     &im->find)) ||
	    (rc = hv_prepare(im->ctx,
	                     "INSERT INTO placement(load_id, source_row, child, placing_la, urn, start_day, end_day,"
	                     " origin_district, origin_x, origin_y, origin_method) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	                     &im->insert)) ||
	    (rc = hv_prepare(im->ctx,
	                     "UPDATE placement SET load_id = ?, source_row = ?, placing_la = ?, end_day = ?,"
	                     " origin_district = ?, origin_x = ?, origin_y = ?, origin_method = ? WHERE id = ?",
	                     &im->update)) ||
	    (rc = hv_prepare(im->ctx, "INSERT INTO placement_child(id, pseudonym) VALUES(?, ?)", &im->child_ins)) ||
	    (rc = hv_prepare(im->ctx,
	                     "SELECT sum(e * postcodes), sum(n * postcodes), sum(postcodes) FROM postcode_sector"
	                     " WHERE sector > ?1 AND sector < ?2",
	                     &im->district)))
		return rc;
	return HAVEN_OK;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_end(sqlite3_stmt *st, int i, int64_t end)
{
	if (end >= 0)
		sqlite3_bind_int64(st, i, end);
	else
		sqlite3_bind_null(st, i);
}

/* The child's id, a new one held (and written) when first seen. */
static haven_status child_id(importer *im, const char *pseudonym, int64_t *id)
{
	if (hv_strmap_get(&im->children, pseudonym, id))
		return HAVEN_OK;
	*id = im->next_child++;
	if (hv_strmap_put(&im->children, pseudonym, *id))
		return nomem(im->ctx);
	sqlite3_stmt *st = im->child_ins;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_text(st, 2, pseudonym, 64, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return hv_error_sql(im->ctx, "writing a child");
	return HAVEN_OK;
}

static haven_status write_row(importer *im, const prow *r)
{
	haven_ctx *ctx = im->ctx;
	int64_t before = im->next_child, child;
	haven_status rc = child_id(im, r->child, &child);
	if (rc)
		return rc;
	int s = SQLITE_DONE;
	sqlite3_stmt *st = im->find;
	if (!im->fresh && child < before) { /* a child held before: the placement may be too */
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, child);
		sqlite3_bind_text(st, 2, r->urn, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, r->start);
		s = sqlite3_step(st);
	}
	if (s == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *placing = (const char *)sqlite3_column_text(st, 1);
		int64_t end = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2);
		const char *dist = (const char *)sqlite3_column_text(st, 3);
		/* the origin too: a placement imported before the LA centres were
		 * loaded (or the gazetteer replaced) gets its new origin */
		if (!strcmp(placing, r->placing) && end == r->end && !strcmp(dist ? dist : "", r->district) &&
		    !strcmp((const char *)sqlite3_column_text(st, 4), r->method) &&
		    sqlite3_column_double(st, 5) == r->x && sqlite3_column_double(st, 6) == r->y) {
			im->rep->unchanged++;
			return HAVEN_OK;
		}
		sqlite3_stmt *u = im->update;
		sqlite3_reset(u);
		sqlite3_bind_int64(u, 1, im->load_id);
		sqlite3_bind_int64(u, 2, hv_source_row(im->src));
		sqlite3_bind_text(u, 3, r->placing, -1, SQLITE_TRANSIENT);
		bind_end(u, 4, r->end);
		bind_opt_text(u, 5, r->district);
		sqlite3_bind_double(u, 6, r->x);
		sqlite3_bind_double(u, 7, r->y);
		sqlite3_bind_text(u, 8, r->method, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 9, id);
		if (sqlite3_step(u) != SQLITE_DONE)
			return hv_error_sql(ctx, "updating a placement");
		im->rep->updated++;
	} else if (s == SQLITE_DONE) {
		sqlite3_stmt *i = im->insert;
		sqlite3_reset(i);
		sqlite3_bind_int64(i, 1, im->load_id);
		sqlite3_bind_int64(i, 2, hv_source_row(im->src));
		sqlite3_bind_int64(i, 3, child);
		sqlite3_bind_text(i, 4, r->placing, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(i, 5, r->urn, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(i, 6, r->start);
		bind_end(i, 7, r->end);
		bind_opt_text(i, 8, r->district);
		sqlite3_bind_double(i, 9, r->x);
		sqlite3_bind_double(i, 10, r->y);
		sqlite3_bind_text(i, 11, r->method, -1, SQLITE_STATIC);
		if (sqlite3_step(i) != SQLITE_DONE)
			return hv_error_sql(ctx, "writing a placement");
		im->rep->added++;
	} else
		return hv_error_sql(ctx, "looking up a placement");
	if (!strcmp(r->method, "district"))
		im->rep->by_district++;
	else if (!strcmp(r->method, "la_weighted"))
		im->rep->by_la_weighted++;
	else
		im->rep->by_la_surface++;
	return HAVEN_OK;
}

static haven_status read_rows(importer *im)
{
	haven_status rc;
	prow r;
	fault f;
	for (;;) {
		int has;
		if ((rc = hv_source_next(im->src, &has)))
			return rc;
		if (!has)
			break;
		im->rep->rows++;
		rc = check_row(im, &r, &f);
		if (!rc && f.st == HAVEN_OK) {
			char key[64 + 40 + 24];
			int64_t first;
			snprintf(key, sizeof key, "%s %s %lld", r.child, r.urn, (long long)r.start);
			if (hv_strmap_get(&im->seen, key, &first))
				hv_fault_set(
				    &f, HAVEN_ERR_DUPLICATE,
				    "the same child, home and start are also at row %lld; a placement is once in a "
				    "file",
				    (long long)first);
			else if (hv_strmap_put(&im->seen, key, hv_source_row(im->src)))
				return nomem(im->ctx);
		}
		if (f.st) {
			if (!im->o->skip_invalid || f.st == HAVEN_ERR_SQL || f.st == HAVEN_ERR_NOMEM)
				return hv_source_error(im->src, f.st, "%s", f.why);
			hv_missing_reject(im->rej.f, im->src, im->col[C_CHILD], r.child, f.why);
			im->rep->rejected++;
			continue;
		}
		if ((rc = write_row(im, &r)))
			return rc;
		if (im->rep->rows % 65536 == 0)
			hv_progress(im->ctx, "importing placements", im->rep->rows, 0);
	}
	if (im->rep->rows == 0)
		return hv_error(im->ctx, HAVEN_ERR_MISSING, "%s: holds no placements", hv_source_path(im->src));
	return HAVEN_OK;
}

/* The load's row: written first (every placement written refers to it),
 * counted at the end, removed again for a no-op. */
static haven_status load_row(importer *im, const char *path, int begin)
{
	haven_ctx *ctx = im->ctx;
	const haven_placements_report *r = im->rep;
	sqlite3_stmt *st;
	haven_status rc =
	    begin     ? hv_prepare(ctx,
	                           "INSERT INTO placement_load(id, file, sha256, loaded_at, rows_read, added, updated,"
	                               " unchanged, rejected) VALUES(?1, ?2, ?3, ?4, 0, 0, 0, 0, 0)",
	                           &st)
	    : r->noop ? hv_prepare(ctx, "DELETE FROM placement_load WHERE id = ?1", &st)
	              : hv_prepare(ctx,
	                           "UPDATE placement_load SET rows_read = ?2, added = ?3, updated = ?4, unchanged = ?5,"
	                           " rejected = ?6 WHERE id = ?1",
	                           &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, im->load_id);
	if (begin) {
		sqlite3_bind_text(st, 2, hv_missing_base_name(path), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, im->now, -1, SQLITE_STATIC);
	} else if (!r->noop) {
		sqlite3_bind_int64(st, 2, r->rows);
		sqlite3_bind_int64(st, 3, r->added);
		sqlite3_bind_int64(st, 4, r->updated);
		sqlite3_bind_int64(st, 5, r->unchanged);
		sqlite3_bind_int64(st, 6, r->rejected);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording the load");
	sqlite3_finalize(st);
	return rc;
}

static void importer_free(importer *im)
{
	sqlite3_stmt *sts[] = {im->find, im->insert, im->update, im->child_ins, im->district};
	for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
		sqlite3_finalize(sts[i]);
	for (size_t i = 0; i < im->nurns; i++)
		free(im->urns[i]);
	free(im->urns);
	hv_areas_free(im->las);
	free(im->la_centre);
	free(im->dcentre);
	hv_strmap_free(&im->children);
	hv_strmap_free(&im->districts);
	hv_strmap_free(&im->seen);
	sodium_memzero(&im->keyed, sizeof im->keyed);
	hv_source_close(im->src);
}

static haven_status check_opts(haven_ctx *ctx, const char *path, const haven_placements_opts *o)
{
	if (!path || !o || !o->key)
		return hv_error(ctx, HAVEN_ERR_USAGE, "placements import needs a file and --key");
	if (!o->skip_invalid != !o->rejects)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--skip-invalid and --rejects FILE go together");
	return HAVEN_OK;
}

haven_status haven_placements_import(haven_ctx *ctx, const char *path, const haven_placements_opts *opts,
                                     haven_placements_report *report)
{
	hv_clear(ctx);
	haven_placements_report local;
	haven_placements_report *rep = report ? report : &local;
	memset(rep, 0, sizeof *rep);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ACTOR);
	if (rc || (rc = check_opts(ctx, path, opts)))
		return rc;
	importer im = {.ctx = ctx, .o = opts, .rep = rep};
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	char fp[65];
	if ((rc = hv_hmac_key_read(ctx, opts->key, key)))
		return rc;
	hv_missing_fingerprint(key, fp);
	hv_missing_keyed(key, &im.keyed);
	sodium_memzero(key, sizeof key);
	if ((opts->rejects && (rc = hv_output_vacant(ctx, opts->rejects, "a reject file is never overwritten"))) ||
	    (rc = hv_missing_file_sha(ctx, path, rep->sha256)) ||
	    (rc = hv_op_begin(ctx, &op, HV_OP_ACTOR | HV_OP_WRITE))) {
		sodium_memzero(&im.keyed, sizeof im.keyed);
		return rc;
	}
	int record_key = 0;
	hv_scope *scope = NULL;
	int64_t now = hv_now(ctx);
	hv_format_time(now, im.now);
	char today[11];
	hv_today(ctx, today);
	hv_parse_date(today, &im.today);
	int64_t cache = 0;
	int cache_set = 0;
	if (!hv_query_int(ctx, "PRAGMA cache_size", &cache)) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
		cache_set = !hv_exec(ctx, sql);
	}
	int64_t held = 0;
	if (!(rc = hv_missing_key_check(ctx, opts->key, fp, &record_key)) &&
	    !(rc = hv_query_int(ctx, "SELECT coalesce(max(id), 0) + 1 FROM placement_load", &im.load_id)) &&
	    !(rc = hv_query_int(ctx, "SELECT count(*) FROM placement", &held)) && !(rc = load_row(&im, path, 1)) &&
	    !(rc = hv_scope_owner(ctx, &scope)) && !(rc = hv_homes_view(ctx, NULL, scope)) && !(rc = read_homes(&im)) &&
	    !(rc = hv_areas_load(ctx, "la", &im.las)) &&
	    !(rc = (im.la_centre = calloc(hv_areas_count(im.las) + 1, sizeof *im.la_centre)) ? HAVEN_OK : nomem(ctx)) &&
	    !(rc = read_children(&im)) && !(rc = prepare_all(&im)) && !(rc = hv_source_open(ctx, path, &im.src)) &&
	    !(rc = hv_missing_columns(im.src, columns, C_N, im.col)) &&
	    !(opts->skip_invalid &&
	      (rc = hv_missing_rejects_open(ctx, opts->rejects, im.src, im.col[C_CHILD], &im.rej)))) {
		im.fresh = held == 0;
		rc = read_rows(&im);
	}
	hv_scope_free(scope);
	importer_free(&im);
	rep->noop = !rc && !rep->added && !rep->updated;
	if (!rc)
		rc = load_row(&im, path, 0);
	if (!rc && !rep->noop && record_key)
		rc = hv_missing_key_record(ctx, fp, im.now);
	if (!rc && !(rc = hv_query_int(ctx, "SELECT count(*) FROM placement", &rep->placements)))
		rc = hv_query_int(ctx, "SELECT count(*) FROM placement_child", &rep->children);
	if (cache_set) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
		sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
	}
	rc = hv_output_end(ctx, &im.rej, rc);
	char object[400] = "";
	if (!rc && !rep->noop)
		snprintf(object, sizeof object,
		         "placements from %s (sha256 %.16s): %lld rows, %lld added, %lld updated, %lld unchanged, "
		         "%lld rejected",
		         hv_missing_base_name(path), rep->sha256, (long long)rep->rows, (long long)rep->added,
		         (long long)rep->updated, (long long)rep->unchanged, (long long)rep->rejected);
	haven_status end =
	    hv_op_end(ctx, &op, rc, HV_AUDIT_COLLECTION, *object ? object : NULL, rep->added + rep->updated, NULL);
	if (end && !rc && opts->rejects)
		unlink(opts->rejects); /* the import did not happen: neither did its rejects */
	if (end) {
		char sha[65];
		memcpy(sha, rep->sha256, sizeof sha);
		memset(rep, 0, sizeof *rep);
		memcpy(rep->sha256, sha, sizeof sha);
	}
	return end;
}
