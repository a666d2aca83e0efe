/* One syslog line per decision, for the security team. */
#ifndef PAM_AWSMFA_AUDIT_H
#define PAM_AWSMFA_AUDIT_H

#include <security/pam_modules.h>

/* What a decision line says.  NULL fields are left out.  Never pass a
 * secret, a session token or a code here: the line goes to syslog. */
struct audit_record {
    const char *user; /* Linux user */
    const char *iam_user;
    const char *device;  /* MFA serial */
    const char *outcome; /* "granted", "denied", "error", "ignored" */
    const char *reason;
    const char *request_id; /* AWS RequestId of the deciding call */
};

/* Logs at LOG_AUTHPRIV with the given priority; every value is sanitised
 * (control characters replaced) and quoted when it contains spaces. */
void audit_log(pam_handle_t *pamh, int priority,
               const struct audit_record *rec);

#endif
