/* session: the environment handed over, and the session file written and
 * read with every directory and file rule checked on disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"

#define KEY_ID "ASIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TOKEN "FwoGZXIvYXdzE+token/with=chars"
#define SERIAL "arn:aws:iam::123456789012:mfa/alice"
#define EXPIRES 1893456000LL /* 2030-01-01T00:00:00Z */
#define ISSUED 1893412800LL  /* 2029-12-31T12:00:00Z */

static char top[] = "/tmp/test_session.XXXXXX";
static char sessions[256]; /* session_dir, made by the module */
static char user_dir[300];
static char file[320];
static uid_t uid;
static gid_t gid;
static char err[512];

static struct session_record record(const char *region)
{
    struct session_record rec = {
        .access_key_id = KEY_ID,
        .secret_access_key = secret_from_str(SECRET),
        .session_token = secret_from_str(TOKEN),
        .expiration = EXPIRES,
        .issued = ISSUED,
        .iam_user = "alice",
        .mfa_serial = SERIAL,
        .region = (char *)region,
    };
    return rec;
}

static void record_secrets_free(struct session_record *rec)
{
    secret_free(rec->secret_access_key);
    secret_free(rec->session_token);
}

static bool write_session(const char *region)
{
    struct session_record rec = record(region);
    err[0] = '\0';
    bool ok = session_write(sessions, uid, gid, &rec, err, sizeof(err));
    record_secrets_free(&rec);
    return ok;
}

static void assert_err_has(const char *part)
{
    if (strstr(err, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, part);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[600];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(top));
    chmod(top, 0755);
    /* As root the files go to another user, as at a real login. */
    uid = geteuid() == 0 ? 4242 : geteuid();
    gid = geteuid() == 0 ? 4343 : getegid();
    snprintf(sessions, sizeof(sessions), "%s/sessions", top);
    snprintf(user_dir, sizeof(user_dir), "%s/%lu", sessions,
             (unsigned long)uid);
    snprintf(file, sizeof(file), "%s/session.json", user_dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(top);
    return 0;
}

/* Each test starts with no session_dir at all. */
static int fresh(void **state)
{
    (void)state;
    remove_tree(sessions);
    return 0;
}

static void assert_env(struct secret **env, int i, const char *want)
{
    assert_string_equal(secret_str(env[i]), want);
}

static void test_environment_exact(void **state)
{
    (void)state;
    struct session_record rec = record(NULL);
    struct secret **env = NULL;
    assert_int_equal(session_environment(&rec, &env), 4);
    assert_env(env, 0, "AWS_ACCESS_KEY_ID=" KEY_ID);
    assert_env(env, 1, "AWS_SECRET_ACCESS_KEY=" SECRET);
    assert_env(env, 2, "AWS_SESSION_TOKEN=" TOKEN);
    assert_env(env, 3, "AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z");
    session_environment_free(env, 4);

    rec.region = "eu-west-1";
    assert_int_equal(session_environment(&rec, &env), 6);
    assert_env(env, 0, "AWS_ACCESS_KEY_ID=" KEY_ID);
    assert_env(env, 3, "AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z");
    assert_env(env, 4, "AWS_REGION=eu-west-1");
    assert_env(env, 5, "AWS_DEFAULT_REGION=eu-west-1");
    session_environment_free(env, 6);
    record_secrets_free(&rec);
}

static void test_session_path(void **state)
{
    (void)state;
    char *p = session_path("/run/pam_awsmfa", 1001);
    assert_string_equal(p, "/run/pam_awsmfa/1001/session.json");
    free(p);
}

static void assert_owner_mode(const char *path, uid_t owner, mode_t mode,
                              bool dir)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
    assert_int_equal(st.st_uid, owner);
    assert_int_equal(st.st_mode & 07777, mode);
}

static const char *json_str(struct json_object *o, const char *name)
{
    struct json_object *v;
    assert_true(json_object_object_get_ex(o, name, &v));
    return json_object_get_string(v);
}

