#!/usr/bin/env python3
"""Differential test: the same command writes the same outputs, whichever way its answers arrive.

Each case is drawn from one seed: a dataset (1 to --max-rows rows, invented sentences and gold
labels), a page size the viewer uses, pages that fail, a sample, the votes (1 to 5), early stop,
the prompt, a model that flips and garbles some answers, a concurrency, a fault rate, and where to
interrupt. The case runs the real synthgen binary against the fake (tests/fake_hf/fake_hf.py):

  reference  the rows from a local .jsonl, concurrency 64, no fault, a new store
  path       the same command with the rows from the viewer's pages, the Hub zip, a .jsonl or a
             .csv, at the case's concurrency and fault rate, into a new store; killed (SIGKILL) or
             interrupted (SIGINT) after k requests when the case says so, then the same command again
  rerun      the same command again: 0 requests
  offline    the same command with HF_HUB_OFFLINE=1: no request at all
  other      the same command at another concurrency: 0 requests
  flipped    early stop the other way, on the same store: the same df_train.csv
  batch      (cases of --api openai with a store: all of them) the same command's answers through rounds
             of `synthgen batch export` -> tests/fake_hf/fake_vllm_run_batch.py (the case's clean fake
             scenario; --legacy-shape or --error-lines 0.1 by turns, which first by a generator of the
             case's own) -> `synthgen batch import`, into a new store, until the export is empty (at
             most votes + 3 rounds), then the same command: 0 requests
  shards     the same command as N shards (`--shard K/N`, all N at once, against the clean fake), then
             `synthgen merge` of their parts in a shuffled order; N in 1..5 (one case in five: more
             shards than sampled rows, so some are empty), each shard in a new store of its own or all
             in one new shared store, the rows from the case's source; all drawn from a generator of
             the case's own. The merge's metrics are the reference's but for the timings and the row
             source, with requests + cached as a sum (each store starts empty, as the reference's did:
             the sum is the answers asked for, which the shards together asked the fake exactly once)
  pool       the same command with a second --endpoint, a clean fake beside the case's faulty one, into a
             new store: every answer asked for across the two exactly as the reference asked

and asserts that df_train.csv and --details are the reference's byte for byte, the metrics JSON is
too but for the counters of how the answers arrived (requests, retries, cached) and the timings and
row source, and the request counts: a rerun sends none, a resume sends exactly what the store lacks.

Usage: differential.py --binary PATH [--cases N] [--seed S] [--max-rows R] [--keep-tmp]
A failure prints the case's seed; `--case-seed X` replays that one case. Standard library only.
"""
import argparse
import csv
import json
import math
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_scenario import PROGRAMS, FakeServer, clean_env  # noqa: E402  (the one fake harness)

RUN_TIMEOUT_S = 300
VLLM_RUN_BATCH = PROGRAMS["vllm_run_batch"][0]  # the stand-in for `vllm run-batch`
MODEL = "mistralai/Mixtral-8x7B-Instruct-v0.1"  # synthgen's default --model, which the stand-in serves
BATCH_ERROR_SHARE = "0.1"  # --error-lines of the stand-in's error rounds
LABELS = ["negative", "neutral", "positive"]
DATASET = "takala/financial_phrasebank"
SUBSET = "sentences_allagree"
# How the answers arrived and how long it took: the only metrics that may differ between paths.
# The provenance names the path itself (the source, its checksum, each fake's port, the time); its
# keys are checked by the test_split and provenance scenarios and unit tests.
ARRIVAL_KEYS = {"source", "requests", "retries", "retried", "cached", "paced_per_s", "wall_s", "request_wall_s", "provenance",
                "endpoints"}
FAULT_KINDS = ["429", "503", "500", "reset", "truncated", "ratelimit", "retry_ms"]
WORDS = ["profit", "sales", "orders", "margin", "outlook", "net loss", "dividend", "headcount", "costs"]
MOVES = ["rose", "fell", "was unchanged", "doubled", "halved", "beat forecasts", "missed forecasts"]


class CaseFailure(Exception):
    pass


