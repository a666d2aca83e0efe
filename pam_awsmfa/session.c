#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity.h"
#include "safefile.h"
#include "text.h"

#define SESSION_FILE "session.json"
/* Session tokens have no stated maximum length; this is far above any
 * seen, yet small enough to read into memory. */
#define SESSION_MAX_SIZE (256 * 1024)

char *session_path(const char *session_dir, uid_t uid)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%lu/" SESSION_FILE, session_dir,
                 (unsigned long)uid) < 0)
        return NULL;
    return path;
}

/* The environment */

static struct secret *env_entry(const char *name, const char *value)
{
    struct secret *s = secret_from_str(name);
    if (s != NULL && (!secret_append(s, "=", 1) ||
                      !secret_append(s, value, strlen(value)))) {
        secret_free(s);
        return NULL;
    }
    return s;
}

int session_environment(const struct session_record *rec,
                        struct secret ***entries)
{
    char expiration[32];
    if (!text_format_utc(rec->expiration, expiration, sizeof(expiration)))
        return -1;
    const char *names[6] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                            "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
                            "AWS_REGION",        "AWS_DEFAULT_REGION"};
    const char *values[6] = {rec->access_key_id,
                             secret_str(rec->secret_access_key),
                             secret_str(rec->session_token),
                             expiration,
                             rec->region,
                             rec->region};
    int count = rec->region != NULL ? 6 : 4;
    *entries = calloc((size_t)count, sizeof(**entries));
    if (*entries == NULL)
        return -1;
    for (int i = 0; i < count; i++) {
        (*entries)[i] = env_entry(names[i], values[i]);
        if ((*entries)[i] == NULL) {
            session_environment_free(*entries, count);
            *entries = NULL;
            return -1;
        }
    }
    return count;
}

void session_environment_free(struct secret **entries, int count)
{
    if (entries == NULL)
        return;
    for (int i = 0; i < count; i++)
        secret_free(entries[i]);
    free(entries);
}

/* The JSON text, written by hand into a secret rather than with json-c, whose
 * output buffer grows by realloc and would leave copies of the token behind in
 * freed memory. */

static bool json_append_string(struct secret *out, const char *text)
{
    bool ok = secret_append(out, "\"", 1);
    for (const char *p = text; ok && *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        char escaped[8];
        if (c == '"' || c == '\\') {
            escaped[0] = '\\';
            escaped[1] = (char)c;
            ok = secret_append(out, escaped, 2);
        } else if (c < 0x20) {
            snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            ok = secret_append(out, escaped, 6);
        } else {
            ok = secret_append(out, p, 1);
        }
    }
    return ok && secret_append(out, "\"", 1);
}

static bool append_text(struct secret *out, const char *text)
{
    return secret_append(out, text, strlen(text));
}

static bool json_field(struct secret *out, const char *name, const char *value)
{
    return append_text(out, ",\n  ") && json_append_string(out, name) &&
           append_text(out, ": ") && json_append_string(out, value);
}

/* A member written only when it has a value. */
static bool json_optional_field(struct secret *out, const char *name,
                                const char *value)
{
    return value == NULL || json_field(out, name, value);
}

static struct secret *session_json(const struct session_record *rec)
{
    char expiration[32], issued[32];
    struct secret *out = secret_from_str("{");
    if (out == NULL ||
        !text_format_utc(rec->expiration, expiration, sizeof(expiration)) ||
        !text_format_utc(rec->issued, issued, sizeof(issued))) {
        secret_free(out);
        return NULL;
    }
    bool ok = append_text(out, "\n  \"Version\": 1") &&
              json_field(out, "AccessKeyId", rec->access_key_id) &&
              json_field(out, "SecretAccessKey",
                         secret_str(rec->secret_access_key)) &&
              json_field(out, "SessionToken", secret_str(rec->session_token)) &&
              json_field(out, "Expiration", expiration) &&
              json_field(out, "IamUser", rec->iam_user) &&
              json_field(out, "MfaSerial", rec->mfa_serial) &&
              json_optional_field(out, "RoleArn", rec->role_arn) &&
              json_field(out, "IssuedAt", issued) &&
              json_optional_field(out, "Region", rec->region) &&
              append_text(out, "\n}\n");
    if (!ok) {
        secret_free(out);
        return NULL;
    }
    return out;
}

