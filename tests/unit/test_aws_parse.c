/* The parse half of the AWS calls, fed real-shaped bodies: ListMFADevices
 * pages, GetSessionToken and AssumeRole credentials (checked before they
 * are handed on), GetCallerIdentity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_parse.h"

static const char page_one[] =
    "<ListMFADevicesResponse "
    "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
    "  <ListMFADevicesResult>\n"
    "    <IsTruncated>true</IsTruncated>\n"
    "    <Marker>AAEAAX1xYz==</Marker>\n"
    "    <MFADevices>\n"
    "      <member>\n"
    "        <UserName>alice</UserName>\n"
    "        <SerialNumber>arn:aws:iam::123456789012:u2f/user/alice/"
    "key-ABCDEFGHIJ</SerialNumber>\n"
    "        <EnableDate>2026-01-02T03:04:05Z</EnableDate>\n"
    "      </member>\n"
    "      <member>\n"
    "        <UserName>alice</UserName>\n"
    "        <SerialNumber>arn:aws:iam::123456789012:mfa/alice"
    "</SerialNumber>\n"
    "        <EnableDate>2026-01-02T03:04:05Z</EnableDate>\n"
    "      </member>\n"
    "    </MFADevices>\n"
    "  </ListMFADevicesResult>\n"
    "  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\n"
    "</ListMFADevicesResponse>\n";

static const char page_two[] =
    "<ListMFADevicesResponse "
    "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
    "<ListMFADevicesResult><IsTruncated>false</IsTruncated><MFADevices>"
    "<member><UserName>alice</UserName><SerialNumber>GAHT12345678"
    "</SerialNumber><EnableDate>2026-01-02T03:04:05Z</EnableDate></member>"
    "</MFADevices></ListMFADevicesResult></ListMFADevicesResponse>";

static bool read_page(const char *body, struct mfa_device_list *list,
                      bool *truncated, char *marker, char *err)
{
    return iam_parse_devices_page(body, strlen(body), list, truncated, marker,
                                  err, 128);
}

static void test_pages_accumulate_and_kinds_are_told_apart(void **state)
{
    (void)state;
    struct mfa_device_list list = {0};
    bool truncated = false;
    char marker[IAM_MAX_MARKER], err[128] = "";
    assert_true(read_page(page_one, &list, &truncated, marker, err));
    assert_true(truncated);
    assert_string_equal(marker, "AAEAAX1xYz==");
    assert_true(read_page(page_two, &list, &truncated, marker, err));
    assert_false(truncated);
    assert_string_equal(marker, "");
    assert_int_equal(list.count, 3);
    assert_int_equal(list.items[0].kind, MFA_FIDO);
    assert_string_equal(list.items[1].serial,
                        "arn:aws:iam::123456789012:mfa/alice");
    assert_int_equal(list.items[1].kind, MFA_TOTP);
    assert_string_equal(list.items[2].serial, "GAHT12345678");
    assert_int_equal(list.items[2].kind, MFA_TOTP);
    mfa_device_list_free(&list);
    assert_int_equal(list.count, 0);
    assert_null(list.items);
}

static void test_empty_device_list(void **state)
{
    (void)state;
    const char body[] =
        "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices/>"
        "<IsTruncated>false</IsTruncated></ListMFADevicesResult>"
        "</ListMFADevicesResponse>";
    struct mfa_device_list list = {0};
    bool truncated = true;
    char marker[IAM_MAX_MARKER], err[128];
    assert_true(read_page(body, &list, &truncated, marker, err));
    assert_false(truncated);
    assert_int_equal(list.count, 0);
}

static void test_bad_pages_are_refused(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"<ListMFADevicesResponse><ListMFADevicesResult><IsTruncated>true"
         "</IsTruncated></ListMFADevicesResult></ListMFADevicesResponse>",
         "IsTruncated without a Marker"},
        {"<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member>"
         "<SerialNumber>arn:aws:iam::1:mfa/a\"b;rm</SerialNumber></member>"
         "</MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
         "malformed SerialNumber"},
        {"<ListMFADevicesResponse><ListMFADevicesResult>",
         "not XML (no element found at line 1)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mfa_device_list list = {0};
        bool truncated;
        char marker[IAM_MAX_MARKER], err[128] = "";
        assert_false(read_page(bad[i][0], &list, &truncated, marker, err));
        assert_string_equal(err, bad[i][1]);
        mfa_device_list_free(&list);
    }
}

static void test_too_many_devices_are_refused(void **state)
{
    (void)state;
    size_t n = IAM_MAX_DEVICES + 1;
    char *body = malloc(n * 80 + 200);
    strcpy(body, "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices>");
    for (size_t i = 0; i < n; i++)
        sprintf(body + strlen(body),
                "<member><SerialNumber>GAHT%08zu</SerialNumber></member>", i);
    strcat(body, "</MFADevices></ListMFADevicesResult>"
                 "</ListMFADevicesResponse>");
    struct mfa_device_list list = {0};
    bool truncated;
    char marker[IAM_MAX_MARKER], err[128];
    assert_false(read_page(body, &list, &truncated, marker, err));
    assert_string_equal(err, "too many MFA devices");
    mfa_device_list_free(&list);
    free(body);
}

/* A page of `count` hardware serials numbered from `first`. */
static char *serials_page(size_t first, size_t count, const char *marker)
{
    char *body = malloc(count * 80 + IAM_MAX_MARKER + 300);
    if (body == NULL)
        fail();
    sprintf(body,
            "<ListMFADevicesResponse><ListMFADevicesResult>"
            "<IsTruncated>%s</IsTruncated><Marker>%s</Marker>"
            "<MFADevices>",
            marker[0] ? "true" : "false", marker);
    for (size_t i = first; i < first + count; i++)
        sprintf(body + strlen(body),
                "<member><SerialNumber>GAHT%08zu</SerialNumber></member>", i);
    strcat(body, "</MFADevices></ListMFADevicesResult>"
                 "</ListMFADevicesResponse>");
    return body;
}

