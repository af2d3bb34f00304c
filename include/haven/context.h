/*
 * haven/context.h - the one context object every haven call runs inside.
 *
 * A haven_ctx holds the GEOS and PROJ thread contexts, the open store (a
 * SQLite/SpatiaLite connection), the last error message, and the hooks the
 * caller gives for progress and notices.  Time is the system clock's:
 * nothing in this API sets it.  Use one context per thread, as
 * GEOS and PROJ ask.  Process-wide set-up (GDAL drivers, SpatiaLite) is done
 * once by haven_global_init().
 */
#ifndef HAVEN_CONTEXT_H
#define HAVEN_CONTEXT_H

#include <stdint.h>
#include "haven/common.h"
#include "haven/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct haven_ctx haven_ctx;

/** Progress callback: what is being done, how much is done, and the total
 *  (0 when unknown).  Called at most a few times a second. */
typedef void (*haven_progress_fn)(void *user, const char *what, int64_t done, int64_t total);

/** Notice callback: a message the user should see that is not an error
 *  (a geometry repaired, a column ignored).  msg is borrowed for the call. */
typedef void (*haven_notice_fn)(void *user, const char *msg);

/** Register GDAL drivers and initialise SpatiaLite.  Call once per process
 *  before any context is made; haven_global_cleanup() undoes it. */
void haven_global_init(void);
void haven_global_cleanup(void);

/** Make a context with fresh GEOS and PROJ handles and no store open.
 * \param out on HAVEN_OK a new context; caller frees with haven_ctx_free().
 *            Set to NULL on failure (only HAVEN_ERR_NOMEM or HAVEN_ERR_PROJ). */
haven_status haven_ctx_new(haven_ctx **out);

/** Close the store if open and free every handle.  NULL is a harmless no-op. */
void haven_ctx_free(haven_ctx *ctx);

/** Message of the last failure on this context ("" after success).
 *  Borrowed; valid until the next call on ctx. */
const char *haven_errmsg(const haven_ctx *ctx);

/** Status of the last failure on this context. */
haven_status haven_errcode(const haven_ctx *ctx);

/** Install hooks; fn may be NULL to remove.  user is borrowed. */
void haven_ctx_set_progress(haven_ctx *ctx, haven_progress_fn fn, void *user);
void haven_ctx_set_notice(haven_ctx *ctx, haven_notice_fn fn, void *user);

/** Library version, "MAJOR.MINOR.PATCH": project(VERSION) in CMakeLists.txt. Static. */
const char *haven_version(void);

#ifdef __cplusplus
}
#endif
#endif
