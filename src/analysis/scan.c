/*
 * scan.c - the space-time permutation scan as haven's users run it
 * (include/haven/scan.h): on an analyst's own SaTScan files, and on the
 * store's episodes of children missing from care.  The scan itself is
 * stscan.c; this file turns its input into locations, days and cases, and
 * its clusters into a sealed table.  docs/scan.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stscan.h"
#include "core/clock.h"
#include "core/satscan.h"
#include "core/table.h"
#include "haven/scan.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

static void day_text(int64_t z, char buf[16])
{
	int y, m, d;
	hv_civil_from_days(z, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* The scan's input from the options: checked here so that a bad option is
 * a usage error naming the option. */
static haven_status scan_in(haven_ctx *ctx, const haven_scan_opts *o, int32_t ndays, hv_stscan_in *in)
{
	if (!o)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the scan needs its options (--max-radius, --max-days)");
	if (!(o->max_radius >= 0) || !isfinite(o->max_radius))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--max-radius must be a distance in metres, 0 or more");
	if (o->max_days < 1 || o->max_days > ndays)
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "--max-days %d: the window must be 1 to %d days (the length of the study period)",
		                o->max_days, (int)ndays);
	if (o->replicates > 999999)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--replicates %u: at most 999999", o->replicates);
	in->ndays = ndays;
	in->max_radius = o->max_radius;
	in->max_days = o->max_days;
	in->prospective = o->prospective;
	in->replicates = o->replicates;
	in->seed = o->seed;
	in->min_cases = o->min_cases;
	in->max_clusters = o->clusters;
	return HAVEN_OK;
}

static haven_status study_period(haven_ctx *ctx, const char *start, const char *end, int64_t *a, int64_t *b)
{
	if (!start || !end)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period needs --start and --end");
	if (!hv_parse_date(start, a))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--start '%s' is not a date (YYYY-MM-DD)", start);
	if (!hv_parse_date(end, b))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--end '%s' is not a date (YYYY-MM-DD)", end);
	if (*b < *a)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period runs backwards, from %s to %s", start, end);
	if (*b - *a + 1 > HV_STSCAN_MAX_DAYS)
		return hv_error(ctx, HAVEN_ERR_USAGE, "the study period is longer than %d days", HV_STSCAN_MAX_DAYS);
	return HAVEN_OK;
}

static const char *const file_cols[] = {"cluster",   "centre",   "coord_1", "coord_2", "members",
                                        "locations", "radius_m", "start",   "end",     "days",
                                        "observed",  "expected", "obs_exp", "llr",     "p"};
enum {
	F_CLUSTER,
	F_CENTRE,
	F_C1,
	F_C2,
	F_MEMBERS,
	F_LOCS,
	F_RADIUS,
	F_START,
	F_END,
	F_DAYS,
	F_OBS,
	F_EXP,
	F_RATIO,
	F_LLR,
	F_P,
	NFILE
};

/* The members' ids joined by ", " (freed by the caller). */
static char *join_ids(const hv_stscan_cluster *c, char *const *ids)
{
	size_t n = 1;
	for (size_t k = 0; k < c->nmembers; k++)
		n += strlen(ids[c->members[k]]) + 2;
	char *s = malloc(n), *p = s;
	if (!s)
		return NULL;
	for (size_t k = 0; k < c->nmembers; k++)
		p += sprintf(p, "%s%s", k ? ", " : "", ids[c->members[k]]);
	*p = 0;
	return s;
}

/* The columns every table of clusters has: window, counts, ratio, p. */
static haven_status set_stats(haven_ctx *ctx, haven_table *t, const hv_stscan_cluster *c, int64_t start, int col0)
{
	char a[16], b[16];
	day_text(start + c->first_day, a);
	day_text(start + c->last_day, b);
	haven_status rc;
	if ((rc = hv_table_set_text(ctx, t, col0, a)) || (rc = hv_table_set_text(ctx, t, col0 + 1, b)) ||
	    (rc = hv_table_set_int(ctx, t, col0 + 2, c->last_day - c->first_day + 1)) ||
	    (rc = hv_table_set_int(ctx, t, col0 + 3, c->observed)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 4, round(c->expected * 1000) / 1000)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 5, round((double)c->observed / c->expected * 1000) / 1000)) ||
	    (rc = hv_table_set_real(ctx, t, col0 + 6, round(c->llr * 1e6) / 1e6)))
		return rc;
	return isnan(c->p) ? HAVEN_OK : hv_table_set_real(ctx, t, col0 + 7, c->p);
}

