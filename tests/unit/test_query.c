/* query: the form body, the reading of AWS error bodies, which answers
 * are retried, and the clock skew reported when AWS refuses our time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "query.h"

static void test_form_encodes_per_rfc3986(void **state)
{
    (void)state;
    const struct query_param params[] = {
        {"SerialNumber", "arn:aws:iam::123456789012:mfa/alice+x=y@z,w"},
        {"Skipped", NULL},
        {"TokenCode", "012345"},
        {"Text", "a b~c_d.e-f*\xc3\xa9/"},
    };
    struct secret *form = query_form("GetSessionToken", "2011-06-15", params,
                                     sizeof(params) / sizeof(params[0]));
    assert_non_null(form);
    assert_string_equal(
        secret_str(form),
        "Action=GetSessionToken&Version=2011-06-15"
        "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice%2Bx%"
        "3Dy%40z%2Cw&TokenCode=012345&Text=a%20b~c_d.e-f%2A%C3%A9%2F");
    secret_free(form);
}

/* The separators of the form itself must never pass through raw: a value
 * with '&' or '=' would otherwise add or split a parameter, and '+' would
 * read back as a space. */
static void test_form_escapes_its_own_separators(void **state)
{
    (void)state;
    const struct query_param params[] = {
        {"UserName", "a&Action=DeleteUser&b=c+d e"},
        {"Na me=&", ""},
        {"Utf8", "\xe2\x82\xac\xf0\x9f\x94\x91\x7f"},
    };
    struct secret *form = query_form("ListMFADevices", "2010-05-08", params,
                                     sizeof(params) / sizeof(params[0]));
    assert_non_null(form);
    assert_string_equal(secret_str(form),
                        "Action=ListMFADevices&Version=2010-05-08"
                        "&UserName=a%26Action%3DDeleteUser%26b%3Dc%2Bd%20e"
                        "&Na%20me%3D%26="
                        "&Utf8=%E2%82%AC%F0%9F%94%91%7F");
    secret_free(form);
}

static void test_form_without_params(void **state)
{
    (void)state;
    struct secret *form =
        query_form("GetCallerIdentity", "2011-06-15", NULL, 0);
    assert_string_equal(secret_str(form),
                        "Action=GetCallerIdentity&Version=2011-06-15");
    secret_free(form);
}

static const char access_denied[] =
    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <Error>\n"
    "    <Type>Sender</Type>\n"
    "    <Code>AccessDenied</Code>\n"
    "    <Message>MultiFactorAuthentication failed with invalid MFA one "
    "time pass code. </Message>\n"
    "  </Error>\n"
    "  <RequestId>4c2b8a31-0f4e-4b2c-9d11-2d4b1e0d7a55</RequestId>\n"
    "</ErrorResponse>\n";

static void test_error_body_is_read(void **state)
{
    (void)state;
    struct aws_status st = {0};
    assert_true(query_parse_error(access_denied, strlen(access_denied), &st));
    assert_string_equal(st.code, "AccessDenied");
    assert_string_equal(st.message, "MultiFactorAuthentication failed with "
                                    "invalid MFA one time pass code.");
    assert_string_equal(st.request_id, "4c2b8a31-0f4e-4b2c-9d11-2d4b1e0d7a55");
}

static void test_iam_error_body_is_read(void **state)
{
    (void)state;
    const char body[] =
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
        "  <Error>\n"
        "    <Type>Sender</Type>\n"
        "    <Code>NoSuchEntity</Code>\n"
        "    <Message>The user with name bob cannot be found.</Message>\n"
        "  </Error>\n"
        "  <RequestId>a1f0c7de-3b4a-4e6f-9d2c-5e8f7a6b4c3d</RequestId>\n"
        "</ErrorResponse>\n";
    struct aws_status st = {0};
    assert_true(query_parse_error(body, strlen(body), &st));
    assert_string_equal(st.code, "NoSuchEntity");
    assert_string_equal(st.message, "The user with name bob cannot be found.");
    assert_string_equal(st.request_id, "a1f0c7de-3b4a-4e6f-9d2c-5e8f7a6b4c3d");
}

/* A carriage return or tab in a message could rewrite a log line or the
 * operator's terminal; the XML escapes let a server send them. */
static void test_error_line_breaks_are_sanitised(void **state)
{
    (void)state;
    const char body[] = "<ErrorResponse><Error><Code>AccessDenied</Code>"
                        "<Message>denied&#13;granted&#9;ok</Message></Error>"
                        "<RequestId>r&#10;1</RequestId></ErrorResponse>";
    struct aws_status st = {0};
    assert_true(query_parse_error(body, strlen(body), &st));
    assert_string_equal(st.message, "denied?granted?ok");
    assert_string_equal(st.request_id, "r?1");
}

