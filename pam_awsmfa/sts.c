#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_parse.h"
#include "query.h"
#include "text.h"
#include "xml.h"

struct credential_reader {
    struct aws_credentials *out;
    char expiration[64];
    const char *problem;
};

/* The session token may arrive wrapped over several lines: keep only
 * what is not white space. */
static struct secret *without_blanks(const char *text)
{
    struct secret *s = secret_new();
    for (const char *p = text; s != NULL && *p != '\0'; p++) {
        if (strchr(" \t\r\n", *p) != NULL)
            continue;
        if (!secret_append(s, p, 1)) {
            secret_free(s);
            return NULL;
        }
    }
    return s;
}

static bool replace_secret(struct secret **field, struct secret *value)
{
    secret_free(*field);
    *field = value;
    return value != NULL;
}

static bool take_credential(void *ctx, const char *path, const char *text)
{
    struct credential_reader *r = ctx;
    struct aws_credentials *out = r->out;
    if (!xml_path_ends(path, "Credentials/AccessKeyId") &&
        !xml_path_ends(path, "Credentials/SecretAccessKey") &&
        !xml_path_ends(path, "Credentials/SessionToken") &&
        !xml_path_ends(path, "Credentials/Expiration"))
        return true;
    bool ok = true;
    if (xml_path_ends(path, "AccessKeyId")) {
        free(out->access_key_id);
        ok = (out->access_key_id = strdup(text)) != NULL;
    } else if (xml_path_ends(path, "SecretAccessKey")) {
        ok = replace_secret(&out->secret_access_key, secret_from_str(text));
    } else if (xml_path_ends(path, "SessionToken")) {
        ok = replace_secret(&out->session_token, without_blanks(text));
    } else {
        snprintf(r->expiration, sizeof(r->expiration), "%s", text);
    }
    if (!ok)
        r->problem = "out of memory";
    return ok;
}

static bool key_id_valid(const char *id)
{
    size_t len = strlen(id);
    return len >= 16 && len <= 128 &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == len;
}

static const char *check_credentials(struct credential_reader *r, long long now)
{
    struct aws_credentials *out = r->out;
    if (out->access_key_id == NULL || out->secret_access_key == NULL ||
        out->session_token == NULL || r->expiration[0] == '\0')
        return "no complete Credentials in the answer";
    if (!key_id_valid(out->access_key_id))
        return "malformed AccessKeyId";
    if (secret_len(out->secret_access_key) == 0 ||
        secret_len(out->session_token) == 0)
        return "empty secret or token";
    if (!text_parse_utc(r->expiration, &out->expiration))
        return "malformed Expiration";
    if (out->expiration <= now)
        return "Expiration is not in the future";
    return NULL;
}

bool sts_parse_credentials(const char *body, size_t len, long long now,
                           struct aws_credentials *out, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct credential_reader r = {.out = out};
    bool read = xml_read(body, len, take_credential, &r, err, errlen);
    const char *problem = read ? check_credentials(&r, now) : r.problem;
    if (read && problem == NULL)
        return true;
    if (problem != NULL)
        snprintf(err, errlen, "%s", problem);
    aws_credentials_free(out);
    return false;
}

enum aws_result sts_get_session_token(struct aws_client *c,
                                      const char *serial_number,
                                      const char *token_code, long duration,
                                      struct aws_credentials *out,
                                      struct aws_status *st)
{
    char seconds[24];
    snprintf(seconds, sizeof(seconds), "%ld", duration);
    struct query_param params[] = {{"DurationSeconds", seconds},
                                   {"SerialNumber", serial_number},
                                   {"TokenCode", token_code}};
    struct secret *body = NULL;
    memset(out, 0, sizeof(*out));
    if (query_call(c, &c->sts, "GetSessionToken", params, 3, &body, st) !=
        AWS_OK)
        return st->result;
    char err[128];
    if (!sts_parse_credentials(secret_str(body), secret_len(body),
                               (long long)time(NULL), out, err, sizeof(err))) {
        st->result = AWS_PROTOCOL_ERROR;
        snprintf(st->detail, sizeof(st->detail), "GetSessionToken: %s", err);
    }
    secret_free(body);
    return st->result;
}

void aws_credentials_free(struct aws_credentials *cr)
{
    free(cr->access_key_id);
    secret_free(cr->secret_access_key);
    secret_free(cr->session_token);
    memset(cr, 0, sizeof(*cr));
}
