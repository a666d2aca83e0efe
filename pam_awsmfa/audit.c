#include "audit.h"

#include <security/pam_ext.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "text.h"

/* Quoted unless plain ASCII without blanks or controls: a value holding
 * anything else shows where it ends, so that a user name cannot pass for
 * more fields ("x outcome=granted") whatever a terminal makes of it. */
static bool needs_quotes(const char *value)
{
    if (*value == '\0')
        return true;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f)
            return true;
    }
    return false;
}

/* Appends " name=value" (quoted when needs_quotes says so), sanitised,
 * cut to what fits. */
static void append_field(char *line, size_t size, const char *name,
                         const char *value)
{
    if (value == NULL)
        return;
    char clean[256];
    text_sanitize(clean, sizeof(clean), value);
    for (char *p = clean; *p != '\0'; p++) {
        if (*p == '"')
            *p = '\'';
    }
    bool quote = needs_quotes(value); /* judged before sanitising */
    size_t used = strlen(line);
    snprintf(line + used, size - used, "%s%s=%s%s%s", used ? " " : "", name,
             quote ? "\"" : "", clean, quote ? "\"" : "");
}

void audit_log(pam_handle_t *pamh, int priority, const struct audit_record *rec)
{
    char line[1024] = "";
    append_field(line, sizeof(line), "user", rec->user);
    append_field(line, sizeof(line), "iam_user", rec->iam_user);
    append_field(line, sizeof(line), "device", rec->device);
    append_field(line, sizeof(line), "outcome", rec->outcome);
    append_field(line, sizeof(line), "reason", rec->reason);
    append_field(line, sizeof(line), "request_id", rec->request_id);
    pam_syslog(pamh, priority, "%s", line);
}
