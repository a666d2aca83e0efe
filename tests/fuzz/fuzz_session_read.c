/* libFuzzer target: session_read on any bytes, written first to a file
 * of the current uid with mode 0600 (what session_write leaves), so that
 * the JSON reading is what gets fuzzed.  An accepted file yields a whole
 * record; a refused one leaves nothing allocated. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "session.h"

static char path[4096];

/* One private directory for the whole run, removed at exit. */
static void remove_dir(void)
{
    char dir[sizeof(path)];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        rmdir(dir);
    }
}

static void make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/fuzz-session-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    FUZZ_CHECK(mkdtemp(path) != NULL);
    strncat(path, "/session.json", sizeof(path) - strlen(path) - 1);
    atexit(remove_dir);
}

static void write_input(const uint8_t *data, size_t size)
{
    int fd =
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(fchmod(fd, 0600) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    FUZZ_CHECK(close(fd) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (path[0] == '\0')
        make_dir();
    write_input(data, size);
    struct session_record rec;
    char err[512];
    memset(err, 'x', sizeof(err));
    if (session_read(path, getuid(), &rec, err, sizeof(err))) {
        FUZZ_CHECK(rec.access_key_id != NULL && rec.iam_user != NULL);
        FUZZ_CHECK(rec.mfa_serial != NULL);
        FUZZ_CHECK(secret_len(rec.secret_access_key) > 0);
        FUZZ_CHECK(secret_len(rec.session_token) > 0);
        session_record_free(&rec);
    } else {
        FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
        FUZZ_CHECK(rec.access_key_id == NULL && rec.session_token == NULL);
    }
    unlink(path);
    return 0;
}
