/* pam_awsmfa: a TOTP code at the PAM prompt becomes an AWS STS session.
 *
 * The story of one login, each step a call into a room that knows one
 * thing: read the config, find the Linux user and its AWS identity, check
 * with IAM which MFA devices are registered, ask for a code, trade it with
 * STS for temporary credentials, hand them to the session.  Every step
 * that refuses logs one decision line and tells the operator why. */
#define PAM_SM_AUTH
#define PAM_SM_SESSION

#include <pwd.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "config.h"

#include "audit.h"
#include "aws.h"
#include "device.h"
#include "exchange.h"
#include "explain.h"
#include "identity.h"
#include "prompt.h"
#include "session.h"
#include "settings.h"
#include "text.h"
#include "userkeys.h"

#define EXPORT __attribute__((visibility("default")))

struct login {
    pam_handle_t *pamh;
    int flags;
    const char *user;
    uid_t uid;
    gid_t gid;
    struct config cfg;
    struct identity id;
    struct aws_client *aws;
    struct mfa_device_list devices;
    const char *serial;
    struct aws_credentials creds;
    char request_id[64];
};

/* The AWS request the next decisions are about: the call just made, or
 * none ("") when they are about something that was never sent. */
static void about_call(struct login *lg, const char *request_id)
{
    snprintf(lg->request_id, sizeof(lg->request_id), "%s", request_id);
}

static void log_decision(struct login *lg, int priority, const char *outcome,
                         const char *reason)
{
    struct audit_record rec = {
        .user = lg->user,
        .iam_user = lg->id.iam_user,
        .device = lg->serial,
        .outcome = outcome,
        .reason = reason,
        .request_id = lg->request_id[0] ? lg->request_id : NULL,
    };
    audit_log(lg->pamh, priority, &rec);
}

/* Refusals that another attempt in the same conversation cannot change
 * return PAM_MAXTRIES: OpenSSH would otherwise run keyboard-interactive
 * again (three times by default), repeating the wait and the message.
 * The decision line in the log names the real cause. */
static int refuse_aws(struct login *lg, const struct aws_status *st)
{
    struct explanation why;
    explain_failure(st, lg->id.iam_user, &why);
    prompt_error(lg->pamh, "%s", why.user);
    log_decision(lg, LOG_ERR, "error", why.log);
    return PAM_MAXTRIES;
}

static int not_configured(struct login *lg, const char *why)
{
    prompt_error(lg->pamh, "MFA login is not configured correctly on this "
                           "server. Ask the administrator to check the "
                           "system log.");
    log_decision(lg, LOG_ERR, "error", why);
    return PAM_SERVICE_ERR;
}

static int read_config(struct login *lg, int argc, const char **argv)
{
    char err[512];
    if (config_load(&lg->cfg, argc, argv, err, sizeof(err)))
        return PAM_SUCCESS;
    return not_configured(lg, err);
}

/* The account's own name (the first with its uid) is what the store is
 * keyed by, so another name for the same uid, or a case-insensitive name
 * service's "ALICE", cannot pass as unmapped. */
static bool lookup_account(struct login *lg, const char *name)
{
    struct passwd *pw = pam_modutil_getpwnam(lg->pamh, name);
    if (pw == NULL)
        return false;
    struct passwd *owner = pam_modutil_getpwuid(lg->pamh, pw->pw_uid);
    lg->user = owner != NULL ? owner->pw_name : pw->pw_name;
    lg->uid = pw->pw_uid;
    lg->gid = pw->pw_gid;
    return true;
}

static int find_user(struct login *lg)
{
    const char *name = NULL;
    int rc = pam_get_user(lg->pamh, &name, NULL);
    if (rc != PAM_SUCCESS || name == NULL || name[0] == '\0') {
        log_decision(lg, LOG_ERR, "error", "no user name from PAM");
        return PAM_USER_UNKNOWN;
    }
    if (lookup_account(lg, name))
        return PAM_SUCCESS;
    lg->user = name;
    /* Ask anyway, so the prompt does not tell which names exist; the
     * answer goes nowhere.  (OpenSSH answers for unknown users with a
     * fake password of its own.) */
    secret_free(prompt_secret(lg->pamh, "AWS MFA code: "));
    log_decision(lg, LOG_NOTICE, "denied", "no such Linux user");
    return PAM_USER_UNKNOWN;
}

/* Whose session file the session side checks.  sudo sets PAM_USER to the
 * target user after authentication and PAM_RUSER to the operator who
 * authenticated, whose session it is. */
