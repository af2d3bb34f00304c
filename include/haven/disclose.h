/*
 * haven/disclose.h - HMCI's side of the 2013 joint protocol: disclosure
 * requests from receivers, their 12-monthly confirmation, and the signed,
 * scoped register extracts made for them.
 *
 * A receiver (a police force, a local authority, the Children's
 * Commissioner, DfE) asks HMCI in writing for the Schedule 5 register
 * fields of the homes in its area, once (one-off) or every month (monthly).
 * A monthly request lapses unless confirmed within 12 months of its last
 * confirmation.  An extract holds only the requesting authority's homes,
 * marked OFFICIAL-SENSITIVE, with a manifest signed by HMCI's Ed25519 key
 * that the receiver's 'haven register import' verifies.  Every function
 * here works on an HMCI-owned store only.  See docs/disclosure.md.
 */
#ifndef HAVEN_DISCLOSE_H
#define HAVEN_DISCLOSE_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A receiver's written request.  All strings borrowed, all required. */
typedef struct haven_request_opts {
	const char *authority;  /* code of an authority registered in the store */
	const char *requester;  /* the person who signed the request */
	const char *role;       /* "chief-officer" (police), "director-of-childrens-services" (la),
	                           "senior-official" (occ, dfe, probation) */
	const char *date;       /* "YYYY-MM-DD" the request was made; not in the future */
	const char *kind;       /* "one-off" or "monthly" */
	const char *deliver_to; /* where extracts are delivered securely */
} haven_request_opts;

/** Record a disclosure request.
 * \param opts borrowed
 * \param id   on HAVEN_OK the new request's id; may be NULL
 * \return HAVEN_ERR_DENIED on a store HMCI does not own, for an HMCI
 *         authority, or for a requester role the protocol does not accept
 *         from that kind of authority; HAVEN_ERR_NOT_FOUND for an
 *         unregistered authority; HAVEN_ERR_VALUE for a bad date, kind or
 *         role, or text with control characters; HAVEN_ERR_MISSING for an
 *         empty value. */
haven_status haven_disclose_request_add(haven_ctx *ctx, const haven_request_opts *opts, int64_t *id);

/** Record the requester's confirmation of monthly request id, dated date,
 *  by by (both borrowed).
 * \return HAVEN_ERR_VALUE for a date in the future, before the request or
 *         before its latest confirmation, or for a one-off request;
 *         HAVEN_ERR_DUPLICATE for a second confirmation on one date;
 *         HAVEN_ERR_DENIED for a withdrawn request, or a date more than 12
 *         months after the latest confirmation (the request lapsed: a new
 *         request is needed); HAVEN_ERR_NOT_FOUND for an unknown id. */
haven_status haven_disclose_request_confirm(haven_ctx *ctx, int64_t id, const char *date, const char *by);

/** Record that request id was withdrawn on date (borrowed).
 * \return HAVEN_ERR_VALUE for a bad or future date, one before the
 *         request, a request already withdrawn, or a one-off request
 *         already fulfilled; HAVEN_ERR_NOT_FOUND for an unknown id. */
haven_status haven_disclose_request_withdraw(haven_ctx *ctx, int64_t id, const char *date);

/** Every request with its status today (active, lapsed, fulfilled,
 *  withdrawn) and, for monthly requests, the date its next confirmation is
 *  due.  Columns id, authority, authority_name, requester, role, kind,
 *  requested_on, deliver_to, last_confirmed, confirmed_by,
 *  next_confirmation_due, status, withdrawn_on, extracts, last_extract.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free() */
haven_status haven_disclose_request_list(haven_ctx *ctx, haven_table **out);

/** Monthly requests whose confirmation falls due within within_days days
 *  of today, and those already lapsed, soonest first.  Columns id,
 *  authority, authority_name, requester, last_confirmed, due, days_left
 *  (negative: lapsed that many days ago), status.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free()
 * \return HAVEN_ERR_USAGE for within_days below 0 or above 3660. */
haven_status haven_disclose_request_due(haven_ctx *ctx, int within_days, haven_table **out);

/** What an extract holds.  Filled in by haven_disclose_extract(). */
typedef struct haven_extract_report {
	int64_t extract_id;
	int64_t homes; /* rows written: current homes in the requester's scope */
	int64_t places;
	char authority[64];      /* requesting authority's code */
	char scope[512];         /* its scope, e.g. "West Yorkshire (E23000010): 5 local authorities" */
	char register_as_at[11]; /* received date of the newest snapshot */
	char sha256[65];         /* SHA-256 of the extract file, hex */
	char public_key[45];     /* the signer's Ed25519 public key, base64 */
	int fulfilled;           /* 1: a one-off request, now fulfilled */
} haven_extract_report;

/** Write the register extract for request request_id to out_path, and its
 *  signed manifest to out_path + ".manifest", in one transaction: the
 *  current homes whose local authority is in the requesting authority's
 *  scope, with the Schedule 5 columns and protective_marking
 *  OFFICIAL-SENSITIVE on every row (docs/disclosure.md).  An extract row
 *  is recorded; a one-off request becomes fulfilled.  Neither file is ever
 *  overwritten.
 * \param key_path HMCI's signing key (haven audit keygen); borrowed
 * \param out_path borrowed; must not exist, nor out_path.manifest
 * \param report   caller's struct, filled in on HAVEN_OK; may be NULL
 * \return HAVEN_ERR_DENIED on a store HMCI does not own, or for a request
 *         that lapsed, was withdrawn or (one-off) was fulfilled already, the
 *         message saying which; HAVEN_ERR_NOT_FOUND for an unknown request,
 *         no snapshot, or missing boundaries for the requester's scope;
 *         HAVEN_ERR_IO when out_path or its manifest exists or cannot be
 *         written; key file errors as hv_key_read. */
haven_status haven_disclose_extract(haven_ctx *ctx, int64_t request_id, const char *key_path, const char *out_path,
                                    haven_extract_report *report);

#ifdef __cplusplus
}
#endif
#endif
