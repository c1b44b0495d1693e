#!/usr/bin/env python3
"""The bad-input table (bad_inputs/table.json) as one test.

Each row is something a user gets wrong, with the exit code and the one `synthgen: error:` line they
must get; each row runs the real binary against the fake Hugging Face server, with the df_train.csv
of an earlier run in place, and checks that file is untouched (rows marked "clobbers_output", the
quality gate, check instead that the new file was written). Then README.md's exit-code table is
checked against the table: every (code, kind) used here must be documented, and every documented
code except 0, 1 and 130 (done, internal, interrupted: tested elsewhere) must be used here.

Usage: run_bad_inputs.py --binary PATH/TO/synthgen [--only NAME]
Prints one line per row and `N passed, N failed`; exits 1 on any failure.
"""
import argparse
import contextlib
import io
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import run_scenario

HERE = Path(__file__).resolve().parent
TABLE = HERE / "bad_inputs" / "table.json"
README = HERE.parent.parent / "README.md"
FIXTURES = HERE.parent / "fixtures"
TOKEN = "hf_secret_fake_token_0123456789abcdef"
EARLIER_OUTPUT = "text,labels\nfrom an earlier run,neutral\n"
ROW_KEYS = {"name", "kind", "exit", "args", "env", "files", "error", "server", "clobbers_output", "devices", "symlinks"}
NOT_IN_TABLE = {0, 1, 130}


def scenario_for(row, server_file):
    expect = {"exit": row["exit"], "stderr_single_error_line": True,
              "stderr_regex": [r"^synthgen: error: .*" + row["error"]], "secret_absent": TOKEN}
    if row.get("clobbers_output"):
        expect["csv"] = {"path": "{tmp}/df_train.csv", "header": ["text", "labels"]}
    else:
        expect["file_unchanged"] = ["{tmp}/df_train.csv"]
    run = {"description": row["name"], "args": ["--output", "{tmp}/df_train.csv", "--max-retry-wait", "0.01"] + row["args"],
           "env": {"HF_TOKEN": TOKEN, **row.get("env", {})},
           "files": {"{tmp}/df_train.csv": EARLIER_OUTPUT, **row.get("files", {})}, "expect": expect,
           **{key: row[key] for key in ("devices", "symlinks") if key in row}}
    scenario = {"description": row["name"], "server_file": str(server_file), "runs": [run]}
    return json.loads(json.dumps(scenario).replace("{fixtures}", str(FIXTURES)))


def run_row(row, table, binary):
    unknown = set(row) - ROW_KEYS
    if unknown:
        return f"unknown key(s) {sorted(unknown)}"
    server_file = TABLE.parent / row.get("server", table["server_file"])
    tmp = Path(tempfile.mkdtemp(prefix="synthgen-bad-input-")).resolve()
    try:
        path = tmp / "scenario.json"
        path.write_text(json.dumps(scenario_for(row, server_file)), encoding="utf-8")
        work = tmp / "run"
        work.mkdir()
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            code = run_scenario.run_scenario(path, binary, work)
        return None if code == 0 else captured.getvalue()
    except run_scenario.ScenarioError as exc:
        return f"scenario error: {exc}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def readme_exit_codes():
    """{code: kind} from the README's `| code | kind | ... |` table."""
    table = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*(\d+)\s*\|\s*([a-z]+)\s*\|", line)
        if match:
            table[int(match.group(1))] = match.group(2)
    return table


def readme_problems(rows):
    documented = readme_exit_codes()
    problems = []
    for row in rows:
        if documented.get(row["exit"]) != row["kind"]:
            problems.append(f"README documents exit {row['exit']} as {documented.get(row['exit'])!r}, the table as {row['kind']!r} ({row['name']})")
    used = {row["exit"] for row in rows}
    for code, kind in sorted(documented.items()):
        if code not in used and code not in NOT_IN_TABLE:
            problems.append(f"README documents exit {code} ({kind}) but no row of the table produces it")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, type=Path)
    parser.add_argument("--only", help="run only the row with this name")
    args = parser.parse_args()
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    rows = [r for r in table["rows"] if args.only in (None, r["name"])]
    passed = failed = 0
    for row in rows:
        failure = run_row(row, table, str(args.binary.resolve()))
        if failure is None:
            passed += 1
            print(f"ok    exit {row['exit']} {row['kind']:<8} {row['name']}")
        else:
            failed += 1
            print(f"FAIL  exit {row['exit']} {row['kind']:<8} {row['name']}\n{failure}")
    if args.only is None:
        for problem in readme_problems(table["rows"]):
            failed += 1
            print(f"FAIL  README: {problem}")
        else:
            passed += 1
    print(f"{len(table['rows'])} rows in the bad-input table")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
