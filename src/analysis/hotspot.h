/*
 * hotspot.h - the Getis-Ord Gi* statistic on a square grid (hotspot.c):
 * z-scores, conditional permutation pseudo p-values, Benjamini-Hochberg
 * q-values and the hot/cold classes.  No I/O: the grid comes in as arrays,
 * the results go out as arrays.  docs/hotspots.md gives the formulas.
 */
#ifndef HAVEN_ANALYSIS_HOTSPOT_H
#define HAVEN_ANALYSIS_HOTSPOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/context.h"
#include "govern/scope.h"
#include "haven/hotspots.h"

/* The most cells a grid may have, the most cells of its study region, and
 * the most neighbour offsets a band may give (a band of about 56 cells). */
#define HV_GISTAR_MAX_GRID ((size_t)1 << 25)
#define HV_GISTAR_MAX_REGION ((size_t)1 << 22)
#define HV_GISTAR_MAX_OFFSETS 10000
/* A cell with fewer extreme replicates than this gets the refining ones. */
#define HV_GISTAR_REFINE_AT 10

/** A grid and what to compute on it.  Every pointer is borrowed. */
typedef struct hv_gistar_in {
	size_t nx, ny;         /* columns (west to east) and rows (south to north) */
	const double *value;   /* nx * ny values, row by row from the south-west; >= 0, finite */
	const uint8_t *in;     /* nx * ny: 1 for a cell of the study region; NULL: every cell */
	double band;           /* the distance band in cell widths: cells whose centres are at most this apart are
	                          neighbours (a cell is its own neighbour) */
	unsigned permutations; /* 0: none (p and q are NAN) */
	unsigned refine;       /* > permutations: a cell with fewer than HV_GISTAR_REFINE_AT extreme replicates
	                          gets more, this many in all; else 0 */
	uint64_t seed;
} hv_gistar_in;

/* Classes: + hot, - cold; 3, 2, 1 for 99%, 95%, 90% confidence. */
enum { HV_GI_COLD99 = -3, HV_GI_NONE = 0, HV_GI_HOT99 = 3 };

/** The results, one entry per cell of the grid (NAN and class 0 outside the
 *  study region).  Free with hv_gistar_free(). */
typedef struct hv_gistar_out {
	size_t n;        /* cells in the study region */
	size_t refined;  /* cells given the refining replicates */
	double mean, sd; /* of the values over the study region (sd: divided by n) */
	double *z;       /* the Gi* z-score */
	double *p;       /* the pseudo p-value, (extreme + 1) / (R + 1), or over the refining replicates */
	double *q;       /* the Benjamini-Hochberg q-value of p over the region's cells */
	double *lag;     /* the sum of the values within the band, the cell's own included */
	uint32_t *w;     /* the neighbours within the band in the region, the cell itself included */
	int8_t *cls;     /* HV_GI_COLD99 .. HV_GI_HOT99, by q; 0 without permutations */
} hv_gistar_out;

/** Gi* (Ord and Getis 1995, with the cell itself among its neighbours and
 *  binary weights) of every cell of the study region, and with
 *  in->permutations its conditional permutation p-value (the cell's value
 *  fixed, its other neighbours' values drawn without replacement from the
 *  region's other cells), the q-values and classes.  Deterministic for a
 *  seed.
 * \param out on HAVEN_OK filled; caller frees with hv_gistar_free().
 * \return HAVEN_ERR_VALUE for a bad band, grid or value; HAVEN_ERR_NOMEM. */
haven_status hv_gistar(haven_ctx *ctx, const hv_gistar_in *in, hv_gistar_out *out);

/** Free what hv_gistar() allocated in out (out may be NULL). */
void hv_gistar_free(hv_gistar_out *out);

/** Benjamini-Hochberg q-values of the n p-values p (borrowed) into q
 *  (n entries): q(i) = min over j with p(j) >= p(i) of p(j) n / rank(j),
 *  at most 1.  NAN p-values are left out of n and get a NAN q.
 * \return HAVEN_ERR_NOMEM, else HAVEN_OK. */
haven_status hv_bh_qvalues(haven_ctx *ctx, const double *p, size_t n, double *q);

/** A square grid on the British National Grid and its study region. */
typedef struct hv_hotspot_grid {
	double x0, y0, cell; /* the south-west corner of square (0, 0), at multiples of cell; metres */
	size_t nx, ny;
	uint8_t *in; /* nx * ny: 1 for a square of the study region */
	size_t n;    /* squares in the region */
} hv_hotspot_grid;

/** The grid of cell-metre squares covering the LAs of scope (borrowed;
 *  every LA for a national scope), squares at multiples of cell, and its
 *  study region: the squares whose centres lie in one of those LAs
 *  (missing_hotspots.c).
 * \param g on HAVEN_OK filled; caller frees with hv_hotspot_grid_free().
 * \return HAVEN_ERR_NOT_FOUND without LA boundaries; HAVEN_ERR_VALUE for a
 *         grid larger than HV_GISTAR_MAX_GRID. */
haven_status hv_hotspot_region(haven_ctx *ctx, const hv_scope *scope, double cell, hv_hotspot_grid *g);

/** Free what hv_hotspot_region() allocated (g may be NULL). */
void hv_hotspot_grid_free(hv_hotspot_grid *g);

/** The hot spots near a place (missing_hotspots.c). */
typedef struct hv_hotspot_near {
	size_t hot;            /* squares classed hot in the whole study region */
	size_t near[3];        /* of those, within the radius: hot at 90, 95 and 99% confidence */
	double nearest;        /* metres from the place to the nearest hot square within the radius (0 inside);
	                          INFINITY when none */
	double cell;           /* the squares' side, metres */
	char from[16], to[16]; /* the period */
} hv_hotspot_near;

/** The squares haven_missing_hotspots would class hot with o (borrowed) for
 *  the acting user - the same episodes, study region, Gi*, permutations and
 *  seed, with nothing released - that lie within radius metres of (e, n).
 * \return as haven_missing_hotspots. */
haven_status hv_missing_hotspots_near(haven_ctx *ctx, const haven_hotspots_opts *o, double e, double n, double radius,
                                      hv_hotspot_near *out);

#endif