static void test_error_text_is_sanitised(void **state)
{
    (void)state;
    const char body[] = "<ErrorResponse><Error><Code>Bad&#x7F;&#x85;[31m</Code>"
                        "<Message>line1\nline2 \xc3\xa9</Message></Error>"
                        "</ErrorResponse>";
    struct aws_status st = {0};
    assert_true(query_parse_error(body, strlen(body), &st));
    /* DEL and the C1 control U+0085 (one '?' for the whole character);
     * a printable UTF-8 character is kept. "\?" avoids a trigraph. */
    assert_string_equal(st.code, "Bad?\?[31m");
    assert_string_equal(st.message, "line1?line2 \xc3\xa9");
}

static void test_error_without_code_is_not_an_aws_error(void **state)
{
    (void)state;
    const char *bodies[] = {
        "<html><body>Service Unavailable</body></html>",
        "<ErrorResponse><Error><Message>x</Message></Error></ErrorResponse>",
        "not xml at all", ""};
    for (size_t i = 0; i < 4; i++) {
        struct aws_status st = {0};
        assert_false(query_parse_error(bodies[i], strlen(bodies[i]), &st));
        assert_string_equal(st.code, "");
    }
}

static void test_retry_classifier(void **state)
{
    (void)state;
    assert_true(query_retryable(500, ""));
    assert_true(query_retryable(502, ""));
    assert_true(query_retryable(503, "ServiceUnavailable"));
    assert_true(query_retryable(400, "Throttling"));
    assert_true(query_retryable(400, "ThrottlingException"));
    assert_true(query_retryable(400, "RequestLimitExceeded"));
    assert_true(query_retryable(400, "TooManyRequestsException"));
    assert_true(query_retryable(400, "RequestThrottled"));
    assert_true(query_retryable(599, ""));
    /* Too Many Requests: throttled before AWS acted on the request. */
    assert_true(query_retryable(429, ""));
    assert_true(query_retryable(429, "TooManyRequestsException"));
    assert_false(query_retryable(403, "AccessDenied"));
    assert_false(query_retryable(400, "ValidationError"));
    assert_false(query_retryable(403, "SignatureDoesNotMatch"));
    assert_false(query_retryable(403, "InvalidClientTokenId"));
    assert_false(query_retryable(404, "NoSuchEntity"));
    assert_false(query_retryable(403, "ExpiredToken"));
    assert_false(query_retryable(400, "throttling"));
    assert_false(query_retryable(600, ""));
    assert_false(query_retryable(400, ""));
    assert_false(query_retryable(200, ""));
}

/* A response as http_post leaves it. */
static struct http_response response(long status, const char *body,
                                     const char *date, const char *id)
{
    struct http_response r = {.status = status};
    r.body = secret_from_str(body);
    snprintf(r.date, sizeof(r.date), "%s", date);
    snprintf(r.request_id, sizeof(r.request_id), "%s", id);
    return r;
}

static void test_judge_success(void **state)
{
    (void)state;
    struct http_response r = response(200, "<X/>", "", "id-1");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.result, AWS_OK);
    assert_int_equal(st.http_status, 200);
    assert_string_equal(st.request_id, "id-1");
    http_response_clear(&r);
}

static void test_judge_access_denied_is_final(void **state)
{
    (void)state;
    struct http_response r = response(403, access_denied, "", "");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.result, AWS_API_ERROR);
    assert_string_equal(st.code, "AccessDenied");
    assert_string_equal(st.request_id, "4c2b8a31-0f4e-4b2c-9d11-2d4b1e0d7a55");
    assert_false(st.clock_skew_known);
    http_response_clear(&r);
}

static void test_judge_throttling_and_5xx_retry(void **state)
{
    (void)state;
    struct http_response r =
        response(400,
                 "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
                 "exceeded</Message></Error></ErrorResponse>",
                 "", "");
    struct aws_status st = {0};
    assert_true(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.result, AWS_API_ERROR);
    assert_string_equal(st.code, "Throttling");
    http_response_clear(&r);

    r = response(502, "<html>Bad Gateway</html>", "", "");
    memset(&st, 0, sizeof(st));
    assert_true(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.result, AWS_NETWORK_ERROR);
    assert_int_equal(st.http_status, 502);
    assert_non_null(strstr(st.detail, "HTTP 502"));
    http_response_clear(&r);
}

static void test_judge_bare_429_retries(void **state)
{
    (void)state;
    struct http_response r = response(429, "Too Many Requests", "", "");
    struct aws_status st = {0};
    assert_true(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.http_status, 429);
    assert_non_null(strstr(st.detail, "HTTP 429"));
    http_response_clear(&r);
}

