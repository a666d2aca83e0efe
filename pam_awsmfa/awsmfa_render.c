#include "awsmfa_render.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static bool append(struct secret *out, const char *text)
{
    return secret_append(out, text, strlen(text));
}

/* POSIX shells take everything between single quotes literally, except
 * the single quote itself, which is closed, escaped and reopened: '\''. */
static bool append_posix_quoted(struct secret *out, const char *value)
{
    bool ok = append(out, "'");
    for (const char *p = value; ok && *p != '\0'; p++)
        ok = *p == '\'' ? append(out, "'\\''") : secret_append(out, p, 1);
    return ok && append(out, "'");
}

/* fish's single quotes know two escapes, \' and \\; nothing else is
 * special between them. */
static bool append_fish_quoted(struct secret *out, const char *value)
{
    bool ok = append(out, "'");
    for (const char *p = value; ok && *p != '\0'; p++) {
        if (*p == '\'' || *p == '\\')
            ok = append(out, "\\");
        ok = ok && secret_append(out, p, 1);
    }
    return ok && append(out, "'");
}

/* entry is "NAME=value"; names are fixed AWS_* words. */
static bool append_assignment(struct secret *out, const char *entry,
                              enum awsmfa_shell shell)
{
    const char *equals = strchr(entry, '=');
    if (equals == NULL)
        return false;
    bool fish = shell == AWSMFA_SHELL_FISH;
    return append(out, fish ? "set -gx " : "export ") &&
           secret_append(out, entry, (size_t)(equals - entry)) &&
           append(out, fish ? " " : "=") &&
           (fish ? append_fish_quoted(out, equals + 1)
                 : append_posix_quoted(out, equals + 1)) &&
           append(out, fish ? ";\n" : "\n");
}

struct secret *awsmfa_render_env(const struct session_record *rec,
                                 enum awsmfa_shell shell)
{
    struct secret **entries = NULL;
    int count = session_environment(rec, &entries);
    if (count < 0)
        return NULL;
    struct secret *out = secret_new();
    bool ok = out != NULL;
    for (int i = 0; ok && i < count; i++)
        ok = append_assignment(out, secret_str(entries[i]), shell);
    session_environment_free(entries, count);
    if (!ok) {
        secret_free(out);
        return NULL;
    }
    return out;
}

/* A JSON string.  The session file's values are checked to be printable
 * ASCII when read, but the quoting does not rely on it. */
static bool append_json_string(struct secret *out, const char *value)
{
    bool ok = append(out, "\"");
    for (const char *p = value; ok && *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        char escaped[8];
        if (c == '"' || c == '\\') {
            snprintf(escaped, sizeof(escaped), "\\%c", c);
            ok = append(out, escaped);
        } else if (c < 0x20) {
            snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            ok = append(out, escaped);
        } else {
            ok = secret_append(out, p, 1);
        }
    }
    return ok && append(out, "\"");
}

static bool append_member(struct secret *out, const char *name,
                          const char *value)
{
    return append(out, ", ") && append_json_string(out, name) &&
           append(out, ": ") && append_json_string(out, value);
}

/* Written by hand into a secret: json-c's output buffer grows by realloc
 * and would leave unwiped copies of the token behind. */
struct secret *
awsmfa_render_credential_process(const struct session_record *rec)
{
    char expiration[32];
    if (!text_format_utc(rec->expiration, expiration, sizeof(expiration)))
        return NULL;
    struct secret *out = secret_from_str("{\"Version\": 1");
    bool ok =
        out != NULL && append_member(out, "AccessKeyId", rec->access_key_id) &&
        append_member(out, "SecretAccessKey",
                      secret_str(rec->secret_access_key)) &&
        append_member(out, "SessionToken", secret_str(rec->session_token)) &&
        append_member(out, "Expiration", expiration) && append(out, "}\n");
    if (!ok) {
        secret_free(out);
        return NULL;
    }
    return out;
}
