/* STS GetSessionToken, AssumeRole and GetCallerIdentity (aws.h): the
 * arguments checked against AWS's limits before sending, the answers
 * checked before anything is handed on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_parse.h"
#include "query.h"
#include "session.h"
#include "text.h"
#include "xml.h"

/* The four Credentials fields, in the order of the bit kept for each. */
enum cred_field { CRED_KEY_ID, CRED_SECRET, CRED_TOKEN, CRED_EXPIRATION };
static const char *const cred_names[] = {"AccessKeyId", "SecretAccessKey",
                                         "SessionToken", "Expiration"};

struct credential_reader {
    const char *result; /* "GetSessionTokenResult" or "AssumeRoleResult" */
    struct aws_credentials *out;
    char expiration[64];
    unsigned seen; /* one bit per enum cred_field */
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

/* Which Credentials field path names, or -1 for any other element. */
static int cred_field_of(const char *result, const char *path)
{
    char suffix[128];
    for (int f = CRED_KEY_ID; f <= CRED_EXPIRATION; f++) {
        snprintf(suffix, sizeof(suffix), "%s/Credentials/%s", result,
                 cred_names[f]);
        if (xml_path_ends(path, suffix))
            return f;
    }
    return -1;
}

static bool store_credential(struct credential_reader *r, int field,
                             const char *text)
{
    struct aws_credentials *out = r->out;
    switch (field) {
    case CRED_KEY_ID:
        return (out->access_key_id = strdup(text)) != NULL;
    case CRED_SECRET:
        return (out->secret_access_key = secret_from_str(text)) != NULL;
    case CRED_TOKEN:
        return (out->session_token = without_blanks(text)) != NULL;
    default:
        snprintf(r->expiration, sizeof(r->expiration), "%s", text);
        return true;
    }
}

static bool take_credential(void *ctx, const char *path, const char *text)
{
    struct credential_reader *r = ctx;
    int field = cred_field_of(r->result, path);
    if (field < 0)
        return true;
    if (r->seen & (1u << field)) {
        r->problem = "a Credentials field given twice";
        return false;
    }
    r->seen |= 1u << field;
    if (!store_credential(r, field, text)) {
        r->problem = "out of memory";
        return false;
    }
    return true;
}

/* Whether the credentials read can be used; err says why not.  An
 * empty element never reaches the reader, so it counts as missing.  The
 * fields must pass the rule the session file is read back with: what
 * would be refused there (a newline in the secret key, say) is never put
 * into the environment or written. */
static bool check_credentials(struct credential_reader *r, long long now,
                              char *err, size_t errlen)
{
    struct aws_credentials *out = r->out;
    for (int f = CRED_KEY_ID; f <= CRED_EXPIRATION; f++) {
        if (!(r->seen & (1u << f))) {
            snprintf(err, errlen, "missing or empty Credentials/%s",
                     cred_names[f]);
            return false;
        }
    }
    const char *problem = session_credentials_problem(
        out->access_key_id, secret_str(out->secret_access_key),
        secret_str(out->session_token), r->expiration);
    /* The rule has checked that Expiration reads as a time. */
    if (problem == NULL && text_parse_utc(r->expiration, &out->expiration) &&
        out->expiration <= now)
        problem = "Expiration is not in the future";
    if (problem != NULL)
        snprintf(err, errlen, "%s", problem);
    return problem == NULL;
}

bool sts_parse_credentials(const char *result, const char *body, size_t len,
                           long long now, struct aws_credentials *out,
                           char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct credential_reader r = {.result = result, .out = out};
    bool read = xml_read(body, len, take_credential, &r, err, errlen);
    if (!read && r.problem != NULL)
        snprintf(err, errlen, "%s", r.problem);
    if (read && check_credentials(&r, now, err, errlen))
        return true;
    aws_credentials_free(out);
    return false;
}

struct identity_reader {
    struct aws_caller_identity *out;
    const char *problem;
};

/* A sanitised copy: these strings end up in messages and the log. */
static bool keep_text(char **field, const char *text)
{
    size_t len = strlen(text) + 1;
    free(*field);
    *field = malloc(len);
    if (*field != NULL)
        text_sanitize(*field, len, text);
    return *field != NULL;
}

static bool take_identity(void *ctx, const char *path, const char *text)
{
    struct identity_reader *r = ctx;
    struct aws_caller_identity *out = r->out;
    bool ok = true;
    if (xml_path_ends(path, "GetCallerIdentityResult/Arn"))
        ok = keep_text(&out->arn, text);
    else if (xml_path_ends(path, "GetCallerIdentityResult/Account"))
        ok = keep_text(&out->account, text);
    else if (xml_path_ends(path, "GetCallerIdentityResult/UserId"))
        ok = keep_text(&out->user_id, text);
    if (!ok)
        r->problem = "out of memory";
    return ok;
}

bool sts_parse_caller_identity(const char *body, size_t len,
                               struct aws_caller_identity *out, char *err,
                               size_t errlen)
{
    memset(out, 0, sizeof(*out));
    struct identity_reader r = {.out = out};
    bool read = xml_read(body, len, take_identity, &r, err, errlen);
    if (!read && r.problem != NULL)
        snprintf(err, errlen, "%s", r.problem);
    else if (read && (!out->arn || !out->account || !out->user_id))
        snprintf(err, errlen, "no Arn, Account or UserId in the answer");
    else if (read)
        return true;
    aws_caller_identity_free(out);
    return false;
}

/* Whether text is min..max bytes, all of them in allowed. */
static bool made_of(const char *text, size_t min, size_t max,
                    const char *allowed)
{
    static const char word[] = "abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    size_t len = text ? strlen(text) : 0;
    if (len < min || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (strchr(word, text[i]) == NULL && strchr(allowed, text[i]) == NULL)
            return false;
    }
    return true;
}

/* The limits of AWS's API model, checked before anything is sent. */
static bool mfa_arguments_valid(const char *serial, const char *code,
                                struct aws_status *st)
{
    memset(st, 0, sizeof(*st));
    const char *bad = NULL;
    if (!made_of(serial, 9, 256, "+=/:,.@-"))
        bad = "SerialNumber is not 9 to 256 of [\\w+=/:,.@-]";
    else if (code == NULL || strlen(code) != 6 ||
             strspn(code, "0123456789") != 6)
        bad = "TokenCode is not 6 digits";
    if (bad == NULL)
        return true;
    st->result = AWS_LOCAL_ERROR;
    snprintf(st->detail, sizeof(st->detail), "%s", bad);
    return false;
}

static enum aws_result local_error(struct aws_status *st, const char *why)
{
    memset(st, 0, sizeof(*st));
    st->result = AWS_LOCAL_ERROR;
    snprintf(st->detail, sizeof(st->detail), "%s", why);
    return st->result;
}

/* Calls a credentials action and reads its answer into out. */
static enum aws_result
credentials_call(struct aws_client *c, const char *action,
                 const struct query_param *params, size_t count,
                 struct aws_credentials *out, struct aws_status *st)
{
    struct secret *body = NULL;
    if (query_call(c, &c->sts, action, params, count, true, &body, st) !=
        AWS_OK)
        return st->result;
    char result[64], err[128];
    snprintf(result, sizeof(result), "%sResult", action);
    if (!sts_parse_credentials(result, secret_str(body), secret_len(body),
                               (long long)time(NULL), out, err, sizeof(err))) {
        st->result = AWS_PROTOCOL_ERROR;
        snprintf(st->detail, sizeof(st->detail), "%s: %s", action, err);
    }
    secret_free(body);
    return st->result;
}

enum aws_result sts_get_session_token(struct aws_client *c,
                                      const char *serial_number,
                                      const char *token_code, long duration,
                                      struct aws_credentials *out,
                                      struct aws_status *st)
{
    memset(out, 0, sizeof(*out));
    if (!mfa_arguments_valid(serial_number, token_code, st))
        return st->result;
    if (duration < 900 || duration > 129600)
        return local_error(st, "DurationSeconds is not 900 to 129600");
    char seconds[24];
    snprintf(seconds, sizeof(seconds), "%ld", duration);
    struct query_param params[] = {{"DurationSeconds", seconds},
                                   {"SerialNumber", serial_number},
                                   {"TokenCode", token_code}};
    return credentials_call(c, "GetSessionToken", params, 3, out, st);
}

static const char *assume_role_problem(const struct sts_assume_role_request *r)
{
    size_t arn_len = r->role_arn ? strlen(r->role_arn) : 0;
    if (arn_len < 20 || arn_len > 2048 || strncmp(r->role_arn, "arn:", 4))
        return "RoleArn is not an ARN of 20 to 2048 characters";
    if (!made_of(r->role_arn, 20, 2048, "+=/:,.@-"))
        return "RoleArn has characters an ARN cannot have";
    if (!made_of(r->role_session_name, 2, 64, "+=,.@-"))
        return "RoleSessionName is not 2 to 64 of [\\w+=,.@-]";
    if (r->external_id != NULL && !made_of(r->external_id, 2, 1224, "+=,.@:/-"))
        return "ExternalId is not 2 to 1224 of [\\w+=,.@:/-]";
    if (r->source_identity != NULL &&
        !made_of(r->source_identity, 2, 64, "+=,.@-"))
        return "SourceIdentity is not 2 to 64 of [\\w+=,.@-]";
    if (r->duration < 900 || r->duration > 43200)
        return "DurationSeconds is not 900 to 43200";
    return NULL;
}

enum aws_result sts_assume_role(struct aws_client *c,
                                const struct sts_assume_role_request *req,
                                struct aws_credentials *out,
                                struct aws_status *st)
{
    memset(out, 0, sizeof(*out));
    if (!mfa_arguments_valid(req->serial_number, req->token_code, st))
        return st->result;
    const char *problem = assume_role_problem(req);
    if (problem != NULL)
        return local_error(st, problem);
    char seconds[24];
    snprintf(seconds, sizeof(seconds), "%ld", req->duration);
    struct query_param params[] = {
        {"DurationSeconds", seconds},
        {"ExternalId", req->external_id},
        {"RoleArn", req->role_arn},
        {"RoleSessionName", req->role_session_name},
        {"SerialNumber", req->serial_number},
        {"SourceIdentity", req->source_identity},
        {"TokenCode", req->token_code},
    };
    return credentials_call(c, "AssumeRole", params,
                            sizeof(params) / sizeof(params[0]), out, st);
}

enum aws_result sts_get_caller_identity(struct aws_client *c,
                                        struct aws_caller_identity *out,
                                        struct aws_status *st)
{
    memset(out, 0, sizeof(*out));
    struct secret *body = NULL;
    if (query_call(c, &c->sts, "GetCallerIdentity", NULL, 0, false, &body,
                   st) != AWS_OK)
        return st->result;
    char err[128];
    if (!sts_parse_caller_identity(secret_str(body), secret_len(body), out, err,
                                   sizeof(err))) {
        st->result = AWS_PROTOCOL_ERROR;
        snprintf(st->detail, sizeof(st->detail), "GetCallerIdentity: %s", err);
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

void aws_caller_identity_free(struct aws_caller_identity *id)
{
    free(id->arn);
    free(id->account);
    free(id->user_id);
    memset(id, 0, sizeof(*id));
}
