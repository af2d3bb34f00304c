/*
 * test_postcode.c - postcode normalisation: every shape, spacing and case,
 * each kind of O/0 and I/1 slip, and postcodes that cannot be, then every
 * postcode of the bundled national sample.
 */
#include <string.h>

#include "core/source.h"
#include "testutil.h"

static void test_normalise_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		haven_status want;
		const char *out; /* canonical form when HAVEN_OK */
		int fixed;
	} cases[] = {
		/* valid shapes */
		/* 1 A9 */ {"M1 1AA", HAVEN_OK, "M1 1AA", 0},
		/* 2 A99 */ {"M60 1NW", HAVEN_OK, "M60 1NW", 0},
		/* 3 AA9 */ {"CR2 6XH", HAVEN_OK, "CR2 6XH", 0},
		/* 4 AA99 */ {"DN55 1PT", HAVEN_OK, "DN55 1PT", 0},
		/* 5 A9A */ {"W1A 1HQ", HAVEN_OK, "W1A 1HQ", 0},
		/* 6 AA9A */ {"EC1A 1BB", HAVEN_OK, "EC1A 1BB", 0},
		/* 7 Girobank */ {"GIR 0AA", HAVEN_OK, "GIR 0AA", 0},
		/* 8 historic Newport */ {"NPT 0AD", HAVEN_OK, "NPT 0AD", 0},
		/* 9 Newport predates the inward letter rules */ {"NPT0VA", HAVEN_OK, "NPT 0VA", 0},
		/* 10 inward letters X and Y are allowed */ {"M1 1XY", HAVEN_OK, "M1 1XY", 0},
		/* spacing and case */
		/* 11 */ {"sw1a1aa", HAVEN_OK, "SW1A 1AA", 0},
		/* 12 */ {"  SW1A   1AA  ", HAVEN_OK, "SW1A 1AA", 0},
		/* 13 */ {"Sw1A\t1aA", HAVEN_OK, "SW1A 1AA", 0},
		/* 14 */ {"S W 1 A 1 A A", HAVEN_OK, "SW1A 1AA", 0},
		/* 15 NSPL pcd form, 3-char outward */ {"LS11AA", HAVEN_OK, "LS1 1AA", 0},
		/* 16 */ {"B1 1AA\r\n", HAVEN_OK, "B1 1AA", 0},
		/* 17 no-break space */ {"SW1A\xC2\xA0" "1AA", HAVEN_OK, "SW1A 1AA", 0},
		/* 18 */ {"AB101AA", HAVEN_OK, "AB10 1AA", 0},
		/* 19 */ {"M11AA", HAVEN_OK, "M1 1AA", 0},
		/* 20 */ {"gir0aa", HAVEN_OK, "GIR 0AA", 0},
		/* slips fixed where only one of the pair fits */
		/* 21 inward digit O */ {"SW1A OAA", HAVEN_OK, "SW1A 0AA", 1},
		/* 22 inward digit I */ {"M1 IAA", HAVEN_OK, "M1 1AA", 1},
		/* 23 outward letter 0 */ {"0L1 1AA", HAVEN_OK, "OL1 1AA", 1},
		/* 24 outward letter 1 */ {"1G1 1AA", HAVEN_OK, "IG1 1AA", 1},
		/* 25 2-char outward digit I */ {"EI 7AB", HAVEN_OK, "E1 7AB", 1},
		/* 26 2-char outward digit O */ {"NO 1AA", HAVEN_OK, "N0 1AA", 1},
		/* 27 4-char outward third I */ {"SWIA 1AA", HAVEN_OK, "SW1A 1AA", 1},
		/* 28 4-char outward third O */ {"ECOA 1BB", HAVEN_OK, "EC0A 1BB", 1},
		/* 29 two slips, lower case */ {"0l1 oaa", HAVEN_OK, "OL1 0AA", 2},
		/* 30 GIR with O for zero */ {"GIR OAA", HAVEN_OK, "GIR 0AA", 1},
		/* ambiguous positions are left as written */
		/* 31 3-char outward second: AA9 */ {"SO1 1AA", HAVEN_OK, "SO1 1AA", 0},
		/* 32 3-char outward second: A99 */ {"S01 1AA", HAVEN_OK, "S01 1AA", 0},
		/* 33 3-char outward third: A9A */ {"W1O 1AA", HAVEN_OK, "W1O 1AA", 0},
		/* 34 4-char outward fourth: AA9A */ {"DN5O 1PT", HAVEN_OK, "DN5O 1PT", 0},
		/* 35 inward letter 0 stays and fails */ {"M1 1A0", HAVEN_ERR_VALUE, NULL, 0},
		/* 36 inward letter O is excluded */ {"SW1A 1AO", HAVEN_ERR_VALUE, NULL, 0},
		/* 37 4-char outward second 0 is not corrected */ {"S01A 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* impossible */
		/* 38 */ {"ZZ", HAVEN_ERR_VALUE, NULL, 0},
		/* 39 */ {"12345", HAVEN_ERR_VALUE, NULL, 0},
		/* 40 */ {"SW1A 1AAA", HAVEN_ERR_VALUE, NULL, 0},
		/* 41 */ {"", HAVEN_ERR_VALUE, NULL, 0},
		/* 42 */ {"   ", HAVEN_ERR_VALUE, NULL, 0},
		/* 43 inward C */ {"M1 1CA", HAVEN_ERR_VALUE, NULL, 0},
		/* 44 inward K */ {"M1 1AK", HAVEN_ERR_VALUE, NULL, 0},
		/* 45 inward M, V */ {"M1 1MV", HAVEN_ERR_VALUE, NULL, 0},
		/* 46 letter in the inward digit place, not O/I */ {"M1 SAB", HAVEN_ERR_VALUE, NULL, 0},
		/* 47 */ {"M1 ZAB", HAVEN_ERR_VALUE, NULL, 0},
		/* 48 punctuation */ {"M1-1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 49 */ {"M1 1A!", HAVEN_ERR_VALUE, NULL, 0},
		/* 50 non-ASCII letter */ {"M1 1A\xc3\x89", HAVEN_ERR_VALUE, NULL, 0},
		/* 51 three letters, not GIR or NPT */ {"AAA 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 52 GIR is only GIR 0AA */ {"GIR 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 53 outward of digits */ {"1234 5AB", HAVEN_ERR_VALUE, NULL, 0},
		/* 54 outward too long */ {"ABC12 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 55 no outward */ {"1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 56 outward digit first, not 0/1 */ {"2A1 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 57 2-char outward of two letters */ {"MA 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 58 4-char outward A9AA */ {"A1AA 1AA", HAVEN_ERR_VALUE, NULL, 0},
		/* 59 the word REDACTED (Ofsted's register) */ {"REDACTED", HAVEN_ERR_VALUE, NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[9] = "junk";
		int fixed = -1;
		haven_status st = haven_postcode_normalise(cases[i].in, out, &fixed);
		if (st != cases[i].want)
			fail_msg("case %zu '%s': got %s, want %s (out '%s')", i + 1, cases[i].in, haven_status_name(st),
			         haven_status_name(cases[i].want), out);
		if (st == HAVEN_OK) {
			if (strcmp(out, cases[i].out) != 0)
				fail_msg("case %zu '%s': got '%s', want '%s'", i + 1, cases[i].in, out, cases[i].out);
			if (fixed != cases[i].fixed)
				fail_msg("case %zu '%s': %d fixes, want %d", i + 1, cases[i].in, fixed, cases[i].fixed);
			/* canonical forms are fixed points */
			char again[9];
			int f2 = -1;
			assert_int_equal(haven_postcode_normalise(out, again, &f2), HAVEN_OK);
			assert_string_equal(again, out);
			assert_int_equal(f2, 0);
		} else if (out[0] != '\0' || fixed != 0) {
			fail_msg("case %zu '%s': failure left out '%s', fixed %d", i + 1, cases[i].in, out, fixed);
		}
	}
	/* NULL input and NULL fixed */
	char out[9];
	assert_int_equal(haven_postcode_normalise(NULL, out, NULL), HAVEN_ERR_VALUE);
	assert_int_equal(haven_postcode_normalise("m1 1aa", out, NULL), HAVEN_OK);
	assert_string_equal(out, "M1 1AA");
}

static void test_sector(void **state)
{
	(void)state;
	static const struct {
		const char *pc, *sector;
	} cases[] = {
		/* 1 */ {"M1 4AB", "M1 4"},
		/* 2 */ {"SW1A 1AA", "SW1A 1"},
		/* 3 */ {"M60 1NW", "M60 1"},
		/* 4 */ {"GIR 0AA", "GIR 0"},
		/* 5 not canonical */ {"M14AB", ""},
		/* 6 too short */ {"M1", ""},
		/* 7 */ {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[7] = "junk";
		haven_postcode_sector(cases[i].pc, out);
		if (strcmp(out, cases[i].sector) != 0)
			fail_msg("sector case %zu '%s': got '%s', want '%s'", i + 1, cases[i].pc, out, cases[i].sector);
	}
}

/* Every postcode of the bundled 10% national sample is valid, needs no
 * correction, and keeps its characters (only the spacing changes). */
static void test_national_sample(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	hv_source *src;
	tu_ok(ctx, hv_source_open(ctx, tu_data("postcodes/gb_postcodes_sample.csv.gz"), &src));
	int has;
	long rows = 0;
	while (hv_source_next(src, &has) == HAVEN_OK && has) {
		const char *in = hv_source_field(src, 0);
		char out[9], a[8], b[8];
		int fixed = -1;
		if (haven_postcode_normalise(in, out, &fixed) != HAVEN_OK || fixed != 0)
			fail_msg("row %lld: '%s' rejected or corrected", (long long)hv_source_row(src), in);
		size_t na = 0, nb = 0;
		for (const char *p = in; *p && na < 7; p++)
			if (*p != ' ')
				a[na++] = *p;
		for (const char *p = out; *p && nb < 7; p++)
			if (*p != ' ')
				b[nb++] = *p;
		a[na] = b[nb] = '\0';
		assert_string_equal(a, b);
		assert_int_equal(out[strlen(out) - 4], ' ');
		rows++;
	}
	assert_int_equal(rows, 263880);
	hv_source_close(src);
	haven_ctx_free(ctx);
}

TU_MAIN(NULL, NULL,
		cmocka_unit_test(test_normalise_table),
		cmocka_unit_test(test_sector),
		cmocka_unit_test(test_national_sample))