/* The directories */

/* A folder above session_dir that someone other than root could change would
 * let that someone move session_dir away and put their own in its place.  A
 * folder writable by others is fine only with the sticky bit (as /tmp), where
 * no one may rename what is not theirs. */
static bool ancestor_safe(const char *path, const struct stat *st, char *err,
                          size_t errlen)
{
    unsigned mode = (unsigned)(st->st_mode & 07777);
    if (st->st_uid != 0 && st->st_uid != geteuid())
        snprintf(err, errlen,
                 "%s (above the session folder) is owned by uid %lu, not "
                 "by root",
                 path, (unsigned long)st->st_uid);
    else if ((st->st_mode & 022) != 0 && (st->st_mode & S_ISVTX) == 0)
        snprintf(err, errlen,
                 "%s (above the session folder) has mode %04o: writable by "
                 "group or others without the sticky bit, so they could "
                 "replace the session folder",
                 path, mode);
    else if ((st->st_mode & S_IXOTH) == 0)
        /* Each user reaches their own directory through all of them: else
         * awsmfa and the AWS tools, run as the user, cannot open the
         * session file a login wrote. */
        snprintf(err, errlen,
                 "%s has mode %04o: users cannot pass through it to their "
                 "session folders (others need x, as in 0755)",
                 path, mode);
    else
        return true;
    return false;
}

/* Opens the folder parent_path one name at a time from "/", following no
 * link anywhere on the way, and checks each folder as it is opened: what
 * is checked is what is used, so nothing can be swapped in between, and
 * a link whose folder others could change is never trusted.  dir (the
 * session folder) names the login's purpose in messages. */
static int open_parent_checked(const char *parent_path, const char *dir,
                               bool create, char *err, size_t errlen)
{
    char names[PATH_MAX], shown[PATH_MAX] = "/";
    if (snprintf(names, sizeof(names), "%s", parent_path) >=
        (int)sizeof(names)) {
        snprintf(err, errlen, "%s: the path is too long", dir);
        return -1;
    }
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    char *save = NULL;
    for (char *name = strtok_r(names, "/", &save); fd >= 0;
         name = strtok_r(NULL, "/", &save)) {
        struct stat st;
        if (fstat(fd, &st) != 0 || !ancestor_safe(shown, &st, err, errlen)) {
            close(fd);
            return -1;
        }
        if (name == NULL)
            return fd;
        size_t used = strlen(shown);
        snprintf(shown + used, sizeof(shown) - used, "%s%s",
                 used > 1 ? "/" : "", name);
        int next =
            openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = next;
    }
    if (errno == ENOTDIR || errno == ELOOP)
        snprintf(err, errlen,
                 "%s is a symbolic link or not a folder: session_dir must "
                 "be a real path, with no link on the way",
                 shown);
    else
        snprintf(err, errlen, "%s%s: %s", create ? "cannot create " : "", dir,
                 strerror(errno));
    return -1;
}

/* The folder's own checks; its links were not followed. */
static bool session_root_safe(const char *dir, const struct stat *st, char *err,
                              size_t errlen)
{
    if (st->st_uid != 0 && st->st_uid != geteuid())
        snprintf(err, errlen, "%s is owned by uid %lu, not by root", dir,
                 (unsigned long)st->st_uid);
    else if ((st->st_mode & 022) != 0)
        snprintf(err, errlen, "%s is writable by group or others (mode %04o)",
                 dir, (unsigned)(st->st_mode & 07777));
    else if ((st->st_mode & S_IXOTH) == 0)
        snprintf(err, errlen,
                 "%s has mode %04o: users cannot pass through it to their "
                 "session folders (others need x, as in 0755)",
                 dir, (unsigned)(st->st_mode & 07777));
    else
        return true;
    return false;
}

/* Splits a tidy dir into its parent and last name; false for "/" and
 * for a last name of "." or "..", which would be no folder of its own. */
