/*
 * check_util.h — what the Check unit tests share (prefix s3t_): the
 * floating-point assertions and the runner that every test's main calls.
 * Assertions used by one test file only stay in that file.
 */
#ifndef S3_CHECK_UTIL_H
#define S3_CHECK_UTIL_H

#include <check.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stddef.h>

/* ---- assertions --------------------------------------------------------- */

#define REL_TOL 1e-12

/* |a − b| ≤ tol·|b| */
#define ck_assert_rel_tol(a, b, tol)                                           \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        ck_assert_msg(fabs(a_ - b_) <= (tol)*fabs(b_),                         \
                      "%s = %.17g, expected %s = %.17g (relative tol %g)", #a, \
                      a_, #b, b_, (double)(tol));                              \
    } while (0)
#define ck_assert_rel(a, b) ck_assert_rel_tol(a, b, REL_TOL)

/* |a − b| ≤ tol, for expected values that are 0 only up to rounding */
#define ck_assert_abs_tol(a, b, tol)                                           \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        ck_assert_msg(fabs(a_ - b_) <= (tol),                                  \
                      "%s = %.17g, expected %s = %.17g (absolute tol %g)", #a, \
                      a_, #b, b_, (double)(tol));                              \
    } while (0)

#define ck_assert_nan(a)                                                       \
    do {                                                                       \
        const double a_ = (a);                                                 \
        ck_assert_msg(isnan(a_), "%s = %.17g, expected NaN", #a, a_);          \
    } while (0)

/* ---- runner ------------------------------------------------------------- */

/* Runs the n suites in order (CK_FORK, CK_VERBOSITY and CK_RUN_* taken from
 * the environment) with GSL's aborting error handler off, so that the
 * engine's statuses are what the tests see; returns main's exit status: 0
 * when every test passed, 1 otherwise. */
static inline int
s3t_run(Suite *const *suites, size_t n)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(NULL);
    for (size_t i = 0; i < n; i++)
        srunner_add_suite(sr, suites[i]);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}

#endif /* S3_CHECK_UTIL_H */
