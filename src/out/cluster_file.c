/*
 * cluster_file.c - haven cluster: DBSCAN or ST-DBSCAN of the points of the
 * analyst's own file (any table src/core/source.c reads), written as
 * id,label,kind through the one output-file creator.
 *
 * Not a governed operation: it opens no store and reads nothing disclosed,
 * so nothing is audited and the file carries no protective marking; the
 * episodes of children missing from care are clustered by
 * haven_missing_clusters, under the gate.  docs/clusters.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "core/clock.h"
#include "core/crs.h"
#include "core/output.h"
#include "core/source.h"
#include "core/table.h"
#include "core/text.h"
#include "haven/cluster.h"

static haven_status nomem(haven_ctx *ctx)
{
	return hv_error(ctx, HAVEN_ERR_NOMEM, "out of memory");
}

/* The points read: coordinates, times and ids (NUL-separated in one buffer). */
typedef struct pts {
	size_t n, cap;
	double *x, *y, *t;
	size_t *id; /* offset of each id in ids */
	char *ids;
	size_t ids_len, ids_cap;
} pts;

static void pts_free(pts *p)
{
	free(p->x);
	free(p->y);
	free(p->t);
	free(p->id);
	free(p->ids);
}

static int pts_grow(pts *p, size_t idlen)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		HV_CLUSTER_GROW(p->x, cap);
		HV_CLUSTER_GROW(p->y, cap);
		HV_CLUSTER_GROW(p->t, cap);
		HV_CLUSTER_GROW(p->id, cap);
		p->cap = cap;
	}
	if (p->ids_len + idlen + 1 > p->ids_cap) {
		size_t cap = p->ids_cap ? p->ids_cap : 65536;
		while (p->ids_len + idlen + 1 > cap)
			cap *= 2;
		char *ids = realloc(p->ids, cap);
		if (!ids)
			return 0;
		p->ids = ids;
		p->ids_cap = cap;
	}
	return 1;
}

/* A time in days since 1970-01-01: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or
 * "YYYY-MM-DDTHH:MM:SS" (a space for the T too), or a number of days. */
static int parse_days(const char *s, double *days)
{
	int64_t d;
	if (hv_parse_date(s, &d)) {
		*days = (double)d;
		return 1;
	}
	size_t len = strlen(s);
	if ((len == 16 || len == 19) && (s[10] == 'T' || s[10] == ' ')) {
		char date[11];
		memcpy(date, s, 10);
		date[10] = '\0';
		int h, m, sec = 0;
		char c1, c2, tail;
		int ok = len == 16 ? sscanf(s + 11, "%2d%c%2d%c", &h, &c1, &m, &tail) == 3 && c1 == ':'
		                   : sscanf(s + 11, "%2d%c%2d%c%2d%c", &h, &c1, &m, &c2, &sec, &tail) == 5 &&
		                         c1 == ':' && c2 == ':';
		if (ok && hv_parse_date(date, &d) && h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60) {
			*days = (double)d + (h * 3600 + m * 60 + sec) / 86400.0;
			return 1;
		}
		return 0;
	}
	return hv_parse_decimal(s, days) && isfinite(*days);
}

/* The column named name, or HAVEN_ERR_MISSING naming the file and row 1. */
static haven_status column(hv_source *src, const char *name, const char *what, int *col)
{
	const char *const cand[] = {name, NULL};
	if ((*col = hv_source_find(src, cand)) >= 0)
		return HAVEN_OK;
	return hv_source_error_row(src, 1, HAVEN_ERR_MISSING, "no column '%s' (the %s)", name, what);
}