static bool split_path(const char *dir, char *parent, size_t parentlen,
                       const char **name)
{
    const char *slash = strrchr(dir, '/');
    if (slash == NULL)
        return false;
    *name = slash + 1;
    int len = slash == dir ? 1 : (int)(slash - dir);
    return **name != '\0' && strcmp(*name, ".") != 0 &&
           strcmp(*name, "..") != 0 &&
           snprintf(parent, parentlen, "%.*s", len, dir) < (int)parentlen;
}

/* session_dir holds every user's directory, so only root (or the module's
 * own user) may change it or any folder above it: a real directory, not a
 * link however spelled (it is opened by name inside its parent), not
 * writable by group or others.  Created 0755 when missing, so that each
 * user can reach their own directory below it. */
static int open_session_root(const char *dir, bool create, char *err,
                             size_t errlen)
{
    char parent_path[PATH_MAX];
    const char *name;
    if (!split_path(dir, parent_path, sizeof(parent_path), &name)) {
        snprintf(err, errlen,
                 "%s: not a folder below / (nor may it end in . or ..)", dir);
        return -1;
    }
    int parent = open_parent_checked(parent_path, dir, create, err, errlen);
    if (parent < 0)
        return -1;
    bool created = create && mkdirat(parent, name, 0755) == 0;
    if (create && !created && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        close(parent);
        return -1;
    }
    int fd =
        openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(parent);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", dir,
                 errno == ELOOP || errno == ENOTDIR
                     ? "not a directory, or a symbolic link"
                     : strerror(errno));
        return -1;
    }
    struct stat st;
    if (created && fchmod(fd, 0755) != 0)
        snprintf(err, errlen, "cannot set the mode of %s: %s", dir,
                 strerror(errno));
    else if (fstat(fd, &st) != 0)
        snprintf(err, errlen, "cannot stat %s: %s", dir, strerror(errno));
    else if (session_root_safe(dir, &st, err, errlen))
        return fd;
    close(fd);
    return -1;
}

/* Makes a new <uid> directory the user's own: owner uid:gid, mode 0700. */
static bool adopt_user_dir(int fd, uid_t uid, gid_t gid)
{
    return fchown(fd, uid, gid) == 0 && fchmod(fd, 0700) == 0;
}

/* The <uid> directory: exactly as session_write makes it, a real
 * directory owned by the user with mode 0700, or it is refused (it may
 * have been made by someone else, to catch the user's credentials). */
static int open_user_dir(int root, const char *root_path, uid_t uid, gid_t gid,
                         bool create, char *err, size_t errlen)
{
    char name[32];
    snprintf(name, sizeof(name), "%lu", (unsigned long)uid);
    bool created = create && mkdirat(root, name, 0700) == 0;
    if (create && !created && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s/%s: %s", root_path, name,
                 strerror(errno));
        return -1;
    }
    int fd =
        openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        snprintf(err, errlen, "%s/%s: %s", root_path, name,
                 errno == ELOOP || errno == ENOTDIR
                     ? "not a directory, or a symbolic link"
                     : strerror(errno));
    else if (created && !adopt_user_dir(fd, uid, gid))
        snprintf(err, errlen, "cannot give %s/%s to uid %lu: %s", root_path,
                 name, (unsigned long)uid, strerror(errno));
    else if (fstat(fd, &st) != 0)
        snprintf(err, errlen, "cannot stat %s/%s: %s", root_path, name,
                 strerror(errno));
    else if (st.st_uid != uid || (st.st_mode & 07777) != 0700)
        snprintf(err, errlen,
                 "%s/%s is owned by uid %lu with mode %04o; it must be "
                 "owned by uid %lu with mode 0700",
                 root_path, name, (unsigned long)st.st_uid,
                 (unsigned)(st.st_mode & 07777), (unsigned long)uid);
    else
        return fd;
    if (fd >= 0)
        close(fd);
    if (created)
        unlinkat(root, name, AT_REMOVEDIR);
    return -1;
}

/* Opens session_dir/<uid> after checking both levels; -1 and err set
 * when either is unsafe. */
