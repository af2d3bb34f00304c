/*
 * context.c - the haven context: GEOS/PROJ handles, error state, hooks.
 * The clock and dates are src/core/clock.c.
 *
 * Open order follows shared/STYLE.md: GEOS, its message handler, PROJ, and
 * (in store.c) SQLite then SpatiaLite; closing runs the other way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>

#include "core/context.h"
#include <spatialite.h>
#include "core/crs.h"

/* HAVEN_VERSION is project(VERSION) in CMakeLists.txt, given to the compiler
 * there, so the version is written in one place. */
#ifndef HAVEN_VERSION
#error "HAVEN_VERSION is defined by CMakeLists.txt from project(VERSION)"
#endif

const char *haven_version(void) { return HAVEN_VERSION; }

const char *haven_status_name(haven_status st)
{
	switch (st) {
	case HAVEN_OK: return "HAVEN_OK";
	case HAVEN_ERR_USAGE: return "HAVEN_ERR_USAGE";
	case HAVEN_ERR_IO: return "HAVEN_ERR_IO";
	case HAVEN_ERR_NOMEM: return "HAVEN_ERR_NOMEM";
	case HAVEN_ERR_SQL: return "HAVEN_ERR_SQL";
	case HAVEN_ERR_GEOS: return "HAVEN_ERR_GEOS";
	case HAVEN_ERR_PROJ: return "HAVEN_ERR_PROJ";
	case HAVEN_ERR_GDAL: return "HAVEN_ERR_GDAL";
	case HAVEN_ERR_NOT_STORE: return "HAVEN_ERR_NOT_STORE";
	case HAVEN_ERR_SCHEMA: return "HAVEN_ERR_SCHEMA";
	case HAVEN_ERR_FORMAT: return "HAVEN_ERR_FORMAT";
	case HAVEN_ERR_MISSING: return "HAVEN_ERR_MISSING";
	case HAVEN_ERR_DUPLICATE: return "HAVEN_ERR_DUPLICATE";
	case HAVEN_ERR_VALUE: return "HAVEN_ERR_VALUE";
	case HAVEN_ERR_CRS: return "HAVEN_ERR_CRS";
	case HAVEN_ERR_STALE: return "HAVEN_ERR_STALE";
	case HAVEN_ERR_NOT_FOUND: return "HAVEN_ERR_NOT_FOUND";
	case HAVEN_ERR_DENIED: return "HAVEN_ERR_DENIED";
	case HAVEN_ERR_TAMPER: return "HAVEN_ERR_TAMPER";
	}
	return "HAVEN_ERR_UNKNOWN";
}

void haven_global_init(void)
{
	GDALAllRegister();
	/* GDAL would otherwise print warnings itself; haven reports its own. */
	CPLSetErrorHandler(CPLQuietErrorHandler);
	spatialite_initialize();
}

void haven_global_cleanup(void)
{
	spatialite_shutdown();
	GDALDestroyDriverManager();
}

static void geos_message(const char *msg, void *user)
{
	haven_ctx *ctx = user;
	snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", msg);
}

static void proj_message(void *user, int level, const char *msg)
{
	(void)user;
	(void)level;
	(void)msg; /* PROJ's errors are read back with proj_context_errno_string() */
}

haven_status haven_ctx_new(haven_ctx **out)
{
	*out = NULL;
	haven_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return HAVEN_ERR_NOMEM;
	ctx->geos = GEOS_init_r();
	if (!ctx->geos) {
		free(ctx);
		return HAVEN_ERR_NOMEM;
	}
	GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
	ctx->proj = proj_context_create();
	if (!ctx->proj) {
		GEOS_finish_r(ctx->geos);
		free(ctx);
		return HAVEN_ERR_PROJ;
	}
	proj_log_func(ctx->proj, ctx, proj_message);
	*out = ctx;
	return HAVEN_OK;
}

void hv_ctx_close_store(haven_ctx *ctx)
{
	memset(&ctx->actor, 0, sizeof ctx->actor);
	if (ctx->db) {
		sqlite3_close(ctx->db);
		ctx->db = NULL;
	}
	if (ctx->splite) {
		spatialite_cleanup_ex(ctx->splite);
		ctx->splite = NULL;
	}
	free(ctx->store_path);
	ctx->store_path = NULL;
}

void haven_ctx_free(haven_ctx *ctx)
{
	if (!ctx)
		return;
	hv_ctx_close_store(ctx);
	hv_crs_cleanup(ctx);
	proj_context_destroy(ctx->proj);
	GEOS_finish_r(ctx->geos);
	free(ctx);
}

const char *haven_errmsg(const haven_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }

haven_status haven_errcode(const haven_ctx *ctx) { return ctx ? ctx->status : HAVEN_ERR_NOMEM; }

void haven_ctx_set_progress(haven_ctx *ctx, haven_progress_fn fn, void *user)
{
	ctx->progress = fn;
	ctx->progress_user = user;
}

void haven_ctx_set_notice(haven_ctx *ctx, haven_notice_fn fn, void *user)
{
	ctx->notice = fn;
	ctx->notice_user = user;
}

haven_status hv_error(haven_ctx *ctx, haven_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
	va_end(ap);
	ctx->status = st;
	return st;
}

haven_status hv_error_sql(haven_ctx *ctx, const char *what)
{
	const char *m = ctx->db ? sqlite3_errmsg(ctx->db) : "no store open";
	return hv_error(ctx, HAVEN_ERR_SQL, "%s: %s", what, m);
}

haven_status hv_error_gdal(haven_ctx *ctx, haven_status st, const char *what)
{
	const char *m = CPLGetLastErrorMsg();
	if (m && *m)
		return hv_error(ctx, st, "%s: %s", what, m);
	return hv_error(ctx, st, "%s", what);
}

static void CPL_STDCALL watch_handler(CPLErr cls, CPLErrorNum no, const char *msg)
{
	(void)no;
	hv_gdal_watch *w = CPLGetErrorHandlerUserData();
	if (cls >= CE_Failure && !w->failed) {
		w->failed = 1;
		snprintf(w->msg, sizeof w->msg, "%s", msg ? msg : "");
	}
}

void hv_gdal_watch_begin(hv_gdal_watch *w)
{
	CPLPushErrorHandlerEx(watch_handler, w);
}

void hv_gdal_watch_end(void)
{
	CPLPopErrorHandler();
}

void hv_clear(haven_ctx *ctx)
{
	ctx->status = HAVEN_OK;
	ctx->errmsg[0] = '\0';
	ctx->geos_msg[0] = '\0';
}

void hv_notice(haven_ctx *ctx, const char *fmt, ...)
{
	if (!ctx->notice)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ctx->notice(ctx->notice_user, buf);
}

void hv_progress(haven_ctx *ctx, const char *what, int64_t done, int64_t total)
{
	if (ctx->progress)
		ctx->progress(ctx->progress_user, what, done, total);
}
