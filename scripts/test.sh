#!/usr/bin/env bash
# Runs every test on real services: a throw-away PostgreSQL cluster and SoftHSM2 token in a
# temporary run folder, both removed on every exit path. Prints "N passed, N failed[, N skipped]"
# as its very last line and exits non-zero when anything failed.
#
# Usage: scripts/test.sh                      (as root it installs missing Debian packages)
#   PI_TEST_TARGET=tests/X/X.csproj scripts/test.sh   test one project instead of the solution
#   PI_TEST_FILTER=Name~Surrogate scripts/test.sh     pass a dotnet test --filter expression
#   PI_KEEP_RUN_DIR=1 scripts/test.sh                 keep the run folder (logs, results) for debugging
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

target="${PI_TEST_TARGET:-PrivateInference.sln}"
token_label=pi-test

log() { printf 'test.sh: %s\n' "$*" >&2; }

# shellcheck source=scripts/lib/services.sh
source "$repo_root/scripts/lib/services.sh"

# ---- state shared with the exit trap ----------------------------------------------------------
summary=""
final_rc=1

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [[ -z "$summary" ]]; then
    summary="0 passed, 1 failed"
    final_rc=$((rc == 0 ? 1 : rc))
  fi
  if [[ "${CI:-}" == true ]]; then
    # A compiler server left running could hold CI's output pipe open after this script ends.
    dotnet build-server shutdown >/dev/null 2>&1
  fi
  stop_services
  printf '%s\n' "$summary"
  exit "$final_rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_packages
make_run_dir pi-test
# fsync off: a crashed test cluster is thrown away anyway. max_connections above the default 100: every store a test
# opens keeps its own Npgsql pool (idle connections count), and the suites that run two vault replicas, listeners and
# 64 concurrent callers came within a few connections of 100 ("too many clients already").
start_postgres pi_test -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300
start_softhsm "$token_label"

# pg_ctl on this cluster as its owner, for tests that restart the server under load (PI_TEST_PG_CTL restart).
# The server log goes to a file: a server started with its output on a test's pipe would hold that pipe open.
pg_ctl_script="$run_dir/pg-ctl"
{
  printf '#!/usr/bin/env bash\n'
  if ((EUID == 0)); then
    printf 'exec runuser -u postgres -- %q -D %q -l %q "$@"\n' "$PG_BIN/pg_ctl" "$pg_data" "$run_dir/pg/server.log"
  else
    printf 'exec %q -D %q -l %q "$@"\n' "$PG_BIN/pg_ctl" "$pg_data" "$run_dir/pg/server.log"
  fi
} >"$pg_ctl_script"
chmod 700 "$pg_ctl_script"

# ---- tests ------------------------------------------------------------------------------------
export PI_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Database=pi_test;Username=postgres;Password=$pg_password"
export PI_PKCS11_MODULE="$pkcs11_module"
export PI_PKCS11_TOKEN="$token_label"
export PI_PKCS11_PIN="$pkcs11_pin"
export PI_TEST_PG_CTL="$pg_ctl_script"
# No build servers left behind holding this script's output open after it ends.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$run_dir/results"
set +e
dotnet test "$target" -c Release --logger trx --results-directory "$results" ${PI_TEST_FILTER:+--filter "$PI_TEST_FILTER"}
test_rc=$?
set -e

# ---- summary from the .trx counters -----------------------------------------------------------
# Sum over every .trx (one per test project). error/timeout/aborted count as failed.
counter() { local v; v="$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")"; echo "${v:-0}"; }
passed=0 failed=0 skipped=0 trx_count=0
while IFS= read -r -d '' trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  [[ -n "$counters" ]] || continue
  trx_count=$((trx_count + 1))
  passed=$((passed + $(counter passed "$counters")))
  failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") \
    + $(counter timeout "$counters") + $(counter aborted "$counters")))
  skipped=$((skipped + $(counter notExecuted "$counters") + $(counter inconclusive "$counters")))
done < <(find "$results" -name '*.trx' -print0 2>/dev/null)

if ((trx_count == 0)); then
  log "dotnet test produced no results (exit $test_rc)"
  passed=0 failed=1 skipped=0
elif ((test_rc != 0 && failed == 0)); then
  # A project that failed to build or whose host crashed leaves no failing counter of its own.
  log "dotnet test exited $test_rc with no failed test recorded; counting it as a failure"
  failed=1
fi

final_rc=$((failed > 0 ? 1 : 0))
summary="$passed passed, $failed failed"
if ((skipped > 0)); then
  summary+=", $skipped skipped"
fi
