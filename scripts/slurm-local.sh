#!/usr/bin/env bash
# A real one-machine Slurm cluster (munged + slurmctld + slurmd) for CI and the Slurm tests.
#   scripts/slurm-local.sh start    installs slurm-wlm and munge if missing, starts the daemons in the
#                                   background and waits until the node is idle; prints the line
#                                   `export SLURM_CONF=...` on stdout (all else goes to stderr), so:
#                                     slurm_env=$(bash scripts/slurm-local.sh start) && eval "$slurm_env"
#                                   Run again while it is up: prints the same line and starts nothing.
#   scripts/slurm-local.sh stop     stops the daemons that start started (by their pid files); never fails.
#   scripts/slurm-local.sh status   sinfo and squeue.
# Everything (slurm.conf, munge key and socket, spool, state, pid files, logs) lives in the state
# directory ${SLURM_LOCAL_DIR:-/tmp/synthgen-slurm}; nothing in /etc is changed and no system service is
# started. Ports: 6817 and 6818 when free, else the next free ones (or SLURM_LOCAL_CTLD_PORT /
# SLURM_LOCAL_SLURMD_PORT). Needs root (the daemons run as root; slurmd starts the jobs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=${SLURM_LOCAL_DIR:-/tmp/synthgen-slurm}
conf=$state/slurm.conf
munge_dir=$state/munge
munge_socket=$munge_dir/munge.socket.2
start_timeout=${SLURM_LOCAL_START_TIMEOUT:-90}

log() { echo "slurm-local: $*" >&2; }

# Process PID is alive (a zombie is not: a killed daemon stays one until PID 1 reaps it) and is COMMAND.
running() {
  local pid=$1 command=$2 stat
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$command" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

# The pid in FILE when that process is running and is COMMAND (a reused pid is not ours).
alive_pid() {
  local file=$1 command=$2 pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && running "$pid" "$command" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port_from() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Polls COMMAND... every 0.2 s until it succeeds or SECONDS_LEFT run out.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

node_idle() {
  local s
  s=$(SLURM_CONF=$conf sinfo -h -N -n "$node" -o '%t' 2>/dev/null) || return 1
  case "$s" in idle | mix | alloc) return 0 ;; esac
  return 1
}

show_logs() {
  local f
  for f in "$state"/log/*.log; do
    [ -f "$f" ] || continue
    log "--- last lines of $f"
    tail -n 25 "$f" >&2 || true
  done
}

write_conf() {
  local ctld_port slurmd_port cpus mem_total real_memory
  ctld_port=${SLURM_LOCAL_CTLD_PORT:-$(free_port_from 6817)}
  slurmd_port=${SLURM_LOCAL_SLURMD_PORT:-$(free_port_from $((ctld_port + 1)))}
  cpus=$(nproc)
  mem_total=$(free -m | awk '/^Mem:/ {print $2}')
  # Leave a tenth (at least 256 MB) to the machine: slurmd drains a node that has less than RealMemory.
  real_memory=$((mem_total - (mem_total / 10 > 256 ? mem_total / 10 : 256)))
  [ "$real_memory" -ge 1 ] || real_memory=1
  cat >"$conf.tmp" <<EOF
# Written by scripts/slurm-local.sh: a one-machine Slurm for synthgen's CI and tests.
ClusterName=synthgen
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool/slurmd
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_memory State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
  mv "$conf.tmp" "$conf"
}

start_munged() {
  if alive_pid "$munge_dir/munged.pid" munged >/dev/null; then return 0; fi
  mkdir -p "$munge_dir"
  # 0755: every user's sbatch and sinfo reach the socket; the key itself is root's alone.
  chmod 0755 "$munge_dir"
  if [ ! -s "$munge_dir/munge.key" ]; then
    log "creating a munge key in $munge_dir"
    (umask 077 && dd if=/dev/urandom of="$munge_dir/munge.key" bs=1 count=1024 status=none)
  fi
  chmod 0400 "$munge_dir/munge.key"
  rm -f "$munge_socket" "$munge_socket.lock"
  munged --force --key-file="$munge_dir/munge.key" --socket="$munge_socket" \
    --pid-file="$munge_dir/munged.pid" --log-file="$state/log/munged.log" --seed-file="$munge_dir/munged.seed"
  wait_until 20 "munged to answer" sh -c "munge -n -S '$munge_socket' | unmunge -S '$munge_socket' >/dev/null 2>&1"
}

start() {
  if [ "$(id -u)" -ne 0 ]; then
    log "needs root (the Slurm daemons run as root here)"
    exit 1
  fi
  node=$(hostname -s)
  # Up already (this state directory's daemons alive and the node answering): nothing to do.
  if [ -f "$conf" ] && alive_pid "$munge_dir/munged.pid" munged >/dev/null &&
    alive_pid "$state/run/slurmctld.pid" slurmctld >/dev/null &&
    alive_pid "$state/run/slurmd.pid" slurmd >/dev/null && node_idle; then
    log "already running ($conf)"
    echo "export SLURM_CONF=$conf"
    return 0
  fi
  local t0=$SECONDS
  # The daemons' binaries; apt's output goes to stderr so that stdout stays the export line.
  "$here/apt-install-missing.sh" slurm-wlm munge >&2
  # Whatever is half up from an earlier start goes down first, so one configuration is in force.
  stop_daemons
  mkdir -p "$state"/{ctld,spool/slurmd,run,log}
  chmod 0755 "$state"
  write_conf
  start_munged
  log "starting slurmctld and slurmd ($conf)"
  # -c: a clean controller state (no jobs or node states left from an earlier run).
  SLURM_CONF=$conf slurmctld -c
  SLURM_CONF=$conf slurmd
  if ! wait_until "$start_timeout" "node $node to be idle in sinfo" node_idle; then
    SLURM_CONF=$conf sinfo -N -l >&2 || true
    show_logs
    exit 1
  fi
  log "up in $((SECONDS - t0)) s: node $node idle ($conf)"
  echo "export SLURM_CONF=$conf"
}

# SIGTERM to the process in FILE if it is COMMAND, SIGKILL after 10 s; never fails.
stop_one() {
  local file=$1 command=$2 pid deadline
  pid=$(alive_pid "$file" "$command") || {
    rm -f "$file"
    return 0
  }
  log "stopping $command ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 10))
  while running "$pid" "$command" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if running "$pid" "$command"; then
    log "$command ($pid) still up after 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  return 0
}

# Cancels every job of this cluster (left running, their tasks would outlive slurmd), waiting up to 15 s.
cancel_jobs() {
  local jobs deadline=$((SECONDS + 15))
  alive_pid "$state/run/slurmctld.pid" slurmctld >/dev/null || return 0
  jobs=$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ') || return 0
  [ -n "${jobs// /}" ] || return 0
  log "cancelling jobs: $jobs"
  # shellcheck disable=SC2086 # one job id a word
  SLURM_CONF=$conf timeout 10 scancel $jobs 2>/dev/null || true
  while [ -n "$(SLURM_CONF=$conf timeout 10 squeue -h -o %A 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done
  return 0
}

stop_daemons() {
  cancel_jobs || true
  stop_one "$state/run/slurmd.pid" slurmd
  stop_one "$state/run/slurmctld.pid" slurmctld
  stop_one "$munge_dir/munged.pid" munged
}

status() {
  if [ ! -f "$conf" ]; then
    log "no $conf: not started"
    return 1
  fi
  SLURM_CONF=$conf sinfo
  SLURM_CONF=$conf squeue
}

case "${1:-}" in
  start) start ;;
  stop) stop_daemons || true ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
