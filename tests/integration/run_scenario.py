#!/usr/bin/env python3
"""Run one synthgen integration scenario (a JSON file) as one test.

Starts the fake Hugging Face server (tests/fake_hf/fake_hf.py) on 127.0.0.1, runs the synthgen
binary once per entry of "runs" in a clean environment, and checks each run's "expect" section:
exit code, output, files written, and what the fake received.

Usage: run_scenario.py --binary PATH/TO/synthgen --scenario tests/integration/scenarios/NAME.json [--keep-tmp]
Prints `PASS NAME` and exits 0, or explains the failure (or the fault in the scenario file) and exits 1.
Standard library only (Python 3.11).

Scenario file: {"description", "server": {fake_hf scenario} | "server_file": PATH, "extra_servers": [{fake_hf scenario}...],
"runs": [run...]}. "extra_servers" start more fakes beside the first (a pool of endpoints): the Nth is
{baseN} and {portN}, from 1; each is the first's inline "server" with the entry's top-level keys in
place of its own (e.g. another "model": latency_ms, error with "after", faults).
A run: {"description", "args", "env" (null unsets), "files" {path: text | {"latin1": text}}, "cwd", "expect", "signal",
"stdin" (a file fed to standard input), "stdout_closed" (true: standard output is a pipe whose
reader has gone), "fifos" [path] (made with mkfifo and read while the binary runs;
what arrived is saved as PATH.received), "devices" {path: "null" | "full"} (copies of /dev/null and
/dev/full made with mknod, so a bug never touches the real ones), "symlinks" {link: target},
"modes" {path: "0640"}, "head_bytes" (N: stdout and stderr go into one pipe that is closed after N
bytes, as `synthgen ... 2>&1 | head -c N` does; the N bytes are the run's stdout, its stderr is empty),
"program" (a helper run instead of synthgen, with the run's "args", env, cwd and "expect" as a synthgen run:
"vllm_run_batch" is tests/fake_hf/fake_vllm_run_batch.py, run with this Python and given
`--scenario` the fake's scenario file first, so it answers as the fake would; see PROGRAMS),
"files_spliced" {path: [piece...]} (a file put together before the run from pieces: a string is
text, {"lines": FILE, "from": A, "to": B} lines A..B, 1-based and inclusive, of a file an earlier run
wrote (either bound may be left out); written after "files")}.
Placeholders {base} {port} {tmp} {home} {scenario_dir} {dead_pid} (a pid no process has)
{fake_scenario} (the fake's scenario file) work in every string of a run. Relative paths:
fixture files of an inline server and csv.equals_file from the scenario's dir, everything else from
the run's cwd (default {tmp}). "expect" keys: exit; stdout_/stderr_ contains, not_contains, regex, last_line; stdout_save;
stderr_single_error_line; files_absent; files_present; files_absent_glob; file_unchanged; file_kind;
file_mode; files_equal; file_lines; custom_ids; csv; stdout_csv; json; stats; inference; secret_absent (one or a list); hub_files; peak_rss_mib
(the binary's own, from wait4); head_closed_early; stderr_json_lines (--progress json: every stderr line that opens with {
is one JSON object; see check_stderr_json_lines) (see CHECKS below). Expected values in json.equals, stats and inference.all may be
{"min": a, "max": b}. "json" may be a list of checks; "line": N reads line N of a JSON-lines file (a shard
part's header); "same_as": PATH with "ignoring": [dotted key...] compares the whole document with another
file's but for those keys (see check_json).
"""
import argparse
import contextlib
import csv
import fnmatch
import http.client
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import zlib
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FAKE = Path(__file__).resolve().parent.parent / "fake_hf" / "fake_hf.py"
RUN_TIMEOUT_S = 120
START_TIMEOUT_S = 10
SHOWN_OUTPUT_CHARS = 4000
STRIPPED_ENV_PREFIXES = ("HF_", "HUGGING_FACE", "SYNTHGEN_", "OPENAI_")
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
ERROR_PREFIX = "synthgen: error: "
SCENARIO_KEYS = {"description", "server", "server_file", "extra_servers", "runs", "tls"}
RUN_KEYS = {"description", "args", "env", "files", "cwd", "expect", "signal", "stdin", "stdout_closed", "fifos", "devices", "symlinks",
            "modes", "head_bytes", "program", "files_spliced"}
HERE = Path(__file__).resolve().parent
# "program" of a run: name -> (script run with this Python, the arguments put before the run's "args"
# ({fake_scenario} is the fake's scenario file)).
PROGRAMS = {
    "vllm_run_batch": (HERE.parent / "fake_hf" / "fake_vllm_run_batch.py", ["--scenario", "{fake_scenario}"]),
}
PIECE_KEYS = {"lines", "from", "to"}
MEMORY_DEVICES = {"null": 3, "full": 7}  # minor numbers of /dev/null and /dev/full (major 1)
SIGNAL_KEYS = {"after_requests", "name"}
FAKE_DIR = "_fake"  # inside {tmp}: the fake's scenario, port file, log and stderr


class ScenarioError(Exception):
    """The scenario file itself is wrong, or the harness could not start."""


# ---------------------------------------------------------------- the fake server


class FakeServer:
    """fake_hf.py as a subprocess; stopped on exit whatever happened."""

    def __init__(self, scenario_file, base_dir, workdir, tls=False):
        self.workdir = workdir
        self.command = [sys.executable, str(FAKE), "--scenario", str(scenario_file), "--base-dir", str(base_dir),
                        "--port-file", str(workdir / "port"), "--log", str(workdir / "requests.log")]
        self.tls = tls
        if tls:
            self.cert, key = make_self_signed_certificate(workdir)
            self.command += ["--tls-cert", str(self.cert), "--tls-key", str(key)]
        self.proc = None
        self.port = None

    def __enter__(self):
        with open(self.workdir / "stderr.txt", "wb") as stderr:
            self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
        try:
            self.port = self.wait_for_port()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_for_port(self):
        port_file = self.workdir / "port"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ScenarioError(f"fake_hf.py exited with code {self.proc.returncode} before listening:\n"
                                    f"{self.stderr()}")
            if port_file.exists():
                return int(port_file.read_text())
            time.sleep(0.02)
        raise ScenarioError(f"fake_hf.py wrote no port file within {START_TIMEOUT_S} s:\n{self.stderr()}")

    def stderr(self):
        return (self.workdir / "stderr.txt").read_text(errors="replace")[-SHOWN_OUTPUT_CHARS:]

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    @property
    def base(self):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def control(self, method, path):
        """A /_fake/ request (direct, never through a proxy); the JSON answer."""
        if self.tls:
            context = ssl.create_default_context(cafile=str(self.cert))
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise ScenarioError(f"fake_hf {method} {path} answered {response.status}: {body[:200]!r}")
        return json.loads(body)


