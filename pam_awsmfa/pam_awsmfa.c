/* pam_awsmfa: entry points.  Until the login story lands here, every
 * entry point refuses, so a half-built module never lets anyone in. */
#define PAM_SM_AUTH
#define PAM_SM_SESSION
#include <security/pam_modules.h>

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                                   const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SERVICE_ERR;
}
