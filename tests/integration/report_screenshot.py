#!/usr/bin/env python3
"""The HTML report as a person sees it: a run against the fake (gold labels, a model that flips a
quarter of them, and one without gold), each --report rendered by headless Chromium.

Checks the screenshot is not blank (non-white pixels and distinct colours, decoded with zlib alone),
that the confusion matrix's blue ramp is on screen, and, in the DOM Chromium built, the legend, the
pattern table and the review table. Exits 77 (skipped) when chromium is not installed.
Keep the PNGs to look at them: --keep DIR.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run_scenario import FakeServer, png_pixels  # noqa: E402

FIXTURE = HERE.parent / "fixtures" / "phrasebank_small.jsonl"
TOKEN = "hf_report_screenshot_token"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
SKIP = 77


def scenario(tmp):
    return {"token": TOKEN,
            "datasets": {"takala/financial_phrasebank": {
                "viewer": {"status": 501, "body": {"error": "no"}},
                "configs": {"sentences_allagree": {"file": str(FIXTURE)}}, "zip": {}}},
            "model": {"policy": "gold", "flip_rate": 0.25}}


def run_synthgen(binary, base, tmp, name, extra):
    report = tmp / f"{name}.html"
    command = [binary, "--endpoint", f"{base}/v1", "--datasets-server", base, "--hub-endpoint", base,
               "--output", str(tmp / f"{name}.csv"), "--report", str(report), "--cache", str(tmp / "store.sqlite3"),
               "--no-report", *extra]
    result = subprocess.run(command, env={"HF_TOKEN": TOKEN, "HOME": str(tmp), "PATH": "/usr/bin:/bin"}, cwd=tmp,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"FAIL synthgen {name} exited {result.returncode}: {result.stderr[-800:]}")
    return report


def chromium_run(chromium, tmp, *args):
    profile = tempfile.mkdtemp(dir=tmp, prefix="profile.")
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=120)


def check_screenshot(png, gold):
    """Problems with the picture: blank, too few colours, or (with gold) no dark cell of the ramp."""
    width, height, rows, bpp = png_pixels(png.read_bytes())
    samples = [row[x:x + 3] for row in rows[::3] for x in range(0, width * bpp, bpp * 3)]
    inked = sum(1 for p in samples if min(p) < 235)
    colours = len(set(samples))
    ramp = sum(1 for r, g, b in samples if b > 90 and b - r > 60 and r < 100)  # the dark end of the blues
    problems = []
    if inked < len(samples) // 50:
        problems.append(f"{png}: only {inked} of {len(samples)} sampled pixels are not white: blank or nearly")
    if colours < 20:
        problems.append(f"{png}: {colours} distinct colours (wanted 20+)")
    if gold and ramp < 200:
        problems.append(f"{png}: {ramp} dark-blue pixels: the confusion matrix's ramp is not on screen")
    print(f"{png.name}: {width}x{height}, {inked}/{len(samples)} inked samples, {colours} colours, {ramp} dark blue")
    return problems


def check_dom(dom, gold):
    wanted = ['id="patterns"', 'id="review"', "Agreement by vote pattern", "Labels in the training file"]
    if gold:
        wanted += ['id="cm-legend"', "share of the gold row", "gold label", "model label"]
    return [f"DOM lacks {w!r}" for w in wanted if w not in dom]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, type=lambda p: str(Path(p).resolve()))
    parser.add_argument("--keep", type=Path, help="copy the reports and screenshots here")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("SKIP: chromium is not installed (.ci/run installs it: apt-get install chromium)")
        return SKIP
    problems = []
    with tempfile.TemporaryDirectory(prefix="report_screenshot.") as name:
        tmp = Path(name)
        (tmp / "scenario.json").write_text(json.dumps(scenario(tmp)))
        with FakeServer(tmp / "scenario.json", HERE, tmp) as server:
            unlabeled = tmp / "unlabeled.jsonl"
            unlabeled.write_text("".join(json.dumps({"sentence": json.loads(line)["sentence"]}) + "\n"
                                         for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()))
            reports = {"gold": run_synthgen(args.binary, server.base, tmp, "gold", []),
                       "no_gold": run_synthgen(args.binary, server.base, tmp, "no_gold",
                                               ["--input", str(unlabeled), "--labels", "negative,neutral,positive"])}
        for kind, report in reports.items():
            gold = kind == "gold"
            png = tmp / f"{kind}.png"
            shot = chromium_run(chromium, tmp, f"--screenshot={png}", "--window-size=1200,2000", report.as_uri())
            if not png.is_file():
                problems.append(f"{kind}: chromium wrote no screenshot (exit {shot.returncode}): {shot.stderr[-500:]!r}")
                continue
            problems += check_screenshot(png, gold)
            dom = chromium_run(chromium, tmp, "--dump-dom", report.as_uri()).stdout.decode(errors="replace")
            problems += [f"{kind}: {p}" for p in check_dom(dom, gold)]
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(png, args.keep)
                shutil.copy(report, args.keep)
    for problem in problems:
        print("FAIL", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
