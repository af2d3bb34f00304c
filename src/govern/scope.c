/*
 * scope.c - the area an authority may see, as a set of local authority codes.
 *
 * The 2013 protocol gives each receiver the homes of its own area: a police
 * force those in its police force area, a local authority its own, the
 * national bodies everything.  Homes carry the register's local authority
 * (home_version.la_code), so a scope is held as the set of LA codes it
 * covers.  An authority's rows in authority_area name its areas: an 'la' row
 * is that LA; a 'pfa' row is every LA whose point on surface
 * (GEOSPointOnSurface, a point guaranteed inside the LA, unlike a centroid)
 * lies in the force area's polygon, found through the PFA STRtree
 * (areas.c).  English counties and unitary authorities nest in force areas,
 * so the point decides cleanly even though the two boundary sets were
 * generalised separately and their edges do not quite meet.
 */
#include <stdlib.h>
#include <string.h>

#include "ref/areas.h"
#include "govern/scope.h"
#include "core/sql.h"

struct hv_scope {
	int national;
	char **la; /* sorted (strcmp), distinct */
	size_t n;
	char describe[512];
};

/* One 'la' area of the store. */
typedef struct la_area {
	char *code, *name;
	double x, y; /* a point on its surface; only when PFAs are needed */
} la_area;

typedef struct la_list {
	la_area *v; /* sorted by code */
	size_t n;
} la_list;

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static void la_list_free(la_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].code);
		free(l->v[i].name);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static long la_list_find(const la_list *l, const char *code)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid].code, code);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* A point on the surface of one LA's geometry (WKB). */
static haven_status surface_point(haven_ctx *ctx, GEOSWKBReader *rd, sqlite3_stmt *st, la_area *a)
{
	const unsigned char *wkb = sqlite3_column_blob(st, 2);
	int len = sqlite3_column_bytes(st, 2);
	if (!wkb || len <= 0)
		return hv_error(ctx, HAVEN_ERR_GEOS, "la area %s has no geometry in the store", a->code);
	GEOSGeometry *g = GEOSWKBReader_read_r(ctx->geos, rd, wkb, (size_t)len);
	if (!g)
		return hv_error(ctx, HAVEN_ERR_GEOS, "la area %s: cannot read its geometry: %s", a->code,
		                ctx->geos_msg);
	GEOSGeometry *p = GEOSPointOnSurface_r(ctx->geos, g);
	int ok = p && GEOSGeomGetX_r(ctx->geos, p, &a->x) == 1 && GEOSGeomGetY_r(ctx->geos, p, &a->y) == 1;
	if (p)
		GEOSGeom_destroy_r(ctx->geos, p);
	GEOSGeom_destroy_r(ctx->geos, g);
	if (!ok)
		return hv_error(ctx, HAVEN_ERR_GEOS, "la area %s: no point on its surface: %s", a->code, ctx->geos_msg);
	return HAVEN_OK;
}

/* Every 'la' area of the store, with a point on its surface when points is set. */
static haven_status la_list_load(haven_ctx *ctx, const char *authority, int points, la_list *out)
{
	memset(out, 0, sizeof *out);
	int64_t count = 0;
	haven_status rc = hv_query_int(ctx, "SELECT count(*) FROM area WHERE kind = 'la'", &count);
	if (rc)
		return rc;
	if (count == 0)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the scope of authority %s is a set of local authorities, and the store has no la "
		                "boundaries: load them with 'haven boundaries load STORE --kind la FILE'",
		                authority);
	out->v = calloc((size_t)count, sizeof *out->v);
	if (!out->v)
		return nomem(ctx);
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx,
	                     points ? "SELECT code, name, ST_AsBinary(geom) FROM area WHERE kind = 'la' ORDER BY code"
	                            : "SELECT code, name FROM area WHERE kind = 'la' ORDER BY code",
	                     &st)))
		return rc;
	GEOSWKBReader *rd = points ? GEOSWKBReader_create_r(ctx->geos) : NULL;
	if (points && !rd)
		rc = nomem(ctx);
	int s = SQLITE_DONE;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == (size_t)count) {
			rc = hv_error(ctx, HAVEN_ERR_SQL, "area table changed while reading it");
			break;
		}
		la_area *a = &out->v[out->n++];
		a->code = strdup((const char *)sqlite3_column_text(st, 0));
		a->name = strdup((const char *)sqlite3_column_text(st, 1));
		if (!a->code || !a->name)
			rc = nomem(ctx);
		else if (points)
			rc = surface_point(ctx, rd, st, a);
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading la areas");
	sqlite3_finalize(st);
	if (rd)
		GEOSWKBReader_destroy_r(ctx->geos, rd);
	return rc;
}

void hv_scope_free(hv_scope *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->la[i]);
	free(s->la);
	free(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add code to s once; s->la has room for every LA of the store. */
static haven_status scope_add(haven_ctx *ctx, hv_scope *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->la[i], code) == 0)
			return HAVEN_OK;
	if (!(s->la[s->n] = strdup(code)))
		return nomem(ctx);
	s->n++;
	return HAVEN_OK;
}

/* Append "Name (CODE)" to the description's list of areas. */
static void describe_area(hv_scope *s, const char *name, const char *code)
{
	size_t l = strlen(s->describe);
	snprintf(s->describe + l, sizeof s->describe - l, "%s%s (%s)", l ? ", " : "", name, code);
}

typedef struct area_row {
	char kind[4];
	char *code;
} area_row;

