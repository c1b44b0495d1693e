#!/usr/bin/env python3
"""Self-check of fake_hf.py: starts it on small inline scenarios and exercises every endpoint.

Run: selftest.py   (no arguments; standard library only). Prints `N passed, M failed` and exits
non-zero when anything failed, so synthgen's integration tests can trust the fake they run against.
"""
import http.client
import io
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from urllib.parse import urlsplit

FAKE = Path(__file__).resolve().parent / "fake_hf.py"
TOKEN = "hf_selftest_token"
MODEL = "mistralai/Mixtral-8x7B-Instruct-v0.1"
PHRASEBANK = "takala/financial_phrasebank"
ZIP_PATH = f"/datasets/{PHRASEBANK}/resolve/main/data/FinancialPhraseBank-v1.0.zip"
LABELS = ["negative", "neutral", "positive"]
LATIN1_ROW = {"sentence": "Kesko's Åland unit sold shares @ EUR 3 to Müller & Cie .", "label": 2}
SCRIPTED = "Scripted sentence , answered from the script ."
UNKNOWN = "A sentence that is in no dataset ."
REVIEW_FEATURES = [{"feature_idx": 0, "name": "review", "type": {"dtype": "string", "_type": "Value"}},
                   {"feature_idx": 1, "name": "label", "type": {"dtype": "string", "_type": "Value"}}]
REVIEWS = [{"review": "Works well , would buy again .", "label": "positive"},
           {"review": "Broke after a day .", "label": "negative"}]

results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    if not condition:
        print(f"FAIL {name}: {detail}")


# ---------------------------------------------------------------- fixtures and servers


def phrasebank_rows():
    rows = [{"sentence": f"Company {i} reported net sales of EUR {i}.5 mn .", "label": i % 3} for i in range(149)]
    return rows + [LATIN1_ROW]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main_scenario():
    return {
        "token": TOKEN,
        "datasets": {
            PHRASEBANK: {
                "viewer": {"status": 501, "body": {"error": "Dataset scripts are no longer supported"},
                           "headers": {"X-Error-Code": "DatasetWithScriptNotSupportedError"}},
                "configs": {"sentences_allagree": {"file": "pb.jsonl"}, "sentences_50agree": {"file": "pb.jsonl"}},
                "zip": {"line_ending": "\r\n", "redirect": True},
            },
            "acme/phrases": {"configs": {"default": {"file": "pb.jsonl"}}},
            "acme/reviews": {"configs": {"default": {"file": "reviews.jsonl", "features": REVIEW_FEATURES}}},
            "acme/broken-zip": {"zip": {"status": 503, "body": {"error": "busy"}}},
        },
        "model": {"policy": "script", "script": {SCRIPTED: ["positive", " Neutral", "n/a"]}},
    }