static void test_write_creates_dirs_and_file(void **state)
{
    (void)state;
    /* A tight umask must not change the modes the design asks for. */
    mode_t old = umask(077);
    bool ok = write_session("eu-west-1");
    umask(old);
    if (!ok)
        fail_msg("write refused: %s", err);
    assert_owner_mode(sessions, geteuid(), 0755, true);
    assert_owner_mode(user_dir, uid, 0700, true);
    assert_owner_mode(file, uid, 0600, false);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_gid, gid);

    /* Only session.json: the temporary file was renamed, not left. */
    DIR *d = opendir(user_dir);
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' &&
            (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0))
            continue;
        assert_string_equal(e->d_name, "session.json");
        entries++;
    }
    closedir(d);
    assert_int_equal(entries, 1);
}

static void test_json_is_credential_process_format(void **state)
{
    (void)state;
    assert_true(write_session("eu-west-1"));
    struct json_object *o = json_object_from_file(file);
    assert_non_null(o);
    struct json_object *v;
    assert_true(json_object_object_get_ex(o, "Version", &v));
    assert_true(json_object_is_type(v, json_type_int));
    assert_int_equal(json_object_get_int(v), 1);
    assert_string_equal(json_str(o, "AccessKeyId"), KEY_ID);
    assert_string_equal(json_str(o, "SecretAccessKey"), SECRET);
    assert_string_equal(json_str(o, "SessionToken"), TOKEN);
    assert_string_equal(json_str(o, "Expiration"), "2030-01-01T00:00:00Z");
    assert_string_equal(json_str(o, "IssuedAt"), "2029-12-31T12:00:00Z");
    assert_string_equal(json_str(o, "IamUser"), "alice");
    assert_string_equal(json_str(o, "MfaSerial"), SERIAL);
    assert_string_equal(json_str(o, "Region"), "eu-west-1");
    assert_int_equal(json_object_object_length(o), 9);
    json_object_put(o);

    assert_true(write_session(NULL));
    o = json_object_from_file(file);
    assert_false(json_object_object_get_ex(o, "Region", &v));
    assert_int_equal(json_object_object_length(o), 8);
    json_object_put(o);
}

static void test_round_trip(void **state)
{
    (void)state;
    assert_true(write_session("us-gov-west-1"));
    struct session_record rec;
    if (!session_read(file, uid, &rec, err, sizeof(err)))
        fail_msg("read refused: %s", err);
    assert_string_equal(rec.access_key_id, KEY_ID);
    assert_string_equal(secret_str(rec.secret_access_key), SECRET);
    assert_string_equal(secret_str(rec.session_token), TOKEN);
    assert_int_equal(rec.expiration, EXPIRES);
    assert_int_equal(rec.issued, ISSUED);
    assert_string_equal(rec.iam_user, "alice");
    assert_string_equal(rec.mfa_serial, SERIAL);
    assert_string_equal(rec.region, "us-gov-west-1");
    session_record_free(&rec);
    assert_null(rec.access_key_id);

    assert_true(write_session(NULL));
    assert_true(session_read(file, uid, &rec, err, sizeof(err)));
    assert_null(rec.region);
    session_record_free(&rec);
}

#define ROLE "arn:aws:iam::123456789012:role/ops"

/* A role's session names its role; the IAM user's own has no RoleArn. */
static void test_role_round_trip(void **state)
{
    (void)state;
    struct session_record rec = record(NULL);
    rec.role_arn = ROLE;
    assert_true(session_write(sessions, uid, gid, &rec, err, sizeof(err)));
    record_secrets_free(&rec);
    struct json_object *o = json_object_from_file(file);
    assert_non_null(o);
    assert_string_equal(json_str(o, "RoleArn"), ROLE);
    json_object_put(o);
    if (!session_read(file, uid, &rec, err, sizeof(err)))
        fail_msg("read refused: %s", err);
    assert_string_equal(rec.role_arn, ROLE);
    session_record_free(&rec);

    assert_true(write_session(NULL));
    o = json_object_from_file(file);
    assert_false(json_object_object_get_ex(o, "RoleArn", NULL));
    json_object_put(o);
    assert_true(session_read(file, uid, &rec, err, sizeof(err)));
    assert_null(rec.role_arn);
    session_record_free(&rec);
}

/* The rule STS's answers are held to as well (sts.c uses it): what it
 * refuses never reaches the environment or the file. */
