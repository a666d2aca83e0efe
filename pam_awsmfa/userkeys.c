#include "userkeys.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "safefile.h"

#define USER_FILE_MAX_SIZE (256 * 1024)

/* One profile being looked for in one of the two files. */
struct profile_reading {
    const char *profile;
    bool config;    /* the config file's "[profile NAME]" headers */
    bool in_wanted; /* in a section of the profile */
    bool in_defaults;
    unsigned found; /* the line of its section, 0 before */
    struct identity *out;
    const char *refusal; /* why the profile cannot be used */
};

/* The keys this module reads: anything else is left to the AWS tools. */
static bool read_here(const char *key)
{
    static const char *const keys[] = {
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
        "credential_process", "mfa_serial"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i]) == 0)
            return true;
    }
    return false;
}

/* botocore's names for a config file's sections: "[profile NAME]" (the
 * words split as a shell would, any blanks between them) and
 * "[default]" for the default profile. */
static bool config_section_is(const char *name, const char *profile)
{
    if (strcmp(name, "default") == 0)
        return strcmp(profile, "default") == 0;
    const char *blanks = " \t";
    if (strncmp(name, "profile", 7) != 0 || strchr(blanks, name[7]) == NULL ||
        name[7] == '\0')
        return false;
    const char *start = name + 7 + strspn(name + 7, blanks);
    size_t len = strcspn(start, blanks);
    if (start[len + strspn(start + len, blanks)] != '\0')
        return false;
    /* A quoted name ("my-profile" or 'my-profile') loses its quotes. */
    if (len >= 2 && (start[0] == '"' || start[0] == '\'') &&
        start[len - 1] == start[0]) {
        start++;
        len -= 2;
    }
    return strlen(profile) == len && strncmp(start, profile, len) == 0;
}

/* Two sections for the profile would leave the AWS tools taking one of
 * them (or refusing the file), so both are refused here. */
static bool profile_section(void *ctx, unsigned line, const char *name,
                            char *msg, size_t msglen)
{
    struct profile_reading *r = ctx;
    r->in_wanted = r->config ? config_section_is(name, r->profile)
                             : strcmp(name, r->profile) == 0;
    /* Python's configparser gives a [DEFAULT] section's keys to every
     * section: botocore would see them in the profile. */
    r->in_defaults = strcmp(name, "DEFAULT") == 0;
    if (r->in_wanted && r->found != 0) {
        snprintf(msg, msglen, "profile [%s] is given again (first on line %u)",
                 r->profile, r->found);
        return false;
    }
    if (r->in_wanted)
        r->found = line;
    return true;
}

/* Continued values and odd lines outside the profile are the AWS tools'
 * business; in the profile they would change what the tools read. */
static bool profile_skipped(void *ctx, unsigned line, const char *section,
                            const char *key, const char *why, char *msg,
                            size_t msglen)
{
    (void)line;
    (void)section;
    struct profile_reading *r = ctx;
    if ((!r->in_wanted && !r->in_defaults) || (key != NULL && !read_here(key)))
        return true;
    if (key != NULL)
        snprintf(msg, msglen, "%s: %s", key, why);
    else
        snprintf(msg, msglen, "%s", why);
    return false;
}

/* A key of ours in [DEFAULT] would reach the profile unseen. */
static bool default_pair(const struct profile_reading *r, const char *key,
                         char *msg, size_t msglen)
{
    if (!r->in_defaults || !read_here(key))
        return true;
    snprintf(msg, msglen,
             "%s in [DEFAULT] applies to every profile: move it into "
             "the profile's own section",
             key);
    return false;
}

/* Keeps a value of the wanted profile once; a second one is refused, as
 * the AWS tools would silently take one of them. */
static bool keep(char **field, const char *key, const char *value, char *msg,
                 size_t msglen)
{
    if (*field != NULL) {
        snprintf(msg, msglen, "%s is given twice in the profile", key);
        return false;
    }
    if (!identity_value_valid(key, value)) {
        snprintf(msg, msglen, "%s is not valid", key);
        return false;
    }
    *field = strdup(value);
    if (*field == NULL)
        snprintf(msg, msglen, "out of memory");
    return *field != NULL;
}

/* Keys other than these belong to the AWS tools (region, output, ...)
 * and are left to them. */
static bool credentials_pair(void *ctx, unsigned line, const char *section,
                             const char *key, const char *value, char *msg,
                             size_t msglen)
{
    (void)line;
    (void)section;
    struct profile_reading *r = ctx;
    if (!r->in_wanted)
        return default_pair(r, key, msg, msglen);
    if (strcmp(key, "aws_session_token") == 0)
        r->refusal = "holds aws_session_token: it is already a temporary "
                     "session, not a long-term key";
    else if (strcmp(key, "credential_process") == 0)
        r->refusal = "is a credential_process, not a long-term key";
    else if (strcmp(key, "aws_access_key_id") == 0)
        return keep(&r->out->access_key_id, key, value, msg, msglen);
    else if (strcmp(key, "aws_secret_access_key") == 0) {
        if (r->out->secret_access_key != NULL ||
            !identity_value_valid(key, value)) {
            snprintf(msg, msglen,
                     "aws_secret_access_key is not valid or "
                     "given twice");
            return false;
        }
        r->out->secret_access_key = secret_from_str(value);
        if (r->out->secret_access_key == NULL)
            snprintf(msg, msglen, "out of memory");
        return r->out->secret_access_key != NULL;
    }
    return true;
}

