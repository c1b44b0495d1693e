#!/usr/bin/env python3
"""A fake of the Hugging Face services synthgen talks to, for its integration tests.

Serves on 127.0.0.1 (port 0, written to --port-file) the shapes of docs/wire-formats.md: the dataset
viewer (/rows, /splits, /info, /size), the Hub's FinancialPhraseBank zip (optionally behind a CDN
redirect), OpenAI-compatible chat completions and TGI text generation. The answers come from a
scripted "model" that knows the gold labels of the scenario's datasets. GET /_fake/stats shows what
the server received; POST /_fake/reset clears it.

Real servers' answers, recorded elsewhere and rewritten as fixtures (tests/fixtures/real_shapes/NAME.json:
{"source", "what", "status", "headers", "body"}), are served by name: `model.answer_shapes` wraps each
answer in one of them (the string "{answer}" in the fixture stands for the model's answer text),
`model.faults.shapes` with the fault kind "shape" serves them as passing failures, and `model.error.shape`
as the lasting error.

GET /v1/models answers OpenAI's list shape {"object":"list","data":[{"id":...},...]} with the ids of
the scenario's top-level "models" list; without one it answers 404, as servers that list nothing do.

OpenAI's Files and Batches API (docs/wire-formats.md §6; openai-python types/batch.py) under any prefix,
as the chat route: POST .../files (multipart: purpose=batch, file), GET .../files/{id} and
.../files/{id}/content, POST .../batches, GET .../batches (list), GET .../batches/{id} (each GET is a
poll: the status moves one step per `polls_per_step` polls, validating -> in_progress -> finalizing ->
the outcome), POST .../batches/{id}/cancel (cancelling, then cancelled at the next step). When a batch
ends, each line is answered by chat_answer(), as the live route answers the same body, but without the
live route's rate limit, error, fail_rate and faults. OpenAI's 401 without the token. The scenario's
"batch_api" section (all optional):
  polls_per_step  int >= 1, default 1: how many GETs of a batch each status lasts
  outcome         "completed" (default) | "expired" | "failed" | "cancelled" (by someone else, while running)
  finished_share  for expired and cancelled: the share of lines answered before the end (by a hash of the
                  custom_id), default 0.5; the others go to the error file as batch_expired/batch_cancelled
  error_lines     share of lines (by a hash of the custom_id) answered with a 400 or 500 in the error file
  shuffle         default true: output and error lines in a seeded shuffled order, never the input order
  output_file_missing  a completed batch with output_file_id null: every line a 500 in the error file
  failed_errors   for outcome failed: errors.data, a list of {code, line, message[, param]}
  status_zero     error-file lines with response.status_code 0 (seen in the wild)
  max_file_bytes  the largest upload (default 200 MB); larger: 400 "File is too large."
  live_faults     default false: the model's rate limit, error, fail_rate and faults apply to batch lines too
A malformed input line (not JSON, no custom_id, a duplicate custom_id, method not POST, url not the
batch's endpoint, another model than the first line's) fails the batch at validation, errors.data naming
the line. /_fake/stats has "batch": files_uploaded, batches_created, batch_polls, file_downloads,
batch_lines_answered.

Usage: fake_hf.py --scenario FILE.json --port-file PATH [--log FILE] [--base-dir DIR]
Standard library only (Python 3.11).
"""
import argparse
import base64
import email.message
import email.parser
import hashlib
import io
import json
import os
import random
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_LABELS = ["negative", "neutral", "positive"]
DEFAULT_FEATURES = [
    {"feature_idx": 0, "name": "sentence", "type": {"dtype": "string", "_type": "Value"}},
    {"feature_idx": 1, "name": "label", "type": {"names": DEFAULT_LABELS, "_type": "ClassLabel"}},
]
MAX_PAGE = 100
ZIP_FILE = "data/FinancialPhraseBank-v1.0.zip"
ZIP_DIR = "FinancialPhraseBank-v1.0"
ZIP_MEMBERS = {  # config name -> member, in the order of the real archive
    "sentences_50agree": "Sentences_50Agree.txt",
    "sentences_66agree": "Sentences_66Agree.txt",
    "sentences_75agree": "Sentences_75Agree.txt",
    "sentences_allagree": "Sentences_AllAgree.txt",
}
ZIP_README = "Invented test data for synthgen; the real archive has a README.txt here too.\r\n"
ZIP_DATE = (2013, 10, 1, 12, 0, 0)  # fixed, so the archive bytes are stable
REPO_COMMIT = "0" * 40
CHAT_TEMPLATE = ("<s>[INST] ", " [/INST]")
TEXT_PREFIX = "TEXT: "
SIMPLE_VARIANTS = ["{l}", " {L}", "{L}.", " {l}\n"]
COT_REASON = "The sentence reports company news and its likely effect on the share price."
GARBLED_ANSWER = "I cannot tell from this sentence alone."
COT_VARIANTS = ["{j}", "```json\n{j}\n```", "Here is my analysis of the text.\n{j}"]

SCENARIO_KEYS = {"token", "datasets", "model", "models", "batch_api", "hub"}
HUB_KEYS = {"token", "forbidden_owners", "existing", "lfs_over_bytes", "lfs_paths", "lfs_object_error", "lfs_batch_error", "lfs_put_status",
            "lfs_put_failures", "max_commit_bytes"}
LFS_MEDIA_TYPE = "application/vnd.git-lfs+json"
REPO_PART = r"[A-Za-z0-9][A-Za-z0-9._-]*"
DATASET_KEYS = {"viewer", "configs", "zip", "rows_body", "page_faults", "page_size"}
CONFIG_KEYS = {"file", "split", "features"}
ZIP_KEYS = {"line_ending", "redirect", "status", "body", "headers"}
REPLY_KEYS = {"status", "body", "headers"}
MODEL_KEYS = {"policy", "flip_rate", "garble_rate", "style", "script", "fixed", "error", "fail_rate", "latency_ms", "faults",
              "answer_shapes", "rate_limit"}
RATE_LIMIT_KEYS = {"per_s", "burst", "retry_after", "headers"}
FAULT_KEYS = {"rate", "kinds", "attempts", "retry_after", "loading_s", "hang_s", "endless_s", "bomb_mib", "shapes"}
FAULT_KINDS = {"429", "503", "500", "reset", "truncated", "hang", "ratelimit", "retry_ms", "huge", "endless", "gzip_bomb", "shape"}
SHAPES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "real_shapes"
SHAPE_KEYS = {"source", "what", "status", "headers", "body"}
ANSWER_PLACEHOLDER = "{answer}"
ANSWER_HEAD = b'{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"'
ANSWER_TAIL = b'"},"finish_reason":"stop"}]}'
ENDLESS_CHUNK = b"positive " * 7282  # 64 KiB of a model that never stops
POLICIES = {"gold", "fixed", "script"}
STYLES = {"auto", "simple", "cot"}
CATEGORIES = ("chat", "generate", "models", "rows", "splits", "info", "size", "zip", "cdn", "files", "batches", "hub", "lfs_storage",
              "other")
BATCH_KEYS = {"polls_per_step", "outcome", "finished_share", "error_lines", "shuffle", "output_file_missing",
              "failed_errors", "status_zero", "max_file_bytes", "live_faults"}
BATCH_OUTCOMES = {"completed", "expired", "failed", "cancelled"}
BATCH_ENDPOINT = "/v1/chat/completions"
BATCH_WINDOW = "24h"
BATCH_MAX_FILE_BYTES = 200 * 1000 * 1000  # wire-formats.md §6: up to 200 MB per input file
BATCH_STEPS = ["validating", "in_progress", "finalizing"]  # then the outcome
BATCH_COUNTERS = ("files_uploaded", "batches_created", "batch_polls", "file_downloads", "batch_lines_answered")


# ---------------------------------------------------------------- replies


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    action: str | None = None  # "reset": close with a TCP RST; "hang": answer nothing for hang_s; "endless"
    hang_s: float = 0.0  # "hang": how long; "endless": how long it streams at most


class Abort(Exception):
    """Stops handling a request and answers `reply` instead."""

    def __init__(self, reply):
        super().__init__(reply.status)
        self.reply = reply


