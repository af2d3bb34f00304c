/*
 * publish.c - an aggregate out through the gate to a file: haven_export()
 * and haven_map(), the calls behind 'haven export' and 'haven map'.
 *
 * One road for both: aggregate (analysis/aggregate.c), release to the
 * acting user (gate/gate.c: scope, disclosure control, the audit entry,
 * the marking), write (out/export.c, out/map.c).  The options are checked
 * first, so that nothing is released (and audited) for a file that cannot
 * be written; the audit entry is committed before a byte is written.
 *
 * The measure flows is not an aggregate of homes: its table is the matrix
 * of placements between LAs (analysis/placements.c, the same reading as
 * 'haven placements flows'), released, then cut to its largest flows after
 * disclosure control (gate/fold.c) when asked, and written by the same
 * writer or drawn as a flow map (out/flow_map.c).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/measures.h"
#include "analysis/placements.h"
#include "core/context.h"
#include "core/output.h"
#include "gate/fold.h"
#include "haven/export.h"
#include "haven/gate.h"
#include "haven/map.h"
#include "out/export.h"
#include "out/flow_map.h"
#include "out/map.h"

/* The report of released table t. */
static void report_of(haven_ctx *ctx, const haven_table *t, const char *level, haven_output_report *r)
{
	if (!r)
		return;
	memset(r, 0, sizeof *r);
	int c = haven_table_find(t, "geographic_level");
	size_t n = haven_table_nrows(ctx, t);
	for (size_t i = 0; i < n; i++)
		r->rows += !level || strcmp(haven_table_text(ctx, t, i, c), level) == 0;
	const char *s = haven_table_meta(t, "cells_suppressed"), *d = haven_table_meta(t, "cells_rounded");
	r->suppressed = s ? atol(s) : 0;
	r->rounded = d ? atol(d) : 0;
}

/* Aggregate, release, then write with fn. */
static haven_status publish(haven_ctx *ctx, const haven_aggregate_opts *a, const char *level,
                            haven_status (*fn)(haven_ctx *, const haven_table *, const void *), const void *o,
                            haven_output_report *r)
{
	haven_table *t = NULL;
	haven_status rc = haven_aggregate(ctx, a, &t);
	if (!rc)
		rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	if (!rc)
		rc = fn(ctx, t, o);
	if (!rc)
		report_of(ctx, t, level, r);
	haven_table_free(t);
	return rc;
}

/* Whether the measures asked for hold flows, and if so that flows is the
 * only one and the geography is la. */
static int flows_asked(haven_ctx *ctx, const haven_aggregate_opts *a, haven_status *rc)
{
	int any = 0;
	for (size_t k = 0; k < a->n_measures; k++)
		any |= a->measures[k] && strcmp(a->measures[k], "flows") == 0;
	*rc = HAVEN_OK;
	if (any && a->n_measures > 1)
		*rc = hv_error(ctx, HAVEN_ERR_USAGE, "the measure flows is exported on its own (--measures flows)");
	else if (any && (!a->geography || strcmp(a->geography, "la") != 0))
		*rc = hv_error(ctx, HAVEN_ERR_USAGE, "flows run between local authorities: use --geography la");
	return any;
}

/* The flows of the placements of a's window (as at a->as_at, or starting
 * a->from to a->to, or all held), released, then their top largest (0:
 * all), written with fn. */
static haven_status publish_flows(haven_ctx *ctx, const haven_aggregate_opts *a, int top,
                                  haven_status (*fn)(haven_ctx *, const haven_table *, const void *), const void *o,
                                  haven_output_report *r)
{
	if (top < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top must be a number of flows from 1");
	haven_placements_query q = {0};
	if (a->from || a->to) {
		q.from = a->from;
		q.to = a->to;
	}
	q.as_at = a->as_at;
	hv_placements ps;
	haven_table *t = NULL;
	haven_status rc = hv_placements_read(ctx, &q, 0, &ps);
	if (!rc)
		rc = hv_placements_flow_lines(ctx, &ps, &t);
	hv_placements_free(&ps);
	if (!rc) {
		hv_control_rule rule = {a->threshold, a->k_homes};
		hv_table_set_rule(t, &rule);
		rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	}
	if (!rc && top > 0)
		rc = hv_gate_top_flows(ctx, t, top);
	if (!rc)
		rc = fn(ctx, t, o);
	if (!rc)
		report_of(ctx, t, NULL, r);
	haven_table_free(t);
	return rc;
}

static haven_status flow_map_fn(haven_ctx *ctx, const haven_table *t, const void *o)
{
	return hv_flow_map_write(ctx, t, o);
}

static haven_status export_fn(haven_ctx *ctx, const haven_table *t, const void *o)
{
	return haven_export_write(ctx, t, o);
}

static haven_status map_fn(haven_ctx *ctx, const haven_table *t, const void *o)
{
	return haven_map_write(ctx, t, o);
}

haven_status haven_export(haven_ctx *ctx, const haven_aggregate_opts *a, const haven_export_opts *o,
                          haven_output_report *report)
{
	hv_clear(ctx);
	haven_status rc = hv_export_check(ctx, o);
	if (!rc && flows_asked(ctx, a, &rc))
		return rc ? rc : publish_flows(ctx, a, o->top, export_fn, o, report);
	if (!rc && o->top)
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "--top is for the measure flows");
	return rc ? rc : publish(ctx, a, o->level, export_fn, o, report);
}

haven_status haven_map(haven_ctx *ctx, const haven_aggregate_opts *a, const haven_map_opts *o,
                       haven_output_report *report)
{
	hv_clear(ctx);
	const hv_measure *m = hv_measure_find(o->measure);
	if (!m)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a measure (see 'haven export --list-measures')",
		                o->measure ? o->measure : "");
	/* The measure, with what it needs beside it: a rate its numerator, a
	 * grid its homes. */
	haven_aggregate_opts agg = *a;
	const char *names[3];
	size_t n = 0;
	int grid = a->geography && strncmp(a->geography, "grid:", 5) == 0;
	if (!a->n_measures) {
		names[n++] = m->name;
		if (m->numerator)
			names[n++] = m->numerator;
		if (grid && strcmp(m->name, "homes") != 0 && (!m->numerator || strcmp(m->numerator, "homes") != 0))
			names[n++] = "homes";
		agg.measures = names;
		agg.n_measures = n;
	}
	haven_map_opts mo = *o;
	if (m->kind == HV_M_FLOWS) {
		haven_aggregate_opts fa = *a;
		const char *flows = "flows";
		fa.measures = &flows;
		fa.n_measures = 1;
		haven_status rc = HAVEN_OK;
		if (flows_asked(ctx, &fa, &rc) && !rc)
			rc = hv_output_vacant(ctx, o->path, o->overwrite ? NULL : "not replaced without --force");
		if (!rc && hv_flow_map_format(o->path) < 0)
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "%s: a flow map is a .png, .svg, .pdf or .html file",
			              o->path ? o->path : "");
		return rc ? rc : publish_flows(ctx, &fa, o->top ? o->top : HV_FLOW_MAP_TOP, flow_map_fn, &mo, report);
	}
	if (o->top)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top is for the measure flows");
	if (!mo.level)
		mo.level = grid ? "grid" : a->geography;
	haven_status rc = hv_map_check(ctx, &mo);
	return rc ? rc : publish(ctx, &agg, mo.level, map_fn, &mo, report);
}
