/*
 * boundaries.h - loading ONS boundaries inside a transaction (boundaries.c).
 * The public haven_boundaries_load (src/govern/reference.c) is the governed
 * operation around it: an admin, one transaction, scopes, the audit entry.
 */
#ifndef HAVEN_REF_BOUNDARIES_H
#define HAVEN_REF_BOUNDARIES_H

#include "core/context.h"
#include "haven/boundaries.h"

/** Replace every area of opts->kind with the first layer of opts->path and
 *  rebuild area_la, inside the caller's write transaction (the caller rolls
 *  back on any error).  Arguments and errors as haven_boundaries_load(). */
haven_status hv_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts, haven_boundaries_report *report);

#endif
