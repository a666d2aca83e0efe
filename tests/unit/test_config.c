/* config: one setter for the file and the module arguments; every key and
 * value checked; messages name the file and line, or the argument. */
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

#include "config.h"
#include "scratch.h"

static char config_arg[300];
static char err[512];

/* Loads with config=<the test file> and the given arguments. */
static bool load(struct config *cfg, int argc, const char **argv)
{
    const char *args[16] = {config_arg};
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    err[0] = '\0';
    return config_load(cfg, argc + 1, args, err, sizeof(err));
}

static void assert_err_has(const char *part)
{
    if (strstr(err, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, part);
}

/* A file holding one line that must be refused, with the line's number
 * and the given words in the message. */
static void file_refused(const char *text, int line, const char *part)
{
    struct config cfg;
    scratch_write(text, 0644);
    assert_false(load(&cfg, 0, NULL));
    char where[300];
    snprintf(where, sizeof(where), "%s:%d: ", scratch_path, line);
    assert_err_has(where);
    assert_err_has(part);
    assert_null(cfg.path);
    config_free(&cfg);
}

/* A module argument that must be refused. */
static void arg_refused(const char *arg, const char *part)
{
    struct config cfg;
    scratch_write("", 0644);
    const char *argv[] = {arg};
    assert_false(load(&cfg, 1, argv));
    assert_err_has("module argument: ");
    assert_err_has(part);
}

static void arg_accepted(const char *arg, struct config *cfg)
{
    scratch_write("", 0644);
    const char *argv[] = {arg};
    if (!load(cfg, 1, argv))
        fail_msg("%s refused: %s", arg, err);
}

static int setup(void **state)
{
    (void)state;
    scratch_make("test_config", "pam_awsmfa.conf");
    chmod(scratch_dir, 0755);
    snprintf(config_arg, sizeof(config_arg), "config=%s", scratch_path);
    return 0;
}

static void test_defaults_from_empty_file(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("# nothing set\n\n", 0644);
    assert_true(load(&cfg, 0, NULL));
    assert_string_equal(cfg.path, scratch_path);
    assert_null(cfg.region);
    assert_null(cfg.sts_endpoint);
    assert_null(cfg.iam_endpoint);
    assert_null(cfg.ca_file);
    assert_int_equal(cfg.timeout, 10);
    assert_int_equal(cfg.duration, 43200);
    assert_int_equal(cfg.role_duration, 3600);
    assert_int_equal(cfg.tries, 3);
    assert_string_equal(cfg.credentials_file, CONFIG_DEFAULT_CREDENTIALS);
    assert_string_equal(cfg.session_dir, CONFIG_DEFAULT_SESSION_DIR);
    assert_int_equal(cfg.unmapped, UNMAPPED_DENY);
    assert_false(cfg.use_fips);
    assert_false(cfg.debug);
    config_free(&cfg);
}

static void test_missing_default_file_means_defaults(void **state)
{
    (void)state;
    struct stat st;
    /* Only meaningful where the installed default file is absent. */
    if (lstat(CONFIG_DEFAULT_PATH, &st) == 0)
        skip();
    struct config cfg;
    assert_true(config_load(&cfg, 0, NULL, err, sizeof(err)));
    assert_string_equal(cfg.path, CONFIG_DEFAULT_PATH);
    assert_int_equal(cfg.timeout, 10);
    config_free(&cfg);
}

static void test_missing_named_file_is_error(void **state)
{
    (void)state;
    struct config cfg;
    unlink(scratch_path);
    assert_false(load(&cfg, 0, NULL));
    assert_err_has(scratch_path);
    assert_err_has("does not exist");
}

static void test_file_values_and_argument_override(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("region = eu-west-1\n"
                  "sts_endpoint = https://127.0.0.1:8443\n"
                  "iam_endpoint = https://iam.amazonaws.com/\n"
                  "ca_file = /etc/passwd\n"
                  "timeout = 30\n"
                  "duration = 900\n"
                  "tries = 1\n"
                  "credentials_file = /x/creds\n"
                  "session_dir = /x/sessions\n"
                  "unmapped = ignore\n"
                  "debug = yes\n",
                  0644);
    const char *argv[] = {"timeout=5", "region=us-gov-west-1", "debug=no"};
    assert_true(load(&cfg, 3, argv));
    assert_string_equal(cfg.region, "us-gov-west-1");
    assert_string_equal(cfg.sts_endpoint, "https://127.0.0.1:8443");
    assert_string_equal(cfg.iam_endpoint, "https://iam.amazonaws.com/");
    assert_string_equal(cfg.ca_file, "/etc/passwd");
    assert_int_equal(cfg.timeout, 5);
    assert_int_equal(cfg.duration, 900);
    assert_int_equal(cfg.tries, 1);
    assert_string_equal(cfg.credentials_file, "/x/creds");
    assert_string_equal(cfg.session_dir, "/x/sessions");
    assert_int_equal(cfg.unmapped, UNMAPPED_IGNORE);
    assert_false(cfg.debug);
    config_free(&cfg);
}

static void test_bare_debug_argument(void **state)
{
    (void)state;
    struct config cfg;
    arg_accepted("debug", &cfg);
    assert_true(cfg.debug);
    config_free(&cfg);
    arg_refused("nodebug", "'nodebug' is not key=value");
    arg_refused("=5", "is not key=value");
}

static void test_unknown_keys(void **state)
{
    (void)state;
    file_refused("region = eu-west-1\n# c\nregoin = eu-west-1\n", 3,
                 "unknown key 'regoin'");
    file_refused("config = /etc/other.conf\n", 1,
                 "config is only accepted as a module argument");
    arg_refused("nullok=1", "unknown key 'nullok'");
}

static void test_duplicates(void **state)
{
    (void)state;
    file_refused("timeout = 5\ntries = 2\n\ntimeout = 6\n", 4,
                 "timeout is given twice");
    arg_refused("tries=2 tries=3", "tries '2 tries=3' is not valid");
    struct config cfg;
    scratch_write("", 0644);
    const char *twice[] = {"tries=2", "tries=3"};
    assert_false(load(&cfg, 2, twice));
    assert_err_has("module argument: tries is given twice");
    const char *configs[] = {config_arg};
    assert_false(load(&cfg, 1, configs));
    assert_err_has("module argument: config is given twice");
}

static void test_numbers_strict_with_range(void **state)
{
    (void)state;
    const char *bad[] = {"abc", "10s",  "",    "-5",
                         "+5",  "0x10", "5.0", "99999999999999999999999",
                         "0",   "301"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char arg[64];
        snprintf(arg, sizeof(arg), "timeout=%s", bad[i]);
        char want[128];
        snprintf(want, sizeof(want),
                 "timeout '%s' is not valid: a whole "
                 "number from 1 to 300",
                 bad[i]);
        arg_refused(arg, want);
    }
    file_refused("\nduration = 899\n", 2, "from 900 to 129600");
    file_refused("duration = 129601\n", 1, "duration '129601'");
    file_refused("role_duration = 899\n", 1,
                 "role_duration '899' is not valid: a whole number from 900 "
                 "to 43200");
    file_refused("role_duration = 43201\n", 1, "from 900 to 43200");
    file_refused("tries = 0\n", 1,
                 "tries '0' is not valid: a whole number "
                 "from 1 to 10");
    file_refused("tries = 11\n", 1, "tries '11'");
    struct config cfg;
    arg_accepted("duration=129600", &cfg);
    assert_int_equal(cfg.duration, 129600);
    config_free(&cfg);
    arg_accepted("role_duration=43200", &cfg);
    assert_int_equal(cfg.role_duration, 43200);
    assert_int_equal(cfg.duration, 43200);
    config_free(&cfg);
    arg_accepted("timeout=300", &cfg);
    assert_int_equal(cfg.timeout, 300);
    config_free(&cfg);
    arg_accepted("tries=10", &cfg);
    assert_int_equal(cfg.tries, 10);
    config_free(&cfg);
}

static void test_endpoints_https_with_host(void **state)
{
    (void)state;
    const char *good[] = {"https://sts.eu-west-1.amazonaws.com",
                          "https://127.0.0.1:8443", "https://[::1]:443/",
                          "https://localhost/"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct config cfg;
        char arg[128];
        snprintf(arg, sizeof(arg), "sts_endpoint=%s", good[i]);
        arg_accepted(arg, &cfg);
        assert_string_equal(cfg.sts_endpoint, good[i]);
        config_free(&cfg);
    }
    const char *bad[] = {"http://sts.amazonaws.com",
                         "HTTPS://sts.amazonaws.com",
                         "https://",
                         "https:///path",
                         "https://:443",
                         "https://user:pw@sts.amazonaws.com",
                         "https://sts.amazonaws.com?x=1",
                         "https://sts.amazonaws.com#f",
                         "https://sts.amazonaws.com:0",
                         "https://sts.amazonaws.com:65536",
                         "https://sts.amazonaws.com:",
                         "https://sts.amazonaws.com:44x",
                         "https://sts amazonaws.com",
                         "https://[]/",
                         "sts.amazonaws.com",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char arg[128];
        snprintf(arg, sizeof(arg), "iam_endpoint=%s", bad[i]);
        arg_refused(arg, "an https:// URL with a host");
    }
    file_refused("\n\n\nsts_endpoint = http://127.0.0.1\n", 4,
                 "sts_endpoint 'http://127.0.0.1' is not valid");
}

static void test_proxy_and_no_proxy(void **state)
{
    (void)state;
    const char *good[] = {"http://127.0.0.1:3128", "http://proxy.example:80/",
                          "http://[::1]:8888"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct config cfg;
        char arg[128];
        snprintf(arg, sizeof(arg), "proxy=%s", good[i]);
        arg_accepted(arg, &cfg);
        assert_string_equal(cfg.proxy, good[i]);
        config_free(&cfg);
    }
    const char *bad[] = {"http://proxy.example",
                         "https://proxy.example:3128",
                         "socks5://127.0.0.1:1080",
                         "http://user:pw@proxy.example:3128",
                         "http://proxy.example:3128/path",
                         "http://proxy.example:0",
                         "http://:3128",
                         "proxy.example:3128",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char arg[128];
        snprintf(arg, sizeof(arg), "proxy=%s", bad[i]);
        arg_refused(arg, "an http:// URL with a host and a port");
    }
    struct config cfg;
    arg_accepted("no_proxy=127.0.0.1,.internal.example,[::1],sts.local", &cfg);
    assert_string_equal(cfg.no_proxy,
                        "127.0.0.1,.internal.example,[::1],sts.local");
    config_free(&cfg);
    arg_accepted("no_proxy=*", &cfg);
    assert_string_equal(cfg.no_proxy, "*");
    config_free(&cfg);
    const char *bad_lists[] = {"", "a,,b", "a,", "a b", "a;b", "*.example"};
    for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++) {
        char arg[128];
        snprintf(arg, sizeof(arg), "no_proxy=%s", bad_lists[i]);
        arg_refused(arg, "separated by commas");
    }
    scratch_write("", 0644);
    assert_true(load(&cfg, 0, NULL));
    assert_null(cfg.proxy);
    assert_null(cfg.no_proxy);
    config_free(&cfg);
}

