/* secret: buffers that keep their bytes through growth, clear to empty,
 * and compare in constant time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"

static void test_append_grows_and_keeps_contents(void **state)
{
    (void)state;
    struct secret *s = secret_new();
    assert_non_null(s);
    assert_string_equal(secret_str(s), "");
    char want[1001];
    for (int i = 0; i < 1000; i++) {
        char c = (char)('a' + i % 26);
        assert_true(secret_append(s, &c, 1));
        want[i] = c;
    }
    want[1000] = '\0';
    assert_int_equal(secret_len(s), 1000);
    assert_string_equal(secret_str(s), want);
    secret_free(s);
}

static void test_from_copies_exact_bytes(void **state)
{
    (void)state;
    struct secret *s = secret_from("abcdef", 3);
    assert_string_equal(secret_str(s), "abc");
    assert_int_equal(secret_len(s), 3);
    secret_free(s);
    s = secret_from_str("token");
    assert_string_equal(secret_str(s), "token");
    secret_free(s);
}

static void test_clear_empties_and_stays_usable(void **state)
{
    (void)state;
    struct secret *s = secret_from_str("hunter2");
    secret_clear(s);
    assert_int_equal(secret_len(s), 0);
    assert_string_equal(secret_str(s), "");
    assert_true(secret_append(s, "xy", 2));
    assert_string_equal(secret_str(s), "xy");
    secret_free(s);
    secret_free(NULL);
}

static void test_wipe_and_free_str(void **state)
{
    (void)state;
    char buf[8] = "secret!";
    secret_wipe(buf, sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    secret_wipe(NULL, 5);
    secret_free_str(strdup("abc"));
    secret_free_str(NULL);
}

static void test_equal(void **state)
{
    (void)state;
    assert_true(secret_equal("123456", "123456", 6));
    assert_false(secret_equal("123456", "123457", 6));
    assert_false(secret_equal("023456", "123456", 6));
    assert_true(secret_equal("12", "13", 1));
}

/* All of a large secret arrives, in order; a write
 * to a closed descriptor is reported. */
static void test_write_all_of_it(void **state)
{
    (void)state;
    enum { SIZE = 200000 };
    struct secret *s = secret_new();
    for (size_t i = 0; i < SIZE; i++) {
        char c = (char)('a' + i % 26);
        assert_true(secret_append(s, &c, 1));
    }
    char path[] = "/tmp/test_secret.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_true(secret_write(s, fd));
    assert_int_equal(lseek(fd, 0, SEEK_CUR), SIZE);
    char *back = malloc(SIZE);
    assert_non_null(back);
    assert_int_equal(pread(fd, back, SIZE, 0), SIZE);
    assert_memory_equal(back, secret_str(s), SIZE);
    free(back);
    close(fd);
    errno = 0;
    assert_false(secret_write(s, fd));
    assert_int_equal(errno, EBADF);
    secret_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_grows_and_keeps_contents),
        cmocka_unit_test(test_from_copies_exact_bytes),
        cmocka_unit_test(test_clear_empties_and_stays_usable),
        cmocka_unit_test(test_wipe_and_free_str),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_write_all_of_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