@dataclass
class Case:
    seed: int
    rows: list
    n_sample: int
    votes: int
    early_stop: bool
    prompt: str
    run_seed: int
    flip_rate: float
    garble_rate: float
    source: str  # viewer, zip, jsonl, csv
    page_size: int
    page_fault_rate: float
    concurrency: int
    fault_rate: float
    interrupt: str  # none, SIGKILL, SIGINT
    interrupt_at: float  # share of the needed requests after which the signal is sent
    rate_limit: dict | None = None  # the provider's request limit on the faulty paths (fake_hf model.rate_limit)
    test_size: str | None = None  # --test-size: a held-out split, written to df_test.csv on every path

    def describe(self):
        return (f"seed={self.seed} rows={len(self.rows)} n_sample={self.n_sample} votes={self.votes} "
                f"early_stop={self.early_stop} prompt={self.prompt} source={self.source} page_size={self.page_size} "
                f"page_faults={self.page_fault_rate} concurrency={self.concurrency} faults={self.fault_rate} "
                f"flip={self.flip_rate} garble={self.garble_rate} interrupt={self.interrupt}@{self.interrupt_at:.2f} "
                f"rate_limit={self.rate_limit} test_size={self.test_size} shards={draw_shards(self)[0]}{'/shared' if draw_shards(self)[1] else ''}")


def sentence(rng, i):
    company = f"Company {i}"
    text = f"{company} said its {rng.choice(WORDS)} {rng.choice(MOVES)}, by {rng.randrange(100)} percent"
    if rng.random() < 0.2:
        text += ' after "strong" demand'
    return text + " ."


SOURCES = ["viewer", "zip", "jsonl", "csv"]
STRATA = 2 * len(SOURCES)  # seed % STRATA: the source, and a split of several pages or a small one


