/* The scratch folder shared by the file-reading unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"

char scratch_dir[SCRATCH_NAME_MAX];
char scratch_path[SCRATCH_NAME_MAX];

void scratch_make(const char *program, const char *file_name)
{
    int n =
        snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/%s.XXXXXX", program);
    assert_in_range(n, 1, sizeof(scratch_dir) - 1);
    assert_non_null(mkdtemp(scratch_dir));
    n = snprintf(scratch_path, sizeof(scratch_path), "%s/%s", scratch_dir,
                 file_name);
    assert_in_range(n, 1, sizeof(scratch_path) - 1);
}

int scratch_remove(void **state)
{
    (void)state;
    unlink(scratch_path);
    rmdir(scratch_dir);
    return 0;
}

void scratch_write(const char *text, mode_t mode)
{
    unlink(scratch_path);
    int fd = open(scratch_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}
