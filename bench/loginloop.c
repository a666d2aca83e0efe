/* loginloop: many logins in one process, to see whether memory grows.
 *
 * Runs the PAM service COUNT times (pam_start_confdir, authenticate,
 * setcred, open and close the session, pam_end), the way a long-lived
 * daemon would.  For each code prompt it writes "code?" to standard output
 * and reads the answer from standard input, so the caller can make sure a
 * fresh code is valid.  After every STEP-th login it prints
 * "rss LOGINS KIB" (VmRSS from /proc/self/status).  Exits 1 at the first
 * login that fails. */
#define _POSIX_C_SOURCE 200809L
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int converse(int n, const struct pam_message **msgs,
                    struct pam_response **resp, void *data)
{
    (void)data;
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        int style = msgs[i]->msg_style;
        if (style != PAM_PROMPT_ECHO_OFF && style != PAM_PROMPT_ECHO_ON)
            continue;
        char line[64];
        printf("code?\n");
        fflush(stdout);
        if (fgets(line, sizeof(line), stdin) == NULL) {
            for (int j = 0; j < i; j++)
                free(r[j].resp);
            free(r);
            return PAM_CONV_ERR;
        }
        line[strcspn(line, "\n")] = '\0';
        r[i].resp = strdup(line);
    }
    *resp = r;
    return PAM_SUCCESS;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    }
    if (f != NULL)
        fclose(f);
    return kib;
}

static int one_login(const char *confdir, const char *service, const char *user)
{
    struct pam_conv conv = {converse, NULL};
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(service, user, &conv, confdir, &pamh);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = pam_authenticate(pamh, 0);
    if (rc == PAM_SUCCESS)
        rc = pam_setcred(pamh, PAM_ESTABLISH_CRED);
    if (rc == PAM_SUCCESS)
        rc = pam_open_session(pamh, 0);
    if (rc == PAM_SUCCESS)
        rc = pam_close_session(pamh, 0);
    pam_end(pamh, rc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: loginloop CONFDIR SERVICE USER COUNT STEP\n");
        return 64;
    }
    long count = strtol(argv[4], NULL, 10);
    long step = strtol(argv[5], NULL, 10);
    if (count < 1 || step < 1)
        return 64;
    for (long n = 1; n <= count; n++) {
        int rc = one_login(argv[1], argv[2], argv[3]);
        if (rc != PAM_SUCCESS) {
            printf("failed %ld %d\n", n, rc);
            return 1;
        }
        if (n % step == 0)
            printf("rss %ld %ld\n", n, rss_kib());
        fflush(stdout);
    }
    return 0;
}
