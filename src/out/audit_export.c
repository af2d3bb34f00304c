/*
 * audit_export.c - the audit log leaves as a document anyone can check
 * (tests/audit_check.py does, with Python's standard library alone): every
 * entry with its canonical bytes and leaf hash, the running tree size and
 * root, the store's checkpoint key.  Only an admin exports it, and it is
 * marked OFFICIAL-SENSITIVE; it is not recorded in the log it exports, so an
 * export never changes the evidence it carries.  docs/audit.md ("Export").
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>

#include "core/output.h"
#include "gate/gate.h"
#include "govern/audit.h"
#include "haven/audit.h"
#include "haven/store.h"

/* A table cell as a typed JSON value. */
static cJSON *cell_json(haven_ctx *ctx, const haven_table *t, size_t r, int c)
{
	switch (haven_table_type(ctx, t, r, c)) {
	case HAVEN_CELL_INT: return cJSON_CreateNumber((double)haven_table_int(ctx, t, r, c));
	case HAVEN_CELL_REAL: return cJSON_CreateNumber(haven_table_real(ctx, t, r, c));
	case HAVEN_CELL_TEXT: return cJSON_CreateString(haven_table_text(ctx, t, r, c));
	case HAVEN_CELL_NULL:
	case HAVEN_CELL_GEOM: break;
	}
	return cJSON_CreateNull();
}

/* Write v as JSON (compact) after prefix; 0 when out of memory. */
static int put_json(FILE *out, const char *prefix, cJSON *v)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;
	cJSON_Delete(v);
	if (!s)
		return 0;
	fputs(prefix, out);
	fputs(s, out);
	cJSON_free(s);
	return 1;
}

/* The JSON export document, streamed one entry per line so a long log
 * needs no more memory than its table. */
static haven_status write_json(haven_ctx *ctx, const hv_audit_export *doc, FILE *out)
{
	const haven_table *t = doc->entries;
	char rhex[65];
	sodium_bin2hex(rhex, sizeof rhex, doc->root, HV_HASH_BYTES);
	cJSON *keys = cJSON_CreateArray();
	if (keys && doc->nkeys > 0) {
		char pk64[HAVEN_PUBKEY_B64];
		sodium_bin2base64(pk64, sizeof pk64, doc->public_key, sizeof doc->public_key,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (!cJSON_AddItemToArray(keys, cJSON_CreateString(pk64))) {
			cJSON_Delete(keys);
			keys = NULL;
		}
	}
	size_t rows = haven_table_nrows(ctx, t);
	int ok = put_json(out, "{\n  \"format\": ", cJSON_CreateString("haven-audit-export-v1")) &&
	         put_json(out, ",\n  \"protective_marking\": ", cJSON_CreateString(HAVEN_MARKING)) &&
	         put_json(out, ",\n  \"origin\": ", cJSON_CreateString(doc->origin)) &&
	         put_json(out, ",\n  \"tree_size\": ", cJSON_CreateNumber((double)rows)) &&
	         put_json(out, ",\n  \"root_hash\": ", cJSON_CreateString(rhex)) &&
	         put_json(out, ",\n  \"public_keys\": ", keys);
	if (ok)
		fputs(",\n  \"entries\": [", out);
	for (size_t r = 0; ok && r < rows; r++) {
		cJSON *o = cJSON_CreateObject();
		for (int c = 0; o && c < haven_table_ncols(t); c++) {
			cJSON *v = cell_json(ctx, t, r, c);
			if (!v || !cJSON_AddItemToObject(o, haven_table_colname(t, c), v)) {
				cJSON_Delete(v);
				cJSON_Delete(o);
				o = NULL;
			}
		}
		ok = put_json(out, r ? ",\n    " : "\n    ", o);
	}
	if (!ok)
		return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
	fputs(rows ? "\n  ]\n}\n" : "]\n}\n", out);
	if (ferror(out))
		return hv_error(ctx, HAVEN_ERR_IO, "writing the audit export failed");
	return HAVEN_OK;
}

haven_status haven_audit_export(haven_ctx *ctx, haven_format fmt, FILE *out)
{
	hv_clear(ctx);
	hv_audit_export doc;
	haven_status rc = hv_audit_export_doc(ctx, &doc);
	/* The log names users, purposes and what they consulted: only the
	 * store's admin exports it, marked. */
	if (!rc)
		rc = hv_release_oversight(ctx, doc.entries);
	if (!rc)
		rc = fmt == HAVEN_FMT_JSON ? write_json(ctx, &doc, out) : haven_table_write(ctx, doc.entries, fmt, out);
	haven_table_free(doc.entries);
	return rc;
}

haven_status haven_audit_export_file(haven_ctx *ctx, haven_format fmt, const char *path, int overwrite)
{
	hv_clear(ctx);
	hv_output o;
	haven_status rc = hv_output_open(ctx, path, overwrite ? NULL : "not replaced without --force", &o);
	if (!rc)
		rc = haven_audit_export(ctx, fmt, o.f);
	return hv_output_end(ctx, &o, rc);
}
