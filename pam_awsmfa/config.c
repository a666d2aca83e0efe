#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ini.h"
#include "safefile.h"
#include "text.h"

#define CONFIG_MAX_SIZE (64 * 1024)

/* A setter checks one value and stores it; on a bad value it writes the
 * problem (key, value shown safely, what is allowed) to msg. */
typedef bool (*setter_fn)(struct config *cfg, const char *key,
                          const char *value, char *msg, size_t msglen);

struct setter {
    const char *key;
    setter_fn set;
};

/* The value as it may appear in a message: printable and short. */
static const char *shown_value(const char *value, char *buf, size_t buflen)
{
    text_sanitize(buf, buflen, value);
    return buf;
}

static bool bad_value(const char *key, const char *value, const char *want,
                      char *msg, size_t msglen)
{
    char shown[80];
    snprintf(msg, msglen, "%s '%s' is not valid: %s", key,
             shown_value(value, shown, sizeof(shown)), want);
    return false;
}

static bool store_string(char **field, const char *value, char *msg,
                         size_t msglen)
{
    char *copy = strdup(value);
    if (copy == NULL) {
        snprintf(msg, msglen, "out of memory");
        return false;
    }
    free(*field);
    *field = copy;
    return true;
}

/* Whole decimal numbers only: no sign, no spaces, no overflow. */
static bool parse_number(const char *key, const char *value, long min, long max,
                         long *out, char *msg, size_t msglen)
{
    char want[64];
    snprintf(want, sizeof(want), "a whole number from %ld to %ld", min, max);
    if (value[0] < '0' || value[0] > '9')
        return bad_value(key, value, want, msg, msglen);
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (*end != '\0' || errno == ERANGE || n < min || n > max)
        return bad_value(key, value, want, msg, msglen);
    *out = n;
    return true;
}

static bool set_timeout(struct config *cfg, const char *key, const char *value,
                        char *msg, size_t msglen)
{
    return parse_number(key, value, 1, 300, &cfg->timeout, msg, msglen);
}

static bool set_duration(struct config *cfg, const char *key, const char *value,
                         char *msg, size_t msglen)
{
    return parse_number(key, value, CONFIG_DURATION_MIN, CONFIG_DURATION_MAX,
                        &cfg->duration, msg, msglen);
}

static bool set_role_duration(struct config *cfg, const char *key,
                              const char *value, char *msg, size_t msglen)
{
    return parse_number(key, value, CONFIG_DURATION_MIN,
                        CONFIG_ROLE_DURATION_MAX, &cfg->role_duration, msg,
                        msglen);
}

static bool set_tries(struct config *cfg, const char *key, const char *value,
                      char *msg, size_t msglen)
{
    return parse_number(key, value, 1, 10, &cfg->tries, msg, msglen);
}

static bool is_lower_word(const char **p)
{
    const char *start = *p;
    while (**p >= 'a' && **p <= 'z')
        (*p)++;
    return *p > start;
}

/* The shape of every AWS region name: two or more words of small letters,
 * then a number ("eu-west-1", "us-gov-west-1").  The shape only: a region
 * of a partition the endpoints do not know is refused there. */
static bool is_region(const char *value)
{
    const char *p = value;
    if (!is_lower_word(&p) || p - value < 2)
        return false;
    int words = 1;
    while (p[0] == '-' && p[1] >= 'a' && p[1] <= 'z') {
        p++;
        is_lower_word(&p);
        words++;
    }
    if (words < 2 || *p++ != '-')
        return false;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > digits && p - digits <= 2 && *p == '\0';
}

