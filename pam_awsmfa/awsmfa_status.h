/* awsmfa status: what the calling user's session is, for people and for
 * scripts.  Shows no secret: the access key id, never the secret key or
 * the session token. */
#ifndef PAM_AWSMFA_AWSMFA_STATUS_H
#define PAM_AWSMFA_AWSMFA_STATUS_H

#include <stdbool.h>

#include "awsmfa_load.h"

/* Prints the status on stdout: text lines for a VALID or EXPIRED session
 * (nothing for the others, whose message goes to stderr), or with json
 * set one JSON object for every state.  False when stdout failed. */
bool awsmfa_status_print(const struct awsmfa_session *s, bool json);

#endif