static void test_credentials_rule(void **state)
{
    (void)state;
    const char *when = "2030-01-01T00:00:00Z";
    assert_null(session_credentials_problem(KEY_ID, SECRET, TOKEN, when));
    const char *cases[][5] = {
        {NULL, SECRET, TOKEN, when, "AccessKeyId is missing or malformed"},
        {"ASIA\xc3\x89XAMPLEKEYID12", SECRET, TOKEN, when,
         "AccessKeyId is missing or malformed"},
        {KEY_ID, "abc\nLD_PRELOAD=/tmp/x\tq", TOKEN, when,
         "SecretAccessKey is missing or malformed"},
        {KEY_ID, "wJalrXUtnFEMI\xc3\xa9", TOKEN, when,
         "SecretAccessKey is missing or malformed"},
        {KEY_ID, NULL, TOKEN, when, "SecretAccessKey is missing or malformed"},
        {KEY_ID, SECRET, "FwoGZXIvYXdzE\x7f", when,
         "SessionToken is missing or malformed"},
        {KEY_ID, SECRET, "FwoGZXIvYXdzE\xc3\xa9", when,
         "SessionToken is missing or malformed"},
        {KEY_ID, SECRET, "", when, "SessionToken is missing or malformed"},
        {KEY_ID, SECRET, TOKEN, "tomorrow",
         "Expiration is missing or not an ISO 8601 UTC time"},
        {KEY_ID, SECRET, TOKEN, NULL,
         "Expiration is missing or not an ISO 8601 UTC time"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *problem = session_credentials_problem(
            cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
        assert_non_null(problem);
        assert_string_equal(problem, cases[i][4]);
    }
}

static void test_rewrite_replaces_file(void **state)
{
    (void)state;
    assert_true(write_session(NULL));
    struct stat before;
    assert_int_equal(stat(file, &before), 0);
    assert_true(write_session("eu-west-1"));
    struct stat after;
    assert_int_equal(stat(file, &after), 0);
    assert_true(before.st_ino != after.st_ino);
    assert_owner_mode(file, uid, 0600, false);
}

/* A refused write leaves no session file anywhere it could be read. */
static void write_refused(const char *part)
{
    assert_false(write_session(NULL));
    assert_err_has(part);
    struct stat st;
    assert_int_equal(lstat(file, &st), -1);
}

static void test_attacker_user_dir_refused(void **state)
{
    (void)state;
    assert_int_equal(mkdir(sessions, 0755), 0);

    /* Mode 0777, owned by the user: others could swap the file. */
    assert_int_equal(mkdir(user_dir, 0700), 0);
    assert_int_equal(chown(user_dir, uid, gid), 0);
    assert_int_equal(chmod(user_dir, 0777), 0);
    write_refused("mode 0777");
    assert_int_equal(chmod(user_dir, 0750), 0);
    write_refused("mode 0750");
    rmdir(user_dir);

    /* A link to a directory elsewhere. */
    char elsewhere[300];
    snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", top);
    assert_int_equal(mkdir(elsewhere, 0700), 0);
    assert_int_equal(chown(elsewhere, uid, gid), 0);
    assert_int_equal(symlink(elsewhere, user_dir), 0);
    assert_false(write_session(NULL));
    assert_err_has("symbolic link");
    char planted[400];
    snprintf(planted, sizeof(planted), "%s/session.json", elsewhere);
    struct stat st;
    assert_int_equal(lstat(planted, &st), -1);
    unlink(user_dir);
    rmdir(elsewhere);

    /* A plain file in its place. */
    int fd = open(user_dir, O_WRONLY | O_CREAT, 0600);
    close(fd);
    write_refused("not a directory");
    unlink(user_dir);
}

/* A write that fails after the temporary file exists (here: a directory
 * squats on session.json) removes the temporary file. */
static void test_failed_write_leaves_no_temp_file(void **state)
{
    (void)state;
    assert_true(write_session(NULL));
    assert_int_equal(unlink(file), 0);
    assert_int_equal(mkdir(file, 0700), 0);
    assert_false(write_session(NULL));
    assert_err_has("cannot write");
    DIR *d = opendir(user_dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            assert_string_equal(e->d_name, "session.json");
    }
    closedir(d);
    rmdir(file);
}

static void test_user_dir_of_another_owner_refused(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(mkdir(sessions, 0755), 0);
    assert_int_equal(mkdir(user_dir, 0700), 0);
    assert_int_equal(chown(user_dir, 5555, 5555), 0);
    write_refused("owned by uid 5555");
    /* Root's own directory is no better: it must be the user's. */
    assert_int_equal(chown(user_dir, 0, 0), 0);
    write_refused("owned by uid 0");
}

static void test_unsafe_session_dir_refused(void **state)
{
    (void)state;
    assert_int_equal(mkdir(sessions, 0755), 0);
    assert_int_equal(chmod(sessions, 0777), 0);
    write_refused("writable by group or others");
    assert_int_equal(chmod(sessions, 0775), 0);
    write_refused("writable by group or others");
    rmdir(sessions);

    char real[300];
    snprintf(real, sizeof(real), "%s/real-sessions", top);
    assert_int_equal(mkdir(real, 0755), 0);
    assert_int_equal(symlink(real, sessions), 0);
    write_refused("symbolic link");
    unlink(sessions);
    rmdir(real);
}

/* "link/" makes the kernel follow the link even with O_NOFOLLOW: the
 * spelling must not matter, nor reach the log doubled. */
static void test_link_spelled_with_slashes_refused(void **state)
{
    (void)state;
    char real[300], spelled[320];
    snprintf(real, sizeof(real), "%s/real-sessions", top);
    assert_int_equal(mkdir(real, 0755), 0);
    assert_int_equal(symlink(real, sessions), 0);
    const char *endings[] = {"/", "//", "///"};
    for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
        snprintf(spelled, sizeof(spelled), "%s%s", sessions, endings[i]);
        err[0] = '\0';
        assert_false(session_prepare(spelled, uid, gid, err, sizeof(err)));
        char want[400];
        snprintf(want, sizeof(want), "%s: not a directory, or a symbolic link",
                 sessions);
        assert_string_equal(err, want);
    }
    char inside[320];
    snprintf(inside, sizeof(inside), "%s/%lu", real, (unsigned long)uid);
    struct stat st;
    assert_int_equal(lstat(inside, &st), -1);
    unlink(sessions);
    rmdir(real);
}

/* Anyone who may write to a folder above session_dir could rename it
 * away and put their own in its place, unless the sticky bit stops them
 * (as on /tmp). */
static void test_folder_above_others_can_write_refused(void **state)
{
    (void)state;
    char open_dir[300], below[320], want[400];
    snprintf(open_dir, sizeof(open_dir), "%s/open", top);
    snprintf(below, sizeof(below), "%s/sessions", open_dir);
    assert_int_equal(mkdir(open_dir, 0755), 0);
    const mode_t unsafe[] = {0777, 0775, 0757};
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
        assert_int_equal(chmod(open_dir, unsafe[i]), 0);
        err[0] = '\0';
        assert_false(session_prepare(below, uid, gid, err, sizeof(err)));
        snprintf(want, sizeof(want),
                 "%s (above the session folder) has mode %04o: writable by "
                 "group or others without the sticky bit",
                 open_dir, (unsigned)unsafe[i]);
        assert_err_has(want);
        struct stat st;
        assert_int_equal(lstat(below, &st), -1);
    }
    assert_int_equal(chmod(open_dir, 01777), 0);
    err[0] = '\0';
    if (!session_prepare(below, uid, gid, err, sizeof(err)))
        fail_msg("%s", err);
    if (geteuid() == 0) {
        assert_int_equal(chmod(open_dir, 0755), 0);
        assert_int_equal(chown(open_dir, 5555, 5555), 0);
        assert_false(session_prepare(below, uid, gid, err, sizeof(err)));
        snprintf(want, sizeof(want),
                 "%s (above the session folder) is owned by uid 5555, not "
                 "by root",
                 open_dir);
        assert_err_has(want);
    }
    remove_tree(open_dir);
}