static int find_session_owner(struct login *lg)
{
    const void *ruser = NULL;
    if (pam_get_item(lg->pamh, PAM_RUSER, &ruser) == PAM_SUCCESS &&
        ruser != NULL && lookup_account(lg, ruser))
        return PAM_SUCCESS;
    const char *name = NULL;
    if (pam_get_user(lg->pamh, &name, NULL) == PAM_SUCCESS && name != NULL &&
        lookup_account(lg, name))
        return PAM_SUCCESS;
    log_decision(lg, LOG_ERR, "error", "no such Linux user for the session");
    return PAM_SESSION_ERR;
}

/* A session file that has expired is of no use to anyone: removed at the
 * user's next login attempt, whatever its outcome. */
static void forget_expired_session(struct login *lg)
{
    if (session_remove_if_expired(lg->cfg.session_dir, lg->uid,
                                  (long long)time(NULL)) &&
        lg->cfg.debug)
        pam_syslog(lg->pamh, LOG_DEBUG, "removed the expired session file");
}

static int find_identity(struct login *lg)
{
    char err[512] = "";
    enum identity_result found = IDENTITY_ERROR;
    if (lg->cfg.key_source == KEY_SOURCE_STORE)
        found = identity_lookup(lg->cfg.credentials_file, lg->user, &lg->id,
                                err, sizeof(err));
    else {
        /* The user's own files are read with the user's privileges only,
         * so that root's reach cannot be borrowed through links. */
        PAM_MODUTIL_DEF_PRIVS(privs);
        struct passwd *pw = pam_modutil_getpwuid(lg->pamh, lg->uid);
        char dir[4096] = "";
        if (pw != NULL)
            userkeys_dir(lg->cfg.user_aws_dir, pw->pw_dir, dir, sizeof(dir));
        snprintf(err, sizeof(err), "cannot take the user's privileges");
        if (pw != NULL && pam_modutil_drop_priv(lg->pamh, &privs, pw) == 0) {
            found = userkeys_lookup(dir, lg->uid, lg->cfg.user_profile, &lg->id,
                                    err, sizeof(err));
            if (pam_modutil_regain_priv(lg->pamh, &privs) != 0) {
                identity_free(&lg->id);
                found = IDENTITY_ERROR;
                snprintf(err, sizeof(err), "cannot regain privileges");
            }
        }
    }
    if (found == IDENTITY_FOUND)
        return PAM_SUCCESS;
    /* The user's own files: the user may hear what is wrong with them. */
    if (lg->cfg.key_source == KEY_SOURCE_USER &&
        (found == IDENTITY_ERROR || lg->cfg.unmapped == UNMAPPED_DENY))
        prompt_error(lg->pamh, "Your AWS key cannot be used: %s", err);
    if (found == IDENTITY_ERROR && lg->cfg.key_source == KEY_SOURCE_USER) {
        log_decision(lg, LOG_NOTICE, "denied", err);
        return PAM_MAXTRIES;
    }
    if (found == IDENTITY_ERROR) {
        prompt_error(lg->pamh, "MFA login cannot read its credentials store. "
                               "Ask the administrator to check the system "
                               "log.");
        log_decision(lg, LOG_ERR, "error", err);
        return PAM_SERVICE_ERR;
    }
    if (lg->cfg.unmapped == UNMAPPED_IGNORE) {
        log_decision(lg, LOG_INFO, "ignored",
                     "no AWS identity, left to the rest of the stack");
        return PAM_IGNORE;
    }
    if (lg->cfg.key_source == KEY_SOURCE_STORE)
        prompt_error(lg->pamh,
                     "No AWS identity is set up for %s on this "
                     "server. Ask the administrator to add one.",
                     lg->user);
    log_decision(lg, LOG_NOTICE, "denied",
                 "no AWS identity for this Linux user");
    return PAM_USER_UNKNOWN;
}

/* The session file is written only once STS has issued the session and
 * the code is spent, so whatever can stop that write is looked for before
 * any prompt, and refused for good: no other attempt can change it. */
static int check_session_dir(struct login *lg)
{
    char err[512];
    if (session_prepare(lg->cfg.session_dir, lg->uid, lg->gid, err,
                        sizeof(err)))
        return PAM_SUCCESS;
    prompt_error(lg->pamh, "MFA login cannot keep AWS sessions on this "
                           "server. Ask the administrator to check the "
                           "system log.");
    log_decision(lg, LOG_ERR, "error", err);
    return PAM_MAXTRIES;
}

