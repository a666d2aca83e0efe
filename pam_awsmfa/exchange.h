/* Trading a TOTP code for temporary credentials: GetSessionToken for the
 * IAM user's own session, or AssumeRole when the identity names a role. */
#ifndef PAM_AWSMFA_EXCHANGE_H
#define PAM_AWSMFA_EXCHANGE_H

#include <stdbool.h>

#include "aws.h"
#include "config.h"
#include "explain.h"
#include "identity.h"

/* The session length to ask for: the identity's own duration, else the
 * config's duration (role_duration for a role). */
long exchange_duration(const struct identity *id, const struct config *cfg);

/* Sends the code: AssumeRole with the identity's role, external id,
 * source identity and session name (the Linux user's, made fit for AWS,
 * when none is set), or GetSessionToken when there is no role. */
enum aws_result exchange_code(struct aws_client *c, const struct identity *id,
                              const char *linux_user, const char *serial,
                              const char *code, long duration,
                              struct aws_credentials *out,
                              struct aws_status *st);

/* A refusal that is about the role, not the code: a duration over the
 * role's MaxSessionDuration, or a role that does not trust this IAM user.
 * Returns true and fills out for those (no other code can help). */
bool exchange_explain_role_refusal(const struct aws_status *st,
                                   const struct identity *id, long duration,
                                   struct explanation *out);

#endif
