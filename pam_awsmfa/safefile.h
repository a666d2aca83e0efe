/* Reading a file that an attacker might have planted or swapped: no link
 * followed, a regular file, the expected owner and mode, a size cap. */
#ifndef PAM_AWSMFA_SAFEFILE_H
#define PAM_AWSMFA_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "secret.h"

struct safefile_rules {
    uid_t owner;      /* the owner the file must have ... */
    bool root_too;    /* ... or root, when this is set */
    mode_t mode_mask; /* permission bits that are checked ... */
    mode_t mode_want; /* ... and the value they must have */
    size_t max_size;  /* larger files are refused */
};

enum safefile_result {
    SAFEFILE_OK,
    SAFEFILE_MISSING, /* no such file (err says so) */
    SAFEFILE_REFUSED  /* unsafe, too large or unreadable: err says why */
};

/* Opens name relative to dirfd (AT_FDCWD for a plain path) with
 * O_NOFOLLOW, checks the open file against the rules and reads all of it
 * into a new secret.  Messages in err name the file as `shown`. */
enum safefile_result safefile_readat(int dirfd, const char *name,
                                     const char *shown,
                                     const struct safefile_rules *rules,
                                     struct secret **contents, char *err,
                                     size_t errlen);

enum safefile_result safefile_read(const char *path,
                                   const struct safefile_rules *rules,
                                   struct secret **contents, char *err,
                                   size_t errlen);

#endif
