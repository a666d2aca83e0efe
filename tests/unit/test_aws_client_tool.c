/* Makes real AWS calls through one aws_client, for test_aws_client.py:
 *
 *   test_aws_client_tool URL CA_FILE TIMEOUT [--token T] COMMAND...
 *
 * COMMAND is "list USER", "gst SERIAL CODE SECONDS",
 * "assume ROLE_ARN SESSION SERIAL CODE SECONDS EXTERNAL_ID SOURCE_IDENTITY"
 * (each of the last two "-" for none) or "whoami"; several run
 * in order on the same client (and so the same connections).  Each prints
 * one "status ..." line and its results.  The test's credentials are
 * made up, so the secret key and token are shown only as SHA-256. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"

/* When the running command began: its status line says how long the call
 * took, which a test can bound even when the tool itself starts slowly
 * (under valgrind). */
static struct timespec command_started;

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 +
           (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void print_status(const struct aws_status *st)
{
    printf("status result=%d http=%ld code=%s attempts=%d lost=%d "
           "skew_known=%d skew=%lld ms=%ld request_id=%s message=%s"
           "|detail=%s\n",
           st->result, st->http_status, st->code, st->attempts, st->answer_lost,
           st->clock_skew_known, st->clock_skew, ms_since(&command_started),
           st->request_id, st->message, st->detail);
}

static void print_digest(const char *name, const struct secret *s)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)secret_str(s), secret_len(s), d);
    printf("%s=", name);
    for (size_t i = 0; i < sizeof(d); i++)
        printf("%02x", d[i]);
}

static void print_credentials(const struct aws_credentials *cr)
{
    printf("credentials key=%s ", cr->access_key_id);
    print_digest("secret_sha256", cr->secret_access_key);
    printf(" ");
    print_digest("token_sha256", cr->session_token);
    printf(" expiration=%lld\n", cr->expiration);
}

static void run_list(struct aws_client *c, char **argv)
{
    struct mfa_device_list list;
    struct aws_status st;
    iam_list_mfa_devices(c, argv[0], &list, &st);
    print_status(&st);
    for (size_t i = 0; i < list.count; i++)
        printf("device %s %s\n", list.items[i].serial,
               list.items[i].kind == MFA_FIDO ? "fido" : "totp");
    mfa_device_list_free(&list);
}

static void run_gst(struct aws_client *c, char **argv)
{
    struct aws_credentials cr;
    struct aws_status st;
    if (sts_get_session_token(c, argv[0], argv[1], atol(argv[2]), &cr, &st) ==
        AWS_OK)
        print_credentials(&cr);
    print_status(&st);
    aws_credentials_free(&cr);
}

static const char *unless_dash(const char *arg)
{
    return strcmp(arg, "-") == 0 ? NULL : arg;
}

static void run_assume(struct aws_client *c, char **argv)
{
    struct sts_assume_role_request req = {
        .role_arn = argv[0],
        .role_session_name = argv[1],
        .serial_number = argv[2],
        .token_code = argv[3],
        .duration = atol(argv[4]),
        .external_id = unless_dash(argv[5]),
        .source_identity = unless_dash(argv[6]),
    };
    struct aws_credentials cr;
    struct aws_status st;
    if (sts_assume_role(c, &req, &cr, &st) == AWS_OK)
        print_credentials(&cr);
    print_status(&st);
    aws_credentials_free(&cr);
}

static void run_whoami(struct aws_client *c, char **argv)
{
    (void)argv;
    struct aws_caller_identity id;
    struct aws_status st;
    if (sts_get_caller_identity(c, &id, &st) == AWS_OK)
        printf("identity arn=%s account=%s user_id=%s\n", id.arn, id.account,
               id.user_id);
    print_status(&st);
    aws_caller_identity_free(&id);
}

struct command {
    const char *name;
    int args;
    void (*run)(struct aws_client *c, char **argv);
};

static const struct command commands[] = {
    {"list", 1, run_list},
    {"gst", 3, run_gst},
    {"assume", 7, run_assume},
    {"whoami", 0, run_whoami},
};

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s URL CA TIMEOUT [--token T] CMD...\n",
                argv[0]);
        return 2;
    }
    int i = 4;
    const char *token = NULL;
    if (strcmp(argv[i], "--token") == 0 && i + 1 < argc) {
        token = argv[i + 1];
        i += 2;
    }
    struct aws_client_options opts = {
        .access_key_id = "AKIDEXAMPLE",
        .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        .session_token = token,
        .sts_endpoint = argv[1],
        .sts_region = "us-east-1",
        .iam_endpoint = argv[1],
        .iam_region = "us-east-1",
        .ca_file = argv[2],
        .timeout = atol(argv[3]),
    };
    struct aws_client *c = aws_client_new(&opts);
    if (c == NULL) {
        fprintf(stderr, "cannot make a client\n");
        return 1;
    }
    int rc = 0;
    while (i < argc && rc == 0) {
        const struct command *cmd = find(argv[i]);
        if (cmd == NULL || i + cmd->args >= argc) {
            fprintf(stderr, "bad command at %s\n", argv[i]);
            rc = 2;
        } else {
            clock_gettime(CLOCK_MONOTONIC, &command_started);
            cmd->run(c, argv + i + 1);
            i += 1 + cmd->args;
        }
    }
    aws_client_free(c);
    return rc;
}