/* A link on the way is judged by where it leads as well. */
/* A link on the way is refused wherever it points: a link held in a
 * folder that others may change could be pointed elsewhere between any
 * check and the open (the folders are opened one by one, links not
 * followed), and a link to a safe folder is refused the same way. */
static void test_link_on_the_way_refused(void **state)
{
    (void)state;
    char open_dir[300], target[320], link[300], below[320];
    snprintf(open_dir, sizeof(open_dir), "%s/open2", top);
    snprintf(target, sizeof(target), "%s/inner", open_dir);
    snprintf(link, sizeof(link), "%s/via", top);
    snprintf(below, sizeof(below), "%s/sessions", link);
    assert_int_equal(mkdir(open_dir, 0777), 0);
    assert_int_equal(chmod(open_dir, 0777), 0);
    assert_int_equal(mkdir(target, 0755), 0);
    assert_int_equal(symlink(target, link), 0);
    char want[400];
    snprintf(want, sizeof(want),
             "%s is a symbolic link or not a folder: session_dir must be a "
             "real path",
             link);
    for (mode_t mode = 0777; mode != 0; mode = mode == 0777 ? 0755 : 0) {
        assert_int_equal(chmod(open_dir, mode), 0);
        err[0] = '\0';
        assert_false(session_prepare(below, uid, gid, err, sizeof(err)));
        assert_err_has(want);
        struct stat st;
        assert_int_equal(lstat(target, &st), 0);
        char made[340];
        snprintf(made, sizeof(made), "%s/sessions", target);
        assert_int_equal(lstat(made, &st), -1);
    }
    unlink(link);
    remove_tree(open_dir);
}

