/* libFuzzer target: iam_parse_devices_page on any bytes, fed twice into
 * one list as paging does.  An accepted page leaves only serials the
 * credentials store would accept, at most IAM_MAX_DEVICES of them, FIDO
 * keys told apart, and a Marker whenever another page is promised. */
#include "aws_parse.h"
#include "fuzz.h"
#include "identity.h"

static void check_list(const struct mfa_device_list *list)
{
    FUZZ_CHECK(list->count <= IAM_MAX_DEVICES);
    for (size_t i = 0; i < list->count; i++) {
        const struct mfa_device *d = &list->items[i];
        FUZZ_CHECK(identity_value_valid("mfa_serial", d->serial));
        FUZZ_CHECK((d->kind == MFA_FIDO) ==
                   (strstr(d->serial, ":u2f/") != NULL));
    }
}

static bool read_page(const uint8_t *data, size_t size,
                      struct mfa_device_list *list)
{
    bool truncated = false;
    char marker[IAM_MAX_MARKER], err[128];
    memset(err, 'x', sizeof(err));
    bool ok = iam_parse_devices_page((const char *)data, size, list, &truncated,
                                     marker, err, sizeof(err));
    if (ok) {
        FUZZ_CHECK(fuzz_terminated(marker, sizeof(marker)));
        FUZZ_CHECK(!truncated || marker[0] != '\0');
        check_list(list);
    } else {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        FUZZ_CHECK(err[0] != '\0');
    }
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mfa_device_list list = {0};
    if (read_page(data, size, &list))
        read_page(data, size, &list);
    mfa_device_list_free(&list);
    FUZZ_CHECK(list.items == NULL && list.count == 0);
    return 0;
}
