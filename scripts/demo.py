"""The quick-start demo: one real login through the PAM stack against the
bundled AWS emulator, then the aws CLI with the session it produced.

Usage: demo.py BUILD_DIR.  Everything runs on 127.0.0.1 in a throwaway
folder: a test CA, the emulator with one IAM user ("operator") who has a
virtual MFA device, a credentials store mapping this Linux user to that
IAM user, and a PAM service using the freshly built module."""

import os
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("top_srcdir", TOP)
os.environ["top_builddir"] = os.path.abspath(
    sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build"))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import Bastion, iam_user  # noqa: E402

SECRET_NAMES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def show_file(title, path):
    print(f"--- {title} ({path})")
    with open(path) as f:
        for line in f:
            if "secret" not in line:
                print("    " + line.rstrip())


def main():
    with Bastion([iam_user("operator")]) as b:
        b.map_to("operator")
        show_file("module config", b.config())
        b.service()
        print(f"--- AWS emulator listening on {b.emu.url}")
        code = b.code("operator")
        print("--- login through PAM; the operator types the code from the "
              "MFA app:")
        r = b.login([code], session=True)
        for line in r.out.splitlines():
            if not line.startswith("env "):
                print("    " + line)
        if r.rc != 0:
            print(r.err + r.syslog)
            return 1
        print("--- the session's environment:")
        for name, value in sorted(r.env.items()):
            shown = (f"<{len(value)} characters, not shown>"
                     if name in SECRET_NAMES else value)
            print(f"    {name}={shown}")
        print("--- decision logged to syslog (authpriv):")
        for line in r.syslog.splitlines():
            if "pam_awsmfa(" in line:
                print("    " + line.split("\t", 1)[-1])
        print(f"--- session file {b.session_file()} "
              f"(mode {os.stat(b.session_file()).st_mode & 0o777:o})")
        creds = {k: v for k, v in r.env.items() if k.startswith("AWS_")}
        print("--- aws sts get-caller-identity with those credentials:")
        who = b.aws(["sts", "get-caller-identity"], creds)
        print("    " + who.stdout.strip().replace("\n", "\n    "))
        if who.returncode != 0:
            print(who.stderr)
            return 1
        print("--- demo complete: the code became a working AWS session")
        return 0


if __name__ == "__main__":
    sys.exit(main())
