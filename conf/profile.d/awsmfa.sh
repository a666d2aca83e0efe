# shellcheck shell=bash
# /etc/profile.d/awsmfa.sh: keeps interactive bash and zsh shells supplied
# with the live AWS session that pam_awsmfa obtained at login (awsmfa(1)).
#
# Before each prompt: when the session file was replaced (a new login, or
# sudo -v re-authenticated), the shell loads the new credentials; once
# less than 15 minutes remain it warns, once; when AWS_CREDENTIAL_EXPIRATION
# has passed it unsets the credentials and says so.  A prompt costs no new
# process in zsh (zstat and EPOCHSECONDS are builtins) and one stat(1) in
# bash, which has no builtin for a file's time; awsmfa itself runs only
# when the file changed.  AWSMFA_TEST_NOW (seconds since the epoch), meant
# for tests, replaces the clock here as it does in awsmfa.
#
# zsh reads /etc/profile.d only through /etc/profile in some setups; add
# `. /etc/profile.d/awsmfa.sh` to /etc/zsh/zshrc or ~/.zshrc if needed.

# Only interactive bash and zsh; sh and scripts are left alone.
case "${BASH_VERSION-}${ZSH_VERSION-}" in '') return 0 ;; esac
case $- in *i*) ;; *) return 0 ;; esac
command -v awsmfa >/dev/null 2>&1 || return 0
# Sourced twice (profile and rc): one hook is enough.
[ -z "${_awsmfa_hooked-}" ] || return 0
_awsmfa_hooked=1

if [ -n "${ZSH_VERSION-}" ]; then
    zmodload zsh/datetime 2>/dev/null
    zmodload -F zsh/stat b:zstat 2>/dev/null
fi

# The session file, asked once (it follows the module's session_dir).
_awsmfa_file=$(command awsmfa path 2>/dev/null)
_awsmfa_seen=
_awsmfa_warned=

# Sets _awsmfa_now to the time in seconds since the epoch.
_awsmfa_clock() {
    if [ -n "${AWSMFA_TEST_NOW-}" ]; then
        _awsmfa_now=$AWSMFA_TEST_NOW
    elif [ -n "${EPOCHSECONDS-}" ]; then
        _awsmfa_now=$EPOCHSECONDS
    else
        _awsmfa_now=$(date +%s)
    fi
}

# Sets _awsmfa_stamp to the file's inode and modification time (the module
# replaces the file by rename, so a renewal changes both), or to nothing
# when there is no file.
_awsmfa_look() {
    _awsmfa_stamp=
    [ -n "$_awsmfa_file" ] && [ -e "$_awsmfa_file" ] || return 0
    if [ -n "${ZSH_VERSION-}" ] && zstat -A _awsmfa_st -- "$_awsmfa_file" \
        2>/dev/null; then
        # zstat filled the array: [2] is the inode, [10] the mtime.
        # shellcheck disable=SC2154
        _awsmfa_stamp="${_awsmfa_st[2]}:${_awsmfa_st[10]}"
    else
        _awsmfa_stamp=$(command stat -c '%i:%Y' -- "$_awsmfa_file" \
            2>/dev/null)
    fi
}

# Sets _awsmfa_end to "YYYY-MM-DDTHH:MM:SSZ" ($1) in seconds since the
# epoch, with shell arithmetic only (days from the civil calendar).
_awsmfa_epoch() {
    case $1 in ????-??-??T??:??:??Z) ;; *) return 1 ;; esac
    case ${1%Z} in *[!0-9T:-]*) return 1 ;; esac
    local y m d mp era yoe days
    y=$((10#${1:0:4}))
    m=$((10#${1:5:2}))
    d=$((10#${1:8:2}))
    y=$((y - (m <= 2 ? 1 : 0)))
    era=$((y / 400))
    yoe=$((y - era * 400))
    mp=$(((m + 9) % 12))
    days=$((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 +
        (153 * mp + 2) / 5 + d - 1 - 719468))
    _awsmfa_end=$((days * 86400 + 10#${1:11:2} * 3600 + 10#${1:14:2} * 60 +
        10#${1:17:2}))
}

# Loads the file's credentials; a missing, expired or unusable file leaves
# the shell's variables as they were (expired ones are unset below).
_awsmfa_load() {
    local lines
    lines=$(command awsmfa env 2>/dev/null) && eval "$lines"
}

# Warns once when less than 15 minutes remain; unsets at expiry.
_awsmfa_judge() {
    [ -n "${AWS_CREDENTIAL_EXPIRATION-}" ] || return 0
    _awsmfa_epoch "$AWS_CREDENTIAL_EXPIRATION" || return 0
    _awsmfa_clock
    local left=$((_awsmfa_end - _awsmfa_now))
    if [ "$left" -le 0 ]; then
        printf 'awsmfa: your AWS session expired at %s; %s\n' \
            "$AWS_CREDENTIAL_EXPIRATION" \
            'log in again or run sudo -v to renew' >&2
        unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
            AWS_CREDENTIAL_EXPIRATION
    elif [ "$left" -lt 900 ] &&
        [ "$_awsmfa_warned" != "$AWS_CREDENTIAL_EXPIRATION" ]; then
        _awsmfa_warned=$AWS_CREDENTIAL_EXPIRATION
        printf 'awsmfa: your AWS session expires in %d min (%s); %s\n' \
            $(((left + 59) / 60)) "$AWS_CREDENTIAL_EXPIRATION" \
            'run sudo -v to renew' >&2
    fi
}

_awsmfa_prompt() {
    local rc=$?
    [ -z "${ZSH_VERSION-}" ] || emulate -L zsh
    _awsmfa_look
    if [ "$_awsmfa_stamp" != "$_awsmfa_seen" ]; then
        _awsmfa_seen=$_awsmfa_stamp
        [ -z "$_awsmfa_stamp" ] || _awsmfa_load
    fi
    _awsmfa_judge
    return $rc
}

if [ -n "${ZSH_VERSION-}" ]; then
    autoload -Uz add-zsh-hook && add-zsh-hook precmd _awsmfa_prompt
else
    PROMPT_COMMAND="_awsmfa_prompt${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
_awsmfa_prompt
