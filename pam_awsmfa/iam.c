/* IAM ListMFADevices (aws.h): every page of a user's MFA devices, told
 * apart as TOTP (usable with STS) or FIDO (not). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_parse.h"
#include "identity.h"
#include "query.h"
#include "xml.h"

/* IAM answers with at most 1000 items a page; a user has at most 8
 * devices, so more pages than this means a server that loops. */
#define MAX_PAGES 100
/* Asked for per page; IAM's own default is 100 as well. */
#define PAGE_SIZE "100"

struct page_reader {
    struct mfa_device_list *list;
    bool *truncated;
    char *marker;
    const char *problem;
};

static bool add_device(struct page_reader *r, const char *serial)
{
    struct mfa_device_list *l = r->list;
    if (!identity_value_valid("mfa_serial", serial)) {
        r->problem = "malformed SerialNumber";
        return false;
    }
    if (l->count == IAM_MAX_DEVICES) {
        r->problem = "too many MFA devices";
        return false;
    }
    struct mfa_device *items =
        realloc(l->items, (l->count + 1) * sizeof(*items));
    char *copy = strdup(serial);
    if (items == NULL || copy == NULL) {
        l->items = items ? items : l->items;
        free(copy);
        r->problem = "out of memory";
        return false;
    }
    l->items = items;
    l->items[l->count].serial = copy;
    l->items[l->count++].kind =
        strstr(serial, ":u2f/") != NULL ? MFA_FIDO : MFA_TOTP;
    return true;
}

static bool take_page_field(void *ctx, const char *path, const char *text)
{
    struct page_reader *r = ctx;
    if (xml_path_ends(path, "MFADevices/member/SerialNumber"))
        return add_device(r, text);
    if (xml_path_ends(path, "ListMFADevicesResult/IsTruncated"))
        *r->truncated = strcmp(text, "true") == 0;
    else if (xml_path_ends(path, "ListMFADevicesResult/Marker")) {
        if (strlen(text) >= IAM_MAX_MARKER) {
            r->problem = "Marker too long";
            return false;
        }
        snprintf(r->marker, IAM_MAX_MARKER, "%s", text);
    }
    return true;
}

bool iam_parse_devices_page(const char *body, size_t len,
                            struct mfa_device_list *list, bool *truncated,
                            char *marker, char *err, size_t errlen)
{
    struct page_reader r = {list, truncated, marker, NULL};
    *truncated = false;
    marker[0] = '\0';
    if (!xml_read(body, len, take_page_field, &r, err, errlen)) {
        if (r.problem != NULL)
            snprintf(err, errlen, "%s", r.problem);
        return false;
    }
    if (*truncated && marker[0] == '\0') {
        snprintf(err, errlen, "IsTruncated without a Marker");
        return false;
    }
    return true;
}

static enum aws_result protocol_error(struct aws_status *st, const char *why)
{
    st->result = AWS_PROTOCOL_ERROR;
    snprintf(st->detail, sizeof(st->detail), "ListMFADevices: %s", why);
    return st->result;
}

/* One page; *marker in is where to start, out is where the next starts. */
static enum aws_result list_page(struct aws_client *c, const char *user,
                                 char *marker, bool *truncated,
                                 struct mfa_device_list *out,
                                 struct aws_status *st)
{
    struct query_param params[] = {
        {"MaxItems", PAGE_SIZE},
        {"UserName", user},
        {"Marker", marker[0] != '\0' ? marker : NULL},
    };
    struct secret *body = NULL;
    if (query_call(c, &c->iam, "ListMFADevices", params, 3, false, &body, st) !=
        AWS_OK)
        return st->result;
    char err[128];
    bool ok = iam_parse_devices_page(secret_str(body), secret_len(body), out,
                                     truncated, marker, err, sizeof(err));
    secret_free(body);
    return ok ? AWS_OK : protocol_error(st, err);
}

/* Every page, in order; a server that repeats a Marker or never stops
 * is refused rather than followed. */
static enum aws_result list_pages(struct aws_client *c, const char *user_name,
                                  struct mfa_device_list *out,
                                  struct aws_status *st)
{
    char marker[IAM_MAX_MARKER] = "", previous[IAM_MAX_MARKER] = "";
    bool truncated = true;
    int attempts = 0;
    enum aws_result res = AWS_OK;
    for (int page = 0; truncated && res == AWS_OK; page++) {
        if (page == MAX_PAGES)
            return protocol_error(st, "more than 100 pages");
        res = list_page(c, user_name, marker, &truncated, out, st);
        attempts += st->attempts;
        st->attempts = attempts;
        if (res == AWS_OK && truncated && strcmp(marker, previous) == 0)
            return protocol_error(st, "the same Marker twice");
        snprintf(previous, sizeof(previous), "%s", marker);
    }
    return res;
}

enum aws_result iam_list_mfa_devices(struct aws_client *c,
                                     const char *user_name,
                                     struct mfa_device_list *out,
                                     struct aws_status *st)
{
    memset(out, 0, sizeof(*out));
    /* A half-read list must not be mistaken for the user's devices. */
    if (list_pages(c, user_name, out, st) != AWS_OK)
        mfa_device_list_free(out);
    return st->result;
}

void mfa_device_list_free(struct mfa_device_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].serial);
    free(list->items);
    memset(list, 0, sizeof(*list));
}
