"""Real clients against pam_awsmfa: OpenSSH's sshd and ssh, and sudo, in a
private mount namespace.  Test equipment only.

Nothing on the machine changes.  The test re-executes itself under
unshare(1) with a private mount namespace and bind-mounts, seen only by
itself and its children:
  /etc           a private overlay on the machine's (tests/integration/
                 namespace.py); its /etc/passwd, /etc/shadow and
                 /etc/group have the test users added (no user is
                 created on the machine)
  /etc/pam.d     a copy of the machine's, with the shipped examples
                 conf/pam.d/sshd and conf/pam.d/sudo in place
  /etc/sudoers   a test sudoers
  /run           an empty tmpfs (sshd's /run/sshd, sudo's timestamps)
  /dev           a tmpfs with the machine's device nodes bound in, plus a
                 /dev/log socket served by this process, so the syslog
                 lines of sshd, sudo and the module are captured (the
                 machine runs no syslog daemon; sudo is set-uid, so an
                 LD_PRELOAD shim would not reach it)
The mounts end with the namespace, when the test exits."""

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "integration"))

import namespace  # noqa: E402
import pexpect  # noqa: E402
from namespace import bind, in_private_namespace, run  # noqa: E402

SSHD = "/usr/sbin/sshd"
SSH = "/usr/bin/ssh"
SUDO = "/usr/bin/sudo"
SETPRIV = "/usr/bin/setpriv"
EXAMPLES = os.path.join(TOP_SRCDIR, "conf")
# Where the shipped PAM examples name the module; the one thing the tests
# substitute (with the built module's path and config=).
MODULE_TOKEN = "pam_awsmfa.so"


