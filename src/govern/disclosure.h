/*
 * disclose_int.h - disclosure requests as the extract code reads them, and
 * the signed manifest that goes with every extract (written by disclose.c,
 * verified by register.c on the receiving side).
 */
#ifndef HAVEN_DISCLOSE_INT_H
#define HAVEN_DISCLOSE_INT_H

#include <stdio.h>

#include "core/context.h"
#include "haven/store.h"
#include "core/keys.h"

/* ---- requests (request.c) ------------------------------------------------ */

/** A request and its state on the context's today. */
typedef struct hv_request {
	int64_t id;
	char authority[64];
	char authority_name[256];
	char kind[16]; /* "one-off" or "monthly" */
	char requested_on[11];
	char withdrawn_on[11];   /* "" when not withdrawn */
	char last_confirmed[11]; /* latest confirmation date, "" when never confirmed */
	char due[11];            /* monthly and not withdrawn: the day its confirmation is due
	                            (the last day it is active); "" otherwise */
	int64_t extracts;        /* extracts made for it */
	char last_extract[21];   /* made_at of the latest, "" when none */
	const char *status;      /* "active", "lapsed", "fulfilled" or "withdrawn"; static */
} hv_request;

/** Read request id as of today.  HAVEN_ERR_NOT_FOUND for an unknown id. */
haven_status hv_request_get(haven_ctx *ctx, int64_t id, hv_request *out);

/** HAVEN_ERR_DENIED unless the open store is HMCI's (meta owner_kind
 *  'hmci'); what says what was attempted ("recording a request"). */
haven_status hv_need_hmci(haven_ctx *ctx, const char *what);

/** "12 calendar months after" date: the same day a year later, or 28
 *  February for 29 February.  date must be a valid "YYYY-MM-DD". */
void hv_date_add_year(const char *date, char out[11]);

/* ---- manifests (manifest.c) ---------------------------------------------- */

#define HV_MANIFEST_TAG "haven-extract-manifest-v1"

/** The signed fields of a manifest, in their canonical order. */
typedef struct hv_manifest {
	char marking[32];
	int64_t extract;
	int64_t request;
	char authority[64]; /* requesting authority */
	char authority_name[256];
	char issuer[64]; /* issuing authority: the HMCI store's owner */
	char issuer_name[256];
	char extract_date[11];
	char register_as_at[11];
	int64_t homes;
	char sha256[65];
	char public_key[HAVEN_PUBKEY_B64];
} hv_manifest;

/** Write m (public_key filled from pk) signed with sk to f, as the
 *  document of docs/disclosure.md.  HAVEN_ERR_VALUE for a field that is
 *  empty, too long or holds a control character; HAVEN_ERR_IO when
 *  writing fails (path names f in the message). */
haven_status hv_manifest_write(haven_ctx *ctx, hv_manifest *m, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                               const unsigned char sk[crypto_sign_SECRETKEYBYTES], FILE *f, const char *path);

/** Verify data_path + ".manifest" when it exists (*found = 1), against the
 *  file's SHA-256 (hex) and the HMCI keys recorded in authority_key, and
 *  check it was made for the store's owner.  Sends a notice either way
 *  ("no manifest: origin not verified" when there is none).  out, when not
 *  NULL, receives the manifest's fields.
 * \return HAVEN_ERR_TAMPER for a malformed manifest, one not signed by a
 *         known HMCI key, no protective marking, or a file whose SHA-256
 *         differs; HAVEN_ERR_DENIED for an extract made for another
 *         authority; HAVEN_ERR_IO when it cannot be read. */
haven_status hv_manifest_check(haven_ctx *ctx, const char *data_path, const char *data_sha256, hv_manifest *out,
                               int *found);

#endif
