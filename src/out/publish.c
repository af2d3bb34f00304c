/*
 * publish.c - an aggregate out through the gate to a file: haven_export()
 * and haven_map(), the calls behind 'haven export' and 'haven map'.
 *
 * One road for both: aggregate (analysis/aggregate.c), release to the
 * acting user (gate/gate.c: scope, disclosure control, the audit entry,
 * the marking), write (out/export.c, out/map.c).  The options are checked
 * first, so that nothing is released (and audited) for a file that cannot
 * be written; the audit entry is committed before a byte is written.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/measures.h"
#include "core/context.h"
#include "haven/export.h"
#include "haven/gate.h"
#include "haven/map.h"
#include "out/export.h"
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
	if (!mo.level)
		mo.level = grid ? "grid" : a->geography;
	haven_status rc = hv_map_check(ctx, &mo);
	return rc ? rc : publish(ctx, &agg, mo.level, map_fn, &mo, report);
}
