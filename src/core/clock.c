/*
 * clock.c - the clock haven acts on, and ISO dates and times.
 *
 * Compiled twice (CMakeLists.txt): as is into libhaven, where every time is
 * the system clock's, and with HAVEN_TEST_CLOCK into libhaven_test, where
 * tests may fix "now" (HAVEN_NOW, hv_clock_set) and a test tool may stamp
 * audit entries (hv_clock_set_audit).  Nothing a user can set in the
 * environment reaches a release build: the s.62 log and the checks on dates
 * (an authorisation's expiry, a request's lapse, "not in the future") must
 * follow when things happen, not when someone says they did.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/context.h"

static int64_t system_now(void)
{
	return (int64_t)time(NULL);
}

#ifdef HAVEN_TEST_CLOCK

int64_t hv_now(const haven_ctx *ctx)
{
	if (ctx->test_clock.now_set)
		return ctx->test_clock.now;
	/* Read on every call, so a test may change it between calls. */
	const char *env = getenv("HAVEN_NOW");
	int64_t t;
	if (env && *env && hv_parse_time(env, &t))
		return t;
	return system_now();
}

int64_t hv_clock_audit(const haven_ctx *ctx)
{
	return ctx->test_clock.audit_set ? ctx->test_clock.audit : system_now();
}

void hv_clock_set(haven_ctx *ctx, int64_t t)
{
	ctx->test_clock.now = t;
	ctx->test_clock.now_set = 1;
}

void hv_clock_set_audit(haven_ctx *ctx, int64_t t)
{
	ctx->test_clock.audit = t;
	ctx->test_clock.audit_set = 1;
}

#else

int64_t hv_now(const haven_ctx *ctx)
{
	(void)ctx;
	return system_now();
}

int64_t hv_clock_audit(const haven_ctx *ctx)
{
	(void)ctx;
	return system_now();
}

#endif

double hv_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Days from civil date and back, after H. Hinnant's algorithms (proleptic
 * Gregorian). */
int64_t hv_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void hv_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int hv_parse_date(const char *s, int64_t *days)
{
	if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return 0;
	if (days)
		*days = hv_days_from_civil(y, m, d);
	return 1;
}

int hv_parse_time(const char *s, int64_t *t)
{
	char date[11];
	int64_t days;
	size_t n = strlen(s);
	if (n < 10)
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!hv_parse_date(date, &days))
		return 0;
	int64_t secs = days * 86400;
	if (n == 10) {
		*t = secs;
		return 1;
	}
	if (n != 20 || s[10] != 'T' || s[19] != 'Z' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2))
		return 0;
	int hh = atoi(s + 11), mm = atoi(s + 14), ss = atoi(s + 17);
	if (hh > 23 || mm > 59 || ss > 60)
		return 0;
	*t = secs + hh * 3600 + mm * 60 + ss;
	return 1;
}

void hv_format_time(int64_t t, char buf[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hv_today(const haven_ctx *ctx, char buf[11])
{
	char t[21];
	hv_format_time(hv_now(ctx), t);
	memcpy(buf, t, 10);
	buf[10] = '\0';
}
