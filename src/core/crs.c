/*
 * crs.c - PROJ transformations into British National Grid.
 *
 * Debian's proj-data has no OSTN15 grid, so PROJ uses the published 7-parameter
 * Helmert from ETRS89/WGS84 to OSGB36: about 2-3 m horizontally, well inside
 * the 20 m generalisation of the bundled ONS boundaries.
 */
#include <math.h>

#include "core/crs.h"

int hv_bng_in_extent(double e, double n)
{
	if (fabs(e) <= 180.0 && fabs(n) <= 90.0)
		return 0;
	return isfinite(e) && isfinite(n) && e >= HV_BNG_MIN_E && e <= HV_BNG_MAX_E && n >= HV_BNG_MIN_N &&
	       n <= HV_BNG_MAX_N;
}

int hv_lonlat_in_gb(double lon, double lat)
{
	return isfinite(lon) && isfinite(lat) && lon >= -9.0 && lon <= 2.5 && lat >= 49.0 && lat <= 61.5;
}

haven_status hv_crs_to_bng(haven_ctx *ctx, const char *source_crs, PJ **out)
{
	*out = NULL;
	PJ *raw = proj_create_crs_to_crs(ctx->proj, source_crs, "EPSG:27700", NULL);
	if (!raw)
		return hv_error(ctx, HAVEN_ERR_PROJ, "cannot transform from %.80s to EPSG:27700: %s", source_crs,
		                proj_context_errno_string(ctx->proj, proj_context_errno(ctx->proj)));
	PJ *norm = proj_normalize_for_visualization(ctx->proj, raw);
	proj_destroy(raw);
	if (!norm)
		return hv_error(ctx, HAVEN_ERR_PROJ, "cannot normalise axis order: %s",
		                proj_context_errno_string(ctx->proj, proj_context_errno(ctx->proj)));
	*out = norm;
	return HAVEN_OK;
}

haven_status hv_crs_point(haven_ctx *ctx, PJ *pj, double x, double y, double *e, double *n)
{
	PJ_COORD c = proj_coord(x, y, 0, 0);
	PJ_COORD r = proj_trans(pj, PJ_FWD, c);
	if (!isfinite(r.xy.x) || !isfinite(r.xy.y))
		return hv_error(ctx, HAVEN_ERR_PROJ, "cannot transform (%.6f, %.6f) to EPSG:27700", x, y);
	*e = r.xy.x;
	*n = r.xy.y;
	return HAVEN_OK;
}

haven_status hv_crs_points(haven_ctx *ctx, PJ *pj, double *x, double *y, size_t n)
{
	if (n == 0)
		return HAVEN_OK;
	size_t done = proj_trans_generic(pj, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0, NULL, 0, 0);
	if (done != n)
		return hv_error(ctx, HAVEN_ERR_PROJ, "transformed %zu of %zu points to EPSG:27700", done, n);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return hv_error(ctx, HAVEN_ERR_PROJ, "point %zu could not be transformed to EPSG:27700", i + 1);
	return HAVEN_OK;
}

/* The context's lon/lat -> BNG transformation, made on first use. */
static haven_status wgs84_to_bng(haven_ctx *ctx)
{
	return ctx->wgs84_to_bng ? HAVEN_OK : hv_crs_to_bng(ctx, "EPSG:4326", &ctx->wgs84_to_bng);
}

haven_status hv_lonlat_to_bng(haven_ctx *ctx, double lon, double lat, double *e, double *n)
{
	haven_status rc = wgs84_to_bng(ctx);
	return rc ? rc : hv_crs_point(ctx, ctx->wgs84_to_bng, lon, lat, e, n);
}

haven_status hv_bng_to_lonlat(haven_ctx *ctx, double e, double n, double *lon, double *lat)
{
	haven_status rc = wgs84_to_bng(ctx);
	if (rc)
		return rc;
	PJ_COORD r = proj_trans(ctx->wgs84_to_bng, PJ_INV, proj_coord(e, n, 0, 0));
	if (!isfinite(r.xy.x) || !isfinite(r.xy.y))
		return hv_error(ctx, HAVEN_ERR_PROJ, "cannot transform (%.1f, %.1f) from EPSG:27700", e, n);
	*lon = r.xy.x;
	*lat = r.xy.y;
	return HAVEN_OK;
}

void hv_crs_cleanup(haven_ctx *ctx)
{
	if (ctx->wgs84_to_bng) {
		proj_destroy(ctx->wgs84_to_bng);
		ctx->wgs84_to_bng = NULL;
	}
}
