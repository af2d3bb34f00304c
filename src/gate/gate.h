/*
 * gate.h - the gate inside the library: releases for audiences other than
 * the acting user (gate.c), and disclosure control (control.c).
 */
#ifndef HAVEN_GATE_GATE_H
#define HAVEN_GATE_GATE_H

#include "core/table.h"

/* The fewest distinct children a hull (geometry:hull) may be drawn around
 * to be released outside a police force (docs/disclosure.md). */
#define HV_GATE_HULL_CHILDREN HV_HULL_CHILDREN

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

/** Disclosure control over the rows keep[] marks (control.c).  For an
 *  aggregates-only audience: primary suppression ("c") of small counts of
 *  children and episodes and of district and grid cells of fewer than K
 *  homes; rounding of regional and national counts of children and
 *  episodes (nearest 10) and of rates (1 decimal); complementary
 *  suppression where totals are published (parent rows, declared column
 *  sums), every suppressed cell audited with a linear program; rates of a
 *  suppressed numerator suppressed.  A record-level audience's table is
 *  left as it is.  Either way a table with counts or rates gets metadata
 *  saying what was done (disclosure_rule, cells_suppressed,
 *  cells_suppressed_primary, cells_suppressed_secondary, cells_rounded).
 *  t is changed in place; keep borrowed.
 * \return HAVEN_ERR_DENIED when a suppressed cell cannot be protected, or
 *  the table contradicts its own totals: nothing may then be released. */
haven_status hv_control_apply(haven_ctx *ctx, haven_table *t, const unsigned char *keep, int aggregates_only);

#endif
