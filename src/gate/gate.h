/*
 * gate.h - the gate inside the library: releases for audiences other than
 * the acting user (gate.c), and disclosure control (control.c).
 */
#ifndef HAVEN_GATE_GATE_H
#define HAVEN_GATE_GATE_H

#include "core/table.h"

/** Release t as a disclosure to authority recipient (HMCI's extract): rows
 *  in the recipient's recorded scope, an audit "disclosure" naming
 *  recipients (text for the entry), marked.  Otherwise as haven_release(). */
haven_status hv_release_to(haven_ctx *ctx, haven_table *t, const char *recipient, const char *recipients);

/** Release the audit log's own export to an admin of the store (its
 *  overseer): every row, marked; not itself recorded in the log (an export
 *  for an independent check must not change what it is checked against). */
haven_status hv_release_oversight(haven_ctx *ctx, haven_table *t);

/** A column of t naming homes or people - a home, free text or a home's
 *  place (geometry:point) - or NULL: an aggregates-only audience is refused
 *  such a table, and no export or map ever carries one.  The column's name,
 *  borrowed from t. */
const char *hv_gate_record_column(const haven_table *t);

/** The smallest count of children or episodes an aggregates-only audience
 *  is shown; smaller ones (1 or 2) become the GSS symbol "c". */
#define HV_CONTROL_MIN_COUNT 3

/** Disclosure control over the rows keep[] marks: for an aggregates-only
 *  audience, every count of children or episodes from 1 to
 *  HV_CONTROL_MIN_COUNT - 1 is suppressed ("c").  The interim rule; counts
 *  of homes and places are published by Ofsted and pass. */
haven_status hv_control_counts(haven_ctx *ctx, haven_table *t, const unsigned char *keep, int aggregates_only);

#endif
