#include "awsmfa_status.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

/* Local time as the user's TZ sees it, e.g. "2026-03-29 02:30:00 BST
 * (UTC+0100)", or with rfc3339 set "2026-03-29T02:30:00+01:00". */
static bool format_local(long long epoch, bool rfc3339, char *buf,
                         size_t buflen)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    char offset[16];
    if ((long long)t != epoch || localtime_r(&t, &tm) == NULL ||
        strftime(offset, sizeof(offset), "%z", &tm) != 5)
        return false;
    if (!rfc3339) {
        char zone[16], when[32];
        if (strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0 ||
            strftime(zone, sizeof(zone), "%Z", &tm) == 0)
            return false;
        int n = snprintf(buf, buflen, "%s %s (UTC%s)", when, zone, offset);
        return n > 0 && (size_t)n < buflen;
    }
    char when[32];
    if (strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return false;
    /* strftime's %z is "+0530"; RFC 3339 wants "+05:30". */
    int n = snprintf(buf, buflen, "%s%.3s:%s", when, offset, offset + 3);
    return n > 0 && (size_t)n < buflen;
}

/* "11h 59m 30s": sessions last at most 36 hours, so hours are the
 * largest unit that reads well. */
static void format_span(long long seconds, char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%lldh %02lldm %02llds", seconds / 3600,
             seconds / 60 % 60, seconds % 60);
}

static bool print_text(const struct awsmfa_session *s)
{
    const struct session_record *r = &s->rec;
    char issued[32], expires[32], local[96], span[48];
    if (!text_format_utc(r->issued, issued, sizeof(issued)) ||
        !text_format_utc(r->expiration, expires, sizeof(expires)) ||
        !format_local(r->expiration, false, local, sizeof(local)))
        return false;
    long long left = r->expiration - s->now;
    format_span(left > 0 ? left : -left, span, sizeof(span));
    printf("IAM user:        %s\n", r->iam_user);
    if (r->role_arn != NULL)
        printf("Role:            %s\n", r->role_arn);
    printf("MFA device:      %s\n", r->mfa_serial);
    printf("Access key id:   %s\n", r->access_key_id);
    if (r->region != NULL)
        printf("Region:          %s\n", r->region);
    printf("Issued:          %s\n", issued);
    printf("Expires (UTC):   %s\n", expires);
    printf("Expires (local): %s\n", local);
    if (s->state == AWSMFA_VALID)
        printf("Time left:       %s\n", span);
    else
        printf("Time left:       none, expired %s ago\n", span);
    return fflush(stdout) == 0 && !ferror(stdout);
}

static const char *state_name(enum awsmfa_state state)
{
    switch (state) {
    case AWSMFA_VALID:
        return "valid";
    case AWSMFA_EXPIRED:
        return "expired";
    case AWSMFA_NONE:
        return "none";
    default:
        return "unusable";
    }
}

static void add_string(struct json_object *obj, const char *name,
                       const char *value)
{
    json_object_object_add(obj, name,
                           value ? json_object_new_string(value) : NULL);
}

static bool add_session(struct json_object *obj, const struct awsmfa_session *s)
{
    const struct session_record *r = &s->rec;
    char issued[32], expires[32], local[48];
    if (!text_format_utc(r->issued, issued, sizeof(issued)) ||
        !text_format_utc(r->expiration, expires, sizeof(expires)) ||
        !format_local(r->expiration, true, local, sizeof(local)))
        return false;
    add_string(obj, "iam_user", r->iam_user);
    add_string(obj, "mfa_serial", r->mfa_serial);
    add_string(obj, "access_key_id", r->access_key_id);
    add_string(obj, "region", r->region);
    add_string(obj, "role_arn", r->role_arn);
    add_string(obj, "issued", issued);
    add_string(obj, "expiration", expires);
    add_string(obj, "expiration_local", local);
    json_object_object_add(obj, "seconds_left",
                           json_object_new_int64(r->expiration - s->now));
    return true;
}

static bool print_json(const struct awsmfa_session *s)
{
    struct json_object *obj = json_object_new_object();
    if (obj == NULL)
        return false;
    add_string(obj, "status", state_name(s->state));
    add_string(obj, "session_file", s->path);
    bool ok = s->state == AWSMFA_NONE || s->state == AWSMFA_UNUSABLE ||
              add_session(obj, s);
    const char *text = json_object_to_json_string_ext(
        obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                 JSON_C_TO_STRING_NOSLASHESCAPE);
    ok = ok && text != NULL && printf("%s\n", text) > 0;
    json_object_put(obj);
    return ok && fflush(stdout) == 0 && !ferror(stdout);
}

bool awsmfa_status_print(const struct awsmfa_session *s, bool json)
{
    if (json)
        return print_json(s);
    if (s->state == AWSMFA_VALID || s->state == AWSMFA_EXPIRED)
        return print_text(s);
    return true;
}
