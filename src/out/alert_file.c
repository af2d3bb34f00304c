/*
 * alert_file.c - an alert list as text, CSV for a mail merge, or vCard 4.0
 * (RFC 6350) for a phone list (docs/alert.md).  Files are created through
 * output.c: new, 0600, under a temporary name put in place.
 *
 * vCard: one card per home, KIND:org; FN and ORG the home's name; ADR
 * (street: the address lines as a list; locality: the town; code: the
 * postcode); TEL; NOTE with the URN, the registered person and the marking.
 * Text values escape backslash, comma and semicolon with a backslash and a
 * line break as \n (RFC 6350 3.4); control characters become spaces.  Lines
 * are folded before 75 octets (a CRLF and a space), never inside a UTF-8
 * character; every line ends CRLF (3.2).
 */
#include <stdio.h>
#include <string.h>

#include "core/output.h"
#include "haven/alert.h"

/* A content line being written: folded at 75 octets. */
typedef struct line {
	FILE *f;
	size_t len; /* octets on the current physical line */
} line;

/* Put n octets of s (a whole UTF-8 character, or ASCII) on the line,
 * folding first when it would pass 75 octets. */
static void put(line *l, const char *s, size_t n)
{
	if (l->len + n > 75) {
		fputs("\r\n ", l->f);
		l->len = 1;
	}
	fwrite(s, 1, n, l->f);
	l->len += n;
}

static void put_str(line *l, const char *s)
{
	for (; *s; s++)
		put(l, s, 1);
}

/* A text value, escaped; whole UTF-8 characters kept on one line. */
static void put_text(line *l, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned char c = *p;
		if (c == '\\' || c == ',' || c == ';') {
			char e[2] = {'\\', (char)c};
			put(l, e, 2);
			p++;
		} else if (c == '\n') {
			put(l, "\\n", 2);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			put(l, " ", 1);
			p++;
		} else {
			size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			size_t k = 1;
			while (k < n && p[k] >= 0x80 && p[k] < 0xc0)
				k++;
			put(l, (const char *)p, k);
			p += k;
		}
	}
}

static void end(line *l)
{
	fputs("\r\n", l->f);
	l->len = 0;
}

static const char *cell(haven_ctx *ctx, const haven_table *t, size_t row, const char *col)
{
	int c = haven_table_find(t, col);
	const char *s = c >= 0 ? haven_table_text(ctx, t, row, c) : NULL;
	return s ? s : "";
}

static haven_status write_vcf(haven_ctx *ctx, const haven_table *t, FILE *f)
{
	const char *marking = haven_table_marking(t);
	size_t n = haven_table_nrows(ctx, t);
	for (size_t r = 0; r < n; r++) {
		line l = {f, 0};
		const char *name = cell(ctx, t, r, "name");
		put_str(&l, "BEGIN:VCARD");
		end(&l);
		put_str(&l, "VERSION:4.0");
		end(&l);
		put_str(&l, "KIND:org");
		end(&l);
		put_str(&l, "FN:");
		put_text(&l, name);
		end(&l);
		put_str(&l, "ORG:");
		put_text(&l, name);
		end(&l);
		/* ADR: PO box; extended; street (a list of the address lines); locality; region; code; country */
		put_str(&l, "ADR;TYPE=work:;;");
		int first = 1;
		static const char *const lines[] = {"address_1", "address_2", "address_3"};
		for (int i = 0; i < 3; i++) {
			const char *a = cell(ctx, t, r, lines[i]);
			if (!*a)
				continue;
			if (!first)
				put(&l, ",", 1);
			put_text(&l, a);
			first = 0;
		}
		put(&l, ";", 1);
		put_text(&l, cell(ctx, t, r, "town"));
		put_str(&l, ";;");
		put_text(&l, cell(ctx, t, r, "postcode"));
		put_str(&l, ";United Kingdom");
		end(&l);
		const char *tel = cell(ctx, t, r, "telephone");
		if (*tel) {
			put_str(&l, "TEL;TYPE=work,voice:");
			put_text(&l, tel);
			end(&l);
		}
		put_str(&l, "NOTE:");
		char note[128];
		snprintf(note, sizeof note, "Ofsted URN %s", cell(ctx, t, r, "urn"));
		put_text(&l, note);
		const char *rp = cell(ctx, t, r, "registered_person");
		if (*rp) {
			put_text(&l, ". Registered person: ");
			put_text(&l, rp);
		}
		put_text(&l, ". ");
		put_text(&l, marking ? marking : "");
		end(&l);
		put_str(&l, "END:VCARD");
		end(&l);
	}
	return ferror(f) ? hv_error(ctx, HAVEN_ERR_IO, "writing the vCards failed") : HAVEN_OK;
}

static haven_status write_to(haven_ctx *ctx, const haven_table *t, haven_alert_format fmt, FILE *f)
{
	if (fmt == HAVEN_ALERT_VCF)
		return write_vcf(ctx, t, f);
	return haven_table_write(ctx, t, fmt == HAVEN_ALERT_CSV ? HAVEN_FMT_CSV : HAVEN_FMT_TEXT, f);
}

haven_status haven_alert_write(haven_ctx *ctx, const haven_table *t, haven_alert_format fmt, const char *path,
                               int overwrite, FILE *out)
{
	hv_clear(ctx);
	if (haven_table_sealed(t))
		return hv_error(ctx, HAVEN_ERR_DENIED, "an alert list is written only once released (haven_release)");
	if (!path)
		return write_to(ctx, t, fmt, out);
	hv_output o;
	haven_status rc = hv_output_open(ctx, path, overwrite ? NULL : "not replaced without --force", &o);
	if (!rc)
		rc = write_to(ctx, t, fmt, o.f);
	return hv_output_end(ctx, &o, rc);
}
