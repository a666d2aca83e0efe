/* endpoints: default URLs and signing regions per partition, plain and
 * FIPS, and the regions that get none; settings: which of them a login
 * uses.  (test_aws_endpoints.py checks the defaults against botocore's
 * endpoints data.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "settings.h"

typedef bool (*resolver)(const char *service, const char *region, char **url,
                         char **signing_region);

/* What resolve answers for service in region: url and signing, or
 * nothing at all when url is NULL. */
static void check(resolver resolve, const char *service, const char *region,
                  const char *url, const char *signing)
{
    char *got_url = NULL, *got_region = NULL;
    bool found = resolve(service, region, &got_url, &got_region);
    if (url == NULL) {
        assert_false(found);
        assert_null(got_url);
        assert_null(got_region);
        return;
    }
    assert_true(found);
    assert_string_equal(got_url, url);
    assert_string_equal(got_region, signing);
    free(got_url);
    free(got_region);
}

static void expect(const char *service, const char *region, const char *url,
                   const char *signing)
{
    check(aws_default_endpoint, service, region, url, signing);
}

static void expect_fips(const char *service, const char *region,
                        const char *url, const char *signing)
{
    check(aws_fips_endpoint, service, region, url, signing);
}

static void test_sts_is_regional(void **state)
{
    (void)state;
    expect("sts", "us-east-1", "https://sts.us-east-1.amazonaws.com",
           "us-east-1");
    expect("sts", "eu-central-2", "https://sts.eu-central-2.amazonaws.com",
           "eu-central-2");
    expect("sts", "cn-northwest-1",
           "https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1");
    expect("sts", "us-gov-east-1", "https://sts.us-gov-east-1.amazonaws.com",
           "us-gov-east-1");
}

static void test_iam_is_global_per_partition(void **state)
{
    (void)state;
    expect("iam", "ap-southeast-2", "https://iam.amazonaws.com", "us-east-1");
    expect("iam", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn",
           "cn-north-1");
    expect("iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com",
           "us-gov-west-1");
    expect("iam", "us-iso-west-1", "https://iam.us-iso-east-1.c2s.ic.gov",
           "us-iso-east-1");
}

static void test_bad_regions_get_nothing(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "US-EAST-1",
        "us-east-1 ",
        "us-east-1/../x",
        "us-east-1.evil.example",
        "us-east",
        "us--east-1",
        "-us-east-1",
        "us-east-1-",
        "us-east-x",
        "xx-east-1",
        "us-isof-south-1",
        "eu-isoe-west-1",
        "aws-global",
        "aws-cn-global",
        /* botocore's FIPS pseudo-regions: no default is guessed for them;
         * a FIPS endpoint is configured explicitly. */
        "us-east-1-fips",
        "us-gov-west-1-fips",
        "fips-us-east-1",
        "us-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeast-1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *url = (char *)"x", *region = (char *)"x";
        assert_false(aws_default_endpoint("sts", bad[i], &url, &region));
        assert_null(url);
        assert_null(region);
    }
    char *url, *region;
    assert_false(aws_default_endpoint("sts", NULL, &url, &region));
    assert_false(aws_default_endpoint("s3", "us-east-1", &url, &region));
    assert_null(url);
}

static void test_fips_endpoints_where_listed(void **state)
{
    (void)state;
    expect_fips("sts", "us-east-1", "https://sts-fips.us-east-1.amazonaws.com",
                "us-east-1");
    expect_fips("sts", "us-west-2", "https://sts-fips.us-west-2.amazonaws.com",
                "us-west-2");
    expect_fips("iam", "eu-west-1", "https://iam-fips.amazonaws.com",
                "us-east-1");
    /* GovCloud's regular endpoints are its FIPS endpoints. */
    expect_fips("sts", "us-gov-east-1",
                "https://sts.us-gov-east-1.amazonaws.com", "us-gov-east-1");
    expect_fips("iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com",
                "us-gov-west-1");
}

static void test_no_fips_endpoint_is_made_up(void **state)
{
    (void)state;
    expect_fips("sts", "eu-west-1", NULL, NULL);
    expect_fips("sts", "us-east-3", NULL, NULL);
    expect_fips("sts", "us-east-10", NULL, NULL);
    expect_fips("sts", "cn-north-1", NULL, NULL);
    expect_fips("iam", "cn-north-1", NULL, NULL);
    expect_fips("iam", "us-iso-east-1", NULL, NULL);
    expect_fips("sts", "us-east-1-fips", NULL, NULL);
    expect_fips("sts", "US-EAST-1", NULL, NULL);
    expect_fips("sts", NULL, NULL, NULL);
    expect_fips("s3", "us-east-1", NULL, NULL);
}

