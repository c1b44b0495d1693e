#!/usr/bin/env python3
"""Self-check of fake_vllm_run_batch.py: runs it on small inputs and checks vLLM's output shapes, and that
its answers are what fake_hf.py's live chat route answers to the same bodies.

Run: selftest_vllm_run_batch.py   (no arguments; standard library only). Prints `N passed, M failed` and
exits non-zero when anything failed.
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from selftest import MODEL, Fake, chat_body, check, phrasebank_rows, results, write_jsonl  # noqa: E402

STAND_IN = Path(__file__).resolve().parent / "fake_vllm_run_batch.py"
OTHER_MODEL = "meta-llama/Llama-3.1-8B-Instruct"


def request_line(custom_id, body, url="/v1/chat/completions"):
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def five_lines():
    rows = phrasebank_rows()
    lines = [request_line(f"r-{i}", chat_body(rows[i]["sentence"], seed=i, cot=i == 3)) for i in range(4)]
    return lines + [request_line("r-4", chat_body(rows[4]["sentence"], seed=4, model=OTHER_MODEL))]


def run(workdir, name, lines, *flags, raw=None):
    """(exit code, stderr, output records or None if no output file)."""
    source, target = Path(workdir) / f"{name}.in.jsonl", Path(workdir) / f"{name}.out.jsonl"
    source.write_bytes(raw if raw is not None else "".join(json.dumps(line) + "\n" for line in lines).encode())
    done = subprocess.run([sys.executable, str(STAND_IN), "-i", str(source), "-o", str(target), "--model", MODEL, *flags],
                          capture_output=True, text=True, timeout=30)
    records = [json.loads(line) for line in target.read_text().splitlines()] if target.exists() else None
    return done.returncode, done.stderr, records


def main():
    with tempfile.TemporaryDirectory(prefix="fake_vllm_selftest-") as workdir:
        write_jsonl(Path(workdir) / "pb.jsonl", phrasebank_rows())
        scenario = {"datasets": {"acme/phrases": {"configs": {"default": {"file": "pb.jsonl"}}}}}
        scenario_file = Path(workdir) / "vllm_scenario.json"
        scenario_file.write_text(json.dumps(scenario), encoding="utf-8")
        lines = five_lines()

        code, stderr, records = run(workdir, "plain", lines, "--scenario", str(scenario_file), "--no-shuffle")
        check("vllm: exit 0, one record a line, in input order with --no-shuffle", code == 0 and records is not None
              and [r["custom_id"] for r in records] == [f"r-{i}" for i in range(5)], (code, stderr))
        records = records or []
        check("vllm: record fields and ids", all(set(r) == {"id", "custom_id", "response", "error"}
              and re.fullmatch(r"vllm-[0-9a-f]{32}", r["id"])
              and re.fullmatch(r"vllm-batch-[0-9a-f]{32}", r["response"]["request_id"]) for r in records), records[:1])
        check("vllm: answered lines", all(r["response"]["status_code"] == 200 and r["error"] is None
              and r["response"]["body"]["object"] == "chat.completion" for r in records[:4]), records[:1])
        other = records[4] if len(records) == 5 else {}
        check("vllm: another model is an inline error", other.get("response", {}).get("status_code") == 404
              and other["response"]["body"] is None
              and other["error"]["error"]["message"] == f"The model `{OTHER_MODEL}` does not exist.", other)
        fake = Fake(workdir, "vllm_live", scenario)
        try:
            live = [fake.call_json("POST", "/v1/chat/completions", line["body"], token=None)[2] for line in lines[:4]]
        finally:
            fake.stop()
        check("vllm: answers are the live route's answers (gold from --scenario)", [
            r["response"]["body"]["choices"][0]["message"]["content"] for r in records[:4]]
            == [a["choices"][0]["message"]["content"] for a in live], (records[:1], live[:1]))

        code, _, shuffled = run(workdir, "shuffled", lines)
        order = [r["custom_id"] for r in shuffled or []]
        check("vllm: shuffled by default", code == 0 and sorted(order) == [f"r-{i}" for i in range(5)]
              and order != [f"r-{i}" for i in range(5)], order)

        code, _, legacy = run(workdir, "legacy", lines, "--legacy-shape", "--no-shuffle")
        legacy = legacy or []
        check("vllm: --legacy-shape puts the completion under response", code == 0 and len(legacy) == 5 and all(
            r["response"]["object"] == "chat.completion" and r["error"] is None for r in legacy[:4]), legacy[:1])
        check("vllm: --legacy-shape error", len(legacy) == 5 and legacy[4]["response"] is None
              and legacy[4]["error"]["object"] == "error" and legacy[4]["error"]["code"] == 404, legacy[4:])

        code, _, failed = run(workdir, "error_lines", lines[:4], "--error-lines", "1.0")
        check("vllm: --error-lines 1.0: inline 400s with an error message", code == 0 and len(failed or []) == 4 and all(
            r["response"]["status_code"] == 400 and r["response"]["body"] is None and isinstance(r["error"], str)
            for r in failed), failed)

        embeddings = [request_line("e-1", chat_body("x"), url="/v1/embeddings")]
        code, _, inline = run(workdir, "url", embeddings)
        check("vllm: an unsupported url is an inline 400", code == 0 and inline and inline[0]["response"]["status_code"] == 400
              and "Supported endpoints" in inline[0]["error"], inline)
        code, stderr, written = run(workdir, "legacy_url", embeddings, "--legacy-shape")
        check("vllm: --legacy-shape fails the batch on another url", code == 1 and written is None and stderr, (code, stderr))

        bad = "".join(json.dumps(line) + "\n" for line in lines[:2]).encode() + b"{not json\n"
        code, stderr, written = run(workdir, "malformed", None, raw=bad)
        check("vllm: a malformed line fails the batch, nothing written", code == 1 and written is None
              and "line 3" in stderr, (code, stderr, written))
        no_id = json.dumps({"method": "POST", "url": "/v1/chat/completions", "body": chat_body("x")}).encode() + b"\n"
        code, stderr, written = run(workdir, "no_custom_id", None, raw=no_id)
        check("vllm: a line without custom_id fails the batch", code == 1 and written is None and "custom_id" in stderr,
              (code, stderr))
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
