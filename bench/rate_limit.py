#!/usr/bin/env python3
"""Goodput under a provider's rate limit: synthgen against the project's fake (tests/fake_hf) with a
token-bucket request limit (PER_S a second, bursts of BURST, 429 with Retry-After: 1 beyond it, as
OpenAI's rate_limit_exceeded body), over ROWS rows with one vote each, on 127.0.0.1 only.

For each binary given (--binary NAME=PATH, repeatable; e.g. the build before the limiter and the
current one) and each of --repeat runs, it reports the wall time of the request phase, the goodput
as a share of the limit, the requests the server refused (and their share of all sent), the rows
that got no label, and the exit code, then the median run of each binary as a Markdown table.

Usage: bench/rate_limit.py --binary after=build/synthgen [--binary before=OLD/synthgen]
       [--per-s 100] [--burst 10] [--rows 1000] [--repeat 3] [--timeout 300]
Standard library only (Python 3.11).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKE = ROOT / "tests" / "fake_hf" / "fake_hf.py"
ROWS = ROOT / "tests" / "fixtures" / "synthetic_1000.jsonl"


def scenario(rows_file, per_s, burst):
    return {"datasets": {"bench/limited": {"configs": {"default": {"file": str(rows_file)}}}},
            "model": {"policy": "gold", "style": "auto",
                      "rate_limit": {"per_s": per_s, "burst": burst, "retry_after": "1"}}}


class Fake:
    """fake_hf.py in the background, stopped on exit whatever happened."""

    def __init__(self, workdir, spec):
        self.scenario = workdir / "scenario.json"
        self.scenario.write_text(json.dumps(spec))
        port_file = workdir / "port"
        self.proc = subprocess.Popen([sys.executable, str(FAKE), "--scenario", str(self.scenario), "--port-file", str(port_file)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("rate_limit.py: the fake did not start")
            time.sleep(0.02)
        self.base = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def call(self, method, path):
        request = urllib.request.Request(self.base + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_once(binary, fake, workdir, rows, timeout):
    fake.call("POST", "/_fake/reset")
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = [binary, "--dataset", "bench/limited", "--subset", "default", "--n-sample", str(rows), "--votes", "1",
               "--prompt", "simple", "--endpoint", fake.base + "/v1", "--datasets-server", fake.base, "--hub-endpoint", fake.base,
               "--output", str(out / "train.csv"), "--metrics-json", str(out / "metrics.json"), "--no-cache", "--quiet", "--no-report"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "SYNTHGEN_", "OPENAI_"))}
    env["XDG_CACHE_HOME"] = str(out / "cache")
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout, check=False)
    wall = time.monotonic() - started
    stats = fake.call("GET", "/_fake/stats")
    metrics = json.loads((out / "metrics.json").read_text()) if (out / "metrics.json").exists() else {}
    sent = stats["requests"]["chat"]
    refused = stats["rate_limited"]
    labeled = metrics.get("labeled", 0)
    seconds = metrics.get("request_wall_s", wall)
    return {"exit": done.returncode, "seconds": seconds, "sent": sent, "refused": refused, "labeled": labeled,
            "lost": rows - labeled, "stderr": done.stderr.decode(errors="replace")[-300:]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", action="append", required=True, help="NAME=PATH of a synthgen binary (repeatable)")
    parser.add_argument("--per-s", type=float, default=100)
    parser.add_argument("--burst", type=float, default=10)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    binaries = [(name, str(Path(path).resolve())) for name, path in (b.split("=", 1) for b in args.binary)]
    results = {name: [] for name, _ in binaries}
    with tempfile.TemporaryDirectory(prefix="synthgen-rate-limit-") as tmp:
        fake = Fake(Path(tmp), scenario(ROWS, args.per_s, args.burst))
        try:
            for i in range(args.repeat):  # interleaved, so drifting load hits every binary alike
                for name, path in binaries:
                    try:
                        r = run_once(path, fake, Path(tmp), args.rows, args.timeout)
                    except subprocess.TimeoutExpired:
                        r = {"exit": "timeout", "seconds": args.timeout, "sent": 0, "refused": 0, "labeled": 0, "lost": args.rows, "stderr": ""}
                    results[name].append(r)
                    print(f"{name} run {i + 1}: exit {r['exit']}, {r['seconds']:.2f} s, {r['refused']} of {r['sent']} refused, "
                          f"{r['lost']} rows lost", file=sys.stderr)
        finally:
            fake.stop()
    ideal = args.rows / args.per_s
    print(f"\n{args.rows} rows x 1 vote against {args.per_s:g} requests/s (bursts of {args.burst:g}, 429 + Retry-After: 1 beyond); "
          f"ideal {ideal:.1f} s; median of {args.repeat} runs (min-max)\n")
    print("| binary | request wall s | goodput (share of the limit) | refused / sent | rows lost | exit |")
    print("|---|---:|---:|---:|---:|---|")
    for name, runs in results.items():
        median = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        times = [r["seconds"] for r in runs]
        goodput = (args.rows - median["lost"]) / median["seconds"] / args.per_s
        share = median["refused"] / median["sent"] if median["sent"] else 0
        exits = ",".join(sorted({str(r["exit"]) for r in runs}))
        print(f"| {name} | {median['seconds']:.1f} ({min(times):.1f}-{max(times):.1f}) | {goodput:.0%} | "
              f"{median['refused']} / {median['sent']} ({share:.1%}) | {median['lost']} | {exits} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