static void test_session_dir_of_another_owner_refused(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(mkdir(sessions, 0755), 0);
    assert_int_equal(chown(sessions, 5555, 5555), 0);
    write_refused("owned by uid 5555");
}

/* Mode 0700 would let the login write the file that the user, running
 * awsmfa, then cannot reach; so would a folder above it. */
static void test_session_dir_others_cannot_pass_refused(void **state)
{
    (void)state;
    assert_int_equal(mkdir(sessions, 0700), 0);
    assert_int_equal(chmod(sessions, 0700), 0);
    char want[400];
    snprintf(want, sizeof(want),
             "%s has mode 0700: users cannot pass through it to their "
             "session folders (others need x, as in 0755)",
             sessions);
    write_refused(want);
    assert_int_equal(chmod(sessions, 0750), 0);
    write_refused("has mode 0750: users cannot pass through it");
    assert_int_equal(chmod(sessions, 0711), 0);
    assert_true(write_session(NULL));
    remove_tree(sessions);

    assert_int_equal(chmod(top, 0700), 0);
    snprintf(want, sizeof(want), "%s has mode 0700: users cannot pass", top);
    write_refused(want);
    assert_int_equal(chmod(top, 0755), 0);
}

static void prepare_refused(const char *part)
{
    err[0] = '\0';
    assert_false(session_prepare(sessions, uid, gid, err, sizeof(err)));
    assert_err_has(part);
}

/* The check made before the code is asked: the directories as the write
 * makes them, and nothing written. */
static void test_prepare_makes_the_directories(void **state)
{
    (void)state;
    if (!session_prepare(sessions, uid, gid, err, sizeof(err)))
        fail_msg("refused: %s", err);
    assert_owner_mode(sessions, geteuid(), 0755, true);
    assert_owner_mode(user_dir, uid, 0700, true);
    struct stat st;
    assert_int_equal(lstat(file, &st), -1);
    /* Again, with everything in place (and a session file) is fine. */
    assert_true(write_session(NULL));
    if (!session_prepare(sessions, uid, gid, err, sizeof(err)))
        fail_msg("refused: %s", err);
}

