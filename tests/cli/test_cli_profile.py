"""The profile.d snippet in real interactive shells (bash -i, zsh -i),
fed their commands on stdin, as the session's user, with a fake clock
(AWSMFA_TEST_NOW): it loads the live credentials, picks up a renewed
session file at the next prompt, warns once under 15 minutes, unsets the
credentials at expiry, and runs awsmfa only when the file changed (zsh
runs no process at all per prompt; bash one stat)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Sessions, document, utc  # noqa: E402

E1 = utc("2030-01-01T00:00:00Z")
E2 = utc("2030-01-01T12:00:00Z")
TOKEN1 = "FwoGZXIvYXdzEFIRST+token/1="
TOKEN2 = "FwoGZXIvYXdzESECOND+token/2="

SHELLS = {"bash": ["/bin/bash", "--norc", "--noprofile", "-i"],
          "zsh": ["/bin/zsh", "-f", "-i"]}


class Snippet(unittest.TestCase):
    def setUp(self):
        self.s = Sessions()
        self.addCleanup(self.s.close)
        self.calls = os.path.join(self.s.home, "calls")
        self.bin = os.path.join(self.s.top, "wrappers")
        os.mkdir(self.bin, 0o755)
        # Wrappers that log every run of awsmfa, stat and date, so that the
        # test sees which processes a prompt costs.
        for name, real in (("awsmfa", self.s.awsmfa), ("stat", "/usr/bin/stat"),
                           ("date", "/bin/date")):
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(f'#!/bin/sh\necho "{name} $*" >> "{self.calls}"\n'
                        f'exec {real} "$@"\n')
            os.chmod(path, 0o755)

    def shell(self, kind, lines, now, env=None):
        script = "\n".join(lines) + "\n"
        full_env = {"PATH": f"{self.bin}:/usr/bin:/bin", "PS1": "$ ",
                    "AWSMFA_TEST_NOW": str(now)}
        full_env.update(env or {})
        done = self.s.run([], env=full_env, program=SHELLS[kind],
                          stdin=script)
        ours = [line[line.index("awsmfa:"):]
                for line in done.stderr.splitlines() if "awsmfa:" in line]
        return done, ours

    def runs(self):
        if not os.path.exists(self.calls):
            return []
        with open(self.calls) as f:
            return f.read().splitlines()

    def renewal_file(self):
        """A renewed session, ready to be renamed over the old one from
        inside the shell (as the module renames its temp file)."""
        path = os.path.join(self.s.user_dir, ".renewed")
        self.s.write(document(E2, E1 - 600, SessionToken=TOKEN2))
        os.rename(self.s.path, path)
        self.s.write(document(E1, E1 - 43200, SessionToken=TOKEN1))
        return path

    def test_lifecycle(self):
        for kind in SHELLS:
            with self.subTest(shell=kind):
                renewed = self.renewal_file()
                if os.path.exists(self.calls):
                    os.unlink(self.calls)
                done, ours = self.shell(kind, [
                    f". {self.s.snippet}",
                    'echo "A:${AWS_SESSION_TOKEN-unset}"',
                    "echo quiet1", "echo quiet2", "echo quiet3",
                    f"mv -f {renewed} {self.s.path}",
                    'echo "B:${AWS_SESSION_TOKEN-unset}"',
                    f"export AWSMFA_TEST_NOW={E2 - 600}",
                    "echo C", "echo D",
                    f"export AWSMFA_TEST_NOW={E2}",
                    'echo "E:${AWS_ACCESS_KEY_ID-unset}:'
                    '${AWS_SESSION_TOKEN-unset}:'
                    '${AWS_CREDENTIAL_EXPIRATION-unset}:'
                    '${AWS_REGION-none}"',
                ], now=E1 - 3600)
                out = [x for x in done.stdout.splitlines() if x.strip()]
                self.assertIn(f"A:{TOKEN1}", out)
                self.assertIn(f"B:{TOKEN2}", out)
                self.assertIn("E:unset:unset:unset:none", out)
                self.assertEqual(ours, [
                    "awsmfa: your AWS session expires in 10 min "
                    "(2030-01-01T12:00:00Z); run sudo -v to renew",
                    "awsmfa: your AWS session expired at "
                    "2030-01-01T12:00:00Z; log in again or run sudo -v "
                    "to renew"])
                awsmfa_runs = [r for r in self.runs()
                               if r.startswith("awsmfa")]
                # path once, env at start, env after the renewal: nothing
                # for the prompts in between.
                self.assertEqual(awsmfa_runs,
                                 ["awsmfa path", "awsmfa env", "awsmfa env"])
                others = [r for r in self.runs()
                          if not r.startswith("awsmfa")]
                if kind == "zsh":
                    self.assertEqual(others, [], "zsh ran a process per "
                                     "prompt")
                else:
                    self.assertTrue(all(r.startswith("stat ")
                                        for r in others), others)

    def test_inherited_login_environment_is_unset_at_expiry(self):
        # No session file (removed, say), but the login put the variables
        # in the environment, as pam_putenv does.
        for kind in SHELLS:
            with self.subTest(shell=kind):
                login_env = {"AWS_ACCESS_KEY_ID": "ASIAIOSFODNN7EXAMPLE",
                             "AWS_SECRET_ACCESS_KEY": "secret",
                             "AWS_SESSION_TOKEN": TOKEN1,
                             "AWS_CREDENTIAL_EXPIRATION":
                                 "2030-01-01T00:00:00Z"}
                done, ours = self.shell(kind, [
                    f". {self.s.snippet}",
                    'echo "A:${AWS_SESSION_TOKEN-unset}"',
                    f"export AWSMFA_TEST_NOW={E1 + 5}",
                    'echo "B:${AWS_SESSION_TOKEN-unset}:'
                    '${AWS_SECRET_ACCESS_KEY-unset}"',
                ], now=E1 - 100, env=login_env)
                out = done.stdout.splitlines()
                self.assertIn(f"A:{TOKEN1}", out)
                self.assertIn("B:unset:unset", out)
                self.assertEqual(ours, [
                    "awsmfa: your AWS session expires in 2 min "
                    "(2030-01-01T00:00:00Z); run sudo -v to renew",
                    "awsmfa: your AWS session expired at "
                    "2030-01-01T00:00:00Z; log in again or run sudo -v "
                    "to renew"])

    def test_own_long_term_keys_are_left_alone(self):
        for kind in SHELLS:
            with self.subTest(shell=kind):
                done, ours = self.shell(kind, [
                    f". {self.s.snippet}", "echo x",
                    'echo "K:${AWS_ACCESS_KEY_ID-unset}"',
                ], now=E1, env={"AWS_ACCESS_KEY_ID": "AKIAOWNLONGTERMKEY00"})
                self.assertIn("K:AKIAOWNLONGTERMKEY00",
                              done.stdout.splitlines())
                self.assertEqual(ours, [])

    def test_existing_prompt_command_still_runs(self):
        self.s.write(document(E1))
        done, _ = self.shell("bash", [
            "PROMPT_COMMAND='echo user-hook'", f". {self.s.snippet}", "echo x",
        ], now=E1 - 3600)
        self.assertGreaterEqual(done.stdout.splitlines().count("user-hook"),
                                2)

    def test_non_interactive_and_other_shells_are_left_alone(self):
        self.s.write(document(E1))
        script = f'. {self.s.snippet}; echo "${{AWS_SESSION_TOKEN-unset}}"'
        for program in (["/bin/bash", "--norc", "-c"],
                        ["/bin/zsh", "-f", "-c"],
                        ["/bin/dash", "-c"], ["/bin/dash", "-i", "-c"]):
            with self.subTest(program=program):
                done = self.s.run(
                    [script],
                    now=E1 - 3600, program=program,
                    env={"PATH": f"{self.bin}:/usr/bin:/bin"})
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(done.stdout, "unset\n")
        self.assertEqual(self.runs(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
