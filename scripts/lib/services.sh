# Real services for one run: a throw-away PostgreSQL cluster and SoftHSM2 token in a temporary run folder.
# Sourced by scripts/test.sh and scripts/bench-vault.sh, which define log() first and call stop_services
# from their exit trap.
#
# Sets: run_dir (make_run_dir); PG_BIN, pg_port, pg_password (start_postgres); SOFTHSM2_CONF, exported, and
# pkcs11_pin (start_softhsm). pkcs11_module is the SoftHSM2 module both scripts export as PI_PKCS11_MODULE.

pkcs11_module=/usr/lib/softhsm/libsofthsm2.so

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

as_pg_user() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# make_run_dir PREFIX: the run folder, in $TMPDIR.
make_run_dir() {
  run_dir="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXXXX")"
  # The postgres user must be able to reach its own subfolder; nothing else is readable.
  chmod 711 "$run_dir"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_postgres DATABASE [SERVER_OPTION...]: a new cluster in the run folder on the first free port from 55432,
# loopback only, password authentication, with DATABASE created. The options go to postgres as they are
# ("-c fsync=off" ...).
start_postgres() {
  local database="$1"
  shift
  PG_BIN="$(pg_bindir)"
  local pg_root="$run_dir/pg"
  local pg_socket="$pg_root/socket"
  pg_data="$pg_root/data"
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
    || { cat "$run_dir/initdb.log" >&2; return 1; }
  rm -f "$pg_root/pwfile"

  pg_port=""
  local candidate
  for candidate in $(seq 55432 55531); do
    port_in_use "$candidate" && continue
    if as_pg_user "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_root/server.log" -w -t 60 \
        -o "-p $candidate -k $pg_socket -c listen_addresses=127.0.0.1 $*" \
        start >/dev/null; then
      pg_port="$candidate"
      pg_started=1
      break
    fi
  done
  if [[ -z "$pg_port" ]]; then
    log "PostgreSQL did not start; server log:"
    cat "$pg_root/server.log" >&2 || true
    return 1
  fi

  PGPASSWORD="$pg_password" "$PG_BIN/psql" -X -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $database" >/dev/null
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
}

# start_softhsm LABEL: a SoftHSM2 token store in the run folder with one initialized token.
start_softhsm() {
  local label="$1"
  local hsm_dir="$run_dir/softhsm"
  mkdir -p "$hsm_dir/tokens"
  cat >"$hsm_dir/softhsm2.conf" <<EOF
directories.tokendir = $hsm_dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
  export SOFTHSM2_CONF="$hsm_dir/softhsm2.conf"
  pkcs11_pin="$(random_hex 16)"
  softhsm2-util --init-token --free --label "$label" --pin "$pkcs11_pin" --so-pin "$(random_hex 16)" >/dev/null
  log "SoftHSM2 token '$label' in the run folder"
}

# Stops PostgreSQL and removes the run folder (kept with PI_KEEP_RUN_DIR=1). Safe at any point of a run.
stop_services() {
  if ((pg_started)); then
    as_pg_user "$PG_BIN/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
    pg_started=0
  fi
  if [[ -n "$run_dir" && -d "$run_dir" ]]; then
    if [[ -n "${PI_KEEP_RUN_DIR:-}" ]]; then
      log "kept run folder $run_dir"
    else
      rm -rf "$run_dir"
    fi
  fi
}
