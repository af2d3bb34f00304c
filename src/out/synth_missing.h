/*
 * synth_missing.h - synthetic missing-from-care episode files for the
 * synthetic register (internal to src/out/: synth.c calls it).
 *
 * The episodes are calibrated to DfE's figures by local authority and year
 * (docs/synth.md): each LA-year's scaled incidents, children with an incident
 * and children missing more than once are generated exactly, as episodes of
 * children that LA places, at homes of the register open on the day.
 */
#ifndef HAVEN_SYNTH_MISSING_H
#define HAVEN_SYNTH_MISSING_H

#include <stdio.h>

#include "core/context.h"
#include "haven/synth.h"
#include "ref/areas.h"

/* Postcodes sampled per LA for found locations (besides the homes' own). */
#define HV_SYNTH_POOL 64

/** One home of the synthetic register, as the generator needs it. */
typedef struct hv_synth_home {
	const char *urn; /* borrowed */
	const char *pc;  /* its invented (real) postcode, borrowed */
	long la;         /* index in the 'la' areas */
	int64_t reg_day; /* registration date, days since 1970-01-01 */
	int64_t places;
	double e, n; /* the postcode's centroid, EPSG:27700 */
} hv_synth_home;

/** Live postcodes of one LA (a uniform sample), for places children are found. */
typedef struct hv_synth_pcs {
	int64_t n;
	char (*pc)[9];
} hv_synth_pcs;

/** Check m and fill *out with its defaults resolved (years 2019-2023, the
 *  default share).  HAVEN_ERR_USAGE for years outside 2019-2023 or reversed,
 *  or a share outside (0, 1].  m borrowed; out->dfe_path borrows m's. */
haven_status hv_synth_missing_check(haven_ctx *ctx, const haven_synth_missing *m, haven_synth_missing *out);

/** Read DfE's file m->dfe_path and write the police and LA episode files to
 *  police and la (open, borrowed; written through the table writer).
 *  homes (nh), la_areas and pcs (one per LA area) are borrowed.  The same
 *  inputs and seed give the same bytes.  Fills rep's episode fields. */
haven_status hv_synth_missing_write(haven_ctx *ctx, const haven_synth_missing *m, uint64_t seed,
                                    const hv_synth_home *homes, size_t nh, const hv_areas *la_areas,
                                    const hv_synth_pcs *pcs, FILE *police, FILE *la, haven_synth_report *rep);

#endif