/* The device bound holds for the whole list, not for each page. */
static void test_device_bound_counts_every_page(void **state)
{
    (void)state;
    struct mfa_device_list list = {0};
    bool truncated;
    char marker[IAM_MAX_MARKER], err[128] = "";
    char *first = serials_page(0, IAM_MAX_DEVICES - 1, "m1");
    char *second = serials_page(IAM_MAX_DEVICES - 1, 1, "m2");
    char *third = serials_page(IAM_MAX_DEVICES, 1, "");
    assert_true(read_page(first, &list, &truncated, marker, err));
    assert_true(read_page(second, &list, &truncated, marker, err));
    assert_int_equal(list.count, IAM_MAX_DEVICES);
    assert_string_equal(list.items[IAM_MAX_DEVICES - 1].serial, "GAHT00000255");
    assert_false(read_page(third, &list, &truncated, marker, err));
    assert_string_equal(err, "too many MFA devices");
    mfa_device_list_free(&list);
    free(first);
    free(second);
    free(third);
}

static void test_marker_is_bounded(void **state)
{
    (void)state;
    char longest[IAM_MAX_MARKER], too_long[IAM_MAX_MARKER + 1];
    memset(longest, 'M', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    memset(too_long, 'M', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    struct mfa_device_list list = {0};
    bool truncated;
    char marker[IAM_MAX_MARKER], err[128] = "";
    char *body = serials_page(0, 1, longest);
    assert_true(read_page(body, &list, &truncated, marker, err));
    assert_true(truncated);
    assert_string_equal(marker, longest);
    free(body);
    body = serials_page(1, 1, too_long);
    assert_false(read_page(body, &list, &truncated, marker, err));
    assert_string_equal(err, "Marker too long");
    mfa_device_list_free(&list);
    free(body);
}

/* Serials that would smuggle something into a log line, a prompt or the
 * session file are refused with the whole page. */
static void test_hostile_serials_are_refused(void **state)
{
    (void)state;
    const char *serials[] = {
        "arn:aws:iam::123456789012:mfa/alice&#10;granted",
        "arn:aws:iam::123456789012:mfa/al ice",
        "arn:aws:iam::123456789012:mfa/\xc3\xa9",
        "GAHT",
    };
    for (size_t i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
        char body[512];
        snprintf(body, sizeof(body),
                 "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices>"
                 "<member><SerialNumber>GAHT12345678</SerialNumber></member>"
                 "<member><SerialNumber>%s</SerialNumber></member>"
                 "</MFADevices></ListMFADevicesResult>"
                 "</ListMFADevicesResponse>",
                 serials[i]);
        struct mfa_device_list list = {0};
        bool truncated;
        char marker[IAM_MAX_MARKER], err[128] = "";
        assert_false(read_page(body, &list, &truncated, marker, err));
        assert_string_equal(err, "malformed SerialNumber");
        mfa_device_list_free(&list);
    }
}

/* 2026-12-04T10:00:00Z */
#define NOW 1796378400LL

/* A GetSessionToken answer with the given fields; NULL leaves one out. */
static char *credentials_body(const char *result, const char *key_id,
                              const char *secret, const char *token,
                              const char *expiration)
{
    char *body = malloc(8192);
    snprintf(body, 8192,
             "<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
             "\n  <%sResult>\n    <Credentials>\n"
             "%s%s%s\n%s%s%s\n%s%s%s\n%s%s%s\n"
             "    </Credentials>\n  </%sResult>\n"
             "  <ResponseMetadata><RequestId>r-2</RequestId>"
             "</ResponseMetadata>\n</%sResponse>\n",
             result, result, key_id ? "<AccessKeyId>" : "",
             key_id ? key_id : "", key_id ? "</AccessKeyId>" : "",
             secret ? "<SecretAccessKey>" : "", secret ? secret : "",
             secret ? "</SecretAccessKey>" : "", token ? "<SessionToken>" : "",
             token ? token : "", token ? "</SessionToken>" : "",
             expiration ? "<Expiration>" : "", expiration ? expiration : "",
             expiration ? "</Expiration>" : "", result, result);
    return body;
}

#define KEY_ID "ASIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
#define TOKEN_WRAPPED                                                          \
    "\n        "                                                               \
    "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c\n"      \
    "        "                                                                 \
    "/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpR\n"     \
    "    "
#define TOKEN_JOINED                                                           \
    "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c"        \
    "/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpR"

static bool parse_creds(const char *body, struct aws_credentials *out,
                        char *err)
{
    return sts_parse_credentials("GetSessionTokenResult", body, strlen(body),
                                 NOW, out, err, 128);
}

static void test_wrapped_token_and_fractional_expiration(void **state)
{
    (void)state;
    char *body = credentials_body("GetSessionToken", KEY_ID, SECRET,
                                  TOKEN_WRAPPED, "2026-12-04T22:00:00.611Z");
    struct aws_credentials cr;
    char err[128] = "";
    assert_true(parse_creds(body, &cr, err));
    assert_string_equal(cr.access_key_id, KEY_ID);
    assert_string_equal(secret_str(cr.secret_access_key), SECRET);
    assert_string_equal(secret_str(cr.session_token), TOKEN_JOINED);
    assert_int_equal(cr.expiration, NOW + 12 * 3600);
    aws_credentials_free(&cr);
    assert_null(cr.access_key_id);
    free(body);
}

static void test_assume_role_result(void **state)
{
    (void)state;
    char *body = credentials_body("AssumeRole", KEY_ID, SECRET, TOKEN_JOINED,
                                  "2026-12-04T11:00:00Z");
    struct aws_credentials cr;
    char err[128] = "";
    assert_true(sts_parse_credentials("AssumeRoleResult", body, strlen(body),
                                      NOW, &cr, err, sizeof(err)));
    assert_int_equal(cr.expiration, NOW + 3600);
    aws_credentials_free(&cr);
    /* The same body is not a GetSessionToken answer. */
    assert_false(parse_creds(body, &cr, err));
    assert_string_equal(err, "missing or empty Credentials/AccessKeyId");
    free(body);
}

#define BAD_KEY_ID "AccessKeyId is missing or malformed"
#define BAD_SECRET "SecretAccessKey is missing or malformed"
#define BAD_TOKEN "SessionToken is missing or malformed"

static void test_bad_credentials_are_refused(void **state)
{
    (void)state;
    const char *future = "2026-12-04T22:00:00Z";
    struct {
        const char *key, *secret, *token, *expiration, *why;
    } cases[] = {
        {NULL, SECRET, TOKEN_JOINED, future,
         "missing or empty Credentials/AccessKeyId"},
        {KEY_ID, NULL, TOKEN_JOINED, future,
         "missing or empty Credentials/SecretAccessKey"},
        {KEY_ID, SECRET, NULL, future,
         "missing or empty Credentials/SessionToken"},
        {KEY_ID, SECRET, TOKEN_JOINED, NULL,
         "missing or empty Credentials/Expiration"},
        {KEY_ID, SECRET, "  \n ", future,
         "missing or empty Credentials/SessionToken"},
        {"", SECRET, TOKEN_JOINED, future,
         "missing or empty Credentials/AccessKeyId"},
        {"asiaiosfodnn7example", SECRET, TOKEN_JOINED, future, BAD_KEY_ID},
        {"ASIA1234", SECRET, TOKEN_JOINED, future, BAD_KEY_ID},
        {"ASIA IOSFODNN7EXAMPLE", SECRET, TOKEN_JOINED, future, BAD_KEY_ID},
        {"ASIA\xc3\x89XAMPLEKEYID12", SECRET, TOKEN_JOINED, future, BAD_KEY_ID},
        /* What the session file would refuse when read back is refused
         * here, before it reaches the environment or the file. */
        {KEY_ID, "abc&#10;LD_PRELOAD=/tmp/x&#9;q", TOKEN_JOINED, future,
         BAD_SECRET},
        {KEY_ID, "wJalrXUtnFEMI/K7MDENG/bPxRfiCY\xc3\xa9XAMPLE", TOKEN_JOINED,
         future, BAD_SECRET},
        {KEY_ID, "wJalrXUtnFEMI K7MDENG", TOKEN_JOINED, future, BAD_SECRET},
        {KEY_ID, "wJalrXUtnFEMI&#127;K7MDENG", TOKEN_JOINED, future,
         BAD_SECRET},
        {KEY_ID, SECRET, "AQoEXAMPLE&#127;H4aoAH0gNCAPy", future, BAD_TOKEN},
        {KEY_ID, SECRET, "AQoEXAMPLE\xc3\xa9H4aoAH0gNCAPy", future, BAD_TOKEN},
        {KEY_ID, SECRET, TOKEN_JOINED, "tomorrow",
         "Expiration is missing or not an ISO 8601 UTC time"},
        {KEY_ID, SECRET, TOKEN_JOINED, "2026-12-04T10:00:00Z",
         "Expiration is not in the future"},
        {KEY_ID, SECRET, TOKEN_JOINED, "2020-01-01T00:00:00Z",
         "Expiration is not in the future"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *body =
            credentials_body("GetSessionToken", cases[i].key, cases[i].secret,
                             cases[i].token, cases[i].expiration);
        struct aws_credentials cr;
        char err[128] = "";
        assert_false(parse_creds(body, &cr, err));
        assert_string_equal(err, cases[i].why);
        /* Nothing half-filled is left for a caller to use. */
        assert_null(cr.access_key_id);
        assert_null(cr.secret_access_key);
        assert_null(cr.session_token);
        free(body);
    }
}

/* Credentials must sit right under the result element: the same names
 * elsewhere, or a result with no Credentials at all, give nothing. */
static void test_credentials_out_of_place_are_missing(void **state)
{
    (void)state;
    const char *bodies[] = {
        "<GetSessionTokenResponse><GetSessionTokenResult>"
        "</GetSessionTokenResult></GetSessionTokenResponse>",
        "<GetSessionTokenResponse><GetSessionTokenResult><Other><Credentials>"
        "<AccessKeyId>" KEY_ID "</AccessKeyId><SecretAccessKey>" SECRET
        "</SecretAccessKey><SessionToken>" TOKEN_JOINED
        "</SessionToken><Expiration>2026-12-04T22:00:00Z</Expiration>"
        "</Credentials></Other></GetSessionTokenResult>"
        "</GetSessionTokenResponse>",
        "<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
        "<AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/>"
        "</Credentials></GetSessionTokenResult></GetSessionTokenResponse>",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct aws_credentials cr;
        char err[128] = "";
        assert_false(parse_creds(bodies[i], &cr, err));
        assert_string_equal(err, "missing or empty Credentials/AccessKeyId");
        assert_null(cr.access_key_id);
    }
}

static void test_expiration_forms(void **state)
{
    (void)state;
    struct {
        const char *expiration;
        bool ok;
    } cases[] = {
        {"2026-12-04T10:00:01Z", true},
        {"2026-12-04T10:00:00.999Z", false},
        {"2026-12-04T22:00:00", false},
        {"2026-12-04 22:00:00Z", false},
        {"2026-12-04T22:00:00+00:00", false},
        {"2026-02-30T22:00:00Z", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *body = credentials_body("GetSessionToken", KEY_ID, SECRET,
                                      TOKEN_JOINED, cases[i].expiration);
        struct aws_credentials cr;
        char err[128] = "";
        assert_int_equal(parse_creds(body, &cr, err), cases[i].ok);
        aws_credentials_free(&cr);
        free(body);
    }
}

static void test_duplicate_field_is_refused(void **state)
{
    (void)state;
    char *body = credentials_body("GetSessionToken", KEY_ID, SECRET,
                                  TOKEN_JOINED "</SessionToken><SessionToken>x",
                                  "2026-12-04T22:00:00Z");
    struct aws_credentials cr;
    char err[128] = "";
    assert_false(parse_creds(body, &cr, err));
    assert_string_equal(err, "a Credentials field given twice");
    free(body);
}

static void test_garbage_and_error_bodies_are_refused(void **state)
{
    (void)state;
    const char *bodies[] = {
        "",
        "<html>hello</html>",
        "<ErrorResponse><Error><Code>AccessDenied</Code></Error>"
        "</ErrorResponse>",
        "\x89PNG\r\n\x1a\n",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct aws_credentials cr;
        char err[128] = "";
        assert_false(parse_creds(bodies[i], &cr, err));
        assert_string_not_equal(err, "");
    }
}

static void test_huge_token_within_bounds(void **state)
{
    (void)state;
    /* No stated maximum for a token: 64 KiB, wrapped every 64 bytes. */
    size_t n = 64 * 1024;
    char *token = malloc(n + n / 64 + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        token[at++] = (char)('A' + i % 26);
        if (i % 64 == 63)
            token[at++] = '\n';
    }
    token[at] = '\0';
    char *body = malloc(at + 1024);
    char *head = credentials_body("GetSessionToken", KEY_ID, SECRET, "@",
                                  "2026-12-04T22:00:00Z");
    char *split = strchr(head, '@');
    *split = '\0';
    sprintf(body, "%s%s%s", head, token, split + 1);
    struct aws_credentials cr;
    char err[128] = "";
    assert_true(parse_creds(body, &cr, err));
    assert_int_equal(secret_len(cr.session_token), n);
    aws_credentials_free(&cr);
    free(head);
    free(body);
    free(token);
}

static void test_caller_identity(void **state)
{
    (void)state;
    const char body[] =
        "<GetCallerIdentityResponse "
        "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<GetCallerIdentityResult>"
        "<Arn>arn:aws:iam::123456789012:user/alice</Arn>"
        "<UserId>AIDAEXAMPLE&#x85;</UserId>"
        "<Account>123456789012</Account>"
        "</GetCallerIdentityResult></GetCallerIdentityResponse>";
    struct aws_caller_identity id;
    char err[128] = "";
    assert_true(
        sts_parse_caller_identity(body, strlen(body), &id, err, sizeof(err)));
    assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/alice");
    assert_string_equal(id.account, "123456789012");
    /* Text from the network is made safe for the log: the C1 control
     * U+0085 becomes one '?'. */
    assert_string_equal(id.user_id, "AIDAEXAMPLE?");
    aws_caller_identity_free(&id);

    const char partial[] = "<GetCallerIdentityResponse>"
                           "<GetCallerIdentityResult><Arn>a</Arn>"
                           "</GetCallerIdentityResult>"
                           "</GetCallerIdentityResponse>";
    assert_false(sts_parse_caller_identity(partial, strlen(partial), &id, err,
                                           sizeof(err)));
    assert_null(id.arn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_accumulate_and_kinds_are_told_apart),
        cmocka_unit_test(test_empty_device_list),
        cmocka_unit_test(test_bad_pages_are_refused),
        cmocka_unit_test(test_too_many_devices_are_refused),
        cmocka_unit_test(test_device_bound_counts_every_page),
        cmocka_unit_test(test_marker_is_bounded),
        cmocka_unit_test(test_hostile_serials_are_refused),
        cmocka_unit_test(test_wrapped_token_and_fractional_expiration),
        cmocka_unit_test(test_assume_role_result),
        cmocka_unit_test(test_bad_credentials_are_refused),
        cmocka_unit_test(test_credentials_out_of_place_are_missing),
        cmocka_unit_test(test_expiration_forms),
        cmocka_unit_test(test_duplicate_field_is_refused),
        cmocka_unit_test(test_garbage_and_error_bodies_are_refused),
        cmocka_unit_test(test_huge_token_within_bounds),
        cmocka_unit_test(test_caller_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