static bool set_region(struct config *cfg, const char *key, const char *value,
                       char *msg, size_t msglen)
{
    if (!is_region(value))
        return bad_value(key, value, "a region name such as eu-west-1", msg,
                         msglen);
    return store_string(&cfg->region, value, msg, msglen);
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static bool is_path_char(char c)
{
    return is_host_char(c) || c == '/' || c == '_' || c == '~';
}

/* The host (a name, an IPv4 address or a bracketed IPv6 address) at p,
 * then an optional :port; returns where it ends, NULL when malformed. */
static const char *skip_host_port(const char *p, bool port_required)
{
    const char *host = p;
    if (*p == '[') {
        size_t n = strspn(p + 1, "0123456789abcdefABCDEF:.");
        if (n < 2 || p[1 + n] != ']')
            return NULL;
        p += n + 2;
    } else {
        while (is_host_char(*p))
            p++;
        if (p == host)
            return NULL;
    }
    if (*p != ':')
        return port_required ? NULL : p;
    char *end;
    long port = strtol(p + 1, &end, 10);
    if (p[1] < '0' || p[1] > '9' || port < 1 || port > 65535)
        return NULL;
    return end;
}

/* "https://host[:port][/path]": a DNS name, an IPv4 address or a
 * bracketed IPv6 address; no user info, query or fragment, which have no
 * place in an endpoint and could hide where requests really go. */
static bool is_https_url(const char *value)
{
    if (strncmp(value, "https://", 8) != 0)
        return false;
    const char *p = skip_host_port(value + 8, false);
    if (p == NULL || (*p != '\0' && *p != '/'))
        return false;
    while (is_path_char(*p))
        p++;
    return *p == '\0';
}

static bool set_endpoint(char **field, const char *key, const char *value,
                         char *msg, size_t msglen)
{
    if (!is_https_url(value))
        return bad_value(key, value,
                         "an https:// URL with a host, such as "
                         "https://sts.eu-west-1.amazonaws.com",
                         msg, msglen);
    return store_string(field, value, msg, msglen);
}

static bool set_sts_endpoint(struct config *cfg, const char *key,
                             const char *value, char *msg, size_t msglen)
{
    return set_endpoint(&cfg->sts_endpoint, key, value, msg, msglen);
}

static bool set_iam_endpoint(struct config *cfg, const char *key,
                             const char *value, char *msg, size_t msglen)
{
    return set_endpoint(&cfg->iam_endpoint, key, value, msg, msglen);
}

/* "http://host:port[/]": the proxy is asked to CONNECT, so the TLS to AWS
 * is end to end and verified as without a proxy.  No user info: a
 * password there would be a secret in a world-readable file. */
static bool set_proxy(struct config *cfg, const char *key, const char *value,
                      char *msg, size_t msglen)
{
    const char *end = strncmp(value, "http://", 7) == 0
                          ? skip_host_port(value + 7, true)
                          : NULL;
    if (end == NULL || (strcmp(end, "") != 0 && strcmp(end, "/") != 0))
        return bad_value(key, value,
                         "an http:// URL with a host and a port, such as "
                         "http://proxy.example:3128",
                         msg, msglen);
    return store_string(&cfg->proxy, value, msg, msglen);
}

/* Host names, domains (".example.com") or addresses, separated by
 * commas, as libcurl's NOPROXY takes them; "*" alone means every host. */
static bool is_host_list(const char *value)
{
    if (strcmp(value, "*") == 0)
        return true;
    const char *p = value;
    for (;;) {
        const char *start = p;
        while (is_host_char(*p) || *p == ':' || *p == '[' || *p == ']')
            p++;
        if (p == start)
            return false;
        if (*p == '\0')
            return true;
        if (*p++ != ',')
            return false;
    }
}

static bool set_no_proxy(struct config *cfg, const char *key, const char *value,
                         char *msg, size_t msglen)
{
    if (!is_host_list(value))
        return bad_value(key, value,
                         "host names, .domains or addresses separated by "
                         "commas, or *",
                         msg, msglen);
    return store_string(&cfg->no_proxy, value, msg, msglen);
}

/* The CA bundle may be a link (as in /etc/ssl/certs), but what it names
 * must be a regular file that exists now. */
static bool set_ca_file(struct config *cfg, const char *key, const char *value,
                        char *msg, size_t msglen)
{
    struct stat st;
    if (value[0] != '/')
        return bad_value(key, value, "an absolute path", msg, msglen);
    if (stat(value, &st) != 0) {
        char shown[80];
        snprintf(msg, msglen, "%s '%s': %s", key,
                 shown_value(value, shown, sizeof(shown)), strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode))
        return bad_value(key, value, "a regular file of PEM certificates", msg,
                         msglen);
    return store_string(&cfg->ca_file, value, msg, msglen);
}

static bool set_path(char **field, const char *key, const char *value,
                     char *msg, size_t msglen)
{
    if (value[0] != '/')
        return bad_value(key, value, "an absolute path", msg, msglen);
    return store_string(field, value, msg, msglen);
}

static bool set_credentials_file(struct config *cfg, const char *key,
                                 const char *value, char *msg, size_t msglen)
{
    return set_path(&cfg->credentials_file, key, value, msg, msglen);
}

static bool set_key_source(struct config *cfg, const char *key,
                           const char *value, char *msg, size_t msglen)
{
    if (strcmp(value, "store") == 0)
        cfg->key_source = KEY_SOURCE_STORE;
    else if (strcmp(value, "user") == 0)
        cfg->key_source = KEY_SOURCE_USER;
    else
        return bad_value(key, value, "store or user", msg, msglen);
    return true;
}

/* A profile name as the AWS tools write it in a section header. */
static bool set_user_profile(struct config *cfg, const char *key,
                             const char *value, char *msg, size_t msglen)
{
    size_t len = strlen(value);
    bool ok = len >= 1 && len <= 64;
    for (size_t i = 0; ok && i < len; i++)
        ok = is_path_char(value[i]) && value[i] != '/';
    if (!ok)
        return bad_value(key, value, "1 to 64 of letters, digits and ._~-", msg,
                         msglen);
    return store_string(&cfg->user_profile, value, msg, msglen);
}

static bool set_user_aws_dir(struct config *cfg, const char *key,
                             const char *value, char *msg, size_t msglen)
{
    if (value[0] != '/' && strncmp(value, "~/", 2) != 0)
        return bad_value(key, value, "an absolute path or one under ~/", msg,
                         msglen);
    return store_string(&cfg->user_aws_dir, value, msg, msglen);
}

/* Whether the path has a "." or ".." part, which could step through a
 * link that the module's checks would not see as one. */
static bool has_dot_part(const char *path)
{
    for (const char *p = path; (p = strchr(p, '/')) != NULL;) {
        p++;
        size_t len = strcspn(p, "/");
        if ((len == 1 && p[0] == '.') || (len == 2 && strncmp(p, "..", 2) == 0))
            return true;
    }
    return false;
}

/* Stored without doubled or trailing slashes: "/x/link/" would make the
 * kernel follow the link (O_NOFOLLOW only looks at a final name). */
static bool set_session_dir(struct config *cfg, const char *key,
                            const char *value, char *msg, size_t msglen)
{
    if (value[0] != '/' || has_dot_part(value))
        return bad_value(key, value, "an absolute path without . or ..", msg,
                         msglen);
    if (strspn(value, "/") == strlen(value))
        return bad_value(key, value, "a directory below /", msg, msglen);
    if (!store_string(&cfg->session_dir, value, msg, msglen))
        return false;
    text_tidy_path(cfg->session_dir);
    return true;
}

static bool set_unmapped(struct config *cfg, const char *key, const char *value,
                         char *msg, size_t msglen)
{
    if (strcmp(value, "deny") == 0)
        cfg->unmapped = UNMAPPED_DENY;
    else if (strcmp(value, "ignore") == 0)
        cfg->unmapped = UNMAPPED_IGNORE;
    else
        return bad_value(key, value, "deny or ignore", msg, msglen);
    return true;
}

static bool set_yes_no(bool *field, const char *key, const char *value,
                       char *msg, size_t msglen)
{
    if (strcmp(value, "yes") == 0)
        *field = true;
    else if (strcmp(value, "no") == 0)
        *field = false;
    else
        return bad_value(key, value, "yes or no", msg, msglen);
    return true;
}

static bool set_use_fips(struct config *cfg, const char *key, const char *value,
                         char *msg, size_t msglen)
{
    return set_yes_no(&cfg->use_fips, key, value, msg, msglen);
}

static bool set_debug(struct config *cfg, const char *key, const char *value,
                      char *msg, size_t msglen)
{
    return set_yes_no(&cfg->debug, key, value, msg, msglen);
}

static const struct setter setters[] = {
    {"region", set_region},
    {"sts_endpoint", set_sts_endpoint},
    {"iam_endpoint", set_iam_endpoint},
    {"use_fips", set_use_fips},
    {"ca_file", set_ca_file},
    {"proxy", set_proxy},
    {"no_proxy", set_no_proxy},
    {"timeout", set_timeout},
    {"duration", set_duration},
    {"role_duration", set_role_duration},
    {"tries", set_tries},
    {"credentials_file", set_credentials_file},
    {"key_source", set_key_source},
    {"user_profile", set_user_profile},
    {"user_aws_dir", set_user_aws_dir},
    {"session_dir", set_session_dir},
    {"unmapped", set_unmapped},
    {"debug", set_debug},
};

#define SETTER_COUNT (sizeof(setters) / sizeof(setters[0]))

const char *const config_keys[] = {
    "region",     "sts_endpoint",  "iam_endpoint", "use_fips",
    "ca_file",    "proxy",         "no_proxy",     "timeout",
    "duration",   "role_duration", "tries",        "credentials_file",
    "key_source", "user_profile",  "user_aws_dir", "session_dir",
    "unmapped",   "debug",         NULL,
};

_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) == SETTER_COUNT + 1,
               "config_keys lists every setter");

