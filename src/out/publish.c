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

/* The placements measure asked for (flows, placements_locations,
 * placements_capacity), or NULL; *rc says when it is not alone or not by
 * LA. */
static const hv_measure *placements_asked(haven_ctx *ctx, const haven_aggregate_opts *a, haven_status *rc)
{
	const hv_measure *m = NULL;
	*rc = HAVEN_OK;
	for (size_t k = 0; !m && k < a->n_measures; k++) {
		const hv_measure *x = hv_measure_find(a->measures[k]);
		if (x && (x->kind == HV_M_FLOWS || x->kind == HV_M_PLACEMENTS))
			m = x;
	}
	if (m && a->n_measures > 1)
		*rc = hv_error(ctx, HAVEN_ERR_USAGE, "the measure %s is exported on its own (--measures %s)", m->name,
		               m->name);
	else if (m && (!a->geography || strcmp(a->geography, "la") != 0))
		*rc = hv_error(ctx, HAVEN_ERR_USAGE, "%s",
		               m->kind == HV_M_FLOWS ? "flows run between local authorities: use --geography la"
		                                     : "placements are by placing local authority: use --geography la");
	return m;
}

/* The placements measure m of a's window (as at a->as_at, or starting
 * a->from to a->to, or all held; capacity as at a->as_at, default today)
 * from the same reading and builders as 'haven placements', released; for
 * flows then their top largest (0: all); written with fn. */
static haven_status publish_placements(haven_ctx *ctx, const haven_aggregate_opts *a, const hv_measure *m, int top,
                                       haven_status (*fn)(haven_ctx *, const haven_table *, const void *),
                                       const void *o, haven_output_report *r)
{
	if (top < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top must be a number of flows from 1");
	int capacity = m->kind == HV_M_PLACEMENTS && strcmp(m->filter, "capacity") == 0;
	if (capacity && (a->from || a->to))
		return hv_error(ctx, HAVEN_ERR_USAGE, "capacity is as at a date: give --as-at, not --from/--to");
	haven_placements_query q = {.as_at = a->as_at, .from = a->from, .to = a->to, .by = "la"};
	hv_placements ps;
	haven_table *t = NULL;
	haven_status rc = hv_placements_read(ctx, &q, capacity, &ps);
	if (!rc && m->kind == HV_M_FLOWS)
		rc = hv_placements_flow_lines(ctx, &ps, &t);
	else if (!rc && !(rc = hv_placements_polygons(ctx, &ps)))
		rc = capacity ? hv_placements_capacity(ctx, &ps, &t) : hv_placements_locations(ctx, &ps, "la", &t);
	hv_placements_free(&ps);
	if (!rc) {
		hv_control_rule rule = {a->threshold, a->k_homes};
		hv_table_set_rule(t, &rule);
		hv_table_set_top(t, top);
		rc = haven_release(ctx, t, HAVEN_AUDIENCE_ACTOR);
	}
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
	const hv_measure *m = rc ? NULL : placements_asked(ctx, a, &rc);
	if (!rc && m && o->top && m->kind != HV_M_FLOWS)
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "--top is for the measure flows");
	if (m)
		return rc ? rc : publish_placements(ctx, a, m, o->top, export_fn, o, report);
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
	if (m->kind == HV_M_PLACEMENTS)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "%s is a table of several columns: export it (haven export --measures %s), or map "
		                "flows",
		                m->name, m->name);
	if (m->kind == HV_M_FLOWS) {
		haven_aggregate_opts fa = *a;
		const char *flows = "flows";
		fa.measures = &flows;
		fa.n_measures = 1;
		haven_status rc = HAVEN_OK;
		if (placements_asked(ctx, &fa, &rc) && !rc)
			rc = hv_output_vacant(ctx, o->path, o->overwrite ? NULL : "not replaced without --force");
		if (!rc && hv_flow_map_format(o->path) < 0)
			rc = hv_error(ctx, HAVEN_ERR_USAGE, "%s: a flow map is a .png, .svg, .pdf or .html file",
			              o->path ? o->path : "");
		return rc ? rc
		          : publish_placements(ctx, &fa, m, o->top ? o->top : HV_FLOW_MAP_TOP, flow_map_fn, &mo,
		                               report);
	}
	if (o->top)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top is for the measure flows");
	if (!mo.level)
		mo.level = grid ? "grid" : a->geography;
	haven_status rc = hv_map_check(ctx, &mo);
	return rc ? rc : publish(ctx, &agg, mo.level, map_fn, &mo, report);
}
