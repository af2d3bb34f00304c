/*
 * scope.c - the area an authority may see, as a recorded set of local
 * authority codes.
 *
 * The 2013 protocol gives each receiver the homes of its own area: a police
 * force those in its police force area, a local authority its own, the
 * national bodies everything.  Homes carry the register's local authority
 * (home_version.la_code), so a scope is a set of LA codes.  It is
 * **recorded** (authority_scope) when the authority is registered, or, for
 * one scoped by police force area, at the first boundary load that makes it
 * known; from then on it changes only by an admin's audited 'authority
 * rescope'.  Loading other boundaries - an enlarged force polygon, say -
 * never widens anyone's scope: the load only says what the new boundaries
 * would give.  An area scope is computed from area_la (ref/areas.c): a PFA
 * holds each LA whose point on surface lies in it.
 *
 * What a user sees is the intersection of what the store holds for its
 * owner and what the user's own authority may see (hv_scope_actor).
 */
#include <stdlib.h>
#include <string.h>

#include "core/sql.h"
#include "govern/scope.h"

struct hv_scope {
	int national;
	char **la; /* sorted (strcmp), distinct */
	size_t n;
	char describe[512];
};

static haven_status nomem(haven_ctx *ctx) { return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory"); }

void hv_scope_free(hv_scope *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->la[i]);
	free(s->la);
	free(s);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Append code to s (growing it); duplicates are removed by finish(). */
static haven_status push(haven_ctx *ctx, hv_scope *s, const char *code)
{
	char **v = realloc(s->la, (s->n + 1) * sizeof *v);
	if (!v)
		return nomem(ctx);
	s->la = v;
	if (!(s->la[s->n] = strdup(code)))
		return nomem(ctx);
	s->n++;
	return HAVEN_OK;
}

/* Sort and drop duplicates. */
static void finish(hv_scope *s)
{
	if (!s->n)
		return;
	qsort(s->la, s->n, sizeof *s->la, cmp_str);
	size_t w = 1;
	for (size_t i = 1; i < s->n; i++) {
		if (strcmp(s->la[i], s->la[w - 1]) == 0)
			free(s->la[i]);
		else
			s->la[w++] = s->la[i];
	}
	s->n = w;
}

/* Push every text of column 0 of st's rows. */
static haven_status push_rows(haven_ctx *ctx, hv_scope *s, sqlite3_stmt *st)
{
	haven_status rc = HAVEN_OK;
	int r;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW)
		rc = push(ctx, s, (const char *)sqlite3_column_text(st, 0));
	if (!rc && r != SQLITE_DONE)
		rc = hv_error_sql(ctx, "reading a scope");
	return rc;
}

/* "West Yorkshire (E23000010), ...: 5 local authorities", the names from the
 * store's boundaries where it has them. */
static haven_status describe(haven_ctx *ctx, const char *authority, hv_scope *s)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             "SELECT coalesce((SELECT name FROM area a WHERE a.kind = x.area_kind"
	                             "  AND a.code = x.area_code), x.area_code), x.area_code"
	                             " FROM authority_area x WHERE x.authority_code = ? ORDER BY x.area_kind, x.area_code",
	                             &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, authority, -1, SQLITE_STATIC);
	s->describe[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t l = strlen(s->describe);
		snprintf(s->describe + l, sizeof s->describe - l, "%s%s (%s)", l ? ", " : "",
		         (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	size_t l = strlen(s->describe);
	snprintf(s->describe + l, sizeof s->describe - l, "%s%zu local authorit%s", l ? ": " : "", s->n,
	         s->n == 1 ? "y" : "ies");
	return HAVEN_OK;
}

/* The authority's kind of scope: *national, and *found. */
static haven_status scope_kind(haven_ctx *ctx, const char *code, int *national, int *recorded)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT scope, scope_recorded_at IS NOT NULL FROM authority WHERE code = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*national = strcmp((const char *)sqlite3_column_text(st, 0), "national") == 0;
		*recorded = sqlite3_column_int(st, 1);
	} else {
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND, "authority %s is not registered in this store", code);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether the store holds an area of kind (code NULL: any). */
static haven_status area_held(haven_ctx *ctx, const char *kind, const char *code, int *held)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT 1 FROM area WHERE kind = ?1 AND (?2 IS NULL OR code = ?2) LIMIT 1", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	hv_bind_text_or_null(st, 2, code);
	*held = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return HAVEN_OK;
}

