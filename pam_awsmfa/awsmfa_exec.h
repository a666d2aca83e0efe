/* awsmfa exec: runs a command with the session's credentials in its
 * environment. */
#ifndef PAM_AWSMFA_AWSMFA_EXEC_H
#define PAM_AWSMFA_AWSMFA_EXEC_H

#include "session.h"

/* Replaces this process with argv[0] (found on PATH as execvp does),
 * its environment being this one with session_environment()'s variables
 * set over it.  Returns only when that failed, with the exit status a
 * shell would give (127 not found, 126 not runnable, or
 * AWSMFA_EXIT_ERROR), after saying why on stderr. */
int awsmfa_exec(const struct session_record *rec, char *const argv[]);

#endif
