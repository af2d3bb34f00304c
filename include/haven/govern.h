/*
 * haven/govern.h - who may act on disclosed data, and for what.
 *
 * The 2013 protocol limits use of the register to safeguarding.  haven
 * enforces it mechanically: every operation on disclosed data runs as a
 * named user of a registered authority, under a purpose from the registry
 * for that kind of authority.  Any other use is exceptional: it needs a
 * reason and an authorisation signed (Ed25519) by a senior user of the same
 * authority, is single-use, and is counted in the public transparency
 * report.  See docs/governance.md.
 */
#ifndef HAVEN_GOVERN_H
#define HAVEN_GOVERN_H

#include <stdint.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who is acting, and for what.  All strings borrowed. */
typedef struct haven_act_opts {
	const char *user;      /* the acting user (CLI: --as, or HAVEN_USER) */
	const char *purpose;   /* a registered purpose code, or for exceptional use a description of
	                          the use; NULL: the user's default purpose */
	const char *reason;    /* why: required for exceptional use */
	int64_t authorisation; /* id of a senior's signed authorisation: required for exceptional use */
} haven_act_opts;

/** Set the actor on ctx for the open store, after checking that the user
 *  exists and is enabled, and that the purpose is registered for the user's
 *  kind of authority or else that the authorisation is genuine: signed by a
 *  senior of the same authority (not the user), for this user and this use,
 *  unexpired and unused.  The authorisation is consumed by the first
 *  operation that records an audit entry.
 * \return HAVEN_ERR_DENIED with a message naming what failed;
 *         HAVEN_ERR_TAMPER for a signature that does not verify. */
haven_status haven_act(haven_ctx *ctx, const haven_act_opts *opts);

/** The acting user's name, or NULL when nobody is acting.  Borrowed. */
const char *haven_actor(const haven_ctx *ctx);

/* ---- authorities -------------------------------------------------------- */

/** An authority to register.  All borrowed. */
typedef struct haven_authority_spec {
	const char *kind; /* police, la, occ, dfe, probation, hmci */
	const char *code; /* police: its PFA code (E23......, W15......); la: its LA code
	                     (E06, E08, E09, E10, W06 ......); others: letters, digits, '.', '_', '-' */
	const char *name;
	const char *const *areas; /* PFA codes the authority works in: police (default: its own
	                             code), probation (one or more, required); none for the others */
	size_t n_areas;
} haven_authority_spec;

/** Register an authority (admin only).  One transaction.
 * \param a borrowed.
 * \return HAVEN_ERR_VALUE for a bad kind or code shape, or areas given to a
 *         kind that takes none; HAVEN_ERR_MISSING for probation without
 *         areas; HAVEN_ERR_DUPLICATE for a code already registered. */
haven_status haven_authority_add(haven_ctx *ctx, const haven_authority_spec *a);

/** Record an authority's scope again from the boundaries now loaded (admin
 *  only, audited).  A scope is recorded once, when it is first known; a
 *  boundary load never changes it, only says when it would; this is the one
 *  way to adopt the new boundaries' answer.
 * \param added, removed if not NULL, receive how many LAs changed.
 * \return HAVEN_ERR_NOT_FOUND for an unknown authority or boundaries that do
 *         not say (la and pfa needed for a police force). */
haven_status haven_authority_rescope(haven_ctx *ctx, const char *code, size_t *added, size_t *removed);

/** Every authority: code, kind, name, scope, areas, users (enabled), keys,
 *  scope_recorded ("national", "N LAs" or "not recorded yet"), created_at.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_authority_list(haven_ctx *ctx, haven_table **out);

/** Record a public key an authority signs with, as known to this store
 *  (e.g. HMCI's extract-manifest key), admin only.
 * \param public_key base64 of the 32-byte Ed25519 public key; borrowed.
 * \param label      free text or NULL; borrowed.
 * \param id         if not NULL, receives the key's id.
 * \return HAVEN_ERR_NOT_FOUND for an unknown authority; HAVEN_ERR_VALUE for
 *         a key that is not 32 bytes of base64; HAVEN_ERR_DUPLICATE for a
 *         key already recorded. */
haven_status haven_authority_key_add(haven_ctx *ctx, const char *authority, const char *public_key,
                                     const char *label, int64_t *id);

/** Recorded authority keys: id, authority, public_key, label, added_at.
 * \param authority NULL for all; borrowed.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_authority_key_list(haven_ctx *ctx, const char *authority, haven_table **out);

/* ---- users -------------------------------------------------------------- */

