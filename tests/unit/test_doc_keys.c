/* Every key the config parser accepts is documented in
 * pam_awsmfa.conf(5), as a tagged paragraph of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static char *read_man_page(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof(path), "%s/doc/pam_awsmfa.conf.5", top ? top : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static void test_every_key_documented(void **state)
{
    (void)state;
    const char *page = read_man_page();
    size_t count = 0;
    for (const char *const *key = config_keys; *key != NULL; key++) {
        char tag[128];
        snprintf(tag, sizeof(tag), ".TP\n.B %s\n", *key);
        if (strstr(page, tag) == NULL)
            fail_msg("key %s is not documented in pam_awsmfa.conf(5)", *key);
        count++;
    }
    assert_true(count >= 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
