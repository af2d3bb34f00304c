/*
 * commands.c - the table of haven subcommands.  'haven help' prints from it.
 * Keep it grouped by what users do, in the order of the pipeline.
 */
#include "cli.h"

haven_status cmd_init(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_info(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_keygen(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_checkpoint(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_verify(haven_ctx *ctx, int argc, char **argv);
haven_status cmd_audit_export(haven_ctx *ctx, int argc, char **argv);

const cli_cmd cli_commands[] = {
	{"init", "STORE --owner-kind KIND --owner-code CODE [--owner-name NAME]",
	 "create a new store (SpatiaLite, EPSG:27700, OFFICIAL-SENSITIVE, file mode 0600)",
	 "  --owner-kind KIND   police, la, occ, dfe, probation or hmci\n"
	 "  --owner-code CODE   the owning authority's code (ONS GSS code for police and LAs)\n"
	 "  --owner-name NAME   its name (defaults to the code)\n",
	 cmd_init},
	{"info", "STORE [--json]", "summarise what a store holds",
	 "  --json   print the summary as a JSON object\n", cmd_info},
	{"audit keygen", "KEYFILE", "make an Ed25519 key for signing audit checkpoints (secret file, mode 0600)",
	 "Writes the secret key to KEYFILE, which must not exist, and prints the public key:\n"
	 "keep a copy of the public key away from the store.  Key files that group or others\n"
	 "may read are refused.  See docs/audit.md.\n",
	 cmd_audit_keygen},
	{"audit checkpoint", "STORE --key KEYFILE [--previous FILE] [--out FILE]",
	 "sign the audit log's current size and root (a C2SP signed note)",
	 "  --key KEYFILE     secret key from 'haven audit keygen'; the first checkpoint records\n"
	 "                    its public key in the store, later ones must use the same key\n"
	 "  --previous FILE   the last checkpoint kept: refuse to sign unless the log extends it\n"
	 "  --out FILE        write the checkpoint to FILE (never overwritten) instead of stdout\n"
	 "The log is verified first; a tampered log is never signed (exit 31).  Keep every\n"
	 "checkpoint outside the store: it is what later detects rewriting and truncation.\n",
	 cmd_audit_checkpoint},
	{"audit verify", "STORE [--checkpoint FILE]", "check the audit log has not been tampered with",
	 "  --checkpoint FILE   also check FILE's signature by the store's key, that the log is not\n"
	 "                      shorter, and that it extends FILE's tree (consistency proof)\n"
	 "Recomputes every entry's bytes and leaf hash from its fields and the RFC 6962 root.\n"
	 "Exit 31 (HAVEN_ERR_TAMPER) names the first bad entry and what failed.\n",
	 cmd_audit_verify},
	{"audit export", "STORE [--format csv|json]",
	 "write every audit entry with its canonical bytes, leaf hash and the tree root",
	 "  --format csv|json   CSV (one row per entry) or JSON (default: a document with the\n"
	 "                      origin, tree size, root and public key, then the entries)\n"
	 "Each entry carries its canonical bytes (base64), leaf hash (hex) and the tree size and\n"
	 "root after it, so the log can be checked by other tools (tests/audit_check.py).\n",
	 cmd_audit_export},
};

const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
