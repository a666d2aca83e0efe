/* Talking to the operator through the PAM conversation. */
#ifndef PAM_AWSMFA_PROMPT_H
#define PAM_AWSMFA_PROMPT_H

#include <security/pam_modules.h>
#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

#define TOTP_CODE_DIGITS 6

/* Shows a line of information (suppressed under PAM_SILENT). */
void prompt_info(pam_handle_t *pamh, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shows an error line; shown even under PAM_SILENT, because an operator
 * who is refused must learn why. */
void prompt_error(pam_handle_t *pamh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Asks with echo off; the answer is a secret.  NULL when the conversation
 * failed or the operator gave no answer at all (e.g. Ctrl-D). */
struct secret *prompt_secret(pam_handle_t *pamh, const char *text);
/* Asks with echo on; the answer is malloc'd. */
char *prompt_visible(pam_handle_t *pamh, const char *text);

/* Turns what the operator typed into a code: spaces are dropped (apps
 * show "123 456"), then exactly six ASCII digits must remain.  Writes the
 * code to out (TOTP_CODE_DIGITS + 1 bytes) and returns true, or false. */
bool totp_code_normalize(const char *typed, char *out);

/* Reads a choice "1".."count"; returns the index (0-based) or -1. */
int choice_parse(const char *typed, size_t count);

#endif
