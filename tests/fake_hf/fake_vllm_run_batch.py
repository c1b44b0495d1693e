#!/usr/bin/env python3
"""A stand-in for `vllm run-batch` (python -m vllm.entrypoints.openai.run_batch) for synthgen's tests:
reads OpenAI batch input lines, answers each chat request as fake_hf.py's live /chat/completions route
answers the same body (chat_answer(), without the scenario's injected failures), and writes vLLM's output.

The output records follow vllm/entrypoints/openai/run_batch.py (BatchRequestOutput, BatchResponseData,
make_error_request_output, run_request) and docs/wire-formats.md §6:
  {"id": "vllm-<32 hex>", "custom_id": ..., "response": {"status_code": 200, "request_id":
   "vllm-batch-<32 hex>", "body": {...chat.completion...}}, "error": null}
  errors inline in the same file, `error` set and `body` null:
  - a request for another model than --model: the serving layer's ErrorResponse, as run_request writes it
    (status_code = its code, 404 "The model `X` does not exist.", NotFoundError, as vLLM's _check_model says);
  - a url other than /v1/chat/completions: make_error_request_output, 400, `error` the message string;
  - --error-lines SHARE (by a hash of the custom_id): make_error_request_output, 400, `error` a string;
  - a body the fake's chat route refuses (400): the ErrorResponse with code 400.
--legacy-shape writes the first release's shape (vLLM 0.4.x): {"id", "custom_id", "response":
{...chat.completion...} or null, "error": null or {"object": "error", "message", "type", "param", "code"}},
the completion straight under `response`, no status_code, request_id or body.

As in vLLM, a malformed input line (not JSON, not an object, no custom_id/method/url/body, a body with
no `messages` list) fails the whole batch before anything is written: exit 1, a message on stderr, no
output file. (vLLM releases that read the whole file first do this; the newest, streaming run_batch.py
may leave the lines before the bad one written.) vLLM checks neither the method nor duplicate custom_ids.
Real vLLM writes the lines in input order; this stand-in shuffles them (seeded by the input's bytes)
unless --no-shuffle, so that readers match on custom_id.

Usage: fake_vllm_run_batch.py -i IN -o OUT --model M [--scenario FILE] [--legacy-shape]
                              [--error-lines SHARE] [--no-shuffle]
Standard library only (Python 3.11).
"""
import argparse
import hashlib
import json
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_hf  # noqa: E402  (next to this file)

CHAT_URL = "/v1/chat/completions"
SUPPORTED = "/v1/chat/completions, /v1/embeddings, /score, /rerank"


class Malformed(Exception):
    """A line vLLM's BatchRequestInput.model_validate_json refuses: the whole batch fails."""


def parse_line(number, text):
    try:
        line = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Malformed(f"line {number}: invalid JSON: {exc}")
    if not isinstance(line, dict):
        raise Malformed(f"line {number}: a batch request must be a JSON object")
    missing = [name for name in ("custom_id", "method", "url", "body") if name not in line]
    if missing:
        raise Malformed(f"line {number}: 1 validation error for BatchRequestInput\n{missing[0]}\n  Field required")
    if not isinstance(line["custom_id"], str) or not isinstance(line["url"], str) or not isinstance(line["method"], str):
        raise Malformed(f"line {number}: custom_id, method and url must be strings")
    body = line["body"]
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise Malformed(f"line {number}: 1 validation error for ChatCompletionRequest\nmessages\n  Field required")
    return line


def read_lines(path, legacy):
    """The parsed input lines, or Malformed; vLLM skips blank lines."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            if text.strip():
                line = parse_line(number, text)
                if legacy and line["url"] != CHAT_URL:  # the first release served chat completions only
                    raise Malformed(f"line {number}: Only /v1/chat/completions is supported for now.")
                lines.append(line)
    return lines


def error_response(message, error_type, code, param=None):
    """vLLM's ErrorResponse: nested {"error": {...}} now, flat {"object": "error", ...} in its first release."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def legacy_error(message, error_type, code, param=None):
    return {"object": "error", "message": message, "type": error_type, "param": param, "code": code}


