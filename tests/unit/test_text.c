/* text: sanitising for terminals and logs; strict ISO 8601 UTC times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "text.h"

static void test_sanitize_replaces_control_and_non_ascii(void **state)
{
    (void)state;
    char out[64];
    text_sanitize(out, sizeof(out), "ok\x1b[31m\r\n\t\x7f\xc3\xa9!");
    /* "\?" because "??!" would be a trigraph. */
    assert_string_equal(out, "ok?[31m?????\?!");
}

static void test_sanitize_cuts_to_fit(void **state)
{
    (void)state;
    char out[5] = "xxxx";
    text_sanitize(out, sizeof(out), "abcdefgh");
    assert_string_equal(out, "abcd");
    char one[1] = {'x'};
    text_sanitize(one, sizeof(one), "abc");
    assert_int_equal(one[0], '\0');
    char none[4] = "xyz";
    text_sanitize(none, sizeof(none), NULL);
    assert_string_equal(none, "");
}

static void test_format_utc(void **state)
{
    (void)state;
    char buf[32];
    assert_true(text_format_utc(0, buf, sizeof(buf)));
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    assert_true(text_format_utc(1310412929LL, buf, sizeof(buf)));
    assert_string_equal(buf, "2011-07-11T19:35:29Z");
    assert_true(text_format_utc(1709164800LL, buf, sizeof(buf)));
    assert_string_equal(buf, "2024-02-29T00:00:00Z");
    char small[20];
    assert_false(text_format_utc(0, small, sizeof(small)));
    assert_false(text_format_utc(300000000000LL, buf, sizeof(buf)));
}

static long long parsed(const char *text)
{
    long long t = -12345;
    assert_true(text_parse_utc(text, &t));
    return t;
}

static void test_parse_utc_accepts_aws_forms(void **state)
{
    (void)state;
    assert_int_equal(parsed("2011-07-11T19:35:29Z"), 1310412929LL);
    /* AWS may add fractional seconds; they are ignored. */
    assert_int_equal(parsed("2011-07-11T19:35:29.611Z"), 1310412929LL);
    assert_int_equal(parsed("2011-07-11T19:35:29.123456789Z"), 1310412929LL);
    assert_int_equal(parsed("2024-02-29T00:00:00Z"), 1709164800LL);
    assert_int_equal(parsed("2000-02-29T12:00:00Z"), 951825600LL);
    assert_int_equal(parsed("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parsed("1969-12-31T23:59:59Z"), -1);
}

static void test_parse_round_trips_format(void **state)
{
    (void)state;
    const long long times[] = {
        0, 1, 86399, 951782400LL, 1700000000LL, 4102444799LL, 253402300799LL};
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        char buf[32];
        assert_true(text_format_utc(times[i], buf, sizeof(buf)));
        assert_int_equal(parsed(buf), times[i]);
    }
}

static void test_parse_utc_is_strict(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "2011-07-11T19:35:29",
        "2011-07-11T19:35:29z",
        "2011-07-11t19:35:29Z",
        "2011-07-11 19:35:29Z",
        "2011-07-11T19:35:29+00:00",
        "2011-07-11T19:35:29Z ",
        " 2011-07-11T19:35:29Z",
        "2011-07-11T19:35:29.Z",
        "2011-07-11T19:35:29.1234567890Z",
        "2011-7-11T19:35:29Z",
        "11-07-11T19:35:29Z",
        "2011-13-11T19:35:29Z",
        "2011-00-11T19:35:29Z",
        "2011-07-00T19:35:29Z",
        "2011-07-32T19:35:29Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2011-04-31T00:00:00Z",
        "2011-07-11T24:00:00Z",
        "2011-07-11T19:60:29Z",
        "2011-07-11T19:35:60Z",
        "2011-07-11T19:35:29ZZ",
        "+011-07-11T19:35:29Z",
        "2011-07-11T19:35:2aZ",
        "20110711T193529Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long long t = 42;
        if (text_parse_utc(bad[i], &t))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(t, 42);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_replaces_control_and_non_ascii),
        cmocka_unit_test(test_sanitize_cuts_to_fit),
        cmocka_unit_test(test_format_utc),
        cmocka_unit_test(test_parse_utc_accepts_aws_forms),
        cmocka_unit_test(test_parse_round_trips_format),
        cmocka_unit_test(test_parse_utc_is_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
