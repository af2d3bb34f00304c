/*
 * synth_zones.h - synthetic offender exclusion zones beside the synthetic
 * register (internal to src/out/: synth.c calls it).  docs/synth.md.
 */
#ifndef HAVEN_SYNTH_ZONES_H
#define HAVEN_SYNTH_ZONES_H

#include <stdio.h>

#include "core/context.h"

/** Write the zones file (docs/formats.md, "Zones file") to out (open,
 *  borrowed): one zone for about every eight homes, each holding the home
 *  it is drawn around (e[i], n[i], EPSG:27700; borrowed) so that it lies in
 *  England and Wales; three in five are points with a radius, the rest
 *  irregular polygons; one in four applies only at given times, one in six
 *  has ended.  Coordinates in WGS84 (WKT, longitude first).  The same seed
 *  and homes give the same bytes.  *written: the zones written. */
haven_status hv_synth_zones_write(haven_ctx *ctx, uint64_t seed, const double *e, const double *n, size_t nh, FILE *out,
                                  int64_t *written);

#endif
