/*
 * test_audit.c - the audit log: RFC 6962 tree and proofs against the
 * Certificate Transparency reference vectors and exhaustively for small
 * trees, the canonical encoding's golden bytes, appending, checkpoints and
 * keys, export, and tampering done directly in SQLite as an attacker would.
 */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "govern/audit.h"
#include "core/context.h"
#include "core/sql.h"
#include "testutil.h"

typedef unsigned char hash[HV_HASH_BYTES];

static void unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t len = 0;
	assert_int_equal(sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len, NULL), 0);
	assert_int_equal(len, n);
}

static void assert_hash_hex(const unsigned char *h, const char *hex, const char *what)
{
	char got[65];
	sodium_bin2hex(got, sizeof got, h, HV_HASH_BYTES);
	if (strcmp(got, hex) != 0)
		fail_msg("%s: got %s, want %s", what, got, hex);
}

/* ---- RFC 6962 / CT vectors -------------------------------------------- */

/* The eight leaves of the Certificate Transparency reference test suite. */
static const struct {
	const char *data;
	size_t len;
} ct_leaves[8] = {
	{"", 0},
	{"\x00", 1},
	{"\x10", 1},
	{"\x20\x21", 2},
	{"\x30\x31", 2},
	{"\x40\x41\x42\x43", 4},
	{"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
	{"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

/* MTH of the first n of them, n = 0..8. */
static const char *const ct_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void ct_leaf_hashes(hash out[8])
{
	for (int i = 0; i < 8; i++)
		hv_audit_leaf_hash(ct_leaves[i].data, ct_leaves[i].len, out[i]);
}

static void test_tree_vectors(void **state)
{
	(void)state;
	hash l[8], r;
	/* 1: leaf and node hashes (RFC 6962 hasher vectors) */
	hv_audit_leaf_hash("", 0, r);
	assert_hash_hex(r, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "empty leaf");
	hv_audit_leaf_hash("L123456", 7, r);
	assert_hash_hex(r, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", "leaf L123456");
	ct_leaf_hashes(l);
	/* 2: MTH of the first n leaves, at once and leaf by leaf */
	hv_audit_tree t;
	hv_audit_tree_init(&t);
	for (int n = 0; n <= 8; n++) {
		char what[32];
		snprintf(what, sizeof what, "root of %d", n);
		hv_audit_root((const hash *)l, (uint64_t)n, r);
		assert_hash_hex(r, ct_roots[n], what);
		hv_audit_tree_root(&t, r);
		assert_hash_hex(r, ct_roots[n], what);
		if (n < 8)
			hv_audit_tree_push(&t, l[n]);
	}
	/* 3: interior nodes of the 8-leaf tree */
	hv_audit_node_hash(l[0], l[1], r);
	assert_hash_hex(r, ct_roots[2], "node(0,1)");
	hv_audit_root((const hash *)l + 4, 4, r);
	assert_hash_hex(r, "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4", "MTH(D[4:8])");
}

static void test_inclusion_vectors(void **state)
{
	(void)state;
	static const struct {
		uint64_t index, size;
		int len;
		const char *proof[3];
	} cases[] = {
		{0, 1, 0, {NULL}},
		{0, 2, 1, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"}},
		{1, 2, 1, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}},
		{2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
		{1, 5, 3, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
		{0, 8, 3, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{5, 8, 3, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	hash l[8], root, proof[HV_AUDIT_MAX_PROOF], bad[HV_AUDIT_MAX_PROOF + 1];
	ct_leaf_hashes(l);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		uint64_t i = cases[c].index, n = cases[c].size;
		size_t len;
		tu_ok(ctx, hv_audit_inclusion_proof(ctx, (const hash *)l, n, i, proof, &len));
		if ((int)len != cases[c].len)
			fail_msg("inclusion case %zu: %zu hashes, want %d", c + 1, len, cases[c].len);
		for (int k = 0; k < cases[c].len; k++)
			assert_hash_hex(proof[k], cases[c].proof[k], "inclusion proof hash");
		unhex(ct_roots[n], root, HV_HASH_BYTES);
		if (!hv_audit_inclusion_verify(i, n, l[i], (const hash *)proof, len, root))
			fail_msg("inclusion case %zu does not verify", c + 1);
		/* Corruptions, after the CT reference tests: each must fail. */
		assert_false(hv_audit_inclusion_verify(i + 1, n, l[i], (const hash *)proof, len, root));
		if (i > 0)
			assert_false(hv_audit_inclusion_verify(i - 1, n, l[i], (const hash *)proof, len, root));
		assert_false(hv_audit_inclusion_verify(i, n * 2, l[i], (const hash *)proof, len, root));
		if (n / 2 > i)
			assert_false(hv_audit_inclusion_verify(i, n / 2, l[i], (const hash *)proof, len, root));
		assert_false(hv_audit_inclusion_verify(i, n, l[(i + 1) % 8], (const hash *)proof, len, root));
		memcpy(bad, proof, len * sizeof *proof);
		memcpy(bad[len], root, HV_HASH_BYTES);
		assert_false(hv_audit_inclusion_verify(i, n, l[i], (const hash *)bad, len + 1, root)); /* trailing root */
		if (len) {
			assert_false(hv_audit_inclusion_verify(i, n, l[i], (const hash *)proof, len - 1, root));
			for (size_t k = 0; k < len; k++) {
				memcpy(bad, proof, len * sizeof *proof);
				bad[k][0] ^= 8;
				assert_false(hv_audit_inclusion_verify(i, n, l[i], (const hash *)bad, len, root));
			}
		}
	}
	size_t len;
	tu_assert_status(ctx, hv_audit_inclusion_proof(ctx, (const hash *)l, 8, 8, proof, &len), HAVEN_ERR_USAGE);
	assert_false(hv_audit_inclusion_verify(0, 0, l[0], (const hash *)proof, 0, root));
	haven_ctx_free(ctx);
}

static void test_consistency_vectors(void **state)
{
	(void)state;
	static const struct {
		uint64_t m, n;
		int len;
		const char *proof[3];
	} cases[] = {
		{1, 1, 0, {NULL}},
		{1, 8, 3, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
		{6, 8, 3, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
		{2, 5, 2, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	};
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	hash l[8], r1, r2, proof[HV_AUDIT_MAX_PROOF], bad[HV_AUDIT_MAX_PROOF];
	ct_leaf_hashes(l);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		uint64_t m = cases[c].m, n = cases[c].n;
		size_t len;
		tu_ok(ctx, hv_audit_consistency_proof(ctx, (const hash *)l, m, n, proof, &len));
		if ((int)len != cases[c].len)
			fail_msg("consistency case %zu: %zu hashes, want %d", c + 1, len, cases[c].len);
		for (int k = 0; k < cases[c].len; k++)
			assert_hash_hex(proof[k], cases[c].proof[k], "consistency proof hash");
		unhex(ct_roots[m], r1, HV_HASH_BYTES);
		unhex(ct_roots[n], r2, HV_HASH_BYTES);
		if (!hv_audit_consistency_verify(m, n, r1, r2, (const hash *)proof, len))
			fail_msg("consistency case %zu does not verify", c + 1);
		if (m != n)
			assert_false(hv_audit_consistency_verify(m, n, r2, r1, (const hash *)proof, len));
		for (size_t k = 0; k < len; k++) {
			memcpy(bad, proof, len * sizeof *proof);
			bad[k][31] ^= 1;
			assert_false(hv_audit_consistency_verify(m, n, r1, r2, (const hash *)bad, len));
		}
		if (len)
			assert_false(hv_audit_consistency_verify(m, n, r1, r2, (const hash *)proof, len - 1));
		/* the old root of another size */
		hash wrong;
		unhex(ct_roots[m - 1], wrong, HV_HASH_BYTES);
		assert_false(hv_audit_consistency_verify(m, n, wrong, r2, (const hash *)proof, len));
	}
	size_t len;
	tu_assert_status(ctx, hv_audit_consistency_proof(ctx, (const hash *)l, 5, 4, proof, &len), HAVEN_ERR_USAGE);
	/* The empty tree is consistent with every tree, by an empty proof. */
	unhex(ct_roots[0], r1, HV_HASH_BYTES);
	unhex(ct_roots[8], r2, HV_HASH_BYTES);
	tu_ok(ctx, hv_audit_consistency_proof(ctx, (const hash *)l, 0, 8, proof, &len));
	assert_int_equal(len, 0);
	assert_true(hv_audit_consistency_verify(0, 8, r1, r2, (const hash *)proof, 0));
	assert_false(hv_audit_consistency_verify(0, 8, r2, r2, (const hash *)proof, 0));
	haven_ctx_free(ctx);
}

/* MTH straight from RFC 6962's recursive definition, to check the stack. */
static void ref_mth(const hash *l, uint64_t n, unsigned char out[HV_HASH_BYTES])
{
	if (n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, l[0], HV_HASH_BYTES);
		return;
	}
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	hash a, b;
	ref_mth(l, k, a);
	ref_mth(l + k, n - k, b);
	hv_audit_node_hash(a, b, out);
}

#define NMAX 64

static void test_proofs_exhaustive(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	static hash l[NMAX], roots[NMAX + 1], alt_roots[NMAX][NMAX + 1], alt[NMAX];
	for (int i = 0; i < NMAX; i++) {
		unsigned char d[2] = {(unsigned char)i, (unsigned char)(i * 7)};
		hv_audit_leaf_hash(d, 2, l[i]);
	}
	/* Roots of every prefix, and of every prefix with leaf j altered. */
	for (int n = 0; n <= NMAX; n++) {
		hv_audit_root((const hash *)l, (uint64_t)n, roots[n]);
		hash ref;
		ref_mth((const hash *)l, (uint64_t)n, ref);
		if (memcmp(ref, roots[n], HV_HASH_BYTES) != 0)
			fail_msg("stack root of %d differs from the recursive MTH", n);
	}
	for (int j = 0; j < NMAX; j++) {
		memcpy(alt, l, sizeof alt);
		alt[j][5] ^= 0x40;
		for (int n = 0; n <= NMAX; n++)
			hv_audit_root((const hash *)alt, (uint64_t)n, alt_roots[j][n]);
	}
	hash proof[HV_AUDIT_MAX_PROOF];
	size_t len, checked = 0;
	for (int n = 1; n <= NMAX; n++) {
		/* Inclusion: every leaf, and no altered leaf. */
		for (int i = 0; i < n; i++) {
			tu_ok(ctx, hv_audit_inclusion_proof(ctx, (const hash *)l, (uint64_t)n, (uint64_t)i, proof, &len));
			if (!hv_audit_inclusion_verify((uint64_t)i, (uint64_t)n, l[i], (const hash *)proof, len, roots[n]))
				fail_msg("inclusion of %d in %d does not verify", i, n);
			hash other;
			memcpy(other, l[i], HV_HASH_BYTES);
			other[0] ^= 1;
			if (hv_audit_inclusion_verify((uint64_t)i, (uint64_t)n, other, (const hash *)proof, len, roots[n]))
				fail_msg("altered leaf %d verifies in %d", i, n);
		}
		/* Consistency: every m <= n, and never with any leaf altered. */
		for (int m = 0; m <= n; m++) {
			tu_ok(ctx, hv_audit_consistency_proof(ctx, (const hash *)l, (uint64_t)m, (uint64_t)n, proof, &len));
			if (!hv_audit_consistency_verify((uint64_t)m, (uint64_t)n, roots[m], roots[n], (const hash *)proof, len))
				fail_msg("consistency %d -> %d does not verify", m, n);
			checked++;
			if (m == 0)
				continue; /* every tree extends the empty one */
			for (int j = 0; j < n; j++) {
				/* The log with leaf j altered does not extend the old root
				 * with the old proof ... */
				if (hv_audit_consistency_verify((uint64_t)m, (uint64_t)n, roots[m], alt_roots[j][n],
				                                (const hash *)proof, len))
					fail_msg("consistency %d -> %d holds with leaf %d altered (old proof)", m, n, j);
				if (j >= m)
					continue; /* a different extension is a legitimate one */
				/* ... nor with a proof made from the altered log. */
				memcpy(alt, l, sizeof alt);
				alt[j][5] ^= 0x40;
				hash p2[HV_AUDIT_MAX_PROOF];
				size_t l2;
				tu_ok(ctx, hv_audit_consistency_proof(ctx, (const hash *)alt, (uint64_t)m, (uint64_t)n, p2, &l2));
				if (hv_audit_consistency_verify((uint64_t)m, (uint64_t)n, roots[m], alt_roots[j][n],
				                                (const hash *)p2, l2))
					fail_msg("consistency %d -> %d holds with leaf %d altered (new proof)", m, n, j);
			}
		}
	}
	assert_int_equal(checked, NMAX * (NMAX + 3) / 2);
	haven_ctx_free(ctx);
}

/* ---- canonical encoding ----------------------------------------------- */

/* docs/audit.md's worked example: the bytes, field by field. */
static const char golden_hex[] =
	"0000000e686176656e2d61756469742d7631"                                 /* tag "haven-audit-v1" */
	"0000000000000000"                                                     /* seq 0 */
	"0000000067fe2010"                                                     /* at 1744707600 */
	"0000000a646973636c6f73757265"                                         /* "disclosure" */
	"0000000c616e616c7973742e30343137"                                     /* "analyst.0417" */
	"00000009453233303030303333"                                           /* "E23000033" */
	"0000000c736166656775617264696e67"                                     /* "safeguarding" */
	"000000164d415050412070616e656c20323032352d30342d3135"                 /* justification */
	"0000001d686f6d6573206e65617220612070726f706f7365642061646472657373"   /* object */
	"0000000000000003"                                                     /* rows 3 */
	"0000001c4b656e742050726f626174696f6e2044656c697665727920556e6974"     /* recipients */
	"00000000";                                                            /* authoriser "" */
static const char golden_leaf[] = "03510ceb933624a0c0680d94bbea5f68614fdc2365f8b40aba02af29e102f2f5";

static const hv_audit_fields golden_fields = {0,
                                              1744707600,
                                              "disclosure",
                                              "analyst.0417",
                                              "E23000033",
                                              "safeguarding",
                                              "MAPPA panel 2025-04-15",
                                              "homes near a proposed address",
                                              3,
                                              "Kent Probation Delivery Unit",
                                              NULL};

static void test_encoding_golden(void **state)
{
	(void)state;
	haven_ctx *ctx;
	assert_int_equal(haven_ctx_new(&ctx), HAVEN_OK);
	unsigned char *b;
	size_t len;
	tu_ok(ctx, hv_audit_encode(ctx, &golden_fields, &b, &len));
	char *hex = malloc(len * 2 + 1);
	sodium_bin2hex(hex, len * 2 + 1, b, len);
	assert_string_equal(hex, golden_hex);
	free(hex);
	hash leaf;
	hv_audit_leaf_hash(b, len, leaf);
	assert_hash_hex(leaf, golden_leaf, "golden leaf hash");

	/* Round trip. */
	hv_audit_decoded d;
	tu_ok(ctx, hv_audit_decode(ctx, b, len, &d));
	assert_int_equal(hv_audit_fields_diff(&d.f, &golden_fields), -1);
	assert_string_equal(d.f.authoriser, "");
	tu_ok(ctx, hv_audit_fields_check(ctx, &d.f));
	hv_audit_decoded_free(&d);

	/* Integers are two's complement: a negative time still round-trips (and
	 * the rules, not the encoding, refuse it). */
	hv_audit_fields neg = golden_fields;
	neg.at = -2;
	neg.rows = INT64_MAX;
	unsigned char *nb;
	size_t nlen;
	tu_ok(ctx, hv_audit_encode(ctx, &neg, &nb, &nlen));
	assert_memory_equal(nb + 26, "\xff\xff\xff\xff\xff\xff\xff\xfe", 8);
	tu_ok(ctx, hv_audit_decode(ctx, nb, nlen, &d));
	assert_int_equal(d.f.at, -2);
	assert_int_equal(d.f.rows, INT64_MAX);
	assert_int_equal(hv_audit_fields_diff(&d.f, &golden_fields), 1);
	tu_assert_status(ctx, hv_audit_fields_check(ctx, &d.f), HAVEN_ERR_VALUE);
	tu_assert_msg(ctx, "'at'");
	hv_audit_decoded_free(&d);
	free(nb);

	/* Malformed bytes, numbered. */
	unsigned char *m = malloc(len + 1);
	static const struct {
		const char *what;
		const char *msg;
	} bad[] = {
		{"truncated", "end inside field 'authoriser'"},
		{"trailing byte", "1 bytes after the last field"},
		{"wrong tag", "tag"},
		{"NUL in a field", "NUL"},
		{"length past the end", "end inside field 'operation'"},
	};
	for (size_t c = 0; c < sizeof bad / sizeof bad[0]; c++) {
		memcpy(m, b, len);
		size_t ml = len;
		switch (c) {
		case 0: ml = len - 1; break;
		case 1: m[len] = 0; ml = len + 1; break;
		case 2: m[17] = '2'; break;
		case 3: m[46] = 0; break; /* inside "disclosure" */
		case 4: m[34] = 0x7f; break; /* operation's length */
		}
		haven_status st = hv_audit_decode(ctx, m, ml, &d);
		if (st != HAVEN_ERR_FORMAT || !strstr(haven_errmsg(ctx), bad[c].msg))
			fail_msg("decode case %zu (%s): %s '%s'", c + 1, bad[c].what, haven_status_name(st), haven_errmsg(ctx));
	}
	free(m);
	free(b);
	haven_ctx_free(ctx);
}

/* ---- appending -------------------------------------------------------- */

/* Entries of the kinds a police force's store records. */
static const hv_audit_entry samples[] = {
	{HV_AUDIT_COLLECTION, "analyst.0417", "E23000001", "safeguarding children in registered homes",
	 "monthly register disclosure under the 2013 protocol", "register snapshot 2025-03-31: home_version", 2712,
	 NULL, NULL},
	{HV_AUDIT_CONSULTATION, "ppu.sgt.2291", "E23000001", "MAPPA proposed address check",
	 "offender release plan review", "homes within 2 km of a proposed address", 3, NULL, NULL},
	{HV_AUDIT_DISCLOSURE, "ppu.sgt.2291", "E23000001", "MAPPA proposed address check",
	 "MAPPA panel 2025-04-15, level 2", "homes within 2 km of a proposed address", 3,
	 "Kent Probation Delivery Unit", NULL},
	{HV_AUDIT_COMBINATION, "analyst.0417", "E23000001", "missing-from-care trends",
	 "quarterly missing episodes review", "missing episodes joined to homes by URN", 831, NULL, NULL},
	{HV_AUDIT_ALTERATION, "analyst.0417", "E23000001", "accurate location of homes",
	 "postcode centroid 600 m from the home; corrected from the register's address", "home_version: geocode", 1,
	 NULL, NULL},
	{HV_AUDIT_CONSULTATION, "dci.morgan", "E23000001", "child at risk of exploitation",
	 "exceptional use: urgent search for a missing child", "homes in the force area", 212, NULL,
	 "Supt. A. Okafor, on call 2025-04-15 02:10"},
	{HV_AUDIT_ERASURE, "dpo.office", "E23000001", "retention schedule", "snapshot older than 12 months",
	 "register snapshot 2024-03-31: home_version", 2650, NULL, NULL},
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static void fill(haven_ctx *ctx, int n)
{
	tu_ok(ctx, hv_begin(ctx));
	for (int i = 0; i < n; i++)
		tu_ok(ctx, hv_audit_append(ctx, &samples[(size_t)i % NSAMPLES], NULL));
	tu_ok(ctx, hv_commit(ctx));
}

static void test_append_rules(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("append-rules.db");
	/* Outside a transaction: refused. */
	tu_assert_status(ctx, hv_audit_append(ctx, &samples[0], NULL), HAVEN_ERR_USAGE);
	tu_assert_msg(ctx, "transaction");
	char before[65], after[65];
	tu_digest(ctx, before);
	static const struct {
		const char *what;
		const char *msg;
	} cases[] = {
		{"empty user", "field 'user' is empty"},
		{"exceptional use without justification", "must give its justification"},
		{"disclosure without recipients", "must name its recipients"},
		{"erasure with recipients", "an erasure has no recipients"},
		{"bad UTF-8", "not valid UTF-8"},
		{"control character", "control character 0x1b"},
		{"negative rows", "'rows' is negative"},
		{"field too long", "more than 65535"},
	};
	char *longtext = malloc(HV_AUDIT_MAX_FIELD + 2);
	memset(longtext, 'x', HV_AUDIT_MAX_FIELD + 1);
	longtext[HV_AUDIT_MAX_FIELD + 1] = '\0';
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		hv_audit_entry e = samples[c == 1 ? 5 : c == 3 ? 6 : 2];
		switch (c) {
		case 0: e.user = ""; break;
		case 1: e.justification = NULL; break;
		case 2: e.recipients = ""; break;
		case 3: e.recipients = "Kent Police"; break;
		case 4: e.purpose = "safeguard\xc3("; break;
		case 5: e.object = "homes\x1b[2J"; break;
		case 6: e.rows = -1; break;
		case 7: e.justification = longtext; break;
		}
		tu_ok(ctx, hv_begin(ctx));
		tu_ok(ctx, hv_audit_append(ctx, &samples[0], NULL)); /* a good one first: rolled back too */
		haven_status st = hv_audit_append(ctx, &e, NULL);
		hv_rollback(ctx);
		if (st != HAVEN_ERR_VALUE || !strstr(haven_errmsg(ctx), cases[c].msg))
			fail_msg("append case %zu (%s): %s '%s'", c + 1, cases[c].what, haven_status_name(st),
			         haven_errmsg(ctx));
		tu_digest(ctx, after);
		assert_string_equal(before, after);
	}
	free(longtext);
	/* Tabs and newlines are allowed in free text; a registered purpose
	 * needs no further justification. */
	hv_audit_entry ok = samples[1];
	ok.justification = "line one\n\tline two";
	hv_audit_entry plain = samples[1];
	plain.justification = NULL;
	tu_ok(ctx, hv_begin(ctx));
	int64_t seq = -1;
	tu_ok(ctx, hv_audit_append(ctx, &ok, &seq));
	assert_int_equal(seq, 0);
	tu_ok(ctx, hv_audit_append(ctx, &plain, &seq));
	tu_ok(ctx, hv_commit(ctx));
	assert_int_equal(seq, 1);
	haven_audit_report rep;
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &rep));
	assert_int_equal(rep.entries, 2);
	haven_ctx_free(ctx);
}

static void test_append_and_verify(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("append.db");
	haven_audit_report rep;
	/* 1: the empty log */
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &rep));
	assert_int_equal(rep.entries, 0);
	assert_string_equal(rep.root, ct_roots[0]);

	/* 2: an entry commits or rolls back with its operation */
	tu_ok(ctx, hv_begin(ctx));
	tu_ok(ctx, hv_audit_append(ctx, &samples[0], NULL));
	hv_rollback(ctx);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit"), 0);

	/* 3: entries numbered from 0, stamped from the system clock: not from
	 * "now" as HAVEN_NOW (2025-04-15 under ctest) puts it to the test clock */
	assert_int_equal(hv_now(ctx), 1744707600);
	int64_t t0 = (int64_t)time(NULL);
	fill(ctx, 20);
	int64_t t1 = (int64_t)time(NULL);
	assert_int_equal(tu_int(ctx, "SELECT min(seq) FROM audit"), 0);
	assert_int_equal(tu_int(ctx, "SELECT max(seq) FROM audit"), 19);
	assert_in_range(tu_int(ctx, "SELECT min(at) FROM audit"), t0, t1);
	assert_in_range(tu_int(ctx, "SELECT max(at) FROM audit"), t0, t1);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit WHERE operation = 'disclosure' AND recipients IS NULL"), 0);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit WHERE authoriser IS NOT NULL"), 3);
	/* ... nor from a clock the test fixes, however far back: the log records
	 * when things happened, not when someone says they did */
	hv_clock_set(ctx, 631152000); /* 1990-01-01 */
	assert_int_equal(hv_now(ctx), 631152000);
	t0 = (int64_t)time(NULL);
	fill(ctx, 1);
	t1 = (int64_t)time(NULL);
	assert_in_range(tu_int(ctx, "SELECT at FROM audit WHERE seq = 20"), t0, t1);

	/* 4: verify recomputes the same root as the tree over the stored bytes */
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &rep));
	assert_int_equal(rep.entries, 21);
	assert_int_equal(rep.first_bad, -1);
	assert_int_equal(rep.checkpoint_checked, 0);
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "SELECT entry FROM audit ORDER BY seq", &st));
	hash l[21], root;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < 21) {
		hv_audit_leaf_hash(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), l[n]);
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, 21);
	ref_mth((const hash *)l, 21, root);
	assert_hash_hex(root, rep.root, "verify's root");

	/* 5: inside haven the triggers refuse changes */
	tu_assert_status(ctx, hv_exec(ctx, "UPDATE audit SET purpose = 'x' WHERE seq = 1"), HAVEN_ERR_SQL);
	tu_assert_msg(ctx, "append-only");
	tu_assert_status(ctx, hv_exec(ctx, "DELETE FROM audit WHERE seq = 20"), HAVEN_ERR_SQL);
	tu_assert_msg(ctx, "append-only");
	haven_ctx_free(ctx);
}