static int connect_aws(struct login *lg)
{
    struct settings s;
    char err[256];
    if (!settings_resolve(&lg->cfg, &s, err, sizeof(err)))
        return not_configured(lg, err);
    struct aws_client_options opts = {
        .access_key_id = lg->id.access_key_id,
        .secret_access_key = secret_str(lg->id.secret_access_key),
        .sts_endpoint = s.sts_endpoint,
        .sts_region = s.sts_region,
        .iam_endpoint = s.iam_endpoint,
        .iam_region = s.iam_region,
        .ca_file = lg->cfg.ca_file,
        .proxy = lg->cfg.proxy,
        .no_proxy = lg->cfg.no_proxy,
        .timeout = lg->cfg.timeout,
        .user_agent = PACKAGE_NAME "/" PACKAGE_VERSION,
    };
    lg->aws = aws_client_new(&opts);
    settings_free(&s);
    if (lg->aws == NULL) {
        log_decision(lg, LOG_CRIT, "error", "cannot set up the HTTPS client");
        return PAM_BUF_ERR;
    }
    if (lg->id.iam_user != NULL)
        return PAM_SUCCESS;
    /* No iam_user in the store: AWS tells whose key it is. */
    struct aws_status st;
    struct aws_caller_identity caller;
    if (sts_get_caller_identity(lg->aws, &caller, &st) != AWS_OK) {
        about_call(lg, st.request_id);
        struct explanation why;
        explain_failure(&st, NULL, &why);
        prompt_error(lg->pamh, "%s", why.user);
        log_decision(lg, LOG_ERR, "error", why.log);
        return PAM_MAXTRIES;
    }
    lg->id.iam_user = identity_user_from_arn(caller.arn, err, sizeof(err));
    aws_caller_identity_free(&caller);
    return lg->id.iam_user != NULL ? PAM_SUCCESS : not_configured(lg, err);
}

static int list_devices(struct login *lg)
{
    struct aws_status st;
    enum aws_result res =
        iam_list_mfa_devices(lg->aws, lg->id.iam_user, &lg->devices, &st);
    about_call(lg, st.request_id);
    if (res != AWS_OK)
        return refuse_aws(lg, &st);
    if (lg->cfg.debug)
        pam_syslog(lg->pamh, LOG_DEBUG,
                   "ListMFADevices: %zu devices, %zu TOTP, %d requests",
                   lg->devices.count, device_totp_count(&lg->devices),
                   st.attempts);
    return PAM_SUCCESS;
}

static int ask_device(struct login *lg)
{
    char menu[2048];
    device_menu(&lg->devices, lg->id.iam_user, menu, sizeof(menu));
    about_call(lg, "");
    char *typed = prompt_visible(lg->pamh, menu);
    if (typed == NULL) {
        log_decision(lg, LOG_NOTICE, "denied", "no device chosen");
        return PAM_CONV_ERR;
    }
    size_t count = device_totp_count(&lg->devices);
    int choice = choice_parse(typed, count);
    free(typed);
    if (choice < 0) {
        prompt_error(lg->pamh, "There is no device with that number.");
        log_decision(lg, LOG_NOTICE, "denied", "invalid device choice");
        return PAM_AUTH_ERR;
    }
    lg->serial = device_totp_at(&lg->devices, (size_t)choice);
    return PAM_SUCCESS;
}

static int refuse_device(struct login *lg, enum device_verdict verdict)
{
    const char *iam = lg->id.iam_user;
    const char *log = "no MFA device registered";
    if (verdict == DEVICE_NONE) {
        prompt_error(lg->pamh,
                     "IAM user %s has no MFA device. Register a "
                     "virtual or hardware TOTP device in IAM, "
                     "then log in again.",
                     iam);
    } else if (verdict == DEVICE_FIDO_ONLY) {
        prompt_error(lg->pamh,
                     "IAM user %s has only FIDO security keys, "
                     "which cannot give codes for API sessions. "
                     "Register a virtual or hardware TOTP device "
                     "in IAM, then log in again.",
                     iam);
        log = "only FIDO security keys registered";
    } else if (verdict == DEVICE_CONFIGURED_FIDO) {
        prompt_error(lg->pamh,
                     "The MFA device configured for %s is a FIDO "
                     "security key, which cannot give codes. Ask "
                     "the administrator to set a TOTP device.",
                     lg->user);
        log = "configured mfa_serial is a FIDO security key";
    } else {
        prompt_error(lg->pamh,
                     "The MFA device configured for %s is not "
                     "registered to IAM user %s. Ask the "
                     "administrator to correct mfa_serial.",
                     lg->user, iam);
        log = "configured mfa_serial is not registered to the IAM user";
    }
    log_decision(lg, LOG_NOTICE, "denied", log);
    return PAM_MAXTRIES;
}

