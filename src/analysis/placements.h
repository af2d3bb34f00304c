/*
 * placements.h - each placement's measures (placements.c): the host LA,
 * inside or outside the placing LA, the distance from the origin and its
 * DfE band.  The tables of haven/placements.h are built from them; so are
 * the export's measures and the flow map.
 */
#ifndef HAVEN_ANALYSIS_PLACEMENTS_H
#define HAVEN_ANALYSIS_PLACEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/context.h"
#include "govern/scope.h"
#include "haven/placements.h"

/** DfE's distance bands, miles from the origin to the home (a band is
 *  the largest it exceeds): up to 20 inclusive, over 20, over 50, over 100;
 *  not known without a home point. */
enum { HV_BAND_UNDER_20, HV_BAND_OVER_20, HV_BAND_OVER_50, HV_BAND_OVER_100, HV_BAND_NOT_KNOWN };

/** The band of a distance in metres (NAN: not known). */
int hv_placement_band(double metres);

/** One placement as measured. */
typedef struct hv_placed {
	uint32_t child;     /* placement_child id */
	int32_t placing;    /* the placing LA: index in hv_placements.la */
	int32_t host;       /* the home's LA on the day (the register's history): index, or -1 */
	int32_t home;       /* index in hv_placements.urn */
	int32_t start, end; /* days; end -1 while current */
	double metres;      /* origin to home, straight line, to the centimetre; NAN without a home point */
	uint8_t inside;     /* the home's point lies in the placing LA's boundary */
	uint8_t band;       /* HV_BAND_* */
} hv_placed;

/** The placements a query counts, as the acting user may see them, with
 *  what every table needs to name and total them. */
typedef struct hv_placements {
	hv_placed *p;
	size_t n;
	size_t nla;              /* LAs: the loaded LA boundaries */
	const char **la, **name; /* code and name of LA i, borrowed from the boundaries */
	int32_t *region;         /* the region holding LA i: index in region_code, or -1 */
	char **region_code, **region_name;
	size_t nregion;
	int64_t day;      /* as_at, or -1 for a period */
	int64_t from, to; /* the starts counted (a period), days inclusive */
	hv_scope *scope;
	int national, placer; /* the scope is national; the actor is an LA (sees the children it places) */
	int aggregates_only;  /* the actor may have aggregates only */
	char period[64];      /* "as at D" or "D/D", for the metadata */
	void *priv;           /* the homes and boundaries read (placements.c) */
	unsigned char **awkb; /* with hv_placements_polygons: area i's polygon (WKB), or NULL */
	size_t *awkb_n;
} hv_placements;

/** Read and measure the placements of q (as_at, or from/to, or all) that the
 *  acting user may see (police: into homes in their force area; an LA: the
 *  children it places and those in homes in its area; national: all).
 *  default_today: with neither as_at nor from/to, as at today (capacity)
 *  instead of every placement.
 * \param out on HAVEN_OK filled in; the caller frees with hv_placements_free(). */
haven_status hv_placements_read(haven_ctx *ctx, const haven_placements_query *q, int default_today, hv_placements *out);
void hv_placements_free(hv_placements *ps);

/** For an export: the LA and region polygons of ps's areas, so that the
 *  tables by area (locations, capacity) end with a column geom
 *  (geometry:area; England's row has none, nor, for a scoped user, an area
 *  outside the scope).  Freed with ps. */
haven_status hv_placements_polygons(haven_ctx *ctx, hv_placements *ps);

/** The tables of haven/placements.h built from placements already read
 *  (ps borrowed, unchanged; one read serves every table, as an export of
 *  all the measures needs): locations by (england, region, la), the flows at
 *  level (la, region) with the top largest (0: all), net movement, capacity
 *  (ps read as at a day).
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free(). */
haven_status hv_placements_locations(haven_ctx *ctx, const hv_placements *ps, const char *by, haven_table **out);
haven_status hv_placements_flows(haven_ctx *ctx, const hv_placements *ps, const char *level, int top,
                                 haven_table **out);
haven_status hv_placements_net(haven_ctx *ctx, const hv_placements *ps, haven_table **out);

/** The LA to LA matrix of ps for an export and a flow map: one row per
 *  placing LA and host LA (placements, distinct children), each placing
 *  LA's row total (host England), each host LA's column total (placing
 *  England) and the grand total, declared as two hierarchies so that the
 *  gate protects both margins; a line (geometry:area) from the placing LA's
 *  centre to the host LA's for each flow between two LAs.  ps borrowed.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free(). */
haven_status hv_placements_flow_lines(haven_ctx *ctx, const hv_placements *ps, haven_table **out);
haven_status hv_placements_capacity(haven_ctx *ctx, const hv_placements *ps, haven_table **out);

#endif
