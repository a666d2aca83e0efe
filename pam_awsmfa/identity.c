#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ini.h"
#include "safefile.h"
#include "text.h"

#define STORE_MAX_SIZE (256 * 1024)

#define UPPER_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
/* The \w of AWS's patterns. */
#define WORD UPPER_DIGITS "abcdefghijklmnopqrstuvwxyz_"

enum store_key {
    KEY_ID,
    KEY_SECRET,
    KEY_IAM_USER,
    KEY_SERIAL,
    KEY_ROLE,
    KEY_EXTERNAL_ID,
    KEY_SESSION_NAME,
    KEY_SOURCE_IDENTITY,
    KEY_DURATION,
    KEY_COUNT
};

static const char *const store_keys[KEY_COUNT] = {
    "aws_access_key_id", "aws_secret_access_key",
    "iam_user",          "mfa_serial",
    "role_arn",          "external_id",
    "role_session_name", "source_identity",
    "duration",
};

/* The whole store is checked, every section, so that a mistake shows at
 * the next login of anyone rather than only at its own user's. */
struct store_reading {
    const char *shown;
    const char *wanted;
    char *name;    /* the section being read, NULL before the first */
    unsigned line; /* ... and its header's line */
    bool seen[KEY_COUNT];
    struct identity current;
    struct identity found;
    bool have_found;
    char **names; /* every section so far, to refuse a repeat */
    size_t name_count;
    char err[512]; /* a problem that is not about the current line */
};

static bool only_chars(const char *value, const char *allowed, size_t min,
                       size_t max)
{
    size_t len = strlen(value);
    return len >= min && len <= max && strspn(value, allowed) == len;
}

static bool is_printable_word(const char *value, size_t max)
{
    size_t len = strlen(value);
    if (len == 0 || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c <= ' ' || c > '~')
            return false;
    }
    return true;
}

/* Which values AWS would accept (the patterns of its API models). */
static bool value_fits(enum store_key key, const char *value)
{
    switch (key) {
    case KEY_ID:
        return only_chars(value, UPPER_DIGITS, 16, 128);
    case KEY_SECRET:
        return is_printable_word(value, 256);
    case KEY_IAM_USER:
        return only_chars(value, WORD "+=,.@-", 1, 64);
    case KEY_SERIAL:
        return only_chars(value, WORD "+=/:,.@-", 9, 256);
    case KEY_ROLE:
        return strncmp(value, "arn:", 4) == 0 &&
               only_chars(value, WORD "+=/:,.@-", 20, 2048);
    case KEY_EXTERNAL_ID:
        return only_chars(value, WORD "+=,.@:/-", 2, 1224);
    case KEY_SESSION_NAME:
    case KEY_SOURCE_IDENTITY:
        return only_chars(value, WORD "+=,.@-", 2, 64);
    default:
        return false;
    }
}

static const char *const key_rules[KEY_COUNT] = {
    "16 to 128 capital letters and digits",
    "printable characters with no blanks",
    "1 to 64 of letters, digits and +=,.@_-",
    "9 to 256 of letters, digits and +=/:,.@_-",
    "an ARN (arn:...), 20 to 2048 characters",
    "2 to 1224 of letters, digits and +=,.@:/_-",
    "2 to 64 of letters, digits and +=,.@_-",
    "2 to 64 of letters, digits and +=,.@_-",
    "a whole number from 900 to 129600",
};

bool identity_value_valid(const char *key, const char *value)
{
    for (int k = 0; k < KEY_COUNT; k++) {
        if (k != KEY_DURATION && strcmp(key, store_keys[k]) == 0)
            return value_fits((enum store_key)k, value);
    }
    return false;
}

static bool parse_duration(const char *value, long *out)
{
    if (value[0] < '0' || value[0] > '9')
        return false;
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (*end != '\0' || errno == ERANGE || n < CONFIG_DURATION_MIN ||
        n > CONFIG_DURATION_MAX)
        return false;
    *out = n;
    return true;
}

static char **text_field(struct identity *id, enum store_key key)
{
    switch (key) {
    case KEY_ID:
        return &id->access_key_id;
    case KEY_IAM_USER:
        return &id->iam_user;
    case KEY_SERIAL:
        return &id->mfa_serial;
    case KEY_EXTERNAL_ID:
        return &id->external_id;
    case KEY_SESSION_NAME:
        return &id->role_session_name;
    case KEY_SOURCE_IDENTITY:
        return &id->source_identity;
    default:
        return &id->role_arn;
    }
}