static void test_user_key_source(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("", 0644);
    assert_true(load(&cfg, 0, NULL));
    assert_int_equal(cfg.key_source, KEY_SOURCE_STORE);
    assert_string_equal(cfg.user_profile, "default");
    assert_string_equal(cfg.user_aws_dir, "~/.aws");
    config_free(&cfg);
    scratch_write("key_source = user\nuser_profile = default-long-term\n"
                  "user_aws_dir = /srv/aws-keys\n",
                  0644);
    assert_true(load(&cfg, 0, NULL));
    assert_int_equal(cfg.key_source, KEY_SOURCE_USER);
    assert_string_equal(cfg.user_profile, "default-long-term");
    assert_string_equal(cfg.user_aws_dir, "/srv/aws-keys");
    config_free(&cfg);
    arg_refused("key_source=home", "store or user");
    arg_refused("user_profile=a b", "1 to 64 of letters");
    arg_refused("user_profile=x]", "1 to 64 of letters");
    arg_refused("user_profile=../x", "1 to 64 of letters");
    arg_refused("user_profile=", "1 to 64 of letters");
    arg_refused("user_aws_dir=.aws", "an absolute path or one under ~/");
    arg_refused("user_aws_dir=~alice/.aws", "an absolute path");
}

static void test_use_fips(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("region = us-east-2\nuse_fips = yes\n", 0644);
    assert_true(load(&cfg, 0, NULL));
    assert_true(cfg.use_fips);
    config_free(&cfg);
    /* An argument overrides the file, as for every key. */
    const char *off[] = {"use_fips=no"};
    assert_true(load(&cfg, 1, off));
    assert_false(cfg.use_fips);
    config_free(&cfg);
    file_refused("region = us-east-2\n\nuse_fips = true\n", 3,
                 "use_fips 'true' is not valid: yes or no");
    file_refused("use_fips = yes\nuse_fips = yes\n", 2,
                 "use_fips is given twice");
    file_refused("use_fips =\n", 1, "use_fips '' is not valid");
    arg_refused("use_fips=YES", "use_fips 'YES' is not valid: yes or no");
}