static int pick_device(struct login *lg)
{
    int rc = list_devices(lg);
    if (rc != PAM_SUCCESS)
        return rc;
    enum device_verdict verdict =
        device_decide(&lg->devices, lg->id.mfa_serial, &lg->serial);
    if (verdict == DEVICE_USE)
        return PAM_SUCCESS;
    if (verdict == DEVICE_ASK)
        return ask_device(lg);
    return refuse_device(lg, verdict);
}

/* One try: ask, check the form locally, then let STS decide.  Returns
 * PAM_SUCCESS, PAM_AUTH_ERR with *again set when another try may help, or
 * another PAM error. */
static int try_code(struct login *lg, bool *again)
{
    char question[512];
    snprintf(question, sizeof(question),
             "AWS MFA code for %s (%s): ", lg->id.iam_user, lg->serial);
    *again = false;
    about_call(lg, "");
    struct secret *typed = prompt_secret(lg->pamh, question);
    if (typed == NULL) {
        log_decision(lg, LOG_NOTICE, "denied", "no code given");
        return PAM_CONV_ERR;
    }
    char code[TOTP_CODE_DIGITS + 1];
    bool well_formed = totp_code_normalize(secret_str(typed), code);
    secret_free(typed);
    *again = true;
    if (!well_formed) {
        prompt_error(lg->pamh,
                     "A code is %d digits (spaces are ignored); "
                     "nothing was sent to AWS.",
                     TOTP_CODE_DIGITS);
        log_decision(lg, LOG_NOTICE, "denied",
                     "malformed code, not sent to AWS");
        return PAM_AUTH_ERR;
    }
    long duration = exchange_duration(&lg->id, &lg->cfg);
    struct aws_status st;
    enum aws_result res = exchange_code(lg->aws, &lg->id, lg->user, lg->serial,
                                        code, duration, &lg->creds, &st);
    secret_wipe(code, sizeof(code));
    about_call(lg, st.request_id);
    if (res == AWS_OK)
        return PAM_SUCCESS;
    struct explanation why;
    if (exchange_explain_role_refusal(&st, &lg->id, duration, &why)) {
        *again = false;
        prompt_error(lg->pamh, "%s", why.user);
        log_decision(lg, LOG_ERR, "error", why.log);
        return PAM_MAXTRIES;
    }
    if (res != AWS_API_ERROR || strcmp(st.code, "AccessDenied") != 0 ||
        st.clock_skew_known) {
        *again = false;
        return refuse_aws(lg, &st);
    }
    *again = explain_code_refusal(&st, lg->id.iam_user, lg->serial, &why);
    prompt_error(lg->pamh, "%s", why.user);
    log_decision(lg, LOG_NOTICE, "denied", why.log);
    return PAM_AUTH_ERR;
}

static int verify_code(struct login *lg)
{
    bool again = true;
    int rc = PAM_AUTH_ERR;
    for (long n = 0; n < lg->cfg.tries && again; n++) {
        rc = try_code(lg, &again);
        if (rc == PAM_SUCCESS)
            return rc;
    }
    /* Out of tries, or a refusal no other code can change. */
    return rc == PAM_AUTH_ERR ? PAM_MAXTRIES : rc;
}

static bool put_environment(struct login *lg, const struct session_record *r)
{
    struct secret **env = NULL;
    int count = session_environment(r, &env);
    bool ok = count >= 0;
    for (int i = 0; ok && i < count; i++)
        ok = pam_putenv(lg->pamh, secret_str(env[i])) == PAM_SUCCESS;
    if (count >= 0)
        session_environment_free(env, count);
    return ok;
}

/* Tells the operator and the log whose session it is: the IAM user's
 * own, or a role's (named by the last part of its ARN for the operator,
 * by the whole ARN in the log). */
static void announce_session(struct login *lg, long long expiration)
{
    char until[32], reason[300];
    text_format_utc(expiration, until, sizeof(until));
    const char *role = lg->id.role_arn;
    if (role == NULL) {
        prompt_info(lg->pamh, lg->flags,
                    "AWS session for IAM user %s is valid until %s.",
                    lg->id.iam_user, until);
        snprintf(reason, sizeof(reason), "session valid until %s", until);
    } else {
        const char *slash = strrchr(role, '/');
        prompt_info(lg->pamh, lg->flags,
                    "AWS session for role %s (as IAM user %s) is valid "
                    "until %s.",
                    slash ? slash + 1 : role, lg->id.iam_user, until);
        snprintf(reason, sizeof(reason), "session valid until %s, for role %s",
                 until, role);
    }
    log_decision(lg, LOG_INFO, "granted", reason);
}

