/*
 * test_learning.c — unit tests of the learning-partner kernels
 * (include/s3_learning.h, engine/measures/learning.c): cosine of two
 * profiles, Krugman dissimilarity, relatedness-weighted similarity.
 *
 * Every expected value is worked out by hand in the comment next to it.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "check_util.h"
#include "s3_learning.h"

/* h = (.5, .3, .2), c = (.2, .3, .5); Φ relates classes 0 and 1 by .5 */
static const double H[3] = {0.5, 0.3, 0.2}, C[3] = {0.2, 0.3, 0.5};
static const double PHI[9] = {1, 0.5, 0, 0.5, 1, 0, 0, 0, 1};
static const double EYE[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};

START_TEST(cosine_hand)
{
    /* (.1 + .09 + .1) / (.25 + .09 + .04) = .29 / .38 */
    ck_assert_rel(s3_profile_cosine(H, C, 3), 0.29 / 0.38);
    ck_assert_rel(s3_profile_cosine(C, H, 3), 0.29 / 0.38);
}
END_TEST

START_TEST(cosine_copy_one_zero_nan)
{
    double twice[3] = {1.0, 0.6, 0.4}, zero[3] = {0};
    /* a copy of the profile (at any scale) is exactly 1 */
    ck_assert(s3_profile_cosine(H, H, 3) == 1.0);
    ck_assert_rel(s3_profile_cosine(H, twice, 3), 1.0);
    ck_assert_nan(s3_profile_cosine(H, zero, 3));
    double a[2] = {1, 0}, b[2] = {0, 1};
    ck_assert(s3_profile_cosine(a, b, 2) == 0.0);
}
END_TEST

START_TEST(krugman_hand)
{
    /* |.5 − .2| + 0 + |.2 − .5| = .6 */
    ck_assert_rel(s3_krugman_distance(H, C, 3), 0.6);
    ck_assert(s3_krugman_distance(H, H, 3) == 0.0);
    double a[2] = {1, 0}, b[2] = {0, 1};
    ck_assert(s3_krugman_distance(a, b, 2) == 2.0);
}
END_TEST

START_TEST(related_hand)
{
    /* Φh = (.65, .55, .2), Φc = (.35, .4, .5); hᵀΦh = .53, cᵀΦc = .44,
     * hᵀΦc = .175 + .12 + .1 = .395 */
    double work[6];
    double want = 0.395 / sqrt(0.53 * 0.44);
    ck_assert_rel_tol(s3_related_similarity_phi(H, C, 3, PHI, work), want,
                      1e-14);
    ck_assert_rel_tol(s3_related_similarity_phi(C, H, 3, PHI, work), want,
                      1e-14);
    /* from the images made by s3_related_profiles */
    double s[6] = {0.5, 0.3, 0.2, 0.2, 0.3, 0.5}, p[6];
    s3_related_profiles(s, 2, 3, PHI, p);
    ck_assert_rel(p[0], 0.65);
    ck_assert_rel(p[1], 0.55);
    ck_assert_rel(p[2], 0.2);
    ck_assert_rel(p[3], 0.35);
    ck_assert_rel(p[4], 0.4);
    ck_assert_rel(p[5], 0.5);
    ck_assert_rel_tol(s3_related_similarity(s, s + 3, p, p + 3, 3), want,
                      1e-14);
}
END_TEST

START_TEST(related_identity_is_cosine)
{
    double work[6];
    ck_assert_rel(s3_related_similarity_phi(H, C, 3, EYE, work), 0.29 / 0.38);
}
END_TEST

START_TEST(related_sees_related_classes)
{
    /* all in class 0 against all in class 1: cosine 0, distance 2, but
     * Φ_01 = .5: related similarity .5 / sqrt(1 · 1) = .5 */
    double a[3] = {1, 0, 0}, b[3] = {0, 1, 0}, c[3] = {0, 0, 1}, work[6];
    ck_assert(s3_profile_cosine(a, b, 3) == 0.0);
    ck_assert_rel(s3_related_similarity_phi(a, b, 3, PHI, work), 0.5);
    /* class 2 is related to nothing else */
    ck_assert(s3_related_similarity_phi(a, c, 3, PHI, work) == 0.0);
    ck_assert(s3_related_similarity_phi(a, a, 3, PHI, work) == 1.0);
    double zero[3] = {0};
    ck_assert_nan(s3_related_similarity_phi(a, zero, 3, PHI, work));
}
END_TEST

static Suite *
learning_suite(void)
{
    Suite *s = suite_create("learning");
    TCase *tc = tcase_create("kernels");
    tcase_add_test(tc, cosine_hand);
    tcase_add_test(tc, cosine_copy_one_zero_nan);
    tcase_add_test(tc, krugman_hand);
    tcase_add_test(tc, related_hand);
    tcase_add_test(tc, related_identity_is_cosine);
    tcase_add_test(tc, related_sees_related_classes);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *suites[] = {learning_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