static void test_region_pattern(void **state)
{
    (void)state;
    const char *good[] = {"eu-west-1",      "us-gov-west-1",  "cn-north-1",
                          "ap-southeast-4", "us-isob-east-1", "eusc-de-east-1"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct config cfg;
        char arg[64];
        snprintf(arg, sizeof(arg), "region=%s", good[i]);
        arg_accepted(arg, &cfg);
        assert_string_equal(cfg.region, good[i]);
        config_free(&cfg);
    }
    const char *bad[] = {
        "EU-WEST-1",   "eu-west",    "euwest1", "e-west-1", "eu--west-1",
        "eu-west-123", "eu-west-1-", "eu-1",    "",         "eu-west-1/../x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char arg[64];
        snprintf(arg, sizeof(arg), "region=%s", bad[i]);
        arg_refused(arg, "a region name such as eu-west-1");
    }
}

static void test_bad_value_is_shown_safely(void **state)
{
    (void)state;
    arg_refused("region=\x1b[2Jeu", "region '?[2Jeu' is not valid");
}

static void test_ca_file_must_be_regular(void **state)
{
    (void)state;
    char arg[300];
    snprintf(arg, sizeof(arg), "ca_file=%s/absent.pem", scratch_dir);
    arg_refused(arg, "No such file or directory");
    snprintf(arg, sizeof(arg), "ca_file=%s", scratch_dir);
    arg_refused(arg, "a regular file");
    arg_refused("ca_file=ca.pem", "an absolute path");
}

