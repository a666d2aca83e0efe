#include "device.h"

#include <stdio.h>
#include <string.h>

size_t device_totp_count(const struct mfa_device_list *list)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].kind == MFA_TOTP)
            n++;
    }
    return n;
}

const char *device_totp_at(const struct mfa_device_list *list, size_t n)
{
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].kind != MFA_TOTP)
            continue;
        if (n-- == 0)
            return list->items[i].serial;
    }
    return NULL;
}

static const struct mfa_device *find(const struct mfa_device_list *list,
                                     const char *serial)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i].serial, serial) == 0)
            return &list->items[i];
    }
    return NULL;
}

enum device_verdict device_decide(const struct mfa_device_list *list,
                                  const char *configured, const char **serial)
{
    *serial = NULL;
    if (configured != NULL) {
        const struct mfa_device *dev = find(list, configured);
        if (dev == NULL)
            return DEVICE_NOT_REGISTERED;
        if (dev->kind != MFA_TOTP)
            return DEVICE_CONFIGURED_FIDO;
        *serial = dev->serial;
        return DEVICE_USE;
    }
    size_t totp = device_totp_count(list);
    if (totp == 1) {
        *serial = device_totp_at(list, 0);
        return DEVICE_USE;
    }
    if (totp > 1)
        return DEVICE_ASK;
    return list->count > 0 ? DEVICE_FIDO_ONLY : DEVICE_NONE;
}

void device_menu(const struct mfa_device_list *list, const char *iam_user,
                 char *buf, size_t size)
{
    size_t count = device_totp_count(list);
    int used = snprintf(buf, size, "IAM user %s has %zu MFA devices:\n",
                        iam_user, count);
    for (size_t i = 0; i < count && used > 0 && (size_t)used < size; i++)
        used += snprintf(buf + used, size - used, "  %zu) %s\n", i + 1,
                         device_totp_at(list, i));
    if (used > 0 && (size_t)used < size)
        snprintf(buf + used, size - used, "Device to use [1-%zu]: ", count);
}
