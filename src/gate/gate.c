/*
 * gate.c - haven_release: the one thing that unseals a result table.
 *
 * A table of disclosed data leaves only for an audience, in this order:
 *   1. someone is acting, with a valid purpose (haven_act);
 *   2. every column has a role, else nothing is released (fail closed);
 *   3. an audience that may have aggregates only (DfE, the Children's
 *      Commissioner, probation, the public) is refused a table with a home,
 *      free-text, point or hull column; outside a police force, a hull (a
 *      cluster's outline) drawn around fewer than HV_GATE_HULL_CHILDREN
 *      distinct children is never released: its row is dropped (after 4);
 *   4. every row is kept only if every area code, home and geometry in it
 *      lies in the audience's scope - the acting user's (the store owner's
 *      scope intersected with the user's authority's), or a recipient's;
 *   5. counts are put through disclosure control (control.c);
 *   6. the consultation (or disclosure) is appended to the audit log and
 *      committed before any cell can be read;
 *   7. the rows and columns withheld (in control only) are dropped, and
 *      the table is marked OFFICIAL-SENSITIVE and unsealed.
 * A table made as holding no disclosed data is unsealed as it is.  See
 * docs/disclosure.md ("The gate") for the contract and its tests.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sql.h"
#include "core/table_seal.h"
#include "data/homes.h"
#include "gate/fold.h"
#include "gate/gate.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "haven/gate.h"
#include "haven/store.h"
#include "ref/areas.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* Whether the geometry (WKB) meets an LA in scope. */
static haven_status geom_in_scope(haven_ctx *ctx, const hv_scope *s, hv_areas **las, const unsigned char *wkb, size_t n,
                                  int *in)
{
	*in = 0;
	haven_status rc = HAVEN_OK;
	if (!*las && (rc = hv_areas_load(ctx, "la", las)))
		return rc;
	GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
	GEOSGeometry *g = rd ? GEOSWKBReader_read_r(ctx->geos, rd, wkb, n) : NULL;
	if (!g)
		rc = hv_error(ctx, HAVEN_ERR_GEOS, "a geometry in the table cannot be read: %s", ctx->geos_msg);
	for (size_t i = 0; !rc && !*in && i < hv_scope_la_count(s); i++) {
		long k = hv_areas_index(*las, hv_scope_la(s, i));
		*in = k >= 0 && hv_areas_intersects(*las, k, g);
	}
	if (g)
		GEOSGeom_destroy_r(ctx->geos, g);
	if (rd)
		GEOSWKBReader_destroy_r(ctx->geos, rd);
	return rc;
}

/* An ONS GSS code: a letter and eight digits (E08000035).  An area cell that
 * is not one - the summaries' "unlocated" and "total" rows - names no area;
 * its counts come from homes already read in scope (data/homes.c). */
