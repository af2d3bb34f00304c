/*
 * fold.c - the largest flows of a released matrix (hv_gate_top_flows).
 *
 * In the gate because it changes a released table: it runs after
 * disclosure control, on what control published, so that the flows kept
 * and the "other" row are made of published cells only.  Ranking before
 * control would rank a suppressed cell by its true size, and "other" taken
 * as a row total less the flows kept would hand back a suppressed flow by
 * differencing; here a suppressed flow is neither ranked nor added.
 */
#include <stdlib.h>
#include <string.h>

#include "core/table.h"
#include "core/table_seal.h"
#include "gate/fold.h"

typedef struct ranked {
	size_t row;
	int64_t placements, children;
	const char *placing, *host;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->placements != y->placements)
		return x->placements < y->placements ? 1 : -1;
	if (x->children != y->children)
		return x->children < y->children ? 1 : -1;
	int c = strcmp(x->placing, y->placing);
	return c ? c : strcmp(x->host, y->host);
}

haven_status hv_gate_top_flows(haven_ctx *ctx, haven_table *t, int top)
{
	if (top < 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--top must be a number of flows from 1");
	int pc = haven_table_find(t, "placing_code"), hc = haven_table_find(t, "host_code"),
	    pl = haven_table_find(t, "placements"), ch = haven_table_find(t, "children"),
	    gc = haven_table_find(t, "geom");
	if (haven_table_sealed(t) || pc < 0 || hc < 0 || pl < 0 || ch < 0 || gc < 0)
		return hv_error(ctx, HAVEN_ERR_USAGE, "'%s' is not a released table of flows", haven_table_title(t));
	size_t n = hv_table_rows(t), nr = 0, suppressed = 0;
	ranked *r = malloc((n ? n : 1) * sizeof *r);
	unsigned char *keep = calloc(n + 1, 1);
	if (!r || !keep) {
		free(r);
		free(keep);
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		size_t len;
		if (!hv_table_cell_geom(t, i, gc, &len))
			continue; /* a margin, a flow within an LA or to an unknown LA */
		if (haven_table_type(ctx, t, i, pl) != HAVEN_CELL_INT ||
		    haven_table_type(ctx, t, i, ch) != HAVEN_CELL_INT) {
			suppressed++;
			continue;
		}
		r[nr++] = (ranked){i, hv_table_cell_int(t, i, pl), hv_table_cell_int(t, i, ch),
		                   hv_table_cell_text(t, i, pc), hv_table_cell_text(t, i, hc)};
	}
	if (nr)
		qsort(r, nr, sizeof *r, cmp_ranked);
	int64_t other_p = 0, other_c = 0;
	size_t kept = 0;
	for (size_t k = 0; k < nr; k++) {
		if (k < (size_t)top) {
			keep[r[k].row] = 1;
			kept++;
		} else {
			other_p += r[k].placements;
			other_c += r[k].children;
		}
	}
	free(r);
	hv_table_keep_rows(t, keep);
	free(keep);
	char buf[32];
	haven_status rc = HAVEN_OK;
	if (other_p) {
		int lc = haven_table_find(t, "geographic_level"), pn = haven_table_find(t, "placing_name"),
		    hn = haven_table_find(t, "host_name");
		if (!(rc = hv_table_add_row(ctx, t)) && lc >= 0)
			rc = hv_table_set_text(ctx, t, lc, "la");
		if (!rc)
			rc = hv_table_set_text(ctx, t, pc, "other");
		if (!rc)
			rc = hv_table_set_text(ctx, t, hc, "other");
		if (!rc && pn >= 0)
			rc = hv_table_set_text(ctx, t, pn, "smaller flows between LAs (published counts only)");
		if (!rc && hn >= 0)
			rc = hv_table_set_text(ctx, t, hn, "smaller flows between LAs (published counts only)");
		if (!rc)
			rc = hv_table_set_int(ctx, t, pl, other_p);
		if (!rc)
			rc = hv_table_set_int(ctx, t, ch, other_c);
	}
	snprintf(buf, sizeof buf, "%zu", kept);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "flows_kept", buf);
	snprintf(buf, sizeof buf, "%zu", kept + (nr - kept) + suppressed);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "flows_between_las", buf);
	snprintf(buf, sizeof buf, "%zu", suppressed);
	if (!rc)
		rc = hv_table_meta_set(ctx, t, "flows_suppressed", buf);
	if (!rc)
		rc = hv_table_meta_set(
		    ctx, t, "top",
		    "the largest flows between two LAs whose counts disclosure control published, by placements; "
		    "'other': the sum of the published counts of the smaller ones (its children may count a child "
		    "in two flows twice); suppressed flows are in no row; totals, flows within an LA and to an "
		    "unknown LA are left out");
	return rc;
}