/* ---- keys and checkpoints --------------------------------------------- */

static char *checkpoint_of(haven_ctx *ctx, const char *key)
{
	char *text = NULL;
	tu_ok(ctx, haven_audit_checkpoint(ctx, key, NULL, &text));
	return text;
}

static void test_keys(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("keys.db");
	fill(ctx, 3);
	char pub[HAVEN_PUBKEY_B64];
	const char *key = tu_tmp("keys.key");
	unlink(key);
	/* 1: a new key is 0600 and never overwritten */
	tu_ok(ctx, haven_audit_keygen(ctx, key, pub));
	assert_int_equal(strlen(pub), HAVEN_PUBKEY_B64 - 1);
	struct stat sb;
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	tu_assert_status(ctx, haven_audit_keygen(ctx, key, NULL), HAVEN_ERR_IO);
	tu_assert_msg(ctx, "never overwritten");
	/* 2: a key others may read is refused, and nothing is recorded */
	assert_int_equal(chmod(key, 0644), 0);
	char *text = NULL;
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, key, NULL, &text), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "mode 0644");
	assert_null(text);
	assert_int_equal(chmod(key, 0640), 0);
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, key, NULL, &text), HAVEN_ERR_DENIED);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit_key"), 0);
	assert_int_equal(chmod(key, 0600), 0);
	const char *link = tu_tmp("keys-link.key");
	unlink(link);
	assert_int_equal(symlink(key, link), 0);
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, link, NULL, &text), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "symbolic link");
	/* 3: a file that is not a key, and a missing one */
	const char *junk = tu_write("junk.key", "haven-ed25519-secret-key-v1\nnot base64 at all\n");
	assert_int_equal(chmod(junk, 0600), 0);
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, junk, NULL, &text), HAVEN_ERR_FORMAT);
	tu_assert_msg(ctx, "junk.key");
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, tu_tmp("none.key"), NULL, &text), HAVEN_ERR_IO);
	/* 4: the first checkpoint records the public key; its format */
	text = checkpoint_of(ctx, key);
	assert_int_equal(tu_int(ctx, "SELECT count(*) FROM audit_key"), 1);
	sqlite3_stmt *st;
	tu_ok(ctx, hv_prepare(ctx, "SELECT public_key FROM audit_key", &st));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char stored[HAVEN_PUBKEY_B64];
	sodium_bin2base64(stored, sizeof stored, sqlite3_column_blob(st, 0), 32, sodium_base64_VARIANT_ORIGINAL);
	sqlite3_finalize(st);
	assert_string_equal(stored, pub);
	haven_audit_report rep;
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &rep));
	char root64[45];
	unsigned char root[32];
	unhex(rep.root, root, 32);
	sodium_bin2base64(root64, sizeof root64, root, 32, sodium_base64_VARIANT_ORIGINAL);
	char head[128];
	snprintf(head, sizeof head, "haven/X00\n3\n%s\n\n\xe2\x80\x94 haven/X00 ", root64);
	assert_memory_equal(text, head, strlen(head));
	assert_int_equal(strlen(text), strlen(head) + 92 + 1); /* base64 of 4 + 64 bytes, newline */
	/* Signature blob: key ID, then an Ed25519 signature of the body. */
	unsigned char blob[68], pk[32];
	size_t bl;
	assert_int_equal(sodium_base642bin(blob, sizeof blob, text + strlen(head), 92, NULL, &bl, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(bl, 68);
	assert_int_equal(sodium_base642bin(pk, 32, pub, 44, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	size_t body = strlen(head) - strlen("\n\xe2\x80\x94 haven/X00 ");
	assert_int_equal(crypto_sign_verify_detached(blob + 4, (const unsigned char *)text, body, pk), 0);
	unsigned char idin[9 + 1 + 1 + 32], id[32];
	memcpy(idin, "haven/X00\n\x01", 11);
	memcpy(idin + 11, pk, 32);
	crypto_hash_sha256(id, idin, sizeof idin);
	assert_memory_equal(blob, id, 4);
	char kid[9];
	sodium_bin2hex(kid, sizeof kid, id, 4);
	assert_string_equal(rep.key_id, kid);
	/* 5: verified against itself */
	tu_ok(ctx, haven_audit_verify(ctx, text, &rep));
	assert_int_equal(rep.checkpoint_checked, 1);
	assert_int_equal(rep.checkpoint_size, 3);
	/* 6: another key is refused by this store */
	const char *key2 = tu_tmp("keys2.key");
	unlink(key2);
	tu_ok(ctx, haven_audit_keygen(ctx, key2, NULL));
	char *text2 = NULL;
	tu_assert_status(ctx, haven_audit_checkpoint(ctx, key2, NULL, &text2), HAVEN_ERR_DENIED);
	tu_assert_msg(ctx, "is not this store's audit key");
	assert_null(text2);
	/* 7: the log grows; the old checkpoint still holds, through a proof */
	fill(ctx, 9);
	tu_ok(ctx, haven_audit_verify(ctx, text, &rep));
	assert_int_equal(rep.entries, 12);
	assert_int_equal(rep.checkpoint_size, 3);
	assert_true(rep.proof_hashes >= 2);
	tu_ok(ctx, haven_audit_checkpoint(ctx, key, text, &text2));
	assert_non_null(strstr(text2, "\n12\n"));
	/* 8: checkpoint files round-trip through haven_audit_checkpoint_load */
	const char *cpf = tu_write("keys.cp", text2);
	char *loaded;
	tu_ok(ctx, haven_audit_checkpoint_load(ctx, cpf, &loaded));
	assert_string_equal(loaded, text2);
	haven_free(loaded);
	tu_assert_status(ctx, haven_audit_checkpoint_load(ctx, tu_tmp("none.cp"), &loaded), HAVEN_ERR_IO);
	haven_free(text);
	haven_free(text2);
	haven_ctx_free(ctx);
}

/* ---- the attacker ----------------------------------------------------- */

/* Run sql on the store file directly, as someone with the sqlite3 shell:
 * the triggers go first. */
static void attack_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db,
	                 "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;"
	                 "DROP TRIGGER IF EXISTS audit_key_no_update; DROP TRIGGER IF EXISTS audit_key_no_delete;",
	                 NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("attack '%s' failed: %s", sql, err);
	sqlite3_close(db);
}

/* Recompute row seq's canonical bytes from its columns, and its leaf hash
 * when hash is set, as someone who has read docs/audit.md would. */
static void attack_reencode(haven_ctx *ctx, const char *path, int64_t seq, int hash_too)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT seq, at, operation, user_name, authority, purpose, justification,"
	                                    " object, row_count, recipients, authoriser FROM audit WHERE seq = ?",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	hv_audit_fields f = {sqlite3_column_int64(st, 0),
	                     sqlite3_column_int64(st, 1),
	                     (const char *)sqlite3_column_text(st, 2),
	                     (const char *)sqlite3_column_text(st, 3),
	                     (const char *)sqlite3_column_text(st, 4),
	                     (const char *)sqlite3_column_text(st, 5),
	                     (const char *)sqlite3_column_text(st, 6),
	                     (const char *)sqlite3_column_text(st, 7),
	                     sqlite3_column_int64(st, 8),
	                     (const char *)sqlite3_column_text(st, 9),
	                     (const char *)sqlite3_column_text(st, 10)};
	unsigned char *b;
	size_t len;
	tu_ok(ctx, hv_audit_encode(ctx, &f, &b, &len));
	sqlite3_finalize(st);
	hash leaf;
	hv_audit_leaf_hash(b, len, leaf);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_no_update", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    hash_too ? "UPDATE audit SET entry = ?, leaf_hash = ? WHERE seq = ?"
	                                             : "UPDATE audit SET entry = ? WHERE seq = ?",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, b, (int)len, SQLITE_STATIC);
	if (hash_too)
		sqlite3_bind_blob(st, 2, leaf, HV_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, hash_too ? 3 : 2, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(b);
}

/* Copy every column of row from into a new row seq to. */
#define COPY_ROW(to, from, purpose)                                                                       \
	"INSERT INTO audit(seq, at, operation, user_name, authority, purpose, justification, object, row_count," \
	" recipients, authoriser, entry, leaf_hash) SELECT " to ", at, operation, user_name, authority, " purpose \
	", justification, object, row_count, recipients, authoriser, entry, leaf_hash FROM audit WHERE seq = " from

/* Shift rows >= 5 up by one, leaving seq 5 free. */
#define SHIFT_FROM_5 "UPDATE audit SET seq = seq + 1001 WHERE seq >= 5; UPDATE audit SET seq = seq - 1000 WHERE seq >= 1000;"

static void atk_edit_field(haven_ctx *c, const char *p) { (void)c; attack_sql(p, "UPDATE audit SET purpose = 'curiosity' WHERE seq = 3"); }
static void atk_edit_time_byte(haven_ctx *c, const char *p)
{
	(void)c; /* the last byte of 'at' is byte 34 (1-based); the clock stamps it, so it may be 0x11 already */
	attack_sql(p, "UPDATE audit SET entry = CAST(substr(entry, 1, 33) ||"
	              " CASE WHEN substr(entry, 34, 1) = x'11' THEN x'22' ELSE x'11' END || substr(entry, 35) AS BLOB)"
	              " WHERE seq = 3");
}
static void atk_cut_bytes(haven_ctx *c, const char *p)
{
	(void)c;
	attack_sql(p, "UPDATE audit SET entry = substr(entry, 1, length(entry) - 5) WHERE seq = 3");
}
static void atk_field_and_bytes(haven_ctx *c, const char *p)
{
	atk_edit_field(c, p);
	attack_reencode(c, p, 3, 0);
}
static void atk_delete_row(haven_ctx *c, const char *p) { (void)c; attack_sql(p, "DELETE FROM audit WHERE seq = 4"); }
static void atk_swap_rows(haven_ctx *c, const char *p)
{
	(void)c;
	attack_sql(p, "UPDATE audit SET seq = 1000 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 6;"
	              "UPDATE audit SET seq = 6 WHERE seq = 1000;");
}
static void atk_insert_row(haven_ctx *c, const char *p)
{
	attack_sql(p, SHIFT_FROM_5 COPY_ROW("5", "0", "'cover story'"));
	attack_reencode(c, p, 5, 1);
}
static void atk_insert_rewrite(haven_ctx *c, const char *p)
{
	atk_insert_row(c, p);
	for (int64_t s = 6; s <= 10; s++)
		attack_reencode(c, p, s, 1);
}
static void atk_append_copied(haven_ctx *c, const char *p) { (void)c; attack_sql(p, COPY_ROW("10", "3", "purpose")); }
static void atk_append_rulebreak(haven_ctx *c, const char *p)
{
	attack_sql(p, COPY_ROW("10", "2", "purpose") "; UPDATE audit SET recipients = '' WHERE seq = 10");
	attack_reencode(c, p, 10, 1);
}
static void atk_append_good(haven_ctx *c, const char *p)
{
	attack_sql(p, COPY_ROW("10", "1", "'looked at the list'"));
	attack_reencode(c, p, 10, 1);
}
static void atk_truncate(haven_ctx *c, const char *p) { (void)c; attack_sql(p, "DELETE FROM audit WHERE seq >= 7"); }
static void atk_rewrite(haven_ctx *c, const char *p)
{
	atk_edit_field(c, p);
	attack_reencode(c, p, 3, 1);
}
static void atk_replace_last(haven_ctx *c, const char *p)
{
	attack_sql(p, "DELETE FROM audit WHERE seq = 9;" COPY_ROW("9", "0", "purpose"));
	attack_reencode(c, p, 9, 1);
}
static void atk_replace_key(haven_ctx *c, const char *p)
{
	(void)c;
	unsigned char pk[32], sk[64];
	crypto_sign_keypair(pk, sk);
	char hex[65], sql[200];
	sodium_bin2hex(hex, sizeof hex, pk, 32);
	snprintf(sql, sizeof sql,
	         "DELETE FROM audit_key; INSERT INTO audit_key(public_key, recorded_at) VALUES(x'%s', 'now')", hex);
	attack_sql(p, sql);
}
static void atk_remove_key(haven_ctx *c, const char *p) { (void)c; attack_sql(p, "DELETE FROM audit_key"); }
static void atk_owner(haven_ctx *c, const char *p) { (void)c; attack_sql(p, "UPDATE meta SET value = 'X01' WHERE key = 'owner_code'"); }

static void test_tamper(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		void (*attack)(haven_ctx *, const char *);
		haven_status plain, with_cp; /* verify without / with the kept checkpoint */
		int64_t first_bad;
		const char *msg;
	} cases[] = {
		{"edit a field", atk_edit_field, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 3,
		 "entry 3: field 'purpose' in the table does not match"},
		{"edit a byte of the canonical bytes", atk_edit_time_byte, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 3,
		 "entry 3: field 'at'"},
		{"cut the canonical bytes short", atk_cut_bytes, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 3,
		 "entry 3: canonical bytes end inside field"},
		{"edit a field and its bytes, not its hash", atk_field_and_bytes, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 3,
		 "entry 3: stored leaf hash does not match"},
		{"delete a row", atk_delete_row, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 4, "entry 4 is missing"},
		{"swap two rows' seq", atk_swap_rows, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 2,
		 "entry 2: its canonical bytes are those of entry 6"},
		{"insert a row", atk_insert_row, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 6,
		 "entry 6: its canonical bytes are those of entry 5"},
		{"append a row by hand (copied bytes)", atk_append_copied, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 10,
		 "entry 10: its canonical bytes are those of entry 3"},
		{"append a row by hand (breaks the rules)", atk_append_rulebreak, HAVEN_ERR_TAMPER, HAVEN_ERR_TAMPER, 10,
		 "entry 10 breaks the entry rules: a disclosure must name its recipients"},
		{"truncate", atk_truncate, HAVEN_OK, HAVEN_ERR_TAMPER, 7, "entries 7 to 9 were removed"},
		{"rewrite history, same size", atk_rewrite, HAVEN_OK, HAVEN_ERR_TAMPER, -1,
		 "first 10 entries do not hash to the checkpoint's root"},
		{"replace the last entry", atk_replace_last, HAVEN_OK, HAVEN_ERR_TAMPER, -1,
		 "first 10 entries do not hash to the checkpoint's root"},
		{"insert a row and rewrite the rest", atk_insert_rewrite, HAVEN_OK, HAVEN_ERR_TAMPER, -1,
		 "first 10 entries do not hash to the checkpoint's root"},
		{"replace the store's key", atk_replace_key, HAVEN_OK, HAVEN_ERR_TAMPER, -1,
		 "not signed by this store's audit key"},
		{"remove the store's key", atk_remove_key, HAVEN_OK, HAVEN_ERR_TAMPER, -1, "records no audit public key"},
		{"change the owner", atk_owner, HAVEN_OK, HAVEN_ERR_TAMPER, -1, "the checkpoint is for log 'haven/X00'"},
		/* What verify cannot see: an entry appended correctly by hand is an append. */
		{"append a row by hand (correctly)", atk_append_good, HAVEN_OK, HAVEN_OK, -1, NULL},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char name[64], keyname[64];
		snprintf(name, sizeof name, "tamper-%zu.db", c + 1);
		snprintf(keyname, sizeof keyname, "tamper-%zu.key", c + 1);
		haven_ctx *ctx = tu_new_store(name);
		const char *path = tu_tmp(name), *key = tu_tmp(keyname);
		unlink(key);
		fill(ctx, 10);
		tu_ok(ctx, haven_audit_keygen(ctx, key, NULL));
		char *cp = checkpoint_of(ctx, key);
		haven_store_close(ctx);
		cases[c].attack(ctx, path);
		tu_ok(ctx, haven_store_open(ctx, path));
		for (int with = 0; with < 2; with++) {
			haven_audit_report rep;
			haven_status want = with ? cases[c].with_cp : cases[c].plain;
			haven_status st = haven_audit_verify(ctx, with ? cp : NULL, &rep);
			if (st != want)
				fail_msg("tamper case %zu (%s), %s checkpoint: %s, want %s: %s", c + 1, cases[c].what,
				         with ? "with" : "without", haven_status_name(st), haven_status_name(want),
				         haven_errmsg(ctx));
			if (st == HAVEN_OK)
				continue;
			if (!strstr(haven_errmsg(ctx), cases[c].msg) || rep.first_bad != cases[c].first_bad)
				fail_msg("tamper case %zu (%s): first bad %lld (want %lld), message '%s' lacks '%s'", c + 1,
				         cases[c].what, (long long)rep.first_bad, (long long)cases[c].first_bad, haven_errmsg(ctx),
				         cases[c].msg);
			assert_int_equal(rep.checkpoint_checked, 0);
		}
		/* A tampered log is never signed, even without a previous checkpoint
		 * (when its rows themselves show it). */
		if (cases[c].plain == HAVEN_ERR_TAMPER) {
			char *again = NULL;
			tu_assert_status(ctx, haven_audit_checkpoint(ctx, key, NULL, &again), HAVEN_ERR_TAMPER);
			tu_assert_msg(ctx, "not signing a checkpoint");
			assert_null(again);
		} else if (cases[c].with_cp == HAVEN_ERR_TAMPER && cases[c].attack != atk_replace_key &&
		           cases[c].attack != atk_remove_key && cases[c].attack != atk_owner) {
			char *again = NULL;
			tu_assert_status(ctx, haven_audit_checkpoint(ctx, key, cp, &again), HAVEN_ERR_TAMPER);
			assert_null(again);
		}
		free(cp);
		haven_ctx_free(ctx);
	}
}

