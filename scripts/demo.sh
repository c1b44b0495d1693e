#!/usr/bin/env bash
# Sets everything up and runs the main job, `synthgen --subset sentences_allagree --n-sample 100`,
# against the project's local fake of the Hugging Face services (this machine has no internet).
# The fake serves Financial PhraseBank from ../shared/data when it is there, else a small fixture;
# its "model" answers the gold label with 10 % deterministic noise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/install-deps.sh
scripts/build.sh
work=$(mktemp -d /tmp/synthgen-demo.XXXXXX)
data="$root/../shared/data/financial_phrasebank/sentences_allagree.jsonl"
[ -f "$data" ] || data="$root/tests/fixtures/phrasebank_small.jsonl"
tests/fake_hf/phrasebank_scenario.sh "$data" hf_demo_token_for_the_local_fake >"$work/scenario.json"
python3 tests/fake_hf/fake_hf.py --scenario "$work/scenario.json" --port-file "$work/port" &
fake=$!
trap 'kill $fake 2>/dev/null; wait $fake 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do [ -s "$work/port" ] && break; kill -0 $fake; sleep 0.05; done
base="http://127.0.0.1:$(cat "$work/port")"
HF_TOKEN=hf_demo_token_for_the_local_fake ./build/synthgen --subset sentences_allagree --n-sample "${N_SAMPLE:-100}" \
  --endpoint "$base/v1" --datasets-server "$base" --hub-endpoint "$base" \
  --output "${OUTPUT:-df_train.csv}" --metrics-json "${METRICS:-metrics.json}" "$@" || status=$?
# After --push-to-hub: what the fake Hub holds (kept in its memory only) copied under ./hub/OWNER/NAME/.
case " $* " in
  *" --push-to-hub "*) python3 tests/fake_hf/hub_copy.py "$base" hub ;;
esac
exit "${status:-0}"