/* What the store's boundaries say the authority's areas hold, into a new
 * scope.  When they cannot say yet (no pfa boundaries for a force area),
 * *pending is set and *out stays NULL: the scope is to be recorded by a
 * later boundary load.  HAVEN_ERR_VALUE for an area the loaded boundaries
 * do not have (a former LA's code, say). */
static haven_status compute(haven_ctx *ctx, const char *code, hv_scope **out, int *pending)
{
	*out = NULL;
	*pending = 0;
	hv_scope *s = calloc(1, sizeof *s);
	if (!s)
		return nomem(ctx);
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(
	    ctx, "SELECT area_kind, area_code FROM authority_area WHERE authority_code = ? ORDER BY area_kind, area_code",
	    &st);
	if (rc) {
		hv_scope_free(s);
		return rc;
	}
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_stmt *las = NULL;
	int areas = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *area = (const char *)sqlite3_column_text(st, 1);
		int la = strcmp(kind, "la") == 0, kind_held = 0, la_held = 0, held = 0;
		areas++;
		if ((rc = area_held(ctx, kind, NULL, &kind_held)) || (rc = area_held(ctx, "la", NULL, &la_held)) ||
		    (rc = area_held(ctx, kind, area, &held)))
			break;
		if (!la && (!kind_held || !la_held)) {
			*pending = 1; /* a force area's LAs need both boundary sets */
			break;
		}
		if (kind_held && !held) {
			rc = hv_error(ctx, HAVEN_ERR_VALUE,
			              "authority %s covers %s %s, which is not among the store's %s boundaries (load "
			              "current ones with 'haven boundaries load STORE --kind %s FILE')",
			              code, la ? "local authority" : "police force area", area, kind, kind);
			break;
		}
		if (la) {
			rc = push(ctx, s, area); /* an LA is its own scope, boundaries or not */
			continue;
		}
		if (!las && (rc = hv_prepare(ctx, "SELECT la_code FROM area_la WHERE kind = ? AND code = ?", &las)))
			break;
		sqlite3_bind_text(las, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(las, 2, area, -1, SQLITE_STATIC);
		rc = push_rows(ctx, s, las);
		sqlite3_reset(las);
	}
	sqlite3_finalize(las);
	sqlite3_finalize(st);
	if (!rc && *pending) {
		hv_scope_free(s);
		return HAVEN_OK;
	}
	if (!rc && !areas)
		rc = hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		              "authority %s sees the homes of named areas, and no area is recorded for it "
		              "(authority_area)",
		              code);
	if (rc) {
		hv_scope_free(s);
		return rc;
	}
	finish(s);
	*out = s;
	return HAVEN_OK;
}

haven_status hv_scope_load(haven_ctx *ctx, const char *code, hv_scope **out)
{
	*out = NULL;
	haven_status rc = hv_need_store(ctx);
	if (rc)
		return rc;
	if (!code || !*code)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no authority code given");
	int national = 0, recorded = 0;
	if ((rc = scope_kind(ctx, code, &national, &recorded)))
		return rc;
	if (!national && !recorded)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the scope of authority %s is not recorded yet: it is recorded from the la and pfa "
		                "boundaries when an admin loads them (haven boundaries load)",
		                code);
	hv_scope *s = calloc(1, sizeof *s);
	if (!s)
		return nomem(ctx);
	if (national) {
		s->national = 1;
		snprintf(s->describe, sizeof s->describe, "national");
		*out = s;
		return HAVEN_OK;
	}
	sqlite3_stmt *st;
	if (!(rc = hv_prepare(ctx, "SELECT la_code FROM authority_scope WHERE authority_code = ?", &st))) {
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		rc = push_rows(ctx, s, st);
		sqlite3_finalize(st);
	}
	if (!rc) {
		finish(s);
		rc = describe(ctx, code, s);
	}
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

/* ---- recording ------------------------------------------------------------ */

