#!/usr/bin/env bash
# Runs every test on real services: a throw-away PostgreSQL cluster and SoftHSM2 token in a
# temporary run folder, both removed on every exit path. Prints "N passed, N failed[, N skipped]"
# as its very last line and exits non-zero when anything failed.
#
# Usage: scripts/test.sh                      (as root it installs missing Debian packages)
#   PI_TEST_TARGET=tests/X/X.csproj scripts/test.sh   test one project instead of the solution
#   PI_KEEP_RUN_DIR=1 scripts/test.sh                 keep the run folder (logs, results) for debugging
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

target="${PI_TEST_TARGET:-PrivateInference.sln}"
pkcs11_module=/usr/lib/softhsm/libsofthsm2.so
token_label=pi-test

log() { printf 'test.sh: %s\n' "$*" >&2; }

# Hex from the kernel's CSPRNG: no openssl needed, safe in connection strings and config files.
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

pg_bindir() {
  local initdb
  initdb="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)"
  [[ -n "$initdb" ]] && dirname "$initdb"
}

install_packages() {
  local missing=()
  [[ -n "$(pg_bindir || true)" ]] || missing+=(postgresql)
  if ! command -v softhsm2-util >/dev/null 2>&1 || [[ ! -e "$pkcs11_module" ]]; then
    missing+=(softhsm2)
  fi
  ((${#missing[@]} == 0)) && return 0

  if ((EUID != 0)); then
    log "missing packages: ${missing[*]}; install them (sudo apt-get install -y ${missing[*]}) or run as root"
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- state shared with the exit trap ----------------------------------------------------------
run_dir=""
pg_data=""
pg_started=0
summary=""
final_rc=1

as_pg_user() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

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
  if ((pg_started)); then
    as_pg_user "$PG_BIN/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [[ -n "$run_dir" && -d "$run_dir" ]]; then
    if [[ -n "${PI_KEEP_RUN_DIR:-}" ]]; then
      log "kept run folder $run_dir"
    else
      rm -rf "$run_dir"
    fi
  fi
  printf '%s\n' "$summary"
  exit "$final_rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_packages
PG_BIN="$(pg_bindir)"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/pi-test.XXXXXXXX")"
# The postgres user must be able to reach its own subfolder; nothing else is readable.
chmod 711 "$run_dir"

# ---- PostgreSQL -------------------------------------------------------------------------------
pg_root="$run_dir/pg"
pg_data="$pg_root/data"
pg_socket="$pg_root/socket"
mkdir -p "$pg_root" "$pg_socket"
pg_password="$(random_hex 24)"
printf '%s\n' "$pg_password" >"$pg_root/pwfile"
chmod 600 "$pg_root/pwfile"
if ((EUID == 0)); then
  chown -R postgres:postgres "$pg_root"
fi
chmod 700 "$pg_root"

as_pg_user "$PG_BIN/initdb" -D "$pg_data" -U postgres --pwfile="$pg_root/pwfile" \
  --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$run_dir/initdb.log" 2>&1 \
  || { cat "$run_dir/initdb.log" >&2; exit 1; }
rm -f "$pg_root/pwfile"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_port=""
for candidate in $(seq 55432 55531); do
  port_in_use "$candidate" && continue
  # fsync off: a crashed test cluster is thrown away anyway.
  if as_pg_user "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_root/server.log" -w -t 60 \
      -o "-p $candidate -k $pg_socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    pg_port="$candidate"
    pg_started=1
    break
  fi
done
if [[ -z "$pg_port" ]]; then
  log "PostgreSQL did not start; server log:"
  cat "$pg_root/server.log" >&2 || true
  exit 1
fi

# pg_ctl on this cluster as its owner, for tests that restart the server under load (PI_TEST_PG_CTL restart).
# The server log goes to a file: a server started with its output on a test's pipe would hold that pipe open.
pg_ctl_script="$run_dir/pg-ctl"
{
  printf '#!/usr/bin/env bash\n'
  if ((EUID == 0)); then
    printf 'exec runuser -u postgres -- %q -D %q -l %q "$@"\n' "$PG_BIN/pg_ctl" "$pg_data" "$pg_root/server.log"
  else
    printf 'exec %q -D %q -l %q "$@"\n' "$PG_BIN/pg_ctl" "$pg_data" "$pg_root/server.log"
  fi
} >"$pg_ctl_script"
chmod 700 "$pg_ctl_script"

PGPASSWORD="$pg_password" "$PG_BIN/psql" -X -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
  -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE pi_test' >/dev/null
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

# ---- SoftHSM2 ---------------------------------------------------------------------------------
hsm_dir="$run_dir/softhsm"
mkdir -p "$hsm_dir/tokens"
cat >"$hsm_dir/softhsm2.conf" <<EOF
directories.tokendir = $hsm_dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$hsm_dir/softhsm2.conf"
pkcs11_pin="$(random_hex 16)"
softhsm2-util --init-token --free --label "$token_label" --pin "$pkcs11_pin" --so-pin "$(random_hex 16)" >/dev/null
log "SoftHSM2 token '$token_label' in the run folder"

# ---- tests ------------------------------------------------------------------------------------
export PI_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Database=pi_test;Username=postgres;Password=$pg_password"
export PI_TEST_PG_CTL="$pg_ctl_script"
export PI_PKCS11_MODULE="$pkcs11_module"
export PI_PKCS11_TOKEN="$token_label"
export PI_PKCS11_PIN="$pkcs11_pin"
# No build servers left behind holding this script's output open after it ends.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$run_dir/results"
set +e
dotnet test "$target" -c Release --logger trx --results-directory "$results"
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
