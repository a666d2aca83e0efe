/* A scratch folder for the unit tests of the rooms that read files
 * (config, identity, safefile): one new folder under /tmp per test
 * program, one file path inside it, and that file written with the exact
 * mode a case needs. */
#ifndef PAM_AWSMFA_SCRATCH_H
#define PAM_AWSMFA_SCRATCH_H

#include <sys/types.h>

#define SCRATCH_NAME_MAX 256

/* Both set by scratch_make. */
extern char scratch_dir[SCRATCH_NAME_MAX];
extern char scratch_path[SCRATCH_NAME_MAX];

/* Makes the folder /tmp/<program>.XXXXXX and names file_name inside it
 * (the file itself is not made); the test fails if a name does not fit
 * or the folder cannot be made. */
void scratch_make(const char *program, const char *file_name);

/* A cmocka group teardown: removes the file, then the folder. */
int scratch_remove(void **state);

/* Replaces the file with one holding text, with exactly mode (set by
 * fchmod, so the umask does not filter it). */
void scratch_write(const char *text, mode_t mode);

#endif
