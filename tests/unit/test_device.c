/* Which device a login uses, from IAM's list and the configured serial. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "device.h"

#define VIRTUAL "arn:aws:iam::123456789012:mfa/alice"
#define HARDWARE "GAHT12345678"
#define FIDO "arn:aws:iam::123456789012:u2f/user/alice/key-1"

static struct mfa_device devices[] = {
    {FIDO, MFA_FIDO},
    {VIRTUAL, MFA_TOTP},
    {HARDWARE, MFA_TOTP},
};

static struct mfa_device_list list_of(size_t first, size_t count)
{
    struct mfa_device_list list = {devices + first, count};
    return list;
}

static void test_none(void **state)
{
    (void)state;
    struct mfa_device_list list = list_of(0, 0);
    const char *serial = "unset";
    assert_int_equal(device_decide(&list, NULL, &serial), DEVICE_NONE);
    assert_null(serial);
}

static void test_fido_only(void **state)
{
    (void)state;
    struct mfa_device_list list = list_of(0, 1);
    const char *serial;
    assert_int_equal(device_decide(&list, NULL, &serial), DEVICE_FIDO_ONLY);
    assert_int_equal(device_decide(&list, FIDO, &serial),
                     DEVICE_CONFIGURED_FIDO);
}

static void test_single_totp_beside_fido(void **state)
{
    (void)state;
    struct mfa_device_list list = list_of(0, 2);
    const char *serial;
    assert_int_equal(device_decide(&list, NULL, &serial), DEVICE_USE);
    assert_string_equal(serial, VIRTUAL);
}

static void test_several_ask(void **state)
{
    (void)state;
    struct mfa_device_list list = list_of(0, 3);
    const char *serial;
    assert_int_equal(device_decide(&list, NULL, &serial), DEVICE_ASK);
    assert_int_equal(device_totp_count(&list), 2);
    assert_string_equal(device_totp_at(&list, 1), HARDWARE);
    assert_null(device_totp_at(&list, 2));
    char menu[512];
    device_menu(&list, "alice", menu, sizeof(menu));
    assert_string_equal(menu, "IAM user alice has 2 MFA devices:\n"
                              "  1) " VIRTUAL "\n"
                              "  2) " HARDWARE "\n"
                              "Device to use [1-2]: ");
}

static void test_configured_wins_if_registered(void **state)
{
    (void)state;
    struct mfa_device_list list = list_of(0, 3);
    const char *serial;
    assert_int_equal(device_decide(&list, HARDWARE, &serial), DEVICE_USE);
    assert_string_equal(serial, HARDWARE);
    assert_int_equal(device_decide(&list, "GAHT00000000", &serial),
                     DEVICE_NOT_REGISTERED);
    assert_null(serial);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_fido_only),
        cmocka_unit_test(test_single_totp_beside_fido),
        cmocka_unit_test(test_several_ask),
        cmocka_unit_test(test_configured_wins_if_registered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
