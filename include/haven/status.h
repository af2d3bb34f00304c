/*
 * haven/status.h - the one status type every fallible haven function returns.
 *
 * The numeric value of each status is also the exit code of the haven CLI, so
 * scripts can tell the classes of failure apart without parsing messages.
 * Codes avoid 1 (generic shell failure), 124-127 and 137.  The message that
 * goes with a status lives on the context: see haven_errmsg().
 */
#ifndef HAVEN_STATUS_H
#define HAVEN_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum haven_status {
	HAVEN_OK = 0,
	HAVEN_ERR_USAGE = 2,      /* bad command line or API misuse */
	HAVEN_ERR_IO = 3,         /* a file could not be read or written */
	HAVEN_ERR_NOMEM = 4,      /* out of memory */
	HAVEN_ERR_SQL = 5,        /* SQLite/SpatiaLite failed */
	HAVEN_ERR_GEOS = 6,       /* GEOS failed */
	HAVEN_ERR_PROJ = 7,       /* PROJ failed */
	HAVEN_ERR_GDAL = 8,       /* GDAL/OGR failed */
	HAVEN_ERR_NOT_STORE = 10, /* the file is not a haven store */
	HAVEN_ERR_SCHEMA = 11,    /* the store is newer than this binary */
	HAVEN_ERR_FORMAT = 20,    /* malformed input: quoting, column count, encoding, unreadable file */
	HAVEN_ERR_MISSING = 21,   /* a required column or value is missing */
	HAVEN_ERR_DUPLICATE = 22, /* a key appears twice where it must be unique */
	HAVEN_ERR_VALUE = 23,     /* a value is impossible: postcode, date, number, name */
	HAVEN_ERR_CRS = 24,       /* coordinates do not fit the declared or expected CRS */
	HAVEN_ERR_STALE = 25,     /* a snapshot older than (or conflicting with) one already held */
	HAVEN_ERR_NOT_FOUND = 26, /* the thing asked for is not in the store */
	HAVEN_ERR_DENIED = 30,    /* refused by the protocol's rules */
	HAVEN_ERR_TAMPER = 31     /* integrity check failed */
} haven_status;

/** Short constant name of a status, e.g. "HAVEN_ERR_DATA". Static string. */
const char *haven_status_name(haven_status st);

#ifdef __cplusplus
}
#endif
#endif