/** Longest user name, in bytes. */
#define HAVEN_USER_NAME_MAX 63

/** The name a new store's first user gets when none is given:
 *  $HAVEN_USER, else the operating system's login name, copied into buf.
 * \return HAVEN_ERR_MISSING when neither is known; HAVEN_ERR_VALUE when
 *         it does not fit in n bytes. */
haven_status haven_user_login_name(haven_ctx *ctx, char *buf, size_t n);

/** A user to add.  All borrowed. */
typedef struct haven_user_spec {
	const char *name;      /* 1-63 of letters, digits, '.', '_', '-', '@'; starts with a letter or digit */
	const char *authority; /* code of a registered authority */
	const char *role;      /* analyst, senior or admin */
	const char *key_file;  /* seniors only: where to write their new secret key; NULL:
	                          $HAVEN_KEY_DIR/NAME.key, else $HOME/.haven/keys/NAME.key */
	const char *default_purpose; /* NULL, or a purpose registered for the authority's kind */
} haven_user_spec;

/** Add a user (admin only).  A senior gets a new Ed25519 key: its secret
 *  half is written to a new file (mode 0600, missing directories made
 *  0700, never overwriting), the store keeps only the public half.
 * \param u          borrowed.
 * \param key_path   if not NULL, receives for a senior the key file written,
 *                   a new string the caller frees with haven_free(); NULL otherwise.
 * \param public_key if not NULL, receives a senior's public key ("" otherwise).
 * \return HAVEN_ERR_DUPLICATE for a name taken; HAVEN_ERR_NOT_FOUND for an
 *         unknown authority; HAVEN_ERR_VALUE for a bad name, role or
 *         purpose; HAVEN_ERR_USAGE for a key file given to a non-senior;
 *         HAVEN_ERR_IO when the key file exists or cannot be written. */
haven_status haven_user_add(haven_ctx *ctx, const haven_user_spec *u, char **key_path,
                            char public_key[HAVEN_PUBKEY_B64]);

/** Every user: name, authority, authority_kind, role, default_purpose,
 *  public_key, created_at, disabled_at.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status haven_user_list(haven_ctx *ctx, haven_table **out);

/** Disable a user (admin only): they can no longer act, and authorisations
 *  they signed no longer count.  Users are never deleted (the audit log
 *  names them).
 * \return HAVEN_ERR_NOT_FOUND for an unknown user; HAVEN_ERR_VALUE if
 *         already disabled; HAVEN_ERR_DENIED for the last enabled admin. */
haven_status haven_user_disable(haven_ctx *ctx, const char *name);

/* ---- purposes ------------------------------------------------------------ */

/** The purposes registry: authority_kind, code, description.
 * \param kind NULL for every kind; borrowed.
 * \param out  on HAVEN_OK a new table; caller frees with haven_table_free().
 * \return HAVEN_ERR_VALUE for an unknown kind. */
haven_status haven_purpose_list(haven_ctx *ctx, const char *kind, haven_table **out);

/* ---- exceptional use ----------------------------------------------------- */

/** What a senior authorises.  All borrowed. */
typedef struct haven_authorise_opts {
	const char *key_file; /* the senior's secret key (made by haven_user_add) */
	const char *user;     /* who may use it: a user of the senior's authority */
	const char *use;      /* the use, exactly as the user will name it (their --purpose) */
	const char *reason;   /* why it is justified */
	const char *expires;  /* YYYY-MM-DD, valid to the end of that day (UTC); NULL: 30 days */
} haven_authorise_opts;

/** Sign and record a single-use authorisation for exceptional use, run by
 *  the acting user, who must be a senior.  The signed bytes are specified
 *  in docs/governance.md ("Exceptional use").
 * \param o  borrowed.
 * \param id receives the new authorisation's id.
 * \return HAVEN_ERR_DENIED when the actor is not a senior, the key is not
 *         their recorded key (or group/others may read it), or the user is
 *         the senior, disabled or of another authority; HAVEN_ERR_NOT_FOUND
 *         for an unknown user; HAVEN_ERR_VALUE for a use that is a
 *         registered purpose, or an expiry in the past or over 365 days ahead;
 *         HAVEN_ERR_MISSING for an empty use or reason. */
haven_status haven_authorise(haven_ctx *ctx, const haven_authorise_opts *o, int64_t *id);

#ifdef __cplusplus
}
#endif
#endif
