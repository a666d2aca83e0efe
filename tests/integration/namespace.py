"""A private mount namespace for tests that need Linux users of their own.
Test equipment only; root only.

enter() re-executes the running test under unshare(1), in a private mount
namespace and a PID namespace of its own.  There, PrivateEtc lays a
private overlay over /etc, and UserTables adds test users to its
/etc/passwd, /etc/shadow and /etc/group: the users exist for the test and
its children only, no user is created on the machine, and every mount
ends with the namespace, when the test exits."""

import os
import pwd
import shutil
import subprocess
import sys
import tempfile

NAMESPACE_MARK = "AWSMFA_CLIENTS_IN_NAMESPACE"


def require_root(why):
    """Skips the test (exit 77) unless it runs as root; why says what
    needs root."""
    if os.geteuid() != 0:
        print(f"SKIP: {why}", file=sys.stderr)
        sys.exit(77)


def enter():
    """Re-executes the running test in the private namespaces (once).
    Its own PID namespace too: when the test ends, however it ends, the
    kernel ends every process it started."""
    if in_private_namespace():
        return
    env = dict(os.environ, **{NAMESPACE_MARK: mount_namespace()})
    script = os.path.abspath(sys.argv[0])
    os.execve("/usr/bin/unshare",
              ["unshare", "--mount", "--propagation", "private",
               "--pid", "--fork", "--kill-child", "--mount-proc", "--",
               sys.executable, script] + sys.argv[1:], env)


def mount_namespace():
    return os.readlink("/proc/self/ns/mnt")


def in_private_namespace():
    """True only in the namespaces enter() made: a mount namespace other
    than the one that started the test, and PID 1 of a PID namespace of
    its own.  Nothing is mounted anywhere else."""
    outer = os.environ.get(NAMESPACE_MARK)
    return (outer is not None and outer != mount_namespace()
            and os.getpid() == 1)


def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def bind(source, target):
    run("mount", "--bind", source, target)


def submounts(top):
    """The mount points below top, parents first (/proc/self/mountinfo
    writes a space in a path as \\040)."""
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].replace("\\040", " ")
            if point.startswith(top + "/"):
                points.append(point)
    return sorted(points)


class PrivateEtc:
    """An overlay on /etc: what the test writes under /etc goes to
    workdir/etc-overlay; the machine's /etc below is never written.

    Why not a copy bound over /etc/passwd: useradd replaces the machine's
    /etc/passwd by renaming a new file over it, and the kernel then
    detaches every mount on the old file in other namespaces too, so the
    test users would vanish in the middle of a test.  /etc itself is
    never renamed.  Mounts below the machine's /etc (a container's
    /etc/hosts, say) are bound again on top of the overlay."""

    def __init__(self, workdir):
        if not in_private_namespace():
            raise RuntimeError("call namespace.enter() first")
        self.machine_dev = os.stat("/etc").st_dev
        layers = os.path.join(workdir, "etc-overlay")
        upper = os.path.join(layers, "upper")
        work = os.path.join(layers, "work")
        os.makedirs(upper)
        os.makedirs(work)
        kept = self._keep_submounts(os.path.join(layers, "kept"))
        run("mount", "-t", "overlay", "overlay", "-o",
            f"lowerdir=/etc,upperdir={upper},workdir={work}", "/etc")
        if not self.mounted():
            raise RuntimeError("/etc is not the private overlay")
        for point, keeper in kept:
            bind(keeper, point)
            run("umount", keeper)

    @staticmethod
    def _keep_submounts(folder):
        """Binds each mount below /etc to a keeper under folder, while
        /etc still shows them."""
        os.makedirs(folder)
        kept = []
        for n, point in enumerate(submounts("/etc")):
            keeper = os.path.join(folder, str(n))
            if os.path.isdir(point):
                os.mkdir(keeper)
            else:
                open(keeper, "w").close()
            bind(point, keeper)
            kept.append((point, keeper))
        return kept

    def mounted(self):
        return os.stat("/etc").st_dev != self.machine_dev

    def close(self):
        """The machine's /etc again, in this namespace too."""
        if self.mounted():
            run("umount", "--lazy", "/etc")


class UserTables:
    """Test users in /etc/passwd, /etc/shadow and /etc/group of a private
    /etc (PrivateEtc).  A temp folder of its own holds the overlay and
    the homes (home/NAME); close() removes it."""

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="awsmfa-users-")
        os.chmod(self.workdir, 0o755)
        try:
            self.etc = PrivateEtc(self.workdir)
        except BaseException:
            shutil.rmtree(self.workdir)
            raise
        self.users = {}
        self.next_uid = self._first_free_uid()

    @staticmethod
    def _taken_names():
        return {p.pw_name for p in pwd.getpwall()}

    @staticmethod
    def _first_free_uid():
        used = {p.pw_uid for p in pwd.getpwall()}
        uid = 61000
        while uid in used or uid + 1 in used:
            uid += 2
        return uid

    def add(self, names):
        """Adds users, each with a group of its own and a home (mode 0755,
        theirs); returns {name: {"uid", "gid", "home"}} for them."""
        added = {}
        taken = self._taken_names()
        for name in names:
            if name in taken:
                raise ValueError(f"a user {name} exists already")
            uid = self.next_uid
            self.next_uid += 1
            home = os.path.join(self.workdir, "home", name)
            os.makedirs(home)
            os.chown(home, uid, uid)
            os.chmod(home, 0o755)
            added[name] = {"uid": uid, "gid": uid, "home": home}
        self._append(added)
        self.users.update(added)
        return added

    @staticmethod
    def _lines(users):
        lines = {"passwd": [], "shadow": [], "group": []}
        for name, u in users.items():
            lines["passwd"].append(
                f"{name}:x:{u['uid']}:{u['gid']}:awsmfa test:{u['home']}:"
                "/bin/bash")
            # "*": no Unix password; the key and the code are the login.
            lines["shadow"].append(f"{name}:*:19700:0:99999:7:::")
            lines["group"].append(f"{name}:x:{u['gid']}:")
        return lines

    def _append(self, users):
        """Writes in place (the overlay keeps owner and mode), and only
        while /etc is the overlay: never the machine's files."""
        for table, added in self._lines(users).items():
            if not self.etc.mounted():
                raise RuntimeError("/etc is not the private overlay")
            path = f"/etc/{table}"
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.rstrip("\n") + "\n")
                f.write("".join(line + "\n" for line in added))

    def close(self):
        self.etc.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
