/* Which registered MFA device a login uses. */
#ifndef PAM_AWSMFA_DEVICE_H
#define PAM_AWSMFA_DEVICE_H

#include <stddef.h>

#include "aws.h"

enum device_verdict {
    DEVICE_USE,            /* serial is set */
    DEVICE_ASK,            /* several TOTP devices: the operator chooses */
    DEVICE_NONE,           /* nothing registered */
    DEVICE_FIDO_ONLY,      /* only security keys, which give no codes */
    DEVICE_NOT_REGISTERED, /* the configured serial is not registered */
    DEVICE_CONFIGURED_FIDO /* the configured serial is a security key */
};

/* Decides from the registered devices and the configured serial (NULL
 * when none is configured).  For DEVICE_USE, *serial points into list or
 * at configured. */
enum device_verdict device_decide(const struct mfa_device_list *list,
                                  const char *configured, const char **serial);

/* The TOTP devices, in the order IAM listed them. */
size_t device_totp_count(const struct mfa_device_list *list);
const char *device_totp_at(const struct mfa_device_list *list, size_t n);

/* Writes the numbered menu and question for DEVICE_ASK into buf. */
void device_menu(const struct mfa_device_list *list, const char *iam_user,
                 char *buf, size_t size);

#endif