class Fake:
    """One fake_hf.py process on a scenario written into `workdir`."""

    def __init__(self, workdir, name, scenario):
        self.workdir = Path(workdir)
        scenario_file = self.workdir / f"{name}.json"
        scenario_file.write_text(json.dumps(scenario), encoding="utf-8")
        port_file = self.workdir / f"{name}.port"
        self.log = self.workdir / f"{name}.log"
        self.proc = subprocess.Popen([sys.executable, str(FAKE), "--scenario", str(scenario_file),
                                      "--port-file", str(port_file), "--log", str(self.log)])
        self.port = wait_for_port(port_file, self.proc)

    def call(self, method, path, body=None, token=TOKEN, headers=None):
        """(status, headers dict with lower-case names, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            status, response_headers, data = send(connection, method, path, body, token, headers)
        finally:
            connection.close()
        return status, response_headers, data

    def call_json(self, method, path, body=None, token=TOKEN):
        status, headers, data = self.call(method, path, body, token)
        return status, headers, json.loads(data) if data else None

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def wait_for_port(port_file, proc):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"fake_hf.py exited with code {proc.returncode} before listening")
        if port_file.exists():
            return int(port_file.read_text())
        time.sleep(0.02)
    proc.kill()
    raise SystemExit("fake_hf.py did not write its port file within 10 s")


def send(connection, method, path, body, token, headers):
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


# ---------------------------------------------------------------- request bodies


def prompt(text, cot=False):
    shots = "Text: Sales rose .\nLabel: positive\nText: Profit fell .\nLabel: negative\n"
    ending = 'JSON response: ' if cot else "Label: "
    instruction = "Answer with one JSON object." if cot else "Answer with one word."
    return f"Label the sentiment. {instruction}\n{shots}TEXT: {text}\n{ending}"


def chat_body(text, seed=1, cot=False, **override):
    body = {"model": MODEL, "messages": [{"role": "user", "content": prompt(text, cot)}],
            "temperature": 0.8, "top_p": 0.9, "max_tokens": 128, "seed": seed}
    body.update(override)
    return body


def tgi_body(text, seed=1):
    return {"inputs": f"<s>[INST] {prompt(text)} [/INST]",
            "parameters": {"temperature": 0.8, "top_p": 0.9, "max_new_tokens": 128, "do_sample": True,
                           "return_full_text": False, "seed": seed},
            "options": {"use_cache": False, "wait_for_model": True}}


def simple_label(content):
    return content.strip().rstrip(".").lower()


def cot_label(content):
    match = re.search(r"\{.*\}", content, re.S)
    return json.loads(match.group(0))["label"] if match else None


# ---------------------------------------------------------------- dataset viewer


def test_rows(fake):
    base = "/rows?dataset=acme/phrases&config=default&split=train"
    status, _, page = fake.call_json("GET", f"{base}&offset=0&length=100")
    check("rows page 1 status", status == 200, status)
    check("rows page 1 size", len(page["rows"]) == 100, len(page["rows"]))
    check("rows shape", set(page) == {"features", "rows", "num_rows_total", "num_rows_per_page", "partial"}, page.keys())
    check("rows total", page["num_rows_total"] == 150 and page["partial"] is False, page["num_rows_total"])
    check("rows default features", page["features"][1]["type"] == {"names": LABELS, "_type": "ClassLabel"},
          page["features"])
    check("rows first row", page["rows"][0] == {"row_idx": 0, "row": phrasebank_rows()[0], "truncated_cells": []},
          page["rows"][0])
    _, _, page2 = fake.call_json("GET", f"{base}&offset=100")
    check("rows page 2 default length", [r["row_idx"] for r in page2["rows"]] == list(range(100, 150)),
          len(page2["rows"]))
    check("rows keeps UTF-8", page2["rows"][-1]["row"] == LATIN1_ROW, page2["rows"][-1])
    _, _, past = fake.call_json("GET", f"{base}&offset=500&length=10")
    check("rows past the end", past["rows"] == [] and past["num_rows_total"] == 150, past)
    _, _, reviews = fake.call_json("GET", "/rows?dataset=acme/reviews&config=default&split=train&length=1")
    check("rows custom features", reviews["features"] == REVIEW_FEATURES and reviews["rows"][0]["row"] == REVIEWS[0],
          reviews)


def test_viewer_errors(fake):
    for query, name in [("dataset=nobody/nothing&config=default&split=train", "dataset"),
                        ("dataset=acme/phrases&config=other&split=train", "config"),
                        ("dataset=acme/phrases&config=default&split=test", "split")]:
        status, headers, body = fake.call_json("GET", f"/rows?{query}")
        check(f"404 unknown {name}", status == 404 and body == {"error": "Not found."} and "x-error-code" in headers,
              (status, body))
    for query in ["length=101", "offset=abc", "length=-1"]:
        status, headers, body = fake.call_json("GET", f"/rows?dataset=acme/phrases&config=default&split=train&{query}")
        check(f"422 {query}", status == 422 and "error" in body and headers.get("x-error-code") == "InvalidParameter",
              (status, body))
    status, _, body = fake.call_json("GET", "/rows?dataset=acme/phrases&config=default&split=train&length=101")
    check("422 message", body == {"error": "Parameter 'length' must not be greater than 100"}, body)
    for endpoint in ["rows", "splits", "info", "size"]:
        status, headers, body = fake.call_json("GET", f"/{endpoint}?dataset={PHRASEBANK}&config=sentences_allagree&split=train")
        check(f"viewer refusal on /{endpoint}",
              status == 501 and headers.get("x-error-code") == "DatasetWithScriptNotSupportedError"
              and body == {"error": "Dataset scripts are no longer supported"}, (status, headers, body))


def test_splits_info_size(fake):
    status, _, body = fake.call_json("GET", "/splits?dataset=acme/reviews")
    check("splits", status == 200 and body == {"splits": [{"dataset": "acme/reviews", "config": "default",
                                                           "split": "train"}], "pending": [], "failed": []}, body)
    status, _, body = fake.call_json("GET", "/info?dataset=acme/phrases&config=default")
    info = body["dataset_info"]
    check("info", status == 200 and info["splits"]["train"]["num_examples"] == 150
          and info["features"]["label"]["names"] == LABELS and body["partial"] is False, body)
    status, _, body = fake.call_json("GET", "/size?dataset=acme/phrases&config=default")
    check("size", status == 200 and body["size"]["config"]["num_rows"] == 150
          and body["size"]["splits"][0]["split"] == "train", body)


# ---------------------------------------------------------------- Hub zip


def test_zip(fake):
    status, headers, _ = fake.call("GET", ZIP_PATH)
    location = headers.get("location", "")
    check("zip redirects", status == 302 and location.startswith(f"http://127.0.0.1:{fake.port}/_cdn/"),
          (status, headers))
    status, headers, data = fake.call("GET", location.split(str(fake.port), 1)[1])
    check("zip from cdn", status == 200 and headers.get("content-type") == "application/zip", (status, headers))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        allagree = archive.read("FinancialPhraseBank-v1.0/Sentences_AllAgree.txt")
    check("zip members", "FinancialPhraseBank-v1.0/Sentences_AllAgree.txt" in names
          and "FinancialPhraseBank-v1.0/Sentences_50Agree.txt" in names
          and "FinancialPhraseBank-v1.0/Sentences_75Agree.txt" not in names, names)
    expected = "\r\n".join(f"{r['sentence']}@{LABELS[r['label']]}" for r in phrasebank_rows())
    check("zip content is Latin-1 with CRLF and no final newline", allagree == expected.encode("latin-1"),
          allagree[-120:])
    last = allagree.decode("latin-1").split("\r\n")[-1]
    check("zip last-@ split", last.rsplit("@", 1) == [LATIN1_ROW["sentence"], "positive"], last)
    status, headers, data = fake.call("HEAD", ZIP_PATH)
    check("zip HEAD", status == 302 and data == b"" and "x-repo-commit" in headers, (status, headers))
    status, headers, body = fake.call_json("GET", "/datasets/acme/reviews/resolve/main/data/FinancialPhraseBank-v1.0.zip")
    check("zip missing", status == 404 and body == {"error": "Entry not found"}
          and headers.get("x-error-code") == "EntryNotFound", (status, headers, body))
    status, _, body = fake.call_json("GET", "/datasets/acme/broken-zip/resolve/main/data/FinancialPhraseBank-v1.0.zip")
    check("zip status", status == 503 and body == {"error": "busy"}, (status, body))


# ---------------------------------------------------------------- inference


def test_chat(fake):
    sentence = phrasebank_rows()[2]["sentence"]  # label positive
    status, _, body = fake.call_json("POST", "/v1/chat/completions", chat_body(sentence))
    check("chat shape", status == 200 and set(body) == {"object", "id", "created", "model", "system_fingerprint",
                                                         "choices", "usage"}
          and body["object"] == "chat.completion" and body["model"] == MODEL, body)
    choice = body["choices"][0]
    check("chat choice", choice["finish_reason"] == "stop" and choice["logprobs"] is None
          and choice["message"]["role"] == "assistant", choice)
    usage = body["usage"]
    check("chat usage", usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0, usage)
    simple = {simple_label(chat(fake, sentence, seed)) for seed in range(12)}
    check("chat simple answers gold", simple == {"positive"}, simple)
    raw = {chat(fake, sentence, seed) for seed in range(12)}
    check("chat simple varies its rendering", len(raw) > 1, raw)
    cot = [chat(fake, sentence, seed, cot=True) for seed in range(12)]
    check("chat cot answers gold JSON", {cot_label(c) for c in cot} == {"positive"}, cot)
    check("chat cot varies (fence, prose)", any(c.startswith("```json") for c in cot)
          and any(not c.startswith(("{", "```")) for c in cot), cot)
    check("unknown sentence is neutral", simple_label(chat(fake, UNKNOWN, 1)) == "neutral")
    status, _, body = fake.call_json("POST", "/some/prefix/chat/completions", chat_body(sentence))
    check("chat on any .../chat/completions path", status == 200, status)


def chat(fake, text, seed, cot=False):
    _, _, body = fake.call_json("POST", "/v1/chat/completions", chat_body(text, seed, cot))
    return body["choices"][0]["message"]["content"]


def test_chat_validation(fake):
    cases = {"seed": chat_body("x", seed="1"), "temperature": chat_body("x", temperature=None),
             "messages": chat_body("x", messages=[]), "model": chat_body("x", model=7)}
    for param, body in cases.items():
        status, _, answer = fake.call_json("POST", "/v1/chat/completions", body)
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        check(f"chat 400 on bad {param}", status == 400 and error.get("type") == "invalid_request_error"
              and error.get("param") == param and "code" in error, (status, answer))
    status, _, _ = fake.call("POST", "/v1/chat/completions", b"{not json")
    check("chat 400 on bad JSON", status == 400, status)


def test_script(fake):
    answers = [chat(fake, SCRIPTED, seed) for seed in range(4)]
    check("script order and wrap", answers == ["positive", " Neutral", "n/a", "positive"], answers)
    gold_text = REVIEWS[1]["review"]
    check("script falls back to gold", simple_label(chat(fake, gold_text, 1)) == "negative")


def test_tgi(fake):
    sentence = phrasebank_rows()[0]["sentence"]  # negative
    status, _, body = fake.call_json("POST", f"/models/{MODEL}", tgi_body(sentence))
    check("tgi /models list", status == 200 and isinstance(body, list)
          and simple_label(body[0]["generated_text"]) == "negative", (status, body))
    status, _, body = fake.call_json("POST", "/generate", tgi_body(sentence))
    check("tgi /generate bare object", status == 200 and isinstance(body, dict) and "generated_text" in body, body)
    status, _, body = fake.call_json("POST", "/", tgi_body(sentence))
    check("tgi / list", status == 200 and isinstance(body, list), body)
    bad = tgi_body(sentence)
    bad["inputs"] = prompt(sentence)
    status, _, body = fake.call_json("POST", "/", bad)
    check("tgi 422 without chat template", status == 422 and body.get("error_type") == "validation"
          and body["error"].startswith("Input validation error: "), (status, body))


def test_auth_and_stats(fake):
    fake.call_json("POST", "/_fake/reset", token=None)
    status, _, body = fake.call_json("GET", "/splits?dataset=acme/reviews", token=None)
    check("401 without token", status == 401 and body == {"error": "Invalid username or password."}, (status, body))
    status, _, _ = fake.call_json("GET", "/splits?dataset=acme/reviews", token="hf_wrong")
    check("401 with wrong token", status == 401, status)
    status, _, _ = fake.call("GET", ZIP_PATH, token=None)
    check("401 on the Hub too", status == 401, status)
    status, _, _ = fake.call_json("POST", "/v1/chat/completions", chat_body(SCRIPTED, seed=5), token=None)
    check("401 on chat", status == 401, status)
    fake.call_json("POST", "/v1/chat/completions", chat_body(SCRIPTED, seed=6))
    fake.call_json("POST", f"/models/{MODEL}", tgi_body(SCRIPTED, seed=7))
    _, _, stats = fake.call_json("GET", "/_fake/stats", token=None)
    check("stats counters", stats["requests"]["splits"] == 2 and stats["requests"]["zip"] == 1
          and stats["requests"]["chat"] == 2 and stats["requests"]["generate"] == 1, stats["requests"])
    check("stats auth failures", stats["auth_failures"] == 4, stats["auth_failures"])
    log = stats["inference"]
    check("stats inference log", [(e["authorized"], e["status"], e["seed"]) for e in log]
          == [(False, 401, 5), (True, 200, 6), (True, 200, 7)], log)
    check("stats inference fields", log[1]["text"] == SCRIPTED and log[1]["model"] == MODEL
          and log[1]["temperature"] == 0.8 and log[1]["top_p"] == 0.9 and log[1]["max_tokens"] == 128
          and log[2]["path"] == f"/models/{MODEL}" and log[2]["use_cache"] is False, log)
    check("script position survives 401 (third scripted answer)", chat(fake, SCRIPTED, 8) == "n/a")
    fake.call_json("POST", "/_fake/reset", token=None)
    _, _, stats = fake.call_json("GET", "/_fake/stats", token=None)
    check("reset clears stats", stats["inference"] == [] and not any(stats["requests"].values())
          and stats["auth_failures"] == 0, stats)
    check("reset clears script positions", chat(fake, SCRIPTED, 9) == "positive")


def test_keep_alive(fake):
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
    try:
        first = send(connection, "GET", "/splits?dataset=acme/reviews", None, TOKEN, None)
        second = send(connection, "POST", "/v1/chat/completions", chat_body(SCRIPTED), TOKEN, None)
        chunked = send(connection, "POST", "/generate", iter([json.dumps(tgi_body(UNKNOWN)).encode()]), TOKEN, None)
    finally:
        connection.close()
    check("keep-alive: three requests on one connection", (first[0], second[0], chunked[0]) == (200, 200, 200),
          (first[0], second[0], chunked[0]))
    check("content-length always sent", all("content-length" in r[1] for r in (first, second, chunked)))


def test_fixed_and_error(workdir):
    scenario = {"model": {"policy": "fixed", "fixed": " Neutral",
                          "error": {"status": 402, "body": {"error": "out of credits"}, "after": 2}}}
    fake = Fake(workdir, "fixed", scenario)
    try:
        answers = [fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, s), token=None) for s in range(4)]
        check("no token configured: no auth needed", answers[0][0] == 200, answers[0][0])
        check("fixed answer raw", answers[0][2]["choices"][0]["message"]["content"] == " Neutral", answers[0])
        check("error after 2", [a[0] for a in answers] == [200, 200, 402, 402]
              and answers[3][2] == {"error": "out of credits"}, [a[0] for a in answers])
        fake.call_json("POST", "/_fake/reset", token=None)
        status, _, _ = fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN), token=None)
        check("reset restarts the error counter", status == 200, status)
    finally:
        check("SIGTERM exits cleanly", fake.stop() == 0)
    check("--log writes one line per request", len(fake.log.read_text().splitlines()) == 6)


def test_flip_and_fail(workdir):
    write_jsonl(Path(workdir) / "pb.jsonl", phrasebank_rows())
    scenario = {"datasets": {"acme/phrases": {"configs": {"default": {"file": "pb.jsonl"}}}},
                "model": {"flip_rate": 0.5, "fail_rate": 0.3, "style": "simple"}}
    fake = Fake(workdir, "flip", scenario)
    try:
        sentence = phrasebank_rows()[1]["sentence"]  # neutral
        first = [fake.call("POST", "/v1/chat/completions", chat_body(sentence, s), token=None) for s in range(40)]
        again = [fake.call("POST", "/v1/chat/completions", chat_body(sentence, s), token=None) for s in range(40)]
    finally:
        fake.stop()
    def outcomes(replies):  # status and answer; the body's `created` time may differ
        return [(s, json.loads(b)["choices"][0]["message"]["content"] if s == 200 else b) for s, _, b in replies]
    check("flip and fail are deterministic", outcomes(first) == outcomes(again))
    failed = [b for s, _, b in first if s == 500]
    labels = [simple_label(json.loads(b)["choices"][0]["message"]["content"]) for s, _, b in first if s == 200]
    check("fail_rate gives some plain-text 500s", 0 < len(failed) < 40 and set(failed) == {b"Internal Server Error"},
          len(failed))
    check("flip_rate flips some answers", "neutral" in labels and set(labels) - {"neutral"}, labels)
    check("flips stay within the label set", set(labels) <= set(LABELS), labels)


def test_page_faults(workdir):
    write_jsonl(Path(workdir) / "pages.jsonl", phrasebank_rows() * 10)
    scenario = {"datasets": {"acme/pages": {"configs": {"default": {"file": "pages.jsonl"}},
                                            "page_faults": {"status": 503, "offsets": [100]}}}}
    fake = Fake(workdir, "page_faults", scenario)
    try:
        query = "/rows?dataset=acme/pages&config=default&split=train&length=100&offset="
        first = fake.call_json("GET", query + "100", token=None)
        again = fake.call_json("GET", query + "100", token=None)
        other = fake.call_json("GET", query + "0", token=None)
        check("page_faults: the first try at a listed offset fails", first[0] == 503 and "error" in first[2], first[0])
        check("page_faults: the second try is served", again[0] == 200 and again[2]["rows"][0]["row_idx"] == 100, again[0])
        check("page_faults: other offsets are served", other[0] == 200, other[0])
    finally:
        check("SIGTERM exits cleanly (page_faults)", fake.stop() == 0)


def test_page_size_and_counts(workdir):
    write_jsonl(Path(workdir) / "small_pages.jsonl", phrasebank_rows() * 10)
    total = len(phrasebank_rows()) * 10
    scenario = {"datasets": {"acme/small": {"configs": {"default": {"file": "small_pages.jsonl"}}, "page_size": 7,
                                            "page_faults": {"rate": 1.0}}},
                "model": {"garble_rate": 1.0, "style": "simple"}}
    fake = Fake(workdir, "page_size", scenario)
    try:
        query = "/rows?dataset=acme/small&config=default&split=train&length=100&offset="
        failed = fake.call_json("GET", query + "3", token=None)
        page = fake.call_json("GET", query + "3", token=None)
        rows = page[2]["rows"]
        check("page_faults.rate 1.0: every offset's first try fails", failed[0] == 503, failed[0])
        check("page_size: an answer holds at most page_size rows", page[0] == 200 and len(rows) == 7, len(rows))
        check("page_size: rows start at the offset", [r["row_idx"] for r in rows] == list(range(3, 10)), rows[:1])
        check("page_size: num_rows_per_page says it", page[2]["num_rows_per_page"] == 7 and page[2]["num_rows_total"] == total,
              page[2]["num_rows_per_page"])
        text = phrasebank_rows()[0]["sentence"]
        status, _, answer = fake.call_json("POST", "/v1/chat/completions", body=chat_body(text), token=None)
        content = answer["choices"][0]["message"]["content"] if status == 200 else None
        check("garble_rate 1.0: a complete answer with no label", content is not None and not any(
            word in content.lower() for word in LABELS), content)
        counts = fake.call_json("GET", "/_fake/counts", token=None)
        check("/_fake/counts: the counts alone", counts[0] == 200 and set(counts[2]) == {"requests"}
              and counts[2]["requests"]["rows"] == 2 and counts[2]["requests"]["chat"] == 1,
              counts[2])
    finally:
        check("SIGTERM exits cleanly (page_size)", fake.stop() == 0)


def read_until_closed(response, piece=1 << 20):
    """Bytes read from a streamed body, discarded as they come; (count, True if it ended cleanly)."""
    count = 0
    try:
        while data := response.read(piece):
            count += len(data)
        return count, True
    except http.client.IncompleteRead as exc:
        return count + len(exc.partial), False


def test_endless_and_bomb(workdir):
    scenario = {"model": {"faults": {"rate": 1.0, "kinds": ["endless", "gzip_bomb"], "attempts": 100,
                                     "endless_s": 0.5, "bomb_mib": 100}}}
    fake = Fake(workdir, "endless", scenario)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
        connection.request("POST", "/v1/chat/completions", json.dumps(chat_body(UNKNOWN)).encode())
        endless = connection.getresponse()
        first = endless.read(2 << 20)
        connection.close()  # hangs up mid-stream, as a client with a body limit does
        check("endless: a chunked 200", endless.status == 200 and endless.getheader("Transfer-Encoding") == "chunked",
              (endless.status, endless.getheaders()))
        check("endless: streams past 2 MiB of a JSON-ish answer", len(first) == 2 << 20
              and first.startswith(b'{"object":"chat.completion"') and b"positive positive" in first[-100:], first[:80])

        status, headers, bomb = fake.call("POST", "/v1/chat/completions", chat_body(UNKNOWN), token=None)
        inflate, inflated, head = zlib.decompressobj(16 + zlib.MAX_WBITS), 0, b""
        for start in range(0, len(bomb), 1 << 16):
            part = inflate.decompress(bomb[start:start + (1 << 16)])
            head = head or part[:40]
            inflated += len(part)
        check("gzip_bomb: a small gzip 200", status == 200 and headers.get("content-encoding") == "gzip"
              and len(bomb) < 1 << 20, (status, headers, len(bomb)))
        check("gzip_bomb: inflates to 100 MiB and more of one answer", inflated >= 100 << 20 and inflate.eof
              and head.startswith(b'{"object":"chat.completion"'), (inflated, head))

        connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
        connection.request("POST", "/v1/chat/completions", json.dumps(chat_body(UNKNOWN)).encode())
        count, clean = read_until_closed(connection.getresponse())
        connection.close()
        check("endless: stops by itself after endless_s, unfinished", count > 0 and not clean, (count, clean))
        _, _, stats = fake.call_json("GET", "/_fake/stats", token=None)
        check("endless and gzip_bomb are counted in turn", stats["faults"] == {"endless": 2, "gzip_bomb": 1}, stats["faults"])
    finally:
        check("SIGTERM exits cleanly (endless)", fake.stop() == 0)


def test_real_shapes(workdir):
    """Recorded shapes (tests/fixtures/real_shapes): an answer wrapped in one, a passing failure
    served as one, the lasting error served as one."""
    scenario = {"model": {"policy": "fixed", "fixed": "positive", "answer_shapes": ["tgi_chat_completion"],
                          "faults": {"rate": 1.0, "kinds": ["shape"], "shapes": ["tgi_chat_completion"], "attempts": 1}}}
    fake = Fake(workdir, "shapes", scenario)
    try:
        status, headers, first = fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, 1), token=None)
        check("a fault served as a recorded shape, {answer} left empty",
              status == 200 and first["choices"][0]["message"]["content"] == "", (status, first))
        status, headers, answer = fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, 1), token=None)
        check("the answer in the recorded shape", status == 200 and answer["system_fingerprint"] == "3.1.2-dev0-native"
              and answer["choices"][0]["message"] == {"role": "assistant", "content": "positive", "tool_calls": None}
              and headers.get("x-compute-type") == "gpu+optimized", (status, headers, answer))
    finally:
        check("SIGTERM exits cleanly (shapes)", fake.stop() == 0)
    scenario = {"model": {"error": {"shape": "tgi_chat_completion", "after": 0}}}
    fake = Fake(workdir, "shape_error", scenario)
    try:
        status, _, answer = fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, 2), token=None)
        check("model.error.shape", status == 200 and answer["usage"]["total_tokens"] == 42, (status, answer))
    finally:
        fake.stop()


def test_models_list(workdir):
    """GET /v1/models: OpenAI's list shape with the scenario's ids, behind the token; 404 without a list."""
    fake = Fake(workdir, "models", {"token": TOKEN, "models": [MODEL, "meta-llama/Llama-3.1-8B-Instruct"]})
    try:
        status, _, listed = fake.call_json("GET", "/v1/models")
        check("models list shape", status == 200 and listed["object"] == "list"
              and [m["id"] for m in listed["data"]] == [MODEL, "meta-llama/Llama-3.1-8B-Instruct"], (status, listed))
        status, _, _ = fake.call_json("GET", "/v1/models", token=None)
        check("models list needs the token", status == 401, status)
        status, _, counts = fake.call_json("GET", "/_fake/counts")
        check("models requests counted", counts["requests"]["models"] == 2, counts)
    finally:
        check("SIGTERM exits cleanly (models)", fake.stop() == 0)
    fake = Fake(workdir, "no_models", {"model": {"policy": "gold"}})
    try:
        status, _, _ = fake.call_json("GET", "/v1/models", token=None)
        check("no models list: 404", status == 404, status)
    finally:
        fake.stop()


def test_rate_limit(workdir):
    """model.rate_limit: a token bucket; beyond its burst a 429 with Retry-After and OpenAI's body."""
    scenario = {"model": {"policy": "fixed", "fixed": "positive",
                          "rate_limit": {"per_s": 0.5, "burst": 3, "retry_after": "2", "headers": True}}}
    fake = Fake(workdir, "rate_limit", scenario)
    try:
        answers = [fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, s), token=None) for s in range(5)]
        check("a burst of 3, then 429s", [a[0] for a in answers] == [200, 200, 200, 429, 429], [a[0] for a in answers])
        status, headers, body = answers[3]
        check("the refusal's Retry-After and rate_limit_exceeded body",
              headers.get("retry-after") == "2" and body["error"]["code"] == "rate_limit_exceeded"
              and body["error"]["type"] == "requests" and "Please try again in 2s" in body["error"]["message"], (headers, body))
        check("x-ratelimit headers on answers too", answers[2][1].get("x-ratelimit-remaining-requests") == "0"
              and answers[0][1].get("x-ratelimit-remaining-requests") == "2"
              and answers[2][1].get("x-ratelimit-reset-requests", "").endswith("ms"), [a[1] for a in answers[:3]])
        _, _, stats = fake.call_json("GET", "/_fake/stats", token=None)
        check("refusals counted", stats["rate_limited"] == 2, stats.get("rate_limited"))
        fake.call_json("POST", "/_fake/reset", token=None)
        status, _, _ = fake.call_json("POST", "/v1/chat/completions", chat_body(UNKNOWN, 9), token=None)
        check("reset refills the bucket", status == 200, status)
    finally:
        check("SIGTERM exits cleanly (rate_limit)", fake.stop() == 0)


