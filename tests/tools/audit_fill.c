/*
 * audit_fill.c - test helper: append N realistic audit entries to a store.
 *
 *   audit_fill STORE N [--at TIME [--step SECONDS]]
 *
 * Built only for the tests (tests/cli/test_audit.sh), never installed: no
 * haven command fakes operations, so the CLI tests make their log with
 * this, through the same hv_audit_append() every operation uses, in one
 * transaction.  Entries cycle through the six kinds of operation.  They are
 * stamped from the system clock, as every entry is, unless --at is given:
 * then entry i is stamped TIME + i * SECONDS (default 60; negative makes a
 * log whose time goes backwards) through the test clock's
 * hv_clock_set_audit(), which only the test library has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	long n = argc >= 3 ? strtol(argv[2], &end, 10) : -1;
	int bad = argc < 3 || *end || n < 0 || argc % 2 == 0;
	int64_t at = -1, step = 60;
	for (int a = 3; !bad && a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--at") == 0)
			bad = !hv_parse_time(argv[a + 1], &at);
		else if (strcmp(argv[a], "--step") == 0) {
			step = strtoll(argv[a + 1], &end, 10);
			bad = !*argv[a + 1] || *end;
		} else
			bad = 1;
	}
	if (bad || (argc > 3 && at < 0)) {
		fprintf(stderr, "usage: audit_fill STORE N [--at YYYY-MM-DDTHH:MM:SSZ [--step SECONDS]]\n");
		return 2;
	}
	haven_ctx *ctx;
	haven_status st = tool_open(argv[1], &ctx);
	if (!st)
		st = hv_begin(ctx);
	for (long i = 0; !st && i < n; i++) {
		if (at >= 0)
			hv_clock_set_audit(ctx, at + step * i);
		st = hv_audit_append(ctx, &kinds[i % (long)(sizeof kinds / sizeof kinds[0])], NULL);
	}
	return tool_end("audit_fill", ctx, st);
}
