#!/usr/bin/env bash
# Sets everything up and runs the main job, `synthgen --subset sentences_allagree --n-sample 100`,
# against the project's local fake of the Hugging Face services (this machine has no internet).
# The fake serves Financial PhraseBank from ../shared/data when it is there, else a small fixture;
# its "model" answers the gold label with 10 % deterministic noise.
# VIA=vllm gets the answers through `vllm run-batch` instead (a stand-in that answers as the fake
# does: tests/fake_hf/fake_vllm_run_batch.py), VIA=batch-api through the fake's OpenAI Batch API:
# export or submit, answer, import or collect, in rounds until nothing is left, each round's requests
# printed; then the same run writes the labels from the store with 0 requests. Both use a fresh store
# in the demo's temporary directory, so that every answer comes through the engine.
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
export HF_TOKEN=hf_demo_token_for_the_local_fake
run_flags=(--subset sentences_allagree --n-sample "${N_SAMPLE:-100}" --endpoint "$base/v1" --datasets-server "$base"
  --hub-endpoint "$base")
via=${VIA:-live}
case $via in
  live) ;;
  vllm | batch-api) run_flags+=(--cache "$work/responses.sqlite3") ;;
  *) echo "demo.sh: VIA must be live, vllm or batch-api, not $via" >&2; exit 2 ;;
esac
# One round of a batch engine; prints how many requests it answered (0: nothing was left to ask).
vllm_round() {
  rm -f "$work"/requests*.jsonl
  ./build/synthgen batch export "${run_flags[@]}" --batch-out "$work/requests.jsonl" "$@" >&2
  local parts=("$work"/requests*.jsonl) requests
  requests=$(cat "${parts[@]}" | wc -l)
  [ "$requests" -gt 0 ] || { echo 0; return; }
  local results=()
  for part in "${parts[@]}"; do
    python3 tests/fake_hf/fake_vllm_run_batch.py -i "$part" -o "${part%.jsonl}.out.jsonl" \
      --model mistralai/Mixtral-8x7B-Instruct-v0.1 --scenario "$work/scenario.json"
    results+=("${part%.jsonl}.out.jsonl")
  done
  ./build/synthgen batch import "${run_flags[@]}" "$@" "${results[@]}" >&2
  echo "$requests"
}
batch_api_round() {
  local submitted requests
  submitted=$(./build/synthgen batch submit "${run_flags[@]}" "$@")
  echo "$submitted" >&2
  requests=$(awk '/^submitted [^ ]+: [0-9]+ requests/ {n += $3} END {print n + 0}' <<<"$submitted")
  [ "$requests" -gt 0 ] || { echo 0; return; }
  ./build/synthgen batch collect "${run_flags[@]}" --wait --poll-interval 0.2 "$@" >&2
  echo "$requests"
}
if [ "$via" != live ]; then
  round=0
  while :; do
    requests=$("${via/-/_}_round" "$@")
    [ "$requests" -gt 0 ] || break
    round=$((round + 1))
    echo "demo.sh: $via round $round: $requests requests answered" >&2
  done
  echo "demo.sh: $via: $round rounds; the labels now come from the store" >&2
fi
./build/synthgen "${run_flags[@]}" --output "${OUTPUT:-df_train.csv}" --metrics-json "${METRICS:-metrics.json}" "$@" || status=$?
# After --push-to-hub: what the fake Hub holds (kept in its memory only) copied under ./hub/OWNER/NAME/.
case " $* " in
  *" --push-to-hub "*) python3 tests/fake_hf/hub_copy.py "$base" hub ;;
esac
exit "${status:-0}"
