# Sourced by the Slurm tests: exits 77 (CTest: skipped) unless SLURM_CONF names a readable file and
# sinfo answers; sets sinfo_out to the partitions. Start a local Slurm with
#   slurm_env=$(bash scripts/slurm-local.sh start) && eval "$slurm_env"
if [ -z "${SLURM_CONF:-}" ]; then
  echo "SKIP: SLURM_CONF is not set (no Slurm to test; scripts/slurm-local.sh start gives one)"
  exit 77
fi
if [ ! -r "$SLURM_CONF" ]; then
  # (sinfo would retry a missing file for 60 s.)
  echo "SKIP: SLURM_CONF=$SLURM_CONF is not a readable file"
  exit 77
fi
if ! command -v sbatch >/dev/null || ! sinfo_out=$(timeout 30 sinfo -h -o '%P %a %D %t' 2>&1); then
  echo "SKIP: sinfo fails with SLURM_CONF=$SLURM_CONF: ${sinfo_out:-sbatch/sinfo not installed}"
  exit 77
fi
