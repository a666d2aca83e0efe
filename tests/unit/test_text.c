/* text: sanitising for terminals and logs; strict ISO 8601 UTC times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "text.h"

static void test_sanitize_replaces_control_characters(void **state)
{
    (void)state;
    char out[64];
    text_sanitize(out, sizeof(out), "ok\x1b[31m\r\n\t\x7f!");
    /* "\?" because "??!" would be a trigraph. */
    assert_string_equal(out, "ok?[31m???\?!");
}

static const char *sanitized(const char *text)
{
    static char out[64];
    text_sanitize(out, sizeof(out), text);
    return out;
}

static void test_sanitize_keeps_printable_utf8(void **state)
{
    (void)state;
    assert_string_equal(sanitized("user=j\xc3\xbcrgen"), "user=j\xc3\xbcrgen");
    /* Three bytes (CJK) and four bytes (U+1F600). */
    assert_string_equal(sanitized("\xe5\xb1\xb1 \xf0\x9f\x98\x80"),
                        "\xe5\xb1\xb1 \xf0\x9f\x98\x80");
    /* The highest character, U+10FFFD (U+10FFFF is a non-character). */
    assert_string_equal(sanitized("\xf4\x8f\xbf\xbd"), "\xf4\x8f\xbf\xbd");
}

static void test_sanitize_replaces_c1_controls(void **state)
{
    (void)state;
    /* U+0080, U+009B (CSI: an escape to some terminals), U+009F: one '?'
     * each; U+00A1 right after them is kept. */
    assert_string_equal(sanitized("a\xc2\x80\xc2\x9b[2J\xc2\x9f\xc2\xa1"),
                        "a?\?[2J?\xc2\xa1");
}

/* Characters that show as a blank or as nothing, or turn the text's
 * direction: each would let a user name pass for other log fields. */
static void test_sanitize_replaces_blank_looking_characters(void **state)
{
    (void)state;
    /* Arabic letter mark, Hangul filler, Hangul choseong filler, blank
     * Braille pattern, combining grapheme joiner, Mongolian vowel
     * separator, variation selector 16, tag letter A, interlinear
     * annotation anchor, halfwidth Hangul filler. */
    assert_string_equal(sanitized("a\xd8\x9c"
                                  "b\xe3\x85\xa4"
                                  "c\xe1\x85\x9f"
                                  "d\xe2\xa0\x80"
                                  "e\xcd\x8f"
                                  "f\xe1\xa0\x8e"
                                  "g\xef\xb8\x8f"
                                  "h\xf3\xa0\x81\x81"
                                  "i\xef\xbf\xb9"
                                  "j\xef\xbe\xa0"),
                        "a?b?c?d?e?f?g?h?i?j?");
    /* Letters on either side of those ranges stay. */
    assert_string_equal(sanitized("\xd8\x9b\xe3\x85\xa3\xe2\xa0\x81"),
                        "\xd8\x9b\xe3\x85\xa3\xe2\xa0\x81");
}

static void test_sanitize_replaces_invisible_characters(void **state)
{
    (void)state;
    /* No-break space, zero-width space, right-to-left override, line
     * separator, byte order mark, ideographic space, U+FFFF. */
    assert_string_equal(sanitized("a\xc2\xa0"
                                  "b\xe2\x80\x8b"
                                  "c\xe2\x80\xae"
                                  "d\xe2\x80\xa8"
                                  "e\xef\xbb\xbf"
                                  "f\xe3\x80\x80"
                                  "g\xef\xbf\xbf"),
                        "a?b?c?d?e?f?g?");
}

static void test_sanitize_replaces_overlong_forms(void **state)
{
    (void)state;
    /* '/' as two bytes, NUL as two bytes, U+00E9 as three bytes:
     * every byte replaced. */
    assert_string_equal(sanitized("\xc0\xaf|\xc0\x80|\xe0\x83\xa9"),
                        "?\?|?\?|??\?");
    /* U+FFFF in four bytes. */
    assert_string_equal(sanitized("\xf0\x8f\xbf\xbf"), "????");
}

static void test_sanitize_replaces_surrogates(void **state)
{
    (void)state;
    /* U+D800 and U+DFFF as UTF-8 (CESU-style) are not text. */
    assert_string_equal(sanitized("\xed\xa0\x80.\xed\xbf\xbf"), "??\?.??\?");
}

static void test_sanitize_replaces_invalid_sequences(void **state)
{
    (void)state;
    /* A lone continuation byte, a lead byte without its continuation,
     * a sequence cut by the end, bytes that never start one, a code
     * point above U+10FFFF. */
    assert_string_equal(sanitized("\x80"
                                  "a"),
                        "?a");
    assert_string_equal(sanitized("\xc3(b"), "?(b");
    assert_string_equal(sanitized("c\xe2\x82"), "c??");
    assert_string_equal(sanitized("\xfe\xff\xf8"), "??\?");
    assert_string_equal(sanitized("\xf4\x90\x80\x80"), "????");
}

static void test_sanitize_never_cuts_a_character(void **state)
{
    (void)state;
    char out[5] = "xxxx";
    /* "ab" and then "ü" (2 bytes) fits; the next "ü" would need 2 more
     * bytes where only 1 is left before the NUL. */
    text_sanitize(out, sizeof(out), "ab\xc3\xbc\xc3\xbc");
    assert_string_equal(out, "ab\xc3\xbc");
    char four[4] = "xyz";
    text_sanitize(four, sizeof(four), "a\xe5\xb1\xb1");
    assert_string_equal(four, "a");
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
        cmocka_unit_test(test_sanitize_replaces_control_characters),
        cmocka_unit_test(test_sanitize_keeps_printable_utf8),
        cmocka_unit_test(test_sanitize_replaces_c1_controls),
        cmocka_unit_test(test_sanitize_replaces_invisible_characters),
        cmocka_unit_test(test_sanitize_replaces_blank_looking_characters),
        cmocka_unit_test(test_sanitize_replaces_overlong_forms),
        cmocka_unit_test(test_sanitize_replaces_surrogates),
        cmocka_unit_test(test_sanitize_replaces_invalid_sequences),
        cmocka_unit_test(test_sanitize_never_cuts_a_character),
        cmocka_unit_test(test_sanitize_cuts_to_fit),
        cmocka_unit_test(test_format_utc),
        cmocka_unit_test(test_parse_utc_accepts_aws_forms),
        cmocka_unit_test(test_parse_round_trips_format),
        cmocka_unit_test(test_parse_utc_is_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
