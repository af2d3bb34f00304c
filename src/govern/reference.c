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

/* The start of a governed load: the context cleared, the caller's report
 * (size bytes, may be NULL) zeroed, an admin's write operation begun. */
static haven_status load_begin(haven_ctx *ctx, hv_op *op, void *report, size_t size)
{
	hv_clear(ctx);
	if (report)
		memset(report, 0, size);
	return hv_op_begin(ctx, op, HV_OP_ADMIN | HV_OP_WRITE);
}

/* Its end: committed and audited as an alteration of rows (object NULL or
 * empty when nothing was written), or rolled back on rc; on success the
 * load's report r copied into the caller's. */
static haven_status load_end(haven_ctx *ctx, hv_op *op, haven_status rc, const char *object, int64_t rows, void *report,
                             const void *r, size_t size)
{
	if ((rc = hv_op_end(ctx, op, rc, HV_AUDIT_ALTERATION, object, rows, NULL)))
		return rc;
	if (report)
		memcpy(report, r, size);
	return HAVEN_OK;
}

haven_status haven_boundaries_load(haven_ctx *ctx, const haven_boundaries_opts *opts, haven_boundaries_report *report)
{
	haven_boundaries_report r = {0};
	hv_op op;
	haven_status rc = load_begin(ctx, &op, report, sizeof *report);
	if (rc)
		return rc;
	rc = hv_boundaries_load(ctx, opts, &r);
	if (!rc)
		rc = hv_scope_after_boundaries(ctx);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "boundaries: %lld %s areas from %s (%lld repaired)",
		         (long long)r.features, opts->kind, base_name(opts->path), (long long)r.repaired);
	return load_end(ctx, &op, rc, object, r.features, report, &r, sizeof r);
}

/* The LAs' population-weighted centres: governed as a boundary load is (an
 * admin, one transaction, audited); a file giving exactly the centres held
 * writes nothing, and so records nothing. */
haven_status haven_boundaries_centres(haven_ctx *ctx, const haven_centres_opts *opts, haven_centres_report *report)
{
	haven_centres_report r = {0};
	hv_op op;
	haven_status rc = load_begin(ctx, &op, report, sizeof *report);
	if (rc)
		return rc;
	rc = hv_centres_load(ctx, opts, &r);
	char object[320] = "";
	if (!rc && !r.noop)
		snprintf(object, sizeof object, "LA centres: %lld population-weighted centres from %s (%lld near)",
		         (long long)r.centres, base_name(opts->path), (long long)r.near);
	return load_end(ctx, &op, rc, *object ? object : NULL, r.noop ? 0 : r.centres, report, &r, sizeof r);
}

haven_status haven_gazetteer_load(haven_ctx *ctx, const char *path, const haven_gazetteer_opts *opts,
                                  haven_gazetteer_report *report)
{
	haven_gazetteer_report r = {0};
	hv_op op;
	haven_status rc = load_begin(ctx, &op, report, sizeof *report);
	if (rc)
		return rc;
	rc = hv_gazetteer_load(ctx, path, opts, &r);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "gazetteer: %lld %s from %s", (long long)(r.live + r.terminated),
		         r.uprn ? "UPRNs" : "postcodes", base_name(path));
	if ((rc = load_end(ctx, &op, rc, object, r.live + r.terminated, report, &r, sizeof r)))
		return rc;
	hv_sql_checkpoint(ctx);
	return HAVEN_OK;
}

haven_status haven_stats_import(haven_ctx *ctx, const char *path, const haven_stats_opts *opts,
                                haven_stats_report *report)
{
	haven_stats_report r = {0};
	hv_op op;
	haven_status rc = load_begin(ctx, &op, report, sizeof *report);
	if (rc)
		return rc;
	rc = hv_stats_import(ctx, path, opts, &r);
	char object[320] = "";
	if (!rc)
		snprintf(object, sizeof object, "statistics: %lld figures of dataset %s from %s", (long long)r.figures,
		         r.dataset, base_name(path));
	return load_end(ctx, &op, rc, object, r.figures, report, &r, sizeof r);
}
