#include "exchange.h"

#include <stdio.h>
#include <string.h>

#define SEE_ADMIN "Ask the bastion's administrator to check the system log."

long exchange_duration(const struct identity *id, const struct config *cfg)
{
    if (id->duration != 0)
        return id->duration;
    return id->role_arn != NULL ? cfg->role_duration : cfg->duration;
}

enum aws_result exchange_code(struct aws_client *c, const struct identity *id,
                              const char *linux_user, const char *serial,
                              const char *code, long duration,
                              struct aws_credentials *out,
                              struct aws_status *st)
{
    if (id->role_arn == NULL)
        return sts_get_session_token(c, serial, code, duration, out, st);
    char session_name[IDENTITY_SESSION_NAME_MAX + 1];
    identity_session_name(id->role_session_name ? id->role_session_name
                                                : linux_user,
                          session_name);
    const struct sts_assume_role_request req = {
        .role_arn = id->role_arn,
        .role_session_name = session_name,
        .serial_number = serial,
        .token_code = code,
        .duration = duration,
        .external_id = id->external_id,
        .source_identity = id->source_identity,
    };
    return sts_assume_role(c, &req, out, st);
}

/* AWS's words (ValidationError) when DurationSeconds passes the role's
 * MaxSessionDuration; the role's limit itself is not in the answer. */
static bool over_role_limit(const struct aws_status *st)
{
    return strcmp(st->code, "ValidationError") == 0 &&
           strstr(st->message, "MaxSessionDuration") != NULL;
}

/* AWS's words in an AccessDenied that names the permission missing. */
#define NOT_AUTHORIZED "not authorized to perform: "

/* AccessDenied naming sts:AssumeRole: the role's trust policy or the
 * user's permissions do not allow it (a wrong code reads differently). */
static bool role_not_allowed(const struct aws_status *st)
{
    return strcmp(st->code, "AccessDenied") == 0 &&
           strstr(st->message, NOT_AUTHORIZED "sts:AssumeRole") != NULL;
}

/* AccessDenied naming what AssumeRole sends beside the role: a source
 * identity (sts:SetSourceIdentity) or session tags (sts:TagSession) that
 * the role's trust policy does not grant.  NULL when it is not that. */
static const char *missing_role_permission(const struct aws_status *st)
{
    static const char *const extras[] = {"sts:SetSourceIdentity",
                                         "sts:TagSession"};
    if (strcmp(st->code, "AccessDenied") != 0)
        return NULL;
    const char *named = strstr(st->message, NOT_AUTHORIZED);
    if (named == NULL)
        return NULL;
    named += strlen(NOT_AUTHORIZED);
    for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
        size_t len = strlen(extras[i]);
        if (strncmp(named, extras[i], len) == 0 &&
            (named[len] == ' ' || named[len] == '\0'))
            return extras[i];
    }
    return NULL;
}

bool exchange_explain_role_refusal(const struct aws_status *st,
                                   const struct identity *id, long duration,
                                   struct explanation *out)
{
    if (id->role_arn == NULL || st->result != AWS_API_ERROR)
        return false;
    if (over_role_limit(st)) {
        snprintf(out->user, sizeof(out->user),
                 "Role %s does not allow sessions of %ld seconds. %s",
                 id->role_arn, duration, SEE_ADMIN);
        snprintf(out->log, sizeof(out->log),
                 "role session of %lds is over the role's "
                 "MaxSessionDuration: lower duration (or role_duration) or "
                 "raise the role's maximum (AWS: %s)",
                 duration, st->message);
        return true;
    }
    if (role_not_allowed(st)) {
        snprintf(out->user, sizeof(out->user),
                 "IAM user %s may not assume role %s. %s", id->iam_user,
                 id->role_arn, SEE_ADMIN);
        snprintf(out->log, sizeof(out->log),
                 "AssumeRole refused: check the role's trust policy and the "
                 "user's sts:AssumeRole permission (AWS: %s)",
                 st->message);
        return true;
    }
    const char *missing = missing_role_permission(st);
    if (missing != NULL) {
        snprintf(out->user, sizeof(out->user),
                 "Role %s does not accept this login. %s", id->role_arn,
                 SEE_ADMIN);
        snprintf(out->log, sizeof(out->log),
                 "AssumeRole refused: the role does not grant %s; check the "
                 "role's trust policy (AWS: %s)",
                 missing, st->message);
        return true;
    }
    return false;
}