def make_self_signed_certificate(workdir):
    """A throw-away certificate for 127.0.0.1, made with the openssl CLI; (cert, key) paths."""
    cert, key = workdir / "tls-cert.pem", workdir / "tls-key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
               "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise ScenarioError(f"openssl could not make a certificate: {result.stderr.decode(errors='replace')}")
    return cert, key


def server_source(scenario, scenario_dir, fake_dir):
    """(fake scenario file, base dir for its fixture paths) for the scenario's server."""
    server = scenario.get("server", {})
    server_file = scenario.get("server_file") or server.get("server_file")
    if server_file:
        path = (scenario_dir / server_file).resolve()
        return path, path.parent
    path = fake_dir / "scenario.json"
    path.write_text(json.dumps(with_absolute_files(server, scenario_dir)), encoding="utf-8")
    return path, scenario_dir


def start_extra_servers(scenario, scenario_dir, tmp, stack):
    """The fakes of "extra_servers", each in its own dir {tmp}/_fake/extra_N, stopped with `stack`."""
    extra = scenario.get("extra_servers", [])
    if not isinstance(extra, list) or not all(isinstance(server, dict) for server in extra):
        raise ScenarioError("extra_servers must be a list of fake_hf scenarios (objects)")
    started = []
    first = scenario.get("server", {})
    for number, own in enumerate(extra, 1):
        server = {**first, **own}
        workdir = tmp / FAKE_DIR / f"extra_{number}"  # beside the first fake's files: the fakes' own, not the run's
        workdir.mkdir()
        path = workdir / "scenario.json"
        path.write_text(json.dumps(with_absolute_files(server, scenario_dir)), encoding="utf-8")
        started.append(stack.enter_context(FakeServer(path, scenario_dir, workdir, scenario.get("tls", False))))
    return started


def with_absolute_files(server, scenario_dir):
    """The inline server with its datasets' fixture files made absolute, so the written scenario file
    means the same wherever it is read from (a "program" reads it without the fake's --base-dir)."""
    server = json.loads(json.dumps(server))
    for dataset in server.get("datasets", {}).values() if isinstance(server.get("datasets"), dict) else []:
        configs = dataset.get("configs", {}) if isinstance(dataset, dict) else {}
        for config in configs.values() if isinstance(configs, dict) else []:
            if isinstance(config, dict) and isinstance(config.get("file"), str):
                config["file"] = str((scenario_dir / config["file"]).resolve())
    return server


# ---------------------------------------------------------------- one run


@dataclass
class Outcome:
    """What a run did, and what the checks need to judge it."""
    command: list
    cwd: Path
    scenario_dir: Path
    tmp: Path
    exit_code: int | None  # None: timed out
    stdout: bytes
    stderr: bytes
    stats: dict
    before: dict  # path -> bytes or None, for file_unchanged
    written: set = field(default_factory=set)  # files the test itself wrote
    variables: dict = field(default_factory=dict)  # values saved by earlier checks ("save_as")
    signalled: bool = False  # the "signal" of the run was sent
    peak_rss_kib: int | None = None  # the binary's maximum resident set size
    head_closed_early: bool | None = None  # "head_bytes": the pipe was closed while the binary ran

    def out(self, stream):
        return getattr(self, stream).decode("utf-8", errors="replace")

    def path(self, name):
        return self.cwd / name


def expand(value, placeholders):
    """Substitutes {name} placeholders in every string (and dict key) of `value`."""
    if isinstance(value, str):
        for name, replacement in placeholders.items():
            value = value.replace(f"{{{name}}}", replacement)
        return value
    if isinstance(value, list):
        return [expand(v, placeholders) for v in value]
    if isinstance(value, dict):
        return {expand(k, placeholders): expand(v, placeholders) for k, v in value.items()}
    return value


def clean_env(env_overrides, home):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(STRIPPED_ENV_PREFIXES) and k.lower() not in PROXY_VARIABLES}
    env.update({"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config")})
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def write_files(files, cwd):
    """Text is written as UTF-8 ("\\ufeff" first for a byte order mark); {"latin1": text} as one
    byte per character, for files that must not be UTF-8."""
    written = set()
    for name, content in files.items():
        path = cwd / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):
            if set(content) != {"latin1"}:
                raise ScenarioError(f"file {name}: give text, or {{\"latin1\": text}} for bytes that are not UTF-8")
            path.write_bytes(content["latin1"].encode("latin-1"))
        else:
            path.write_text(content, encoding="utf-8")
        written.add(path.resolve())
    return written


def line_piece(piece, cwd):
    """Lines A..B (1-based, inclusive; "from"/"to" may be left out) of a file, as text."""
    if not isinstance(piece, dict) or "lines" not in piece or set(piece) - PIECE_KEYS:
        raise ScenarioError(f"a piece is text or {{\"lines\": FILE, \"from\": A, \"to\": B}}, not {piece!r}")
    path = cwd / piece["lines"]
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except OSError as exc:
        raise ScenarioError(f"piece {piece!r}: cannot read {path}: {exc}")
    first, last = piece.get("from", 1), piece.get("to", len(lines))
    if not 1 <= first <= last + 1 or last > len(lines):
        raise ScenarioError(f"piece {piece!r}: {path} has {len(lines)} lines")
    return "".join(lines[first - 1:last])


def write_spliced_files(files, cwd):
    """{path: [piece...]}: each file put together from text and lines of earlier runs' files."""
    written = set()
    for name, pieces in files.items():
        if not isinstance(pieces, list):
            raise ScenarioError(f"files_spliced {name}: give a list of pieces")
        text = "".join(p if isinstance(p, str) else line_piece(p, cwd) for p in pieces)
        path = cwd / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.add(path.resolve())
    return written


def make_special_files(run, cwd):
    """The run's devices, symlinks and modes (after its files)."""
    for name, kind in run.get("devices", {}).items():
        if kind not in MEMORY_DEVICES:
            raise ScenarioError(f"unknown device {kind!r}; one of {sorted(MEMORY_DEVICES)}")
        try:
            os.mknod(cwd / name, stat.S_IFCHR | 0o666, os.makedev(1, MEMORY_DEVICES[kind]))
        except OSError as exc:
            raise ScenarioError(f"cannot make a {kind} device at {cwd / name} (mknod needs root): {exc}")
    for link, target in run.get("symlinks", {}).items():
        os.symlink(target, cwd / link)
    for name, mode in run.get("modes", {}).items():
        os.chmod(cwd / name, int(mode, 8))


