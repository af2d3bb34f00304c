/*
 * haven/store.h - the haven store: one SpatiaLite file per receiving authority.
 *
 * A store is a SQLite database with SpatiaLite metadata, PRAGMA application_id
 * set to HAVEN_APPLICATION_ID, its schema version in PRAGMA user_version, WAL
 * journalling, foreign keys on, file mode 0600, and every geometry in British
 * National Grid (EPSG:27700, metres).  It records its protective marking and
 * the authority that owns it.
 */
#ifndef HAVEN_STORE_H
#define HAVEN_STORE_H

#include <stddef.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HAVEN_APPLICATION_ID 0x4856454E /* "HVEN" */
#define HAVEN_MARKING "OFFICIAL-SENSITIVE"

/** Who runs the store.  kind is one of police, la, occ, dfe, probation, hmci;
 *  code is the authority's code (an ONS GSS code for police and LAs); name is
 *  free text.  admin is the store's first user, an admin of the owner
 *  authority (NULL: $HAVEN_USER, else the operating system's login name).
 *  areas are the police force area codes a probation owner works in (one or
 *  more, required for probation, refused for other kinds).  All borrowed. */
typedef struct haven_owner {
	const char *kind;
	const char *code;
	const char *name;
	const char *admin;
	const char *const *areas;
	size_t n_areas;
} haven_owner;

/** Schema version this binary writes and reads. */
int haven_store_schema_version(void);

/** Create a new store at path (which must not exist) and leave it open on ctx.
 * \param owner borrowed; kind, code and name required.
 * \return HAVEN_ERR_IO if the file exists or cannot be made; HAVEN_ERR_VALUE
 *         for a bad owner code, area or admin name (no file is left). */
haven_status haven_store_create(haven_ctx *ctx, const char *path, const haven_owner *owner);

/** Open an existing store on ctx (closing any open one), migrating an older
 *  schema forward in one transaction.
 * \return HAVEN_ERR_NOT_STORE if path is not a haven store,
 *         HAVEN_ERR_SCHEMA if its schema is newer than this binary. */
haven_status haven_store_open(haven_ctx *ctx, const char *path);

/** Close the open store; harmless when none is open. */
void haven_store_close(haven_ctx *ctx);

/** What the store holds, as rows (section, item, value): the store itself
 *  (path, schema version, marking, owner), then each module's counts
 *  (boundaries by kind, gazetteer, register, geocoding, audit, governance,
 *  disclosure, oversight).  value is text or an integer.  Needs someone
 *  acting (haven_act): home counts are disclosed data, and writing the
 *  table records the consultation in the audit log.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free().
 * \return HAVEN_ERR_DENIED when nobody is acting. */
haven_status haven_store_info(haven_ctx *ctx, haven_table **out);

/** SHA-256 over the contents of every table in the store, as 64 hex digits
 *  plus NUL in hex[65].  Two stores (or one store at two times) with equal
 *  digests hold the same rows in the same tables. */
haven_status haven_store_digest(haven_ctx *ctx, char hex[65]);

#ifdef __cplusplus
}
#endif
#endif