/* Which keys one source (the file, or the arguments) has set, so that a
 * key given twice there is refused. */
struct key_use {
    bool seen[SETTER_COUNT];
};

/* The one setter for file lines and module arguments. */
static bool config_set(struct config *cfg, struct key_use *use, const char *key,
                       const char *value, char *msg, size_t msglen)
{
    for (size_t i = 0; i < SETTER_COUNT; i++) {
        if (strcmp(key, setters[i].key) != 0)
            continue;
        if (use->seen[i]) {
            snprintf(msg, msglen, "%s is given twice", key);
            return false;
        }
        use->seen[i] = true;
        return setters[i].set(cfg, key, value, msg, msglen);
    }
    char shown[80];
    if (strcmp(key, "config") == 0)
        snprintf(msg, msglen, "config is only accepted as a module argument");
    else
        snprintf(msg, msglen, "unknown key '%s'",
                 shown_value(key, shown, sizeof(shown)));
    return false;
}

struct file_reading {
    struct config *cfg;
    struct key_use use;
};

static bool file_pair(void *ctx, unsigned line, const char *section,
                      const char *key, const char *value, char *msg,
                      size_t msglen)
{
    (void)line;
    (void)section;
    struct file_reading *r = ctx;
    return config_set(r->cfg, &r->use, key, value, msg, msglen);
}

