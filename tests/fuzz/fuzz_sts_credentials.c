/* libFuzzer target: sts_parse_credentials on any bytes, read both as a
 * GetSessionToken and as an AssumeRole answer.  Accepted credentials are
 * whole and usable: a key id of [A-Z0-9]{16,128}, a secret and a token of
 * printable ASCII with no blanks (what the session file takes back), an
 * expiration after now.  Refused ones leave nothing behind for a caller
 * to use by mistake. */
#include "aws_parse.h"
#include "fuzz.h"

/* 2026-12-04T10:00:00Z, as in the seeds. */
#define NOW 1796378400LL

/* Printable ASCII, at least one byte, no blank: what the session file
 * takes back (and so nothing that could break a line). */
static bool visible_ascii(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    for (; *p != '\0'; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            return false;
    }
    return text[0] != '\0';
}

static void check_accepted(const struct aws_credentials *cr)
{
    size_t id_len = strlen(cr->access_key_id);
    FUZZ_CHECK(id_len >= 16 && id_len <= 128);
    FUZZ_CHECK(strspn(cr->access_key_id,
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == id_len);
    FUZZ_CHECK(visible_ascii(secret_str(cr->secret_access_key)));
    FUZZ_CHECK(visible_ascii(secret_str(cr->session_token)));
    FUZZ_CHECK(cr->expiration > NOW);
}

static void read_as(const char *result, const uint8_t *data, size_t size)
{
    struct aws_credentials cr;
    char err[128];
    memset(err, 'x', sizeof(err));
    if (sts_parse_credentials(result, (const char *)data, size, NOW, &cr, err,
                              sizeof(err))) {
        check_accepted(&cr);
        aws_credentials_free(&cr);
    } else {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(cr.access_key_id == NULL);
        FUZZ_CHECK(cr.secret_access_key == NULL);
        FUZZ_CHECK(cr.session_token == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_as("GetSessionTokenResult", data, size);
    read_as("AssumeRoleResult", data, size);
    return 0;
}