static int open_dirs(const char *session_dir, uid_t uid, gid_t gid, bool create,
                     char *err, size_t errlen)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof(dir), "%s", session_dir) >= (int)sizeof(dir)) {
        snprintf(err, errlen, "%s: the path is too long", session_dir);
        return -1;
    }
    text_tidy_path(dir);
    int root = open_session_root(dir, create, err, errlen);
    if (root < 0)
        return -1;
    int fd = open_user_dir(root, dir, uid, gid, create, err, errlen);
    close(root);
    return fd;
}

/* Writing */

/* A new file of a random name: the directory is the user's, so a name
 * could already be taken. */
static int create_temp(int dir, char *name, size_t namelen)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        unsigned char r[8];
        if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
            return -1;
        snprintf(name, namelen,
                 "." SESSION_FILE ".%02x%02x%02x%02x%02x%02x"
                 "%02x%02x",
                 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        int fd =
            openat(dir, name,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

static bool write_file(int dir, uid_t uid, gid_t gid, const struct secret *json)
{
    char temp[64];
    int fd = create_temp(dir, temp, sizeof(temp));
    if (fd < 0)
        return false;
    bool ok = fchown(fd, uid, gid) == 0 && fchmod(fd, 0600) == 0 &&
              secret_write(json, fd) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && renameat(dir, temp, dir, SESSION_FILE) == 0;
    if (!ok) {
        int saved = errno;
        unlinkat(dir, temp, 0);
        errno = saved;
    }
    return ok;
}

static bool record_complete(const struct session_record *rec)
{
    return rec->access_key_id != NULL && rec->secret_access_key != NULL &&
           rec->session_token != NULL && rec->iam_user != NULL &&
           rec->mfa_serial != NULL;
}

bool session_write(const char *session_dir, uid_t uid, gid_t gid,
                   const struct session_record *rec, char *err, size_t errlen)
{
    struct secret *json = record_complete(rec) ? session_json(rec) : NULL;
    if (json == NULL) {
        snprintf(err, errlen, "incomplete session record, or out of memory");
        return false;
    }
    int dir = open_dirs(session_dir, uid, gid, true, err, errlen);
    bool ok = dir >= 0 && write_file(dir, uid, gid, json);
    if (dir >= 0 && !ok)
        snprintf(err, errlen, "cannot write %s/%lu/" SESSION_FILE ": %s",
                 session_dir, (unsigned long)uid, strerror(errno));
    if (dir >= 0)
        close(dir);
    secret_free(json);
    return ok;
}

/* Only a directory in its place stops a new session.json (rename
 * replaces a file or a link, never following it). */
static bool file_place_free(int dir, const char *session_dir, uid_t uid,
                            char *err, size_t errlen)
{
    struct stat st;
    if (fstatat(dir, SESSION_FILE, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return true;
        snprintf(err, errlen, "cannot stat %s/%lu/" SESSION_FILE ": %s",
                 session_dir, (unsigned long)uid, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen,
                 "%s/%lu/" SESSION_FILE " is a directory: no session file "
                 "can be written in its place",
                 session_dir, (unsigned long)uid);
        return false;
    }
    return true;
}

bool session_prepare(const char *session_dir, uid_t uid, gid_t gid, char *err,
                     size_t errlen)
{
    int dir = open_dirs(session_dir, uid, gid, true, err, errlen);
    if (dir < 0)
        return false;
    bool ok = file_place_free(dir, session_dir, uid, err, errlen);
    close(dir);
    return ok;
}

/* Reading */

/* json-c keeps the text of every string in its objects, unwiped when
 * freed; this wipes them in place first. */
static void wipe_strings(struct json_object *obj)
{
    json_object_object_foreach(obj, key, value)
    {
        (void)key;
        if (json_object_is_type(value, json_type_string))
            secret_wipe((char *)json_object_get_string(value),
                        (size_t)json_object_get_string_len(value));
    }
}

/* After a failed parse, the strings read so far hang on the objects of
 * the tokener's stack until it is freed. */
static void wipe_partial(struct json_tokener *tok)
{
    for (int i = 0; i <= tok->depth; i++) {
        struct json_object *obj = tok->stack[i].current;
        if (obj != NULL && json_object_is_type(obj, json_type_object))
            wipe_strings(obj);
    }
}

/* Whether nothing but white space follows the JSON value. */
static bool only_blanks_after(const struct secret *text, size_t end)
{
    const char *p = secret_str(text);
    for (size_t i = end; i < secret_len(text); i++) {
        if (strchr(" \t\r\n", p[i]) == NULL || p[i] == '\0')
            return false;
    }
    return true;
}

/* Parses with json-c.  Its tokener gathers each string in a buffer that
 * grows by realloc; growing it to the whole text's size first means no
 * unwiped copy of a secret is left behind, and it is wiped at the end. */
static struct json_object *parse_json(const struct secret *text)
{
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL)
        return NULL;
    int len = (int)secret_len(text);
    struct json_object *obj = NULL;
    if (printbuf_memset(tok->pb, 0, 0, len + 1) == 0) {
        printbuf_reset(tok->pb);
        obj = json_tokener_parse_ex(tok, secret_str(text), len);
    }
    bool whole =
        obj != NULL && only_blanks_after(text, json_tokener_get_parse_end(tok));
    if (obj == NULL)
        wipe_partial(tok);
    secret_wipe(tok->pb->buf, (size_t)tok->pb->size);
    json_tokener_free(tok);
    if (whole && json_object_is_type(obj, json_type_object))
        return obj;
    if (obj != NULL && json_object_is_type(obj, json_type_object))
        wipe_strings(obj);
    json_object_put(obj);
    return NULL;
}

static const char *get_string(struct json_object *obj, const char *name)
{
    struct json_object *value;
    if (!json_object_object_get_ex(obj, name, &value) ||
        !json_object_is_type(value, json_type_string))
        return NULL;
    return json_object_get_string(value);
}

static bool is_visible(const char *text)
{
    if (text == NULL || text[0] == '\0')
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c > '~')
            return false;
    }
    return true;
}

