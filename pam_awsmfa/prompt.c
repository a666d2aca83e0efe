#include "prompt.h"

#include <ctype.h>
#include <errno.h>
#include <security/pam_ext.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(pam_handle_t *pamh, int style, const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof(line), fmt, ap);
    char *reply = NULL;
    pam_prompt(pamh, style, &reply, "%s", line);
    free(reply);
}

void prompt_info(pam_handle_t *pamh, int flags, const char *fmt, ...)
{
    if (flags & PAM_SILENT)
        return;
    va_list ap;
    va_start(ap, fmt);
    show(pamh, PAM_TEXT_INFO, fmt, ap);
    va_end(ap);
}

void prompt_error(pam_handle_t *pamh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    show(pamh, PAM_ERROR_MSG, fmt, ap);
    va_end(ap);
}

struct secret *prompt_secret(pam_handle_t *pamh, const char *text)
{
    char *reply = NULL;
    int rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &reply, "%s", text);
    if (rc != PAM_SUCCESS || reply == NULL)
        return NULL;
    struct secret *answer = secret_from_str(reply);
    secret_free_str(reply);
    return answer;
}

char *prompt_visible(pam_handle_t *pamh, const char *text)
{
    char *reply = NULL;
    int rc = pam_prompt(pamh, PAM_PROMPT_ECHO_ON, &reply, "%s", text);
    if (rc != PAM_SUCCESS) {
        free(reply);
        return NULL;
    }
    return reply;
}

bool totp_code_normalize(const char *typed, char *out)
{
    size_t n = 0;
    for (const char *p = typed; *p != '\0'; p++) {
        if (*p == ' ')
            continue;
        if (*p < '0' || *p > '9' || n == TOTP_CODE_DIGITS) {
            secret_wipe(out, TOTP_CODE_DIGITS + 1);
            return false;
        }
        out[n++] = *p;
    }
    out[n] = '\0';
    if (n != TOTP_CODE_DIGITS) {
        secret_wipe(out, TOTP_CODE_DIGITS + 1);
        return false;
    }
    return true;
}

int choice_parse(const char *typed, size_t count)
{
    while (isspace((unsigned char)*typed))
        typed++;
    if (!isdigit((unsigned char)*typed))
        return -1;
    errno = 0;
    char *end = NULL;
    long choice = strtol(typed, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno != 0 || *end != '\0' || choice < 1 || (size_t)choice > count)
        return -1;
    return (int)(choice - 1);
}
