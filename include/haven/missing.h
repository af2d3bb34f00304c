/*
 * haven/missing.h - children missing from care: police and local-authority
 * reports of children going missing from children's homes, imported under
 * keyed pseudonyms and linked into one record of each episode.
 *
 * The raw child identifier never reaches the store: each is replaced at
 * import by HMAC-SHA-256 under a key held outside the store (its
 * fingerprint is recorded in the store).  A corrected report supersedes
 * the current version, which stays as history; every import rebuilds the
 * episodes from the current reports.  docs/missing.md is the contract; the
 * file's columns are in docs/formats.md ("Missing episode file").
 */
#ifndef HAVEN_MISSING_H
#define HAVEN_MISSING_H

#include <stdint.h>
#include "haven/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default linkage tolerance, hours between the two reports' start times. */
#define HAVEN_MISSING_TOLERANCE_H 24.0

/** Make a new pseudonymisation key at path: 32 random bytes (libsodium),
 *  created 0600 and never overwriting anything.  Needs no store.
 * \param path borrowed
 * \param fingerprint if not NULL, receives the key's fingerprint (64 hex
 *        digits and a NUL), as the store records it
 * \return HAVEN_ERR_IO if path exists or cannot be written. */
haven_status haven_key_init(haven_ctx *ctx, const char *path, char fingerprint[65]);

/** How to import a file of reports.  Zero it, then set what is needed. */
typedef struct haven_missing_opts {
	const char *source;  /* "police" or "la" (borrowed) */
	const char *key;     /* the key file (borrowed) */
	const char *rejects; /* with skip_invalid: the reject file to create (borrowed); else NULL */
	int skip_invalid;    /* 1: import the valid rows, write the others to rejects */
	double tolerance_h;  /* linkage tolerance in hours; 0: HAVEN_MISSING_TOLERANCE_H */
} haven_missing_opts;

/** What an import did.  Filled in by haven_missing_import(). */
typedef struct haven_missing_report {
	int noop;           /* 1: no report changed (the same file again): nothing was written */
	char sha256[65];    /* SHA-256 of the file, hex */
	int64_t rows;       /* data rows read */
	int64_t added;      /* reports never seen before */
	int64_t superseded; /* corrected reports: a new version each, the old one kept as history */
	int64_t unchanged;  /* reports whose current version has the same content */
	int64_t rejected;   /* rows written to the reject file (skip_invalid) */
	int64_t episodes;   /* episodes after linkage */
	int64_t both;       /* of which linked: a police and an LA report */
	int64_t conflicts;  /* of which the two reports disagree on a field */
} haven_missing_report;

/** Import a police or LA file of missing reports (CSV, gzip CSV or the
 *  first sheet of XLSX) as the acting user, in one transaction, then
 *  rebuild the episodes (docs/missing.md).  Every error names the file and
 *  row and leaves the store exactly as it was, unless opts->skip_invalid:
 *  then invalid rows are written, with a reason, to opts->rejects (a new
 *  file, 0600, marked; the child identifier replaced by its pseudonym) and
 *  the rest imported.  Malformed CSV is always fatal.
 * \param path   borrowed; the file to read
 * \param opts   borrowed
 * \param report caller's struct, filled in; may be NULL
 * \return HAVEN_OK (also for a no-op: report->noop); HAVEN_ERR_USAGE for bad
 *         options; HAVEN_ERR_IO for a missing key or input file, or an
 *         existing reject file; HAVEN_ERR_DENIED for a key file others may
 *         read, or a symbolic link; HAVEN_ERR_TAMPER for a key whose
 *         fingerprint differs from the store's; HAVEN_ERR_FORMAT,
 *         _MISSING, _DUPLICATE, _VALUE, _CRS, HAVEN_ERR_NOT_FOUND (a home
 *         not in the register) naming file and row. */
haven_status haven_missing_import(haven_ctx *ctx, const char *path, const haven_missing_opts *opts,
                                  haven_missing_report *report);

#ifdef __cplusplus
}
#endif
#endif
