#include "awsmfa_exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsmfa_load.h"
#include "text.h"

extern char **environ;

/* Whether the inherited "NAME=value" entry is one the session sets. */
static bool overridden(const char *entry, struct secret **vars, int count)
{
    size_t name_len = strcspn(entry, "=");
    for (int i = 0; i < count; i++) {
        const char *var = secret_str(vars[i]);
        if (strncmp(var, entry, name_len) == 0 && var[name_len] == '=')
            return true;
    }
    return false;
}

/* The inherited environment minus the session's names, then the
 * session's entries.  The array only points at the strings: the secrets
 * stay in their wiped-on-free buffers until exec replaces this process. */
static char **child_environment(struct secret **vars, int count)
{
    size_t inherited = 0;
    while (environ[inherited] != NULL)
        inherited++;
    char **env = calloc(inherited + (size_t)count + 1, sizeof(*env));
    if (env == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < inherited; i++) {
        if (!overridden(environ[i], vars, count))
            env[n++] = environ[i];
    }
    for (int i = 0; i < count; i++)
        env[n++] = (char *)secret_str(vars[i]);
    return env;
}

int awsmfa_exec(const struct session_record *rec, char *const argv[])
{
    struct secret **vars = NULL;
    int count = session_environment(rec, &vars);
    char **env = count >= 0 ? child_environment(vars, count) : NULL;
    if (env == NULL) {
        fprintf(stderr, "awsmfa: out of memory\n");
        session_environment_free(vars, count);
        return AWSMFA_EXIT_ERROR;
    }
    execvpe(argv[0], argv, env);
    int failure = errno;
    free(env);
    session_environment_free(vars, count);
    char shown[256];
    text_sanitize(shown, sizeof(shown), argv[0]);
    fprintf(stderr, "awsmfa: cannot run %s: %s\n", shown, strerror(failure));
    return failure == ENOENT ? 127 : 126;
}
