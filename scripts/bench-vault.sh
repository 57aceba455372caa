#!/usr/bin/env bash
# Runs the vault benchmark (dotnet run -c Release --project bench -- vault) on real services: a throw-away
# PostgreSQL cluster with durable settings (fsync and synchronous_commit on, as production runs) and a SoftHSM2
# token holding the KEK, both started like scripts/test.sh starts them and removed on every exit path.
#
# Usage: bash scripts/bench-vault.sh [vault benchmark options, see bench/VaultBenchmark.cs]
#   PI_BENCH_SYNCHRONOUS_COMMIT=off bash scripts/bench-vault.sh   commits not waiting for the WAL flush: for
#                                      comparison only, a crash may lose the last acknowledged tokens
#   PI_BENCH_SHARED_BUFFERS=1GB bash scripts/bench-vault.sh       PostgreSQL's shared_buffers (default 128MB)
#   PI_KEEP_RUN_DIR=1 bash scripts/bench-vault.sh                 keep the run folder (server log) for debugging
#   PI_BENCH_COMMAND=pipeline bash scripts/bench-vault.sh          another bench command on the same services (what
#                                      scripts/bench-pipeline.sh does)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

token_label=pi-bench
bench_command="${PI_BENCH_COMMAND:-vault}"
synchronous_commit="${PI_BENCH_SYNCHRONOUS_COMMIT:-on}"
shared_buffers="${PI_BENCH_SHARED_BUFFERS:-128MB}"

log() { printf 'bench-vault.sh: %s\n' "$*" >&2; }

# shellcheck source=scripts/lib/services.sh
source "$repo_root/scripts/lib/services.sh"

bench_pid=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid"
    for _ in $(seq 1 20); do
      kill -0 "$bench_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$bench_pid" 2>/dev/null
    wait "$bench_pid" 2>/dev/null
  fi
  stop_services
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ "$synchronous_commit" =~ ^(on|off|local|remote_write|remote_apply)$ ]] \
  || { log "PI_BENCH_SYNCHRONOUS_COMMIT must be on, off, local, remote_write or remote_apply"; exit 2; }
[[ "$bench_command" =~ ^(vault|pipeline)$ ]] \
  || { log "PI_BENCH_COMMAND must be vault or pipeline"; exit 2; }
[[ "$shared_buffers" =~ ^[0-9]+(kB|MB|GB)$ ]] \
  || { log "PI_BENCH_SHARED_BUFFERS must be a size such as 128MB or 1GB"; exit 2; }

export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The vault host (an ASP.NET Core app) runs server GC; the bench project itself is set up for BenchmarkDotNet.
export DOTNET_gcServer=1
# Built before the services start, so a build failure leaves nothing running.
dotnet build bench -c Release -v quiet -nologo >&2

install_packages
make_run_dir pi-bench
start_postgres pi_bench -c "synchronous_commit=$synchronous_commit" -c "shared_buffers=$shared_buffers"
start_softhsm "$token_label"

# 16 callers at most, the audit writer and a tenant re-read: 20 connections cover them; 8 and 100 measured the same.
export PI_BENCH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Database=pi_bench;Username=postgres;Password=$pg_password;Maximum Pool Size=20"
export PI_PKCS11_MODULE="$pkcs11_module"
export PI_PKCS11_TOKEN="$token_label"
export PI_PKCS11_PIN="$pkcs11_pin"

# What `dotnet run -c Release --project bench -- vault` (or pipeline) runs, started directly so that the trap's TERM reaches
# it; in the background and waited for, so INT and TERM reach the trap at once.
dotnet bench/bin/Release/net10.0/PrivateInference.Bench.dll "$bench_command" "$@" &
bench_pid=$!
wait "$bench_pid"