static void test_words_and_paths(void **state)
{
    (void)state;
    arg_refused("unmapped=allow", "unmapped 'allow' is not valid: deny or "
                                  "ignore");
    arg_refused("debug=true", "debug 'true' is not valid: yes or no");
    arg_refused("credentials_file=creds", "an absolute path");
    arg_refused("session_dir=", "an absolute path");
    arg_refused("session_dir=/run/../tmp/x", "without . or ..");
    arg_refused("session_dir=/run/x/.", "without . or ..");
    arg_refused("session_dir=//", "a directory below /");
    struct config cfg;
    /* Stored without trailing or doubled slashes: "link/" would be
     * followed even when opened with O_NOFOLLOW. */
    arg_accepted("session_dir=/tmp//lab/link/", &cfg);
    assert_string_equal(cfg.session_dir, "/tmp/lab/link");
    config_free(&cfg);
    arg_accepted("unmapped=deny", &cfg);
    assert_int_equal(cfg.unmapped, UNMAPPED_DENY);
    config_free(&cfg);
}

/* The tester's case: the comment became part of the folder's name. */
static void test_comment_after_value_refused(void **state)
{
    (void)state;
    file_refused("region = eu-west-1\n"
                 "session_dir = /tmp/lab/s/x   # where sessions go\n",
                 2, "comments go on their own line");
    file_refused("tries = 3 ; per login\n", 1,
                 "a comment after a value (';' after a blank)");
    struct config cfg;
    scratch_write("# where sessions go\n; and how long\n"
                  "session_dir = /tmp/lab/s/x\nduration = 3600\n",
                  0644);
    assert_true(load(&cfg, 0, NULL));
    assert_string_equal(cfg.session_dir, "/tmp/lab/s/x");
    assert_int_equal(cfg.duration, 3600);
    config_free(&cfg);
}

static void test_byte_order_mark_skipped(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("\xef\xbb\xbfregion = eu-west-1\ntries = 2\n", 0644);
    if (!load(&cfg, 0, NULL))
        fail_msg("refused: %s", err);
    assert_string_equal(cfg.region, "eu-west-1");
    assert_int_equal(cfg.tries, 2);
    config_free(&cfg);
}

static void test_config_argument_must_be_absolute(void **state)
{
    (void)state;
    struct config cfg;
    const char *argv[] = {"config=pam_awsmfa.conf"};
    assert_false(config_load(&cfg, 1, argv, err, sizeof(err)));
    assert_err_has("config must be an absolute path");
}

