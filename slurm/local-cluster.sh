#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine (munged, slurmctld, slurmd), with all its
# state, logs, key and pid files under one folder: to try batch mode on one machine, and for
# the tests.
#   slurm/local-cluster.sh start [DIR]    install slurm-wlm and munge if missing, start the daemons
#   slurm/local-cluster.sh stop [DIR]     stop them by their pid files
#   slurm/local-cluster.sh status [DIR]   daemons and node state
#   slurm/local-cluster.sh env [DIR]      the line to eval: export SLURM_CONF=DIR/slurm.conf
# DIR defaults to $TELEMINE_SLURM_DIR, else /tmp/telemine-slurm. Runs as root (SlurmUser=root).
set -euo pipefail
cmd=${1:-status}
DIR=$(realpath -m "${2:-${TELEMINE_SLURM_DIR:-/tmp/telemine-slurm}}")
CONF="$DIR/slurm.conf"
NODE=$(hostname -s)
# Ports derived from the folder, so that two clusters (say, a test's and a user's) can coexist.
PORT=$((16000 + $(printf %s "$DIR" | cksum | cut -d' ' -f1) % 2000 * 2))

need_packages() {
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -ne 0 ]; then
    echo "the local cluster needs: apt-get install -y ${missing[*]} (as root)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null; }

write_conf() {
  local cpus mem
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  cat > "$CONF" <<EOC
# Written by slurm/local-cluster.sh: a single-node cluster, all state under $DIR.
ClusterName=telemine-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
# No cgroups on this machine: track processes through /proc, no task affinity.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Debian's Open MPI speaks PMIx only.
MpiDefault=pmix
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=bf_interval=1
# Oversubscribed on purpose: a small machine runs a stats job next to a campaign's tasks.
SlurmdParameters=config_overrides
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$((cpus * 4)) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOC
}

start() {
  need_packages
  mkdir -p "$DIR"/{munge,state,spool,log,run}
  chmod 755 "$DIR" "$DIR/munge"  # munged insists on a socket folder others cannot write
  if alive "$DIR/run/slurmctld.pid"; then
    echo "already running: $(env_line)"
    return
  fi
  [ -f "$DIR/munge/munge.key" ] || mungekey --create --keyfile="$DIR/munge/munge.key" > /dev/null
  chmod 600 "$DIR/munge/munge.key"
  if ! alive "$DIR/run/munged.pid"; then
    munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
      --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/munge.seed"
  fi
  write_conf
  export SLURM_CONF="$CONF"
  slurmctld -f "$CONF"
  slurmd -f "$CONF"
  # A loaded machine can take a while to register the node: up to a minute.
  for _ in $(seq 300); do
    state=$(sinfo -h -N -o %T 2> /dev/null | head -1 || true)
    case "$state" in idle*|mixed*|alloc*) echo "local Slurm cluster up: $(env_line)"; return ;; esac
    sleep 0.2
  done
  echo "the node did not come up (state '${state:-none}'); logs in $DIR/log:" >&2
  tail -n 20 "$DIR"/log/*.log >&2 || true
  stop
  exit 1
}

stop() {
  for d in slurmd slurmctld munged; do
    local pid_file="$DIR/run/$d.pid" pid
    pid=$(cat "$pid_file" 2> /dev/null || true)  # a daemon removes its own pid file as it exits
    if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2> /dev/null || true
    fi
    rm -f "$pid_file"
  done
}

status() {
  for d in munged slurmctld slurmd; do
    if alive "$DIR/run/$d.pid"; then echo "$d: running (pid $(cat "$DIR/run/$d.pid"))"; else echo "$d: stopped"; fi
  done
  if alive "$DIR/run/slurmctld.pid"; then SLURM_CONF="$CONF" sinfo; fi
}

env_line() { echo "export SLURM_CONF=$CONF"; }

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_line ;;
  *) echo "usage: $0 start|stop|status|env [DIR]" >&2; exit 2 ;;
esac