static int hand_over(struct login *lg)
{
    struct session_record rec = {
        .access_key_id = lg->creds.access_key_id,
        .secret_access_key = lg->creds.secret_access_key,
        .session_token = lg->creds.session_token,
        .expiration = lg->creds.expiration,
        .issued = (long long)time(NULL),
        .iam_user = lg->id.iam_user,
        .mfa_serial = (char *)lg->serial,
        .role_arn = lg->id.role_arn,
        .region = lg->cfg.region,
    };
    char err[512];
    if (!session_write(lg->cfg.session_dir, lg->uid, lg->gid, &rec, err,
                       sizeof(err))) {
        prompt_error(lg->pamh, "Your AWS session could not be saved on this "
                               "server. Ask the administrator to check the "
                               "system log.");
        log_decision(lg, LOG_ERR, "error", err);
        return PAM_SYSTEM_ERR;
    }
    if (!put_environment(lg, &rec)) {
        log_decision(lg, LOG_CRIT, "error",
                     "cannot set the session environment");
        return PAM_BUF_ERR;
    }
    announce_session(lg, rec.expiration);
    return PAM_SUCCESS;
}

/* Checks the session file that authentication wrote.  A missing or unsafe
 * file is logged (new shells and awsmfa would not find the credentials)
 * but does not stop the session, whose environment has them; a newer
 * login of the same user may have replaced the file, which is fine. */
static int session_check(struct login *lg, const char *key_id)
{
    char *path = session_path(lg->cfg.session_dir, lg->uid);
    struct session_record rec = {0};
    char err[512];
    bool ok =
        path != NULL && session_read(path, lg->uid, &rec, err, sizeof(err));
    if (!ok)
        log_decision(lg, LOG_WARNING, "error",
                     path == NULL ? "out of memory" : err);
    else if (lg->cfg.debug && strcmp(rec.access_key_id, key_id) != 0)
        log_decision(lg, LOG_DEBUG, "granted",
                     "session file renewed by a newer login");
    session_record_free(&rec);
    free(path);
    return PAM_SUCCESS;
}

static void login_free(struct login *lg)
{
    aws_credentials_free(&lg->creds);
    mfa_device_list_free(&lg->devices);
    aws_client_free(lg->aws);
    identity_free(&lg->id);
    config_free(&lg->cfg);
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                               const char **argv)
{
    struct login lg = {.pamh = pamh, .flags = flags};
    int rc = read_config(&lg, argc, argv);
    if (rc == PAM_SUCCESS)
        rc = find_user(&lg);
    if (rc == PAM_SUCCESS)
        forget_expired_session(&lg);
    if (rc == PAM_SUCCESS)
        rc = find_identity(&lg);
    if (rc == PAM_SUCCESS)
        rc = check_session_dir(&lg);
    if (rc == PAM_SUCCESS)
        rc = connect_aws(&lg);
    if (rc == PAM_SUCCESS)
        rc = pick_device(&lg);
    if (rc == PAM_SUCCESS)
        rc = verify_code(&lg);
    if (rc == PAM_SUCCESS)
        rc = hand_over(&lg);
    login_free(&lg);
    return rc;
}

/* OpenSSH authenticates in one process and opens the session in another:
 * only the PAM environment crosses over (pam_set_data does not).  So the
 * session side works from the environment and the session file alone. */
static int check_session(pam_handle_t *pamh, int argc, const char **argv)
{
    const char *key_id = pam_getenv(pamh, "AWS_ACCESS_KEY_ID");
    if (key_id == NULL || pam_getenv(pamh, "AWS_SESSION_TOKEN") == NULL)
        return PAM_IGNORE;
    struct login lg = {.pamh = pamh};
    int rc = read_config(&lg, argc, argv);
    if (rc == PAM_SUCCESS)
        rc = find_session_owner(&lg);
    if (rc == PAM_SUCCESS)
        rc = session_check(&lg, key_id);
    config_free(&lg.cfg);
    return rc;
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
                          const char **argv)
{
    (void)flags;
    return check_session(pamh, argc, argv);
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
                               const char **argv)
{
    (void)flags;
    return check_session(pamh, argc, argv);
}

/* Other sessions of the same user share the session file, so closing one
 * leaves it; expired files are removed at the next login and by awsmfa. */
EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
                                const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_SUCCESS;
}
