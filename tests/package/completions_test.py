#!/usr/bin/python3
"""The shell completions in installers/linux/completions stay in step with the programs' help:
every command of `sciagents --help` and every option `sciagents help COMMAND` documents is offered
by the bash, zsh and fish completions, and every option they offer is documented. The same for
sciagents-studio when it is built.

Usage: /usr/bin/python3 tests/package/completions_test.py --sciagents build/bin/sciagents
"""
import argparse
import os
import re
import subprocess
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPLETIONS = os.path.join(ROOT, "installers", "linux", "completions")
ARGS = None
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")


def run_help(exe, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=60, check=True).stdout


def documented_options(text):
    """Options of the usage lines and of the option tables (the first column of indented lines)."""
    opts = set()
    for line in text.splitlines():
        if line.lstrip().startswith("Usage:") or line.lstrip().startswith("sciagents "):
            opts |= set(OPTION.findall(line))
        elif re.match(r"\s+-", line):
            opts |= set(OPTION.findall(re.split(r"(?<=\S)\s{2,}", line.strip(), maxsplit=1)[0]))
    return opts


def fish_long(text):
    """Long options of fish `complete ... -l NAME` lines."""
    return {"--" + m for m in re.findall(r"(?m)^complete\b.*\s-l ([a-z][a-z-]*)", text)}


def read(name):
    with open(os.path.join(COMPLETIONS, name)) as f:
        return f.read()


class Completions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        general = run_help(ARGS.sciagents, "--help")
        cls.commands = re.findall(r"(?m)^  ([a-z][a-z-]*[a-z]) ", general.split("Commands:")[1].split("\n\n")[0])
        cls.per_command = {c: documented_options(run_help(ARGS.sciagents, "help", c)) for c in cls.commands}
        cls.documented = set().union(*cls.per_command.values()) | set(OPTION.findall(general))
        cls.files = {"bash": read("sciagents.bash"), "zsh": read("_sciagents"), "fish": read("sciagents.fish")}

    def test_commands_found(self):
        self.assertGreaterEqual(len(self.commands), 6)
        self.assertIn("run", self.commands)
        self.assertIn("--output", self.per_command["run"])
        self.assertIn("--tls-key", self.per_command["serve"])
        self.assertIn("export-python", self.commands)

    def test_every_command_is_completed(self):
        for shell, text in self.files.items():
            missing = [c for c in self.commands + ["help"] if not re.search(r"(?<![\w-])%s(?![\w-])" % c, text)]
            self.assertEqual(missing, [], "%s completion lacks commands" % shell)

    def test_every_documented_option_is_completed(self):
        for shell, text in self.files.items():
            offered = set(OPTION.findall(text))
            if shell == "fish":  # fish writes `-l name`
                offered |= fish_long(text)
            for c, opts in self.per_command.items():
                self.assertEqual(sorted(opts - offered), [], "%s completion lacks options of '%s'" % (shell, c))

    def test_every_completed_option_is_documented(self):
        for shell, text in self.files.items():
            offered = set(OPTION.findall(text))
            if shell == "fish":
                offered |= fish_long(text)
            studio_only = {"--help-all"}
            self.assertEqual(sorted(offered - self.documented - studio_only), [],
                             "%s completion offers undocumented options" % shell)

    def bash_complete(self, line):
        """COMPREPLY of the bash completion for the words of line (the last word is completed)."""
        words = line.split(" ")
        script = ('source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _sciagents; printf "%%s\\n" "${COMPREPLY[@]}"'
                  % (os.path.join(COMPLETIONS, "sciagents.bash"), " ".join("'%s'" % w for w in words), len(words) - 1))
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
        self.assertEqual(r.returncode, 0, r.stderr)
        return set(r.stdout.split())

    def test_bash_completion_works(self):
        self.assertEqual(self.bash_complete("sciagents va"), {"validate"})
        self.assertEqual(self.bash_complete("sciagents exp"), {"export-python"})
        self.assertEqual(self.bash_complete("sciagents export-python x.json --s"), {"--set"})
        self.assertEqual(self.bash_complete("sciagents run --tar"), {"--target"})
        self.assertEqual(self.bash_complete("sciagents run x.json --progress "), {"auto", "bar", "lines", "none"})
        self.assertEqual(self.bash_complete("sciagents serve token "), {"create", "list", "revoke"})
        self.assertIn("examples/quickstart.workflow.json", self.bash_complete("sciagents run examples/quick"))

    def test_studio_options_are_completed(self):
        studio = os.path.join(os.path.dirname(ARGS.sciagents), "sciagents-studio")
        if not os.path.exists(studio):
            self.skipTest("Studio is not built")
        opts = set(OPTION.findall(run_help(studio, "--help")))
        self.assertIn("--version", opts)
        for name in ("sciagents.bash", "_sciagents", "sciagents-studio.fish"):
            text = read(name)
            offered = set(OPTION.findall(text)) | fish_long(text)
            self.assertEqual(sorted(opts - offered), [], name)


if __name__ == "__main__":
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--sciagents", default="build/bin/sciagents")
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
