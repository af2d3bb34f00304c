/*
 * control.c - disclosure control of count columns.
 *
 * The interim rule: an audience that may have aggregates only never sees a
 * count of children or episodes between 1 and HV_CONTROL_MIN_COUNT - 1: it
 * becomes "c", the GSS symbol for a suppressed value.  Counts of homes and
 * places are not suppressed (Ofsted publishes them per local authority).
 */
#include <string.h>

#include "core/table_seal.h"
#include "gate/gate.h"

haven_status hv_control_counts(haven_ctx *ctx, haven_table *t, const unsigned char *keep, int aggregates_only)
{
	if (!aggregates_only)
		return HAVEN_OK;
	haven_status rc = HAVEN_OK;
	for (int c = 0; !rc && c < haven_table_ncols(t); c++) {
		const char *sub;
		if (haven_table_role(t, c, &sub) != HAVEN_ROLE_COUNT ||
		    (strcmp(sub, "children") != 0 && strcmp(sub, "episodes") != 0))
			continue;
		for (size_t r = 0; !rc && r < hv_table_rows(t); r++) {
			if (!keep[r] || hv_table_cell_type(t, r, c) == HAVEN_CELL_NULL)
				continue;
			int64_t v = hv_table_cell_int(t, r, c);
			if (v > 0 && v < HV_CONTROL_MIN_COUNT)
				rc = hv_table_put_text(ctx, t, r, c, "c");
		}
	}
	return rc;
}