static void test_judge_unreadable_4xx(void **state)
{
    (void)state;
    struct http_response r = response(400, "garbage", "", "");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_DONE, &r, 0, &st));
    assert_int_equal(st.result, AWS_PROTOCOL_ERROR);
    assert_non_null(strstr(st.detail, "HTTP 400"));
    http_response_clear(&r);
}

static void test_judge_transport_failures(void **state)
{
    (void)state;
    struct {
        enum http_result res;
        enum aws_result result;
        bool retry;
    } cases[] = {
        {HTTP_FAILED, AWS_NETWORK_ERROR, true},
        {HTTP_TIMED_OUT, AWS_NETWORK_ERROR, false},
        {HTTP_REFUSED, AWS_NETWORK_ERROR, false},
        {HTTP_TOO_LARGE, AWS_PROTOCOL_ERROR, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_response r = {0};
        snprintf(r.error, sizeof(r.error), "why %zu\n", i);
        struct aws_status st = {0};
        assert_int_equal(query_judge(cases[i].res, &r, 0, &st), cases[i].retry);
        assert_int_equal(st.result, cases[i].result);
        assert_int_equal(st.http_status, 0);
        char want[32];
        snprintf(want, sizeof(want), "why %zu?", i);
        assert_string_equal(st.detail, want);
    }
}

/* An answer cut off at the size cap came with a status line: that status
 * is kept for the log, not 0. */
static void test_judge_oversized_answer_keeps_its_status(void **state)
{
    (void)state;
    struct http_response r = {.status = 200};
    snprintf(r.error, sizeof(r.error), "response too large");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_TOO_LARGE, &r, 0, &st));
    assert_int_equal(st.result, AWS_PROTOCOL_ERROR);
    assert_int_equal(st.http_status, 200);
}

/* 2026-12-04T10:00:00Z */
#define SIGNED_AT 1796378400LL

static void test_skew_from_date_header(void **state)
{
    (void)state;
    const char body[] =
        "<ErrorResponse><Error><Type>Sender</Type>"
        "<Code>SignatureDoesNotMatch</Code><Message>Signature expired: "
        "20261204T100000Z is now earlier than 20261204T101700Z "
        "(20261204T103200Z - 15 min.)</Message></Error></ErrorResponse>";
    struct http_response r =
        response(403, body, "Fri, 04 Dec 2026 10:32:00 GMT", "");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_DONE, &r, SIGNED_AT, &st));
    assert_int_equal(st.result, AWS_API_ERROR);
    assert_true(st.clock_skew_known);
    assert_int_equal(st.clock_skew, 32 * 60);
    http_response_clear(&r);

    /* Without a Date header the message's own time is used. */
    r = response(403, body, "", "");
    memset(&st, 0, sizeof(st));
    query_judge(HTTP_DONE, &r, SIGNED_AT, &st);
    assert_true(st.clock_skew_known);
    assert_int_equal(st.clock_skew, 32 * 60);
    http_response_clear(&r);
}

static void test_skew_not_yet_current_and_request_expired(void **state)
{
    (void)state;
    const char ahead[] =
        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
        "<Message>Signature not yet current: 20261204T100000Z is still "
        "later than 20261204T094000Z (20261204T092500Z + 15 min.)"
        "</Message></Error></ErrorResponse>";
    struct http_response r =
        response(403, ahead, "Fri, 04 Dec 2026 09:25:00 GMT", "");
    struct aws_status st = {0};
    query_judge(HTTP_DONE, &r, SIGNED_AT, &st);
    assert_true(st.clock_skew_known);
    assert_int_equal(st.clock_skew, -35 * 60);
    http_response_clear(&r);

    const char expired[] = "<ErrorResponse><Error><Code>RequestExpired</Code>"
                           "<Message>Request has expired.</Message></Error>"
                           "</ErrorResponse>";
    r = response(400, expired, "Fri, 04 Dec 2026 11:00:00 GMT", "");
    memset(&st, 0, sizeof(st));
    query_judge(HTTP_DONE, &r, SIGNED_AT, &st);
    assert_true(st.clock_skew_known);
    assert_int_equal(st.clock_skew, 3600);
    http_response_clear(&r);
}

static void test_no_skew_for_a_bad_signature(void **state)
{
    (void)state;
    const char body[] =
        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
        "<Message>The request signature we calculated does not match the "
        "signature you provided.</Message></Error></ErrorResponse>";
    struct http_response r =
        response(403, body, "Fri, 04 Dec 2026 10:32:00 GMT", "");
    struct aws_status st = {0};
    query_judge(HTTP_DONE, &r, SIGNED_AT, &st);
    assert_false(st.clock_skew_known);
    http_response_clear(&r);
}

