/*
 * audit_fill.c - test helper: append N realistic audit entries to a store.
 *
 *   audit_fill STORE N
 *
 * Built only for the tests (tests/cli/test_audit.sh), never installed: no
 * haven command fakes operations, so the CLI tests make their log with
 * this, through the same hv_audit_append() every operation uses, in one
 * transaction.  Entries are spaced a minute apart from the context's clock
 * (HAVEN_NOW under ctest) and cycle through the six kinds of operation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "govern/audit.h"
#include "tool.h"

static const hv_audit_entry kinds[] = {
	{HV_AUDIT_COLLECTION, "analyst.0417", "E23000001", "safeguarding",
	 "monthly register disclosure under the 2013 protocol", "register snapshot: home_version", 2712, NULL, NULL},
	{HV_AUDIT_CONSULTATION, "ppu.sgt.2291", "E23000001", "offender-management", NULL,
	 "homes within 2 km of a proposed address", 3, NULL, NULL},
	{HV_AUDIT_DISCLOSURE, "ppu.sgt.2291", "E23000001", "offender-management", "MAPPA panel, level 2",
	 "homes within 2 km of a proposed address", 3, "Kent Probation Delivery Unit", NULL},
	{HV_AUDIT_COMBINATION, "analyst.0417", "E23000001", "safeguarding", NULL,
	 "missing episodes joined to homes by URN", 831, NULL, NULL},
	{HV_AUDIT_ALTERATION, "analyst.0417", "E23000001", "safeguarding",
	 "postcode centroid 600 m from the home; placed from the register's address", "home_version: location", 1,
	 NULL, NULL},
	{HV_AUDIT_CONSULTATION, "dci.morgan", "E23000001", "search for a missing child outside the force area",
	 "exceptional use: urgent, child missing overnight", "homes in neighbouring force areas", 212, NULL,
	 "supt.okafor"},
	{HV_AUDIT_ERASURE, "dpo.office", "E23000001", "safeguarding", "retention: snapshot older than 12 months",
	 "register snapshot: home_version", 2650, NULL, NULL},
};

int main(int argc, char **argv)
{
	char *end;
	long n = argc == 3 ? strtol(argv[2], &end, 10) : -1;
	if (argc != 3 || *end || n < 0) {
		fprintf(stderr, "usage: audit_fill STORE N\n");
		return 2;
	}
	haven_ctx *ctx;
	haven_status st = tool_open(argv[1], &ctx);
	if (!st)
		st = hv_begin(ctx);
	int64_t t0 = hv_now(ctx);
	for (long i = 0; !st && i < n; i++) {
		haven_ctx_set_now(ctx, t0 + 60 * i);
		st = hv_audit_append(ctx, &kinds[i % (long)(sizeof kinds / sizeof kinds[0])], NULL);
	}
	return tool_end("audit_fill", ctx, st);
}
