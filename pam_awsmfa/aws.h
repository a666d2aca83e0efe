/* The AWS calls a login makes (IAM ListMFADevices, STS GetSessionToken),
 * each as: Query form -> SigV4 -> one HTTPS POST -> XML -> typed result. */
#ifndef PAM_AWSMFA_AWS_H
#define PAM_AWSMFA_AWS_H

#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

/* How a call ended.  AWS_API_ERROR means AWS answered with an
 * ErrorResponse; the others mean no usable answer arrived. */
enum aws_result {
    AWS_OK,
    AWS_API_ERROR,      /* code/message/request_id are set */
    AWS_NETWORK_ERROR,  /* connect, TLS, timeout, connection reset */
    AWS_PROTOCOL_ERROR, /* a body we cannot read or a missing field */
    AWS_LOCAL_ERROR     /* out of memory, bad arguments */
};

/* What is known about one call's outcome, for messages and the log.
 * Every text field is sanitised (safe for a terminal and syslog). */
struct aws_status {
    enum aws_result result;
    long http_status;      /* 0 when no status line was read */
    char code[64];         /* AWS error code, e.g. "AccessDenied" */
    char message[256];     /* AWS error message */
    char request_id[64];   /* x-amzn-RequestId or the body's RequestId */
    char detail[256];      /* our own description of a non-API failure */
    bool clock_skew_known; /* AWS said the signature time was off */
    long long clock_skew;  /* AWS's clock minus ours, seconds (Date) */
    int attempts;          /* HTTP requests made for this call */
    bool answer_lost;      /* a one-time code was sent but no answer came:
                              AWS may have used it, so it was not resent */
};

struct aws_client_options {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL for long-term keys */
    const char *sts_endpoint;  /* https URL */
    const char *sts_region;    /* signing region for STS */
    const char *iam_endpoint;  /* https URL */
    const char *iam_region;    /* signing region for IAM */
    const char *ca_file;       /* NULL: system trust store */
    const char *proxy;         /* http://host:port, NULL: direct */
    const char *no_proxy;      /* hosts reached directly, NULL: none */
    long timeout;              /* seconds, for every call of this client */
    const char *user_agent;
};

/* One client per login: it keeps connections open between calls and
 * holds the login's time budget for AWS: `timeout` seconds in all, spent
 * only while calls (and the waits between their retries) run, so the
 * time a user takes to type a code does not count against it. */
struct aws_client;

struct aws_client *aws_client_new(const struct aws_client_options *opts);
void aws_client_free(struct aws_client *c);

enum mfa_kind {
    MFA_TOTP, /* virtual or hardware: can give a code for STS */
    MFA_FIDO  /* security key (":u2f/"): cannot */
};

struct mfa_device {
    char *serial;
    enum mfa_kind kind;
};

struct mfa_device_list {
    struct mfa_device *items;
    size_t count;
};

/* ListMFADevices for user_name, every page (IsTruncated/Marker). */
enum aws_result iam_list_mfa_devices(struct aws_client *c,
                                     const char *user_name,
                                     struct mfa_device_list *out,
                                     struct aws_status *st);
void mfa_device_list_free(struct mfa_device_list *list);

struct aws_credentials {
    char *access_key_id;
    struct secret *secret_access_key;
    struct secret *session_token;
    long long expiration; /* seconds since the epoch, UTC */
};

/* GetSessionToken with SerialNumber, TokenCode and DurationSeconds.
 * AccessDenied (wrong or reused code) is never retried.  Arguments
 * outside AWS's limits (a code that is not 6 digits, a duration outside
 * 900..129600) are refused with AWS_LOCAL_ERROR before anything is sent. */
enum aws_result sts_get_session_token(struct aws_client *c,
                                      const char *serial_number,
                                      const char *token_code, long duration,
                                      struct aws_credentials *out,
                                      struct aws_status *st);
void aws_credentials_free(struct aws_credentials *cr);

/* Default endpoints for a region (regional STS; IAM per partition) and
 * the region each signs with.  Returns false for a malformed region, or
 * one of a partition not listed (its signing regions are unknown). */
bool aws_default_endpoint(const char *service, const char *region, char **url,
                          char **signing_region);

/* The same for use_fips: the FIPS endpoint botocore's endpoints data
 * lists for the region (GovCloud's regular endpoints are FIPS ones), with
 * the same signing region.  Returns false where none is listed. */
bool aws_fips_endpoint(const char *service, const char *region, char **url,
                       char **signing_region);

/* AssumeRole with MFA: a role's temporary credentials.  Like
 * GetSessionToken, AccessDenied is never retried, and arguments outside
 * AWS's limits are refused (AWS_LOCAL_ERROR) before anything is sent. */
struct sts_assume_role_request {
    const char *role_arn;
    const char *role_session_name; /* 2..64 of [\w+=,.@-] */
    const char *serial_number;
    const char *token_code;
    long duration;
    const char *external_id;     /* NULL: none */
    const char *source_identity; /* 2..64 of [\w+=,.@-], NULL: none */
};

enum aws_result sts_assume_role(struct aws_client *c,
                                const struct sts_assume_role_request *req,
                                struct aws_credentials *out,
                                struct aws_status *st);

/* GetCallerIdentity: who the client's keys belong to. */
struct aws_caller_identity {
    char *arn;
    char *account;
    char *user_id;
};

enum aws_result sts_get_caller_identity(struct aws_client *c,
                                        struct aws_caller_identity *out,
                                        struct aws_status *st);
void aws_caller_identity_free(struct aws_caller_identity *id);

#endif