class FifoReader:
    """A FIFO made in the run's dir and read by a thread while the binary runs; what arrived is saved
    as PATH.received. Opening a FIFO waits for a writer: stop() gives one (and polls) if the binary never did."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path)
        self.data = b""
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        with open(self.path, "rb") as fifo:
            self.data = fifo.read()

    def stop(self):
        deadline = time.monotonic() + 10
        while self.thread.is_alive() and time.monotonic() < deadline:
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))  # ENXIO once the reader is gone
            except OSError:
                pass
            self.thread.join(0.05)  # a poll interval, not a wait for readiness
        Path(f"{self.path}.received").write_bytes(self.data)


def read_or_none(path):
    return path.read_bytes() if path.is_file() else None


def inference_requests(server):
    requests = server.control("GET", "/_fake/stats")["requests"]
    return requests.get("chat", 0) + requests.get("generate", 0)


def still_running(proc):
    """Whether the binary has not exited, without reaping it (reap() needs its wait4 figures)."""
    return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


def signal_when_due(proc, server, spec):
    """Polls the fake until it has seen `after_requests` inference requests, then signals the binary.
    True if the signal was sent (False: the binary ended first)."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while still_running(proc) and time.monotonic() < deadline:
        if inference_requests(server) >= spec["after_requests"]:
            os.kill(proc.pid, getattr(signal, spec.get("name", "SIGKILL")))  # not send_signal: it would reap the binary
            return True
        time.sleep(0.005)  # a poll interval, not a wait for readiness
    return False


@dataclass
class Ran:
    exit_code: int | None  # None: timed out
    stdout: bytes
    stderr: bytes
    signalled: bool
    peak_rss_kib: int | None
    head_closed_early: bool | None = None


def reap(proc, deadline):
    """Waits for the binary as Popen.wait does, but through wait4, which also tells its peak RSS:
    (exit code, KiB), or (None, None) at the deadline."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss
        if time.monotonic() >= deadline:
            return None, None
        time.sleep(0.005)  # a poll interval, not a wait for readiness


class Reader(threading.Thread):
    """Reads a pipe into `data` until EOF or `limit` bytes, then closes it (a reader that leaves)."""

    def __init__(self, stream, limit=None, proc=None):
        super().__init__(daemon=True)
        self.stream, self.limit, self.proc = stream, limit, proc
        self.data = bytearray()
        self.closed_early = None  # with a limit: whether the binary still ran when the pipe was closed

    def run(self):
        while self.limit is None or len(self.data) < self.limit:
            piece = self.stream.read(65536 if self.limit is None else self.limit - len(self.data))
            if not piece:
                break
            self.data += piece
        if self.limit is not None:
            self.closed_early = still_running(self.proc)
        self.stream.close()


def run_binary(command, cwd, env, server=None, signal_spec=None, stdin_path=None, stdout_closed=False, head_bytes=None):
    """What the run did (Ran); on timeout its process group is killed."""
    with contextlib.ExitStack() as stack:
        stdin = stack.enter_context(open(cwd / stdin_path, "rb")) if stdin_path else subprocess.DEVNULL
        stdout = stderr = subprocess.PIPE
        merged = None
        if stdout_closed:
            read_end, stdout = os.pipe()
            os.close(read_end)
            stack.callback(os.close, stdout)
        elif head_bytes is not None:
            merged = os.pipe()
            stdout = stderr = merged[1]
        return run_process(command, cwd, env, server, signal_spec, stdin, (stdout, stderr), merged, head_bytes)


def run_process(command, cwd, env, server, signal_spec, stdin, outputs, merged, head_bytes):
    with subprocess.Popen(command, cwd=cwd, env=env, stdin=stdin, stdout=outputs[0], stderr=outputs[1],
                          start_new_session=True) as proc:
        if merged:
            os.close(merged[1])
            readers = [Reader(os.fdopen(merged[0], "rb", buffering=0), head_bytes, proc)]
        else:
            readers = [Reader(proc.stdout) if proc.stdout else None, Reader(proc.stderr)]
        for reader in filter(None, readers):
            reader.start()
        signalled = signal_when_due(proc, server, signal_spec) if signal_spec else False
        exit_code, rss = reap(proc, time.monotonic() + RUN_TIMEOUT_S)
        if exit_code is None:
            os.killpg(proc.pid, signal.SIGKILL)
            reap(proc, float("inf"))
        for reader in filter(None, readers):
            reader.join()
        stdout = bytes(readers[0].data) if readers[0] else b""
        stderr = b"" if merged else bytes(readers[1].data)
        return Ran(exit_code, stdout, stderr, signalled, rss, readers[0].closed_early if readers[0] else None)


def program_command(run, ctx):
    """The command line of a run's "program" (before its args)."""
    if run["program"] not in PROGRAMS:
        raise ScenarioError(f"unknown program {run['program']!r}; one of {sorted(PROGRAMS)}")
    script, leading = PROGRAMS[run["program"]]
    return [sys.executable, str(script)] + expand(leading, {"fake_scenario": str(ctx["fake_scenario"])})


def execute(run, binary, ctx, server):
    """Runs the binary once as `run` says; returns its Outcome."""
    cwd = ctx["tmp"] / run.get("cwd", ".")  # an absolute cwd replaces {tmp}
    cwd.mkdir(parents=True, exist_ok=True)
    server.control("POST", "/_fake/reset")
    ctx["written"] |= write_files(run.get("files", {}), cwd)
    ctx["written"] |= write_spliced_files(run.get("files_spliced", {}), cwd)
    make_special_files(run, cwd)
    expect = run.get("expect", {})
    before = {p: read_or_none(cwd / p) for p in expect.get("file_unchanged", [])}
    command = program_command(run, ctx) if "program" in run else [binary]
    command += [str(a) for a in run.get("args", [])]
    signal_spec = run.get("signal")
    if signal_spec is not None and set(signal_spec) - SIGNAL_KEYS:
        raise ScenarioError(f"unknown signal key(s) {sorted(set(signal_spec) - SIGNAL_KEYS)}")
    readers = [FifoReader(cwd / name) for name in run.get("fifos", [])]
    try:
        ran = run_binary(command, cwd, clean_env(run.get("env", {}), ctx["home"]), server, signal_spec, run.get("stdin"),
                         run.get("stdout_closed", False), run.get("head_bytes"))
    finally:
        for reader in readers:
            reader.stop()
    return Outcome(command, cwd, ctx["scenario_dir"], ctx["tmp"], ran.exit_code, ran.stdout, ran.stderr,
                   server.control("GET", "/_fake/stats"), before, set(ctx["written"]), ctx["variables"], ran.signalled,
                   ran.peak_rss_kib, ran.head_closed_early)


# ---------------------------------------------------------------- checks
# Each check takes (spec, outcome) and returns a list of failure messages.


