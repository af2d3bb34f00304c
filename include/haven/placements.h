/*
 * haven/placements.h - children's placements in children's homes: who
 * placed each child (the placing local authority), in which home, from
 * when to when, and where the child came from; and DfE's measures of
 * out-of-area placements computed from them: inside or outside the placing
 * LA, near or far from home, the flows between LAs, and each LA's places
 * against the children it places.
 *
 * The child identifier is replaced at import by the same keyed pseudonym
 * as children missing from care (haven/missing.h: one key serves both).
 * docs/placements.md is the contract; the file's columns are in
 * docs/formats.md ("Placement file").  Every table is sealed and leaves
 * through haven_release (haven/gate.h).
 */
#ifndef HAVEN_PLACEMENTS_H
#define HAVEN_PLACEMENTS_H

#include <stdint.h>

#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** DfE's distance band: 20 miles in metres (20 x 1,609.344), inclusive. */
#define HAVEN_PLACEMENT_NEAR_M 32186.88

/** How to import a placement file.  Zero it, then set what is needed. */
typedef struct haven_placements_opts {
	const char *key;     /* the pseudonymisation key file (borrowed) */
	const char *rejects; /* with skip_invalid: the reject file to create (borrowed); else NULL */
	int skip_invalid;    /* 1: import the valid rows, write the others to rejects */
} haven_placements_opts;

/** What an import did.  Filled in by haven_placements_import(). */
typedef struct haven_placements_report {
	int noop;          /* 1: nothing changed (the same file again): nothing was written */
	char sha256[65];   /* SHA-256 of the file, hex */
	int64_t rows;      /* data rows read */
	int64_t added;     /* placements never seen before */
	int64_t updated;   /* placements seen before (child, home, start) whose LA, end or origin changed */
	int64_t unchanged; /* placements held already as they are */
	int64_t rejected;  /* rows written to the reject file (skip_invalid) */
	int64_t by_district, by_la_surface; /* of the rows written: how the origin was found */
	int64_t by_la_weighted;             /* ... the placing LA's population-weighted centre */
	int64_t placements, children;       /* held after the import */
} haven_placements_report;

/** Import a placement file (CSV, gzip CSV or the first sheet of XLSX) as
 *  the acting user, in one transaction (docs/placements.md).  Every error
 *  names the file and row and leaves the store exactly as it was, unless
 *  opts->skip_invalid: then invalid rows are written, with a reason, to
 *  opts->rejects (a new file, 0600, marked; the child identifier replaced by
 *  its pseudonym) and the rest imported.  A placement is known by its child,
 *  home and start; importing it again with the same placing LA, end and
 *  origin changes nothing, with another it is updated.
 * \param path   borrowed; the file to read
 * \param opts   borrowed
 * \param report caller's struct, filled in; may be NULL
 * \return HAVEN_OK (also for a no-op: report->noop); HAVEN_ERR_USAGE for bad
 *         options; HAVEN_ERR_IO, HAVEN_ERR_DENIED, HAVEN_ERR_TAMPER for the
 *         key as haven_missing_import; HAVEN_ERR_NOT_FOUND when no LA
 *         boundaries are loaded; HAVEN_ERR_FORMAT, _MISSING, _DUPLICATE,
 *         _VALUE, HAVEN_ERR_NOT_FOUND (a home not in the register) naming
 *         file and row. */
haven_status haven_placements_import(haven_ctx *ctx, const char *path, const haven_placements_opts *opts,
                                     haven_placements_report *report);

/** Which placements a measure counts, and by what.  Every pointer is
 *  borrowed for the call; zero it, then set what is needed. */
typedef struct haven_placements_query {
	const char *as_at; /* "YYYY-MM-DD": placements open on the day (start <= day < end) */
	const char *from;  /* "YYYY-MM-DD": placements starting on or after it (new placements) */
	const char *to;    /* "YYYY-MM-DD": placements starting on or before it */
	const char *by;    /* locations: "england" (default), "region" or "la" (the placing LA's);
	                      flows: "la" (default) or "region", both ends */
	int top;           /* flows between LAs: keep the top largest published flows, the rest as "other"; 0: all */
} haven_placements_query;

/** DfE's location of placements (docs/placements.md, "Locations"): one row
 *  per placing area of q->by with inside_under_20, inside_over_20,
 *  outside_under_20, outside_over_20, not_known and total, counts of the
 *  placements the acting user may see.  With neither as_at nor from/to:
 *  every placement held.
 * \param out on HAVEN_OK a new sealed table; release it with haven_release()
 *            and free it with haven_table_free().
 * \return HAVEN_ERR_USAGE for a bad --by or both as_at and from/to,
 *         HAVEN_ERR_VALUE for a bad date, HAVEN_ERR_NOT_FOUND when no
 *         placements or no LA boundaries are held, HAVEN_ERR_DENIED when
 *         nobody is acting. */
haven_status haven_placements_locations(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

/** The origin-destination matrix (docs/placements.md, "Flows"): between
 *  LAs (q->by "la" or NULL) the matrix haven export releases - one row per
 *  placing LA and host LA (placements, distinct children), both margins,
 *  a line between two LAs - with q->top the largest flows kept by the gate
 *  after control, the rest as "other"; by region (q->by "region", no top)
 *  one row per placing and host region, then each placing region's total.
 *  Errors as haven_placements_locations; HAVEN_ERR_USAGE for a top by
 *  region. */
haven_status haven_placements_flows(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

/** Net movement per LA (docs/placements.md, "Net movement"): placements
 *  into its homes by other LAs, of its children into other LAs' homes, and
 *  for record-level audiences the net and whether it is an in-placer or an
 *  out-placer.  Errors as haven_placements_locations. */
haven_status haven_placements_net(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

/** Capacity and sufficiency per LA as at q->as_at (NULL: today)
 *  (docs/placements.md, "Capacity"): open homes and registered places in
 *  the LA, children placed into its homes by other LAs, the children it
 *  places, in its own area and elsewhere, and places per child it places.
 *  Errors as haven_placements_locations; from/to are refused. */
haven_status haven_placements_capacity(haven_ctx *ctx, const haven_placements_query *q, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
