/*
 * gazetteer_int.h - lookups in the store's postcode and UPRN gazetteer.
 */
#ifndef HAVEN_GAZETTEER_INT_H
#define HAVEN_GAZETTEER_INT_H

#include "core/context.h"
#include "haven/gazetteer.h"

typedef struct hv_gazetteer hv_gazetteer;

typedef enum hv_gz_match {
	HV_GZ_NONE = 0,       /* not in the gazetteer */
	HV_GZ_LIVE = 1,       /* a live postcode with a grid reference */
	HV_GZ_TERMINATED = 2, /* a terminated postcode with a grid reference */
	HV_GZ_NO_COORDS = 3   /* known, but the source gave no grid reference */
} hv_gz_match;

/** Prepared lookups on the open store.  Free with hv_gazetteer_close(). */
haven_status hv_gazetteer_open(haven_ctx *ctx, hv_gazetteer **out);
void hv_gazetteer_close(hv_gazetteer *g);

/** pc must be canonical (haven_postcode_normalise).  Live is tried before
 *  terminated.  *e, *n are BNG metres when *m is LIVE or TERMINATED. */
haven_status hv_gazetteer_postcode(hv_gazetteer *g, const char *pc, hv_gz_match *m, double *e, double *n);

/** Centroid of a postcode sector ("M1 4"); *found 0 or 1. */
haven_status hv_gazetteer_sector(hv_gazetteer *g, const char *sector, int *found, double *e, double *n);

/** Point of a UPRN; *found 0 or 1. */
haven_status hv_gazetteer_uprn(hv_gazetteer *g, int64_t uprn, int *found, double *e, double *n);

/** Replace the postcode (or UPRN) tables from path inside the caller's
 *  write transaction (the caller rolls back on any error, and after commit
 *  may truncate the write-ahead log: hv_sql_checkpoint).  Arguments and
 *  errors as haven_gazetteer_load(); the public one is the governed
 *  operation around it (src/govern/reference.c). */
haven_status hv_gazetteer_load(haven_ctx *ctx, const char *path, const haven_gazetteer_opts *opts,
                               haven_gazetteer_report *report);

#endif