static bool config_pair(void *ctx, unsigned line, const char *section,
                        const char *key, const char *value, char *msg,
                        size_t msglen)
{
    (void)line;
    (void)section;
    struct profile_reading *r = ctx;
    if (!r->in_wanted)
        return default_pair(r, key, msg, msglen);
    if (strcmp(key, "credential_process") == 0)
        r->refusal = "is a credential_process, not a long-term key";
    else if (strcmp(key, "mfa_serial") == 0)
        return keep(&r->out->mfa_serial, key, value, msg, msglen);
    return true;
}

static enum identity_result read_profile(const char *path, uid_t uid,
                                         mode_t forbidden,
                                         const struct ini_handler *h, char *err,
                                         size_t errlen)
{
    const struct safefile_rules rules = {
        .owner = uid,
        .mode_mask = forbidden,
        .mode_want = 0,
        .max_size = USER_FILE_MAX_SIZE,
    };
    struct secret *text = NULL;
    enum safefile_result got = safefile_read(path, &rules, &text, err, errlen);
    if (got == SAFEFILE_MISSING)
        return IDENTITY_UNMAPPED;
    if (got != SAFEFILE_OK)
        return IDENTITY_ERROR;
    bool ok =
        ini_parse(secret_str(text), secret_len(text), path, h, err, errlen);
    secret_free(text);
    return ok ? IDENTITY_FOUND : IDENTITY_ERROR;
}

static enum identity_result refused(struct identity *out, const char *path,
                                    const char *profile, const char *why,
                                    char *err, size_t errlen)
{
    identity_free(out);
    snprintf(err, errlen, "%s: profile [%s] %s", path, profile, why);
    return IDENTITY_ERROR;
}

/* The credentials file: the profile must exist there with a key pair. */
static enum identity_result read_credentials(const char *dir, uid_t uid,
                                             const char *profile,
                                             struct identity *out, char *err,
                                             size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/credentials", dir);
    struct profile_reading r = {.profile = profile, .out = out};
    const struct ini_handler h = {.section = profile_section,
                                  .pair = credentials_pair,
                                  .skipped = profile_skipped,
                                  .ctx = &r,
                                  .aws_tools_syntax = true};
    enum identity_result got = read_profile(path, uid, 077, &h, err, errlen);
    if (got == IDENTITY_ERROR)
        identity_free(out);
    if (got != IDENTITY_FOUND)
        return got;
    if (!r.found) {
        snprintf(err, errlen, "%s has no profile [%s]", path, profile);
        return IDENTITY_UNMAPPED;
    }
    if (r.refusal != NULL)
        return refused(out, path, profile, r.refusal, err, errlen);
    if (out->access_key_id == NULL || out->secret_access_key == NULL)
        return refused(out, path, profile,
                       "has no aws_access_key_id and aws_secret_access_key",
                       err, errlen);
    return IDENTITY_FOUND;
}

/* The config file is optional; it may only add mfa_serial. */
static enum identity_result read_config(const char *dir, uid_t uid,
                                        const char *profile,
                                        struct identity *out, char *err,
                                        size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/config", dir);
    struct profile_reading r = {.profile = profile, .config = true, .out = out};
    const struct ini_handler h = {.section = profile_section,
                                  .pair = config_pair,
                                  .skipped = profile_skipped,
                                  .ctx = &r,
                                  .aws_tools_syntax = true};
    enum identity_result got = read_profile(path, uid, 022, &h, err, errlen);
    if (got == IDENTITY_ERROR) {
        identity_free(out);
        return got;
    }
    if (r.refusal != NULL)
        return refused(out, path, profile, r.refusal, err, errlen);
    return IDENTITY_FOUND;
}

void userkeys_dir(const char *configured, const char *home, char *out,
                  size_t outlen)
{
    if (strncmp(configured, "~/", 2) == 0)
        snprintf(out, outlen, "%s/%s", home, configured + 2);
    else
        snprintf(out, outlen, "%s", configured);
}

enum identity_result userkeys_lookup(const char *dir, uid_t uid,
                                     const char *profile, struct identity *out,
                                     char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    enum identity_result got =
        read_credentials(dir, uid, profile, out, err, errlen);
    if (got == IDENTITY_FOUND)
        got = read_config(dir, uid, profile, out, err, errlen);
    return got;
}
