/*
 * fold.h - the largest flows of a released matrix, the rest folded into
 * one "other" row from published cells only (fold.c).
 */
#ifndef HAVEN_GATE_FOLD_H
#define HAVEN_GATE_FOLD_H

#include "core/context.h"
#include "haven/table.h"

/** Keep, of released flow table t (analysis/placements.c,
 *  hv_placements_flow_lines: columns placing_code, host_code, placements,
 *  children, geom), the top flows between two LAs whose counts the gate
 *  published, largest placements first; drop every other row (margins,
 *  flows within an LA or to an unknown LA, suppressed flows, smaller
 *  flows) and add one row "other" holding the sum of the published counts
 *  of the smaller flows between LAs.  A suppressed cell is never ranked and
 *  never added, so nothing in the result is more than a sum of cells the
 *  gate already published: no suppressed cell can be recovered from it.
 *  The metadata says how many flows were kept, of how many, and how many
 *  were suppressed (flows_kept, flows_between_las, flows_suppressed).
 * \param t   released (unsealed); changed in place
 * \param top at least 1
 * \return HAVEN_ERR_USAGE for top < 1 or a table that is not a released
 *         flow table. */
haven_status hv_gate_top_flows(haven_ctx *ctx, haven_table *t, int top);

#endif