/* Whatever would stop the write is found before it. */
static void test_prepare_refuses_what_the_write_would(void **state)
{
    (void)state;
    assert_int_equal(mkdir(sessions, 0755), 0);
    assert_int_equal(chmod(sessions, 0700), 0);
    prepare_refused("has mode 0700: users cannot pass through it");
    assert_int_equal(chmod(sessions, 0777), 0);
    prepare_refused("writable by group or others");
    assert_int_equal(chmod(sessions, 0755), 0);

    assert_int_equal(mkdir(user_dir, 0700), 0);
    assert_int_equal(chown(user_dir, uid, gid), 0);
    assert_int_equal(chmod(user_dir, 0750), 0);
    prepare_refused("mode 0750; it must be");
    assert_int_equal(chmod(user_dir, 0700), 0);

    assert_int_equal(mkdir(file, 0700), 0);
    char want[400];
    snprintf(want, sizeof(want),
             "%s is a directory: no session file can be written in its "
             "place",
             file);
    prepare_refused(want);
    rmdir(file);

    char deep[300];
    snprintf(deep, sizeof(deep), "%s/no/such", top);
    assert_false(session_prepare(deep, uid, gid, err, sizeof(err)));
    assert_err_has("cannot create");
}

static void test_missing_parent_refused(void **state)
{
    (void)state;
    char deep[300];
    snprintf(deep, sizeof(deep), "%s/no/such", top);
    struct session_record rec = record(NULL);
    assert_false(session_write(deep, uid, gid, &rec, err, sizeof(err)));
    assert_err_has("cannot create");
    record_secrets_free(&rec);
}

/* Writes session.json by hand, as an attacker or a bad tool might. */
static void plant(const char *text, mode_t mode)
{
    mkdir(sessions, 0755);
    mkdir(user_dir, 0700);
    assert_int_equal(chown(user_dir, uid, gid), 0);
    unlink(file);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(fchown(fd, uid, gid), 0);
    close(fd);
}

static void read_refused(const char *part)
{
    struct session_record rec;
    assert_false(session_read(file, uid, &rec, err, sizeof(err)));
    assert_err_has(part);
    assert_null(rec.access_key_id);
    assert_null(rec.session_token);
    if (strstr(err, SECRET) != NULL || strstr(err, TOKEN) != NULL)
        fail_msg("a secret is in the message");
}

#define GOOD_BODY                                                              \
    "\"AccessKeyId\": \"" KEY_ID "\", \"SecretAccessKey\": \"" SECRET          \
    "\", \"SessionToken\": \"" TOKEN "\", \"Expiration\": "                    \
    "\"2030-01-01T00:00:00Z\", \"IssuedAt\": \"2029-12-31T12:00:00Z\", "       \
    "\"IamUser\": \"alice\", \"MfaSerial\": \"" SERIAL "\""

static void test_read_checks_file(void **state)
{
    (void)state;
    plant("{\"Version\": 1, " GOOD_BODY "}", 0600);
    struct session_record rec;
    assert_true(session_read(file, uid, &rec, err, sizeof(err)));
    session_record_free(&rec);

    plant("{\"Version\": 1, " GOOD_BODY "}", 0644);
    read_refused("mode 0644");
    plant("{\"Version\": 1, " GOOD_BODY "}", 0400);
    read_refused("mode 0400");

    /* Someone else's file: not this uid's. */
    plant("{\"Version\": 1, " GOOD_BODY "}", 0600);
    assert_false(session_read(file, uid + 1, &rec, err, sizeof(err)));
    assert_err_has("owned by uid");

    char real[400];
    snprintf(real, sizeof(real), "%s/real.json", user_dir);
    rename(file, real);
    assert_int_equal(symlink(real, file), 0);
    read_refused("symbolic link");
    unlink(file);
    unlink(real);
}

static void test_read_checks_fields(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"{\"Version\": 2, " GOOD_BODY "}", "Version is not 1"},
        {"{\"Version\": \"1\", " GOOD_BODY "}", "Version is not 1"},
        {"{" GOOD_BODY "}", "Version is not 1"},
        {"{\"Version\": 1, " GOOD_BODY ", \"AccessKeyId\": \"x\"}",
         "AccessKeyId is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"SessionToken\": \"\"}",
         "SessionToken is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"SessionToken\": 5}",
         "SessionToken is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"SecretAccessKey\": \"a b\"}",
         "SecretAccessKey is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY
         ", \"Expiration\": \"2030-01-01 00:00:00\"}",
         "Expiration is missing or not an ISO 8601 UTC time"},
        {"{\"Version\": 1, " GOOD_BODY ", \"IssuedAt\": null}",
         "IssuedAt is missing"},
        {"{\"Version\": 1, " GOOD_BODY ", \"IamUser\": \"a b\"}",
         "IamUser is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"MfaSerial\": \"x\"}",
         "MfaSerial is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"Region\": 7}",
         "Region is malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"RoleArn\": \"ops role\"}",
         "RoleArn is malformed"},
        {"{\"Version\": 1, " GOOD_BODY ", \"RoleArn\": null}",
         "RoleArn is malformed"},
        {"{\"Version\": 1, " GOOD_BODY
         ", \"SecretAccessKey\": \"abc\\nLD_PRELOAD=/tmp/x\"}",
         "SecretAccessKey is missing or malformed"},
        {"{\"Version\": 1, " GOOD_BODY "} trailing", "not a JSON object"},
        {"{\"Version\": 1, " GOOD_BODY, "not a JSON object"},
        {"[1, 2]", "not a JSON object"},
        {"", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        plant(cases[i][0], 0600);
        read_refused(cases[i][1]);
    }
}