static haven_status meta(haven_ctx *ctx, haven_table *t, const hv_stscan_in *in, const hv_stscan_out *r, int64_t start,
                         int64_t end)
{
	char a[16], b[16], buf[256];
	day_text(start, a);
	day_text(end, b);
	haven_status rc;
	snprintf(buf, sizeof buf, "%s to %s (%d days)", a, b, (int)in->ndays);
	if ((rc = hv_table_meta_set(ctx, t, "study_period", buf)))
		return rc;
	snprintf(buf, sizeof buf,
	         "space-time permutation (Kulldorff et al. 2005), %s, maximum radius %g m, maximum window %d days, "
	         "at least %u cases, %s distances",
	         in->prospective ? "prospective" : "retrospective", in->max_radius, (int)in->max_days,
	         in->min_cases ? in->min_cases : 2, in->latlong ? "great-circle" : "Euclidean");
	if ((rc = hv_table_meta_set(ctx, t, "model", buf)))
		return rc;
	snprintf(buf, sizeof buf, "%lld cases at %zu locations", (long long)r->cases, in->nloc);
	if ((rc = hv_table_meta_set(ctx, t, "data", buf)))
		return rc;
	snprintf(buf, sizeof buf, "%u replicates, seed %llu; p = rank / (replicates + 1)", in->replicates,
	         (unsigned long long)in->seed);
	return hv_table_meta_set(ctx, t, "replicates", buf);
}

haven_status haven_scan_files(haven_ctx *ctx, const char *cases, const char *coordinates, const char *start,
                              const char *end, int latlong, const haven_scan_opts *o, haven_table **out)
{
	hv_clear(ctx);
	*out = NULL;
	int64_t a = 0, b = 0;
	hv_satscan f = {0};
	hv_stscan_in in = {0};
	hv_stscan_out r = {0};
	haven_table *t = NULL;
	haven_status rc = study_period(ctx, start, end, &a, &b);
	if (!rc)
		rc = scan_in(ctx, o, (int32_t)(b - a + 1), &in);
	if (!rc && (!cases || !coordinates))
		rc = hv_error(ctx, HAVEN_ERR_USAGE, "the scan needs --cases and --coordinates");
	if (!rc)
		rc = hv_satscan_read(ctx, coordinates, cases, latlong, a, b, &f);
	if (rc)
		goto done;
	if (f.outside)
		hv_notice(ctx, "%s: %lld cases on %lld rows are dated outside the study period and were left out",
		          cases, (long long)f.outside, (long long)f.outside_rows);
	in.nloc = f.nloc;
	in.a = f.a;
	in.b = f.b;
	in.latlong = latlong;
	in.nrec = f.nrec;
	in.loc = f.loc;
	in.day = f.day;
	in.count = f.count;
	if ((rc = hv_stscan_run(ctx, &in, &r)))
		goto done;
	const char *names[NFILE];
	memcpy(names, file_cols, sizeof names);
	names[F_C1] = latlong ? "latitude" : "x";
	names[F_C2] = latlong ? "longitude" : "y";
	if ((rc = hv_table_new(ctx, "space-time permutation scan", HV_TABLE_PUBLIC, NFILE, names, &t)))
		goto done;
	for (size_t i = 0; i < r.n && !rc; i++) {
		const hv_stscan_cluster *c = &r.clusters[i];
		char *m = join_ids(c, f.ids);
		if (!m) {
			rc = nomem(ctx);
			break;
		}
		if (!(rc = hv_table_add_row(ctx, t)) && !(rc = hv_table_set_int(ctx, t, F_CLUSTER, (int64_t)i + 1)) &&
		    !(rc = hv_table_set_text(ctx, t, F_CENTRE, f.ids[c->centre])) &&
		    !(rc = hv_table_set_real(ctx, t, F_C1, f.a[c->centre])) &&
		    !(rc = hv_table_set_real(ctx, t, F_C2, f.b[c->centre])) &&
		    !(rc = hv_table_set_text(ctx, t, F_MEMBERS, m)) &&
		    !(rc = hv_table_set_int(ctx, t, F_LOCS, (int64_t)c->nmembers)) &&
		    !(rc = hv_table_set_real(ctx, t, F_RADIUS, round(c->radius * 10) / 10)))
			rc = set_stats(ctx, t, c, a, F_START);
		free(m);
	}
	if (!rc)
		rc = meta(ctx, t, &in, &r, a, b);
done:
	hv_stscan_out_free(&r);
	hv_satscan_free(&f);
	if (rc)
		haven_table_free(t);
	else
		*out = t;
	return rc;
}
