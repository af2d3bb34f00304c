/*
 * reference.c - loading open reference data as a governed operation.
 *
 * Boundaries decide every authority's scope, the gazetteer decides where
 * every home is and reference statistics are the denominators of published
 * rates, so loading any of them is an admin's act, done in one
 * transaction with its audit entry ("alteration"), and a boundary load
 * records the scopes it makes known for the first time but never changes a
 * recorded one (govern/scope.c).  The loaders themselves are in src/ref.
 */
#include <stdio.h>
#include <string.h>

#include "core/sql.h"
#include "govern/govern.h"
#include "govern/scope.h"
#include "ref/boundaries.h"
#include "ref/centres.h"
#include "ref/gazetteer.h"
#include "ref/stats.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

haven_status haven_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts, haven_boundaries_report *report)
{
	hv_clear(ctx);
	haven_boundaries_report r;
	memset(&r, 0, sizeof r);
	if (report)
		memset(report, 0, sizeof *report);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (rc)
		return rc;
	rc = hv_boundaries_load(ctx, opts, &r);
	if (!rc)
		rc = hv_scope_after_boundaries(ctx);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "boundaries: %lld %s areas from %s (%lld repaired)",
		         (long long)r.features, opts->kind, base_name(opts->path), (long long)r.repaired);
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, r.features, NULL)))
		return rc;
	if (report)
		*report = r;
	return HAVEN_OK;
}

/* The LAs' population-weighted centres: governed as a boundary load is (an
 * admin, one transaction, audited); a file giving exactly the centres held
 * writes nothing, and so records nothing. */
haven_status haven_boundaries_centres(haven_ctx *ctx, const haven_centres_opts *opts, haven_centres_report *report)
{
	hv_clear(ctx);
	haven_centres_report r;
	memset(&r, 0, sizeof r);
	if (report)
		memset(report, 0, sizeof *report);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (rc)
		return rc;
	rc = hv_centres_load(ctx, opts, &r);
	char object[320] = "";
	if (!rc && !r.noop)
		snprintf(object, sizeof object, "LA centres: %lld population-weighted centres from %s (%lld near)",
		         (long long)r.centres, base_name(opts->path), (long long)r.near);
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, *object ? object : NULL, r.noop ? 0 : r.centres, NULL)))
		return rc;
	if (report)
		*report = r;
	return HAVEN_OK;
}

haven_status haven_gazetteer_load(haven_ctx *ctx, const char *path, const haven_gazetteer_opts *opts,
                                  haven_gazetteer_report *report)
{
	hv_clear(ctx);
	haven_gazetteer_report r;
	memset(&r, 0, sizeof r);
	if (report)
		memset(report, 0, sizeof *report);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (rc)
		return rc;
	rc = hv_gazetteer_load(ctx, path, opts, &r);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "gazetteer: %lld %s from %s", (long long)(r.live + r.terminated),
		         r.uprn ? "UPRNs" : "postcodes", base_name(path));
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, r.live + r.terminated, NULL)))
		return rc;
	hv_sql_checkpoint(ctx);
	if (report)
		*report = r;
	return HAVEN_OK;
}

haven_status haven_stats_import(haven_ctx *ctx, const char *path, const haven_stats_opts *opts,
                                haven_stats_report *report)
{
	hv_clear(ctx);
	haven_stats_report r;
	memset(&r, 0, sizeof r);
	if (report)
		memset(report, 0, sizeof *report);
	hv_op op;
	haven_status rc = hv_op_begin(ctx, &op, HV_OP_ADMIN | HV_OP_WRITE);
	if (rc)
		return rc;
	rc = hv_stats_import(ctx, path, opts, &r);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "statistics: %lld figures of dataset %s from %s", (long long)r.figures,
		         r.dataset, base_name(path));
	if ((rc = hv_op_end(ctx, &op, rc, HV_AUDIT_ALTERATION, object, r.figures, NULL)))
		return rc;
	if (report)
		*report = r;
	return HAVEN_OK;
}
