/* What counts as a code, and as a device choice, at the prompt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "prompt.h"

static void accepts(const char *typed, const char *want)
{
    char code[TOTP_CODE_DIGITS + 1];
    assert_true(totp_code_normalize(typed, code));
    assert_string_equal(code, want);
}

static void refuses(const char *typed)
{
    char code[TOTP_CODE_DIGITS + 1] = "XXXXXX";
    assert_false(totp_code_normalize(typed, code));
    assert_int_equal(code[0], '\0');
}

static void test_six_digits(void **state)
{
    (void)state;
    accepts("123456", "123456");
    accepts("000000", "000000");
}

static void test_spaces_are_dropped(void **state)
{
    (void)state;
    accepts("123 456", "123456");
    accepts("  1 2 3 4 5 6  ", "123456");
}

static void test_hostile_input_refused(void **state)
{
    (void)state;
    refuses("");
    refuses("      ");
    refuses("12345");
    refuses("1234567");
    refuses("abcdef");
    refuses("12345a");
    refuses("123\t456");
    refuses("123456\n");
    refuses("\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6");
    refuses("ccccccbchvthlivuitriujjifivbvtrjkjfirllluurfr");
    char big[10241];
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    refuses(big);
}

static void test_choice(void **state)
{
    (void)state;
    assert_int_equal(choice_parse("1", 3), 0);
    assert_int_equal(choice_parse(" 3 ", 3), 2);
    assert_int_equal(choice_parse("0", 3), -1);
    assert_int_equal(choice_parse("4", 3), -1);
    assert_int_equal(choice_parse("-1", 3), -1);
    assert_int_equal(choice_parse("1x", 3), -1);
    assert_int_equal(choice_parse("", 3), -1);
    assert_int_equal(choice_parse("99999999999999999999", 3), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_six_digits),
        cmocka_unit_test(test_spaces_are_dropped),
        cmocka_unit_test(test_hostile_input_refused),
        cmocka_unit_test(test_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
