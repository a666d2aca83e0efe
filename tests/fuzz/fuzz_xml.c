/* libFuzzer target: xml_read on any bytes.  Whatever the input, every
 * path handed out is a '/'-joined list of at most XML_MAX_DEPTH names,
 * text is trimmed and within XML_MAX_TEXT, and a failure says why. */
#include "fuzz.h"
#include "xml.h"

struct totals {
    size_t calls;
};

static bool check_leaf(void *ctx, const char *path, const char *text)
{
    struct totals *t = ctx;
    size_t depth = 1;
    for (const char *p = path; *p != '\0'; p++)
        depth += *p == '/';
    FUZZ_CHECK(path[0] != '\0' && path[0] != '/');
    FUZZ_CHECK(depth <= XML_MAX_DEPTH);
    size_t len = strlen(text);
    FUZZ_CHECK(len > 0 && len <= XML_MAX_TEXT);
    FUZZ_CHECK(strchr(" \t\r\n", text[0]) == NULL);
    FUZZ_CHECK(strchr(" \t\r\n", text[len - 1]) == NULL);
    FUZZ_CHECK(xml_path_ends(path, path));
    /* Stopping part-way is a path of its own: take it now and then. */
    return ++t->calls % 13 != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct totals t = {0};
    char err[128];
    memset(err, 'x', sizeof(err));
    if (!xml_read((const char *)data, size, check_leaf, &t, err, sizeof(err))) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        FUZZ_CHECK(err[0] != '\0');
    }
    return 0;
}