def skip_if_sanitized():
    """A module built with AddressSanitizer can be loaded only by programs
    that load ASan's runtime first; the machine's sshd and sudo do not
    (and sudo, being set-uid, ignores LD_PRELOAD).  The sanitizer pass
    covers the module through the PAM-stack tests instead."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..",
                                    "integration"))
    from harness import MODULE
    libs = subprocess.run(["ldd", MODULE], capture_output=True, text=True)
    if "libasan" in libs.stdout or "libubsan" in libs.stdout:
        print("SKIP: the module is built with sanitizers, which sshd and "
              "sudo cannot load", file=sys.stderr)
        sys.exit(77)


def enter_private_namespace():
    """Skips unless root, or when the module is sanitizer-built; then
    re-executes the running test in a private mount namespace and a PID
    namespace of its own (see tests/integration/namespace.py)."""
    namespace.require_root("the real sshd and sudo tests need root (they "
                           "bind-mount a test /etc/pam.d in a private "
                           "mount namespace)")
    skip_if_sanitized()
    namespace.enter()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SyslogCapture:
    """A /dev/log that keeps every line sent to it."""

    def __init__(self, path="/dev/log"):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            data = self.sock.recv(65536)
            with self.lock:
                self.lines.append(data.decode("utf-8", "replace"))

    def mark(self):
        with self.lock:
            return len(self.lines)

    def since(self, mark):
        time.sleep(0.2)  # lets the last datagrams of a finished run land
        with self.lock:
            return "\n".join(self.lines[mark:])


class Machine:
    """This namespace's view of the machine: private /dev, /run, users,
    PAM services and sudoers."""

    def __init__(self):
        if not in_private_namespace():
            raise RuntimeError("call enter_private_namespace() first")
        self.dir = tempfile.mkdtemp(prefix="awsmfa-clients-")
        os.chmod(self.dir, 0o755)
        self.tables = namespace.UserTables()
        self.users = {}
        self._private_run()
        self._private_dev()
        self.syslog = SyslogCapture()

    def _private_run(self):
        run("mount", "-t", "tmpfs", "-o", "mode=0755,nosuid,nodev", "tmpfs",
            "/run")
        os.mkdir("/run/sshd", 0o755)

    def _private_dev(self):
        """A tmpfs /dev holding the nodes the clients need, bound from the
        machine's /dev, so a /dev/log socket can live there."""
        host = os.path.join(self.dir, "hostdev")
        os.mkdir(host)
        run("mount", "--rbind", "/dev", host)
        run("mount", "-t", "tmpfs", "-o", "mode=0755,nosuid", "tmpfs", "/dev")
        for name in ("null", "zero", "full", "random", "urandom", "tty"):
            open(os.path.join("/dev", name), "w").close()
            bind(os.path.join(host, name), os.path.join("/dev", name))
        os.mkdir("/dev/pts")
        bind(os.path.join(host, "pts"), "/dev/pts")
        # A bound ptmx node would look for its pts beside the node's own
        # mount; the devpts instance's ptmx finds it.
        os.symlink("pts/ptmx", "/dev/ptmx")
        os.mkdir("/dev/shm")
        run("mount", "-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "tmpfs",
            "/dev/shm")
        for n, name in enumerate(("stdin", "stdout", "stderr")):
            os.symlink(f"/proc/self/fd/{n}", os.path.join("/dev", name))
        os.symlink("/proc/self/fd", "/dev/fd")
        # The bound nodes stay; the machine's /dev must not stay below the
        # work dir, which is deleted at the end.
        run("umount", "--recursive", host)
        if os.listdir(host):
            raise RuntimeError(f"{host} still shows the machine's /dev")
        os.rmdir(host)

    def add_users(self, names):
        """Adds Linux users (home under the work dir, an SSH key each) to
        the private /etc/passwd, /etc/shadow and /etc/group."""
        self.users.update(self.tables.add(names))
        for name in names:
            self._give_key(name)

    def _give_key(self, name):
        u = self.users[name]
        keys = os.path.join(self.dir, "client-keys")
        os.makedirs(keys, mode=0o700, exist_ok=True)
        key = os.path.join(keys, name)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
            f"{name}@awsmfa-test", "-f", key)
        u["key"] = key
        ssh_dir = os.path.join(u["home"], ".ssh")
        os.mkdir(ssh_dir)
        shutil.copy(key + ".pub", os.path.join(ssh_dir, "authorized_keys"))
        for path, mode in ((ssh_dir, 0o700),
                           (os.path.join(ssh_dir, "authorized_keys"), 0o600)):
            os.chown(path, u["uid"], u["gid"])
            os.chmod(path, mode)

    def key_for(self, user):
        """The user's SSH key; for a name that is not a user here, another
        user's key (a key the server knows, with a name it does not)."""
        known = self.users.get(user) or next(iter(self.users.values()))
        return known["key"]

    def install_pam(self, module_line):
        """Puts /etc/pam.d in place: the machine's files, with
        conf/pam.d/sshd and conf/pam.d/sudo copied verbatim except that
        the module name pam_awsmfa.so becomes module_line.  Returns the
        substitution as text, for the test's log."""
        pamd = os.path.join(self.dir, "pam.d")
        fresh = not os.path.exists(pamd)
        if fresh:
            shutil.copytree("/etc/pam.d", pamd, symlinks=True)
        for service in ("sshd", "sudo"):
            with open(os.path.join(EXAMPLES, "pam.d", service)) as f:
                text = f.read()
            if MODULE_TOKEN not in text:
                raise AssertionError(f"conf/pam.d/{service} does not name "
                                     f"{MODULE_TOKEN}")
            with open(os.path.join(pamd, service), "w") as f:
                f.write(text.replace(MODULE_TOKEN, module_line))
        if fresh:
            bind(pamd, "/etc/pam.d")
        return (f"conf/pam.d/sshd, conf/pam.d/sudo: substituted "
                f"'{MODULE_TOKEN}' -> '{module_line}'")

    def install_sudoers(self, users):
        """A test /etc/sudoers: the users may run anything as root; every
        sudo asks (no cached timestamp), with passwd_tries=1 as
        conf/pam.d/sudo advises (pam_awsmfa counts the tries)."""
        path = os.path.join(self.dir, "sudoers")
        fresh = not os.path.exists(path)
        with open(path, "w") as f:
            f.write("# written by tests/clients\n"
                    "Defaults env_reset, !lecture, timestamp_timeout=0, "
                    "passwd_tries=1\n"
                    "Defaults secure_path=\"/usr/sbin:/usr/bin:/sbin:/bin\"\n"
                    "root ALL=(ALL:ALL) ALL\n")
            for name in users:
                f.write(f"{name} ALL=(ALL:ALL) ALL\n")
        os.chmod(path, 0o440)
        if fresh:
            bind(path, "/etc/sudoers")

    def close(self):
        self.tables.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Sshd:
    """OpenSSH's sshd on 127.0.0.1 with its own host key and config; the
    shipped conf/sshd_config.d snippet is included verbatim."""

    def __init__(self, machine, methods=None):
        self.dir = tempfile.mkdtemp(prefix="sshd-", dir=machine.dir)
        self.port = free_port()
        self.host_key = os.path.join(self.dir, "host_ed25519")
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
            self.host_key)
        self.config = os.path.join(self.dir, "sshd_config")
        self.log = os.path.join(self.dir, "sshd.log")
        snippet = os.path.join(EXAMPLES, "sshd_config.d", "pam_awsmfa.conf")
        with open(self.config, "w") as f:
            f.write("# written by tests/clients\n")
            if methods:
                # A test-only variant, set before the snippet so it wins.
                f.write(f"AuthenticationMethods {methods}\n")
            # The shipped snippet first, as Debian's sshd_config has it;
            # then what a test server needs, and Debian's PrintMotd no
            # (pam_motd shows it).
            f.write(f"Include {snippet}\n"
                    f"ListenAddress 127.0.0.1\nPort {self.port}\n"
                    f"HostKey {self.host_key}\n"
                    f"PidFile {self.dir}/sshd.pid\n"
                    "PermitRootLogin no\nLogLevel VERBOSE\n"
                    "PrintMotd no\nPrintLastLog no\n")
        with open(self.host_key + ".pub") as f:
            kind, blob = f.read().split()[:2]
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.write(f"[127.0.0.1]:{self.port} {kind} {blob}\n")
        run(SSHD, "-t", "-f", self.config)
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-f", self.config, "-E", self.log],
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        self._wait_listening()

    def _wait_listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.read_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd does not listen: {self.read_log()}")

    def read_log(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log) as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class Transcript:
    """What a client's user saw on the terminal."""

    def __init__(self):
        self.buffer = io.StringIO()

    def text(self):
        return self.buffer.getvalue().replace("\r\n", "\n")


