/*
 * synth_zones.c - synthetic offender exclusion zones for the synthetic
 * register: points with a radius and irregular polygons drawn around homes,
 * some applying only at given times, some ended (docs/synth.md, "Zones").
 */
#include <math.h>
#include <stdint.h>

#include "out/synth_zones.h"
#include "core/crs.h"
#include "core/table.h"

#define EVERY 8 /* one zone for about every EVERY homes */

static uint64_t next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(next(s) >> 11) / 9007199254740992.0;
}

static const char *const kinds[] = {"exclusion", "exclusion", "residence_restriction", "no_contact"};
static const char *const windows[] = {"Mon-Fri 15:00-18:00", "Mon-Fri 07:30-09:30; Mon-Fri 15:00-18:00",
                                      "Sat,Sun 10:00-18:00", "daily 20:00-24:00; daily 00:00-06:00"};

static haven_status vertex(haven_ctx *ctx, double x, double y, char *buf, size_t n, size_t *k)
{
	double lon, lat;
	haven_status rc = hv_bng_to_lonlat(ctx, x, y, &lon, &lat);
	if (!rc && *k < n)
		*k += (size_t)snprintf(buf + *k, n - *k, "%.7f %.7f", lon, lat);
	return rc;
}

haven_status hv_synth_zones_write(haven_ctx *ctx, uint64_t seed, const double *e, const double *n, size_t nh, FILE *out,
                                  int64_t *written)
{
	uint64_t s = seed ^ 0x7A6F6E6573ULL;
	*written = 0;
	fputs("zone_ref,case_ref,kind,valid_from,valid_to,windows,radius_m,wkt\r\n", out);
	haven_status rc = HAVEN_OK;
	for (size_t i = 0; i < nh && !rc; i++) {
		if (next(&s) % EVERY)
			continue;
		int64_t z = ++*written;
		char ref[32], cas[32], wkt[1024], radius[16] = "", from[11], to[11] = "";
		snprintf(ref, sizeof ref, "Z-SYN-%06lld", (long long)z);
		snprintf(cas, sizeof cas, "MAPPA/SYN/%06llu", (unsigned long long)(next(&s) % 1000000));
		int fm = 1 + (int)(next(&s) % 12), fd = 1 + (int)(next(&s) % 28);
		snprintf(from, sizeof from, "2024-%02d-%02d", fm, fd);
		if (next(&s) % 6 == 0)
			snprintf(to, sizeof to, "2025-%02d-%02d", 1 + (int)(next(&s) % 3), fd);
		const char *win = next(&s) % 4 == 0 ? windows[next(&s) % 4] : "";
		const char *kind = kinds[next(&s) % 4];
		size_t k = 0;
		if (next(&s) % 5 < 3) {
			/* a point with a radius, its centre within half the radius of the home */
			double r = 250 + 50 * (double)(next(&s) % 36), a = 2 * M_PI * uniform(&s),
			       d = r / 2 * uniform(&s);
			snprintf(radius, sizeof radius, "%.0f", r);
			k += (size_t)snprintf(wkt, sizeof wkt, "POINT(");
			rc = vertex(ctx, e[i] + d * cos(a), n[i] + d * sin(a), wkt, sizeof wkt, &k);
			if (k < sizeof wkt)
				k += (size_t)snprintf(wkt + k, sizeof wkt - k, ")");
		} else {
			/* an irregular polygon of 6 to 11 vertices around the home */
			int nv = 6 + (int)(next(&s) % 6);
			double r0 = 300 + 1200 * uniform(&s), first[2] = {0, 0};
			k += (size_t)snprintf(wkt, sizeof wkt, "POLYGON((");
			for (int v = 0; v < nv && !rc; v++) {
				double a = 2 * M_PI * (v + 0.8 * uniform(&s)) / nv, r = r0 * (0.6 + 0.4 * uniform(&s));
				double x = e[i] + r * cos(a), y = n[i] + r * sin(a);
				if (v == 0) {
					first[0] = x;
					first[1] = y;
				}
				rc = vertex(ctx, x, y, wkt, sizeof wkt, &k);
				if (k < sizeof wkt)
					k += (size_t)snprintf(wkt + k, sizeof wkt - k, ", ");
			}
			if (!rc)
				rc = vertex(ctx, first[0], first[1], wkt, sizeof wkt, &k);
			if (k < sizeof wkt)
				k += (size_t)snprintf(wkt + k, sizeof wkt - k, "))");
		}
		const char *cells[] = {ref, cas, kind, from, to, win, radius, wkt};
		for (int c = 0; c < 8 && !rc; c++) {
			hv_csv_cell(out, cells[c], 0);
			fputs(c < 7 ? "," : "\r\n", out);
		}
	}
	return rc;
}
