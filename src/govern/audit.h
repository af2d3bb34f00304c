/*
 * audit_int.h - the audit log's insides: entries, their canonical bytes,
 * appending, and the RFC 6962 Merkle tree the log is.
 *
 * Every operation on disclosed data (DPA 2018 s.62) appends one entry with
 * hv_audit_append(), inside the transaction that does the operation, so the
 * two commit or roll back together.  The byte encoding and the tree are
 * specified in docs/audit.md precisely enough for an independent checker
 * (tests/audit_check.py is one).
 */
#ifndef HAVEN_AUDIT_INT_H
#define HAVEN_AUDIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "core/context.h"
#include "core/table.h"
#include "haven/audit.h"

#define HV_HASH_BYTES 32

/** Longest proof the tree functions make or accept (log2 of 2^63 leaves, twice). */
#define HV_AUDIT_MAX_PROOF 130

/** Longest text field an entry may hold, in bytes. */
#define HV_AUDIT_MAX_FIELD 65535

/** How many seconds an entry's time may be before the latest time of the
 *  entries ahead of it.  Entries are stamped from the system clock, which
 *  may be stepped back a little (NTP correcting it); a log whose time goes
 *  back further was backdated or reordered, and verify refuses it. */
#define HV_AUDIT_MAX_BACKWARDS 300

/** The six kinds of processing s.62(1) DPA 2018 says must be logged. */
typedef enum hv_audit_op {
	HV_AUDIT_COLLECTION = 0,
	HV_AUDIT_ALTERATION,
	HV_AUDIT_CONSULTATION,
	HV_AUDIT_DISCLOSURE,
	HV_AUDIT_COMBINATION,
	HV_AUDIT_ERASURE
} hv_audit_op;

/** Name of op ("collection", ...); NULL for a value outside the enum. Static. */
const char *hv_audit_op_name(hv_audit_op op);

/** What an operation's caller says about it.  All strings borrowed.
 *  user, authority, purpose and object are required; justification is
 *  required for exceptional use, which is what a non-empty authoriser marks
 *  (under a registered purpose the purpose is the justification, and it may
 *  be empty); recipients is required for a disclosure and forbidden for an
 *  erasure.  object says what
 *  was processed ("home_version: homes in E10000014"), never the data
 *  itself: an erasure entry in particular describes what was erased
 *  without repeating it. */
typedef struct hv_audit_entry {
	hv_audit_op operation;
	const char *user;
	const char *authority;
	const char *purpose;
	const char *justification;
	const char *object;
	int64_t rows;           /* how many rows the operation touched, >= 0 */
	const char *recipients; /* NULL or "" when none */
	const char *authoriser; /* NULL or "" when none */
} hv_audit_entry;

/** Append e to the log, stamped with the system clock (hv_clock_audit:
 *  never HAVEN_NOW or a clock a test fixed).  Must run inside the caller's
 *  transaction (hv_begin): HAVEN_ERR_USAGE otherwise.  HAVEN_ERR_VALUE for
 *  an entry that breaks the rules above (a missing field, text that is not
 *  UTF-8 or holds control characters other than tab and newline, a field
 *  longer than HV_AUDIT_MAX_FIELD bytes, rows < 0).
 * \param seq if not NULL, receives the new entry's sequence number (its
 *            leaf index: the first entry is 0). */
haven_status hv_audit_append(haven_ctx *ctx, const hv_audit_entry *e, int64_t *seq);

/* ---- canonical bytes (docs/audit.md, "Canonical encoding") ------------ */

/** An entry as stored: every field as text, as the table and the canonical
 *  bytes hold it.  Strings borrowed; NULL reads as "". */
typedef struct hv_audit_fields {
	int64_t seq;
	int64_t at; /* Unix seconds, UTC */
	const char *operation;
	const char *user;
	const char *authority;
	const char *purpose;
	const char *justification;
	const char *object;
	int64_t rows;
	const char *recipients;
	const char *authoriser;
} hv_audit_fields;

/** Number of fields in the canonical encoding after the version tag, and
 *  the name of field i (0 = "seq" ... 10 = "authoriser"). Static. */
#define HV_AUDIT_NFIELDS 11
const char *hv_audit_field_name(int i);

/** Encode f into a new buffer.
 * \param out on HAVEN_OK a malloc'd buffer of *len bytes; caller frees with free(). */
haven_status hv_audit_encode(haven_ctx *ctx, const hv_audit_fields *f, unsigned char **out, size_t *len);

/** A decoded entry: fields point into buf, which the decoder owns. */
typedef struct hv_audit_decoded {
	hv_audit_fields f;
	char *buf;
} hv_audit_decoded;

/** Decode canonical bytes.  HAVEN_ERR_FORMAT, with what is wrong, for bytes
 *  that are not exactly one well-formed v1 entry (wrong tag, a length past
 *  the end, trailing bytes, a text field containing NUL).
 * \param out on HAVEN_OK; release with hv_audit_decoded_free(). */