static haven_status read_points(haven_ctx *ctx, const haven_cluster_opts *o, pts *p)
{
	hv_source *src = NULL;
	haven_status st = hv_source_open(ctx, o->points, &src);
	if (st)
		return st;
	int cid, cx, cy, ct = -1;
	PJ *pj = NULL;
	int bng = !o->crs || strcmp(o->crs, "EPSG:27700") == 0;
	if ((st = column(src, o->id ? o->id : "id", "id", &cid)) || (st = column(src, o->x, "x coordinate", &cx)) ||
	    (st = column(src, o->y, "y coordinate", &cy)) || (o->t && (st = column(src, o->t, "time", &ct))))
		goto done;
	if (!bng && (st = hv_crs_to_bng(ctx, o->crs, &pj)))
		goto done;
	for (;;) {
		int has;
		if ((st = hv_source_next(src, &has)) || !has)
			break;
		const char *id = hv_source_field(src, cid), *xs = hv_source_field(src, cx),
		           *ys = hv_source_field(src, cy);
		double x, y, t = 0;
		if (!*id || !*xs || !*ys || (ct >= 0 && !*hv_source_field(src, ct))) {
			const char *name = !*id   ? hv_source_colname(src, cid)
			                   : !*xs ? hv_source_colname(src, cx)
			                   : !*ys ? hv_source_colname(src, cy)
			                          : hv_source_colname(src, ct);
			st = hv_source_error(src, HAVEN_ERR_MISSING, "'%s' is empty", name);
			break;
		}
		if (!hv_parse_decimal(xs, &x) || !hv_parse_decimal(ys, &y) || !isfinite(x) || !isfinite(y)) {
			st = hv_source_error(src, HAVEN_ERR_VALUE, "(%.40s, %.40s) is not a pair of numbers", xs, ys);
			break;
		}
		if (ct >= 0 && !parse_days(hv_source_field(src, ct), &t)) {
			st =
			    hv_source_error(src, HAVEN_ERR_VALUE,
			                    "time '%.40s' is not YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or a number of days",
			                    hv_source_field(src, ct));
			break;
		}
		if (pj) {
			double e, nn;
			if (hv_crs_point(ctx, pj, x, y, &e, &nn)) {
				st = hv_source_error(src, HAVEN_ERR_CRS,
				                     "(%.6f, %.6f) cannot be transformed from %.40s", x, y, o->crs);
				break;
			}
			x = e;
			y = nn;
		}
		if (!hv_bng_in_extent(x, y)) {
			st = hv_source_error(
			    src, HAVEN_ERR_CRS,
			    "(%.1f, %.1f) is not in Great Britain in EPSG:27700 (give the file's CRS with --crs)", x,
			    y);
			break;
		}
		size_t len = strlen(id);
		if (!pts_grow(p, len)) {
			st = nomem(ctx);
			break;
		}
		p->x[p->n] = x;
		p->y[p->n] = y;
		p->t[p->n] = t;
		p->id[p->n] = p->ids_len;
		memcpy(p->ids + p->ids_len, id, len + 1);
		p->ids_len += len + 1;
		p->n++;
	}
done:
	if (pj)
		proj_destroy(pj);
	hv_source_close(src);
	return st;
}

haven_status haven_cluster_file(haven_ctx *ctx, const haven_cluster_opts *o, haven_cluster_summary *s)
{
	hv_clear(ctx);
	if (s)
		memset(s, 0, sizeof *s);
	if (!o->points || !o->x || !o->y || !o->out)
		return hv_error(ctx, HAVEN_ERR_USAGE, "give the points file, its x and y columns and the output file");
	if (!o->t != !(o->days > 0))
		return hv_error(ctx, HAVEN_ERR_USAGE,
		                "a time column and a window in days go together (--t and --days)");
	hv_cluster_opts co = {o->eps, o->min_points, o->t ? o->days : 0};
	if (!(co.eps > 0) || !isfinite(co.eps))
		return hv_error(ctx, HAVEN_ERR_USAGE, "--eps must be a distance above 0 metres");
	if (co.min_points < 1)
		return hv_error(ctx, HAVEN_ERR_USAGE, "--min-points must be at least 1");
	const char *refusal = o->force ? NULL : "give --force to replace it";
	haven_status st = hv_output_vacant(ctx, o->out, refusal);
	if (st)
		return st;
	pts p = {0};
	int32_t *label = NULL, k = 0;
	uint8_t *kind = NULL;
	hv_output out = {0};
	if ((st = read_points(ctx, o, &p)))
		goto done;
	label = malloc((p.n ? p.n : 1) * sizeof *label);
	kind = malloc(p.n ? p.n : 1);
	if (!label || !kind) {
		st = nomem(ctx);
		goto done;
	}
	if ((st = hv_cluster(ctx, p.n, p.x, p.y, o->t ? p.t : NULL, &co, label, kind, &k)))
		goto done;
	if ((st = hv_output_open(ctx, o->out, refusal, &out)))
		goto done;
	fputs("id,label,kind\n", out.f);
	for (size_t i = 0; i < p.n; i++) {
		hv_csv_cell(out.f, p.ids + p.id[i], 0);
		fprintf(out.f, ",%d,%s\n", label[i], hv_cluster_kind_name(kind[i]));
		if (s) {
			s->core += kind[i] == HV_CLUSTER_CORE;
			s->border += kind[i] == HV_CLUSTER_BORDER;
			s->noise += kind[i] == HV_CLUSTER_NOISE;
		}
	}
	if ((st = hv_output_commit(ctx, &out)))
		goto done;
	if (s) {
		s->points = (int64_t)p.n;
		s->clusters = k;
	}
done:
	hv_output_abort(&out);
	free(label);
	free(kind);
	pts_free(&p);
	return st;
}
