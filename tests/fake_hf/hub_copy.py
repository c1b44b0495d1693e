#!/usr/bin/env python3
"""Copies what the fake Hub holds (fake_hf.py's /_fake/stats "hub") into a directory, one file per
committed path of each repo's main revision, so a person can read what a --push-to-hub published.
Usage: hub_copy.py BASE_URL DIR. Standard library only."""
import json
import pathlib
import sys
import urllib.request


def main():
    base, target = sys.argv[1], pathlib.Path(sys.argv[2])
    with urllib.request.urlopen(base + "/_fake/stats") as answer:
        repos = json.load(answer)["hub"]["repos"]
    for repo, held in sorted(repos.items()):
        for path, text in sorted(held["revisions"].get("main", {}).items()):
            out = target / repo / path
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            print(f"demo: the fake Hub holds {repo}:{path} ({len(text.encode('utf-8')):,} bytes), copied to {out}")


if __name__ == "__main__":
    main()
