/*
 * haven/audit.h - the tamper-evident audit log (DPA 2018 s.62).
 *
 * Every operation on disclosed data (collection, alteration, consultation,
 * disclosure, combination, erasure) appends an entry to the store's audit
 * log, in the same transaction as the operation.  The log is a Merkle tree
 * exactly as RFC 6962 defines it, over a fixed byte encoding of each entry
 * (docs/audit.md).  A checkpoint is the tree's size and root signed with an
 * Ed25519 key kept outside the store, as a C2SP signed note; verifying the
 * log against a kept checkpoint detects any entry edited, reordered,
 * inserted or deleted since, and any truncation.
 */
#ifndef HAVEN_AUDIT_H
#define HAVEN_AUDIT_H

#include <stdint.h>
#include <stdio.h>
#include "haven/context.h"
#include "haven/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What haven_audit_verify found.  Filled on HAVEN_OK and on
 *  HAVEN_ERR_TAMPER (then first_bad and the context's message say what
 *  failed). */
typedef struct haven_audit_report {
	int64_t entries;         /* rows in the log */
	char root[65];           /* hex MTH of the log recomputed from its entries, "" if they failed */
	int64_t first_bad;       /* first bad sequence number, -1 for none or when no one entry is to blame */
	int checkpoint_checked;  /* 1 when a checkpoint was given and everything about it held */
	int64_t checkpoint_size; /* its tree size, 0 without one */
	size_t proof_hashes;     /* length of the consistency proof checked */
	char key_id[9];          /* hex key ID of the store's audit key, "" when none is recorded */
} haven_audit_report;

/** Make a new Ed25519 key for signing checkpoints and write its secret
 *  half to path, mode 0600 (see docs/audit.md for the file's format).
 *  HAVEN_ERR_IO if path exists (never overwritten) or cannot be written.
 * \param pubkey if not NULL, receives the public key in base64. */
haven_status haven_audit_keygen(haven_ctx *ctx, const char *path, char pubkey[HAVEN_PUBKEY_B64]);

/** Sign a checkpoint of the open store's log with the key in key_path.
 *  The first checkpoint records the key's public half in the store; later
 *  ones must use the same key (HAVEN_ERR_DENIED otherwise).  The log is
 *  verified first, and against previous when given, so a tampered log is
 *  never signed (HAVEN_ERR_TAMPER).  HAVEN_ERR_DENIED for a key file that
 *  group or others may read.
 * \param previous NULL, or the text of the last checkpoint kept; borrowed
 * \param text     on HAVEN_OK the checkpoint note; caller frees with haven_free() */
haven_status haven_audit_checkpoint(haven_ctx *ctx, const char *key_path, const char *previous, char **text);

/** Read a checkpoint file (at most 64 KiB).
 * \param text on HAVEN_OK the file's contents; caller frees with haven_free() */
haven_status haven_audit_checkpoint_load(haven_ctx *ctx, const char *path, char **text);

/** Write a checkpoint's text to a new file at path (never overwriting one:
 *  a kept checkpoint is what detects a rollback).  HAVEN_ERR_IO if path
 *  exists or cannot be written.  text borrowed. */
haven_status haven_audit_checkpoint_save(haven_ctx *ctx, const char *path, const char *text);

/** Verify the open store's log: every entry's bytes against its fields and
 *  its stored leaf hash, the sequence numbers, and the root; and, given a
 *  checkpoint, its signature by the store's recorded key, that the log is
 *  not shorter, and that it extends the checkpoint's tree (consistency
 *  proof).  HAVEN_ERR_TAMPER with the first bad sequence number and what
 *  failed; HAVEN_ERR_FORMAT for a checkpoint that cannot be parsed.
 * \param checkpoint NULL, or a checkpoint's text; borrowed
 * \param report     filled as described above; borrowed */
haven_status haven_audit_verify(haven_ctx *ctx, const char *checkpoint, haven_audit_report *report);

/** Write every entry with its canonical bytes (base64), its leaf hash (hex)
 *  and the tree size and root after it; JSON adds the origin, the whole
 *  tree's size and root, and the recorded public keys (docs/audit.md).
 *  out is borrowed. */
haven_status haven_audit_export(haven_ctx *ctx, haven_format fmt, FILE *out);

/** haven_audit_export to a new file at path, mode 0600.  overwrite 0: an
 *  existing path is refused (HAVEN_ERR_IO); 1: it is replaced (a symbolic
 *  link there too, never what it points to).  Nothing is left at path on
 *  failure.  path is borrowed. */
haven_status haven_audit_export_file(haven_ctx *ctx, haven_format fmt, const char *path, int overwrite);

#ifdef __cplusplus
}
#endif
#endif
