/*
 * scope_int.h - the area an authority may see.
 *
 * A police force sees the homes of the local authorities in its police force
 * area; a local authority its own; probation the LAs of the force areas it
 * works with; the Children's Commissioner, DfE and HMCI the whole country.
 * English counties and unitary authorities nest in police force areas, so a
 * scope is a set of LA codes: an LA belongs to the PFA that holds a point on
 * its surface (GEOSPointOnSurface, tested through the PFA STRtree).
 */
#ifndef HAVEN_SCOPE_INT_H
#define HAVEN_SCOPE_INT_H

#include "core/context.h"

typedef struct hv_scope hv_scope;

/** The scope of authority code, from its rows in authority/authority_area and
 *  the store's boundaries.  HAVEN_ERR_NOT_FOUND for an unknown authority or
 *  missing boundaries ('la', and 'pfa' for PFA-scoped authorities).
 *  Free with hv_scope_free(). */
haven_status hv_scope_load(haven_ctx *ctx, const char *authority_code, hv_scope **out);

/** The scope of the store's owner (meta owner_code). */
haven_status hv_scope_owner(haven_ctx *ctx, hv_scope **out);

void hv_scope_free(hv_scope *s);

/** 1 when the scope is the whole country. */
int hv_scope_is_national(const hv_scope *s);

/** 1 when homes of local authority la_code are in scope (always, if national). */
int hv_scope_has_la(const hv_scope *s, const char *la_code);

/** The LA codes in an area scope (none for a national one); borrowed. */
size_t hv_scope_la_count(const hv_scope *s);
const char *hv_scope_la(const hv_scope *s, size_t i);

/** "national", or e.g. "West Yorkshire (E23000010): 5 local authorities"; borrowed. */
const char *hv_scope_describe(const hv_scope *s);

#endif
