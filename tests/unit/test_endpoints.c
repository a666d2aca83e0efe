/* endpoints: default URLs and signing regions per partition, and the
 * regions that get none.  (test_aws_endpoints.py checks the same against
 * botocore's endpoints data.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>

#include "aws.h"

static void expect(const char *service, const char *region, const char *url,
                   const char *signing)
{
    char *got_url = NULL, *got_region = NULL;
    assert_true(aws_default_endpoint(service, region, &got_url, &got_region));
    assert_string_equal(got_url, url);
    assert_string_equal(got_region, signing);
    free(got_url);
    free(got_region);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sts_is_regional),
        cmocka_unit_test(test_iam_is_global_per_partition),
        cmocka_unit_test(test_bad_regions_get_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
