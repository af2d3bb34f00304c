/*
 * clock.h - the time haven acts on, and its dates: reading the clock,
 * parsing and formatting ISO dates and times.  Never installed.
 *
 * src/core/clock.c is compiled twice.  libhaven (the released `haven` links
 * it) reads the system clock and nothing else, so no user can move "now":
 * the s.62 log records when things happened, and an expired authorisation
 * stays expired.  libhaven_test (unit tests, test tools, `haven-test`) is the
 * same objects with clock.c built with HAVEN_TEST_CLOCK: "now" may then be
 * fixed by the HAVEN_NOW environment variable or hv_clock_set().
 *
 * Audit entries are stamped by hv_clock_audit(), the system clock in both
 * libraries: neither HAVEN_NOW nor hv_clock_set() moves the log's time.
 */
#ifndef HAVEN_CLOCK_H
#define HAVEN_CLOCK_H

#include <stdint.h>

#include "haven/context.h"

/** "Now" on ctx (Unix seconds, UTC): the system clock.  Under the test
 *  clock: the time hv_clock_set() fixed, else HAVEN_NOW when it parses
 *  (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), else the system clock. */
int64_t hv_now(const haven_ctx *ctx);

/** Today's date on ctx (from hv_now) as "YYYY-MM-DD" into buf[11]. */
void hv_today(const haven_ctx *ctx, char buf[11]);

/** The time an audit entry appended now is stamped with: the system clock,
 *  whatever hv_now() says.  Under the test clock, a time set by
 *  hv_clock_set_audit() instead (test tools building a log with a history). */
int64_t hv_clock_audit(const haven_ctx *ctx);

/** Seconds on a monotonic clock, for measuring how long work took. */
double hv_monotonic(void);

/** Format t (Unix seconds, UTC) as "YYYY-MM-DDTHH:MM:SSZ" into buf[21]. */
void hv_format_time(int64_t t, char buf[21]);

/** Parse a strict ISO date "YYYY-MM-DD" (a real calendar date).
 *  Returns 1 and the days since 1970-01-01 in *days when valid, 0 otherwise. */
int hv_parse_date(const char *s, int64_t *days);

/** Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian), and
 *  the civil date of day z: the one calendar arithmetic of the library. */
int64_t hv_days_from_civil(int64_t y, int m, int d);
void hv_civil_from_days(int64_t z, int *y, int *m, int *d);

/** Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" into Unix seconds; 1 on success. */
int hv_parse_time(const char *s, int64_t *t);

#ifdef HAVEN_TEST_CLOCK
/* Only in libhaven_test, which defines HAVEN_TEST_CLOCK for everything that
 * links it: the library's own sources are compiled without it, so they
 * cannot call these, and the released binary does not contain them. */

/** Fix hv_now() on ctx at t (Unix seconds, UTC), over HAVEN_NOW. */
void hv_clock_set(haven_ctx *ctx, int64_t t);

/** Stamp the audit entries ctx appends from now on with t, so a test tool
 *  can build a log with a known history (e.g. one going backwards). */
void hv_clock_set_audit(haven_ctx *ctx, int64_t t);
#endif

#endif