/* The file must be what root put there: a regular file, not a link, owned
 * by root (or by the user running the module, for tests and the CLI), not
 * writable by group or others. */
static bool read_file(struct config *cfg, bool named, char *err, size_t errlen)
{
    const struct safefile_rules rules = {
        .owner = geteuid(),
        .root_too = true,
        .mode_mask = 022,
        .mode_want = 0,
        .max_size = CONFIG_MAX_SIZE,
    };
    struct secret *text = NULL;
    enum safefile_result got =
        safefile_read(cfg->path, &rules, &text, err, errlen);
    if (got == SAFEFILE_MISSING && !named) {
        snprintf(err, errlen, "%s", "");
        return true;
    }
    if (got != SAFEFILE_OK)
        return false;
    struct file_reading r = {.cfg = cfg};
    const struct ini_handler h = {
        .pair = file_pair, .ctx = &r, .refuse_trailing_comments = true};
    bool ok = ini_parse(secret_str(text), secret_len(text), cfg->path, &h, err,
                        errlen);
    secret_free(text);
    return ok;
}

/* Finds config=PATH among the arguments; it may be given once. */
static bool find_config_path(int argc, const char **argv, const char **path,
                             char *err, size_t errlen)
{
    *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "config=", 7) != 0)
            continue;
        if (*path != NULL) {
            snprintf(err, errlen, "module argument: config is given twice");
            return false;
        }
        *path = argv[i] + 7;
        if ((*path)[0] != '/') {
            snprintf(err, errlen,
                     "module argument: config must be an absolute path");
            return false;
        }
    }
    return true;
}

