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
#include "core/source.h"
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

/** The splitmix64 generator of every synthetic file: the next number, a
 *  uniform double in [0, 1), a whole number in [0, n) (0 when n <= 0), a
 *  standard normal deviate.  s borrowed, advanced. */
uint64_t hv_synth_rnd(uint64_t *s);
double hv_synth_unif(uint64_t *s);
int64_t hv_synth_below(uint64_t *s, int64_t n);
double hv_synth_gauss(uint64_t *s);
/** The index of the first of cum[0..n) (cumulative weights, n >= 1)
 *  above r: a weighted choice when r is uniform in [0, cum[n - 1]). */
int64_t hv_synth_pick(const double *cum, int64_t n, double r);
/** Day (days since 1970-01-01) as YYYY-MM-DD into buf. */
void hv_synth_fmt_day(int64_t day, char buf[16]);

/** The 'la' areas (indices into out, 1 or 2 of them; 0: none) whose figures
 *  a DfE LA code's are: the area itself, its successor under the April 2023
 *  reorganisation (hv_la_same_area), or the successors of a split or merged
 *  authority (Cumbria, Northamptonshire: two; Bournemouth, Poole and the old
 *  Dorset county: one).  la and code borrowed. */
int hv_synth_la_targets(const hv_areas *la, const char *code, long out[2]);

/** The year (time_period, column cy) and LA code (new_la_code, column cc)
 *  of the current row of a DfE file: a four-digit year and an ONS code, or
 *  HAVEN_ERR_VALUE naming the file and row.  *code borrowed from src. */
haven_status hv_synth_dfe_row(hv_source *src, int cy, int cc, int *year, const char **code);

/** A child of the episode files at their first home in a year, for the
 *  placements file to give the same child_id where a placement fits. */
typedef struct hv_synth_kid {
	char id[32];       /* child_id as in the episode files */
	int32_t pla;       /* the placing LA (index in the 'la' areas) */
	int32_t home;      /* the home of their first episode of the year */
	int year;          /* the year ending 31 March */
	int64_t first_day; /* days since 1970-01-01: their first episode there */
	int64_t last_day;  /* their last episode there */
	int64_t move_day;  /* their first episode at a home they moved to; -1 none */
} hv_synth_kid;

/** Check m and fill *out with its defaults resolved (years 2019-2023, the
 *  default share).  HAVEN_ERR_USAGE for years outside 2019-2023 or reversed,
 *  or a share outside (0, 1].  m borrowed; out->dfe_path borrows m's. */
haven_status hv_synth_missing_check(haven_ctx *ctx, const haven_synth_missing *m, haven_synth_missing *out);

/** Read DfE's file m->dfe_path and write the police and LA episode files to
 *  police and la (open, borrowed; written through the table writer).
 *  homes (nh), la_areas and pcs (one per LA area) are borrowed.  The same
 *  inputs and seed give the same bytes.  Fills rep's episode fields; with
 *  kids, *kids (free()) and *nkids the children of every LA-year. */
haven_status hv_synth_missing_write(haven_ctx *ctx, const haven_synth_missing *m, uint64_t seed,
                                    const hv_synth_home *homes, size_t nh, const hv_areas *la_areas,
                                    const hv_synth_pcs *pcs, FILE *police, FILE *la, haven_synth_report *rep,
                                    hv_synth_kid **kids, size_t *nkids);

#endif
