"""`awsmfa env` evaluated by real shells (bash, zsh, dash) gives exactly
the session file's values, exported, also when the file's values are
hostile: quotes, command substitutions, backslashes, globs.  The session
file is the user's own, but what is in it came over the network."""

import json
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import KEY_ID, SECRET, Sessions, document, utc  # noqa: E402

EXPIRES = utc("2030-01-01T00:00:00Z")
NOW = EXPIRES - 3600

# Every printable ASCII character but the space may be in a secret key or a
# session token (the session file's rules); these put the dangerous ones
# in the dangerous places.
HOSTILE = [
    ("'", "'"),
    ("'$(touch${IFS}pwned-subst)'", "`touch${IFS}pwned-backtick`"),
    ("a'\\''b", "\\'\"\\\"$HOME;touch${IFS}pwned-semicolon|&<>"),
    ("end\\", "*?[a-z]~!#{a,b}%^"),
    ("-n", "''''"),
    ("$'\\x41'", "${IFS}$((1+1))\"$(touch${IFS}pwned-dq)\""),
]

SHELLS = {"bash": ["/bin/bash", "--norc", "--noprofile", "-c"],
          "zsh": ["/bin/zsh", "-f", "-c"],
          "dash": ["/bin/dash", "-c"]}

NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
         "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION")


def exported(output):
    """The AWS_* variables in `env -0` output."""
    pairs = (item.split("=", 1) for item in output.split("\0") if item)
    return {k: v for k, v in pairs if k in NAMES}


class EnvEvaluated(unittest.TestCase):
    def setUp(self):
        self.s = Sessions()
        self.addCleanup(self.s.close)

    def evaluate(self, shell):
        script = 'eval "$(awsmfa env)" && exec env -0'
        return self.s.run([script], now=NOW, program=SHELLS[shell])

    def check(self, shell, secret, token, region="eu-west-1"):
        self.s.write(document(EXPIRES, SecretAccessKey=secret,
                              SessionToken=token, Region=region))
        done = self.evaluate(shell)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        want = {"AWS_ACCESS_KEY_ID": KEY_ID,
                "AWS_SECRET_ACCESS_KEY": secret,
                "AWS_SESSION_TOKEN": token,
                "AWS_CREDENTIAL_EXPIRATION": "2030-01-01T00:00:00Z",
                "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
        self.assertEqual(exported(done.stdout), want)
        self.assertEqual(
            [name for name in os.listdir(self.s.home)
             if name.startswith("pwned")], [],
            "a value in the session file ran a command")

    def test_plain_values(self):
        for shell in SHELLS:
            with self.subTest(shell=shell):
                self.check(shell, SECRET, "FwoGZXIvYXdzE+token/with=chars")

    def test_hostile_values(self):
        for shell in SHELLS:
            for secret, token in HOSTILE:
                with self.subTest(shell=shell, secret=secret, token=token):
                    self.check(shell, secret, token)

    def test_hostile_values_survive_credential_process(self):
        for secret, token in HOSTILE:
            with self.subTest(secret=secret, token=token):
                self.s.write(document(EXPIRES, SecretAccessKey=secret,
                                      SessionToken=token))
                done = self.s.run(["credential-process"], now=NOW)
                answer = json.loads(done.stdout)
                self.assertEqual((answer["SecretAccessKey"],
                                  answer["SessionToken"]), (secret, token))

    def test_fish_quoting(self):
        # fish is not installed here: the text itself is checked, against
        # fish's rule that only \' and \\ are escapes in single quotes.
        self.s.write(document(EXPIRES, SecretAccessKey="a'b\\c",
                              SessionToken="$(x)\\'"))
        done = self.s.run(["env", "--fish"], now=NOW)
        lines = done.stdout.splitlines()
        self.assertIn("set -gx AWS_SECRET_ACCESS_KEY 'a\\'b\\\\c';", lines)
        self.assertIn("set -gx AWS_SESSION_TOKEN '$(x)\\\\\\'';", lines)

    @unittest.skipUnless(shutil.which("fish"), "fish is not installed")
    def test_fish_evaluates(self):
        secret, token = HOSTILE[2]
        self.s.write(document(EXPIRES, SecretAccessKey=secret,
                              SessionToken=token))
        done = self.s.run(["awsmfa env --fish | source; and exec env -0"],
                          now=NOW, program=[shutil.which("fish"), "-c"])
        got = exported(done.stdout)
        self.assertEqual((got["AWS_SECRET_ACCESS_KEY"],
                          got["AWS_SESSION_TOKEN"]), (secret, token))


if __name__ == "__main__":
    unittest.main(verbosity=2)
