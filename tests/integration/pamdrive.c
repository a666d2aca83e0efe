/* pamdrive: runs a real PAM stack from a folder (pam_start_confdir), the
 * way sshd or sudo would, and prints what an operator would see.
 *
 * Answers to prompts are read from standard input, one line per prompt;
 * end of input is a conversation failure (like Ctrl-D).  The transcript
 * goes to standard output; the PAM environment after authentication is
 * written, one NAME=value per line, to the file named by --env-file
 * (mode 0600), and shown with secret values masked.  With --ids, the
 * process's user and group ids are shown after authentication, to prove
 * that a module which dropped privileges took them back. */
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

struct options {
    const char *confdir;
    const char *service;
    const char *user;
    const char *env_file;
    int flags;
    int session;
    int ids;
};

static char *read_answer(void)
{
    char line[16384];
    /* The prompt must be out before the answer is read: a test may wait
     * for it, on a pipe, to compute a code that is fresh. */
    fflush(stdout);
    if (fgets(line, sizeof(line), stdin) == NULL)
        return NULL;
    line[strcspn(line, "\n")] = '\0';
    return strdup(line);
}

static int answer_one(const struct pam_message *msg, struct pam_response *r)
{
    switch (msg->msg_style) {
    case PAM_PROMPT_ECHO_OFF:
    case PAM_PROMPT_ECHO_ON:
        printf("%s%s\n", msg->msg,
               msg->msg_style == PAM_PROMPT_ECHO_OFF ? " [echo off]" : "");
        r->resp = read_answer();
        if (r->resp == NULL)
            return PAM_CONV_ERR;
        printf("> %s\n", msg->msg_style == PAM_PROMPT_ECHO_OFF
                             ? "(typed, not shown)"
                             : r->resp);
        return PAM_SUCCESS;
    case PAM_ERROR_MSG:
        printf("[error] %s\n", msg->msg);
        return PAM_SUCCESS;
    case PAM_TEXT_INFO:
        printf("[info] %s\n", msg->msg);
        return PAM_SUCCESS;
    default:
        return PAM_CONV_ERR;
    }
}

static int converse(int n, const struct pam_message **msgs,
                    struct pam_response **resp, void *data)
{
    (void)data;
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (answer_one(msgs[i], &r[i]) != PAM_SUCCESS) {
            for (int j = 0; j <= i; j++)
                free(r[j].resp);
            free(r);
            return PAM_CONV_ERR;
        }
    }
    fflush(stdout);
    *resp = r;
    return PAM_SUCCESS;
}

static int secret_name(const char *entry)
{
    return strncmp(entry, "AWS_SECRET_ACCESS_KEY=", 22) == 0 ||
           strncmp(entry, "AWS_SESSION_TOKEN=", 18) == 0;
}

static void show_environment(pam_handle_t *pamh, const char *env_file)
{
    char **env = pam_getenvlist(pamh);
    FILE *out = NULL;
    if (env_file != NULL) {
        umask(077);
        out = fopen(env_file, "w");
    }
    for (char **e = env; e != NULL && *e != NULL; e++) {
        if (secret_name(*e))
            printf("env %.*s=<%zu characters>\n", (int)(strchr(*e, '=') - *e),
                   *e, strlen(strchr(*e, '=') + 1));
        else
            printf("env %s\n", *e);
        if (out != NULL)
            fprintf(out, "%s\n", *e);
        free(*e);
    }
    free(env);
    if (out != NULL)
        fclose(out);
}

static int parse(int argc, char **argv, struct options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--silent") == 0)
            o->flags |= PAM_SILENT;
        else if (strcmp(a, "--session") == 0)
            o->session = 1;
        else if (strcmp(a, "--ids") == 0)
            o->ids = 1;
        else if (v == NULL)
            return -1;
        else if (strcmp(a, "--confdir") == 0)
            o->confdir = argv[++i];
        else if (strcmp(a, "--service") == 0)
            o->service = argv[++i];
        else if (strcmp(a, "--user") == 0)
            o->user = argv[++i];
        else if (strcmp(a, "--env-file") == 0)
            o->env_file = argv[++i];
        else
            return -1;
    }
    return o->confdir && o->service && o->user ? 0 : -1;
}

/* Real, effective, saved and filesystem ids (setfsuid with an invalid
 * id changes nothing and returns the current one), then the
 * supplementary groups. */
static void show_ids(void)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 ||
        getresgid(&rgid, &egid, &sgid) != 0) {
        printf("ids: unknown\n");
        return;
    }
    printf("ids: uid %u %u %u %u gid %u %u %u %u groups", (unsigned)ruid,
           (unsigned)euid, (unsigned)suid, (unsigned)setfsuid((uid_t)-1),
           (unsigned)rgid, (unsigned)egid, (unsigned)sgid,
           (unsigned)setfsgid((gid_t)-1));
    int n = getgroups(0, NULL);
    gid_t *groups = calloc(n > 0 ? (size_t)n : 1, sizeof(*groups));
    n = groups != NULL ? getgroups(n, groups) : -1;
    if (n < 0)
        printf(" unknown");
    for (int i = 0; i < n; i++)
        printf(" %u", (unsigned)groups[i]);
    printf("\n");
    free(groups);
}

static int report(pam_handle_t *pamh, const char *step, int rc)
{
    printf("%s: %s (%d)\n", step, pam_strerror(pamh, rc), rc);
    fflush(stdout);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    if (parse(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: pamdrive --confdir DIR --service NAME "
                        "--user USER [--env-file F] [--silent] "
                        "[--session] [--ids]\n");
        return 64;
    }
    struct pam_conv conv = {converse, NULL};
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(o.service, o.user, &conv, o.confdir, &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_start_confdir: %d\n", rc);
        return 70;
    }
    rc = report(pamh, "authenticate", pam_authenticate(pamh, o.flags));
    if (o.ids)
        show_ids();
    if (rc == PAM_SUCCESS)
        rc = report(pamh, "setcred", pam_setcred(pamh, PAM_ESTABLISH_CRED));
    if (rc == PAM_SUCCESS && o.session) {
        rc = report(pamh, "open_session", pam_open_session(pamh, o.flags));
        if (rc == PAM_SUCCESS)
            report(pamh, "close_session", pam_close_session(pamh, 0));
    }
    show_environment(pamh, o.env_file);
    pam_end(pamh, rc);
    return rc;
}