def json_reply(status, obj, headers=None):
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def text_reply(status, text, headers=None):
    return Reply(status, text.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8", **(headers or {})})


def payload_reply(status, payload, headers=None):
    """A scenario-given body: JSON for a dict or list, plain text for a string."""
    if isinstance(payload, str):
        return text_reply(status, payload, headers)
    return json_reply(status, payload, headers)


def load_shapes(directory=SHAPES_DIR):
    """name -> recorded shape, from every NAME.json in `directory`; each names its source."""
    shapes = {}
    for path in sorted(Path(directory).glob("*.json")):
        with open(path, encoding="utf-8") as f:
            shape = json.load(f)
        check_keys(shape, SHAPE_KEYS, f"shape {path.name}")
        if not shape.get("source") or not isinstance(shape.get("status"), int):
            raise SystemExit(f"fake_hf: shape {path.name} needs a source and an integer status")
        shapes[path.stem] = shape
    return shapes


def with_answer(value, answer):
    """`value` with every "{answer}" in its strings replaced by `answer` (before JSON encoding, so
    the answer is escaped as the fixture's own strings are)."""
    if isinstance(value, str):
        return value.replace(ANSWER_PLACEHOLDER, answer)
    if isinstance(value, list):
        return [with_answer(item, answer) for item in value]
    if isinstance(value, dict):
        return {key: with_answer(item, answer) for key, item in value.items()}
    return value


def shape_reply(shape, answer=""):
    """A recorded shape as a reply; a string body is sent as it is (HTML pages, plain text)."""
    headers = with_answer(shape.get("headers", {}), answer)
    body = with_answer(shape.get("body", ""), answer)
    if isinstance(body, str):
        headers = {"Content-Type": "text/plain; charset=utf-8", **headers}
        return Reply(shape["status"], body.encode("utf-8"), headers)
    return json_reply(shape["status"], body, headers)


def api_error(status, message, code):
    """The dataset viewer's and the Hub's error shape."""
    return json_reply(status, {"error": message}, {"X-Error-Code": code})


def chat_error(message, param=None):
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": None}
    return json_reply(400, {"error": error})


def tgi_error(message):
    return json_reply(422, {"error": f"Input validation error: {message}", "error_type": "validation"})


UNAUTHORIZED = json_reply(401, {"error": "Invalid username or password."})


# ---------------------------------------------------------------- scenario


def check_keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise SystemExit(f"fake_hf: {where} must be a JSON object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise SystemExit(f"fake_hf: unknown key(s) {unknown} in {where}; allowed: {sorted(allowed)}")


@dataclass
class Config:
    name: str
    split: str
    features: list
    rows: list

    def text_field(self):
        for feature in self.features:
            if feature["type"].get("_type") == "Value" and feature["type"].get("dtype") == "string":
                return feature["name"]
        return "sentence"

    def label_feature(self):
        return next((f for f in self.features if f["type"].get("_type") == "ClassLabel"), None)

    def label_names(self):
        feature = self.label_feature()
        return feature["type"]["names"] if feature else DEFAULT_LABELS

    def label_word(self, row):
        """The row's label as a word: a ClassLabel index mapped to its name, a string as-is."""
        feature = self.label_feature()
        value = row.get(feature["name"] if feature else "label")
        if isinstance(value, int) and not isinstance(value, bool) and feature:
            return self.label_names()[value]
        return value if isinstance(value, str) else None


@dataclass
class Dataset:
    name: str
    viewer: dict | None
    configs: dict
    zip: dict | None
    zip_bytes: bytes | None = None
    cdn_path: str | None = None
    rows_body: object = None  # served as-is by /rows: a page of the wrong shape
    page_faults: dict | None = None  # {"status": 503, "offsets": [...], "rate": r, "headers": {...}}: the first /rows try at each
    #                                  listed offset (and at a share r of all offsets, by hash) fails
    page_size: int = 100  # the most rows one /rows answer holds, whatever `length` asks (num_rows_per_page)
    faulted_offsets: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Scenario:
    token: str | None
    datasets: dict
    model: dict
    shapes: dict = field(default_factory=dict)  # name -> recorded real shape (load_shapes)
    models: list | None = None  # GET /v1/models lists these ids; None: 404
    batch_api: dict = field(default_factory=dict)  # the Files and Batches API's behaviour (check_batch_api)
    hub: dict = field(default_factory=dict)  # the Hub's repo and commit API (HubRepos)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_config(name, spec, base_dir):
    check_keys(spec, CONFIG_KEYS, f"config {name!r}")
    rows = read_jsonl(base_dir / spec["file"]) if "file" in spec else []
    return Config(name, spec.get("split", "train"), spec.get("features", DEFAULT_FEATURES), rows)


def load_dataset(name, spec, base_dir):
    check_keys(spec, DATASET_KEYS, f"dataset {name!r}")
    if "viewer" in spec:
        check_keys(spec["viewer"], REPLY_KEYS, f"viewer of dataset {name!r}")
    configs = {c: load_config(c, s, base_dir) for c, s in spec.get("configs", {}).items()}
    dataset = Dataset(name, spec.get("viewer"), configs, spec.get("zip"), rows_body=spec.get("rows_body"),
                      page_faults=spec.get("page_faults"), page_size=spec.get("page_size", MAX_PAGE))
    if dataset.zip is not None:
        check_keys(dataset.zip, ZIP_KEYS, f"zip of dataset {name!r}")
        dataset.zip_bytes = build_zip(configs, dataset.zip.get("line_ending", "\n"))
        digest = hashlib.sha256(dataset.zip_bytes).hexdigest()
        dataset.cdn_path = f"/_cdn/{digest[:16]}/FinancialPhraseBank-v1.0.zip"
    return dataset


def load_scenario(path, base_dir):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    check_keys(spec, SCENARIO_KEYS, "scenario")
    model = spec.get("model", {})
    check_keys(model, MODEL_KEYS, "model")
    if "error" in model:
        check_keys(model["error"], REPLY_KEYS | {"after", "shape"}, "model.error")
    if "rate_limit" in model:
        check_keys(model["rate_limit"], RATE_LIMIT_KEYS, "model.rate_limit")
    faults = model.get("faults", {})
    check_keys(faults, FAULT_KEYS, "model.faults")
    if set(faults.get("kinds", [])) - FAULT_KINDS:
        raise SystemExit(f"fake_hf: model.faults.kinds must be among {sorted(FAULT_KINDS)}")
    if model.get("policy", "gold") not in POLICIES or model.get("style", "auto") not in STYLES:
        raise SystemExit(f"fake_hf: model.policy must be one of {sorted(POLICIES)}, style one of {sorted(STYLES)}")
    shapes = load_shapes()
    named = list(model.get("answer_shapes", [])) + list(faults.get("shapes", []))
    named += [model["error"]["shape"]] if "shape" in model.get("error", {}) else []
    if unknown := sorted(set(named) - set(shapes)):
        raise SystemExit(f"fake_hf: unknown shape(s) {unknown}; known: {sorted(shapes)}")
    if "shape" in faults.get("kinds", []) and not faults.get("shapes"):
        raise SystemExit("fake_hf: the fault kind 'shape' needs model.faults.shapes")
    datasets = {n: load_dataset(n, s, base_dir) for n, s in spec.get("datasets", {}).items()}
    models = spec.get("models")
    if models is not None and not (isinstance(models, list) and all(isinstance(m, str) for m in models)):
        raise SystemExit("fake_hf: models must be a list of model ids")
    batch_api = spec.get("batch_api", {})
    check_batch_api(batch_api)
    hub = spec.get("hub", {})
    check_keys(hub, HUB_KEYS, "hub")
    return Scenario(spec.get("token"), datasets, model, shapes, models, batch_api, hub)


def check_batch_api(spec):
    check_keys(spec, BATCH_KEYS, "batch_api")
    def share(name):
        value = spec.get(name, 0.0)
        return is_number(value) and 0.0 <= value <= 1.0
    problems = []
    if not (is_int(spec.get("polls_per_step", 1)) and spec.get("polls_per_step", 1) >= 1):
        problems.append("polls_per_step must be an integer >= 1")
    if spec.get("outcome", "completed") not in BATCH_OUTCOMES:
        problems.append(f"outcome must be one of {sorted(BATCH_OUTCOMES)}")
    problems += [f"{name} must be a number in [0, 1]" for name in ("finished_share", "error_lines") if not share(name)]
    problems += [f"{name} must be true or false" for name in ("shuffle", "output_file_missing", "status_zero", "live_faults")
                 if not isinstance(spec.get(name, False), bool)]
    if not (is_int(spec.get("max_file_bytes", 0)) and spec.get("max_file_bytes", 0) >= 0):
        problems.append("max_file_bytes must be a non-negative integer")
    errors = spec.get("failed_errors", [])
    if not (isinstance(errors, list) and all(isinstance(e, dict) for e in errors)):
        problems.append("failed_errors must be a list of {code, line, message} objects")
    if problems:
        raise SystemExit(f"fake_hf: batch_api: {'; '.join(problems)}")


def page_fault_hit(fault, offset):
    """Whether `offset` is among the share `rate` of offsets whose first try fails (by hash)."""
    return unit(hashlib.sha256(f"page|{offset}".encode()).digest(), 0) < fault.get("rate", 0.0)


def build_zip(configs, line_ending):
    """The FinancialPhraseBank archive: ISO-8859-1 `sentence@label` lines, one member per config."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        add_zip_member(archive, f"{ZIP_DIR}/README.txt", ZIP_README.encode("latin-1"))
        for config_name, member in ZIP_MEMBERS.items():
            config = configs.get(config_name)
            if config is None:
                continue
            lines = [f"{row[config.text_field()]}@{config.label_word(row)}" for row in config.rows]
            add_zip_member(archive, f"{ZIP_DIR}/{member}", line_ending.join(lines).encode("latin-1", errors="replace"))
    return buf.getvalue()


def add_zip_member(archive, name, data):
    archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)


BOMBS = {}  # inflated size in MiB -> the gzip bytes, made once
BOMBS_LOCK = threading.Lock()


def gzip_bomb(mib):
    """A gzip body of about 130 KB that inflates to `mib` MiB of one chat completion whose content
    is "positive positive ...": valid JSON for a client that reads it all. One block is deflated
    once and repeated (a full flush makes each copy stand alone), so it takes milliseconds."""
    with BOMBS_LOCK:
        if mib not in BOMBS:
            block = ENDLESS_CHUNK * 16
            copies = max(1, ((mib << 20) - len(ANSWER_HEAD)) // len(block) + 1)
            def deflated(data, mode):
                compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
                return compressor.compress(data) + compressor.flush(mode)
            crc = zlib.crc32(ANSWER_HEAD)
            for _ in range(copies):
                crc = zlib.crc32(block, crc)
            crc = zlib.crc32(ANSWER_TAIL, crc)
            size = len(ANSWER_HEAD) + copies * len(block) + len(ANSWER_TAIL)
            BOMBS[mib] = b"".join([b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", deflated(ANSWER_HEAD, zlib.Z_FULL_FLUSH),
                                   deflated(block, zlib.Z_FULL_FLUSH) * copies, deflated(ANSWER_TAIL, zlib.Z_FINISH),
                                   struct.pack("<II", crc, size & 0xFFFFFFFF)])
        return BOMBS[mib]


def gold_index(datasets):
    """Sentence text -> (gold label word, label names of its config); the first dataset row wins."""
    gold = {}
    for dataset in datasets.values():
        for config in dataset.configs.values():
            for row in config.rows:
                text, label = row.get(config.text_field()), config.label_word(row)
                if isinstance(text, str) and label is not None and text not in gold:
                    gold[text] = (label, config.label_names())
    return gold


# ---------------------------------------------------------------- the model


def target_text(prompt):
    """The text after `TEXT: ` on the last prompt line that starts with it, or None."""
    lines = [line for line in prompt.splitlines() if line.startswith(TEXT_PREFIX)]
    if not lines:
        return None
    return lines[-1][len(TEXT_PREFIX):].removesuffix(CHAT_TEMPLATE[1])


def unit(digest, start):
    """Eight digest bytes as a number in [0, 1)."""
    return int.from_bytes(digest[start:start + 8], "big") / 2**64


class RateLimit:
    """A provider's request rate limit: a token bucket of `burst` tokens refilled at `per_s` a second;
    an inference request that finds it empty is refused with 429 and `Retry-After` (and, with
    "headers": true, OpenAI's x-ratelimit-* headers on every answer). Thread-safe."""

    def __init__(self, spec):
        self.per_s = float(spec["per_s"])
        self.burst = float(spec.get("burst", 1))
        self.retry_after = str(spec.get("retry_after", 1))
        self.headers = bool(spec.get("headers", False))
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.tokens = self.burst
            self.refilled = time.monotonic()
            self.refused = 0

    def take(self):
        """(allowed, headers for the answer)."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.per_s)
            self.refilled = now
            allowed = self.tokens >= 1.0
            if allowed:
                self.tokens -= 1.0
            else:
                self.refused += 1
            missing = max(0.0, 1.0 - self.tokens)
            headers = {}
            if self.headers:
                headers = {"x-ratelimit-limit-requests": str(int(self.per_s)),
                           "x-ratelimit-remaining-requests": str(int(self.tokens)),
                           "x-ratelimit-reset-requests": f"{int(missing / self.per_s * 1000)}ms"}
            return allowed, headers

    def refusal(self, headers):
        message = (f"Rate limit reached for requests per second (RPS): Limit {int(self.per_s)}, Used {int(self.per_s)}, "
                   f"Requested 1. Please try again in {self.retry_after}s.")
        return json_reply(429, {"error": {"message": message, "type": "requests", "param": None, "code": "rate_limit_exceeded"}},
                          {"Retry-After": self.retry_after, **headers})


class Model:
    """Decides each inference answer from the scenario's `model` section; thread-safe."""

    def __init__(self, spec, gold, shapes=None):
        self.spec = spec
        self.gold = gold
        self.shapes = shapes or {}
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.answered = 0
            self.script_pos = {}
            self.attempts = {}  # (text, seed) -> requests seen, for faults on first attempts only
            self.faults = {}    # kind -> count injected

    def fault(self, text, seed, digest):
        """The fault to inject for this attempt, if any: a chosen fraction of (text, seed) pairs fail
        their first `attempts` tries, so a client that retries gets every answer in the end."""
        spec = self.spec.get("faults")
        if not spec or unit(digest, 24) >= spec.get("rate", 0.0):
            return None
        key = (text, seed)
        tries = self.attempts.get(key, 0)
        self.attempts[key] = tries + 1
        if tries >= spec.get("attempts", 1):
            return None
        kinds = spec.get("kinds", sorted(FAULT_KINDS - {"shape"}))
        turn = sum(self.faults.values())
        kind = kinds[turn % len(kinds)]  # in turn, so that every kind occurs
        self.faults[kind] = self.faults.get(kind, 0) + 1
        if kind == "shape":  # the recorded shapes in turn too
            return "shape:" + spec["shapes"][(self.faults[kind] - 1) % len(spec["shapes"])]
        return kind

    def fault_reply(self, kind):
        spec = self.spec["faults"]
        if kind.startswith("shape:"):
            return shape_reply(self.shapes[kind.removeprefix("shape:")])
        if kind == "429":
            return json_reply(429, {"error": "Model is overloaded", "error_type": "overloaded"},
                              {"Retry-After": str(spec.get("retry_after", 1))})
        if kind == "ratelimit":
            return json_reply(429, {"error": "Rate limit reached"}, {"RateLimit": f'"api";r=0;t={spec.get("retry_after", 1)}'})
        if kind == "retry_ms":
            return json_reply(429, {"error": "Rate limit reached"}, {"retry-after-ms": str(int(1000 * float(spec.get("retry_after", 1))))})
        if kind == "503":
            return json_reply(503, {"error": "Model mistralai/Mixtral-8x7B-Instruct-v0.1 is currently loading",
                                    "estimated_time": spec.get("loading_s", 0.2)})
        if kind == "500":
            return text_reply(500, "Internal Server Error")
        if kind == "truncated":
            whole = json.dumps({"object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "positive"}}]})
            return Reply(200, whole[: len(whole) // 2].encode(), {"Content-Type": "application/json"})
        if kind == "gzip_bomb":
            return Reply(200, gzip_bomb(spec.get("bomb_mib", 128)), {"Content-Type": "application/json", "Content-Encoding": "gzip"})
        if kind == "endless":
            return Reply(0, action=kind, hang_s=spec.get("endless_s", 30.0))
        return Reply(0, action=kind, hang_s=spec.get("hang_s", 3.0))  # reset, hang, huge

    def respond(self, text, seed, prompt, faults=True):
        """The answer's content (str), or a Reply for an injected failure. Without `faults` (batch lines)
        the scenario's error, fail_rate and faults do not apply and the answer is not counted."""
        digest = hashlib.sha256(f"{text}|{seed}".encode("utf-8")).digest()
        error = self.spec.get("error")
        with self.lock:
            if faults:
                if error is not None and self.answered >= error.get("after", 0):
                    if "shape" in error:
                        return shape_reply(self.shapes[error["shape"]])
                    return payload_reply(error.get("status", 500), error.get("body", ""), error.get("headers"))
                if unit(digest, 16) < self.spec.get("fail_rate", 0.0):
                    return text_reply(500, "Internal Server Error")
                if (kind := self.fault(text, seed, digest)) is not None:
                    return self.fault_reply(kind)
                self.answered += 1
            if unit(hashlib.sha256(digest).digest(), 0) < self.spec.get("garble_rate", 0.0):
                return GARBLED_ANSWER  # a complete answer that holds no label: a no-vote
            return self.content(text, digest, prompt)

    def answer_shape(self, text, seed):
        """The recorded shape this (text, seed) is answered in, if the scenario names any."""
        names = self.spec.get("answer_shapes")
        if not names:
            return None
        digest = hashlib.sha256(f"shape|{text}|{seed}".encode("utf-8")).digest()
        return self.shapes[names[digest[0] % len(names)]]

    def content(self, text, digest, prompt):
        policy = self.spec.get("policy", "gold")
        if policy == "fixed":
            return self.spec.get("fixed", "neutral")
        script = self.spec.get("script", {})
        if policy == "script" and text in script:
            position = self.script_pos.get(text, 0)
            self.script_pos[text] = position + 1
            return script[text][position % len(script[text])]
        return self.render(self.gold_answer(text, digest), digest, prompt)

    def gold_answer(self, text, digest):
        label, names = self.gold.get(text, ("neutral", DEFAULT_LABELS))
        if unit(digest, 0) < self.spec.get("flip_rate", 0.0):
            others = [n for n in names if n != label]
            return others[digest[8] % len(others)]
        return label

    def render(self, label, digest, prompt):
        style = self.spec.get("style", "auto")
        if style == "auto":
            style = "cot" if re.search(r"\bJSON\b", prompt) else "simple"
        if style == "simple":
            return SIMPLE_VARIANTS[digest[9] % len(SIMPLE_VARIANTS)].format(l=label, L=label.capitalize())
        answer = json.dumps({"reason": COT_REASON, "label": label})
        return COT_VARIANTS[digest[10] % len(COT_VARIANTS)].format(j=answer)


# ---------------------------------------------------------------- inference requests


@dataclass
class InferenceRequest:
    prompt: str
    model: str | None
    temperature: float | None
    top_p: float | None
    max_tokens: int | None
    seed: int | None
    use_cache: bool | None = None
    do_sample: bool | None = None
    return_full_text: bool | None = None

    @property
    def text(self):
        return target_text(self.prompt)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def parse_json_object(body, error):
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Abort(error(f"request body is not valid JSON: {exc}"))
    if not isinstance(obj, dict):
        raise Abort(error("request body must be a JSON object"))
    return obj


def parse_chat(body):
    obj = parse_json_object(body, chat_error)
    if not isinstance(obj.get("model"), str):
        raise Abort(chat_error("`model` must be a string", "model"))
    messages = obj.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise Abort(chat_error("`messages` must be a non-empty list of objects", "messages"))
    user = [m["content"] for m in messages if m.get("role") == "user" and isinstance(m.get("content"), str)]
    if not user:
        raise Abort(chat_error("`messages` must hold a user message with string content", "messages"))
    for name, valid in (("temperature", is_number), ("top_p", is_number), ("max_tokens", is_int), ("seed", is_int)):
        if not valid(obj.get(name)):
            kind = "a number" if valid is is_number else "an integer"
            raise Abort(chat_error(f"`{name}` must be {kind}", name))
    return InferenceRequest(user[-1], obj["model"], obj["temperature"], obj["top_p"], obj["max_tokens"], obj["seed"])


def parse_generate(body, model, headers):
    obj = parse_json_object(body, tgi_error)
    inputs = obj.get("inputs")
    if not isinstance(inputs, str) or not (inputs.startswith(CHAT_TEMPLATE[0]) and inputs.endswith(CHAT_TEMPLATE[1])):
        raise Abort(tgi_error("`inputs` must be a string in the form `<s>[INST] ... [/INST]`"))
    params = obj.get("parameters", {})
    options = obj.get("options", {})
    if not isinstance(params, dict) or not isinstance(options, dict):
        raise Abort(tgi_error("`parameters` and `options` must be objects"))
    check_generation_parameters(params)
    use_cache = options.get("use_cache")
    if "x-use-cache" in headers:
        use_cache = headers["x-use-cache"].lower() != "false"
    return InferenceRequest(inputs, model, params.get("temperature"), params.get("top_p"),
                            params.get("max_new_tokens"), params.get("seed"), use_cache,
                            params.get("do_sample"), params.get("return_full_text"))


def check_generation_parameters(params):
    """TGI's own checks, with its messages."""
    temperature, top_p = params.get("temperature"), params.get("top_p")
    if temperature is not None and not (is_number(temperature) and temperature > 0):
        raise Abort(tgi_error("`temperature` must be strictly positive"))
    if top_p is not None and not (is_number(top_p) and 0 < top_p < 1):
        raise Abort(tgi_error("`top_p` must be > 0.0 and < 1.0"))
    for name in ("max_new_tokens", "seed"):
        if params.get(name) is not None and not (is_int(params[name]) and params[name] >= 0):
            raise Abort(tgi_error(f"`{name}` must be a non-negative integer"))


def chat_response(request, content):
    prompt_tokens = max(1, len(request.prompt) // 4)
    completion_tokens = max(1, len(content) // 4)
    return {
        "object": "chat.completion", "id": "", "created": int(time.time()), "model": request.model,
        "system_fingerprint": "3.2.1-native",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def inference_entry(path, request, authorized, status):
    fields = {"text": None, "seed": None, "model": None, "temperature": None, "top_p": None,
              "max_tokens": None, "use_cache": None, "do_sample": None, "return_full_text": None}
    if request is not None:
        fields.update({name: getattr(request, name) for name in fields})
    return {"path": path, **fields, "authorized": authorized, "status": status}


def chat_completion_reply(request, content):
    return json_reply(200, chat_response(request, content))


def infer_reply(model, parse, answer, rate_limit=None, faults=True, wait=True, auth=""):
    """(request or None, Reply): `parse()` the request, then ask `model` (None: parse only) and wrap its
    answer with `answer(request, content)`. The live routes and the batch engines all answer through
    here, so that a batch line is answered as the live route answers the same body. `faults`: the
    model's injected failures (error, fail_rate, faults) and the rate limit apply; `wait`: its latency."""
    try:
        request = parse()
    except Abort as abort:
        return None, abort.reply
    if model is None:
        return request, None
    limit_headers = {}
    if rate_limit is not None and faults:
        allowed, limit_headers = rate_limit.take()
        if not allowed:
            return request, rate_limit.refusal(limit_headers)
    latency_ms = model.spec.get("latency_ms", 0)
    if latency_ms and wait:
        time.sleep(latency_ms / 1000)  # the model's generation time
    outcome = model.respond(request.text, request.seed, request.prompt, faults)
    if isinstance(outcome, Reply):
        reply = echo_auth(auth, outcome)
    elif shape := model.answer_shape(request.text, request.seed):
        reply = shape_reply(shape, outcome)  # the answer in a real server's shape
    else:
        reply = answer(request, outcome)
    reply.headers.update(limit_headers)
    return request, reply


def chat_answer(model, body, rate_limit=None, faults=True, wait=True, auth=""):
    """(request or None, Reply): what POST .../chat/completions answers to the request body `body`
    (bytes). The live route, the Batch API's lines and fake_vllm_run_batch.py all answer through it."""
    return infer_reply(model, lambda: parse_chat(body), chat_completion_reply, rate_limit, faults, wait, auth)


def echo_auth(auth, reply):
    """Puts the request's Authorization header where a scenario body says {auth}: servers that
    echo credentials in error messages exist, and synthgen must not repeat them."""
    if b"{auth}" not in reply.body:
        return reply
    echoed = reply.body.replace(b"{auth}", auth.encode())
    return Reply(reply.status, echoed, reply.headers, reply.action, reply.hang_s)


# ---------------------------------------------------------------- the Files and Batches API
# Shapes: docs/wire-formats.md §6 (openai-openapi BatchRequestInput/Output), openai-python
# types/batch.py (Batch, BatchError, BatchRequestCounts) and types/file_object.py (FileObject).


def openai_error(status, message, param=None, code=None, error_type="invalid_request_error", headers=None):
    """OpenAI's error body: {"error": {"message", "type", "param", "code"}}."""
    return json_reply(status, {"error": {"message": message, "type": error_type, "param": param, "code": code}}, headers)


def openai_unauthorized(authorization):
    """OpenAI's 401s: no key, or a wrong one (the key is shown cut, as OpenAI does)."""
    if not authorization:
        return openai_error(401, "You didn't provide an API key. You need to provide your API key in an Authorization "
                                 "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
    key = authorization.removeprefix("Bearer ")
    return openai_error(401, f"Incorrect API key provided: {key[:3]}***{key[-4:]}. You can find your API key at "
                             "https://platform.openai.com/account/api-keys.", code="invalid_api_key")


def parse_multipart(content_type, body):
    """name -> (filename or None, bytes) of a multipart/form-data body (RFC 7578), parsed by hand so
    that the file's bytes come out exactly as sent; the part headers are read with `email`."""
    boundary = email.message.Message()
    boundary["Content-Type"] = content_type or ""
    if boundary.get_content_type() != "multipart/form-data" or not boundary.get_param("boundary"):
        raise Abort(openai_error(400, "The request must be multipart/form-data with a boundary."))
    delimiter = b"\r\n--" + boundary.get_param("boundary").encode("latin-1")
    fields = {}
    for segment in (b"\r\n" + body).split(delimiter)[1:]:
        if segment.startswith(b"--"):
            break  # the closing delimiter
        head, separator, content = segment.partition(b"\r\n\r\n")
        if not separator:
            raise Abort(openai_error(400, "A multipart part has no header end."))
        part = email.parser.BytesHeaderParser().parsebytes(head.lstrip(b"\r\n") + b"\r\n\r\n")
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = (part.get_filename(), content)
    return fields


def stable_hex(*parts, length=24):
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:length]


@dataclass
class Batch:
    obj: dict  # the batch object as GET /batches/{id} serves it
    lines: list  # the input lines, parsed
    steps: list  # the statuses it goes through, from validating to its end
    step: int = 0  # where it is in `steps`
    polls_here: int = 0  # GETs served at the current status
    ran: bool = False  # reached in_progress: some lines were answered before an expiry or cancel


class BatchApi:
    """OpenAI's Files and Batches API, on the scenario's `batch_api` section; thread-safe.

    A batch's status moves one step each `polls_per_step` GETs of it: validating, in_progress,
    finalizing, then the outcome; POST .../cancel makes it cancelling, and cancelled the next step.
    When it ends, each input line is answered by chat_answer() as the live route answers its body,
    without the live route's injected failures unless `live_faults`."""

    def __init__(self, spec, model, rate_limit, stats):
        self.spec = spec
        self.model = model
        self.rate_limit = rate_limit
        self.stats = stats
        self.lock = threading.RLock()  # a batch that ends writes its files under it
        self.files = {}  # id -> (file object, content bytes)
        self.batches = {}  # id -> Batch

    # -- files

    def upload(self, content_type, body):
        fields = parse_multipart(content_type, body)
        purpose = fields.get("purpose", (None, b""))[1].decode("utf-8", "replace")
        if "purpose" not in fields:
            return openai_error(400, "Missing required parameter: 'purpose'.", "purpose")
        if purpose != "batch":
            return openai_error(400, f"'{purpose}' is not one of ['assistants', 'batch', 'fine-tune', 'vision', "
                                     "'user_data', 'evals'] - 'purpose'", "purpose")
        if "file" not in fields or fields["file"][0] is None:
            return openai_error(400, "Missing required parameter: 'file'.", "file")
        filename, content = fields["file"]
        if len(content) > self.spec.get("max_file_bytes", BATCH_MAX_FILE_BYTES):
            # The real message, as bespokelabsai/curator#111 quotes OpenAI's 400 for a file over 200 MB.
            return openai_error(400, "File is too large.")
        file = self.add_file(filename, "batch", content)
        self.stats.count_batch("files_uploaded")
        return json_reply(200, file)

    def add_file(self, filename, purpose, content):
        with self.lock:
            file_id = f"file-{secrets.token_hex(12)}"
            file = {"id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
                    "filename": filename, "purpose": purpose, "status": "processed", "status_details": None}
            self.files[file_id] = (file, content)
        return file

    def file_object(self, file_id):
        with self.lock:
            entry = self.files.get(file_id)
        return json_reply(200, entry[0]) if entry else no_such_file(file_id)

    def file_content(self, file_id):
        with self.lock:
            entry = self.files.get(file_id)
        if entry is None:
            return no_such_file(file_id)
        self.stats.count_batch("file_downloads")
        return Reply(200, entry[1], {"Content-Type": "application/octet-stream"})

    # -- batches

    def create(self, body):
        request = parse_json_object(body, lambda message: openai_error(400, message))
        file_id = request.get("input_file_id")
        if not isinstance(file_id, str):
            return openai_error(400, "Missing required parameter: 'input_file_id'.", "input_file_id")
        if request.get("endpoint") != BATCH_ENDPOINT:
            return openai_error(400, f"Invalid value: '{request.get('endpoint')}'. This fake supports only "
                                     f"'{BATCH_ENDPOINT}'.", "endpoint", "invalid_value")
        if request.get("completion_window") != BATCH_WINDOW:
            return openai_error(400, f"Invalid value: '{request.get('completion_window')}'. Supported values are: "
                                     f"'{BATCH_WINDOW}'.", "completion_window", "invalid_value")
        metadata = request.get("metadata")
        if metadata is not None and not valid_metadata(metadata):
            return openai_error(400, "metadata: up to 16 pairs of string keys (at most 64 characters) and string "
                                     "values (at most 512 characters).", "metadata")
        with self.lock:
            entry = self.files.get(file_id)
        if entry is None:
            return no_such_file(file_id)
        if entry[0]["purpose"] != "batch":
            return openai_error(400, f"File {file_id} has purpose '{entry[0]['purpose']}', not 'batch'.", "input_file_id")
        lines, errors = validate_batch_lines(entry[1])
        now = int(time.time())
        batch_id = f"batch_{secrets.token_hex(12)}"
        obj = {"id": batch_id, "object": "batch", "endpoint": BATCH_ENDPOINT, "errors": None,
               "input_file_id": file_id, "completion_window": BATCH_WINDOW, "status": "validating",
               "output_file_id": None, "error_file_id": None, "created_at": now, "in_progress_at": None,
               "expires_at": now + 86400, "finalizing_at": None, "completed_at": None, "failed_at": None,
               "expired_at": None, "cancelling_at": None, "cancelled_at": None,
               "request_counts": {"total": 0, "completed": 0, "failed": 0}, "metadata": metadata}
        outcome = self.spec.get("outcome", "completed")
        if errors or outcome == "failed":
            obj["errors"] = {"object": "list", "data": errors or self.failed_errors()}
            steps = ["validating", "failed"]
        elif outcome == "cancelled":  # cancelled by someone else while in progress
            steps = ["validating", "in_progress", "cancelling", "cancelled"]
        else:
            steps = BATCH_STEPS + [outcome]
        with self.lock:
            self.batches[batch_id] = Batch(obj, lines, steps)
        self.stats.count_batch("batches_created")
        return json_reply(200, obj)

    def failed_errors(self):
        errors = self.spec.get("failed_errors") or [
            {"code": "invalid_request", "line": 1, "message": "The batch was rejected (batch_api.outcome: failed)."}]
        return [{"code": None, "line": None, "message": "", "param": None, **error} for error in errors]

    def poll(self, batch_id):
        """GET /batches/{id}: one more poll; the status moves on every polls_per_step of them."""
        self.stats.count_batch("batch_polls")
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return no_such_batch(batch_id)
            if batch.step < len(batch.steps) - 1:
                batch.polls_here += 1
                if batch.polls_here >= self.spec.get("polls_per_step", 1):
                    self.enter(batch, batch.step + 1)
            return json_reply(200, batch.obj)

    def cancel(self, batch_id):
        with self.lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return no_such_batch(batch_id)
            status = batch.obj["status"]
            if status not in ("validating", "in_progress", "finalizing"):
                return openai_error(409, f"Cannot cancel a batch with status '{status}'.")  # the fake's wording
            batch.steps = batch.steps[:batch.step + 1] + ["cancelling", "cancelled"]
            self.enter(batch, batch.step + 1)
            return json_reply(200, batch.obj)

    def listing(self):
        with self.lock:
            data = [b.obj for b in reversed(self.batches.values())]  # newest first, as OpenAI lists
            body = {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None, "has_more": False}
            return json_reply(200, body)

    def enter(self, batch, step):
        """Moves `batch` to `step` (the lock is held), stamping the time and, at its end, its results."""
        batch.step, batch.polls_here = step, 0
        status = batch.steps[step]
        obj, now = batch.obj, int(time.time())
        obj["status"] = status
        obj[f"{status}_at"] = now
        if status == "in_progress":
            batch.ran = True
            obj["request_counts"]["total"] = len(batch.lines)
        if status in ("completed", "expired", "cancelled"):
            self.finish(batch, status)

    def finish(self, batch, status):
        """Answers the lines and writes the output and error files."""
        spec, obj = self.spec, batch.obj
        finished = 1.0 if status == "completed" else spec.get("finished_share", 0.5) if batch.ran else 0.0
        unfinished = {"expired": ("batch_expired", "This request could not be executed before the completion window expired."),
                      "cancelled": ("batch_cancelled", "This request was not executed because the batch was cancelled.")}
        outputs, errors = [], []
        for line in batch.lines:
            custom_id = line["custom_id"]
            digest = hashlib.sha256(f"batch|{custom_id}".encode("utf-8")).digest()
            record_id = f"batch_req_{stable_hex(obj['id'], custom_id, length=32)}"
            request_id = stable_hex("request", obj["id"], custom_id, length=32)
            if unit(digest, 0) >= finished:
                code, message = unfinished[status]
                errors.append({"id": record_id, "custom_id": custom_id, "response": None,
                               "error": {"code": code, "message": message}})
                continue
            if unit(digest, 8) < spec.get("error_lines", 0.0) or spec.get("output_file_missing", False):
                status_code, body = injected_line_error(digest, spec.get("output_file_missing", False))
            else:
                status_code, body = self.answer(line["body"])
            record = {"id": record_id, "custom_id": custom_id,
                      "response": {"status_code": status_code, "request_id": request_id, "body": body}, "error": None}
            if status_code != 200:
                record["response"]["status_code"] = 0 if spec.get("status_zero", False) else status_code
            (outputs if status_code == 200 else errors).append(record)
        seed = stable_hex(obj["id"], len(batch.lines))
        if outputs:
            obj["output_file_id"] = self.add_file(f"{obj['id']}_output.jsonl", "batch_output",
                                                  jsonl(self.ordered(outputs, seed)))["id"]
        if errors:
            obj["error_file_id"] = self.add_file(f"{obj['id']}_error.jsonl", "batch_output",
                                                 jsonl(self.ordered(errors, seed)))["id"]
        obj["request_counts"] = {"total": len(batch.lines), "completed": len(outputs), "failed": len(errors)}

    def answer(self, body):
        """(status_code, body) of one line: what the live route answers to the same request body."""
        live = self.spec.get("live_faults", False)
        _, reply = chat_answer(self.model, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                               self.rate_limit if live else None, faults=live, wait=False)
        self.stats.count_batch("batch_lines_answered")
        if reply.action is not None:  # a network fault has no place in a file: the server's error instead
            return 500, {"error": {"message": "The server had an error while processing your request.",
                                   "type": "server_error", "param": None, "code": None}}
        try:
            return reply.status, json.loads(reply.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return reply.status, reply.body.decode("utf-8", "replace")

    def ordered(self, records, seed):
        """The records in a seeded shuffled order (never the input order), or as they are without `shuffle`."""
        if not self.spec.get("shuffle", True) or len(records) < 2:
            return records
        shuffled = list(records)
        random.Random(seed).shuffle(shuffled)
        return shuffled if shuffled != records else shuffled[1:] + shuffled[:1]


def injected_line_error(digest, server_side):
    """A per-request HTTP error for batch_api.error_lines (400 or 500 by hash) or output_file_missing (500)."""
    if not server_side and digest[16] % 2 == 0:
        return 400, {"error": {"message": "Invalid 'messages': the request could not be processed (batch_api.error_lines).",
                               "type": "invalid_request_error", "param": "messages", "code": None}}
    return 500, {"error": {"message": "The server had an error while processing your request. Sorry about that!",
                           "type": "server_error", "param": None, "code": None}}


def jsonl(records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def valid_metadata(metadata):
    return (isinstance(metadata, dict) and len(metadata) <= 16
            and all(isinstance(k, str) and len(k) <= 64 and isinstance(v, str) and len(v) <= 512 for k, v in metadata.items()))


def no_such_file(file_id):
    return openai_error(404, f"No such File object: {file_id}", "id")


def no_such_batch(batch_id):
    return openai_error(404, f"No batch found with id '{batch_id}'.", "batch_id")


def validate_batch_lines(content):
    """(lines, errors): the input file's request lines and OpenAI's validation errors, each naming
    its line (1-based). Codes as OpenAI documents them (invalid_json_line, duplicate_custom_id,
    url_mismatch, model_mismatch, empty_file; the message of invalid_json_line is a real one, quoted in
    stdapi-ai/stdapi.ai#240); the other messages are written here, not copied from a real answer."""
    lines, errors, seen, model = [], [], set(), None
    def error(code, number, message, param=None):
        errors.append({"code": code, "line": number, "message": message, "param": param})
    for number, raw in enumerate(content.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            line = None
        if not isinstance(line, dict):
            error("invalid_json_line", number, "This line is not parseable as valid JSON.")
            continue
        missing = [name for name in ("custom_id", "method", "url", "body") if name not in line]
        if missing:
            error("missing_required_parameter", number, f"Missing required parameter: '{missing[0]}'.", missing[0])
            continue
        custom_id, body = line["custom_id"], line["body"]
        if not isinstance(custom_id, str) or not custom_id:
            error("invalid_value", number, "'custom_id' must be a non-empty string.", "custom_id")
        elif custom_id in seen:
            error("duplicate_custom_id", number, "The custom_id for this request is a duplicate of another request. "
                  "The custom_id parameter must be unique for each request in a batch.", "custom_id")
        elif line["method"] != "POST":
            error("invalid_value", number, f"Invalid value: '{line['method']}'. Only 'POST' is supported.", "method")
        elif line["url"] != BATCH_ENDPOINT:
            error("url_mismatch", number, f"The url '{line['url']}' does not match the batch's endpoint '{BATCH_ENDPOINT}'.", "url")
        elif not isinstance(body, dict):
            error("invalid_value", number, "'body' must be an object.", "body")
        elif model is not None and body.get("model") != model:
            error("model_mismatch", number, f"The model '{body.get('model')}' differs from the batch's model '{model}': "
                  "a batch holds one model.", "body.model")
        else:
            seen.add(custom_id)
            model = body.get("model") if model is None else model
            lines.append(line)
    if not lines and not errors:
        error("empty_file", None, "The batch input file is empty.")
    return lines, errors


# ---------------------------------------------------------------- stats


class Stats:
    """Per-run request counters and the inference log; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.requests = dict.fromkeys(CATEGORIES, 0)
            self.auth_failures = 0
            self.inference = []
            self.batch = dict.fromkeys(BATCH_COUNTERS, 0)

    def count(self, category, authorized):
        with self.lock:
            self.requests[category] += 1
            self.auth_failures += 0 if authorized else 1

    def count_batch(self, counter):
        with self.lock:
            self.batch[counter] += 1

    def log_inference(self, entry):
        with self.lock:
            self.inference.append(entry)

    def counts(self):
        with self.lock:
            return dict(self.requests)

    def snapshot(self):
        with self.lock:
            return {"requests": dict(self.requests), "auth_failures": self.auth_failures,
                    "inference": list(self.inference), "batch": dict(self.batch)}


# ---------------------------------------------------------------- the Hub's repo and commit API


HUB_COUNTERS = ("creates", "preuploads", "commits", "lfs_batches", "lfs_puts", "lfs_puts_with_authorization", "lfs_verifies")


def lfs_signature(oid):
    """The storage's signed header for an object's upload (what a presigned URL's query is to S3)."""
    return stable_hex("lfs-put", oid)


class HubRepos:
    """The Hub's dataset repos as huggingface_hub's HfApi sees them (docs/wire-formats.md §9; hf_api.py
    create_repo, _commit_api.py _fetch_upload_modes and create_commit): POST /api/repos/create,
    POST /api/datasets/{repo}/preupload/{rev}, POST /api/datasets/{repo}/commit/{rev} (NDJSON), and the
    committed files served back by GET /datasets/{repo}/resolve/{rev}/{path}. Git LFS as lfs.py
    post_lfs_batch_info and lfs_upload use it: POST /datasets/{repo}.git/info/lfs/objects/batch answers
    an upload action (a PUT to /_lfs_storage/{oid}, signed in its query as S3's presigned URLs are,
    and by a header: a PUT that also carries an Authorization header is refused with 400, as S3 does) and a
    verify action, or no actions for an object it holds. The repos and LFS objects live as long as
    the server (a second run finds the first's: 409, and its objects). The scenario's "hub" section
    (all optional):
      token             the only token the Hub routes take (default: the scenario's "token"); 401 otherwise,
                        and always without an Authorization header
      forbidden_owners  owners the token may not write to: 403 on create, preupload and commit
      existing          repo ids that exist from the start (create answers 409)
      lfs_over_bytes    preupload answers "lfs" for a file larger than this (default 10 MiB)
      lfs_paths         paths preupload always answers "lfs" for
      lfs_object_error  {"code", "message"}: the batch answers this error for every object
      lfs_batch_error   {"status", "message"}: the batch request itself is refused with this status and the
                        Git LFS API's error body ({"message", "documentation_url", "request_id"}, as the
                        git-lfs batch API spec, docs/api/batch.md, gives it), after its media type is checked
      lfs_put_status    storage answers PUTs with this status (an S3 error document)...
      lfs_put_failures  ...the first this many (default: every PUT)
      max_commit_bytes  a commit body larger than this is refused with 413
    A commit is checked: Content-Type application/x-ndjson, a header line first with a string summary,
    then "file" lines whose content decodes as base64 and "lfsFile" lines (algo sha256, the oid and size
    of an uploaded object), each with a relative path. /_fake/stats has "hub": {"creates", "preuploads",
    "commits", "lfs_batches", "lfs_puts", "lfs_puts_with_authorization", "lfs_verifies", "repos": {id:
    {"private", "revisions": {rev: {path: text}}}}}."""

    def __init__(self, spec, default_token):
        self.spec = spec
        self.token = spec.get("token", default_token)
        self.lock = threading.Lock()
        self.repos = {repo: {"private": False, "revisions": {"main": {}}} for repo in spec.get("existing", [])}
        self.counts = dict.fromkeys(HUB_COUNTERS, 0)
        self.objects = {}  # oid -> bytes: the LFS storage
        self.puts_seen = 0  # over the server's life, for lfs_put_failures

    def authorized(self, authorization):
        if not authorization.startswith("Bearer "):
            return False
        return self.token is None or authorization == f"Bearer {self.token}"

    def check_write(self, repo):
        owner = repo.split("/")[0]
        if owner in self.spec.get("forbidden_owners", []):
            raise Abort(json_reply(403, {"error": f"You don't have the rights to create a dataset under the namespace \"{owner}\""}))

    def create(self, body):
        request = parse_json_object(body, lambda m: json_reply(400, {"error": m}))
        name, owner = request.get("name"), request.get("organization")
        if request.get("type") != "dataset" or not isinstance(name, str) or not isinstance(owner, str):
            raise Abort(json_reply(400, {"error": "type must be dataset, name and organization strings"}))
        if not re.fullmatch(REPO_PART, name) or not re.fullmatch(REPO_PART, owner):
            raise Abort(json_reply(400, {"error": f"Invalid repo name {owner}/{name}"}))
        private = request.get("visibility") == "private" or request.get("private") is True
        repo = f"{owner}/{name}"
        self.check_write(repo)
        with self.lock:
            self.counts["creates"] += 1
            if repo in self.repos:
                return json_reply(409, {"error": "You already created this dataset repo", "url": f"/datasets/{repo}"})
            self.repos[repo] = {"private": private, "revisions": {"main": {}}}
        return json_reply(200, {"url": f"/datasets/{repo}", "name": repo, "id": stable_hex(repo)})

    def revision_files(self, repo, revision):
        self.check_write(repo)
        with self.lock:
            entry = self.repos.get(repo)
            if entry is None:
                raise Abort(api_error(404, "Repository not found", "RepoNotFound"))
            if revision not in entry["revisions"]:
                raise Abort(api_error(404, f"Invalid rev id: {revision}", "RevisionNotFound"))
            return entry["revisions"][revision]

    def preupload(self, repo, revision, body):
        self.revision_files(repo, revision)
        request = parse_json_object(body, lambda m: json_reply(400, {"error": m}))
        files = request.get("files")
        if not isinstance(files, list) or not files:
            raise Abort(json_reply(400, {"error": "files must be a non-empty list"}))
        answer = []
        threshold = self.spec.get("lfs_over_bytes", 10 * 1024 * 1024)
        for file in files:
            if not isinstance(file, dict) or not isinstance(file.get("path"), str) or not is_int(file.get("size")):
                raise Abort(json_reply(400, {"error": "each file needs path (string), size (int) and sample (base64)"}))
            try:
                sample = base64.b64decode(file.get("sample", ""), validate=True)
            except (ValueError, TypeError):
                raise Abort(json_reply(400, {"error": f"sample of {file['path']} is not base64"}))
            if len(sample) > 512 or len(sample) > file["size"]:
                raise Abort(json_reply(400, {"error": f"sample of {file['path']} is longer than 512 bytes or the file"}))
            lfs = file["size"] > threshold or file["path"] in self.spec.get("lfs_paths", [])
            mode = "lfs" if lfs else "regular"
            answer.append({"path": file["path"], "uploadMode": mode, "shouldIgnore": False})
        with self.lock:
            self.counts["preuploads"] += 1
        return json_reply(200, {"files": answer, "commitOid": stable_hex(repo, revision, length=40)})

    def commit(self, repo, revision, content_type, body):
        files = self.revision_files(repo, revision)
        if (content_type or "").split(";")[0].strip() != "application/x-ndjson":
            raise Abort(json_reply(400, {"error": f"Content-Type must be application/x-ndjson, got {content_type!r}"}))
        limit = self.spec.get("max_commit_bytes")
        if limit is not None and len(body) > limit:
            raise Abort(json_reply(413, {"error": "Payload Too Large"}))
        with self.lock:
            objects = dict(self.objects)
        added = validate_commit_lines(body, objects)
        with self.lock:
            self.counts["commits"] += 1
            files.update(added)
        oid = stable_hex(repo, revision, str(self.counts["commits"]), length=40)
        return json_reply(200, {"success": True, "commitOid": oid, "commitUrl": f"/datasets/{repo}/commit/{oid}"})

    def lfs_batch(self, repo, headers, body, base):
        """lfs.py post_lfs_batch_info: checks the media type and the payload, answers each object."""
        for name in ("Accept", "Content-Type"):
            if (headers.get(name) or "").split(";")[0].strip() != LFS_MEDIA_TYPE:
                raise Abort(json_reply(406 if name == "Accept" else 415, {"message": f"{name} must be {LFS_MEDIA_TYPE}"}))
        if "lfs_batch_error" in self.spec:
            with self.lock:
                self.counts["lfs_batches"] += 1
            error = self.spec["lfs_batch_error"]
            raise Abort(Reply(error["status"], json.dumps({"message": error["message"], "documentation_url": "https://huggingface.co/docs/hub",
                                                           "request_id": "fake-lfs-0001"}).encode(), {"Content-Type": LFS_MEDIA_TYPE}))
        request = parse_json_object(body, lambda m: json_reply(422, {"message": m}))
        objects = request.get("objects")
        ref = request.get("ref")
        if (request.get("operation") != "upload" or request.get("hash_algo") != "sha256"
                or "basic" not in (request.get("transfers") or []) or not isinstance(objects, list) or not objects
                or not isinstance(ref, dict) or not isinstance(ref.get("name"), str)):
            raise Abort(json_reply(422, {"message": "operation upload, hash_algo sha256, transfers with basic, objects and ref.name"}))
        self.revision_files(repo, ref["name"])
        answer = []
        for obj in objects:
            if (not isinstance(obj, dict) or not isinstance(obj.get("oid"), str) or not re.fullmatch("[0-9a-f]{64}", obj["oid"])
                    or not is_int(obj.get("size")) or obj["size"] < 0):
                raise Abort(json_reply(422, {"message": "each object needs oid (64 hex digits) and size"}))
            oid, size = obj["oid"], obj["size"]
            error = self.spec.get("lfs_object_error")
            with self.lock:
                present = oid in self.objects
            if error is not None:
                answer.append({"oid": oid, "size": size, "error": error})
            elif present:
                answer.append({"oid": oid, "size": size})
            else:
                answer.append({"oid": oid, "size": size, "authenticated": True, "actions": {
                    "upload": {"href": f"{base}/_lfs_storage/{oid}?size={size}&X-Amz-Signature={lfs_signature(oid)}",
                               "header": {"X-Fake-Signature": lfs_signature(oid)}},
                    "verify": {"href": f"{base}/datasets/{repo}.git/info/lfs/objects/verify"}}})
        with self.lock:
            self.counts["lfs_batches"] += 1
        return json_reply(200, {"transfer": "basic", "objects": answer, "hash_algo": "sha256"}, {"Content-Type": LFS_MEDIA_TYPE})

    def lfs_put(self, oid, query, headers, body):
        """lfs.py _upload_single_part: the object's bytes, to storage, without the Hub's token."""
        with self.lock:
            self.counts["lfs_puts"] += 1
            self.puts_seen += 1
            failing = "lfs_put_status" in self.spec and self.puts_seen <= self.spec.get("lfs_put_failures", self.puts_seen)
            if headers.get("Authorization") is not None:
                self.counts["lfs_puts_with_authorization"] += 1
        if headers.get("Authorization") is not None:
            raise Abort(text_reply(400, "InvalidArgument: Only one auth mechanism allowed; only the X-Fake-Signature header "
                                        "should be specified"))
        if failing:
            raise Abort(Reply(self.spec["lfs_put_status"], b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>"
                              b"<Message>We encountered an internal error. Please try again.</Message></Error>",
                              {"Content-Type": "application/xml"}))
        if headers.get("X-Fake-Signature") != lfs_signature(oid) or query.get("X-Amz-Signature") != lfs_signature(oid):
            raise Abort(text_reply(403, "SignatureDoesNotMatch"))
        if str(len(body)) != query.get("size") or hashlib.sha256(body).hexdigest() != oid:
            raise Abort(text_reply(400, f"BadDigest: {len(body)} bytes whose sha256 is not {oid}"))
        with self.lock:
            self.objects[oid] = body
        return Reply(200, b"", {"ETag": f'"{hashlib.md5(body).hexdigest()}"'})

    def lfs_verify(self, repo, body):
        """lfs.py lfs_upload step 3: {"oid", "size"} of an object that must be in storage."""
        self.check_write(repo)
        with self.lock:
            if repo not in self.repos:
                raise Abort(api_error(404, "Repository not found", "RepoNotFound"))
        request = parse_json_object(body, lambda m: json_reply(422, {"message": m}))
        oid, size = request.get("oid"), request.get("size")
        with self.lock:
            stored = self.objects.get(oid)
            self.counts["lfs_verifies"] += 1
        if stored is None or len(stored) != size:
            raise Abort(json_reply(404, {"message": f"object {oid} of {size} bytes is not in storage"}))
        return json_reply(200, {"message": "Everything good"})

    def file(self, repo, revision, path):
        with self.lock:
            return self.repos.get(repo, {}).get("revisions", {}).get(revision, {}).get(path)

    def snapshot(self):
        with self.lock:
            repos = {repo: {"private": e["private"],
                            "revisions": {rev: {p: d.decode("utf-8", "replace") for p, d in files.items()}
                                          for rev, files in e["revisions"].items()}}
                     for repo, e in self.repos.items()}
            return {**self.counts, "repos": repos}

    def reset_counts(self):
        with self.lock:
            self.counts = dict.fromkeys(self.counts, 0)


def validate_commit_lines(body, objects):
    """The files of an NDJSON commit body ({path: bytes}), an lfsFile's from `objects` (oid -> bytes,
    the LFS storage); Abort(400) naming the first fault."""
    def fault(number, message):
        return Abort(json_reply(400, {"error": f"line {number}: {message}"}))
    lines = [line for line in body.split(b"\n") if line.strip()]
    added = {}
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except ValueError:
            raise fault(number, "not JSON")
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise fault(number, "not {key, value}")
        key, value = item.get("key"), item["value"]
        if (number == 1) != (key == "header"):
            raise fault(number, "the header must be the first line, and only it")
        if key == "header":
            if not isinstance(value.get("summary"), str) or not value["summary"].strip():
                raise fault(number, "the header needs a summary")
            continue
        path = value.get("path")
        if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
            raise fault(number, f"bad path {path!r}")
        if key == "file":
            if value.get("encoding") != "base64":
                raise fault(number, "encoding must be base64")
            try:
                added[path] = base64.b64decode(value.get("content", ""), validate=True)
            except (ValueError, TypeError):
                raise fault(number, f"content of {path} is not base64")
        elif key == "lfsFile":
            stored = objects.get(value.get("oid"))
            if value.get("algo") != "sha256" or stored is None or len(stored) != value.get("size"):
                raise fault(number, f"no LFS object was uploaded for {path} (algo sha256, oid and size of an uploaded object)")
            added[path] = stored
        else:
            raise fault(number, f"unknown key {key!r}")
    if not added:
        raise fault(1, "no file in the commit")
    return added


# ---------------------------------------------------------------- HTTP


ROUTES = [  # (methods, path pattern, category, handler method)
    ({"POST"}, r"/api/repos/create", "hub", "on_hub_create"),
    ({"POST"}, rf"/api/datasets/(?P<repo>{REPO_PART}/{REPO_PART})/preupload/(?P<revision>.+)", "hub", "on_hub_preupload"),
    ({"POST"}, rf"/api/datasets/(?P<repo>{REPO_PART}/{REPO_PART})/commit/(?P<revision>.+)", "hub", "on_hub_commit"),
    ({"POST"}, rf"/datasets/(?P<repo>{REPO_PART}/{REPO_PART})\.git/info/lfs/objects/batch", "hub", "on_lfs_batch"),
    ({"POST"}, rf"/datasets/(?P<repo>{REPO_PART}/{REPO_PART})\.git/info/lfs/objects/verify", "hub", "on_lfs_verify"),
    ({"PUT"}, r"/_lfs_storage/(?P<oid>[0-9a-f]{64})", "lfs_storage", "on_lfs_put"),
    ({"GET", "HEAD"}, r"/rows", "rows", "on_rows"),
    ({"GET", "HEAD"}, r"/splits", "splits", "on_splits"),
    ({"GET", "HEAD"}, r"/info", "info", "on_info"),
    ({"GET", "HEAD"}, r"/size", "size", "on_size"),
    ({"GET", "HEAD"}, r"/datasets/(?P<repo>.+)/resolve/(?P<revision>[^/]+)/(?P<file>.+)", "zip", "on_resolve"),
    ({"GET", "HEAD"}, r"/_cdn/.+", "cdn", "on_cdn"),
    ({"POST"}, r".*/chat/completions", "chat", "on_chat"),
    ({"POST"}, r".*/files", "files", "on_file_upload"),
    ({"GET", "HEAD"}, r".*/files/(?P<file_id>[^/]+)/content", "files", "on_file_content"),
    ({"GET", "HEAD"}, r".*/files/(?P<file_id>[^/]+)", "files", "on_file"),
    ({"POST"}, r".*/batches", "batches", "on_batch_create"),
    ({"GET", "HEAD"}, r".*/batches", "batches", "on_batch_list"),
    ({"GET", "HEAD"}, r".*/batches/(?P<batch_id>[^/]+)", "batches", "on_batch"),
    ({"POST"}, r".*/batches/(?P<batch_id>[^/]+)/cancel", "batches", "on_batch_cancel"),
    ({"GET", "HEAD"}, r"(/v1)?/models", "models", "on_models"),
    ({"POST"}, r"/|/generate|/models/(?P<model>.+)", "generate", "on_generate"),
]


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the default 5 drops connections when a client opens 64 at once

    def __init__(self, scenario, log_path):
        super().__init__(("127.0.0.1", 0), Handler)
        self.scenario = scenario
        self.model = Model(scenario.model, gold_index(scenario.datasets), scenario.shapes)
        self.rate_limit = RateLimit(scenario.model["rate_limit"]) if "rate_limit" in scenario.model else None
        self.stats = Stats()
        self.batch_api = BatchApi(scenario.batch_api, self.model, self.rate_limit, self.stats)
        self.hub = HubRepos(scenario.hub, scenario.token)
        self.log_path = log_path
        self.log_lock = threading.Lock()
        self.cdn = {d.cdn_path: d.zip_bytes for d in scenario.datasets.values() if d.cdn_path}

    def handle_error(self, request, client_address):
        """Clients hanging up are normal here; any other error still prints its traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_hf/1.0"
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed
    # ACK (40 ms a request), which made the fake, not the client, the bottleneck at low concurrency.
    disable_nagle_algorithm = True

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    # -- plumbing

    def dispatch(self):
        self.url = urlsplit(self.path)
        self.query = {k: v[0] for k, v in parse_qs(self.url.query, keep_blank_values=True).items()}
        try:
            self.body = self.read_body()
            reply = self.route()
        except Abort as abort:
            reply = abort.reply
        self.send(reply)

    def route(self):
        path = self.url.path
        if path.startswith("/_fake/"):
            return self.on_fake(path)
        for methods, pattern, category, handler in ROUTES:
            match = re.fullmatch(pattern, path)
            if match and self.command in methods:
                return self.guarded(category, lambda: getattr(self, handler)(**match.groupdict()))
        return self.guarded("other", lambda: json_reply(404, {"error": "Not Found"}))

    def guarded(self, category, handle):
        """Counts the request, then answers 401 without the scenario's token, else `handle()`."""
        if category == "hub":
            authorized = self.server.hub.authorized(self.headers.get("Authorization", ""))
            self.server.stats.count(category, authorized)
            return handle() if authorized else UNAUTHORIZED
        if category == "lfs_storage":  # signed by its own header, checked by the handler
            self.server.stats.count(category, True)
            return handle()
        authorized = self.authorized()
        self.server.stats.count(category, authorized)
        if category in ("chat", "generate"):
            return handle()  # logs the request itself, authorized or not
        if category in ("files", "batches") and not authorized:
            return openai_unauthorized(self.headers.get("Authorization", ""))
        return handle() if authorized else UNAUTHORIZED

    def authorized(self):
        token = self.server.scenario.token
        return token is None or self.headers.get("Authorization") == f"Bearer {token}"

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self.read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise Abort(text_reply(400, "Bad Content-Length"))
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self):
        chunks = []
        while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(chunks)

    def send(self, reply):
        if reply.action is not None:
            self.misbehave(reply)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def misbehave(self, reply):
        """An injected network fault: a reset connection, a server that hangs and then hangs up, or
        one that streams an answer until the client hangs up (or hang_s pass, so it always stops)."""
        self.close_connection = True
        if reply.action == "endless":
            self.stream_endless(reply.hang_s)
        elif reply.action == "huge":  # promises 2 GB, sends a few bytes, hangs up
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n{\"choices\":")
            self.wfile.flush()
        elif reply.action == "hang":
            time.sleep(reply.hang_s)
        else:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def stream_endless(self, limit_s):
        deadline = time.monotonic() + limit_s
        chunk = b"%x\r\n%s\r\n" % (len(ENDLESS_CHUNK), ENDLESS_CHUNK)
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            self.wfile.write(b"%x\r\n%s\r\n" % (len(ANSWER_HEAD), ANSWER_HEAD))
            while time.monotonic() < deadline:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client hung up: what a client with a body limit does

    def log_message(self, format, *args):
        if self.server.log_path is None:
            return
        line = f"{self.log_date_time_string()} {self.address_string()} {format % args}\n"
        with self.server.log_lock, open(self.server.log_path, "a", encoding="utf-8") as log:
            log.write(line)

    # -- test control

    def on_fake(self, path):
        if path == "/_fake/stats" and self.command == "GET":
            with self.server.model.lock:
                faults = dict(self.server.model.faults)
            limited = self.server.rate_limit.refused if self.server.rate_limit is not None else 0
            return json_reply(200, {**self.server.stats.snapshot(), "faults": faults, "rate_limited": limited,
                                    "hub": self.server.hub.snapshot()})
        if path == "/_fake/counts" and self.command == "GET":  # cheap to poll: the counts alone
            return json_reply(200, {"requests": self.server.stats.counts()})
        if path == "/_fake/reset" and self.command == "POST":
            self.server.stats.reset()
            self.server.model.reset()
            self.server.hub.reset_counts()
            if self.server.rate_limit is not None:
                self.server.rate_limit.reset()
            return json_reply(200, {"reset": True})
        return json_reply(404, {"error": "unknown /_fake/ route"})

    # -- the Files and Batches API (BatchApi)

    def on_file_upload(self):
        return self.server.batch_api.upload(self.headers.get("Content-Type"), self.body)

    def on_file(self, file_id):
        return self.server.batch_api.file_object(file_id)

    def on_file_content(self, file_id):
        return self.server.batch_api.file_content(file_id)

    def on_batch_create(self):
        return self.server.batch_api.create(self.body)

    def on_batch_list(self):
        return self.server.batch_api.listing()

    def on_batch(self, batch_id):
        return self.server.batch_api.poll(batch_id)

    def on_batch_cancel(self, batch_id):
        return self.server.batch_api.cancel(batch_id)

    # -- dataset viewer

    def viewer_lookup(self, need_config=False, need_split=False):
        """(dataset, config) named by the query, or an Abort with the viewer's error."""
        required = ["dataset"] + ["config"] * need_config + ["split"] * need_split
        missing = [name for name in required if not self.query.get(name)]
        if missing:
            raise Abort(api_error(422, f"Parameter '{missing[0]}' is required", "MissingRequiredParameter"))
        dataset = self.server.scenario.datasets.get(self.query["dataset"])
        if dataset is None:
            raise Abort(api_error(404, "Not found.", "ResponseNotFound"))
        if dataset.viewer is not None:
            viewer = dataset.viewer
            raise Abort(echo_auth(self.headers.get("Authorization", ""), payload_reply(viewer.get("status", 500), viewer.get("body", ""), viewer.get("headers"))))
        config = dataset.configs.get(self.query.get("config")) if need_config else None
        if need_config and config is None:
            raise Abort(api_error(404, "Not found.", "ResponseNotFound"))
        if need_split and config.split != self.query["split"]:
            raise Abort(api_error(404, "Not found.", "ResponseNotFound"))
        return dataset, config

    def int_param(self, name, default):
        value = self.query.get(name)
        if value is None:
            return default
        if not value.isdigit():
            raise Abort(api_error(422, f"Parameter '{name}' must be a non-negative integer", "InvalidParameter"))
        return int(value)

    def on_rows(self):
        offset = self.int_param("offset", 0)
        length = self.int_param("length", MAX_PAGE)
        if length > MAX_PAGE:
            raise Abort(api_error(422, f"Parameter 'length' must not be greater than {MAX_PAGE}", "InvalidParameter"))
        dataset, config = self.viewer_lookup(need_config=True, need_split=True)
        if dataset.rows_body is not None:
            return payload_reply(200, dataset.rows_body)
        if (fault := dataset.page_faults) is not None and (offset in fault.get("offsets", []) or page_fault_hit(fault, offset)):
            with dataset.lock:
                first_try = offset not in dataset.faulted_offsets
                dataset.faulted_offsets.add(offset)
            if first_try:
                reply = api_error(fault.get("status", 503), "The server is busy: try again", "ServiceUnavailable")
                reply.headers.update(fault.get("headers", {}))
                return reply
        page = config.rows[offset:offset + min(length, dataset.page_size)]
        return json_reply(200, {
            "features": config.features,
            "rows": [{"row_idx": offset + i, "row": row, "truncated_cells": []} for i, row in enumerate(page)],
            "num_rows_total": len(config.rows), "num_rows_per_page": dataset.page_size, "partial": False,
        })

    def on_splits(self):
        dataset, _ = self.viewer_lookup()
        splits = [{"dataset": dataset.name, "config": c.name, "split": c.split} for c in dataset.configs.values()]
        return json_reply(200, {"splits": splits, "pending": [], "failed": []})

    def on_info(self):
        dataset, config = self.viewer_lookup(need_config=True)
        info = {
            "dataset_name": dataset.name, "config_name": config.name,
            "features": {f["name"]: f["type"] for f in config.features},
            "splits": {config.split: {"name": config.split, "num_examples": len(config.rows),
                                      "num_bytes": rows_bytes(config), "dataset_name": dataset.name}},
        }
        return json_reply(200, {"dataset_info": info, "partial": False})

    def on_size(self):
        dataset, config = self.viewer_lookup(need_config=True)
        sizes = {"dataset": dataset.name, "config": config.name, "num_bytes_parquet_files": rows_bytes(config),
                 "num_bytes_memory": rows_bytes(config), "num_rows": len(config.rows),
                 "num_columns": len(config.features)}
        split = {**sizes, "split": config.split}
        return json_reply(200, {"size": {"config": {**sizes, "num_bytes_original_files": rows_bytes(config)},
                                         "splits": [split]}, "partial": False})

    # -- the Hub's repo and commit API (HubRepos)

    def on_hub_create(self):
        return self.server.hub.create(self.body)

    def on_hub_preupload(self, repo, revision):
        return self.server.hub.preupload(repo, unquote(revision), self.body)

    def on_hub_commit(self, repo, revision):
        return self.server.hub.commit(repo, unquote(revision), self.headers.get("Content-Type"), self.body)

    def on_lfs_batch(self, repo):
        return self.server.hub.lfs_batch(repo, self.headers, self.body, f"http://{self.headers.get('Host')}")

    def on_lfs_put(self, oid):
        return self.server.hub.lfs_put(oid, self.query, self.headers, self.body)

    def on_lfs_verify(self, repo):
        return self.server.hub.lfs_verify(repo, self.body)

    # -- Hub file download

    def on_resolve(self, repo, revision, file):
        committed = self.server.hub.file(repo, unquote(revision), file)
        if committed is not None:
            return Reply(200, committed, {"Content-Type": "application/octet-stream", "X-Repo-Commit": REPO_COMMIT})
        dataset = self.server.scenario.datasets.get(repo)
        if dataset is None:
            raise Abort(api_error(404, "Repository not found", "RepoNotFound"))
        if revision != "main":
            raise Abort(api_error(404, f"Invalid rev id: {revision}", "RevisionNotFound"))
        if file != ZIP_FILE or dataset.zip is None:
            raise Abort(api_error(404, "Entry not found", "EntryNotFound"))
        status = dataset.zip.get("status", 200)
        if status != 200:
            body = dataset.zip.get("body", {"error": HTTPStatus(status).phrase})
            return payload_reply(status, body, dataset.zip.get("headers"))
        headers = {"X-Repo-Commit": REPO_COMMIT, "ETag": f'"{hashlib.sha256(dataset.zip_bytes).hexdigest()}"'}
        redirect = dataset.zip.get("redirect", False)
        if not redirect:
            return Reply(200, dataset.zip_bytes, {"Content-Type": "application/zip", **headers})
        location = dataset.cdn_path
        if redirect != "relative":
            location = f"http://127.0.0.1:{self.server.server_address[1]}{location}"
        headers.update({"Location": location, "X-Linked-Size": str(len(dataset.zip_bytes))})
        return text_reply(302, f"Found. Redirecting to {location}", headers)

    def on_cdn(self):
        data = self.server.cdn.get(self.url.path)
        if data is None:
            return text_reply(404, "Not Found")
        return Reply(200, data, {"Content-Type": "application/zip"})

    # -- inference

    def on_models(self):
        """OpenAI's model list, as the HF router's GET /v1/models answers it."""
        ids = self.server.scenario.models
        if ids is None:
            return json_reply(404, {"error": "Not Found"})
        return json_reply(200, {"object": "list", "data": [
            {"id": i, "object": "model", "created": 1735689600, "owned_by": i.split("/")[0]} for i in ids]})

    def on_chat(self):
        return self.infer(lambda: parse_chat(self.body), chat_completion_reply)

    def on_generate(self, model=None):
        headers = {k.lower(): v for k, v in self.headers.items()}

        def answer(request, content):
            generated = {"generated_text": content}
            return json_reply(200, generated if self.url.path == "/generate" else [generated])
        return self.infer(lambda: parse_generate(self.body, model, headers), answer)

    def infer(self, parse, answer):
        """Authorize, parse, ask the model, log the request; the log has every attempt."""
        authorized = self.authorized()
        if authorized:
            request, reply = infer_reply(self.server.model, parse, answer, rate_limit=self.server.rate_limit,
                                         auth=self.headers.get("Authorization", ""))
        else:
            request, reply = infer_reply(None, parse, answer)  # parsed for the log only
            reply = UNAUTHORIZED
        self.server.stats.log_inference(inference_entry(self.url.path, request, authorized, reply.status))
        return reply

def rows_bytes(config):
    return len(json.dumps(config.rows).encode("utf-8"))


# ---------------------------------------------------------------- main


def write_port_file(path, port):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", required=True, type=Path, help="scenario JSON file")
    parser.add_argument("--port-file", required=True, help="where to write the port once listening")
    parser.add_argument("--log", help="append one line per request to this file")
    parser.add_argument("--base-dir", type=Path, help="resolve fixture paths here (default: the scenario's dir)")
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (needs --tls-key)")
    parser.add_argument("--tls-key", help="the certificate's PEM private key")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario, args.base_dir or args.scenario.resolve().parent)
    server = FakeServer(scenario, args.log)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    for signum in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: background jobs may inherit it ignored
        signal.signal(signum, lambda *_: sys.exit(0))
    write_port_file(args.port_file, server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