def spawn(argv, env, timeout):
    transcript = Transcript()
    child = pexpect.spawn(argv[0], argv[1:], env=env, timeout=timeout,
                          encoding="utf-8", codec_errors="replace",
                          dimensions=(24, 200))
    child.logfile_read = transcript.buffer
    return child, transcript


def client_env(home):
    os.makedirs(home, mode=0o700, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TERM": "dumb",
            "LANG": "C.UTF-8"}


def ssh(machine, sshd, user, command=None, timeout=60):
    """Starts the ssh client as root for user, with the user's key and a
    known_hosts naming sshd's host key; the caller answers prompts."""
    argv = [SSH, "-F", "/dev/null", "-p", str(sshd.port),
            "-i", machine.key_for(user),
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={sshd.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "BatchMode=no",
            "-o", "PreferredAuthentications=publickey,keyboard-interactive",
            "-o", "UpdateHostKeys=no",
            "-tt", "-l", user, "127.0.0.1"]
    if command:
        argv.append(command)
    return spawn(argv, client_env(os.path.join(machine.dir, "root-home")),
                 timeout)


def sudo_as(machine, user, command, timeout=60):
    """user runs `sudo command` on a terminal of its own (setpriv starts
    it with the user's ids and a reset environment, no PAM involved)."""
    u = machine.users[user]
    argv = [SETPRIV, f"--reuid={u['uid']}", f"--regid={u['gid']}",
            "--init-groups", "--reset-env", SUDO, "--"] + command
    env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8"}
    return spawn(argv, env, timeout)


class Bench:
    """A Machine with Linux users mapped to IAM users of an AWS emulator
    (the integration harness's Bastion), and the shipped PAM examples in
    place for the built module."""

    def __init__(self, iam_users, linux_to_iam, **config):
        from harness import MODULE, Bastion
        if not os.path.exists(MODULE):
            raise RuntimeError(f"{MODULE} is not built")
        self.machine = Machine()
        self.bastion = None
        try:
            self.bastion = Bastion(iam_users)
            self._set_up(MODULE, linux_to_iam, config)
        except BaseException:
            self.close()
            raise

    def _set_up(self, module, linux_to_iam, config):
        self.linux_to_iam = linux_to_iam
        self.machine.add_users(list(linux_to_iam))
        self.config(**config)
        self.bastion.store({linux: self._section(iam)
                            for linux, iam in linux_to_iam.items()})
        self.conf_path = os.path.join(self.bastion.dir, "pam_awsmfa.conf")
        note = self.machine.install_pam(f"{module} config={self.conf_path}")
        print(note, file=sys.stderr)
        self.machine.install_sudoers(list(linux_to_iam))

    def config(self, **overrides):
        """(Re)writes the module's config file: the emulator's endpoints
        and CA, plus overrides."""
        self.settings = overrides
        self.bastion.config(**overrides)

    def _section(self, iam):
        key = self.bastion.users[iam]["keys"][0]
        return {"aws_access_key_id": key["id"],
                "aws_secret_access_key": key["secret"], "iam_user": iam}

    def code(self, linux, offset_steps=0):
        return self.bastion.code(self.linux_to_iam[linux],
                                 offset_steps=offset_steps)

    def wrong_code(self, linux):
        return self.bastion.wrong_code(self.linux_to_iam[linux])

    def serial(self, linux):
        return self.bastion.device(self.linux_to_iam[linux])["serial"]

    def session_file(self, linux):
        uid = self.machine.users[linux]["uid"]
        return os.path.join(self.bastion.session_dir, str(uid),
                            "session.json")

    def secrets_of(self, linux):
        """The long-term secret key: never shown to anyone."""
        iam = self.linux_to_iam[linux]
        return [self.bastion.users[iam]["keys"][0]["secret"]]

    def close(self):
        if self.bastion is not None:
            self.bastion.close()
        self.machine.close()