static void test_remove_if_expired(void **state)
{
    (void)state;
    assert_true(write_session(NULL));
    assert_false(session_remove_if_expired(sessions, uid, EXPIRES - 1));
    assert_int_equal(access(file, F_OK), 0);
    assert_true(session_remove_if_expired(sessions, uid, EXPIRES));
    assert_int_equal(access(file, F_OK), -1);
    assert_false(session_remove_if_expired(sessions, uid, EXPIRES));

    /* A file that is not a valid session file is left for a person. */
    plant("{\"Version\": 1}", 0600);
    assert_false(session_remove_if_expired(sessions, uid, EXPIRES + 1));
    assert_int_equal(access(file, F_OK), 0);

    /* Nor is anything removed through an unsafe directory. */
    assert_true(write_session(NULL));
    assert_int_equal(chmod(user_dir, 0755), 0);
    assert_false(session_remove_if_expired(sessions, uid, EXPIRES + 1));
    assert_int_equal(access(file, F_OK), 0);
    assert_false(session_remove_if_expired("/nonexistent-dir", uid, 0));
}

static void test_incomplete_record_refused(void **state)
{
    (void)state;
    struct session_record rec = record(NULL);
    rec.iam_user = NULL;
    assert_false(session_write(sessions, uid, gid, &rec, err, sizeof(err)));
    assert_err_has("incomplete session record");
    record_secrets_free(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_environment_exact),
        cmocka_unit_test(test_session_path),
        cmocka_unit_test_setup(test_link_spelled_with_slashes_refused, fresh),
        cmocka_unit_test_setup(test_folder_above_others_can_write_refused,
                               fresh),
        cmocka_unit_test_setup(test_link_on_the_way_refused, fresh),
        cmocka_unit_test_setup(test_write_creates_dirs_and_file, fresh),
        cmocka_unit_test_setup(test_json_is_credential_process_format, fresh),
        cmocka_unit_test_setup(test_round_trip, fresh),
        cmocka_unit_test_setup(test_role_round_trip, fresh),
        cmocka_unit_test(test_credentials_rule),
        cmocka_unit_test_setup(test_rewrite_replaces_file, fresh),
        cmocka_unit_test_setup(test_attacker_user_dir_refused, fresh),
        cmocka_unit_test_setup(test_failed_write_leaves_no_temp_file, fresh),
        cmocka_unit_test_setup(test_user_dir_of_another_owner_refused, fresh),
        cmocka_unit_test_setup(test_unsafe_session_dir_refused, fresh),
        cmocka_unit_test_setup(test_session_dir_of_another_owner_refused,
                               fresh),
        cmocka_unit_test_setup(test_session_dir_others_cannot_pass_refused,
                               fresh),
        cmocka_unit_test_setup(test_prepare_makes_the_directories, fresh),
        cmocka_unit_test_setup(test_prepare_refuses_what_the_write_would,
                               fresh),
        cmocka_unit_test_setup(test_missing_parent_refused, fresh),
        cmocka_unit_test_setup(test_read_checks_file, fresh),
        cmocka_unit_test_setup(test_read_checks_fields, fresh),
        cmocka_unit_test_setup(test_remove_if_expired, fresh),
        cmocka_unit_test_setup(test_incomplete_record_refused, fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
