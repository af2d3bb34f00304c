/*
 * satscan.h - reading SaTScan's own input files (satscan.c): the case file
 * (location id, number of cases, date) and the coordinates file (location
 * id and two coordinates), whitespace-separated, one record a line, as
 * SaTScan reads them.  docs/scan.md ("Files").
 */
#ifndef HAVEN_CORE_SATSCAN_H
#define HAVEN_CORE_SATSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/context.h"

/* A SaTScan input file is read whole: at most this many bytes. */
#define HV_SATSCAN_FILE_MAX (256LL << 20)

/** What the two files hold: locations in the coordinates file's order, and
 *  the case records in the study period, days counted from its start. */
typedef struct hv_satscan {
	size_t nloc;
	char **ids;    /* location ids as written */
	double *a, *b; /* the two coordinates as written: x y, or latitude longitude */
	size_t nrec;
	uint32_t *loc; /* per record: index in ids */
	int32_t *day;  /* per record: days after the start */
	uint32_t *count;
	int64_t outside;      /* cases dated outside the study period, not kept */
	int64_t outside_rows; /* their rows */
} hv_satscan;

/** Read the coordinates file, then the case file, for the study period
 *  [start, end] (days, hv_parse_date).  With latlong the coordinates are
 *  latitude and longitude in degrees.  Errors name the file and the row
 *  (its line): a line with other than three fields, a number or date that
 *  is not one, a latitude or longitude out of range, an id given twice in
 *  the coordinates file (naming the first row), a case at a location the
 *  coordinates file lacks; HAVEN_ERR_FORMAT for a NUL byte or bad UTF-8.
 * \param out zeroed by the caller; on HAVEN_OK filled, freed with
 *            hv_satscan_free() (also on failure). */
haven_status hv_satscan_read(haven_ctx *ctx, const char *coordinates, const char *cases, int latlong, int64_t start,
                             int64_t end, hv_satscan *out);

/** Free what s holds (not s); NULL is a no-op. */
void hv_satscan_free(hv_satscan *s);

#endif