static bool has_version_1(struct json_object *obj)
{
    struct json_object *v;
    return json_object_object_get_ex(obj, "Version", &v) &&
           json_object_is_type(v, json_type_int) && json_object_get_int(v) == 1;
}

/* A string field that fits the credentials store's rule for `key`. */
static bool fits(struct json_object *obj, const char *name, const char *key)
{
    const char *value = get_string(obj, name);
    return value != NULL && identity_value_valid(key, value);
}

static bool is_time(struct json_object *obj, const char *name)
{
    const char *value = get_string(obj, name);
    long long t;
    return value != NULL && text_parse_utc(value, &t);
}

const char *session_credentials_problem(const char *access_key_id,
                                        const char *secret_access_key,
                                        const char *session_token,
                                        const char *expiration)
{
    long long t;
    if (access_key_id == NULL ||
        !identity_value_valid("aws_access_key_id", access_key_id))
        return "AccessKeyId is missing or malformed";
    if (secret_access_key == NULL ||
        !identity_value_valid("aws_secret_access_key", secret_access_key))
        return "SecretAccessKey is missing or malformed";
    if (!is_visible(session_token))
        return "SessionToken is missing or malformed";
    if (expiration == NULL || !text_parse_utc(expiration, &t))
        return "Expiration is missing or not an ISO 8601 UTC time";
    return NULL;
}

/* Every field present and of the right form; messages name the field,
 * never its value. */
static const char *check_fields(struct json_object *obj)
{
    struct json_object *region;
    if (!has_version_1(obj))
        return "Version is not 1";
    const char *problem = session_credentials_problem(
        get_string(obj, "AccessKeyId"), get_string(obj, "SecretAccessKey"),
        get_string(obj, "SessionToken"), get_string(obj, "Expiration"));
    if (problem != NULL)
        return problem;
    if (!is_time(obj, "IssuedAt"))
        return "IssuedAt is missing or not an ISO 8601 UTC time";
    if (!fits(obj, "IamUser", "iam_user"))
        return "IamUser is missing or malformed";
    if (!fits(obj, "MfaSerial", "mfa_serial"))
        return "MfaSerial is missing or malformed";
    if (json_object_object_get_ex(obj, "RoleArn", NULL) &&
        !fits(obj, "RoleArn", "role_arn"))
        return "RoleArn is malformed";
    if (json_object_object_get_ex(obj, "Region", &region) &&
        !is_visible(get_string(obj, "Region")))
        return "Region is malformed";
    return NULL;
}

