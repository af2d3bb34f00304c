/*
 * missing_time.h - the clock times of the missing-from-care tables (schema
 * 9): INTEGER seconds since 1970-01-01T00:00:00 of the clock as reported
 * (Europe/London wall-clock time, no zone applied), for the importer and
 * every reader of missing_report and missing_episode.
 */
#ifndef HAVEN_DATA_MISSING_TIME_H
#define HAVEN_DATA_MISSING_TIME_H

#include <stdint.h>

/** The day (since 1970-01-01) of clock time secs: floor division. */
static inline int64_t hv_missing_day(int64_t secs)
{
	return secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
}

/** The clock time secs in days since 1970-01-01, with the time of day as
 *  a fraction. */
static inline double hv_missing_days(int64_t secs)
{
	int64_t z = hv_missing_day(secs);
	return (double)z + (double)(secs - z * 86400) / 86400.0;
}

#endif
