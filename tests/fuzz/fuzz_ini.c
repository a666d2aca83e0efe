/* libFuzzer target: ini_parse on any bytes, with sections allowed (the
 * credentials store) and not (the config file).  Keys handed out are
 * [A-Za-z0-9_]+, nothing handed out spans a line or carries blanks at
 * its ends, and a refusal names the file and line. */
#include "fuzz.h"
#include "ini.h"

static bool untrimmed(const char *text)
{
    size_t len = strlen(text);
    return len > 0 && (strchr(" \t\r", text[0]) != NULL ||
                       strchr(" \t\r", text[len - 1]) != NULL);
}

static bool on_section(void *ctx, unsigned line, const char *name, char *msg,
                       size_t msglen)
{
    (void)ctx;
    FUZZ_CHECK(line > 0);
    FUZZ_CHECK(strchr(name, '\n') == NULL);
    /* Refusing a handler's way lets the stop path run too. */
    if (strcmp(name, "stop") == 0) {
        snprintf(msg, msglen, "stopped");
        return false;
    }
    return true;
}

static bool on_pair(void *ctx, unsigned line, const char *section,
                    const char *key, const char *value, char *msg,
                    size_t msglen)
{
    (void)ctx;
    FUZZ_CHECK(line > 0);
    FUZZ_CHECK(section == NULL || strchr(section, '\n') == NULL);
    FUZZ_CHECK(key[0] != '\0');
    FUZZ_CHECK(strspn(key,
                      "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(key));
    FUZZ_CHECK(strchr(value, '\n') == NULL && !untrimmed(value));
    if (strcmp(key, "stop") == 0) {
        snprintf(msg, msglen, "stopped");
        return false;
    }
    return true;
}

static void read_with(const struct ini_handler *h, const uint8_t *data,
                      size_t size)
{
    char err[256];
    memset(err, 'x', sizeof(err));
    if (!ini_parse((const char *)data, size, "fuzz.ini", h, err, sizeof(err))) {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        FUZZ_CHECK(strncmp(err, "fuzz.ini:", 9) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct ini_handler store = {on_section, on_pair, NULL, true};
    const struct ini_handler config = {NULL, on_pair, NULL, true};
    const struct ini_handler user_file = {on_section, on_pair, NULL, false};
    read_with(&store, data, size);
    read_with(&config, data, size);
    read_with(&user_file, data, size);
    return 0;
}
