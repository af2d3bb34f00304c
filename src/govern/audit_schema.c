/*
 * audit_schema.c - the audit module's tables in the store, as steps the store's
 * registry runs (core/module.h, src/store/store.c).
 */
#include "core/module.h"

/* Schema 2: the audit log (docs/audit.md).  seq is the entry's leaf
 * index in the RFC 6962 tree and starts at 0.  entry holds the canonical
 * bytes the tree hashes, leaf_hash SHA-256(0x00 || entry); the other columns
 * repeat the entry's fields for querying, and verification checks they
 * still encode to entry.  The triggers stop haven (or anyone using SQL
 * politely) changing or removing entries and keys; verification does not
 * rely on them, since anyone with the file can drop them.  audit_key holds
 * the public half of the key that signs checkpoints; the secret half never
 * enters the store. */
static const char schema_v2[] = "CREATE TABLE audit("
                                " seq INTEGER PRIMARY KEY CHECK(seq >= 0),"
                                " at INTEGER NOT NULL,"
                                " operation TEXT NOT NULL CHECK(operation IN"
                                "  ('collection','alteration','consultation','disclosure','combination','erasure')),"
                                " user_name TEXT NOT NULL, authority TEXT NOT NULL,"
                                " purpose TEXT NOT NULL, justification TEXT,"
                                " object TEXT NOT NULL, row_count INTEGER NOT NULL CHECK(row_count >= 0),"
                                " recipients TEXT, authoriser TEXT,"
                                " entry BLOB NOT NULL,"
                                " leaf_hash BLOB NOT NULL CHECK(length(leaf_hash) = 32),"
                                " CHECK(operation <> 'disclosure' OR recipients IS NOT NULL));"
                                "CREATE INDEX audit_at ON audit(at);"
                                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                                " BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
                                "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
                                " BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;"
                                "CREATE TABLE audit_key("
                                " id INTEGER PRIMARY KEY,"
                                " public_key BLOB NOT NULL UNIQUE CHECK(length(public_key) = 32),"
                                " recorded_at TEXT NOT NULL);"
                                "CREATE TRIGGER audit_key_no_update BEFORE UPDATE ON audit_key"
                                " BEGIN SELECT RAISE(ABORT, 'audit keys cannot be changed'); END;"
                                "CREATE TRIGGER audit_key_no_delete BEFORE DELETE ON audit_key"
                                " BEGIN SELECT RAISE(ABORT, 'audit keys cannot be removed'); END;";

static const hv_schema_step steps[] = {{2, schema_v2, NULL}};

static haven_status counts(haven_ctx *ctx, haven_table *t)
{
	static const hv_info_item items[] = {{"entries", "SELECT count(*) FROM audit"}};
	return hv_info_counts(ctx, t, "audit", items, sizeof items / sizeof items[0]);
}

const hv_module hv_audit_module = {"audit", steps, sizeof steps / sizeof steps[0], counts};