static int gss_code(const char *s)
{
	if (!s || !strchr("EWSNKL", s[0]))
		return 0;
	for (int i = 1; i <= 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[9] == '\0';
}

/* A placing LA names who placed the children a row counts, not where they
 * are: its row is in scope when the LA is, or when the table was counted
 * under exactly the audience's scope (its "scope" metadata), from the
 * episodes that scope may see - those at homes in it, and for an LA those
 * of the children it places (analysis/missing_trends.c, docs/missing.md). */
static int placing_in_scope(const haven_table *t, const hv_scope *s, const char *code)
{
	const char *counted = haven_table_meta(t, "scope");
	return hv_scope_has_la(s, code) || (counted && strcmp(counted, hv_scope_describe(s)) == 0);
}

/* keep[r] = every area, home and geometry of row r is in scope s. */
static haven_status filter_rows(haven_ctx *ctx, const haven_table *t, const hv_scope *s, unsigned char *keep,
                                size_t *kept)
{
	size_t rows = hv_table_rows(t);
	int ncols = haven_table_ncols(t);
	hv_areas *las = NULL;
	haven_status rc = HAVEN_OK;
	*kept = 0;
	for (size_t r = 0; !rc && r < rows; r++) {
		int in = 1;
		for (int c = 0; !rc && in && c < ncols; c++) {
			const char *sub;
			haven_role role = haven_table_role(t, c, &sub);
			if (hv_table_cell_type(t, r, c) == HAVEN_CELL_NULL || hv_scope_is_national(s))
				continue;
			if (role == HAVEN_ROLE_AREA && strcmp(sub, "placing") == 0 &&
			    gss_code(hv_table_cell_text(t, r, c)))
				in = placing_in_scope(t, s, hv_table_cell_text(t, r, c));
			else if (role == HAVEN_ROLE_AREA && gss_code(hv_table_cell_text(t, r, c))) {
				const char *code = hv_table_cell_text(t, r, c);
				const char *kind = strcmp(sub, "any") == 0 ? hv_gss_kind(code) : sub;
				if (kind)
					rc = hv_scope_has_area(ctx, s, kind, code, &in);
				else
					in = 0; /* a GSS code of a kind haven does not hold: not in anyone's scope */
			} else if (role == HAVEN_ROLE_HOME) {
				char la[16];
				if (!(rc = hv_homes_la(ctx, hv_table_cell_text(t, r, c), la, sizeof la)))
					in = hv_scope_has_la(s, la);
			} else if (role == HAVEN_ROLE_GEOMETRY) {
				size_t n;
				const unsigned char *wkb = hv_table_cell_geom(t, r, c, &n);
				rc = geom_in_scope(ctx, s, &las, wkb, n, &in);
			}
		}
		keep[r] = (unsigned char)(in && !rc);
		*kept += keep[r];
	}
	hv_areas_free(las);
	return rc;
}

/* Whether any column of t names an area, a home or a place: only then are
 * its rows filtered by scope. */
static int scoped(const haven_table *t)
{
	for (int c = 0; c < haven_table_ncols(t); c++) {
		haven_role role = haven_table_role(t, c, NULL);
		if (role == HAVEN_ROLE_AREA || role == HAVEN_ROLE_HOME || role == HAVEN_ROLE_GEOMETRY)
			return 1;
	}
	return 0;
}

const char *hv_gate_record_column(const haven_table *t)
{
	for (int c = 0; c < haven_table_ncols(t); c++) {
		const char *sub;
		haven_role role = haven_table_role(t, c, &sub);
		if (role == HAVEN_ROLE_HOME || role == HAVEN_ROLE_TEXT ||
		    (role == HAVEN_ROLE_GEOMETRY && strcmp(sub, "point") == 0))
			return haven_table_colname(t, c);
	}
	return NULL;
}

/* Hulls (geometry:hull): refused to an aggregates-only audience; a row
 * whose hull is drawn around fewer than HV_GATE_HULL_CHILDREN children (the
 * table's count:distinct column) is dropped unless the audience is a police
 * force; a table with a hull and no such column is refused (fail closed). */
static haven_status hull_rows(haven_ctx *ctx, const haven_table *t, int aggregates_only, int police, const char *who,
                              unsigned char *keep, size_t *kept)
{
	int hull = -1, children = -1;
	for (int c = 0; c < haven_table_ncols(t); c++) {
		const char *sub;
		haven_role role = haven_table_role(t, c, &sub);
		if (role == HAVEN_ROLE_GEOMETRY && strcmp(sub, "hull") == 0)
			hull = c;
		else if (role == HAVEN_ROLE_COUNT && strcmp(sub, "distinct") == 0 && children < 0)
			children = c;
	}
	if (hull < 0)
		return HAVEN_OK;
	if (aggregates_only)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "%s may receive aggregates only, and '%s' draws outlines around children's places "
		                "(column '%s'): counts of clusters by area are for aggregates",
		                who, haven_table_title(t), haven_table_colname(t, hull));
	if (children < 0)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "'%s': column '%s' draws hulls around children's places but the table does not say how "
		                "many children each is drawn around (a count:distinct column)",
		                haven_table_title(t), haven_table_colname(t, hull));
	for (size_t r = 0; r < hv_table_rows(t) && !police; r++) {
		if (!keep[r] || hv_table_cell_type(t, r, hull) == HAVEN_CELL_NULL)
			continue;
		if (hv_table_cell_type(t, r, children) == HAVEN_CELL_NULL ||
		    hv_table_cell_int(t, r, children) < HV_GATE_HULL_CHILDREN) {
			keep[r] = 0;
			(*kept)--;
		}
	}
	return HAVEN_OK;
}

/* Append the audit entry, in the caller's transaction if one is open, else
 * in one of its own committed before returning. */
static haven_status audit(haven_ctx *ctx, hv_audit_op op, const char *object, size_t rows, const char *recipients)
{
	int own = sqlite3_get_autocommit(ctx->db);
	haven_status rc = own ? hv_begin(ctx) : HAVEN_OK;
	if (!rc)
		rc = hv_record(ctx, op, object, (int64_t)rows, recipients);
	if (own) {
		if (!rc)
			rc = hv_commit(ctx);
		if (rc)
			hv_rollback(ctx);
	}
	return rc;
}

/* Steps 2 to 7 for a disclosed table, given the audience's scope (NULL
 * only for a table with no scoped column). */