static bool copy_fields(struct json_object *obj, struct session_record *rec)
{
    const char *secret = get_string(obj, "SecretAccessKey");
    const char *token = get_string(obj, "SessionToken");
    const char *region = get_string(obj, "Region");
    const char *role = get_string(obj, "RoleArn");
    text_parse_utc(get_string(obj, "Expiration"), &rec->expiration);
    text_parse_utc(get_string(obj, "IssuedAt"), &rec->issued);
    rec->access_key_id = strdup(get_string(obj, "AccessKeyId"));
    rec->secret_access_key = secret_from_str(secret);
    rec->session_token = secret_from_str(token);
    rec->iam_user = strdup(get_string(obj, "IamUser"));
    rec->mfa_serial = strdup(get_string(obj, "MfaSerial"));
    rec->role_arn = role != NULL ? strdup(role) : NULL;
    rec->region = region != NULL ? strdup(region) : NULL;
    return rec->access_key_id && rec->secret_access_key && rec->session_token &&
           rec->iam_user && rec->mfa_serial &&
           (role == NULL || rec->role_arn != NULL) &&
           (region == NULL || rec->region != NULL);
}

static bool parse_record(const struct secret *text, const char *shown,
                         struct session_record *rec, char *err, size_t errlen)
{
    struct json_object *obj = parse_json(text);
    if (obj == NULL) {
        snprintf(err, errlen, "%s is not a JSON object", shown);
        return false;
    }
    const char *problem = check_fields(obj);
    if (problem == NULL && !copy_fields(obj, rec))
        problem = "out of memory";
    if (problem != NULL) {
        snprintf(err, errlen, "%s: %s", shown, problem);
        session_record_free(rec);
    }
    wipe_strings(obj);
    json_object_put(obj);
    return problem == NULL;
}

static const struct safefile_rules *file_rules(uid_t uid,
                                               struct safefile_rules *rules)
{
    *rules = (struct safefile_rules){
        .owner = uid,
        .mode_mask = 07777,
        .mode_want = 0600,
        .max_size = SESSION_MAX_SIZE,
    };
    return rules;
}

bool session_read(const char *path, uid_t uid, struct session_record *rec,
                  char *err, size_t errlen)
{
    memset(rec, 0, sizeof(*rec));
    struct safefile_rules rules;
    struct secret *text = NULL;
    if (safefile_read(path, file_rules(uid, &rules), &text, err, errlen) !=
        SAFEFILE_OK)
        return false;
    bool ok = parse_record(text, path, rec, err, errlen);
    secret_free(text);
    return ok;
}

bool session_remove_if_expired(const char *session_dir, uid_t uid,
                               long long now)
{
    char err[512];
    int dir = open_dirs(session_dir, uid, 0, false, err, sizeof(err));
    if (dir < 0)
        return false;
    struct safefile_rules rules;
    struct secret *text = NULL;
    struct session_record rec = {0};
    bool removed = safefile_readat(dir, SESSION_FILE, SESSION_FILE,
                                   file_rules(uid, &rules), &text, err,
                                   sizeof(err)) == SAFEFILE_OK &&
                   parse_record(text, SESSION_FILE, &rec, err, sizeof(err)) &&
                   rec.expiration <= now && unlinkat(dir, SESSION_FILE, 0) == 0;
    secret_free(text);
    session_record_free(&rec);
    close(dir);
    return removed;
}

void session_record_free(struct session_record *rec)
{
    free(rec->access_key_id);
    secret_free(rec->secret_access_key);
    secret_free(rec->session_token);
    free(rec->iam_user);
    free(rec->mfa_serial);
    free(rec->role_arn);
    free(rec->region);
    memset(rec, 0, sizeof(*rec));
}
