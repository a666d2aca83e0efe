#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Who may own the file, in words: "root", "uid 1001" or "uid 1001 or
 * root". */
static void allowed_owners(const struct safefile_rules *rules, char *buf,
                           size_t buflen)
{
    if (rules->owner == 0)
        snprintf(buf, buflen, "root");
    else
        snprintf(buf, buflen, "uid %lu%s", (unsigned long)rules->owner,
                 rules->root_too ? " or root" : "");
}

static bool check_file(const struct stat *st, const char *shown,
                       const struct safefile_rules *rules, char *err,
                       size_t errlen)
{
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s is not a regular file", shown);
        return false;
    }
    if (st->st_uid != rules->owner && !(rules->root_too && st->st_uid == 0)) {
        char owners[64];
        allowed_owners(rules, owners, sizeof(owners));
        snprintf(err, errlen, "%s is owned by uid %lu; it must be owned by %s",
                 shown, (unsigned long)st->st_uid, owners);
        return false;
    }
    mode_t mode = st->st_mode & 07777;
    if ((mode & rules->mode_mask) != rules->mode_want) {
        snprintf(err, errlen, "%s has mode %04o; the bits %04o must be %04o",
                 shown, (unsigned)mode, (unsigned)rules->mode_mask,
                 (unsigned)rules->mode_want);
        return false;
    }
    if ((size_t)st->st_size > rules->max_size) {
        snprintf(err, errlen, "%s is larger than %zu bytes", shown,
                 rules->max_size);
        return false;
    }
    return true;
}

/* Reads to the end, but never more than max_size bytes: the file may
 * have grown since fstat. */
static struct secret *read_all(int fd, const char *shown, size_t max_size,
                               char *err, size_t errlen)
{
    struct secret *text = secret_new();
    char chunk[4096];
    for (;;) {
        if (text == NULL) {
            snprintf(err, errlen, "%s: out of memory", shown);
            return NULL;
        }
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            break;
        if (n < 0 || secret_len(text) + (size_t)n > max_size ||
            !secret_append(text, chunk, (size_t)n)) {
            snprintf(err, errlen, "%s: %s", shown,
                     n < 0 ? strerror(errno) : "too large or out of memory");
            secret_free(text);
            text = NULL;
            break;
        }
    }
    secret_wipe(chunk, sizeof(chunk));
    return text;
}

enum safefile_result safefile_readat(int dirfd, const char *name,
                                     const char *shown,
                                     const struct safefile_rules *rules,
                                     struct secret **contents, char *err,
                                     size_t errlen)
{
    *contents = NULL;
    /* O_NONBLOCK: opening a FIFO planted in place of the file must not
     * hang the login; it is then refused as not a regular file. */
    int fd = openat(dirfd, name,
                    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT) {
            snprintf(err, errlen, "%s does not exist", shown);
            return SAFEFILE_MISSING;
        }
        if (e == ELOOP)
            snprintf(err, errlen, "%s is a symbolic link", shown);
        else
            snprintf(err, errlen, "cannot open %s: %s", shown, strerror(e));
        return SAFEFILE_REFUSED;
    }
    struct stat st;
    bool ok = fstat(fd, &st) == 0;
    if (!ok)
        snprintf(err, errlen, "cannot stat %s: %s", shown, strerror(errno));
    if (ok)
        ok = check_file(&st, shown, rules, err, errlen);
    if (ok)
        *contents = read_all(fd, shown, rules->max_size, err, errlen);
    close(fd);
    return *contents != NULL ? SAFEFILE_OK : SAFEFILE_REFUSED;
}

enum safefile_result safefile_read(const char *path,
                                   const struct safefile_rules *rules,
                                   struct secret **contents, char *err,
                                   size_t errlen)
{
    return safefile_readat(AT_FDCWD, path, path, rules, contents, err, errlen);
}
