/* identity: the credentials store, read safely and checked strictly. */
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

#include "identity.h"
#include "scratch.h"

#define KEY "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define SERIAL "arn:aws:iam::123456789012:mfa/alice"
#define PAIR "aws_access_key_id = " KEY "\naws_secret_access_key = " SECRET "\n"

static char err[512];

static enum identity_result lookup(const char *user, struct identity *id)
{
    err[0] = '\0';
    return identity_lookup(scratch_path, user, id, err, sizeof(err));
}

static void assert_err_has(const char *part)
{
    if (strstr(err, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, part);
}

/* A store that must be refused: ERROR, a message with path:line and
 * the words given, and nothing handed out. */
static void store_refused(const char *text, int line, const char *part)
{
    scratch_write(text, 0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
    char where[300];
    snprintf(where, sizeof(where), "%s:%d: ", scratch_path, line);
    assert_err_has(where);
    assert_err_has(part);
    assert_null(id.access_key_id);
    assert_null(id.secret_access_key);
    if (strstr(err, SECRET) != NULL)
        fail_msg("the secret key is in the message");
}

static int setup(void **state)
{
    (void)state;
    scratch_make("test_identity", "credentials");
    return 0;
}

static void test_full_section(void **state)
{
    (void)state;
    scratch_write("# operators\n"
                  "[bob]\n" PAIR "\n"
                  "[alice]\n" PAIR "iam_user = alice.smith@example\n"
                  "mfa_serial = " SERIAL "\n"
                  "role_arn = arn:aws:iam::123456789012:role/ops\n"
                  "duration = 3600\n",
                  0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    assert_string_equal(id.access_key_id, KEY);
    assert_string_equal(secret_str(id.secret_access_key), SECRET);
    assert_string_equal(id.iam_user, "alice.smith@example");
    assert_string_equal(id.mfa_serial, SERIAL);
    assert_string_equal(id.role_arn, "arn:aws:iam::123456789012:role/ops");
    assert_int_equal(id.duration, 3600);
    identity_free(&id);
    assert_null(id.iam_user);
    assert_null(id.secret_access_key);
}

static void test_defaults(void **state)
{
    (void)state;
    scratch_write("[alice]\n" PAIR, 0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    /* No iam_user: the module asks AWS whose key it is. */
    assert_null(id.iam_user);
    assert_null(id.mfa_serial);
    assert_null(id.role_arn);
    assert_null(id.external_id);
    assert_null(id.role_session_name);
    assert_null(id.source_identity);
    assert_int_equal(id.duration, 0);
    identity_free(&id);
}

static void test_unmapped_and_exact_names(void **state)
{
    (void)state;
    scratch_write("[alice]\n" PAIR "[Bob]\n" PAIR, 0600);
    struct identity id;
    assert_int_equal(lookup("carol", &id), IDENTITY_UNMAPPED);
    assert_null(id.access_key_id);
    assert_int_equal(lookup("bob", &id), IDENTITY_UNMAPPED);
    assert_int_equal(lookup("alic", &id), IDENTITY_UNMAPPED);
    assert_int_equal(lookup("alice ", &id), IDENTITY_UNMAPPED);
    assert_int_equal(lookup("Bob", &id), IDENTITY_FOUND);
    identity_free(&id);
}

static void test_missing_file_is_error(void **state)
{
    (void)state;
    unlink(scratch_path);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
    assert_err_has(scratch_path);
    assert_err_has("does not exist");
}

static void test_file_mode_link_and_type(void **state)
{
    (void)state;
    struct identity id;
    const mode_t unsafe[] = {0640, 0604, 0610, 0601, 0660};
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
        scratch_write("[alice]\n" PAIR, unsafe[i]);
        assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
        assert_err_has(scratch_path);
        assert_err_has("has mode");
    }
    scratch_write("[alice]\n" PAIR, 0400);
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    identity_free(&id);

    char real[300];
    snprintf(real, sizeof(real), "%s/real", scratch_dir);
    rename(scratch_path, real);
    assert_int_equal(symlink(real, scratch_path), 0);
    assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
    assert_err_has("symbolic link");
    unlink(scratch_path);
    unlink(real);

    assert_int_equal(mkfifo(scratch_path, 0600), 0);
    assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
    assert_err_has("not a regular file");
    unlink(scratch_path);
}

static void test_owner_must_be_euid(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    scratch_write("[alice]\n" PAIR, 0600);
    assert_int_equal(chown(scratch_path, 4242, 4242), 0);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_ERROR);
    assert_err_has("owned by uid 4242");
}

static void test_incomplete_sections(void **state)
{
    (void)state;
    store_refused("[bob]\n" PAIR "\n[alice]\naws_access_key_id = " KEY "\n", 5,
                  "section [alice] has no aws_secret_access_key");
    store_refused("[alice]\naws_secret_access_key = " SECRET "\n[bob]\n" PAIR,
                  1, "section [alice] has no aws_access_key_id");
    /* Every section is checked, not only the one looked up. */
    store_refused("[alice]\n" PAIR "# x\n[bob]\nmfa_serial = " SERIAL "\n", 5,
                  "section [bob] has no aws_access_key_id");
}

static void test_unknown_duplicate_and_stray_keys(void **state)
{
    (void)state;
    store_refused("[alice]\n" PAIR "aws_session_token = x\n", 4,
                  "unknown key 'aws_session_token'");
    store_refused("[alice]\n" PAIR "mfa_serial = " SERIAL "\n"
                  "mfa_serial = " SERIAL "\n",
                  5, "mfa_serial is given twice in [alice]");
    store_refused("aws_access_key_id = " KEY "\n[alice]\n" PAIR, 1,
                  "aws_access_key_id is outside of any [user] section");
    store_refused("[alice]\n" PAIR "[bob]\n" PAIR "[alice]\n" PAIR, 7,
                  "section [alice] is given twice");
    store_refused("[alice]\n" PAIR "[ bob]\n" PAIR, 4,
                  "section [ bob] is not a Linux user name");
}

/* Linux names may hold bytes above ASCII (useradd --badname, or a name
 * service): such a section is someone's, and must not stop every login.
 * Only blanks and control characters cannot be in a name. */
static void test_non_ascii_section_names(void **state)
{
    (void)state;
    scratch_write("[alice]\n" PAIR "[j\xc3\xbcrgen]\n" PAIR
                  "[\xe5\xbc\xa0]\n" PAIR,
                  0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    assert_string_equal(id.access_key_id, KEY);
    identity_free(&id);
    assert_int_equal(lookup("j\xc3\xbcrgen", &id), IDENTITY_FOUND);
    assert_string_equal(id.access_key_id, KEY);
    identity_free(&id);
    assert_int_equal(lookup("\xe5\xbc\xa0", &id), IDENTITY_FOUND);
    identity_free(&id);
    store_refused("[alice]\n" PAIR "[al\001ce]\n" PAIR, 4,
                  "section [al?ce] is not a Linux user name");
    store_refused("[alice]\n" PAIR "[al\x7f]\n" PAIR, 4,
                  "section [al?] is not a Linux user name");
    store_refused("[alice]\n" PAIR "[al\tce]\n" PAIR, 4,
                  "section [al?ce] is not a Linux user name");
}

/* A comment after a value would otherwise be part of it: refused, and the
 * message says where comments go (the line holds no secret to show). */
static void test_comment_after_value_refused(void **state)
{
    (void)state;
    store_refused("[alice]\n" PAIR "mfa_serial = " SERIAL " # her phone\n", 4,
                  "a comment after a value ('#' after a blank) is not "
                  "allowed: comments go on their own line");
    store_refused("[alice]\naws_access_key_id = " KEY
                  "\naws_secret_access_key = " SECRET "\t; rotated May\n",
                  3, "comments go on their own line");
    store_refused("[bob] # ops\n" PAIR "[alice]\n" PAIR, 1,
                  "comments go on their own line");
}

static void test_byte_order_mark_skipped(void **state)
{
    (void)state;
    scratch_write("\xef\xbb\xbf[alice]\n" PAIR, 0600);
    struct identity id;
    if (lookup("alice", &id) != IDENTITY_FOUND)
        fail_msg("not found: %s", err);
    assert_string_equal(id.access_key_id, KEY);
    identity_free(&id);
}

static void test_value_patterns(void **state)
{
    (void)state;
    store_refused("[alice]\naws_access_key_id = akiaiosfodnn7example\n"
                  "aws_secret_access_key = " SECRET "\n",
                  2, "aws_access_key_id 'akiaiosfodnn7example' is not valid");
    store_refused("[alice]\naws_access_key_id = AKIA123\n", 2,
                  "16 to 128 capital letters and digits");
    store_refused("[alice]\n" PAIR "iam_user = al ice\n", 4,
                  "iam_user 'al ice' is not valid");
    store_refused("[alice]\n" PAIR "iam_user = "
                  "a234567890123456789012345678901234567890123456789012345678"
                  "901234x\n",
                  4, "1 to 64 of letters");
    store_refused("[alice]\n" PAIR "mfa_serial = GAHT123\n", 4,
                  "mfa_serial 'GAHT123' is not valid");
    store_refused("[alice]\n" PAIR "mfa_serial = arn:aws:iam::1:mfa/a b\n", 4,
                  "mfa_serial");
    store_refused("[alice]\n" PAIR "role_arn = role/ops-administrator\n", 4,
                  "role_arn 'role/ops-administrator' is not valid");
    store_refused("[alice]\n" PAIR "duration = 899\n", 4,
                  "duration '899' is not valid");
    store_refused("[alice]\n" PAIR "duration = 129601\n", 4, "duration");
    store_refused("[alice]\n" PAIR "duration = 3600s\n", 4, "duration");
    store_refused("[alice]\n" PAIR "duration = \n", 4, "duration");
    store_refused("[first last]\n" PAIR, 1, "is not a Linux user name");
    store_refused("[alice]\naws_access_key_id = " KEY
                  "\naws_secret_access_key = \n",
                  3, "aws_secret_access_key '(not shown)' is not valid");
    /* The role's own keys need a role; a role session lasts 12 hours at
     * most. */
    store_refused("[alice]\n" PAIR "external_id = ext-1\n", 1,
                  "section [alice] has external_id, role_session_name or "
                  "source_identity without role_arn");
    store_refused("[alice]\n" PAIR "role_session_name = ops\n", 1,
                  "without role_arn");
    store_refused("[bob]\n" PAIR "\n[alice]\n" PAIR "source_identity = al\n", 5,
                  "section [alice] has external_id, role_session_name or "
                  "source_identity without role_arn");
    store_refused("[alice]\n" PAIR "role_arn = arn:aws:iam::1:role/ops-x\n"
                  "duration = 43201\n",
                  1, "has a duration over 43200");
    store_refused("[alice]\n" PAIR "role_arn = arn:aws:iam::1:role/ops-x\n"
                  "role_session_name = a\n",
                  5, "role_session_name 'a' is not valid");
    store_refused("[alice]\n" PAIR "role_arn = arn:aws:iam::1:role/ops-x\n"
                  "external_id = has space\n",
                  5, "external_id 'has space' is not valid");
    /* A section name that is no IAM user name is fine: AWS names the
     * user from the key. */
    scratch_write("[al!ce]\n" PAIR, 0600);
    struct identity found;
    assert_int_equal(lookup("al!ce", &found), IDENTITY_FOUND);
    assert_null(found.iam_user);
    identity_free(&found);
    scratch_write("[al!ce]\n" PAIR "iam_user = alice\n", 0600);
    struct identity id;
    assert_int_equal(lookup("al!ce", &id), IDENTITY_FOUND);
    assert_string_equal(id.iam_user, "alice");
    identity_free(&id);
}

static void test_hardware_serial_and_bounds(void **state)
{
    (void)state;
    scratch_write("[alice]\n" PAIR "mfa_serial = GAHT12345678\n"
                  "duration = 129600\n",
                  0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    assert_string_equal(id.mfa_serial, "GAHT12345678");
    assert_int_equal(id.duration, 129600);
    identity_free(&id);
}

static void test_value_valid_for_session_checks(void **state)
{
    (void)state;
    assert_true(identity_value_valid("aws_access_key_id", "ASIAIOSFODNN7EX"
                                                          "AMPLE"));
    assert_false(identity_value_valid("aws_access_key_id", "ASIA-1"));
    assert_true(identity_value_valid("iam_user", "alice"));
    assert_false(identity_value_valid("iam_user", ""));
    assert_true(identity_value_valid("mfa_serial", SERIAL));
    assert_false(identity_value_valid("mfa_serial", "short"));
    assert_false(identity_value_valid("aws_secret_access_key", "a b"));
    assert_false(identity_value_valid("duration", "900"));
    assert_false(identity_value_valid("nonsense", "x"));
}

static void test_role_keys(void **state)
{
    (void)state;
    scratch_write("[alice]\n" PAIR "role_arn = arn:aws:iam::123456789012:role/"
                  "ops\nexternal_id = ext:1/2@x\n"
                  "role_session_name = alice@bastion\n"
                  "source_identity = alice.smith@example.com\n"
                  "duration = 43200\n",
                  0600);
    struct identity id;
    assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
    assert_string_equal(id.external_id, "ext:1/2@x");
    assert_string_equal(id.role_session_name, "alice@bastion");
    assert_string_equal(id.source_identity, "alice.smith@example.com");
    assert_int_equal(id.duration, 43200);
    identity_free(&id);
    assert_null(id.external_id);
    assert_null(id.role_session_name);
    assert_null(id.source_identity);
}

#define ROLE "role_arn = arn:aws:iam::1:role/ops-x\n"

/* SourceIdentity: AWS's [\w+=,.@-]{2,64}; a bad one names file and line. */
static void test_source_identity_pattern(void **state)
{
    (void)state;
    const char *bad[] = {"a",
                         "has space",
                         "ops:alice",
                         "a/b",
                         "x#y",
                         "s\xc3\xa9"
                         "bastien",
                         "a234567890123456789012345678901234567890123456789012"
                         "345678901234x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "[alice]\n" PAIR "\n" ROLE "source_identity = %s\n", bad[i]);
        store_refused(text, 6,
                      "is not valid: 2 to 64 of letters, digits and "
                      "+=,.@_-");
        assert_err_has("source_identity '");
    }
    store_refused("[alice]\n" PAIR ROLE "source_identity = ab\n"
                  "source_identity = cd\n",
                  6, "source_identity is given twice in [alice]");
    const char *good[] = {"ab", "alice_smith+ops=1,x.y@z-w",
                          "a234567890123456789012345678901234567890123456789012"
                          "345678901234"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "[alice]\n" PAIR ROLE "source_identity = %s\n", good[i]);
        scratch_write(text, 0600);
        struct identity id;
        assert_int_equal(lookup("alice", &id), IDENTITY_FOUND);
        assert_string_equal(id.source_identity, good[i]);
        identity_free(&id);
    }
    assert_true(identity_value_valid("source_identity", "alice"));
    assert_false(identity_value_valid("source_identity", "a"));
}

static void assert_arn_user(const char *arn, const char *want)
{
    char msg[256] = "";
    char *user = identity_user_from_arn(arn, msg, sizeof(msg));
    if (want == NULL) {
        assert_null(user);
        assert_non_null(strstr(msg, "is not an IAM user"));
        return;
    }
    assert_non_null(user);
    assert_string_equal(user, want);
    free(user);
}

static void test_user_from_arn(void **state)
{
    (void)state;
    assert_arn_user("arn:aws:iam::123456789012:user/alice", "alice");
    assert_arn_user("arn:aws:iam::123456789012:user/division/team/bob.s",
                    "bob.s");
    assert_arn_user("arn:aws-cn:iam::123456789012:user/carol", "carol");
    assert_arn_user("arn:aws-us-gov:iam::123456789012:user/a/dave", "dave");
    assert_arn_user("arn:aws:iam::123456789012:root", NULL);
    assert_arn_user("arn:aws:sts::123456789012:assumed-role/ops/alice", NULL);
    assert_arn_user("arn:aws:sts::123456789012:federated-user/alice", NULL);
    assert_arn_user("arn:aws:sts::1:x:iam::1:user/alice", NULL);
    assert_arn_user("arn:aws:iam::123456789012:user/", NULL);
    assert_arn_user("arn:aws:iam::123456789012:user/bad name", NULL);
    assert_arn_user("arn:aws:iam::123456789012:group/ops", NULL);
    assert_arn_user("nonsense", NULL);
}

static void assert_session_name(const char *linux_user, const char *want)
{
    char out[IDENTITY_SESSION_NAME_MAX + 1];
    memset(out, 'Z', sizeof(out));
    identity_session_name(linux_user, out);
    assert_string_equal(out, want);
}

static void test_session_name(void **state)
{
    (void)state;
    assert_session_name("alice", "alice");
    assert_session_name("a.b_c+d=e,f@g-h", "a.b_c+d=e,f@g-h");
    assert_session_name("host$", "host-");
    assert_session_name("j\xc3\xb6rg", "j--rg");
    assert_session_name("x", "x-");
    assert_session_name("", "--");
    char longer[100];
    memset(longer, 'u', 99);
    longer[99] = '\0';
    char want[65];
    memset(want, 'u', 64);
    want[64] = '\0';
    assert_session_name(longer, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_section),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_unmapped_and_exact_names),
        cmocka_unit_test(test_missing_file_is_error),
        cmocka_unit_test(test_file_mode_link_and_type),
        cmocka_unit_test(test_owner_must_be_euid),
        cmocka_unit_test(test_incomplete_sections),
        cmocka_unit_test(test_unknown_duplicate_and_stray_keys),
        cmocka_unit_test(test_non_ascii_section_names),
        cmocka_unit_test(test_comment_after_value_refused),
        cmocka_unit_test(test_byte_order_mark_skipped),
        cmocka_unit_test(test_value_patterns),
        cmocka_unit_test(test_hardware_serial_and_bounds),
        cmocka_unit_test(test_value_valid_for_session_checks),
        cmocka_unit_test(test_role_keys),
        cmocka_unit_test(test_source_identity_pattern),
        cmocka_unit_test(test_user_from_arn),
        cmocka_unit_test(test_session_name),
    };
    return cmocka_run_group_tests(tests, setup, scratch_remove);
}