static haven_status release(haven_ctx *ctx, haven_table *t, const hv_scope *s, int aggregates_only, int police,
                            const char *who, hv_audit_op op, const char *recipients, const char *marking)
{
	for (int c = 0; c < haven_table_ncols(t); c++)
		if (haven_table_role(t, c, NULL) == HAVEN_ROLE_NONE)
			return hv_error(ctx, HAVEN_ERR_DENIED,
			                "'%s': column '%s' has no role, so the table cannot be released (a table of "
			                "disclosed data says what each column holds)",
			                haven_table_title(t), haven_table_colname(t, c));
	const char *col = aggregates_only ? hv_gate_record_column(t) : NULL;
	if (col)
		return hv_error(ctx, HAVEN_ERR_DENIED,
		                "%s may receive aggregates only, and '%s' names homes or people (column '%s')", who,
		                haven_table_title(t), col);
	size_t rows = hv_table_rows(t), kept = rows;
	unsigned char *keep = malloc(rows ? rows : 1);
	if (!keep)
		return nomem(ctx);
	memset(keep, 1, rows ? rows : 1);
	haven_status rc = s ? filter_rows(ctx, t, s, keep, &kept) : HAVEN_OK;
	if (!rc)
		rc = hull_rows(ctx, t, aggregates_only, police, who, keep, &kept);
	if (!rc)
		rc = hv_control_apply(ctx, t, keep, aggregates_only);
	/* rows withheld took part in control only: they leave no trace */
	for (size_t r = 0; !rc && r < rows; r++)
		if (keep[r] && hv_table_row_withheld(t, r)) {
			keep[r] = 0;
			kept--;
		}
	if (!rc)
		rc = audit(ctx, op, hv_table_object_of(t), kept, recipients);
	if (!rc) {
		hv_table_keep_rows(t, keep);
		hv_table_drop_withheld_columns(t);
		hv_table_unseal(t, marking);
	}
	free(keep);
	/* the largest flows, of what control published (gate/fold.c) */
	if (!rc && hv_table_top(t) > 0)
		rc = hv_gate_top_flows(ctx, t, hv_table_top(t));
	return rc;
}

/* The table is still sealed, and says whether it holds disclosed data. */
static haven_status unseal_public(haven_ctx *ctx, haven_table *t, int *done)
{
	*done = 0;
	if (!haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is already released", haven_table_title(t));
	if (hv_table_class_of(t) == HV_TABLE_PUBLIC) {
		hv_table_unseal(t, NULL);
		*done = 1;
	}
	return HAVEN_OK;
}

haven_status haven_release(haven_ctx *ctx, haven_table *t, haven_audience audience)
{
	hv_clear(ctx);
	if (!t)
		return hv_error(ctx, HAVEN_ERR_USAGE, "no table to release");
	int done;
	haven_status rc = unseal_public(ctx, t, &done);
	if (rc || done)
		return rc;
	if ((rc = hv_need_actor(ctx)))
		return rc;
	hv_scope *s = NULL;
	if (audience == HAVEN_AUDIENCE_PUBLIC) {
		if (!(rc = hv_scope_owner(ctx, &s)))
			rc = release(ctx, t, s, 1, 0, "the public", HV_AUDIT_DISCLOSURE,
			             "the public (a published table)", NULL);
	} else if (audience == HAVEN_AUDIENCE_ACTOR) {
		char who[160];
		snprintf(who, sizeof who, "user '%s' of %s (a %s authority)", ctx->actor.user, ctx->actor.authority,
		         ctx->actor.authority_kind);
		/* A table with no area, home or place in it (counts of the
		 * store, say) is filtered by nothing: no scope needed. */
		if (!scoped(t) || !(rc = hv_scope_actor(ctx, &s)))
			rc = release(ctx, t, s, hv_scope_aggregates_only(ctx),
			             strcmp(ctx->actor.authority_kind, "police") == 0, who, HV_AUDIT_CONSULTATION, NULL,
			             HAVEN_MARKING);
	} else {
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "unknown audience %d", (int)audience);
	}
	hv_scope_free(s);
	return rc;
}

haven_status hv_release_to(haven_ctx *ctx, haven_table *t, const char *recipient, const char *recipients)
{
	int done;
	haven_status rc = unseal_public(ctx, t, &done);
	if (rc || done)
		return rc;
	if ((rc = hv_need_actor(ctx)))
		return rc;
	hv_scope *s = NULL;
	if (!(rc = hv_scope_load(ctx, recipient, &s)))
		rc = release(ctx, t, s, 0, 0, recipient, HV_AUDIT_DISCLOSURE, recipients, HAVEN_MARKING);
	hv_scope_free(s);
	return rc;
}

haven_status hv_release_oversight(haven_ctx *ctx, haven_table *t)
{
	int done;
	haven_status rc = unseal_public(ctx, t, &done);
	if (rc || done)
		return rc;
	/* Not recorded in the log it exports: an export for an independent
	 * check must not alter the evidence it is checked against (nor append
	 * to a log under attack).  docs/disclosure.md says what it holds. */
	static const char *const admin[] = {"admin", NULL};
	if ((rc = hv_need_role(ctx, admin)))
		return rc;
	hv_table_unseal(t, HAVEN_MARKING);
	return HAVEN_OK;
}