static struct config fips_config(const char *region)
{
    struct config cfg = {.use_fips = true, .region = (char *)region};
    return cfg;
}

static void test_settings_use_fips_defaults(void **state)
{
    (void)state;
    struct config cfg = fips_config("us-east-2");
    struct settings s;
    char err[256] = "";
    assert_true(settings_resolve(&cfg, &s, err, sizeof(err)));
    assert_string_equal(s.sts_endpoint,
                        "https://sts-fips.us-east-2.amazonaws.com");
    assert_string_equal(s.sts_region, "us-east-2");
    assert_string_equal(s.iam_endpoint, "https://iam-fips.amazonaws.com");
    assert_string_equal(s.iam_region, "us-east-1");
    settings_free(&s);
    /* No region: us-east-1, as without use_fips. */
    cfg.region = NULL;
    assert_true(settings_resolve(&cfg, &s, err, sizeof(err)));
    assert_string_equal(s.sts_endpoint,
                        "https://sts-fips.us-east-1.amazonaws.com");
    settings_free(&s);
    cfg.use_fips = false;
    cfg.region = "us-east-2";
    assert_true(settings_resolve(&cfg, &s, err, sizeof(err)));
    assert_string_equal(s.sts_endpoint, "https://sts.us-east-2.amazonaws.com");
    assert_string_equal(s.iam_endpoint, "https://iam.amazonaws.com");
    settings_free(&s);
}

static void assert_refused(struct config *cfg, const char *want)
{
    struct settings s;
    char err[256] = "";
    assert_false(settings_resolve(cfg, &s, err, sizeof(err)));
    if (strcmp(err, want) != 0)
        fail_msg("message \"%s\", wanted \"%s\"", err, want);
    assert_null(s.sts_endpoint);
    assert_null(s.iam_endpoint);
}

static void test_settings_refuse_a_region_without_fips(void **state)
{
    (void)state;
    struct config cfg = fips_config("eu-west-1");
    assert_refused(&cfg, "use_fips = yes, but no FIPS endpoint is known for "
                         "sts in region eu-west-1: set sts_endpoint "
                         "explicitly");
    cfg.sts_endpoint = "https://sts.fips.example";
    cfg.region = "cn-north-1";
    assert_refused(&cfg, "use_fips = yes, but no FIPS endpoint is known for "
                         "iam in region cn-north-1: set iam_endpoint "
                         "explicitly");
}

static void test_settings_explicit_endpoints_win(void **state)
{
    (void)state;
    struct config cfg = fips_config("eu-west-1");
    cfg.sts_endpoint = "https://sts.fips.example";
    struct settings s;
    char err[256] = "";
    assert_true(settings_resolve(&cfg, &s, err, sizeof(err)));
    assert_string_equal(s.sts_endpoint, "https://sts.fips.example");
    assert_string_equal(s.sts_region, "eu-west-1");
    assert_string_equal(s.iam_endpoint, "https://iam-fips.amazonaws.com");
    settings_free(&s);
    cfg.region = "cn-northwest-1";
    cfg.iam_endpoint = "https://iam.fips.example";
    assert_true(settings_resolve(&cfg, &s, err, sizeof(err)));
    assert_string_equal(s.sts_endpoint, "https://sts.fips.example");
    assert_string_equal(s.sts_region, "cn-northwest-1");
    assert_string_equal(s.iam_endpoint, "https://iam.fips.example");
    assert_string_equal(s.iam_region, "cn-north-1");
    settings_free(&s);
    /* A region of no known partition stays refused, both endpoints set
     * or not: its signing region cannot be told, and the log says so. */
    cfg.region = "eusc-de-east-1";
    assert_refused(&cfg, "region eusc-de-east-1 is in an AWS partition "
                         "pam_awsmfa does not know, so it cannot tell the "
                         "region to sign for; no setting (sts_endpoint, "
                         "iam_endpoint included) makes it work yet: use a "
                         "region of a known partition");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sts_is_regional),
        cmocka_unit_test(test_iam_is_global_per_partition),
        cmocka_unit_test(test_bad_regions_get_nothing),
        cmocka_unit_test(test_fips_endpoints_where_listed),
        cmocka_unit_test(test_no_fips_endpoint_is_made_up),
        cmocka_unit_test(test_settings_use_fips_defaults),
        cmocka_unit_test(test_settings_refuse_a_region_without_fips),
        cmocka_unit_test(test_settings_explicit_endpoints_win),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