haven_status hv_audit_decode(haven_ctx *ctx, const unsigned char *p, size_t len, hv_audit_decoded *out);
void hv_audit_decoded_free(hv_audit_decoded *d);

/** Index of the first field (as hv_audit_field_name numbers them) that
 *  differs between a and b, or -1 when all are equal. */
int hv_audit_fields_diff(const hv_audit_fields *a, const hv_audit_fields *b);

/** Check f against the entry rules (see hv_audit_entry): HAVEN_ERR_VALUE
 *  naming the field otherwise. */
haven_status hv_audit_fields_check(haven_ctx *ctx, const hv_audit_fields *f);

/* ---- the Merkle tree, exactly RFC 6962 s.2.1 -------------------------- */

/** SHA-256(0x00 || data) and SHA-256(0x01 || left || right). */
void hv_audit_leaf_hash(const void *data, size_t len, unsigned char out[HV_HASH_BYTES]);
void hv_audit_node_hash(const unsigned char left[HV_HASH_BYTES], const unsigned char right[HV_HASH_BYTES],
                        unsigned char out[HV_HASH_BYTES]);

/** A tree being built leaf by leaf: the roots of the perfect subtrees that
 *  n's binary digits split the leaves into, largest first.  Pushing a leaf
 *  costs amortised one node hash; reading the root costs at most 63. */
typedef struct hv_audit_tree {
	uint64_t size;
	int depth;
	unsigned char stack[64][HV_HASH_BYTES];
} hv_audit_tree;

void hv_audit_tree_init(hv_audit_tree *t);
void hv_audit_tree_push(hv_audit_tree *t, const unsigned char leaf[HV_HASH_BYTES]);
/** MTH of the leaves pushed so far; SHA-256("") for none. */
void hv_audit_tree_root(const hv_audit_tree *t, unsigned char out[HV_HASH_BYTES]);

/** MTH(D[0:n]) from n leaf hashes, in O(n) hashing. */
void hv_audit_root(const unsigned char (*leaves)[HV_HASH_BYTES], uint64_t n, unsigned char out[HV_HASH_BYTES]);

/** PATH(index, D[0:n]) (RFC 6962 s.2.1.1), the hashes from the leaf up.
 * \param proof room for HV_AUDIT_MAX_PROOF hashes; *len receives the count.
 * \return HAVEN_ERR_USAGE unless index < n. */
haven_status hv_audit_inclusion_proof(haven_ctx *ctx, const unsigned char (*leaves)[HV_HASH_BYTES], uint64_t n,
                                      uint64_t index, unsigned char (*proof)[HV_HASH_BYTES], size_t *len);

/** 1 when proof shows leaf is leaf index of the tree of size n with this
 *  root (RFC 9162 s.2.1.3.2), 0 otherwise. */
int hv_audit_inclusion_verify(uint64_t index, uint64_t n, const unsigned char leaf[HV_HASH_BYTES],
                              const unsigned char (*proof)[HV_HASH_BYTES], size_t len,
                              const unsigned char root[HV_HASH_BYTES]);

/** PROOF(m, D[0:n]) (RFC 6962 s.2.1.2): empty when m is 0 or m == n.
 * \param proof room for HV_AUDIT_MAX_PROOF hashes; *len receives the count.
 * \return HAVEN_ERR_USAGE unless m <= n. */
haven_status hv_audit_consistency_proof(haven_ctx *ctx, const unsigned char (*leaves)[HV_HASH_BYTES], uint64_t m,
                                        uint64_t n, unsigned char (*proof)[HV_HASH_BYTES], size_t *len);

/** 1 when proof shows the tree of size n with root2 extends the tree of
 *  size m with root1 (RFC 9162 s.2.1.4.2), 0 otherwise.  m == n needs an
 *  empty proof and equal roots; m == 0 an empty proof and root1 the empty
 *  tree's hash. */
int hv_audit_consistency_verify(uint64_t m, uint64_t n, const unsigned char root1[HV_HASH_BYTES],
                                const unsigned char root2[HV_HASH_BYTES], const unsigned char (*proof)[HV_HASH_BYTES],
                                size_t len);

/** Everything an export of the log holds, read in one transaction. */
typedef struct hv_audit_export {
	haven_table *entries;                   /* sealed; one row per entry (caller frees) */
	unsigned char root[HV_HASH_BYTES];      /* the whole tree's root */
	char origin[256];                       /* the checkpoint origin line */
	int nkeys;                              /* store's checkpoint keys recorded (0 or 1) */
	unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
} hv_audit_export;

/** Read the log for export (out/audit_export.c writes it, after the gate
 *  has released doc->entries to an admin). */
haven_status hv_audit_export_doc(haven_ctx *ctx, hv_audit_export *doc);

#endif
