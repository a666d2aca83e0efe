/* safefile: a file is read only when it is what it should be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
#include "scratch.h"

static const struct safefile_rules strict = {
    .mode_mask = 077,
    .mode_want = 0,
    .max_size = 100,
};

static enum safefile_result try_read(const struct safefile_rules *base,
                                     char *err, struct secret **out)
{
    struct safefile_rules rules = *base;
    rules.owner = geteuid();
    return safefile_read(scratch_path, &rules, out, err, 256);
}

static void expect_refused(const struct safefile_rules *rules,
                           const char *want_in_err)
{
    char err[256] = "";
    struct secret *s = (struct secret *)1;
    assert_int_equal(try_read(rules, err, &s), SAFEFILE_REFUSED);
    assert_null(s);
    if (strstr(err, want_in_err) == NULL || strstr(err, scratch_path) == NULL)
        fail_msg("message \"%s\" lacks \"%s\" or the path", err, want_in_err);
}

static int setup(void **state)
{
    (void)state;
    scratch_make("test_safefile", "file");
    return 0;
}

static void test_good_file_is_read_whole(void **state)
{
    (void)state;
    scratch_write("key = value\nsecret = s3cr3t\n", 0600);
    char err[256] = "";
    struct secret *s = NULL;
    assert_int_equal(try_read(&strict, err, &s), SAFEFILE_OK);
    assert_string_equal(secret_str(s), "key = value\nsecret = s3cr3t\n");
    secret_free(s);
}

static void test_missing_file(void **state)
{
    (void)state;
    unlink(scratch_path);
    char err[256] = "";
    struct secret *s = NULL;
    assert_int_equal(try_read(&strict, err, &s), SAFEFILE_MISSING);
    assert_null(s);
    assert_non_null(strstr(err, "does not exist"));
}

static void test_mode_checked(void **state)
{
    (void)state;
    scratch_write("x", 0640);
    expect_refused(&strict, "mode 0640");
    scratch_write("x", 0604);
    expect_refused(&strict, "mode 0604");
    struct safefile_rules exact = strict;
    exact.mode_mask = 07777;
    exact.mode_want = 0600;
    scratch_write("x", 0400);
    expect_refused(&exact, "mode 0400");
    scratch_write("x", 0600);
    char err[256];
    struct secret *s = NULL;
    assert_int_equal(try_read(&exact, err, &s), SAFEFILE_OK);
    secret_free(s);
}

static void test_symlink_refused(void **state)
{
    (void)state;
    char target[300];
    snprintf(target, sizeof(target), "%s/target", scratch_dir);
    int fd = open(target, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    unlink(scratch_path);
    assert_int_equal(symlink(target, scratch_path), 0);
    expect_refused(&strict, "symbolic link");
    unlink(target);
}

static void test_not_regular_refused(void **state)
{
    (void)state;
    unlink(scratch_path);
    assert_int_equal(mkfifo(scratch_path, 0600), 0);
    /* A FIFO must be refused at once, not block the reader. */
    expect_refused(&strict, "not a regular file");
    unlink(scratch_path);
    assert_int_equal(mkdir(scratch_path, 0700), 0);
    expect_refused(&strict, "not a regular file");
    rmdir(scratch_path);
}

static void test_size_cap(void **state)
{
    (void)state;
    char big[102];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    scratch_write(big, 0600);
    expect_refused(&strict, "larger than 100 bytes");
    big[100] = '\0';
    scratch_write(big, 0600);
    char err[256];
    struct secret *s = NULL;
    assert_int_equal(try_read(&strict, err, &s), SAFEFILE_OK);
    assert_int_equal(secret_len(s), 100);
    secret_free(s);
}

static void test_owner_checked(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    scratch_write("x", 0600);
    assert_int_equal(chown(scratch_path, 4242, 4242), 0);
    expect_refused(&strict, "owned by uid 4242");
    struct safefile_rules other = strict;
    other.owner = 4242;
    char err[256];
    struct secret *s = NULL;
    assert_int_equal(safefile_read(scratch_path, &other, &s, err, sizeof(err)),
                     SAFEFILE_OK);
    secret_free(s);
    /* root_too: root-owned files pass for another expected owner. */
    assert_int_equal(chown(scratch_path, 0, 0), 0);
    assert_int_equal(safefile_read(scratch_path, &other, &s, err, sizeof(err)),
                     SAFEFILE_REFUSED);
    other.root_too = true;
    assert_int_equal(safefile_read(scratch_path, &other, &s, err, sizeof(err)),
                     SAFEFILE_OK);
    secret_free(s);
}

/* The message names each allowed owner once. */
static void test_owner_message(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    scratch_write("x", 0600);
    assert_int_equal(chown(scratch_path, 5555, 5555), 0);
    struct safefile_rules rules = strict;
    char want[400];
    const struct {
        uid_t owner;
        bool root_too;
        const char *allowed;
    } cases[] = {
        {0, true, "root"},
        {0, false, "root"},
        {4242, true, "uid 4242 or root"},
        {4242, false, "uid 4242"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rules.owner = cases[i].owner;
        rules.root_too = cases[i].root_too;
        char err[256] = "";
        struct secret *s = NULL;
        assert_int_equal(
            safefile_read(scratch_path, &rules, &s, err, sizeof(err)),
            SAFEFILE_REFUSED);
        snprintf(want, sizeof(want),
                 "%s is owned by uid 5555; it must be owned by %s",
                 scratch_path, cases[i].allowed);
        assert_string_equal(err, want);
    }
}

static void test_readat_relative_to_dir(void **state)
{
    (void)state;
    scratch_write("inside", 0600);
    int dfd = open(scratch_dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    struct safefile_rules rules = strict;
    rules.owner = geteuid();
    char err[256] = "";
    struct secret *s = NULL;
    assert_int_equal(
        safefile_readat(dfd, "file", "shown-name", &rules, &s, err, 256),
        SAFEFILE_OK);
    assert_string_equal(secret_str(s), "inside");
    secret_free(s);
    assert_int_equal(
        safefile_readat(dfd, "nope", "shown-name", &rules, &s, err, 256),
        SAFEFILE_MISSING);
    assert_string_equal(err, "shown-name does not exist");
    close(dfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_is_read_whole),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_mode_checked),
        cmocka_unit_test(test_symlink_refused),
        cmocka_unit_test(test_not_regular_refused),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_owner_checked),
        cmocka_unit_test(test_owner_message),
        cmocka_unit_test(test_readat_relative_to_dir),
    };
    return cmocka_run_group_tests(tests, setup, scratch_remove);
}
