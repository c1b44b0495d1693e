#!/usr/bin/env bash
# Prints a fake_hf.py scenario that serves Financial PhraseBank as the Hub does today (the viewer
# refuses the script dataset, the zip is there) from a .jsonl of sentence/label rows, with a model
# that answers the gold label, flipped for a tenth of the votes, and a Hub that takes pushes with the token.
# Usage: phrasebank_scenario.sh DATA.jsonl TOKEN [LATENCY_MS] [FLIP_RATE]
set -euo pipefail
data=$1 token=$2 latency=${3:-0} flip=${4:-0.1}
cat <<JSON
{"token": "$token",
 "datasets": {"takala/financial_phrasebank": {
   "viewer": {"status": 501, "body": {"error": "Dataset scripts are no longer supported"},
              "headers": {"X-Error-Code": "DatasetWithScriptNotSupportedError"}},
   "configs": {"sentences_allagree": {"file": "$data"}},
   "zip": {"line_ending": "\r\n", "redirect": true}}},
 "hub": {"token": "$token"},
 "model": {"policy": "gold", "flip_rate": $flip, "style": "auto", "latency_ms": $latency}}
JSON