# ---------------------------------------------------------------- the Files and Batches API


def multipart(fields, boundary="----fake-hf-selftest-7d1f"):
    """(body, content type) of a multipart/form-data body; a field is a string, or (filename, bytes)."""
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            head = f'Content-Disposition: form-data; name="{name}"; filename="{value[0]}"\r\nContent-Type: application/jsonl'
            data = value[1]
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"', value.encode()
        parts.append(b"--" + boundary.encode() + b"\r\n" + head.encode() + b"\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + b"--" + boundary.encode() + b"--\r\n", f"multipart/form-data; boundary={boundary}"


def upload(fake, content, purpose="batch", token=TOKEN, prefix="/v1"):
    body, content_type = multipart({"purpose": purpose, "file": ("requests.jsonl", content)})
    status, _, data = fake.call("POST", f"{prefix}/files", body, token, {"Content-Type": content_type})
    return status, json.loads(data)


def batch_input(count, start=0, cot=False):
    """(JSONL bytes, custom_id -> chat body) of `count` requests for phrasebank sentences."""
    rows = phrasebank_rows()
    bodies = {f"r-{i}": chat_body(rows[i % len(rows)]["sentence"], seed=i, cot=cot and i % 2 == 0) for i in range(start, start + count)}
    lines = [{"custom_id": c, "method": "POST", "url": "/v1/chat/completions", "body": b} for c, b in bodies.items()]
    return "".join(json.dumps(line) + "\n" for line in lines).encode(), bodies


def create_batch(fake, file_id, token=TOKEN, prefix="/v1", **override):
    request = {"input_file_id": file_id, "endpoint": "/v1/chat/completions", "completion_window": "24h",
               "metadata": {"run": "selftest"}, **override}
    return fake.call_json("POST", f"{prefix}/batches", request, token)[::2]


def poll_statuses(fake, batch_id, count):
    answers = [fake.call_json("GET", f"/v1/batches/{batch_id}")[2] for _ in range(count)]
    return [a["status"] for a in answers], answers[-1]


def file_lines(fake, file_id):
    status, _, data = fake.call("GET", f"/v1/files/{file_id}/content")
    return [json.loads(line) for line in data.decode().splitlines()] if status == 200 else None


BATCH_FIELDS = {"id", "object", "endpoint", "errors", "input_file_id", "completion_window", "status", "output_file_id",
                "error_file_id", "created_at", "in_progress_at", "expires_at", "finalizing_at", "completed_at",
                "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts", "metadata"}


def test_batch_api(workdir):
    write_jsonl(Path(workdir) / "pb.jsonl", phrasebank_rows())
    scenario = {"token": TOKEN, "datasets": {"acme/phrases": {"configs": {"default": {"file": "pb.jsonl"}}}},
                "batch_api": {"error_lines": 0.2}}
    fake = Fake(workdir, "batch", scenario)
    try:
        content, bodies = batch_input(30, cot=True)
        status, _, body = fake.call_json("POST", "/v1/files", b"x", token=None)
        check("batch: 401 on files without the token, OpenAI's shape",
              status == 401 and "API key" in body["error"]["message"] and body["error"]["type"] == "invalid_request_error", (status, body))
        status, _, body = fake.call_json("GET", "/v1/batches", token="hf_wrong")
        check("batch: 401 on batches with a wrong token", status == 401 and body["error"]["code"] == "invalid_api_key", (status, body))
        status, uploaded = upload(fake, content)
        check("batch: upload", status == 200 and uploaded["id"].startswith("file-") and uploaded["object"] == "file"
              and uploaded["bytes"] == len(content) and uploaded["filename"] == "requests.jsonl"
              and uploaded["purpose"] == "batch" and uploaded["status"] == "processed"
              and isinstance(uploaded["created_at"], int), uploaded)
        status, body = upload(fake, content, purpose="fine-tune")
        check("batch: upload 400 for another purpose", status == 400 and body["error"]["param"] == "purpose", (status, body))
        status, _, data = fake.call("GET", f"/v1/files/{uploaded['id']}/content")
        check("batch: the input file's content, byte for byte", status == 200 and data == content, (status, data[:80]))
        status, _, body = fake.call_json("GET", "/v1/files/file-nothing/content")
        check("batch: 404 for an unknown file's content", status == 404 and "error" in body, (status, body))
        for name, override, want in [("unknown file", {"input_file_id": "file-nothing"}, 404),
                                     ("endpoint", {"endpoint": "/v1/embeddings"}, 400),
                                     ("completion_window", {"completion_window": "1h"}, 400)]:
            status, body = create_batch(fake, uploaded["id"], **override)
            check(f"batch: create refuses a bad {name}", status == want and "message" in body.get("error", {}), (status, body))

        status, created = create_batch(fake, uploaded["id"])
        check("batch: created, validating, openai-python's Batch fields", status == 200 and set(created) == BATCH_FIELDS
              and created["id"].startswith("batch_") and created["object"] == "batch" and created["status"] == "validating"
              and created["output_file_id"] is None and created["errors"] is None and created["metadata"] == {"run": "selftest"}
              and created["expires_at"] == created["created_at"] + 86400
              and created["request_counts"] == {"total": 0, "completed": 0, "failed": 0}, created)
        statuses, done = poll_statuses(fake, created["id"], 4)
        check("batch: one step per poll", statuses == ["in_progress", "finalizing", "completed", "completed"], statuses)
        check("batch: times stamped", all(isinstance(done[f"{s}_at"], int) for s in ("in_progress", "finalizing", "completed"))
              and done["failed_at"] is None and done["cancelled_at"] is None, done)
        counts = done["request_counts"]
        outputs, errors = file_lines(fake, done["output_file_id"]), file_lines(fake, done["error_file_id"])
        check("batch: request_counts match the files", counts["total"] == 30 and counts["completed"] == len(outputs)
              and counts["failed"] == len(errors) and 0 < len(errors) < 30, (counts, len(outputs), len(errors)))
        check("batch: every custom_id once", sorted(r["custom_id"] for r in outputs + errors) == sorted(bodies), len(outputs))
        check("batch: output lines' shape", all(set(r) == {"id", "custom_id", "response", "error"} and r["error"] is None
              and r["id"].startswith("batch_req_") and r["response"]["status_code"] == 200
              and re.fullmatch(r"[0-9a-f]+", r["response"]["request_id"])
              and r["response"]["body"]["object"] == "chat.completion" for r in outputs), outputs[:1])
        check("batch: error lines are HTTP errors with an error body", all(r["response"]["status_code"] in (400, 500)
              and "error" in r["response"]["body"] and r["error"] is None for r in errors), errors[:2])
        order = [r["custom_id"] for r in outputs]
        check("batch: output lines not in input order", order != [c for c in bodies if c in set(order)], order)
        same = []
        for record in outputs:
            _, _, live = fake.call_json("POST", "/v1/chat/completions", bodies[record["custom_id"]])
            answered = record["response"]["body"]
            same.append(live["choices"][0]["message"]["content"] == answered["choices"][0]["message"]["content"]
                        and {**live, "created": 0} == {**answered, "created": 0})
        check("batch: a line's answer is the live route's answer to the same body", same and all(same), same)

        _, _, listed = fake.call_json("GET", "/v1/batches")
        check("batch: list", listed["object"] == "list" and listed["has_more"] is False
              and [b["id"] for b in listed["data"]] == [created["id"]], listed)
        status, _, body = fake.call_json("POST", f"/v1/batches/{created['id']}/cancel")
        check("batch: a finished batch cannot be cancelled", status == 409 and "error" in body, (status, body))
        status, _, body = fake.call_json("GET", "/v1/batches/batch_nothing")
        check("batch: 404 for an unknown batch", status == 404 and "error" in body, (status, body))

        status, second = create_batch(fake, uploaded["id"], prefix="/some/prefix/v1")
        check("batch: any prefix", status == 200, status)
        fake.call_json("GET", f"/v1/batches/{second['id']}")  # in_progress
        status, _, cancelling = fake.call_json("POST", f"/v1/batches/{second['id']}/cancel")
        check("batch: cancel -> cancelling", status == 200 and cancelling["status"] == "cancelling"
              and isinstance(cancelling["cancelling_at"], int), cancelling)
        statuses, cancelled = poll_statuses(fake, second["id"], 2)
        check("batch: cancelled at the next poll", statuses == ["cancelled", "cancelled"], statuses)
        errors = file_lines(fake, cancelled["error_file_id"])
        unrun = [r for r in errors if r["response"] is None]
        check("batch: cancelled, partial results", cancelled["output_file_id"] is not None and unrun
              and all(r["error"]["code"] == "batch_cancelled" and r["error"]["message"] for r in unrun)
              and cancelled["request_counts"]["total"] == 30, cancelled["request_counts"])

        bad = b"\n".join([json.dumps({"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": chat_body("x")}).encode(),
                          b"{not json",
                          json.dumps({"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": chat_body("y")}).encode(),
                          json.dumps({"custom_id": "b", "method": "GET", "url": "/v1/chat/completions", "body": chat_body("y")}).encode(),
                          json.dumps({"custom_id": "c", "method": "POST", "url": "/v1/embeddings", "body": chat_body("y")}).encode(),
                          json.dumps({"method": "POST", "url": "/v1/chat/completions", "body": chat_body("y")}).encode()]) + b"\n"
        _, bad_file = upload(fake, bad)
        _, bad_batch = create_batch(fake, bad_file["id"])
        statuses, failed = poll_statuses(fake, bad_batch["id"], 2)
        data = (failed.get("errors") or {}).get("data", [])
        check("batch: malformed lines fail the batch at validation", statuses == ["failed", "failed"]
              and isinstance(failed["failed_at"], int) and failed["errors"]["object"] == "list", (statuses, failed))
        check("batch: errors.data names each bad line", [(e["line"], e["code"]) for e in data]
              == [(2, "invalid_json_line"), (3, "duplicate_custom_id"), (4, "invalid_value"), (5, "url_mismatch"),
                  (6, "missing_required_parameter")] and all(e["message"] for e in data), data)

        _, _, stats = fake.call_json("GET", "/_fake/stats")
        check("batch: stats", stats["batch"]["files_uploaded"] == 2 and stats["batch"]["batches_created"] == 3
              and stats["batch"]["batch_polls"] == 10 and stats["batch"]["batch_lines_answered"] > 30
              and stats["batch"]["file_downloads"] == 4 and stats["requests"]["batches"] > 0, stats["batch"])
        fake.call_json("POST", "/_fake/reset")
        _, _, stats = fake.call_json("GET", "/_fake/stats")
        check("batch: reset clears its counts", not any(stats["batch"].values()), stats["batch"])
    finally:
        check("SIGTERM exits cleanly (batch)", fake.stop() == 0)


def test_batch_outcomes(workdir):
    """batch_api's outcomes: expired with partial results, failed with errors.data, a missing output file,
    the upload limit; live faults stay out of batch lines."""
    content, bodies = batch_input(40)
    scenario = {"datasets": {"acme/phrases": {"configs": {"default": {"file": "pb.jsonl"}}}},
                "model": {"fail_rate": 1.0},
                "batch_api": {"polls_per_step": 2, "outcome": "expired", "finished_share": 0.5, "shuffle": False,
                              "error_lines": 0.3, "status_zero": True, "max_file_bytes": len(content)}}
    fake = Fake(workdir, "batch_expired", scenario)
    try:
        status, body = upload(fake, content + b"\n\n", token=None)
        check("batch: upload over max_file_bytes, OpenAI's 400", status == 400
              and body["error"]["message"] == "File is too large.", (status, body))
        status, _, live = fake.call("POST", "/v1/chat/completions", chat_body(phrasebank_rows()[0]["sentence"]), token=None)
        check("batch: the live route fails (fail_rate 1.0)", status == 500, status)
        _, uploaded = upload(fake, content, token=None)
        _, created = create_batch(fake, uploaded["id"], token=None)
        statuses, done = poll_statuses(fake, created["id"], 7)
        check("batch: polls_per_step 2", statuses == ["validating", "in_progress", "in_progress", "finalizing", "finalizing",
                                                     "expired", "expired"], statuses)
        outputs, errors = file_lines(fake, done["output_file_id"]), file_lines(fake, done["error_file_id"])
        expired = [r for r in errors if r["response"] is None]
        http = [r for r in errors if r["response"] is not None]
        check("batch: expired, partial results", 0 < len(outputs) < 40 and 0 < len(expired) < 40 and all(
            r["error"] == {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}
            for r in expired) and isinstance(done["expired_at"], int), (len(outputs), len(expired)))
        check("batch: status_zero", http and all(r["response"]["status_code"] == 0 for r in http), http[:1])
        check("batch: live faults stay out of batch lines", all(r["response"]["status_code"] == 200 for r in outputs), outputs[:1])
        order = [r["custom_id"] for r in outputs]
        check("batch: shuffle false keeps the input order", order == [c for c in bodies if c in set(order)], order)
    finally:
        fake.stop()

    errors_data = [{"code": "token_limit_exceeded", "line": None, "message": "Enqueued token limit reached."}]
    fake = Fake(workdir, "batch_failed", {"batch_api": {"outcome": "failed", "failed_errors": errors_data}})
    try:
        _, uploaded = upload(fake, content, token=None)
        _, created = create_batch(fake, uploaded["id"], token=None)
        statuses, failed = poll_statuses(fake, created["id"], 2)
        check("batch: outcome failed with failed_errors", statuses == ["failed", "failed"]
              and failed["errors"]["data"] == [{**errors_data[0], "param": None}] and failed["output_file_id"] is None, failed)
    finally:
        fake.stop()

    fake = Fake(workdir, "batch_missing", {"batch_api": {"output_file_missing": True}})
    try:
        _, uploaded = upload(fake, content, token=None)
        _, created = create_batch(fake, uploaded["id"], token=None)
        _, done = poll_statuses(fake, created["id"], 3)
        errors = file_lines(fake, done["error_file_id"]) or []
        check("batch: completed with output_file_id null and an error file", done["status"] == "completed"
              and done["output_file_id"] is None and len(errors) == 40
              and done["request_counts"] == {"total": 40, "completed": 0, "failed": 40}, done)
    finally:
        fake.stop()
    fake = Fake(workdir, "batch_refused", {"batch_api": {}})
    try:
        refused = chat_body(UNKNOWN, seed="1")
        lines = [{"custom_id": "ok", "method": "POST", "url": "/v1/chat/completions", "body": chat_body(UNKNOWN)},
                 {"custom_id": "refused", "method": "POST", "url": "/v1/chat/completions", "body": refused}]
        _, uploaded = upload(fake, "".join(json.dumps(line) + "\n" for line in lines).encode(), token=None)
        _, created = create_batch(fake, uploaded["id"], token=None)
        _, done = poll_statuses(fake, created["id"], 3)
        errors = file_lines(fake, done["error_file_id"]) or [{}]
        status, _, live = fake.call_json("POST", "/v1/chat/completions", refused, token=None)
        check("batch: a body the live route refuses is that 400 in the error file", status == 400
              and [r["custom_id"] for r in file_lines(fake, done["output_file_id"]) or []] == ["ok"]
              and errors[0].get("response", {}).get("status_code") == 400 and errors[0]["response"]["body"] == live, errors)
    finally:
        fake.stop()
    try:
        bad = Path(workdir) / "bad_batch.json"
        bad.write_text(json.dumps({"batch_api": {"outcome": "lost", "polls": 3}}), encoding="utf-8")
        run = subprocess.run([sys.executable, str(FAKE), "--scenario", str(bad), "--port-file", str(Path(workdir) / "bad.port")],
                             capture_output=True, text=True, timeout=10)
        check("batch: unknown batch_api keys refused", run.returncode != 0 and "polls" in run.stderr, run.stderr)
    except subprocess.TimeoutExpired:
        check("batch: unknown batch_api keys refused", False, "the fake started")


def ndjson(*items):
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def test_hub(workdir):
    """The Hub's create / preupload / commit (HubRepos): 200, 409, 401, 403, lfs, 413, and the files back."""
    import base64
    scenario = {"token": TOKEN, "hub": {"forbidden_owners": ["someone-else"], "existing": ["me/old"],
                                         "lfs_over_bytes": 100, "max_commit_bytes": 2000}}
    fake = Fake(workdir, "hub", scenario)
    try:
        create = {"type": "dataset", "name": "new", "organization": "me", "visibility": "private"}
        status, _, body = fake.call_json("POST", "/api/repos/create", create)
        check("hub: create 200", status == 200 and body["name"] == "me/new", (status, body))
        status, _, _ = fake.call_json("POST", "/api/repos/create", create)
        check("hub: create again 409", status == 409, status)
        status, _, _ = fake.call_json("POST", "/api/repos/create", {**create, "name": "old"})
        check("hub: an existing repo 409", status == 409, status)
        status, _, _ = fake.call_json("POST", "/api/repos/create", create, token=None)
        check("hub: create without a token 401", status == 401, status)
        status, _, _ = fake.call_json("POST", "/api/repos/create", create, token="hf_wrong")
        check("hub: create with another token 401", status == 401, status)
        status, _, _ = fake.call_json("POST", "/api/repos/create", {**create, "organization": "someone-else"})
        check("hub: a forbidden owner 403", status == 403, status)
        small, large = b"text,labels\nok,positive\n", b"x" * 101
        files = [{"path": "data/train.csv", "size": len(small), "sample": base64.b64encode(small).decode()},
                 {"path": "big.bin", "size": len(large), "sample": base64.b64encode(large[:50]).decode()}]
        status, _, body = fake.call_json("POST", "/api/datasets/me/new/preupload/main", {"files": files})
        modes = {f["path"]: f["uploadMode"] for f in (body or {}).get("files", [])}
        check("hub: preupload regular and lfs", status == 200 and modes == {"data/train.csv": "regular", "big.bin": "lfs"},
              (status, body))
        status, _, _ = fake.call_json("POST", "/api/datasets/me/none/preupload/main", {"files": files})
        check("hub: preupload of a missing repo 404", status == 404, status)
        header = {"key": "header", "value": {"summary": "Upload", "description": ""}}
        line = {"key": "file", "value": {"content": base64.b64encode(small).decode(), "path": "data/train.csv",
                                         "encoding": "base64"}}
        path = "/api/datasets/me/new/commit/main"
        status, _, _ = fake.call("POST", path, ndjson(header, line), headers={"Content-Type": "application/json"})
        check("hub: commit needs NDJSON", status == 400, status)
        status, _, _ = fake.call("POST", path, ndjson(line, header), headers={"Content-Type": "application/x-ndjson"})
        check("hub: commit header first", status == 400, status)
        broken = {"key": "file", "value": {**line["value"], "content": "***"}}
        status, _, _ = fake.call("POST", path, ndjson(header, broken), headers={"Content-Type": "application/x-ndjson"})
        check("hub: commit content must be base64", status == 400, status)
        escape = {"key": "file", "value": {**line["value"], "path": "../x"}}
        status, _, _ = fake.call("POST", path, ndjson(header, escape), headers={"Content-Type": "application/x-ndjson"})
        check("hub: commit path must stay in the repo", status == 400, status)
        status, _, body = fake.call("POST", path, ndjson(header, line), headers={"Content-Type": "application/x-ndjson"})
        check("hub: commit 200", status == 200 and b"commitUrl" in body, (status, body))
        status, _, data = fake.call("GET", "/datasets/me/new/resolve/main/data/train.csv")
        check("hub: committed file served back", status == 200 and data == small, (status, data))
        huge = {"key": "file", "value": {**line["value"], "content": base64.b64encode(b"y" * 2000).decode()}}
        status, _, _ = fake.call("POST", path, ndjson(header, huge), headers={"Content-Type": "application/x-ndjson"})
        check("hub: a commit over max_commit_bytes 413", status == 413, status)
        status, _, _ = fake.call("POST", "/api/datasets/someone-else/x/commit/main", ndjson(header, line),
                                 headers={"Content-Type": "application/x-ndjson"})
        check("hub: commit to a forbidden owner 403", status == 403, status)
        status, _, stats = fake.call_json("GET", "/_fake/stats")
        hub = stats["hub"]
        check("hub: stats", hub["commits"] == 1 and hub["repos"]["me/new"]["private"] is True
              and hub["repos"]["me/new"]["revisions"]["main"]["data/train.csv"] == small.decode(), hub)
    finally:
        check("SIGTERM exits cleanly (hub)", fake.stop() == 0)


def test_hub_lfs(workdir):
    """Git LFS (lfs.py post_lfs_batch_info, lfs_upload): the batch's media type and actions, the PUT to
    storage (no Authorization, its bytes against the oid), verify, an object held, lfsFile commits."""
    import hashlib
    scenario = {"token": TOKEN, "hub": {"existing": ["me/big"]}}
    fake = Fake(workdir, "hub_lfs", scenario)
    lfs_headers = {"Accept": "application/vnd.git-lfs+json", "Content-Type": "application/vnd.git-lfs+json"}
    data = b"text,labels\n" + b"ok,positive\n" * 50
    oid = hashlib.sha256(data).hexdigest()
    batch = {"operation": "upload", "transfers": ["basic"], "objects": [{"oid": oid, "size": len(data)}],
             "hash_algo": "sha256", "ref": {"name": "main"}}
    batch_path = "/datasets/me/big.git/info/lfs/objects/batch"
    try:
        status, _, _ = fake.call("POST", batch_path, json.dumps(batch).encode(), headers={"Content-Type": "application/json"})
        check("hub lfs: the batch needs the LFS media type", status in (406, 415), status)
        status, _, _ = fake.call("POST", batch_path, json.dumps(batch).encode(), token=None, headers=lfs_headers)
        check("hub lfs: the batch needs the token", status == 401, status)
        status, _, body = fake.call("POST", batch_path, json.dumps(batch).encode(), headers=lfs_headers)
        actions = json.loads(body)["objects"][0].get("actions", {}) if status == 200 else {}
        check("hub lfs: upload and verify actions", status == 200 and "upload" in actions and "verify" in actions, (status, body))
        upload = urlsplit(actions["upload"]["href"])
        put_path = f"{upload.path}?{upload.query}"
        signed = actions["upload"]["header"]
        status, _, _ = fake.call("PUT", put_path, data, headers=signed)
        check("hub lfs: a PUT with the Hub's token is refused", status == 400, status)
        status, _, _ = fake.call("PUT", put_path, data + b"x", token=None, headers=signed)
        check("hub lfs: a PUT of other bytes is refused", status == 400, status)
        status, _, _ = fake.call("PUT", put_path, data, token=None)
        check("hub lfs: an unsigned PUT is refused", status == 403, status)
        status, headers, _ = fake.call("PUT", put_path, data, token=None, headers=signed)
        check("hub lfs: the PUT 200 with an ETag", status == 200 and "etag" in headers, (status, headers))
        verify = urlsplit(actions["verify"]["href"]).path
        status, _, _ = fake.call_json("POST", verify, {"oid": oid, "size": len(data)})
        check("hub lfs: verify 200", status == 200, status)
        status, _, body = fake.call("POST", batch_path, json.dumps(batch).encode(), headers=lfs_headers)
        check("hub lfs: an object held has no actions", status == 200 and "actions" not in json.loads(body)["objects"][0],
              (status, body))
        header = {"key": "header", "value": {"summary": "Upload", "description": ""}}
        lfs_line = {"key": "lfsFile", "value": {"path": "data/train.csv", "algo": "sha256", "oid": oid, "size": len(data)}}
        missing = {"key": "lfsFile", "value": {**lfs_line["value"], "oid": "0" * 64}}
        commit = "/api/datasets/me/big/commit/main"
        status, _, _ = fake.call("POST", commit, ndjson(header, missing), headers={"Content-Type": "application/x-ndjson"})
        check("hub lfs: a commit of an object never uploaded 400", status == 400, status)
        status, _, _ = fake.call("POST", commit, ndjson(header, lfs_line), headers={"Content-Type": "application/x-ndjson"})
        status, _, served = fake.call("GET", "/datasets/me/big/resolve/main/data/train.csv")
        check("hub lfs: the committed LFS file served back", status == 200 and served == data, (status, served[:40]))
        status, _, stats = fake.call_json("GET", "/_fake/stats")
        hub = stats["hub"]
        check("hub lfs: stats", hub["lfs_batches"] == 2 and hub["lfs_puts"] == 4 and hub["lfs_puts_with_authorization"] == 1
              and hub["lfs_verifies"] == 1, hub)
    finally:
        check("SIGTERM exits cleanly (hub lfs)", fake.stop() == 0)


def main():
    with tempfile.TemporaryDirectory(prefix="fake_hf_selftest-") as workdir:
        write_jsonl(Path(workdir) / "pb.jsonl", phrasebank_rows())
        write_jsonl(Path(workdir) / "reviews.jsonl", REVIEWS)
        fake = Fake(workdir, "main", main_scenario())
        try:
            for test in (test_rows, test_viewer_errors, test_splits_info_size, test_zip, test_chat,
                         test_chat_validation, test_script, test_tgi, test_auth_and_stats, test_keep_alive):
                test(fake)
        finally:
            fake.stop()
        test_fixed_and_error(workdir)
        test_flip_and_fail(workdir)
        test_page_faults(workdir)
        test_page_size_and_counts(workdir)
        test_endless_and_bomb(workdir)
        test_real_shapes(workdir)
        test_models_list(workdir)
        test_batch_api(workdir)
        test_batch_outcomes(workdir)
        test_hub(workdir)
        test_hub_lfs(workdir)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
