/* libFuzzer target: query_parse_error on any bytes, and the same bytes
 * as a Date header for query_clock_skew.  What the first fills in goes
 * to the log and the operator's terminal, so it must always be
 * terminated, printable ASCII, and a found error must carry a code; a
 * Date accepted must be a four-digit-year time since 1970. */
#include "fuzz.h"
#include "query.h"

/* 2026-12-04T10:00:00Z */
#define SIGNED_AT 1796378400LL
/* 10000-01-01T00:00:00Z */
#define YEAR_10000 253402300800LL

/* http.c keeps at most 63 bytes of a Date header, always terminated. */
static void read_as_date(const uint8_t *data, size_t size)
{
    char date[64];
    size_t len = size < sizeof(date) - 1 ? size : sizeof(date) - 1;
    memcpy(date, data, len);
    date[len] = '\0';
    long long skew = 0;
    if (query_clock_skew(date, SIGNED_AT, &skew))
        FUZZ_CHECK(skew >= -SIGNED_AT && skew < YEAR_10000 - SIGNED_AT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_as_date(data, size);
    struct aws_status st;
    memset(&st, 0, sizeof(st));
    bool found = query_parse_error((const char *)data, size, &st);
    FUZZ_CHECK(fuzz_terminated(st.code, sizeof(st.code)));
    FUZZ_CHECK(fuzz_terminated(st.message, sizeof(st.message)));
    FUZZ_CHECK(fuzz_terminated(st.request_id, sizeof(st.request_id)));
    FUZZ_CHECK(fuzz_printable(st.code));
    FUZZ_CHECK(fuzz_printable(st.message));
    FUZZ_CHECK(fuzz_printable(st.request_id));
    FUZZ_CHECK(!found || st.code[0] != '\0');
    /* The classifier takes whatever code was read. */
    if (found)
        (void)query_retryable(400, st.code);
    return 0;
}