def check_exit(spec, o):
    if o.exit_code is None:
        return [f"exit: expected {spec}, but the run timed out after {RUN_TIMEOUT_S} s"]
    return [] if o.exit_code == spec else [f"exit: expected {spec}, got {o.exit_code}"]


def check_contains(stream, spec, o):
    text = o.out(stream)
    return [f"{stream}: expected to contain {s!r}" for s in spec if s not in text]


def check_not_contains(stream, spec, o):
    text = o.out(stream)
    return [f"{stream}: expected NOT to contain {s!r}" for s in spec if s in text]


def check_regex(stream, spec, o):
    text = o.out(stream)
    return [f"{stream}: expected to match regex {r!r} (multiline)" for r in spec if not re.search(r, text, re.M)]


def check_last_line(stream, spec, o):
    """The stream's last non-blank line, whole (`synthgen: wrote df_train.csv, metrics.json`)."""
    lines = [line for line in o.out(stream).splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    return [] if last == spec else [f"{stream}: expected the last line {spec!r}, got {last!r}"]


def check_stdout_save(spec, o):
    """{name: regex}: saves the whole number of the regex's first group (multiline) in stdout as a
    variable for later {"expr": ...} values."""
    failures = []
    for name, pattern in spec.items():
        found = re.search(pattern, o.out("stdout"), re.M)
        if found is None:
            failures.append(f"stdout_save {name}: expected to match regex {pattern!r} (multiline)")
        else:
            o.variables[name] = int(found.group(1))
    return failures


def check_single_error_line(spec, o):
    lines = [line for line in o.out("stderr").splitlines() if line.startswith(ERROR_PREFIX)]
    if spec and (len(lines) != 1 or not lines[0][len(ERROR_PREFIX):].strip()):
        return [f"stderr: expected exactly one non-empty line starting with {ERROR_PREFIX!r}, got {lines!r}"]
    return []


def check_files_absent(spec, o):
    return [f"file {p}: expected absent, but it exists" for p in spec if o.path(p).exists()]


def check_files_present(spec, o):
    return [f"file {p}: expected to exist, but it does not" for p in spec if not o.path(p).exists()]


def check_file_unchanged(spec, o):
    failures = []
    for name in spec:
        before, after = o.before[name], read_or_none(o.path(name))
        if before != after:
            failures.append(f"file {name}: expected unchanged; before the run: {describe(before)}; after: {describe(after)}")
    return failures


def file_kind(path):
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "absent"
    for kind, test in (("symlink", stat.S_ISLNK), ("regular", stat.S_ISREG), ("fifo", stat.S_ISFIFO),
                       ("char_device", stat.S_ISCHR), ("directory", stat.S_ISDIR)):
        if test(mode):
            return kind
    return "other"


def check_file_kind(spec, o):
    """{path: kind}: what the path is now, without following a symlink."""
    return [f"file {p}: expected a {want}, got a {file_kind(o.path(p))}" for p, want in spec.items() if file_kind(o.path(p)) != want]


def check_file_mode(spec, o):
    """{path: "0640"}: the permission bits of the file (a symlink followed)."""
    failures = []
    for p, want in spec.items():
        got = stat.S_IMODE(os.stat(o.path(p)).st_mode) if o.path(p).exists() else None
        if got != int(want, 8):
            failures.append(f"file {p}: expected mode {want}, got {'absent' if got is None else oct(got)}")
    return failures


def check_files_absent_glob(spec, o):
    """[pattern]: no file in the run's dir has a name that matches."""
    names = os.listdir(o.cwd)
    return [f"files matching {pattern!r}: expected none, found {sorted(fnmatch.filter(names, pattern))}"
            for pattern in spec if fnmatch.filter(names, pattern)]


def check_files_equal(spec, o):
    """[a, b, ...]: every file has the same bytes as the first; [[a, b], [c, d]]: each group so."""
    if isinstance(spec, list) and spec and all(isinstance(group, list) for group in spec):
        return [failure for group in spec for failure in check_files_equal(group, o)]
    if not isinstance(spec, list) or len(spec) < 2 or not all(isinstance(name, str) for name in spec):
        raise ScenarioError(f"files_equal takes a list of two or more paths (or a list of such lists), not {spec!r}")
    first = read_or_none(o.path(spec[0]))
    if first is None:
        return [f"files_equal: {spec[0]} does not exist"]
    failures = []
    for name in spec[1:]:
        other = read_or_none(o.path(name))
        if other != first:
            failures.append(f"files_equal: {name} differs from {spec[0]}: {describe(other)} against {describe(first)}"
                            f"{first_difference(first, other)}")
    return failures


def first_difference(a, b):
    if b is None:
        return ""
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return f"; first at line {number}: {y[:120]!r} against {x[:120]!r}"
    return f"; {len(b.splitlines())} lines against {len(a.splitlines())}"


def non_blank_lines(data):
    return [line for line in data.splitlines() if line.strip()]


def check_file_lines(spec, o):
    """{path: N | {"min": a, "max": b}}: how many non-blank lines the file has (expr values allowed)."""
    failures = []
    for name, want in spec.items():
        data = read_or_none(o.path(name))
        if data is None:
            failures.append(f"file {name}: expected {want!r} lines, but it does not exist")
            continue
        want = resolve(want, o.variables)
        got = len(non_blank_lines(data))
        if not matches(want, got):
            failures.append(f"file {name}: expected {want!r} non-blank lines, got {got}")
    return failures


CUSTOM_ID_KEYS = {"paths", "count", "unique", "all_match", "includes_failed_of", "includes_lines_of", "excludes_lines_of", "save_as"}


def custom_ids_of(lines, where):
    ids = []
    for number, line in enumerate(lines, 1):
        try:
            ids.append(json.loads(line)["custom_id"])
        except (ValueError, TypeError, KeyError) as exc:
            raise ScenarioError(f"custom_ids: {where} line {number} has no custom_id: {exc}")
    return ids


def failed_custom_ids(path):
    """The custom_ids of a batch output/error file's lines that carry no answer: an error, a status
    other than 200, or no body (the OpenAI, vLLM and vLLM first-release shapes)."""
    failed = []
    for line in non_blank_lines(path.read_bytes()):
        record = json.loads(line)
        response = record.get("response")
        body = response.get("body", response) if isinstance(response, dict) and "status_code" in response else response
        status = response.get("status_code", 200) if isinstance(response, dict) else None
        if record.get("error") is not None or status != 200 or body is None:
            failed.append(record["custom_id"])
    return failed


def check_custom_ids(spec, o):
    """The custom_ids of batch request files (export parts): {"paths": [...], "count": N (in all),
    "unique": true (across all the files), "all_match": regex (every custom_id, whole), "includes_failed_of": [result file...] (every line of those
    that failed is asked again), "includes_lines_of" / "excludes_lines_of": [piece...] (the custom_ids of
    those lines, as in files_spliced, are / are not asked), "save_as": name (the count)}."""
    unknown = set(spec) - CUSTOM_ID_KEYS
    if unknown:
        raise ScenarioError(f"unknown custom_ids key(s) {sorted(unknown)}")
    ids = []
    for name in spec["paths"]:
        data = read_or_none(o.path(name))
        if data is None:
            return [f"custom_ids: {name} does not exist"]
        ids += custom_ids_of([line.decode("utf-8") for line in non_blank_lines(data)], name)
    asked, failures = set(ids), []
    if "save_as" in spec:
        o.variables[spec["save_as"]] = len(ids)
    if "count" in spec and not matches(resolve(spec["count"], o.variables), len(ids)):
        failures.append(f"custom_ids: expected {spec['count']!r} in {spec['paths']}, got {len(ids)}")
    if spec.get("unique") and len(asked) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        failures.append(f"custom_ids: {len(ids) - len(asked)} repeated across {spec['paths']}, e.g. {repeated[:3]}")
    if "all_match" in spec:
        odd = [i for i in ids if not re.fullmatch(spec["all_match"], i)]
        if odd:
            failures.append(f"custom_ids: {len(odd)} do not match {spec['all_match']!r}, e.g. {odd[:3]}")
    for name in spec.get("includes_failed_of", []):
        missing = [i for i in failed_custom_ids(o.path(name)) if i not in asked]
        if missing:
            failures.append(f"custom_ids: {len(missing)} failed lines of {name} are not asked again, e.g. {missing[:3]}")
    for key, want in (("includes_lines_of", True), ("excludes_lines_of", False)):
        for piece in spec.get(key, []):
            wrong = [i for i in custom_ids_of(non_blank_lines(line_piece(piece, o.cwd)), piece["lines"]) if (i in asked) != want]
            if wrong:
                failures.append(f"custom_ids: {len(wrong)} custom_ids of {piece} are {'not ' if want else ''}asked, e.g. {wrong[:3]}")
    return failures


def describe(data):
    return "absent" if data is None else f"{len(data)} bytes starting {data[:60]!r}"


CSV_KEYS = {"path", "header", "rows", "labels_in", "label_counts", "contains", "equals_file"}


def check_csv(spec, o):
    unknown = set(spec) - CSV_KEYS
    if unknown:
        raise ScenarioError(f"unknown csv check key(s) {sorted(unknown)}")
    path = o.path(spec["path"])
    if not path.is_file():
        return [f"csv {path}: file does not exist"]
    return csv_failures(spec, path, path.read_bytes(), o)


def check_stdout_csv(spec, o):
    if set(spec) - CSV_KEYS - {"path"} or "path" in spec:
        raise ScenarioError(f"stdout_csv takes the csv check's keys but path: {sorted(spec)}")
    return csv_failures(spec, "stdout", o.stdout, o)


def csv_failures(spec, path, data, o):
    if "equals_file" in spec:
        expected_file = o.scenario_dir / spec["equals_file"]
        if data != expected_file.read_bytes():
            return [f"csv {path}: bytes differ from {expected_file}"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"csv {path}: not UTF-8: {exc}"]
    problem = rfc4180_problem(text)
    if problem:
        return [f"csv {path}: not RFC 4180: {problem}"]
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    return csv_content_failures(spec, path, records)


def csv_content_failures(spec, path, records):
    if not records:
        return [f"csv {path}: empty file"]
    header, rows = records[0], records[1:]
    failures = [f"csv {path}: record {i + 2} has {len(r)} fields, header has {len(header)}"
                for i, r in enumerate(rows) if len(r) != len(header)][:5]
    if "header" in spec and header != spec["header"]:
        failures.append(f"csv {path}: header expected {spec['header']}, got {header}")
    if "rows" in spec and len(rows) != spec["rows"]:
        failures.append(f"csv {path}: expected {spec['rows']} data rows, got {len(rows)}")
    if "labels_in" in spec:
        column = header.index("labels") if "labels" in header else -1
        bad = sorted({r[column] for r in rows if r and r[column] not in spec["labels_in"]})
        if bad:
            failures.append(f"csv {path}: labels outside {spec['labels_in']}: {bad}")
    if "label_counts" in spec:  # {label: rows} of the `labels` column: a split's classes
        column = header.index("labels") if "labels" in header else -1
        counts = {}
        for r in rows:
            if r:
                counts[r[column]] = counts.get(r[column], 0) + 1
        if counts != spec["label_counts"]:
            failures.append(f"csv {path}: label counts expected {spec['label_counts']}, got {counts}")
    failures += [f"csv {path}: expected a row {row}" for row in spec.get("contains", []) if row not in rows]
    return failures


CSV_FIELD = re.compile(r'"(?:[^"]|"")*"|[^",\r\n]*')


def rfc4180_problem(text):
    """A description of the first RFC 4180 violation in `text` (LF line ends allowed), or None."""
    pos, record = 0, 1
    while pos < len(text):
        pos = CSV_FIELD.match(text, pos).end()
        if pos == len(text):
            break
        if text[pos] == ",":
            pos += 1
        elif text.startswith("\r\n", pos) or text[pos] == "\n":
            pos += 2 if text[pos] == "\r" else 1
            record += 1
        else:
            snippet = text[max(0, pos - 30):pos + 30]
            return (f"record {record}: unexpected {text[pos]!r} (a quote inside an unquoted field, text after a "
                    f"closing quote, or a bare CR) near {snippet!r}")
    return None


def lookup(obj, dotted):
    """obj[dotted] if that key exists, else the value at the dotted path; KeyError if missing."""
    if isinstance(obj, dict) and dotted in obj:
        return obj[dotted]
    for part in dotted.split("."):
        if isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        elif isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            raise KeyError(dotted)
    return obj


def resolve(expected, variables):
    """{"expr": "90 - stored"} -> its value over the variables saved so far (also as a bound of a
    {"min", "max"} range); anything else as it is."""
    if isinstance(expected, dict) and expected and set(expected) <= {"min", "max"}:
        return {bound: resolve(value, variables) for bound, value in expected.items()}
    if isinstance(expected, dict) and set(expected) == {"expr"}:
        try:
            return eval(expected["expr"], {"__builtins__": {}}, dict(variables))  # test data, not user input
        except Exception as exc:
            raise ScenarioError(f"cannot evaluate {expected['expr']!r} over {variables}: {exc}")
    return expected


def matches(expected, actual):
    """Equality (bools only equal bools), or a {"min": a, "max": b} range for numbers."""
    if isinstance(expected, dict) and expected and set(expected) <= {"min", "max"}:
        return (isinstance(actual, (int, float)) and not isinstance(actual, bool)
                and expected.get("min", actual) <= actual <= expected.get("max", actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def compare_values(what, expected, actual_obj, variables=None):
    failures = []
    for key, want in expected.items():
        want = resolve(want, variables or {})
        try:
            got = lookup(actual_obj, key)
        except KeyError:
            failures.append(f"{what}: {key} expected {want!r}, but it is missing")
            continue
        if not matches(want, got):
            failures.append(f"{what}: {key} expected {want!r}, got {got!r}")
    return failures


JSON_KEYS = {"path", "line", "equals", "approx", "has_keys", "same_as", "ignoring"}


def read_json(path, line=None):
    """The JSON document in `path`, or (line N, 1-based) the one on line N of a JSON-lines file."""
    text = path.read_text(encoding="utf-8")
    if line is not None:
        lines = text.splitlines()
        if not 1 <= line <= len(lines):
            raise ValueError(f"line {line} asked, the file has {len(lines)} lines")
        text = lines[line - 1]
    return json.loads(text)


def without_keys(document, dotted_keys):
    """A copy of `document` with each dotted key (e.g. "wall_s", "timings.total") left out where it exists."""
    document = json.loads(json.dumps(document))
    for dotted in dotted_keys:
        *parents, last = dotted.split(".")
        node = document
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return document


def json_differences(want, got, where="", limit=5):
    """Up to `limit` dotted places where two JSON values differ, as text."""
    if isinstance(want, dict) and isinstance(got, dict):
        found = []
        for key in sorted(set(want) | set(got)):
            here = f"{where}.{key}" if where else key
            if key not in got:
                found.append(f"{here} missing (expected {want[key]!r})")
            elif key not in want:
                found.append(f"{here} is {got[key]!r}, not expected at all")
            else:
                found += json_differences(want[key], got[key], here, limit - len(found))
            if len(found) >= limit:
                break
        return found[:limit]
    if type(want) is not type(got) or want != got:
        return [f"{where or 'the document'} is {got!r}, expected {want!r}"]
    return []


def check_json(spec, o):
    """{"path", "line" (optional: the document is line N of a JSON-lines file), "equals" {dotted key: value},
    "approx" {key: [value, tolerance]}, "has_keys" [key], "same_as" PATH (the whole document equals that
    file's, after "ignoring" [dotted key...] is left out of both: e.g. a merge's metrics against an unsharded
    run's, but for the timings)}; or a list of such checks."""
    if isinstance(spec, list):
        return [failure for one in spec for failure in check_json(one, o)]
    unknown = set(spec) - JSON_KEYS
    if unknown:
        raise ScenarioError(f"unknown json check key(s) {sorted(unknown)}")
    if "ignoring" in spec and "same_as" not in spec:
        raise ScenarioError("json: \"ignoring\" goes with \"same_as\"")
    path = o.path(spec["path"])
    try:
        document = read_json(path, spec.get("line"))
    except (OSError, ValueError) as exc:
        return [f"json {path}: cannot read: {exc}"]
    failures = compare_values(f"json {path}", spec.get("equals", {}), document, o.variables)
    for key, (want, tolerance) in spec.get("approx", {}).items():
        try:
            got = lookup(document, key)
        except KeyError:
            failures.append(f"json {path}: {key} expected ~{want}, but it is missing")
            continue
        if not isinstance(got, (int, float)) or isinstance(got, bool) or abs(got - want) > tolerance:
            failures.append(f"json {path}: {key} expected {want} +- {tolerance}, got {got!r}")
    for key in spec.get("has_keys", []):
        try:
            lookup(document, key)
        except KeyError:
            failures.append(f"json {path}: expected key {key!r}; keys are {sorted(document)}")
    if "same_as" in spec:
        other = o.path(spec["same_as"])
        try:
            reference = read_json(other)
        except (OSError, ValueError) as exc:
            return failures + [f"json {other}: cannot read: {exc}"]
        ignoring = spec.get("ignoring", [])
        failures += [f"json {path} against {other} (ignoring {ignoring}): {difference}"
                     for difference in json_differences(without_keys(reference, ignoring), without_keys(document, ignoring))]
    return failures


def check_stats(spec, o):
    return compare_values("fake stats", spec, o.stats, o.variables)


INFERENCE_KEYS = {"count", "all", "distinct_seeds_per_text", "distinct_texts", "all_authorized"}


def check_inference(spec, o):
    unknown = set(spec) - INFERENCE_KEYS
    if unknown:
        raise ScenarioError(f"unknown inference check key(s) {sorted(unknown)}")
    log = o.stats["inference"]
    failures = []
    if "count" in spec and len(log) != spec["count"]:
        failures.append(f"inference: expected {spec['count']} requests, got {len(log)}")
    for key, want in spec.get("all", {}).items():
        bad = [e.get(key) for e in log if not matches(want, e.get(key))]
        if bad:
            failures.append(f"inference: every {key} expected {want!r}; {len(bad)} differ, e.g. {bad[:3]!r}")
    texts = {}
    for entry in log:
        texts.setdefault(entry["text"], []).append(entry["seed"])
    if "distinct_texts" in spec and len(texts) != spec["distinct_texts"]:
        failures.append(f"inference: expected {spec['distinct_texts']} distinct texts, got {len(texts)}")
    if "distinct_seeds_per_text" in spec:
        k = spec["distinct_seeds_per_text"]
        bad = {t: s for t, s in texts.items() if len(s) != k or len(set(s)) != k}
        if bad:
            text, seeds = next(iter(bad.items()))
            failures.append(f"inference: every text expected {k} requests with {k} distinct seeds; "
                            f"{len(bad)} texts differ, e.g. {text!r} got seeds {seeds}")
    if spec.get("all_authorized") and not all(e["authorized"] for e in log):
        failures.append(f"inference: {sum(not e['authorized'] for e in log)} requests lacked the token")
    return failures


def check_secret_absent(spec, o):
    """One secret, or a list of them (a pool's tokens): in neither stdout, stderr nor any file of the run."""
    failures = []
    for one in [spec] if isinstance(spec, str) else spec:
        secret = one.encode("utf-8")
        places = [name for name, data in (("stdout", o.stdout), ("stderr", o.stderr)) if secret in data]
        fake_dir = (o.tmp / FAKE_DIR).resolve()
        for path in sorted(o.tmp.rglob("*")):
            resolved = path.resolve()
            if path.is_file() and resolved not in o.written and fake_dir not in resolved.parents:
                if secret in path.read_bytes():
                    places.append(str(path))
        failures += [f"secret {one!r} leaked into {place}" for place in places]
    return failures


HUB_FILE_KEYS = {"repo", "path", "revision", "equals_file", "contains", "not_contains", "private"}


def check_hub_files(spec, o):
    """Files committed to the fake Hub (its /_fake/stats "hub"): a list of {"repo", "path", "revision"
    (main), "equals_file" (a local file, byte for byte), "contains"/"not_contains" [text], "private"}."""
    failures = []
    for entry in spec:
        if set(entry) - HUB_FILE_KEYS or not {"repo", "path"} <= set(entry):
            raise ScenarioError(f"hub_files entries need repo and path, and take only {sorted(HUB_FILE_KEYS)}")
        repo = o.stats["hub"]["repos"].get(entry["repo"])
        where = f"hub {entry['repo']}:{entry['path']}"
        if repo is None:
            failures.append(f"{where}: no such repo on the fake Hub (repos: {sorted(o.stats['hub']['repos'])})")
            continue
        if "private" in entry and repo["private"] != entry["private"]:
            failures.append(f"{where}: private is {repo['private']}, expected {entry['private']}")
        text = repo["revisions"].get(entry.get("revision", "main"), {}).get(entry["path"])
        if text is None:
            failures.append(f"{where}: not committed (files: {sorted(repo['revisions'].get(entry.get('revision', 'main'), {}))})")
            continue
        if "equals_file" in entry:
            local = (o.cwd / entry["equals_file"]).read_bytes()
            if text.encode("utf-8") != local:
                failures.append(f"{where}: differs from {entry['equals_file']} ({len(text.encode())} bytes against {len(local)})")
        failures += [f"{where}: lacks {want!r}" for want in entry.get("contains", []) if want not in text]
        failures += [f"{where}: holds {unwanted!r}" for unwanted in entry.get("not_contains", []) if unwanted in text]
    return failures


SQLITE_KEYS = {"path", "query", "equals", "save_as"}


def check_sqlite(spec, o):
    """Runs a query on a database the binary wrote; compares its single value and/or saves it."""
    unknown = set(spec) - SQLITE_KEYS
    if unknown:
        raise ScenarioError(f"unknown sqlite key(s) {sorted(unknown)}")
    path = o.path(spec["path"])
    if not path.is_file():
        return [f"sqlite {path}: no such file"]
    try:
        db = sqlite3.connect(path)  # read-write: a read-only reader cannot recover a WAL left by a killed writer
        try:
            value = db.execute(spec["query"]).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return [f"sqlite {path}: {spec['query']!r} failed: {exc}"]
    if "save_as" in spec:
        o.variables[spec["save_as"]] = value
    if "equals" in spec and not matches(resolve(spec["equals"], o.variables), value):
        return [f"sqlite {path}: {spec['query']!r} expected {spec['equals']!r}, got {value!r}"]
    return []


SCREENSHOT_KEYS = {"html", "min_distinct_colours"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--window-size=1200,1000"]


def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, filters undone (zlib only)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big"), body[8], body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"PNG of depth {depth} and colour type {colour}")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, corner = previous[x], previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, bpp


def check_screenshot(spec, o):
    """Renders an HTML file in headless Chromium and checks the screenshot is not blank."""
    unknown = set(spec) - SCREENSHOT_KEYS
    if unknown:
        raise ScenarioError(f"unknown screenshot key(s) {sorted(unknown)}")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:  # integration.report_screenshot says SKIPPED; .ci/run installs chromium
        print("note: screenshot not checked: chromium is not installed (.ci/run installs it)")
        return []
    html, png = o.path(spec["html"]), o.tmp / "screenshot.png"
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={o.tmp / 'chromium-profile'}", f"--screenshot={png}",
                             html.resolve().as_uri()], stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    if not png.is_file():
        return [f"screenshot: chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-500:]!r}"]
    width, height, rows, bpp = png_pixels(png.read_bytes())
    colours = {row[x:x + 3] for row in rows[::4] for x in range(0, width * bpp, bpp * 4)}
    inked = sum(1 for row in rows[::4] for x in range(0, width * bpp, bpp * 4) if row[x:x + 3] != b"\xff\xff\xff")
    wanted = spec.get("min_distinct_colours", 20)
    if len(colours) < wanted or inked == 0:
        return [f"screenshot {png}: {len(colours)} distinct colours and {inked} non-white samples: blank or nearly so (wanted {wanted}+)"]
    return []


def check_signalled(spec, o):
    if bool(spec) != o.signalled:
        return [f"signal: expected it {'to be sent' if spec else 'not to be sent'}, but the binary {'was signalled' if o.signalled else 'ended before the signal was due'}"]
    return []


def check_peak_rss_mib(spec, o):
    if os.environ.get("ASAN_OPTIONS"):
        # AddressSanitizer keeps freed memory in quarantine (256 MiB) and adds shadow memory: its RSS
        # says nothing of synthgen's. The normal build's run of the same scenario judges it.
        print("note: peak_rss_mib is not judged under AddressSanitizer")
        return []
    if o.peak_rss_kib is None:
        return ["peak_rss_mib: the run timed out, no figure"]
    mib = o.peak_rss_kib / 1024
    return [] if matches(spec, mib) else [f"peak_rss_mib: expected {spec!r}, got {mib:.1f} MiB"]


def check_head_closed_early(spec, o):
    if o.head_closed_early is None:
        raise ScenarioError("head_closed_early needs the run's head_bytes")
    if bool(spec) != o.head_closed_early:
        return [f"head_closed_early: expected {bool(spec)}: the pipe was closed "
                f"{'while the binary ran' if o.head_closed_early else 'after the binary had ended (nothing was tested)'}"]
    return []


STDERR_JSON_LINES_KEYS = {"min_lines", "has_keys", "last", "last_equal", "min_still_lines"}


def check_stderr_json_lines(spec, o):
    """The JSON lines of --progress json: each stderr line opening with "{" must parse as one object;
    at least "min_lines" (default 1) of them, each with every key of "has_keys"; the last one's keys as
    "last" says (values or {"min", "max"} ranges), and each pair of "last_equal" equal in it;
    "min_still_lines": at least this many lines with the requests and answers of the line before and a
    later elapsed_s (the line went on while nothing could be sent)."""
    unknown = set(spec) - STDERR_JSON_LINES_KEYS
    if unknown:
        raise ScenarioError(f"unknown stderr_json_lines key(s) {sorted(unknown)}")
    failures, objects = [], []
    for number, line in enumerate(o.out("stderr").splitlines(), 1):
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            failures.append(f"stderr line {number} is not JSON ({exc}): {line[:200]!r}")
            continue
        if not isinstance(value, dict):
            failures.append(f"stderr line {number} is JSON but not an object: {line[:200]!r}")
            continue
        objects.append(value)
    fewest = spec.get("min_lines", 1)
    if len(objects) < fewest:
        return failures + [f"stderr_json_lines: expected at least {fewest} JSON lines, got {len(objects)}"]
    for index, value in enumerate(objects):
        missing = [key for key in spec.get("has_keys", []) if key not in value]
        if missing:
            failures.append(f"stderr_json_lines: JSON line {index + 1} lacks {missing}: {value}")
    last = objects[-1] if objects else {}
    for key, expected in spec.get("last", {}).items():
        if not matches(expected, last.get(key)):
            failures.append(f"stderr_json_lines: the last line's {key}: expected {expected!r}, got {last.get(key)!r}")
    still = sum(1 for before, after in zip(objects, objects[1:])
                if (before.get("requests"), before.get("answers_done")) == (after.get("requests"), after.get("answers_done"))
                and (after.get("elapsed_s") or 0) > (before.get("elapsed_s") or 0))
    if still < spec.get("min_still_lines", 0):
        failures.append(f"stderr_json_lines: expected at least {spec['min_still_lines']} lines while nothing moved, got {still}")
    for first, second in spec.get("last_equal", []):
        if last.get(first) != last.get(second):
            failures.append(f"stderr_json_lines: the last line's {first} ({last.get(first)!r}) != its {second} ({last.get(second)!r})")
    return failures


def stream_checks():
    checks = {}
    for stream in ("stdout", "stderr"):
        checks[f"{stream}_contains"] = lambda spec, o, s=stream: check_contains(s, spec, o)
        checks[f"{stream}_not_contains"] = lambda spec, o, s=stream: check_not_contains(s, spec, o)
        checks[f"{stream}_regex"] = lambda spec, o, s=stream: check_regex(s, spec, o)
        checks[f"{stream}_last_line"] = lambda spec, o, s=stream: check_last_line(s, spec, o)
    return checks


CHECKS = {
    "exit": check_exit,
    **stream_checks(),
    "stderr_single_error_line": check_single_error_line,
    "stdout_save": check_stdout_save,
    "files_absent": check_files_absent,
    "files_present": check_files_present,
    "files_absent_glob": check_files_absent_glob,
    "file_unchanged": check_file_unchanged,
    "file_kind": check_file_kind,
    "file_mode": check_file_mode,
    "files_equal": check_files_equal,
    "file_lines": check_file_lines,
    "custom_ids": check_custom_ids,
    "csv": check_csv,
    "stdout_csv": check_stdout_csv,
    "json": check_json,
    "stats": check_stats,
    "inference": check_inference,
    "secret_absent": check_secret_absent,
    "hub_files": check_hub_files,
    "sqlite": check_sqlite,
    "signalled": check_signalled,
    "peak_rss_mib": check_peak_rss_mib,
    "head_closed_early": check_head_closed_early,
    "stderr_json_lines": check_stderr_json_lines,
    "screenshot": check_screenshot,
}


def judge(expect, outcome):
    failures = []
    for key, spec in expect.items():
        failures += CHECKS[key](spec, outcome)
    return failures


# ---------------------------------------------------------------- scenario


def load_scenario(path):
    try:
        scenario = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc}")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("runs"), list) or not scenario["runs"]:
        raise ScenarioError(f"{path}: a scenario is an object with a non-empty \"runs\" list")
    unknown = set(scenario) - SCENARIO_KEYS
    for run in scenario["runs"]:
        unknown |= {f"runs[].{k}" for k in set(run) - RUN_KEYS}
        unknown |= {f"expect.{k}" for k in set(run.get("expect", {})) - set(CHECKS)}
        if "program" in run and run["program"] not in PROGRAMS:
            raise ScenarioError(f"{path}: unknown program {run['program']!r}; one of {sorted(PROGRAMS)}")
    if unknown:
        raise ScenarioError(f"{path}: unknown key(s) {sorted(unknown)}")
    return scenario


def truncated(text):
    if len(text) <= SHOWN_OUTPUT_CHARS:
        return text
    half = SHOWN_OUTPUT_CHARS // 2
    return f"{text[:half]}\n[... {len(text) - SHOWN_OUTPUT_CHARS} characters left out ...]\n{text[-half:]}"


def report_failure(name, index, total, run, outcome, failures):
    print(f"FAIL {name}: run {index + 1}/{total}{': ' + run['description'] if 'description' in run else ''}")
    for failure in failures:
        print(f"  - {failure}")
    print(f"  command: {' '.join(outcome.command)}")
    print(f"  cwd: {outcome.cwd}")
    print(f"  exit code: {'timeout' if outcome.exit_code is None else outcome.exit_code}")
    for stream in ("stdout", "stderr"):
        print(f"--- {stream} ---\n{truncated(outcome.out(stream))}")


def dead_pid():
    """The pid of a child that has exited and been reaped: no process has it (until the pids wrap)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def run_scenario(scenario_path, binary, tmp):
    """Runs every run in order; returns the process exit code."""
    name = scenario_path.stem
    scenario = load_scenario(scenario_path)
    fake_dir = tmp / FAKE_DIR
    fake_dir.mkdir()
    home = tmp / "home"
    for sub in (home / ".cache", home / ".config"):
        sub.mkdir(parents=True)
    fake_scenario, base_dir = server_source(scenario, scenario_path.parent, fake_dir)
    with FakeServer(fake_scenario, base_dir, fake_dir, scenario.get("tls", False)) as server, contextlib.ExitStack() as extras:
        placeholders = {"base": server.base, "port": str(server.port), "tmp": str(tmp),
                        "scenario_dir": str(scenario_path.parent), "home": str(home), "dead_pid": str(dead_pid()),
                        "fake_scenario": str(fake_scenario)}
        for number, extra in enumerate(start_extra_servers(scenario, scenario_path.parent, tmp, extras), 1):
            placeholders[f"base{number}"] = extra.base
            placeholders[f"port{number}"] = str(extra.port)
        if server.tls:
            placeholders["ca"] = str(server.cert)
        ctx = {"tmp": tmp, "home": home, "scenario_dir": scenario_path.parent, "written": set(), "variables": {},
               "fake_scenario": fake_scenario}
        runs = scenario["runs"]
        for index, raw_run in enumerate(runs):
            run = expand(raw_run, placeholders)
            outcome = execute(run, binary, ctx, server)
            failures = judge(run.get("expect", {}), outcome)
            if failures:
                report_failure(name, index, len(runs), run, outcome, failures)
                return 1
    print(f"PASS {name}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, type=Path, help="the synthgen binary")
    parser.add_argument("--scenario", required=True, type=Path, help="scenario JSON file")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the scenario's temp dir and print it")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix=f"synthgen-{args.scenario.stem}-")).resolve()
    try:
        return run_scenario(args.scenario.resolve(), str(args.binary.resolve()), tmp)
    except ScenarioError as exc:
        print(f"ERROR {args.scenario.stem}: {exc}")
        return 1
    finally:
        if args.keep_tmp:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
