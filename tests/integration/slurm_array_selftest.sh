#!/usr/bin/env bash
# Checks that the Slurm named by SLURM_CONF runs job arrays and what it tells each task: submits
# --array=0-3, --array=1-4 and --array=0-6:2; every task writes its SLURM_ARRAY_TASK_ID, _MIN, _STEP,
# _COUNT (and _MAX, SLURM_ARRAY_JOB_ID) to a file; the files must all appear within 120 s with the
# values `synthgen --shard auto` reads. Prints what each task saw.
# Exits 77 (CTest: skipped) when SLURM_CONF is not set or sinfo fails: start a local Slurm with
#   slurm_env=$(bash scripts/slurm-local.sh start) && eval "$slurm_env"
# (CI's .ci/run does).
set -euo pipefail

timeout_s=${SLURM_SELFTEST_TIMEOUT:-120}

# shellcheck source=require_slurm.sh disable=SC2154
source "$(dirname "$0")/require_slurm.sh"
echo "slurm: $SLURM_CONF; partitions: $sinfo_out"

work=$(mktemp -d "${TMPDIR:-/tmp}/synthgen-slurm-selftest.XXXXXX")
chmod 0755 "$work"
job_ids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  local id
  for id in "${job_ids[@]}"; do scancel "$id" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The task: one line of the array variables, written whole (temp file, then rename).
cat >"$work/task.sh" <<'EOF'
#!/usr/bin/env bash
set -eu
out=$1/task.$SLURM_ARRAY_TASK_ID
echo "SLURM_ARRAY_TASK_ID=$SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN=${SLURM_ARRAY_TASK_MIN-unset}" \
  "SLURM_ARRAY_TASK_MAX=${SLURM_ARRAY_TASK_MAX-unset} SLURM_ARRAY_TASK_STEP=${SLURM_ARRAY_TASK_STEP-unset}" \
  "SLURM_ARRAY_TASK_COUNT=${SLURM_ARRAY_TASK_COUNT-unset} SLURM_ARRAY_JOB_ID=${SLURM_ARRAY_JOB_ID-unset}" >"$out.tmp"
mv "$out.tmp" "$out"
EOF
chmod 0755 "$work/task.sh"

# form -> expected ids, min, step, count
forms=("0-3" "1-4" "0-6:2")
declare -A want_ids=([0-3]="0 1 2 3" [1-4]="1 2 3 4" [0-6:2]="0 2 4 6")
declare -A want_min=([0-3]=0 [1-4]=1 [0-6:2]=0)
declare -A want_step=([0-3]=1 [1-4]=1 [0-6:2]=2)
declare -A want_count=([0-3]=4 [1-4]=4 [0-6:2]=4)
declare -A job_of

for form in "${forms[@]}"; do
  dir=$work/${form//[:]/_}
  mkdir -p "$dir"
  chmod 0777 "$dir"
  id=$(sbatch --parsable --array="$form" --job-name="selftest-$form" --time=5 --ntasks=1 --cpus-per-task=1 \
    --chdir="$work" --output="$dir/slurm-%A_%a.out" "$work/task.sh" "$dir")
  id=${id%%;*}
  job_ids+=("$id")
  job_of[$form]=$id
  echo "submitted --array=$form as job $id"
done

missing() {
  local form dir i out=""
  for form in "${forms[@]}"; do
    dir=$work/${form//[:]/_}
    for i in ${want_ids[$form]}; do [ -s "$dir/task.$i" ] || out+=" --array=$form:task.$i"; done
  done
  echo "$out"
}

deadline=$((SECONDS + timeout_s))
while [ -n "$(missing)" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "FAIL: after ${timeout_s}s these tasks wrote nothing:$(missing)"
    echo "--- squeue"
    squeue -l || true
    echo "--- sinfo"
    sinfo -N -l || true
    for form in "${forms[@]}"; do
      echo "--- job ${job_of[$form]} (--array=$form)"
      scontrol show job "${job_of[$form]}" 2>&1 | head -n 40 || true
      cat "$work/${form//[:]/_}"/slurm-*.out 2>/dev/null || true
    done
    exit 1
  fi
  sleep 0.5
done

fail=0
for form in "${forms[@]}"; do
  dir=$work/${form//[:]/_}
  echo "--array=$form (job ${job_of[$form]}):"
  seen_ids=""
  for f in "$dir"/task.*; do
    line=$(cat "$f")
    echo "  $line"
    declare -A v=()
    for kv in $line; do v[${kv%%=*}]=${kv#*=}; done
    seen_ids+=" ${v[SLURM_ARRAY_TASK_ID]}"
    for check in "SLURM_ARRAY_TASK_MIN ${want_min[$form]}" "SLURM_ARRAY_TASK_STEP ${want_step[$form]}" \
      "SLURM_ARRAY_TASK_COUNT ${want_count[$form]}" "SLURM_ARRAY_JOB_ID ${job_of[$form]}"; do
      read -r name want <<<"$check"
      if [ "${v[$name]}" != "$want" ]; then
        echo "  FAIL: --array=$form task ${v[SLURM_ARRAY_TASK_ID]}: $name=${v[$name]}, want $want"
        fail=1
      fi
    done
    unset v
  done
  seen_sorted=$(tr ' ' '\n' <<<"$seen_ids" | sed '/^$/d' | sort -n | tr '\n' ' ')
  if [ "${seen_sorted% }" != "${want_ids[$form]}" ]; then
    echo "  FAIL: --array=$form task ids ${seen_sorted% }, want ${want_ids[$form]}"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "PASS: every array task ran with the expected SLURM_ARRAY_TASK_* values"
exit "$fail"
