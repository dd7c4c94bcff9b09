"""The hostile corpus's lit format: every case of a .cases file is a test.

    case NAME
    make: shell command run first in the case's empty folder (any number)
    run: the one command under test (ffnc, ffn-run, ffn-opt)
    culprit: text the error line must contain
    exit: the expected exit code (default 2)
    lines: how many lines stderr holds (default 1; MLIR's source
           diagnostics add the line and a caret)

%inputs and %models in commands name test/Hostile/Inputs and test/models.
A case passes when the command exits with that code (never a signal),
within the time and memory limits below, prints exactly one line on
stderr, which contains the culprit, and leaves its folder as it was: the
file `out`, which holds "keep" before the run, and every file the case
made are unchanged, and no file appears or vanishes. Commands name their
outputs `out` or one of the files they must not touch.
"""

import hashlib
import os
import resource
import shutil
import subprocess

import lit.Test
import lit.formats

TIME_LIMIT_S = 60
MEMORY_LIMIT = 4 << 30


def parse_cases(path):
    cases, case = [], None
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("case "):
                case = {"name": line[5:].strip(), "line": number, "make": [],
                        "exit": 2, "lines": 1}
                cases.append(case)
                continue
            key, sep, value = line.partition(":")
            if case is None or not sep or key not in (
                    "make", "run", "culprit", "exit", "lines"):
                raise ValueError(f"{path}:{number}: unexpected line: {line}")
            value = value.strip()
            if key == "make":
                case["make"].append(value)
            elif key in ("exit", "lines"):
                case[key] = int(value)
            elif key in case:
                raise ValueError(f"{path}:{number}: second '{key}'")
            else:
                case[key] = value
    for c in cases:
        if "run" not in c or "culprit" not in c:
            raise ValueError(f"{path}:{c['line']}: case {c['name']} needs "
                             "run and culprit")
    return cases


def limit_resources():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def listing(folder):
    """Every path under `folder` with a digest of its contents."""
    files = {}
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = os.path.join(root, name)
            if os.path.islink(path):
                digest = "link to " + os.readlink(path)
            elif os.path.isfile(path) and os.path.getsize(path) > 1 << 26:
                # Large (sparse) files: their size and time of change.
                stat = os.stat(path)
                digest = f"{stat.st_size} bytes, changed {stat.st_mtime_ns}"
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    digest = hashlib.sha1(f.read()).hexdigest()
            else:
                digest = "folder" if os.path.isdir(path) else "special"
            files[os.path.relpath(path, folder)] = digest
    return files


class HostileCases(lit.formats.FileBasedTest):
    def getTestsForPath(self, suite, path_in_suite, lit_config, local_config):
        if not path_in_suite[-1].endswith(".cases"):
            return
        for case in parse_cases(suite.getSourcePath(path_in_suite)):
            yield lit.Test.Test(suite, path_in_suite + (case["name"],),
                                local_config)

    def execute(self, test, lit_config):
        source, name = os.path.split(test.getSourcePath())
        case = next(c for c in parse_cases(source) if c["name"] == name)
        work = test.getExecPath()
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        cfg = test.config
        env = dict(os.environ, PATH=cfg.environment["PATH"])
        subst = lambda s: (s.replace("%inputs", cfg.hostile_inputs)
                            .replace("%models", cfg.hostile_models))
        for make in case["make"]:
            made = subprocess.run(subst(make), shell=True, cwd=work, env=env,
                                  capture_output=True, text=True)
            if made.returncode != 0:
                return lit.Test.FAIL, f"make failed: {make}\n{made.stderr}"
        with open(os.path.join(work, "out"), "w") as f:
            f.write("keep\n")
        before = listing(work)
        command = subst(case["run"])
        try:
            ran = subprocess.run(command, shell=True, cwd=work, env=env,
                                 capture_output=True, text=True,
                                 errors="replace", timeout=TIME_LIMIT_S,
                                 preexec_fn=limit_resources)
        except subprocess.TimeoutExpired:
            return lit.Test.FAIL, f"{command}\nran past {TIME_LIMIT_S} s"
        report = (f"{source}:{case['line']}\n$ {command}\nexit {ran.returncode}"
                  f"\n--- stderr ---\n{ran.stderr}")
        problems = []
        if ran.returncode != case["exit"]:
            problems.append(f"expected exit {case['exit']}")
        lines = [l for l in ran.stderr.splitlines() if l.strip()]
        if len(lines) != case["lines"]:
            problems.append(f"expected {case['lines']} line(s) on stderr, "
                            f"got {len(lines)}")
        if case["culprit"] not in ran.stderr:
            problems.append(f"stderr does not name: {case['culprit']}")
        after = listing(work)
        changed = sorted(path for path in set(before) | set(after)
                         if before.get(path) != after.get(path))
        if changed:
            problems.append(f"files changed, appeared or vanished: {changed}")
        if problems:
            return lit.Test.FAIL, report + "\n" + "\n".join(problems)
        return lit.Test.PASS, ""