/* Replace the recorded scope of code with s (NULL: national) and date it. */
static haven_status store_scope(haven_ctx *ctx, const char *code, const hv_scope *s)
{
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "DELETE FROM authority_scope WHERE authority_code = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = hv_error_sql(ctx, "recording a scope");
	sqlite3_finalize(st);
	if (!rc && s && !(rc = hv_prepare(ctx, "INSERT INTO authority_scope(authority_code, la_code) VALUES(?, ?)", &st))) {
		for (size_t i = 0; !rc && i < s->n; i++) {
			sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, s->la[i], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				rc = hv_error_sql(ctx, "recording a scope");
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	if (!rc && !(rc = hv_prepare(ctx, "UPDATE authority SET scope_recorded_at = ? WHERE code = ?", &st))) {
		char now[21];
		hv_format_time(hv_now(ctx), now);
		sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = hv_error_sql(ctx, "recording a scope");
		sqlite3_finalize(st);
	}
	return rc;
}

haven_status hv_scope_record(haven_ctx *ctx, const char *code, int *recorded)
{
	*recorded = 0;
	int national = 0, done = 0;
	haven_status rc = scope_kind(ctx, code, &national, &done);
	if (rc)
		return rc;
	if (national)
		rc = store_scope(ctx, code, NULL);
	else {
		hv_scope *s = NULL;
		int pending;
		rc = compute(ctx, code, &s, &pending);
		if (!rc && pending)
			return HAVEN_OK; /* not known yet: recorded by a later boundary load */
		if (!rc)
			rc = store_scope(ctx, code, s);
		hv_scope_free(s);
	}
	*recorded = !rc;
	return rc;
}

/* Codes of authorities whose scope is by area (national ones need no
 * boundaries), recorded or not. */
static haven_status area_authorities(haven_ctx *ctx, int recorded, hv_scope **codes)
{
	*codes = calloc(1, sizeof **codes);
	if (!*codes)
		return nomem(ctx);
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx,
	                             recorded ? "SELECT code FROM authority WHERE scope = 'areas' AND scope_recorded_at"
	                                        " IS NOT NULL ORDER BY code"
	                                      : "SELECT code FROM authority WHERE scope_recorded_at IS NULL ORDER BY code",
	                             &st);
	if (!rc) {
		rc = push_rows(ctx, *codes, st);
		sqlite3_finalize(st);
	}
	return rc;
}

haven_status hv_scope_after_boundaries(haven_ctx *ctx)
{
	hv_scope *pending = NULL, *held = NULL;
	haven_status rc = area_authorities(ctx, 0, &pending);
	for (size_t i = 0; !rc && i < pending->n; i++) {
		int done;
		haven_status st = hv_scope_record(ctx, pending->la[i], &done);
		if (st == HAVEN_ERR_VALUE || st == HAVEN_ERR_NOT_FOUND) {
			/* One authority's areas not among the boundaries must not stop
			 * the load; it stays unrecorded, and says why. */
			hv_notice(ctx, "scope of authority %s not recorded: %s", pending->la[i], ctx->errmsg);
			hv_clear(ctx);
		} else if ((rc = st) == HAVEN_OK && done) {
			hv_scope *s;
			if (!(rc = hv_scope_load(ctx, pending->la[i], &s)) && !s->national)
				hv_notice(ctx, "scope of authority %s recorded: %s", pending->la[i], hv_scope_describe(s));
			hv_scope_free(s);
		}
	}
	if (!rc)
		rc = area_authorities(ctx, 1, &held);
	for (size_t i = 0; !rc && held && i < held->n; i++) {
		hv_scope *now = NULL, *was = NULL;
		int later;
		if (compute(ctx, held->la[i], &now, &later) == HAVEN_OK && now &&
		    !(rc = hv_scope_load(ctx, held->la[i], &was))) {
			size_t more = 0, fewer = 0;
			for (size_t k = 0; k < now->n; k++)
				more += !hv_scope_has_la(was, now->la[k]);
			for (size_t k = 0; k < was->n; k++)
				fewer += !hv_scope_has_la(now, was->la[k]);
			if (more || fewer)
				hv_notice(ctx,
				          "the boundaries now loaded would give authority %s %zu local authorities (%zu more, "
				          "%zu fewer than recorded); its recorded scope (%s) is unchanged: an admin may "
				          "adopt the new one with 'haven authority rescope'",
				          held->la[i], now->n, more, fewer, hv_scope_describe(was));
		}
		hv_clear(ctx);
		hv_scope_free(now);
		hv_scope_free(was);
	}
	hv_scope_free(pending);
	hv_scope_free(held);
	return rc;
}

haven_status hv_scope_rescope(haven_ctx *ctx, const char *code, size_t *added, size_t *removed)
{
	*added = *removed = 0;
	int national = 0, done = 0;
	haven_status rc = scope_kind(ctx, code, &national, &done);
	if (rc || national)
		return rc;
	hv_scope *now = NULL, *was = NULL;
	int pending;
	if ((rc = compute(ctx, code, &now, &pending)))
		return rc;
	if (pending)
		return hv_error(ctx, HAVEN_ERR_NOT_FOUND,
		                "the scope of authority %s cannot be recorded: load the la and pfa boundaries first", code);
	if (done && (rc = hv_scope_load(ctx, code, &was))) {
		hv_scope_free(now);
		return rc;
	}
	for (size_t k = 0; k < now->n; k++)
		*added += !was || !hv_scope_has_la(was, now->la[k]);
	for (size_t k = 0; was && k < was->n; k++)
		*removed += !hv_scope_has_la(now, was->la[k]);
	rc = store_scope(ctx, code, now);
	hv_scope_free(now);
	hv_scope_free(was);
	return rc;
}

/* ---- the acting user's view ------------------------------------------------- */

haven_status hv_scope_actor(haven_ctx *ctx, hv_scope **out)
{
	*out = NULL;
	if (!ctx->actor.set)
		return hv_error(ctx, HAVEN_ERR_DENIED, "nobody is acting on this store");
	hv_scope *owner = NULL, *mine = NULL;
	haven_status rc = hv_scope_owner(ctx, &owner);
	if (rc)
		return rc;
	char owner_code[64] = "";
	hv_meta_get(ctx, "owner_code", owner_code, sizeof owner_code);
	if (strcmp(owner_code, ctx->actor.authority) == 0) {
		*out = owner;
		return HAVEN_OK;
	}
	if ((rc = hv_scope_load(ctx, ctx->actor.authority, &mine))) {
		hv_scope_free(owner);
		return rc;
	}
	hv_scope *s = calloc(1, sizeof *s);
	if (!s)
		rc = nomem(ctx);
	else if (owner->national && mine->national)
		s->national = 1;
	else {
		const hv_scope *narrow = owner->national ? mine : owner, *other = owner->national ? owner : mine;
		for (size_t i = 0; !rc && i < narrow->n; i++)
			if (hv_scope_has_la(other, narrow->la[i]))
				rc = push(ctx, s, narrow->la[i]);
		finish(s);
	}
	if (!rc && !s->national && s->n == 0)
		rc = hv_error(ctx, HAVEN_ERR_DENIED,
		              "%s's authority %s may see nothing this store holds: its scope (%s) and the store "
		              "owner's (%s) do not meet",
		              ctx->actor.user, ctx->actor.authority, hv_scope_describe(mine), hv_scope_describe(owner));
	if (!rc && s->national)
		snprintf(s->describe, sizeof s->describe, "%s", hv_scope_describe(owner));
	else if (!rc)
		snprintf(s->describe, sizeof s->describe, "%.200s, within %.300s", hv_scope_describe(mine),
		         hv_scope_describe(owner));
	hv_scope_free(owner);
	hv_scope_free(mine);
	if (rc) {
		hv_scope_free(s);
		return rc;
	}
	*out = s;
	return HAVEN_OK;
}

haven_status hv_scope_none(haven_ctx *ctx, const char *describe, hv_scope **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return nomem(ctx);
	snprintf((*out)->describe, sizeof (*out)->describe, "%s", describe);
	return HAVEN_OK;
}

int hv_scope_aggregates_only(const haven_ctx *ctx)
{
	static const char *const kinds[] = {"dfe", "occ", "probation"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(ctx->actor.authority_kind, kinds[i]) == 0)
			return 1;
	return 0;
}

/* ---- questions -------------------------------------------------------------- */

int hv_scope_is_national(const hv_scope *s) { return s->national; }

int hv_scope_has_la(const hv_scope *s, const char *la_code)
{
	if (s->national)
		return 1;
	if (!la_code)
		return 0;
	return bsearch(&la_code, s->la, s->n, sizeof *s->la, cmp_str) != NULL;
}

haven_status hv_scope_has_area(haven_ctx *ctx, const hv_scope *s, const char *kind, const char *code, int *in)
{
	*in = s->national;
	if (*in || !code)
		return HAVEN_OK;
	if (strcmp(kind, "la") == 0) {
		*in = hv_scope_has_la(s, code);
		return HAVEN_OK;
	}
	if (strcmp(kind, "england") == 0) {
		*in = s->n > 0; /* England holds every English LA */
		return HAVEN_OK;
	}
	sqlite3_stmt *st;
	haven_status rc = hv_prepare(ctx, "SELECT la_code FROM area_la WHERE kind = ? AND code = ?", &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	int r;
	while (!*in && (r = sqlite3_step(st)) == SQLITE_ROW)
		*in = hv_scope_has_la(s, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return HAVEN_OK;
}

size_t hv_scope_la_count(const hv_scope *s) { return s->national ? 0 : s->n; }

const char *hv_scope_la(const hv_scope *s, size_t i) { return i < hv_scope_la_count(s) ? s->la[i] : NULL; }

const char *hv_scope_describe(const hv_scope *s) { return s->describe; }
