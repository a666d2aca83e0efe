/* libFuzzer target: ini_parse on any bytes, with sections allowed (the
 * credentials store), not (the config file), and in the AWS tools'
 * syntax (the user's files).  Keys handed out are [A-Za-z0-9_]+ (lower
 * case and free-form in the AWS tools' syntax), nothing handed out spans a line
 * or carries blanks at its ends, and a refusal names the file and line. */
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
    FUZZ_CHECK(ctx != NULL
                   ? strpbrk(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL
                   : strspn(key, "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                         strlen(key));
    FUZZ_CHECK(strchr(value, '\n') == NULL && !untrimmed(value));
    if (strcmp(key, "stop") == 0) {
        snprintf(msg, msglen, "stopped");
        return false;
    }
    return true;
}

static bool on_skipped(void *ctx, unsigned line, const char *section,
                       const char *key, const char *why, char *msg,
                       size_t msglen)
{
    (void)ctx;
    FUZZ_CHECK(line > 0 && why[0] != '\0');
    FUZZ_CHECK(section == NULL || strchr(section, '\n') == NULL);
    if (key != NULL && strcmp(key, "stop") == 0) {
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
    static int aws_mark;
    const struct ini_handler user_file = {.section = on_section,
                                          .pair = on_pair,
                                          .skipped = on_skipped,
                                          .ctx = &aws_mark,
                                          .aws_tools_syntax = true};
    read_with(&store, data, size);
    read_with(&config, data, size);
    read_with(&user_file, data, size);
    return 0;
}
