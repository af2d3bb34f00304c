/*
 * scope.h - the area an authority may see (scope.c).
 *
 * A police force sees the homes of the local authorities in its police force
 * area; a local authority its own; probation the LAs of the force areas it
 * works with; the Children's Commissioner, DfE and HMCI the whole country.
 * A scope is a set of LA codes, recorded per authority (authority_scope) and
 * changed only by an admin's 'authority rescope'.
 */
#ifndef HAVEN_GOVERN_SCOPE_H
#define HAVEN_GOVERN_SCOPE_H

#include "core/context.h"

typedef struct hv_scope hv_scope;

/** The recorded scope of authority code.  HAVEN_ERR_NOT_FOUND for an
 *  unknown authority, or one scoped by area whose scope is not recorded yet
 *  (its boundaries were never loaded).  Free with hv_scope_free(). */
haven_status hv_scope_load(haven_ctx *ctx, const char *code, hv_scope **out);

/** The scope of the store's owner (meta owner_code). */
haven_status hv_scope_owner(haven_ctx *ctx, hv_scope **out);

/** What the acting user may see: the store owner's scope intersected with
 *  the scope of the user's own authority.  HAVEN_ERR_DENIED when nobody is
 *  acting, or the two do not meet (a user of another force's authority). */
haven_status hv_scope_actor(haven_ctx *ctx, hv_scope **out);

/** A scope holding no local authority, described as describe (copied):
 *  what a user whose scope is not known yet may see.  Free with
 *  hv_scope_free(). */
haven_status hv_scope_none(haven_ctx *ctx, const char *describe, hv_scope **out);

/** 1 when the acting user's authority may receive aggregates only (DfE,
 *  the Children's Commissioner, probation): never a listing of homes. */
int hv_scope_aggregates_only(const haven_ctx *ctx);

void hv_scope_free(hv_scope *s);

/** 1 when the scope is the whole country. */
int hv_scope_is_national(const hv_scope *s);

/** 1 when homes of local authority la_code are in scope (always, if national). */
int hv_scope_has_la(const hv_scope *s, const char *la_code);

/** *in = 1 when area (kind la, district, pfa, region or england; code)
 *  holds a local authority in scope (area_la; England holds them all), or
 *  the scope is national. */
haven_status hv_scope_has_area(haven_ctx *ctx, const hv_scope *s, const char *kind, const char *code, int *in);

/** The LA codes in an area scope (none for a national one); borrowed. */
size_t hv_scope_la_count(const hv_scope *s);
const char *hv_scope_la(const hv_scope *s, size_t i);

/** "national", or e.g. "West Yorkshire (E23000010): 5 local authorities"; borrowed. */
const char *hv_scope_describe(const hv_scope *s);

/* ---- recording (inside the caller's write transaction) ------------------ */

/** Record authority code's scope from the store's boundaries (area_la) if
 *  they make it known; *recorded says whether it was.  National scopes
 *  need nothing.  Used when an authority is registered. */
haven_status hv_scope_record(haven_ctx *ctx, const char *code, int *recorded);

/** After a boundary load: record every scope not yet recorded that the
 *  boundaries now make known (a notice each), and for every recorded one,
 *  say in a notice when the new boundaries would give it other LAs - but
 *  never change it. */
haven_status hv_scope_after_boundaries(haven_ctx *ctx);

/** Record code's scope again from the boundaries now loaded (an admin's
 *  'authority rescope'); *added and *removed count the LAs that changed. */
haven_status hv_scope_rescope(haven_ctx *ctx, const char *code, size_t *added, size_t *removed);

#endif
