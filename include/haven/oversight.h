/*
 * haven/oversight.h - transparency, redress and retention.
 *
 *  - The transparency report counts, by month and authority, how often the
 *    disclosed data was processed beyond its intended uses (exceptional use,
 *    authorised by a senior), from an audit log that verifies.  It names no
 *    user and no home, so it can be published.
 *  - Complaints from a home, or from a child through an advocate, who feels
 *    unfairly targeted, linked to the audit entries concerned.
 *  - Erasure of disclosed data past its retention date, itself recorded in
 *    the audit log (metadata only).
 */
#ifndef HAVEN_OVERSIGHT_H
#define HAVEN_OVERSIGHT_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Exceptional uses and all operations, by month and authority, for audit
 *  entries timed from..to (YYYY-MM-DD, inclusive, UTC).  Refused with
 *  HAVEN_ERR_TAMPER unless the whole log verifies (and, when checkpoint is
 *  not NULL, against that checkpoint's text).
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_transparency_report(haven_ctx *ctx, const char *from, const char *to, const char *checkpoint,
                                       haven_table **out);

/** A complaint.  All strings borrowed; audit_seqs borrowed (n_audit entries). */
typedef struct haven_complaint {
	const char *about;    /* "home" or "child" */
	const char *urn;      /* the home concerned (required for "home"; optional for "child") */
	const char *advocate; /* required for "child": complaints from children come through an advocate */
	const char *summary;  /* what the complaint says; must not identify a child */
	const char *received; /* YYYY-MM-DD; NULL: today */
	const int64_t *audit_seqs;
	size_t n_audit;
} haven_complaint;

/** Record a complaint as the acting user.  Each audit entry it names must
 *  exist.  *id receives the new complaint's id. */
haven_status haven_complaint_add(haven_ctx *ctx, const haven_complaint *c, int64_t *id);

/** Move a complaint to status (open, investigating, upheld, not-upheld,
 *  withdrawn) with an outcome text (required for upheld and not-upheld),
 *  linking any further audit entries.  outcome may be NULL otherwise. */
haven_status haven_complaint_update(haven_ctx *ctx, int64_t id, const char *status, const char *outcome,
                                    const int64_t *audit_seqs, size_t n_audit);

/** Complaints (all, or those with status when not NULL), with their linked
 *  audit entries.  Caller frees with haven_table_free(). */
haven_status haven_complaint_list(haven_ctx *ctx, const char *status, haven_table **out);

typedef struct haven_erase_report {
	int64_t versions;    /* home versions that ended before the date */
	int64_t changes;     /* change records of snapshots received before it */
	int64_t enforcement; /* enforcement actions before it, of homes no longer held */
} haven_erase_report;

/** Erase disclosed data that expired before date (YYYY-MM-DD, not after
 *  today): versions of homes that stopped being current before it, the
 *  change records of snapshots received before it, and enforcement actions
 *  dated before it of homes with no version left.  Current homes are kept.
 *  One transaction, recorded as an erasure audit entry holding counts only.
 *  Needs a senior or admin acting. */
haven_status haven_erase(haven_ctx *ctx, const char *before, haven_erase_report *report);

#ifdef __cplusplus
}
#endif
#endif