static void test_http_date_parsing(void **state)
{
    (void)state;
    long long skew = 0;
    assert_true(
        query_clock_skew("Fri, 04 Dec 2026 10:00:05 GMT", SIGNED_AT, &skew));
    assert_int_equal(skew, 5);
    assert_true(query_clock_skew("Thu, 29 Feb 2024 00:00:00 GMT", 0, &skew));
    assert_int_equal(skew, 1709164800LL);
    /* Our clock ahead of AWS's: a negative skew. */
    assert_true(
        query_clock_skew("Fri, 04 Dec 2026 09:40:00 GMT", SIGNED_AT, &skew));
    assert_int_equal(skew, -20 * 60);
    assert_true(
        query_clock_skew("Thu, 31 Dec 2026 23:59:59 GMT", SIGNED_AT, &skew));
    assert_int_equal(skew, 27 * 86400 + 14 * 3600 - 1);
    assert_false(query_clock_skew("", 0, &skew));
    assert_false(query_clock_skew("Fri, 04 Dez 2026 10:00:05 GMT", 0, &skew));
    assert_false(query_clock_skew("Fri, 04 ec 2026 10:00:05 GMT", 0, &skew));
    assert_false(query_clock_skew("2026-12-04T10:00:00Z", 0, &skew));
}

/* sscanf alone takes these; none is a time AWS could have sent, and a
 * skew computed from one would send the admin after the wrong clock. */
static void test_http_date_garbage_is_refused(void **state)
{
    (void)state;
    const char *garbage[] = {
        "Fri, 32 Dec 2026 10:00:00 GMT",       "Fri, 00 Dec 2026 10:00:00 GMT",
        "Fri, -4 Dec 2026 10:00:00 GMT",       "Fri, 30 Feb 2026 10:00:00 GMT",
        "Fri, 04 Dec 2026 24:00:00 GMT",       "Fri, 04 Dec 2026 10:60:00 GMT",
        "Fri, 04 Dec 2026 10:00:61 GMT",       "Fri, 04 Dec 26 10:00:00 GMT",
        "Fri, 04 Dec 1900 10:00:00 GMT",       "Fri, 04 Dec 2026 10:00:00 UTC",
        "Fri, 04 Dec 2026 10:00:00",           "Fri, 04 Dec 2026 10:00:00 GMTx",
        "Fri, 04 Dec 2026 10:00:00 GMT (+1h)",
    };
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        long long skew = 12345;
        assert_false(query_clock_skew(garbage[i], SIGNED_AT, &skew));
        assert_int_equal(skew, 12345);
    }
}

/* Nor is a skew taken from a refusal whose times are not real ones. */
static void test_no_skew_from_a_garbage_message_time(void **state)
{
    (void)state;
    const char body[] =
        "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
        "<Message>Signature expired: 20261204T100000Z is now earlier than "
        "20261204T101700Z (20261304T993200Z - 15 min.)</Message></Error>"
        "</ErrorResponse>";
    struct http_response r = response(403, body, "", "");
    struct aws_status st = {0};
    assert_false(query_judge(HTTP_DONE, &r, SIGNED_AT, &st));
    assert_int_equal(st.result, AWS_API_ERROR);
    assert_false(st.clock_skew_known);
    http_response_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_encodes_per_rfc3986),
        cmocka_unit_test(test_form_escapes_its_own_separators),
        cmocka_unit_test(test_form_without_params),
        cmocka_unit_test(test_error_body_is_read),
        cmocka_unit_test(test_iam_error_body_is_read),
        cmocka_unit_test(test_error_line_breaks_are_sanitised),
        cmocka_unit_test(test_error_text_is_sanitised),
        cmocka_unit_test(test_error_without_code_is_not_an_aws_error),
        cmocka_unit_test(test_retry_classifier),
        cmocka_unit_test(test_judge_success),
        cmocka_unit_test(test_judge_access_denied_is_final),
        cmocka_unit_test(test_judge_throttling_and_5xx_retry),
        cmocka_unit_test(test_judge_bare_429_retries),
        cmocka_unit_test(test_judge_unreadable_4xx),
        cmocka_unit_test(test_judge_transport_failures),
        cmocka_unit_test(test_judge_oversized_answer_keeps_its_status),
        cmocka_unit_test(test_skew_from_date_header),
        cmocka_unit_test(test_skew_not_yet_current_and_request_expired),
        cmocka_unit_test(test_no_skew_for_a_bad_signature),
        cmocka_unit_test(test_http_date_parsing),
        cmocka_unit_test(test_http_date_garbage_is_refused),
        cmocka_unit_test(test_no_skew_from_a_garbage_message_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
