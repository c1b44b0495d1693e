#!/usr/bin/env python3
"""`synthgen completion bash|zsh|fish` run for real: the bash script sourced in `bash -c`, where
`complete -p synthgen` must name its function and the function, called with COMP_WORDS/COMP_CWORD
set, must offer what a user typing would expect; zsh and fish scripts checked with `zsh -n` and
`fish --no-execute` when those shells are installed. An unknown shell is one usage error (exit 2).
Exits 77 (skipped) without bash."""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def completion(binary, shell):
    ran = subprocess.run([binary, "completion", shell], capture_output=True, text=True, timeout=30)
    if ran.returncode != 0:
        raise AssertionError(f"synthgen completion {shell}: exit {ran.returncode}: {ran.stderr}")
    return ran.stdout


def offered(script, cwd, words, current):
    """COMPREPLY after the completion function ran on `words`, the cursor on words[current]."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    program = f"source {script} && COMP_WORDS=({quoted}) && COMP_CWORD={current} && _synthgen && printf '%s\\n' \"${{COMPREPLY[@]}}\""
    ran = subprocess.run(["bash", "-c", program], capture_output=True, text=True, cwd=cwd, timeout=30)
    if ran.returncode != 0:
        raise AssertionError(f"bash: {words}: exit {ran.returncode}: {ran.stderr}")
    return [line for line in ran.stdout.splitlines() if line]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    failures = []

    def expect(condition, what):
        if not condition:
            failures.append(what)

    wrong = subprocess.run([args.binary, "completion", "tcsh"], capture_output=True, text=True, timeout=30)
    expect(wrong.returncode == 2, f"completion tcsh: expected exit 2, got {wrong.returncode}")
    expect(wrong.stdout == "", f"completion tcsh: expected nothing on stdout, got {wrong.stdout!r}")
    expect(wrong.stderr == "synthgen: error: no completion for the shell 'tcsh': give bash, zsh or fish\n",
           f"completion tcsh: stderr {wrong.stderr!r}")
    missing = subprocess.run([args.binary, "completion"], capture_output=True, text=True, timeout=30)
    expect(missing.returncode == 2 and missing.stderr.startswith("synthgen: error: ") and "bash, zsh or fish" in missing.stderr,
           f"completion without a shell: exit {missing.returncode}, stderr {missing.stderr!r}")

    if shutil.which("bash") is None:
        print("SKIPPED: no bash")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        script = tmp / "synthgen.bash"
        script.write_text(completion(args.binary, "bash"))
        (tmp / "parts").mkdir()
        (tmp / "parts" / "part-0.csv.shard.jsonl").write_text("")
        (tmp / "rows.jsonl").write_text("")
        registered = subprocess.run(["bash", "-c", f"source {script} && complete -p synthgen"], capture_output=True, text=True,
                                    timeout=30)
        expect(registered.returncode == 0 and registered.stdout.strip() == "complete -F _synthgen synthgen",
               f"complete -p synthgen: exit {registered.returncode}, {registered.stdout!r} {registered.stderr!r}")
        cases = [
            (["synthgen", "--n-sa"], 1, lambda got: got == ["--n-sample"]),
            (["synthgen", "--no-early"], 1, lambda got: got == ["--no-early-stop"]),
            (["synthgen", "-"], 1, lambda got: {"--api", "--output", "--quiet", "-q", "--config-file", "--help"} <= set(got)),
            (["synthgen", "--api", ""], 2, lambda got: got == ["openai", "tgi"]),
            (["synthgen", "--api", "=", "t"], 3, lambda got: got == ["tgi"]),
            (["synthgen", "--parser", "l"], 2, lambda got: got == ["legacy"]),
            (["synthgen", "--log-level", "w"], 2, lambda got: got == ["warn"]),
            (["synthgen", "--n-sample", ""], 2, lambda got: got == []),
            (["synthgen", "--input", "ro"], 2, lambda got: got == ["rows.jsonl"]),
            (["synthgen", ""], 1, lambda got: {"config", "plan", "batch", "merge", "completion"} <= set(got) and "manpage" not in got),
            (["synthgen", "batch", ""], 2, lambda got: got == ["export", "import", "submit", "status", "collect"]),
            (["synthgen", "--api", "tgi", "batch", "ex"], 4, lambda got: got == ["export"]),
            (["synthgen", "config", ""], 2, lambda got: got == ["show", "example"]),
            (["synthgen", "completion", ""], 2, lambda got: got == ["bash", "zsh", "fish"]),
            (["synthgen", "merge", "--output", "m.csv", "parts/"], 4, lambda got: got == ["parts/part-0.csv.shard.jsonl"]),
            (["synthgen", "batch", "import", "ro"], 3, lambda got: got == ["rows.jsonl"]),
            (["synthgen", "batch", "export", "--batch-o"], 3, lambda got: got == ["--batch-out"]),
        ]
        for words, current, ok in cases:
            try:
                got = offered(script, tmp, words, current)
            except AssertionError as e:
                failures.append(str(e))
                continue
            expect(ok(got), f"bash completion of {words} (word {current}): got {got}")

        for shell, check in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
            text = completion(args.binary, shell)
            expect(text.count("synthgen") > 10, f"{shell}: a short script")
            if shutil.which(shell) is None:
                print(f"{shell} is not installed: its script is checked by the unit tests only")
                continue
            path = tmp / f"synthgen.{shell}"
            path.write_text(text)
            ran = subprocess.run(check + [str(path)], capture_output=True, text=True, timeout=30)
            expect(ran.returncode == 0, f"{shell} syntax check: {ran.stderr}")
    for failure in failures:
        print("FAIL:", failure)
    print("ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