/* Checkpoints that are not what they seem. */
static void test_forged_checkpoints(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("forge.db");
	const char *key = tu_tmp("forge.key");
	unlink(key);
	fill(ctx, 6);
	tu_ok(ctx, haven_audit_keygen(ctx, key, NULL));
	char *cp = checkpoint_of(ctx, key);
	size_t len = strlen(cp);
	char *bad = malloc(len + 64);

	/* A store with the same owner code and another key: its checkpoint has
	 * the right origin and a valid signature, by the wrong key. */
	haven_ctx *other = tu_new_store("forge-other.db");
	const char *key2 = tu_tmp("forge-other.key");
	unlink(key2);
	fill(other, 6);
	tu_ok(other, haven_audit_keygen(other, key2, NULL));
	char *cp2 = checkpoint_of(other, key2);
	haven_ctx_free(other);

	static const struct {
		const char *what;
		haven_status want;
		const char *msg;
	} cases[] = {
		{"signature bit flipped", HAVEN_ERR_TAMPER, "does not verify"},
		{"tree size changed", HAVEN_ERR_TAMPER, "does not verify"},
		{"signed by another key", HAVEN_ERR_TAMPER, "not signed by this store's audit key"},
		{"no signature", HAVEN_ERR_FORMAT, "no signature line"},
		{"no blank line", HAVEN_ERR_FORMAT, "no blank line"},
		{"size not a number", HAVEN_ERR_FORMAT, "line 2 (tree size)"},
		{"root not base64", HAVEN_ERR_FORMAT, "line 3 (root hash)"},
		{"signature line without the dash", HAVEN_ERR_FORMAT, "signature line 1"},
		{"control character", HAVEN_ERR_FORMAT, "control character"},
		{"another origin", HAVEN_ERR_TAMPER, "the checkpoint is for log 'haven/Y00'"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		strcpy(bad, cp);
		char *sig = strstr(bad, "\xe2\x80\x94 haven/X00 ") + strlen("\xe2\x80\x94 haven/X00 ");
		switch (c) {
		case 0: sig[10] = sig[10] == 'A' ? 'B' : 'A'; break;
		case 1: bad[10] = '7'; break; /* "haven/X00\n6\n" */
		case 2: strcpy(bad, cp2); break;
		case 3: strstr(bad, "\n\n")[2] = '\0'; break;
		case 4: memmove(strstr(bad, "\n\n"), strstr(bad, "\n\n") + 1, strlen(strstr(bad, "\n\n"))); break;
		case 5: bad[10] = 'x'; break;
		case 6: bad[12] = '*'; break;
		case 7: memcpy(strstr(bad, "\xe2\x80\x94"), "---", 3); break;
		case 8: bad[13] = '\r'; break;
		case 9: bad[6] = 'Y'; break;
		}
		haven_audit_report rep;
		haven_status st = haven_audit_verify(ctx, bad, &rep);
		if (st != cases[c].want || !strstr(haven_errmsg(ctx), cases[c].msg))
			fail_msg("checkpoint case %zu (%s): %s '%s'", c + 1, cases[c].what, haven_status_name(st),
			         haven_errmsg(ctx));
	}
	/* A signature line from some other key is skipped, not an error. */
	strcpy(bad, cp);
	strcat(bad, "\xe2\x80\x94 witness.example/w1 AAAAAQE=\n");
	haven_audit_report rep;
	tu_ok(ctx, haven_audit_verify(ctx, bad, &rep));
	assert_int_equal(rep.checkpoint_checked, 1);
	free(bad);
	free(cp);
	free(cp2);
	haven_ctx_free(ctx);
}

/* ---- the log's time --------------------------------------------------- */

/* verify refuses a log whose time goes back more than HV_AUDIT_MAX_BACKWARDS
 * seconds from the latest entry before, naming both entries; so does
 * checkpoint, which verifies first.  The logs are stamped through the test
 * clock's hv_clock_set_audit(), as no operation can stamp them. */
static void test_time_order(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int64_t at[4]; /* seconds after 2025-04-15T09:00:00Z of entries 0..3 */
		int64_t bad;   /* the first bad entry, -1 for none */
		const char *msg;
	} cases[] = {
	    {"forward", {0, 60, 120, 180}, -1, ""},
	    {"the same second", {0, 0, 0, 0}, -1, ""},
	    {"back by the tolerance", {0, 600, 300, 600}, -1, ""},
	    {"back by one second more",
	     {0, 600, 299, 600},
	     2,
	     "audit log: entry 2 is stamped 2025-04-15T09:04:59Z, 301 s before entry 1 (2025-04-15T09:10:00Z): "
	     "the log's time goes back more than 300 s"},
	    {"back a little at a time, from the latest",
	     {0, 600, 400, 200},
	     3,
	     "entry 3 is stamped 2025-04-15T09:03:20Z, 400 s before entry 1"},
	    {"the first entry stamped later than the rest",
	     {86400, 0, 60, 120},
	     1,
	     "entry 1 is stamped 2025-04-15T09:00:00Z, 86400 s before entry 0 (2025-04-16T09:00:00Z)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char name[32];
		snprintf(name, sizeof name, "time-%zu.db", i);
		haven_ctx *ctx = tu_new_store(name);
		tu_ok(ctx, hv_begin(ctx));
		for (int k = 0; k < 4; k++) {
			hv_clock_set_audit(ctx, 1744707600 + cases[i].at[k]);
			tu_ok(ctx, hv_audit_append(ctx, &samples[k], NULL));
		}
		tu_ok(ctx, hv_commit(ctx));
		haven_audit_report rep;
		haven_status st = haven_audit_verify(ctx, NULL, &rep);
		if (st != (cases[i].bad < 0 ? HAVEN_OK : HAVEN_ERR_TAMPER) || rep.first_bad != cases[i].bad ||
		    !strstr(haven_errmsg(ctx), cases[i].msg))
			fail_msg("%s: %s, first bad %lld: %s", cases[i].name, haven_status_name(st),
			         (long long)rep.first_bad, haven_errmsg(ctx));
		if (cases[i].bad >= 0) {
			const char *key = tu_tmp("time.key");
			unlink(key);
			tu_ok(ctx, haven_audit_keygen(ctx, key, NULL));
			char *text = NULL;
			tu_assert_status(ctx, haven_audit_checkpoint(ctx, key, NULL, &text), HAVEN_ERR_TAMPER);
			tu_assert_msg(ctx, "not signing a checkpoint");
			tu_assert_msg(ctx, cases[i].msg);
			assert_null(text);
		}
		haven_ctx_free(ctx);
	}
}

/* ---- export ----------------------------------------------------------- */

static void test_export(void **state)
{
	(void)state;
	haven_ctx *ctx = tu_new_store("export.db");
	/* Stamped through the test clock, for a known "at" to export. */
	hv_clock_set_audit(ctx, 1744707600);
	fill(ctx, 9);
	const char *key = tu_tmp("export.key");
	unlink(key);
	char pub[HAVEN_PUBKEY_B64];
	tu_ok(ctx, haven_audit_keygen(ctx, key, pub));
	free(checkpoint_of(ctx, key));
	haven_audit_report rep;
	tu_ok(ctx, haven_audit_verify(ctx, NULL, &rep));

	/* JSON */
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	tu_ok(ctx, haven_audit_export(ctx, HAVEN_FMT_JSON, f));
	fclose(f);
	cJSON *doc = cJSON_Parse(buf);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "format")->valuestring, "haven-audit-export-v1");
	assert_string_equal(cJSON_GetObjectItem(doc, "origin")->valuestring, "haven/X00");
	assert_int_equal(cJSON_GetObjectItem(doc, "tree_size")->valueint, 9);
	assert_string_equal(cJSON_GetObjectItem(doc, "root_hash")->valuestring, rep.root);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "public_keys"), 0)->valuestring, pub);
	cJSON *entries = cJSON_GetObjectItem(doc, "entries");
	assert_int_equal(cJSON_GetArraySize(entries), 9);
	hash leaves[9];
	for (int i = 0; i < 9; i++) {
		cJSON *e = cJSON_GetArrayItem(entries, i);
		assert_int_equal(cJSON_GetObjectItem(e, "seq")->valueint, i);
		assert_string_equal(cJSON_GetObjectItem(e, "at")->valuestring, "2025-04-15T09:00:00Z");
		const char *b64 = cJSON_GetObjectItem(e, "entry")->valuestring;
		unsigned char bytes[1024];
		size_t n;
		assert_int_equal(sodium_base642bin(bytes, sizeof bytes, b64, strlen(b64), NULL, &n, NULL,
		                                   sodium_base64_VARIANT_ORIGINAL),
		                 0);
		hv_audit_leaf_hash(bytes, n, leaves[i]);
		assert_hash_hex(leaves[i], cJSON_GetObjectItem(e, "leaf_hash")->valuestring, "exported leaf hash");
		hv_audit_decoded d;
		tu_ok(ctx, hv_audit_decode(ctx, bytes, n, &d));
		assert_string_equal(d.f.purpose, cJSON_GetObjectItem(e, "purpose")->valuestring);
		assert_string_equal(d.f.operation, cJSON_GetObjectItem(e, "operation")->valuestring);
		hv_audit_decoded_free(&d);
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(e, "recipients")) == (i % 7 != 2));
		hash r;
		hv_audit_root((const hash *)leaves, (uint64_t)i + 1, r);
		assert_hash_hex(r, cJSON_GetObjectItem(e, "root_hash")->valuestring, "root after entry");
		assert_int_equal(cJSON_GetObjectItem(e, "tree_size")->valueint, i + 1);
	}
	cJSON_Delete(doc);
	free(buf);

	/* CSV: a header and one row per entry, the last giving the root; marked. */
	buf = NULL;
	f = open_memstream(&buf, &blen);
	tu_ok(ctx, haven_audit_export(ctx, HAVEN_FMT_CSV, f));
	fclose(f);
	assert_memory_equal(buf, "seq,at,operation,user,authority,purpose,justification,object,rows,recipients,"
	                         "authoriser,entry,leaf_hash,tree_size,root_hash,protective_marking\r\n",
	                    strlen("seq,at,operation,user,authority,purpose,justification,object,rows,recipients,"
	                           "authoriser,entry,leaf_hash,tree_size,root_hash,protective_marking\r\n"));
	int lines = 0;
	for (char *p = buf; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 10);
	char tail[128];
	snprintf(tail, sizeof tail, ",9,%s,OFFICIAL-SENSITIVE\r\n", rep.root);
	assert_string_equal(buf + blen - strlen(tail), tail);
	free(buf);
	haven_ctx_free(ctx);
}

int main(void)
{
	haven_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_vectors),        cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors), cmocka_unit_test(test_proofs_exhaustive),
		cmocka_unit_test(test_encoding_golden),     cmocka_unit_test(test_append_rules),
		cmocka_unit_test(test_append_and_verify),   cmocka_unit_test(test_keys),
		cmocka_unit_test(test_tamper),              cmocka_unit_test(test_forged_checkpoints),
		cmocka_unit_test(test_time_order),          cmocka_unit_test(test_export),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	haven_global_cleanup();
	return r;
}
