/* key_source = user: the long-term key comes from a profile of the
 * user's own AWS files (credentials and config in the user's AWS
 * directory, ~/.aws by default), as in AWS's manual MFA procedure. */
#ifndef PAM_AWSMFA_USERKEYS_H
#define PAM_AWSMFA_USERKEYS_H

#include <stddef.h>
#include <sys/types.h>

#include "identity.h"

/* Reads profile from dir/credentials (aws_access_key_id and
 * aws_secret_access_key) and its mfa_serial from dir/config ("[profile
 * NAME]", or "[default]" or "[profile default]"), in the syntax the AWS
 * tools accept; lines outside the profile that they would not read are
 * left alone, the profile given twice is refused.  The caller runs this with
 * the user's privileges.  Both files must be regular files owned by uid, not
 * links; the credentials file must not be readable by group or others, the
 * config not writable by them.  A profile that is a credential_process
 * or that holds aws_session_token (already a session) is refused.  No
 * file or no such profile is IDENTITY_UNMAPPED; err says why. */
enum identity_result userkeys_lookup(const char *dir, uid_t uid,
                                     const char *profile, struct identity *out,
                                     char *err, size_t errlen);

/* The folder of the user's AWS files: configured ("~/" is the home). */
void userkeys_dir(const char *configured, const char *home, char *out,
                  size_t outlen);

#endif