static void test_file_must_be_safe(void **state)
{
    (void)state;
    struct config cfg;
    scratch_write("tries = 2\n", 0664);
    assert_false(load(&cfg, 0, NULL));
    assert_err_has("mode 0664");
    scratch_write("tries = 2\n", 0646);
    assert_false(load(&cfg, 0, NULL));
    assert_err_has("mode 0646");
    /* Readable by all is fine: there are no secrets in it. */
    scratch_write("tries = 2\n", 0644);
    assert_true(load(&cfg, 0, NULL));
    config_free(&cfg);

    char real[300];
    snprintf(real, sizeof(real), "%s/real.conf", scratch_dir);
    rename(scratch_path, real);
    assert_int_equal(symlink(real, scratch_path), 0);
    assert_false(load(&cfg, 0, NULL));
    assert_err_has("symbolic link");
    unlink(scratch_path);
    unlink(real);

    assert_int_equal(mkdir(scratch_path, 0755), 0);
    assert_false(load(&cfg, 0, NULL));
    assert_err_has("not a regular file");
    rmdir(scratch_path);
}

static void test_file_owner_checked(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    struct config cfg;
    scratch_write("tries = 2\n", 0644);
    assert_int_equal(chown(scratch_path, 4242, 4242), 0);
    assert_false(load(&cfg, 0, NULL));
    /* Root runs the module: "root" once, not "uid 0 or root". */
    char want[400];
    snprintf(want, sizeof(want),
             "%s is owned by uid 4242; it must be owned by root", scratch_path);
    assert_string_equal(err, want);
}

static void test_every_key_is_settable(void **state)
{
    (void)state;
    const char *values[][2] = {
        {"region", "eu-west-1"},
        {"sts_endpoint", "https://127.0.0.1:1"},
        {"iam_endpoint", "https://127.0.0.1:2"},
        {"use_fips", "yes"},
        {"ca_file", "/etc/passwd"},
        {"proxy", "http://127.0.0.1:3128"},
        {"no_proxy", "localhost"},
        {"timeout", "7"},
        {"duration", "3600"},
        {"role_duration", "7200"},
        {"tries", "2"},
        {"credentials_file", "/c"},
        {"key_source", "user"},
        {"user_profile", "ops"},
        {"user_aws_dir", "~/.aws"},
        {"session_dir", "/s"},
        {"unmapped", "ignore"},
        {"debug", "yes"},
    };
    size_t n = sizeof(values) / sizeof(values[0]);
    size_t count = 0;
    for (const char *const *key = config_keys; *key != NULL; key++) {
        size_t i = 0;
        while (i < n && strcmp(values[i][0], *key) != 0)
            i++;
        if (i == n)
            fail_msg("no test value for key %s", *key);
        char line[128];
        snprintf(line, sizeof(line), "%s = %s\n", *key, values[i][1]);
        scratch_write(line, 0644);
        struct config cfg;
        if (!load(&cfg, 0, NULL))
            fail_msg("%s refused: %s", line, err);
        config_free(&cfg);
        count++;
    }
    assert_int_equal(count, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_from_empty_file),
        cmocka_unit_test(test_missing_default_file_means_defaults),
        cmocka_unit_test(test_missing_named_file_is_error),
        cmocka_unit_test(test_file_values_and_argument_override),
        cmocka_unit_test(test_bare_debug_argument),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_numbers_strict_with_range),
        cmocka_unit_test(test_endpoints_https_with_host),
        cmocka_unit_test(test_proxy_and_no_proxy),
        cmocka_unit_test(test_user_key_source),
        cmocka_unit_test(test_use_fips),
        cmocka_unit_test(test_region_pattern),
        cmocka_unit_test(test_bad_value_is_shown_safely),
        cmocka_unit_test(test_ca_file_must_be_regular),
        cmocka_unit_test(test_words_and_paths),
        cmocka_unit_test(test_comment_after_value_refused),
        cmocka_unit_test(test_byte_order_mark_skipped),
        cmocka_unit_test(test_config_argument_must_be_absolute),
        cmocka_unit_test(test_file_must_be_safe),
        cmocka_unit_test(test_file_owner_checked),
        cmocka_unit_test(test_every_key_is_settable),
    };
    return cmocka_run_group_tests(tests, setup, scratch_remove);
}
