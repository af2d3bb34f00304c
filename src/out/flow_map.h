/*
 * flow_map.h - the map of flows between local authorities (flow_map.c):
 * haven map --measure flows.
 */
#ifndef HAVEN_OUT_FLOW_MAP_H
#define HAVEN_OUT_FLOW_MAP_H

#include "core/context.h"
#include "haven/map.h"
#include "haven/table.h"

/** The flows drawn by default: enough to see the pattern, few enough that
 *  a national map is not a hairball. */
#define HV_FLOW_MAP_TOP 50

/** The format of a flow map's path: HV_PAGE_PNG, _SVG, _PDF (out/page.h),
 *  HV_FLOW_MAP_HTML, or -1. */
#define HV_FLOW_MAP_HTML 100
int hv_flow_map_format(const char *path);

/** Draw released flow table t (hv_placements_flow_lines, folded to its
 *  top flows by the gate) into o->path: .png, .svg or .pdf (Cairo, on the
 *  British National Grid, the LA boundaries underneath), or .html (Leaflet,
 *  offline).  Each kept flow a curved arc from the placing LA's centre to
 *  the host LA's, its width by placements, an arrowhead at the host; the
 *  legend says how many flows are drawn of how many and that flows of 1-5
 *  children are suppressed.  Rows without a line (the "other" row) are not
 *  drawn.  t and o borrowed.
 * \return HAVEN_ERR_USAGE for a path of another kind or a table that is not
 *         one of flows; HAVEN_ERR_IO as hv_page_write. */
haven_status hv_flow_map_write(haven_ctx *ctx, const haven_table *t, const haven_map_opts *o);

#endif
