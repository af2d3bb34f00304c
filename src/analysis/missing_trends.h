/*
 * missing_trends.h - the statistics under haven_trends and
 * haven_trends_outliers (missing_trends.c), reached by tests and by the
 * funnel plot (out/chart.c).  docs/missing.md says what each is.
 */
#ifndef HAVEN_ANALYSIS_MISSING_TRENDS_H
#define HAVEN_ANALYSIS_MISSING_TRENDS_H

#include <stddef.h>

#include "core/table.h"
#include "haven/trends.h"

/** The p-quantile (0..1) of the n values v, sorted increasing (borrowed):
 *  linear interpolation between order statistics, h = (n - 1) p (Hyndman
 *  and Fan's type 7, the default of R and NumPy).  NAN for n = 0. */
double hv_trends_quantile(const double *v, size_t n, double p);

/** For an aggregates-only audience a window of episodes is whole financial
 *  years: from (when given) a 1 April, to (when given) a 31 March, both
 *  "YYYY-MM-DD" (borrowed).  The trends, linkage counts and scorecard of such
 *  an audience are refused any other window before anything is read or released.
 * \return HAVEN_ERR_VALUE, with a message saying the rule. */
haven_status hv_trends_check_window(haven_ctx *ctx, const char *from, const char *to);

/** For an aggregates-only audience, a window of one financial year
 *  exactly: from a 1 April to the next 31 March, both given (borrowed).
 *  The scorecard counts each area over the whole window: two windows of
 *  one and two years would give the other year, so it holds one year.
 *  Checks the whole years first (hv_trends_check_window).
 * \return HAVEN_ERR_VALUE, with a message saying the rule. */
haven_status hv_trends_check_year(haven_ctx *ctx, const char *from, const char *to);

/** The regularised lower incomplete gamma function P(a, x), a > 0, x >= 0:
 *  a series below a + 1, Lentz's continued fraction above (Numerical
 *  Recipes, 6.2).  For a whole a, P(a, x) = Pr(Poisson(x) >= a). */
double hv_gamma_p(double a, double x);

/** The p-quantile of the chi-square distribution with df degrees of
 *  freedom (0 < p < 1, df > 0): the x with P(df / 2, x / 2) = p, found by
 *  bisection to a relative 1e-12. */
double hv_chi2_quantile(double p, double df);

/** The exact (Garwood) two-sided confidence interval of a Poisson mean
 *  observed as count o at level (0.95, 0.998): lo = chi2(a/2, 2o) / 2 (0 for
 *  o = 0), hi = chi2(1 - a/2, 2o + 2) / 2, a = 1 - level. */
void hv_poisson_ci(double o, double level, double *lo, double *hi);

/** Exact Poisson control limits of a count whose expectation is e, at
 *  level (0.95, 0.998): hi is the count whose exact lower confidence bound
 *  is e (P(hi, e) = a/2), lo the count whose upper bound is e (P(lo + 1, e)
 *  = 1 - a/2, 0 when that would be negative): continuous in e, and at a
 *  whole count exactly the Poisson tail probabilities. */
void hv_poisson_limits(double e, double level, double *lo, double *hi);

/** The national line of a funnel plot, for an audience that may not see
 *  homes: one row, England (or the scope's total), with episodes
 *  (count:episodes), places (count:places: the mean registered places of
 *  open homes over the period) and episodes_per_place (rate:episodes), over
 *  o->from .. o->to.  Sealed; the caller releases it.
 * \param out on HAVEN_OK a new table; caller frees with haven_table_free(). */
haven_status hv_trends_national(haven_ctx *ctx, const haven_outliers_opts *o, haven_table **out);

#endif
