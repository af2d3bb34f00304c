/*
 * context_int.h - the context's insides, shared by every module, never installed.
 */
#ifndef HAVEN_CONTEXT_INT_H
#define HAVEN_CONTEXT_INT_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>

#include "haven/context.h"
#include "core/clock.h" /* every module reads the time through the clock */

#if defined(__GNUC__)
#define HV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HV_PRINTF(a, b)
#endif

/* The user acting on the open store (haven_act in govern.c). */
typedef struct hv_actor {
	int set;
	char user[64];
	char authority[32];      /* authority code */
	char authority_kind[16]; /* police, la, occ, dfe, probation, hmci */
	char role[16];           /* analyst, senior, admin */
	char purpose[256];       /* registered purpose code, or the exceptional use */
	char reason[512];        /* justification ("" for a registered purpose) */
	int exceptional;
	int64_t authorisation; /* id, for exceptional use */
	char authoriser[64];   /* the senior who signed it */
} hv_actor;

struct haven_ctx {
	GEOSContextHandle_t geos;
	PJ_CONTEXT *proj;
	sqlite3 *db;       /* open store, or NULL */
	void *splite;      /* spatialite_alloc_connection() */
	char *store_path;  /* path of the open store, owned */
	int readonly;

	haven_status status;
	char errmsg[1024];
	char geos_msg[512]; /* last GEOS error, copied by its handler */

	haven_progress_fn progress;
	void *progress_user;
	haven_notice_fn notice;
	void *notice_user;

	/* Read only by the test clock (clock.c built with HAVEN_TEST_CLOCK;
	 * the release clock ignores them).  Present in every build, so the
	 * objects both libraries share agree on the layout. */
	struct {
		int now_set, audit_set;
		int64_t now, audit;
	} test_clock;
	PJ *wgs84_to_bng; /* cached lon/lat -> BNG, see crs.c */
	hv_actor actor;   /* cleared whenever a store is opened or closed */
};

/** Record a failure on ctx and return st, so callers write
 *  `return hv_error(ctx, HAVEN_ERR_IO, "%s: %s", path, strerror(errno));` */
haven_status hv_error(haven_ctx *ctx, haven_status st, const char *fmt, ...) HV_PRINTF(3, 4);

/** hv_error with the SQLite message of ctx->db appended: "what: sqlite message". */
haven_status hv_error_sql(haven_ctx *ctx, const char *what);

/** hv_error with GDAL's last error message appended. */
haven_status hv_error_gdal(haven_ctx *ctx, haven_status st, const char *what);

/* GDAL reports a damaged input it can partly read (a truncated /vsigzip/
 * stream, a CRC error in /vsizip/) as a CE_Failure error and carries on, so
 * a reader watches every GDAL call it makes and treats any failure as fatal.
 * Zero the struct once; failed and msg keep the first failure. */
typedef struct hv_gdal_watch {
	int failed;
	char msg[512];
} hv_gdal_watch;

/** Catch GDAL's errors into w (borrowed) until hv_gdal_watch_end(); pairs
 *  nest, as GDAL's error handler stack does (per thread). */
void hv_gdal_watch_begin(hv_gdal_watch *w);
void hv_gdal_watch_end(void);

/** Close the open store, if any: the SQLite connection and its SpatiaLite
 *  cache, which the context owns; the actor is cleared with it. */
void hv_ctx_close_store(haven_ctx *ctx);

/** Clear the error state (called at the start of each public entry point). */
void hv_clear(haven_ctx *ctx);

/** Send a notice to the caller's hook (printf-style); dropped if no hook. */
void hv_notice(haven_ctx *ctx, const char *fmt, ...) HV_PRINTF(2, 3);

/** Report progress through the caller's hook, rate-limited. */
void hv_progress(haven_ctx *ctx, const char *what, int64_t done, int64_t total);

#endif