/* The authority's rows in authority_area, into *rows (caller frees). */
static haven_status read_area_rows(haven_ctx *ctx, const char *authority, area_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT area_kind, area_code FROM authority_area WHERE authority_code = ?"
	                             " ORDER BY area_kind, area_code",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, authority, -1, SQLITE_STATIC);
	size_t cap = 0;
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			area_row *v = realloc(*rows, cap * sizeof *v);
			if (!v) {
				rc = nomem(ctx);
				break;
			}
			*rows = v;
		}
		area_row *r = &(*rows)[*n];
		snprintf(r->kind, sizeof r->kind, "%s", (const char *)sqlite3_column_text(st, 0));
		if (!(r->code = strdup((const char *)sqlite3_column_text(st, 1)))) {
			rc = nomem(ctx);
			break;
		}
		(*n)++;
	}
	if (!rc && s != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading an authority's areas");
	sqlite3_finalize(st);
	return rc;
}

/* Fill an 'areas' scope from the authority's rows. */
static haven_status build_areas(haven_ctx *ctx, const char *authority, const area_row *rows, size_t nrows, hv_scope *s)
{
	int need_pfa = 0;
	for (size_t i = 0; i < nrows; i++)
		need_pfa |= strcmp(rows[i].kind, "pfa") == 0;
	la_list las;
	hv_areas *pfa = NULL;
	haven_status rc = la_list_load(ctx, authority, need_pfa, &las);
	if (!rc && need_pfa && (rc = hv_areas_load(ctx, "pfa", &pfa))) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", ctx->errmsg);
		rc = hv_error(ctx, rc, "authority %s is scoped by police force area, and %s", authority, msg);
	}
	if (!rc && !(s->la = calloc(las.n ? las.n : 1, sizeof *s->la)))
		rc = nomem(ctx);
	for (size_t i = 0; !rc && i < nrows; i++) {
		const area_row *r = &rows[i];
		if (strcmp(r->kind, "la") == 0) {
			long k = la_list_find(&las, r->code);
			if (k < 0) {
				rc = hv_error(
				    ctx, HAVEN_ERR_NOT_FOUND,
				    "authority %s covers local authority %s, which is not among the store's la "
				    "boundaries (load current ones with 'haven boundaries load STORE --kind la FILE')",
				    authority, r->code);
				break;
			}
			describe_area(s, las.v[k].name, r->code);
			rc = scope_add(ctx, s, r->code);
			continue;
		}
		long p = hv_areas_index(pfa, r->code);
		if (p < 0) {
			rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
			              "authority %s covers police force area %s, which is not among the store's pfa "
			              "boundaries",
			              authority, r->code);
			break;
		}
		describe_area(s, hv_areas_name(pfa, p), r->code);
		for (size_t k = 0; !rc && k < las.n; k++)
			if (hv_areas_find(pfa, las.v[k].x, las.v[k].y) == p)
				rc = scope_add(ctx, s, las.v[k].code);
	}
	if (!rc) {
		qsort(s->la, s->n, sizeof *s->la, cmp_str);
		size_t l = strlen(s->describe);
		snprintf(s->describe + l, sizeof s->describe - l, ": %zu local authorit%s", s->n,
		         s->n == 1 ? "y" : "ies");
	}
	hv_areas_free(pfa);
	la_list_free(&las);
	return rc;
}

haven_status hv_scope_load(haven_ctx *ctx, const char *authority_code, hv_scope **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!authority_code || !*authority_code)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no authority code given");
	sqlite3_stmt *st;
	if ((rc = hv_prepare(ctx, "SELECT scope FROM authority WHERE code = ?", &st)))
		return rc;
	sqlite3_bind_text(st, 1, authority_code, -1, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	int national = found && strcmp((const char *)sqlite3_column_text(st, 0), "national") == 0;
	sqlite3_finalize(st);
	if (!found)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "authority %s is not registered in this store",
		                authority_code);

	hv_scope *s = calloc(1, sizeof *s);
	if (!s)
		return nomem(ctx);
	if (national) {
		s->national = 1;
		snprintf(s->describe, sizeof s->describe, "national");
		*out = s;
		return HAVEN_OK;
	}
	area_row *rows;
	size_t nrows;
	rc = read_area_rows(ctx, authority_code, &rows, &nrows);
	if (!rc && nrows == 0)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "authority %s sees the homes of named areas, and no area is recorded for it "
		              "(authority_area)",
		              authority_code);
	if (!rc)
		rc = build_areas(ctx, authority_code, rows, nrows, s);
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].code);
	free(rows);
	if (rc) {
		hv_scope_free(s);
		return rc;
	}
	*out = s;
	return HAVEN_OK;
}

haven_status hv_scope_owner(haven_ctx *ctx, hv_scope **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	char owner[256];
	if ((rc = hv_meta_get(ctx, "owner_code", owner, sizeof owner)))
		return rc;
	if (!*owner)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND, "the store records no owner (meta owner_code)");
	return hv_scope_load(ctx, owner, out);
}

int hv_scope_is_national(const hv_scope *s)
{
	return s->national;
}

int hv_scope_has_la(const hv_scope *s, const char *la_code)
{
	if (s->national)
		return 1;
	if (!la_code)
		return 0;
	return bsearch(&la_code, s->la, s->n, sizeof *s->la, cmp_str) != NULL;
}

size_t hv_scope_la_count(const hv_scope *s)
{
	return s->national ? 0 : s->n;
}

const char *hv_scope_la(const hv_scope *s, size_t i)
{
	return i < hv_scope_la_count(s) ? s->la[i] : NULL;
}

const char *hv_scope_describe(const hv_scope *s)
{
	return s->describe;
}