static bool store_value(struct identity *id, enum store_key key,
                        const char *value)
{
    if (key == KEY_SECRET) {
        id->secret_access_key = secret_from_str(value);
        return id->secret_access_key != NULL;
    }
    char **field = text_field(id, key);
    *field = strdup(value);
    return *field != NULL;
}

static bool bad_value(enum store_key key, const char *value, char *msg,
                      size_t msglen)
{
    char shown[80] = "(not shown)";
    if (key != KEY_SECRET)
        text_sanitize(shown, sizeof(shown), value);
    snprintf(msg, msglen, "%s '%s' is not valid: %s", store_keys[key], shown,
             key_rules[key]);
    return false;
}

static bool set_key(struct store_reading *r, enum store_key key,
                    const char *value, char *msg, size_t msglen)
{
    if (r->seen[key]) {
        snprintf(msg, msglen, "%s is given twice in [%s]", store_keys[key],
                 r->name);
        return false;
    }
    r->seen[key] = true;
    if (key == KEY_DURATION) {
        if (!parse_duration(value, &r->current.duration))
            return bad_value(key, value, msg, msglen);
        return true;
    }
    if (!value_fits(key, value))
        return bad_value(key, value, msg, msglen);
    if (!store_value(&r->current, key, value)) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    return true;
}

static bool store_pair(void *ctx, unsigned line, const char *section,
                       const char *key, const char *value, char *msg,
                       size_t msglen)
{
    (void)line;
    struct store_reading *r = ctx;
    if (section == NULL) {
        snprintf(msg, msglen, "%s is outside of any [user] section", key);
        return false;
    }
    for (int k = 0; k < KEY_COUNT; k++) {
        if (strcmp(key, store_keys[k]) == 0)
            return set_key(r, (enum store_key)k, value, msg, msglen);
    }
    char shown[80];
    text_sanitize(shown, sizeof(shown), key);
    snprintf(msg, msglen, "unknown key '%s'", shown);
    return false;
}

/* What a complete section lacks or has too much of, or NULL.  Without
 * iam_user the module asks AWS whose key it is; the role keys only make
 * sense with a role, and a role session lasts at most 12 hours. */
static const char *section_problem(const struct store_reading *r)
{
    if (!r->seen[KEY_ID])
        return "has no aws_access_key_id";
    if (!r->seen[KEY_SECRET])
        return "has no aws_secret_access_key";
    if (r->current.role_arn == NULL &&
        (r->seen[KEY_EXTERNAL_ID] || r->seen[KEY_SESSION_NAME] ||
         r->seen[KEY_SOURCE_IDENTITY]))
        return "has external_id, role_session_name or source_identity "
               "without role_arn";
    if (r->current.role_arn != NULL &&
        r->current.duration > CONFIG_ROLE_DURATION_MAX)
        return "has a duration over 43200, the most a role session "
               "can last";
    return NULL;
}

static bool check_section(struct store_reading *r)
{
    const char *problem = section_problem(r);
    if (problem != NULL)
        snprintf(r->err, sizeof(r->err), "%s:%u: section [%s] %s", r->shown,
                 r->line, r->name, problem);
    return problem == NULL;
}

/* Checks the section just read and keeps it if it is the wanted user's. */
static bool finish_section(struct store_reading *r)
{
    if (r->name == NULL)
        return true;
    bool ok = check_section(r);
    if (ok && strcmp(r->name, r->wanted) == 0) {
        r->found = r->current;
        r->have_found = true;
    } else {
        identity_free(&r->current);
    }
    memset(&r->current, 0, sizeof(r->current));
    memset(r->seen, 0, sizeof(r->seen));
    r->name = NULL;
    return ok;
}

/* Any bytes but blanks and control characters: names beyond ASCII exist
 * (useradd --badname, directory services), and char may be signed. */
static bool is_section_name(const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == 0x7f)
            return false;
    }
    return name[0] != '\0';
}

