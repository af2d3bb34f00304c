/*
 * haven/register.h - HMCI register disclosures: monthly snapshots, the
 * history of every home (valid from / valid to), what changed, and counts
 * of homes and places by area.
 *
 * Each import of a disclosure file becomes one snapshot.  A home's fields
 * are kept as versions: an unchanged home keeps its version, a changed one
 * gets a new version, a home missing from a snapshot is closed, and one that
 * comes back is reopened.  Every difference is recorded as a change row.
 * See docs/register.md and docs/formats.md.
 */
#ifndef HAVEN_REGISTER_H
#define HAVEN_REGISTER_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an import did.  Filled in by haven_register_import(). */
typedef struct haven_register_report {
	int noop;              /* 1: the same file (same SHA-256) was already imported; nothing changed */
	char received[11];     /* received date of the snapshot written, or of the one already holding the file */
	char sha256[65];       /* SHA-256 of the file, hex */
	int64_t homes;         /* homes in the file written to the snapshot (in the store owner's scope) */
	int64_t places;        /* sum of their places */
	int64_t dropped;       /* homes in the file whose LA is outside the owner's scope: not imported */
	int verified;          /* 1: FILE.manifest was there and verified (signed by a known HMCI key) */
	int admitted_unsigned; /* 1: no manifest, admitted by an admin with HAVEN_IMPORT_UNSIGNED */
	int64_t extract;       /* verified: the extract's sequence number in the manifest */
	int64_t new_homes;     /* URNs never seen before */
	int64_t reopened;      /* URNs that were closed and are back */
	int64_t changed;       /* homes whose fields changed: a new version each */
	int64_t unchanged;     /* homes whose current version was kept */
	int64_t closed;        /* homes absent from this snapshot */
	int64_t changes;       /* register_change rows written */
	int64_t enforcement;   /* enforcement actions not held before */
	int extra_columns;     /* columns kept verbatim in home_version.extra */
} haven_register_report;

/** Flags for haven_register_import(). */
enum {
	/** Admit a file without a manifest although the store holds an HMCI
	 *  public key.  Only an admin may; the audit entry says so. */
	HAVEN_IMPORT_UNSIGNED = 1u << 0
};

/** Import a register disclosure file (CSV, or the first sheet of XLSX/ODS)
 *  as the snapshot received on date received, in one transaction.  Every
 *  row is validated before anything is written; on any error the store is
 *  left exactly as it was.  When path + ".manifest" exists, HMCI's signed
 *  manifest (docs/disclosure.md) is verified first, and the extract must be
 *  newer (by its sequence number and register date) than every extract of
 *  the same issuer already imported.  Once the store holds an HMCI public
 *  key, a file without a manifest is refused unless flags has
 *  HAVEN_IMPORT_UNSIGNED and the actor is an admin.  Homes whose LA is
 *  outside the store owner's scope are dropped and reported, never stored;
 *  a file that leaves no home in scope, or that would close every home the
 *  store holds as current, is refused.
 * \param path     borrowed; the file to read
 * \param received borrowed; "YYYY-MM-DD", not after today
 * \param flags    0, or HAVEN_IMPORT_UNSIGNED
 * \param report   caller's struct, filled in; may be NULL, but only the report
 *                 tells an import from a no-op (report->noop)
 * 
eturn HAVEN_OK (also when the file was already imported: report->noop),
 *         HAVEN_ERR_FORMAT, _MISSING, _DUPLICATE, _VALUE (message names file
 *         and row), HAVEN_ERR_MISSING also for a file with no home in scope
 *         or one that would close every current home, HAVEN_ERR_STALE for a
 *         received date older than the newest snapshot or equal to one
 *         holding a different file, or an extract not newer than one already
 *         imported (a replay), HAVEN_ERR_NOT_FOUND when no LA boundaries are
 *         loaded (or, for a store owned by a police force, no PFA
 *         boundaries); HAVEN_ERR_TAMPER when the manifest is malformed, not
 *         signed by a known HMCI key, the file's SHA-256 differs from it, or
 *         it is missing where the store holds an HMCI key; HAVEN_ERR_DENIED
 *         when the manifest says the extract was made for another authority,
 *         or HAVEN_IMPORT_UNSIGNED is given by someone who is not an admin. */
haven_status haven_register_import(haven_ctx *ctx, const char *path, const char *received, unsigned flags,
                                   haven_register_report *report);

/** Changes recorded by imports: columns received, urn, name, kind,
 *  old_value, new_value, la_code, la_name, ordered by received, urn.
 * \param since borrowed; "YYYY-MM-DD" to keep snapshots received on or after
 *              it, or NULL for all
 * \param area  borrowed; an area code matched against the home's LA code and
 *              its geocoded district, police force area and region, or NULL
 * \param out   on HAVEN_OK a new table; caller frees with haven_table_free() */
haven_status haven_register_changes(haven_ctx *ctx, const char *since, const char *area, haven_table **out);

/** Homes and places valid on a date, by area, registration status and
 *  sector, with an "unlocated" row for homes without a geocoded area and a
 *  final "total" row.  Columns area_code, area_name, registration_status,
 *  sector, homes, places.
 * \param by    borrowed; "la" (the register's LA), "pfa" or "region" (geocoded)
 * \param as_at borrowed; "YYYY-MM-DD", or NULL for the newest snapshot's date
 * \param out   on HAVEN_OK a new table; caller frees with haven_table_free()
 * \return HAVEN_ERR_NOT_FOUND when no snapshot has been imported. */
haven_status haven_register_summary(haven_ctx *ctx, const char *by, const char *as_at, haven_table **out);

#ifdef __cplusplus
}
#endif
#endif
