/*
 * homes.h - the one read model of the register (homes.c): the homes valid on
 * a date, in a scope, with their points.
 *
 * Every module that reads homes reads them from the TEMP VIEW `homes` that
 * hv_homes_view() makes: one row per home (its version valid on the date),
 * every column of home_version (the geocoded point is `geom`, EPSG:27700),
 * and only homes whose register LA is in the scope.  Nobody writes a
 * valid_from/valid_to predicate by hand.
 */
#ifndef HAVEN_DATA_HOMES_H
#define HAVEN_DATA_HOMES_H

#include "core/context.h"
#include "govern/scope.h"

/** (Re)make TEMP VIEW homes: the versions valid on as_at ("YYYY-MM-DD";
 *  NULL: the current ones) whose LA is in scope (NULL: every home the store
 *  holds - for store-wide maintenance only); and TEMP VIEW home_versions:
 *  every version, of any date, whose LA is in scope.  scope is borrowed for
 *  the call: the views hold a copy of its LAs (temp.homes_scope). */
haven_status hv_homes_view(haven_ctx *ctx, const char *as_at, const hv_scope *scope);

/** The register LA of home urn's newest version into la (n bytes); "" for
 *  an unknown URN. */
haven_status hv_homes_la(haven_ctx *ctx, const char *urn, char *la, size_t n);

/** 1 when a home of registration status status (NULL: none given) is open:
 *  its status is not Resigned, Cancelled, Refused, Closed or Deregistered
 *  (any case). */
int hv_homes_open_status(const char *status);

#endif