def answer(line, args, model):
    """(status_code, completion or None, error or None) for one input line."""
    body = line["body"]
    digest = hashlib.sha256(f"vllm|{line['custom_id']}".encode("utf-8")).digest()
    if line["url"] != CHAT_URL:
        return 400, None, f"URL {line['url']} was used. Supported endpoints: {SUPPORTED}."
    if body.get("model") != args.model:
        error = (legacy_error if args.legacy_shape else error_response)(
            f"The model `{body.get('model')}` does not exist.", "NotFoundError", 404, "model")
        return 404, None, error
    if fake_hf.unit(digest, 0) < args.error_lines:
        return 400, None, "Request failed (injected by fake_vllm_run_batch.py --error-lines)."
    _, reply = fake_hf.chat_answer(model, json.dumps(body, ensure_ascii=False).encode("utf-8"), faults=False, wait=False)
    try:
        answered = json.loads(reply.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        answered = reply.body.decode("utf-8", "replace")
    if reply.status == 200:
        return 200, answered, None
    message = answered.get("error", {}).get("message", str(answered)) if isinstance(answered, dict) else answered
    error = (legacy_error if args.legacy_shape else error_response)(message, "BadRequestError", reply.status)
    return reply.status, None, error


def record(line, result, legacy):
    status_code, completion, error = result
    if legacy:
        if error is not None and not isinstance(error, dict):
            error = legacy_error(error, "BadRequestError", status_code)
        return {"id": f"vllm-{uuid.uuid4().hex}", "custom_id": line["custom_id"], "response": completion, "error": error}
    return {"id": f"vllm-{uuid.uuid4().hex}", "custom_id": line["custom_id"],
            "response": {"status_code": status_code, "request_id": f"vllm-batch-{uuid.uuid4().hex}", "body": completion},
            "error": error}


def load_model(scenario_path):
    """The fake's model: with a scenario, its model section and its datasets' gold labels, as fake_hf.py
    loads them (relative files from the scenario's directory); without, a model that knows no gold."""
    if scenario_path is None:
        return fake_hf.Model({}, {}, fake_hf.load_shapes())
    scenario = fake_hf.load_scenario(scenario_path, scenario_path.resolve().parent)
    return fake_hf.Model(scenario.model, fake_hf.gold_index(scenario.datasets), scenario.shapes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-i", "--input-file", required=True, help="the batch input JSONL")
    parser.add_argument("-o", "--output-file", required=True, help="where the output JSONL goes")
    parser.add_argument("--model", required=True, help="the one model served; other models' lines get a 404 error")
    parser.add_argument("--scenario", type=Path, help="a fake_hf.py scenario: its model and datasets (gold labels)")
    parser.add_argument("--legacy-shape", action="store_true", help="vLLM's first output shape (no status_code/body)")
    parser.add_argument("--error-lines", type=float, default=0.0, metavar="SHARE",
                        help="share of lines (by a hash of the custom_id) answered with an inline 400 error")
    parser.add_argument("--no-shuffle", action="store_true", help="write the lines in input order, as vLLM does")
    args = parser.parse_args()
    if not 0.0 <= args.error_lines <= 1.0:
        parser.error("--error-lines must be in [0, 1]")
    model = load_model(args.scenario)
    try:
        lines = read_lines(args.input_file, args.legacy_shape)
    except (Malformed, UnicodeDecodeError) as exc:
        print(f"fake_vllm_run_batch: the batch failed, nothing written: {exc}", file=sys.stderr)
        return 1
    records = [record(line, answer(line, args, model), args.legacy_shape) for line in lines]
    if not args.no_shuffle and len(records) > 1:
        seed = hashlib.sha256(Path(args.input_file).read_bytes()).hexdigest()
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        records = shuffled if shuffled != records else shuffled[1:] + shuffled[:1]
    with open(args.output_file, "w", encoding="utf-8") as f:
        for item in records:
            f.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")  # as pydantic's model_dump_json
    return 0


if __name__ == "__main__":
    sys.exit(main())