static bool start_section(struct store_reading *r, unsigned line,
                          const char *name, char *msg, size_t msglen)
{
    char shown[80];
    text_sanitize(shown, sizeof(shown), name);
    if (!is_section_name(name)) {
        snprintf(msg, msglen, "section [%s] is not a Linux user name", shown);
        return false;
    }
    for (size_t i = 0; i < r->name_count; i++) {
        if (strcmp(r->names[i], name) == 0) {
            snprintf(msg, msglen, "section [%s] is given twice", shown);
            return false;
        }
    }
    char **names = realloc(r->names, (r->name_count + 1) * sizeof(*names));
    char *copy = strdup(name);
    if (names != NULL)
        r->names = names;
    if (names == NULL || copy == NULL) {
        free(copy);
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    r->names[r->name_count++] = copy;
    r->name = copy;
    r->line = line;
    return true;
}

static bool store_section(void *ctx, unsigned line, const char *name, char *msg,
                          size_t msglen)
{
    struct store_reading *r = ctx;
    if (!finish_section(r)) {
        msg[0] = '\0';
        return false;
    }
    return start_section(r, line, name, msg, msglen);
}

static void reading_free(struct store_reading *r)
{
    identity_free(&r->current);
    for (size_t i = 0; i < r->name_count; i++)
        free(r->names[i]);
    free(r->names);
}

static bool read_store(struct store_reading *r, const struct secret *text,
                       char *err, size_t errlen)
{
    const struct ini_handler h = {.section = store_section,
                                  .pair = store_pair,
                                  .ctx = r,
                                  .refuse_trailing_comments = true};
    bool ok = ini_parse(secret_str(text), secret_len(text), r->shown, &h, err,
                        errlen) &&
              finish_section(r);
    if (r->err[0] != '\0')
        snprintf(err, errlen, "%s", r->err);
    return ok;
}

enum identity_result identity_lookup(const char *store_path,
                                     const char *linux_user,
                                     struct identity *out, char *err,
                                     size_t errlen)
{
    memset(out, 0, sizeof(*out));
    const struct safefile_rules rules = {
        .owner = geteuid(),
        .mode_mask = 077,
        .mode_want = 0,
        .max_size = STORE_MAX_SIZE,
    };
    struct secret *text = NULL;
    if (safefile_read(store_path, &rules, &text, err, errlen) != SAFEFILE_OK)
        return IDENTITY_ERROR;
    struct store_reading r = {.shown = store_path, .wanted = linux_user};
    bool ok = read_store(&r, text, err, errlen);
    secret_free(text);
    reading_free(&r);
    if (!ok) {
        identity_free(&r.found);
        return IDENTITY_ERROR;
    }
    if (!r.have_found) {
        snprintf(err, errlen, "%s has no section for this user", store_path);
        return IDENTITY_UNMAPPED;
    }
    *out = r.found;
    return IDENTITY_FOUND;
}

void identity_free(struct identity *id)
{
    free(id->iam_user);
    free(id->access_key_id);
    secret_free(id->secret_access_key);
    free(id->mfa_serial);
    free(id->role_arn);
    free(id->external_id);
    free(id->role_session_name);
    free(id->source_identity);
    memset(id, 0, sizeof(id[0]));
}

/* The ARN's six parts are arn:PARTITION:iam::ACCOUNT:user/PATH/NAME; an
 * IAM user's path may hold more slashes, its name none. */
char *identity_user_from_arn(const char *arn, char *err, size_t errlen)
{
    const char *p = arn;
    for (int colons = 0; colons < 5 && p != NULL; colons++) {
        p = strchr(p, ':');
        p = p ? p + 1 : NULL;
    }
    const char *service =
        strncmp(arn, "arn:", 4) == 0 ? strchr(arn + 4, ':') : NULL;
    bool is_iam =
        service != NULL && strncmp(service, ":iam::", 6) == 0 && p != NULL;
    const char *name = p ? strrchr(p, '/') : NULL;
    if (!is_iam || strncmp(p, "user/", 5) != 0 || name == NULL ||
        !value_fits(KEY_IAM_USER, name + 1)) {
        char shown[128];
        text_sanitize(shown, sizeof(shown), arn);
        snprintf(err, errlen,
                 "the access key belongs to %s, which is not an IAM user "
                 "(set iam_user, or use an IAM user's key)",
                 shown);
        return NULL;
    }
    char *user = strdup(name + 1);
    if (user == NULL)
        snprintf(err, errlen, "out of memory");
    return user;
}

void identity_session_name(const char *linux_user, char *out)
{
    size_t n = 0;
    for (; linux_user[n] != '\0' && n < IDENTITY_SESSION_NAME_MAX; n++) {
        char c = linux_user[n];
        out[n] = strchr(WORD "+=,.@-", c) != NULL ? c : '-';
    }
    if (n < 2) {
        memset(out + n, '-', 2 - n);
        n = 2;
    }
    out[n] = '\0';
}