static bool apply_argument(struct config *cfg, struct key_use *use,
                           const char *arg, char *msg, size_t msglen)
{
    if (strcmp(arg, "debug") == 0)
        return config_set(cfg, use, "debug", "yes", msg, msglen);
    const char *eq = strchr(arg, '=');
    char key[64];
    if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
        char shown[80];
        snprintf(msg, msglen, "'%s' is not key=value",
                 shown_value(arg, shown, sizeof(shown)));
        return false;
    }
    memcpy(key, arg, (size_t)(eq - arg));
    key[eq - arg] = '\0';
    return config_set(cfg, use, key, eq + 1, msg, msglen);
}

static bool apply_arguments(struct config *cfg, int argc, const char **argv,
                            char *err, size_t errlen)
{
    struct key_use use = {0};
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "config=", 7) == 0)
            continue;
        char msg[384];
        if (!apply_argument(cfg, &use, argv[i], msg, sizeof(msg))) {
            snprintf(err, errlen, "module argument: %s", msg);
            return false;
        }
    }
    return true;
}

static bool set_defaults(struct config *cfg, const char *path)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->timeout = 10;
    cfg->duration = 43200;
    cfg->role_duration = CONFIG_ROLE_DURATION_DEFAULT;
    cfg->tries = 3;
    cfg->unmapped = UNMAPPED_DENY;
    cfg->path = strdup(path);
    cfg->credentials_file = strdup(CONFIG_DEFAULT_CREDENTIALS);
    cfg->session_dir = strdup(CONFIG_DEFAULT_SESSION_DIR);
    cfg->user_profile = strdup("default");
    cfg->user_aws_dir = strdup("~/.aws");
    return cfg->path && cfg->credentials_file && cfg->session_dir &&
           cfg->user_profile && cfg->user_aws_dir;
}

bool config_load(struct config *cfg, int argc, const char **argv, char *err,
                 size_t errlen)
{
    const char *named = NULL;
    memset(cfg, 0, sizeof(*cfg));
    if (!find_config_path(argc, argv, &named, err, errlen))
        return false;
    bool ok = set_defaults(cfg, named ? named : CONFIG_DEFAULT_PATH);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    ok = ok && read_file(cfg, named != NULL, err, errlen) &&
         apply_arguments(cfg, argc, argv, err, errlen);
    if (!ok)
        config_free(cfg);
    return ok;
}

void config_free(struct config *cfg)
{
    free(cfg->path);
    free(cfg->region);
    free(cfg->sts_endpoint);
    free(cfg->iam_endpoint);
    free(cfg->ca_file);
    free(cfg->proxy);
    free(cfg->no_proxy);
    free(cfg->credentials_file);
    free(cfg->session_dir);
    free(cfg->user_profile);
    free(cfg->user_aws_dir);
    memset(cfg, 0, sizeof(*cfg));
}