def draw_case(seed, max_rows):
    rng = random.Random(seed)
    stratum = seed % STRATA
    if stratum % 2:  # several pages: small cases hide what a second page shows
        n = rng.randint(max(1, max_rows // 4), max_rows)
    else:  # mostly small, down to one row
        n = max(1, min(max_rows, int(math.exp(rng.uniform(0, math.log(max_rows + 1))))))
    rows = [{"sentence": sentence(rng, i), "label": rng.randrange(3)} for i in range(n)]
    n_sample = rng.choice([0, 0, rng.randint(1, n), rng.randint(1, n), n + rng.randint(1, 5)])
    return Case(seed=seed, rows=rows, n_sample=n_sample, votes=rng.randint(1, 5), early_stop=rng.random() < 0.5,
                prompt=rng.choice(["simple", "cot"]), run_seed=rng.randrange(1 << 20),
                flip_rate=rng.choice([0.0, 0.2, 0.45]), garble_rate=rng.choice([0.0, 0.05, 0.25]),
                source=SOURCES[stratum // 2],
                page_size=rng.choice([100, 100, 50, 37, 10, 3]), page_fault_rate=rng.choice([0.0, 0.0, 0.3]),
                concurrency=rng.choice([1, 7, 64]), fault_rate=rng.choice([0.0, 0.2]),
                interrupt=rng.choice(["none", "SIGKILL", "SIGINT"]), interrupt_at=rng.random(),
                rate_limit=draw_rate_limit(seed), test_size=draw_test_size(seed, n, n_sample))


def draw_test_size(seed, n, n_sample):
    """--test-size for one case in three with 4 or more sampled rows (a fraction, or a number of rows
    that leaves some to train on), from a generator of its own so the other draws of a seed stay
    what they were."""
    rng = random.Random(seed ^ 0x7E57)
    sampled = n_sample if 0 < n_sample <= n else n
    if sampled < 4 or rng.random() >= 1 / 3:
        return None
    return rng.choice(["0.2", "0.5", str(rng.randint(1, sampled - 1))])


def draw_rate_limit(seed):
    """A provider's rate limit for two cases in five, from a generator of its own so the other draws
    of a seed stay what they were."""
    rng = random.Random(seed ^ 0x5EA1)
    per_s = rng.choice([None, None, None, 500, 2000])
    return None if per_s is None else {"per_s": per_s, "burst": rng.choice([5, 20]), "retry_after": "1"}


# ---------------------------------------------------------------- files and the fake


def write_inputs(case, work):
    """The rows as the fake's config file (ClassLabel indices), a .jsonl and a .csv (label names)."""
    with open(work / "fake_rows.jsonl", "w", encoding="utf-8") as f:
        for row in case.rows:
            f.write(json.dumps(row) + "\n")
    with open(work / "rows.jsonl", "w", encoding="utf-8") as f:
        for row in case.rows:
            f.write(json.dumps({"sentence": row["sentence"], "label": LABELS[row["label"]]}) + "\n")
    with open(work / "rows.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["sentence", "label"])
        for row in case.rows:
            writer.writerow([row["sentence"], LABELS[row["label"]]])


def fake_scenario(case, work, name, faults):
    model = {"policy": "gold", "flip_rate": case.flip_rate, "garble_rate": case.garble_rate}
    if faults and case.fault_rate > 0:
        model["faults"] = {"rate": case.fault_rate, "kinds": FAULT_KINDS, "attempts": 1, "retry_after": 0,
                           "loading_s": 0.01}
    if faults and case.rate_limit is not None:
        model["rate_limit"] = case.rate_limit
    dataset = {"configs": {SUBSET: {"file": str(work / "fake_rows.jsonl")}}, "zip": {"line_ending": "\r\n"}}
    if case.source == "zip":
        dataset["viewer"] = {"status": 501, "body": {"error": "Dataset scripts are no longer supported"}}
    else:
        dataset["page_size"] = case.page_size
        if faults and case.page_fault_rate > 0:
            dataset["page_faults"] = {"status": 503, "rate": case.page_fault_rate}
    path = work / f"{name}.json"
    path.write_text(json.dumps({"datasets": {DATASET: dataset}, "model": model}), encoding="utf-8")
    return path


# ---------------------------------------------------------------- runs


@dataclass
class Result:
    exit_code: int
    stderr: str
    chat: int  # inference requests the fake saw
    asked: int  # distinct (text, seed) among them: the answers asked for, whatever the retries
    total: int  # every request the fake saw
    signalled: bool
    outputs: Path


def command(binary, case, server, out, store, source, concurrency, early_stop):
    args = [binary, "--endpoint", f"{server.base}/v1", "--datasets-server", server.base, "--hub-endpoint", server.base,
            "--dataset", DATASET, "--subset", SUBSET, "--votes", str(case.votes), "--seed", str(case.run_seed),
            "--prompt", case.prompt, "--n-sample", str(case.n_sample), "--concurrency", str(concurrency),
            "--max-retry-wait", "0.05", "--cache", str(store), "--output", str(out / "df_train.csv"),
            "--details", str(out / "details.jsonl"), "--metrics-json", str(out / "metrics.json"), "--quiet",
            "--early-stop" if early_stop else "--no-early-stop"]
    if case.test_size is not None:
        args += ["--test-size", case.test_size]  # df_test.csv beside --output
    if source in ("jsonl", "csv"):
        args += ["--input", str(out.parent / f"rows.{source}")]
    return args


def counts(server):
    requests = server.control("GET", "/_fake/counts")["requests"]
    return requests.get("chat", 0), sum(requests.values())


def run(server, args, home, env=None, signal_after=None):
    """Runs synthgen once; sends `signal_after` = (name, requests) when the fake has seen that many."""
    server.control("POST", "/_fake/reset")
    out = Path(args[args.index("--output") + 1]).parent
    out.mkdir(parents=True, exist_ok=True)
    signalled = False
    with subprocess.Popen(args, env=clean_env(env or {}, home), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, start_new_session=True) as proc:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        if signal_after is not None:
            name, after = signal_after
            while proc.poll() is None and time.monotonic() < deadline:
                if counts(server)[0] >= after:
                    proc.send_signal(getattr(signal, name))
                    signalled = True
                    break
                time.sleep(0.002)  # a poll interval
        try:
            _, stderr = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            raise CaseFailure(f"synthgen timed out after {RUN_TIMEOUT_S} s: {' '.join(args)}")
    stats = server.control("GET", "/_fake/stats")
    chat, total = stats["requests"].get("chat", 0), sum(stats["requests"].values())
    asked = len({(entry["text"], entry["seed"]) for entry in stats["inference"] if entry["path"].endswith("/chat/completions")})
    return Result(proc.returncode, stderr.decode("utf-8", errors="replace"), chat, asked, total, signalled, out)


def expect_ok(result, what):
    if result.exit_code != 0:
        raise CaseFailure(f"{what}: exit {result.exit_code}, expected 0; stderr:\n{result.stderr[-3000:]}")


def metrics_of(out):
    """The metrics JSON, but for the paths of the train and test files (each way writes its own)."""
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for split in ("train", "test"):
        if isinstance(metrics.get(split), dict):
            metrics[split].pop("file", None)
    return metrics


def compare(reference, result, what, csv_only=False):
    """The outputs of `result` against the reference's: CSV and details byte for byte, metrics but arrival."""
    names = ["df_train.csv"] if csv_only else ["df_train.csv", "details.jsonl"]
    if (reference.outputs / "df_test.csv").exists():  # the case's --test-size
        names.append("df_test.csv")
    for name in names:
        if not (result.outputs / name).exists():
            raise CaseFailure(f"{what}: wrote no {name}, the reference did")
        want, got = (reference.outputs / name).read_bytes(), (result.outputs / name).read_bytes()
        if want != got:
            raise CaseFailure(f"{what}: {name} differs from the reference's ({len(got)} bytes, expected {len(want)}); "
                              f"first difference at byte {first_difference(want, got)}")
    if csv_only:
        return
    want, got = metrics_of(reference.outputs), metrics_of(result.outputs)
    for key in sorted(set(want) | set(got)):
        if key not in ARRIVAL_KEYS and want.get(key) != got.get(key):
            raise CaseFailure(f"{what}: metrics '{key}' is {got.get(key)!r}, the reference's is {want.get(key)!r}")


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def stored_answers(store):
    if not store.exists():
        return 0
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM answers").fetchone()[0]


def expect_requests(result, expected, what):
    """The run asked for `expected` answers (retries, and libcurl's own resend on a reused connection
    that died, ask for the same answer again and are not counted)."""
    if result.asked != expected:
        raise CaseFailure(f"{what}: asked for {result.asked} answers in {result.chat} requests, expected {expected}; "
                          f"stderr:\n{result.stderr[-2000:]}")


def batch_applies(args):
    """The batch way needs OpenAI's wire format (a batch line is an OpenAI chat request) and a store
    (the answers arrive through it). Today every case's command has both (--cache, the default --api)."""
    api = args[args.index("--api") + 1] if "--api" in args else "openai"
    return api == "openai" and "--no-cache" not in args


def batch_rounds_modes(case):
    """The stand-in's options, round by round: legacy shape and error lines by turns, which first from a
    generator of the case's own (the other draws of a seed stay what they were)."""
    first = random.Random(case.seed ^ 0xBA7C).randrange(2)
    modes = [["--legacy-shape"], ["--error-lines", BATCH_ERROR_SHARE]]
    return [modes[(first + i) % 2] for i in range(case.votes + 3)]


def tool(args, home, what, cwd):
    """Runs a batch step (synthgen batch ..., or the stand-in) to completion; (stdout, stderr) or CaseFailure."""
    try:
        done = subprocess.run(args, env=clean_env({}, home), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise CaseFailure(f"{what} timed out after {RUN_TIMEOUT_S} s: {' '.join(map(str, args))}")
    stdout, stderr = done.stdout.decode("utf-8", errors="replace"), done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise CaseFailure(f"{what}: exit {done.returncode}, expected 0: {' '.join(map(str, args))}\n"
                          f"stdout:\n{stdout[-2000:]}\nstderr:\n{stderr[-2000:]}")
    return stdout, stderr


def batch_way(case, binary, work, reference, scenario):
    """The answers through batch rounds into a new store, then the run from it: the reference's outputs."""
    home, store = work / "home-batch", work / "batch.db"
    fake_dir = work / "fake-batch"
    fake_dir.mkdir()
    with FakeServer(scenario, work, fake_dir) as server:
        args = command(binary, case, server, work / "batch", store, case.source, case.concurrency, case.early_stop)
        if not batch_applies(args):
            return
        (work / "batch").mkdir()
        modes = batch_rounds_modes(case)
        for number, mode in enumerate(modes + [None], 1):
            round_dir = work / "batch" / f"round{number}"
            round_dir.mkdir()
            requests = round_dir / "requests.jsonl"
            stdout, _ = tool([binary, "batch", "export", *args[1:], "--batch-out", str(requests)], home,
                             f"batch round {number}: export", round_dir)
            parts = sorted(round_dir.glob("requests*.jsonl"))
            if not any(part.stat().st_size for part in parts):
                if "nothing to export" not in stdout:
                    raise CaseFailure(f"batch round {number}: an empty export without \"nothing to export\": {stdout!r}")
                break
            if mode is None:
                raise CaseFailure(f"batch: the export still holds requests after {len(modes)} rounds (votes + 3); "
                                  f"round {number}: {stdout.strip()!r}")
            outputs = []
            for part in parts:
                output = round_dir / f"results-{part.name}"
                tool([sys.executable, str(VLLM_RUN_BATCH), "-i", str(part), "-o", str(output), "--model", MODEL,
                      "--scenario", str(scenario), *mode], home, f"batch round {number}: fake_vllm_run_batch.py {' '.join(mode)}",
                     round_dir)
                outputs.append(str(output))
            stdout, _ = tool([binary, "batch", "import", *args[1:], *outputs], home, f"batch round {number}: import", round_dir)
            if ", unknown 0 " not in stdout:
                raise CaseFailure(f"batch round {number}: import found lines it did not export: {stdout.strip()!r}")
        final = run(server, args, home)
        expect_ok(final, "batch: the run after the last import")
        compare(reference, final, "batch")
        if final.chat != 0:
            raise CaseFailure(f"batch: the run after the last import sent {final.chat} inference requests, expected 0")
        if metrics_of(final.outputs).get("requests") != 0:
            raise CaseFailure(f"batch: the run's metrics say requests {metrics_of(final.outputs).get('requests')}, expected 0")


SHARD_TIMINGS = {"wall_s", "request_wall_s"}


def draw_shards(case):
    """(N, shared store, shuffled order of the parts) from a generator of the case's own (the other
    draws of a seed stay what they were); N is 1..5, or one case in five more than the sampled rows."""
    rng = random.Random(case.seed ^ 0x5A4D)
    sampled = case.n_sample if 0 < case.n_sample <= len(case.rows) else len(case.rows)
    n = sampled + rng.randint(1, 3) if rng.random() < 0.2 else rng.randint(1, 5)
    shared = rng.random() < 0.5
    order = list(range(n))
    rng.shuffle(order)
    return n, shared, order


def shards_way(case, binary, work, reference, scenario):
    """The command as N shards at once, then `synthgen merge`: the reference's outputs."""
    n, shared, order = draw_shards(case)
    home = work / "home-shards"  # a shard's dir is work/shardK, beside the rows (command() reads work/rows.*)
    fake_dir = work / "fake-shards"
    fake_dir.mkdir()
    what = f"shards ({n} shards, {'one shared store' if shared else 'a store each'})"
    with FakeServer(scenario, work, fake_dir) as server:
        server.control("POST", "/_fake/reset")
        procs = []
        try:
            for k in range(n):
                out = work / f"shard{k}"
                out.mkdir()
                store = work / "shards-shared.db" if shared else out / "store.db"
                args = command(binary, case, server, out, store, case.source, case.concurrency, case.early_stop)
                procs.append(subprocess.Popen(args + ["--shard", f"{k}/{n}"], env=clean_env({}, home), stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True))
            deadline = time.monotonic() + RUN_TIMEOUT_S
            for k, proc in enumerate(procs):
                try:
                    _, stderr = proc.communicate(timeout=max(1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise CaseFailure(f"{what}: shard {k} timed out after {RUN_TIMEOUT_S} s")
                if proc.returncode != 0:
                    raise CaseFailure(f"{what}: shard {k}/{n} exit {proc.returncode}, expected 0; stderr:\n"
                                      f"{stderr.decode('utf-8', errors='replace')[-2000:]}")
        finally:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        stats = server.control("GET", "/_fake/stats")
    asked = len({(entry["text"], entry["seed"]) for entry in stats["inference"] if entry["path"].endswith("/chat/completions")})
    chat = stats["requests"].get("chat", 0)
    if chat != reference.asked or asked != reference.asked:
        raise CaseFailure(f"{what}: the shards sent {chat} requests for {asked} answers, the reference asked for {reference.asked}")
    merged = work / "shards-merged"
    merged.mkdir()
    parts = [str(work / f"shard{k}" / "df_train.csv") for k in order]
    tool([binary, "merge", "--output", str(merged / "df_train.csv"), "--details", str(merged / "details.jsonl"),
          "--metrics-json", str(merged / "metrics.json"), "--quiet", *parts], home, f"{what}: merge of {order}", merged)
    for name in ("df_train.csv", "details.jsonl") + (("df_test.csv",) if case.test_size is not None else ()):
        if not (merged / name).exists():
            raise CaseFailure(f"{what}: the merge wrote no {name}, the reference did")
        want, got = (reference.outputs / name).read_bytes(), (merged / name).read_bytes()
        if want != got:
            raise CaseFailure(f"{what}: merged {name} differs from the reference's ({len(got)} bytes, expected {len(want)}); "
                              f"first difference at byte {first_difference(want, got)}")
    want, got = metrics_of(reference.outputs), metrics_of(merged)
    ignored = SHARD_TIMINGS | {"requests", "cached", "provenance"} | ({"source"} if case.source != "jsonl" else set())
    for key in sorted(set(want) | set(got)):
        if key not in ignored and want.get(key) != got.get(key):
            raise CaseFailure(f"{what}: merged metrics '{key}' is {got.get(key)!r}, the reference's is {want.get(key)!r}")
    total = lambda m: (m.get("requests") or 0) + (m.get("cached") or 0)  # noqa: E731
    if total(want) != total(got):
        raise CaseFailure(f"{what}: merged metrics requests + cached is {got.get('requests')} + {got.get('cached')}, "
                          f"the reference's {want.get('requests')} + {want.get('cached')}")


def asked_answers(server):
    """The distinct (text, seed) a fake was asked for: the answers, whatever the retries."""
    stats = server.control("GET", "/_fake/stats")
    return {(entry["text"], entry["seed"]) for entry in stats["inference"] if entry["path"].endswith("/chat/completions")}


def pool_way(case, binary, work, reference, clean_scenario):
    """The command with two endpoints (--endpoint twice): the case's faulty fake and a clean one, into a
    new store: the reference's outputs, and every answer asked for, across both, exactly as the
    reference asked (a vote retried on the other endpoint asks the same answer again)."""
    for name in ("fake-pool0", "fake-pool1"):
        (work / name).mkdir()
    faulty = fake_scenario(case, work, "faulty", faults=True)
    with FakeServer(faulty, work, work / "fake-pool0") as first, FakeServer(clean_scenario, work, work / "fake-pool1") as second:
        second.control("POST", "/_fake/reset")
        args = command(binary, case, first, work / "pool", work / "pool.db", case.source, case.concurrency, case.early_stop)
        result = run(first, args + ["--endpoint", f"{second.base}/v1"], work / "home-pool")
        expect_ok(result, "pool of 2 endpoints")
        compare(reference, result, "pool of 2 endpoints")
        asked = asked_answers(first) | asked_answers(second)
    if len(asked) != reference.asked:
        raise CaseFailure(f"pool of 2 endpoints: asked for {len(asked)} answers across both, the reference asked for {reference.asked}")


def run_case(case, binary, work):
    write_inputs(case, work)
    clean_scenario = fake_scenario(case, work, "clean", faults=False)
    with FakeServer(clean_scenario, work, work) as clean:
        reference = run(clean, command(binary, case, clean, work / "ref", work / "ref.db", "jsonl", 64, case.early_stop),
                        work / "home-ref")
        expect_ok(reference, "reference run")
        needed = reference.asked
        if reference.chat != needed:
            raise CaseFailure(f"reference run: {reference.chat} requests for {needed} answers, with no fault")
    if needed != stored_answers(work / "ref.db"):
        raise CaseFailure(f"reference run: {needed} requests but {stored_answers(work / 'ref.db')} stored answers")

    # Each path's fake is new (the first-try faults start afresh); its store and home are its own.
    fake_dir = work / "fake-path"
    fake_dir.mkdir()
    with FakeServer(fake_scenario(case, work, "faulty", faults=True), work, fake_dir) as server:
        home, store = work / "home-path", work / "path.db"
        args = command(binary, case, server, work / "path", store, case.source, case.concurrency, case.early_stop)
        if case.interrupt != "none":
            at = 1 + int(case.interrupt_at * max(needed - 1, 0))
            first = run(server, args, home, signal_after=(case.interrupt, at))
            expected = {"SIGKILL": -9, "SIGINT": 130}[case.interrupt]
            if first.signalled and first.exit_code not in (expected, 0):
                raise CaseFailure(f"{case.interrupt} after {at} requests: exit {first.exit_code}, expected {expected}; "
                                  f"stderr:\n{first.stderr[-2000:]}")
            if first.signalled and first.exit_code == expected and (first.outputs / "df_train.csv").exists():
                # A tiny run can finish its votes before the signal lands, which then comes among the
                # commit's renames: the main output is renamed last, so beside a new df_train.csv every
                # other output must be in place, whole, and the reference's.
                if not (first.outputs / "metrics.json").exists():
                    raise CaseFailure(f"{case.interrupt} after {at} requests: df_train.csv was written without metrics.json")
                compare(reference, first, f"{case.interrupt} after {at} requests landed among the commit's renames")
            if first.exit_code == 0:
                compare(reference, first, f"{case.interrupt} came after the run finished")
        held = stored_answers(store)
        path = run(server, args, home)
        expect_ok(path, f"path ({case.source})" + (" resumed" if case.interrupt != "none" else ""))
        compare(reference, path, f"path ({case.source})")
        expect_requests(path, needed - held, f"path ({case.source}) with {held} answers already stored")

        rerun = run(server, args, home)
        expect_ok(rerun, "rerun")
        compare(reference, rerun, "rerun")
        if rerun.chat != 0:
            raise CaseFailure(f"rerun sent {rerun.chat} inference requests, expected 0")

        offline = run(server, args, home, env={"HF_HUB_OFFLINE": "1"})
        expect_ok(offline, "offline rerun")
        compare(reference, offline, "offline rerun")
        if offline.total != 0:
            raise CaseFailure(f"offline rerun sent {offline.total} requests, expected none")

        other_concurrency = random.Random(case.seed + 1).choice([c for c in (1, 7, 64) if c != case.concurrency])
        other = run(server, command(binary, case, server, work / "other", store, case.source, other_concurrency,
                                    case.early_stop), home)
        expect_ok(other, f"rerun at concurrency {other_concurrency}")
        compare(reference, other, f"rerun at concurrency {other_concurrency}")
        if other.chat != 0:
            raise CaseFailure(f"rerun at concurrency {other_concurrency} sent {other.chat} requests, expected 0")

        flipped = run(server, command(binary, case, server, work / "flipped", store, case.source, case.concurrency,
                                      not case.early_stop), home)
        expect_ok(flipped, "early stop flipped")
        compare(reference, flipped, f"early stop {'off' if case.early_stop else 'on'}", csv_only=True)

    batch_way(case, binary, work, reference, clean_scenario)
    shards_way(case, binary, work, reference, clean_scenario)
    pool_way(case, binary, work, reference, clean_scenario)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case-seed", type=int, help="replay one case by its seed")
    parser.add_argument("--max-rows", type=int, default=3000)
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    binary = str(Path(args.binary).resolve())
    seeds = [args.case_seed] if args.case_seed is not None else [
        random.Random(args.seed * 1_000_003 + i).randrange(1 << 28) * STRATA + i % STRATA for i in range(args.cases)]
    passed, failed = 0, 0
    started = time.monotonic()
    for seed in seeds:
        case = draw_case(seed, args.max_rows)
        work = Path(tempfile.mkdtemp(prefix=f"synthgen-diff-{seed}-"))
        case_start = time.monotonic()
        try:
            run_case(case, binary, work)
            passed += 1
            print(f"PASS {case.describe()} ({time.monotonic() - case_start:.1f} s)", flush=True)
        except Exception as failure:  # a CaseFailure, or the harness itself: either way, the seed is shown
            failed += 1
            print(f"FAIL {case.describe()}\n  {type(failure).__name__}: {failure}\n  replay: differential.py --binary {args.binary} "
                  f"--max-rows {args.max_rows} --case-seed {seed} --keep-tmp", flush=True)
        finally:
            if args.keep_tmp:
                print(f"  kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    print(f"differential: {len(seeds)} cases in {time.monotonic() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
