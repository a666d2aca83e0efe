/* The words an operator and the log get for each kind of AWS failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"

static struct aws_status api_error(const char *code, const char *message)
{
    struct aws_status st = {.result = AWS_API_ERROR, .http_status = 403};
    strcpy(st.code, code);
    strcpy(st.message, message);
    return st;
}

static void test_wrong_code_may_try_again(void **state)
{
    (void)state;
    struct aws_status st = api_error(
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA "
                        "one time pass code. ");
    struct explanation why;
    assert_true(explain_code_refusal(&st, "alice", "GAHT1", &why));
    assert_non_null(strstr(why.user, "Wrong or already used code"));
    assert_non_null(strstr(why.log, "wrong or reused code"));
}

static void test_foreign_device_stops(void **state)
{
    (void)state;
    struct aws_status st = api_error(
        "AccessDenied",
        "MultiFactorAuthentication failed, unable to validate MFA code.");
    struct explanation why;
    assert_false(explain_code_refusal(&st, "alice", "GAHT1", &why));
    assert_non_null(strstr(why.user, "GAHT1"));
    assert_non_null(strstr(why.user, "belong to different IAM users"));
}

static void test_clock_skew_says_how_much(void **state)
{
    (void)state;
    struct aws_status st =
        api_error("SignatureDoesNotMatch", "Signature expired: ...");
    st.clock_skew_known = true;
    st.clock_skew = -1260;
    struct explanation why;
    explain_failure(&st, "alice", &why);
    assert_non_null(strstr(why.user, "about 21 minutes ahead of AWS's"));
    assert_non_null(strstr(why.log, "1260s"));
    st.clock_skew = 3600;
    explain_failure(&st, "alice", &why);
    assert_non_null(strstr(why.user, "about 60 minutes behind AWS's"));
}

static void test_network_and_protocol(void **state)
{
    (void)state;
    struct aws_status st = {.result = AWS_NETWORK_ERROR, .attempts = 3};
    strcpy(st.detail, "Connection refused");
    struct explanation why;
    explain_failure(&st, "alice", &why);
    assert_non_null(strstr(why.user, "cannot be reached"));
    assert_string_equal(why.log,
                        "AWS unreachable after 3 attempt(s): Connection "
                        "refused");
    st.result = AWS_PROTOCOL_ERROR;
    strcpy(st.detail, "response too large");
    explain_failure(&st, "alice", &why);
    assert_non_null(strstr(why.user, "could not be understood"));
    assert_string_equal(why.log, "unusable AWS response (no HTTP status "
                                 "read): response too large");
    st.http_status = 200;
    explain_failure(&st, "alice", &why);
    assert_string_equal(why.log,
                        "unusable AWS response (HTTP 200): response too large");
}

static void test_bad_key(void **state)
{
    (void)state;
    struct aws_status st = api_error("InvalidClientTokenId", "bad");
    struct explanation why;
    explain_failure(&st, "alice", &why);
    assert_non_null(strstr(why.user, "does not accept the access key"));
    assert_non_null(strstr(why.log, "InvalidClientTokenId"));
}

/* Before GetCallerIdentity names the IAM user, the key is the login's. */
static void test_iam_user_not_known_yet(void **state)
{
    (void)state;
    static const struct {
        const char *code, *iam_user, *user;
    } cases[] = {
        {"InvalidClientTokenId", NULL,
         "AWS does not accept the access key stored for your login, so its "
         "IAM user cannot be found. "},
        {"AccessDenied", NULL,
         "The access key stored for your login may not do this (AWS said "
         "AccessDenied). "},
        {"NoSuchEntity", NULL, "AWS refused the request (NoSuchEntity). "},
        {"AccessDenied", "alice",
         "The access key stored for IAM user alice may not do this (AWS "
         "said AccessDenied). "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct aws_status st = api_error(cases[i].code, "no");
        struct explanation why;
        explain_failure(&st, cases[i].iam_user, &why);
        char want[512];
        snprintf(want, sizeof(want),
                 "%sAsk the bastion's administrator to check the system log.",
                 cases[i].user);
        assert_string_equal(why.user, want);
        snprintf(want, sizeof(want), "AWS error %s (HTTP 403): no",
                 cases[i].code);
        assert_string_equal(why.log, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_code_may_try_again),
        cmocka_unit_test(test_foreign_device_stops),
        cmocka_unit_test(test_clock_skew_says_how_much),
        cmocka_unit_test(test_network_and_protocol),
        cmocka_unit_test(test_bad_key),
        cmocka_unit_test(test_iam_user_not_known_yet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
