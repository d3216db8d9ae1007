#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for the cluster module's tests, idempotently,
# and prints the env exports.
#
#   eval "$(bash .ci/slurm.sh)"     # then QMETER_SLURM=1 is set and sbatch/squeue/sacct/scancel work
#
# Installs Debian's slurm-wlm and munge when missing (needs root and apt), writes a slurm.conf for
# one node (this host, all its CPUs, no GPUs) with ProctrackType=proctrack/linuxproc,
# TaskPlugin=task/none, SelectType=select/cons_tres, state and spool directories under /tmp and NO
# cgroup.conf (22.05 has no CgroupPlugin=disabled; with a cgroup.conf slurmd refuses to start), and
# starts munged, slurmctld and slurmd as root. Running it again changes nothing when all three run.
# Progress goes to stderr; only the export lines go to stdout.
set -euo pipefail

log() { echo "slurm.sh: $*" >&2; }

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  log "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq slurm-wlm munge >&2
fi

BASE=/tmp/qmeter-slurm
HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.8}' /proc/meminfo)
mkdir -p "$BASE/state" "$BASE/spool" "$BASE/log" /etc/slurm
chmod 755 "$BASE"

# munge: a key once, then the daemon
if [ ! -s /etc/munge/munge.key ]; then
  log "creating the munge key"
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "starting munged"
  if id munge >/dev/null 2>&1; then
    su -s /bin/sh munge -c "/usr/sbin/munged" >&2 || /usr/sbin/munged --force >&2
  else
    /usr/sbin/munged --force >&2
  fi
  for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
fi

CONF=/etc/slurm/slurm.conf
WANT=$(cat <<CONFEOF
# written by qmeter .ci/slurm.sh: a one-node cluster for tests
ClusterName=qmeter
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=300
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONFEOF
)
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$WANT" ]; then
  log "writing $CONF"
  printf '%s\n' "$WANT" > "$CONF"
  # a config change needs fresh daemons
  [ -f "$BASE/slurmctld.pid" ] && kill "$(cat "$BASE/slurmctld.pid")" 2>/dev/null || true
  [ -f "$BASE/slurmd.pid" ] && kill "$(cat "$BASE/slurmd.pid")" 2>/dev/null || true
  sleep 1
fi
rm -f /etc/slurm/cgroup.conf

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! running "$BASE/slurmctld.pid"; then
  log "starting slurmctld"
  /usr/sbin/slurmctld >&2
fi
if ! running "$BASE/slurmd.pid"; then
  log "starting slurmd"
  /usr/sbin/slurmd >&2
fi

for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then break; fi
  scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
if ! sinfo -h -o '%T' | grep -Eq '^(idle|mixed|allocated)'; then
  log "the node did not become idle: $(sinfo -h -N -o '%N %T %E' 2>&1)"
  tail -20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2 || true
  exit 1
fi
log "ready: $(sinfo -h -o '%P %D %T %C')"

echo "export QMETER_SLURM=1"
echo "export QMETER_SLURM_PARTITION=debug"
