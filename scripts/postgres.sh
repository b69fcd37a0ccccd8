#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: its own data folder, its own OS user, loopback only,
# a free port, password authentication (scram-sha-256) for a role `quire` that owns a database `quire`.
#   bash scripts/postgres.sh start DIR   initialise (first time) and start; prints the ledger URL, also kept in DIR/url
#   bash scripts/postgres.sh stop DIR    stop it (fast shutdown); the folder stays until removed
#   bash scripts/postgres.sh restart DIR stop and start on the same port (the fault tests restart the server mid-run)
# Needs Debian's postgresql package (scripts/install-deps.sh --test installs it). Nothing listens beyond 127.0.0.1,
# except QUIRE_PG_EXTRA_LISTEN=ADDR/PREFIX at the first start: also that address (a veth of a test's own network
# namespace), with password logins from that subnet; and QUIRE_PG_TLS=1 at the first start: TLS on, with a
# certificate for localhost (not 127.0.0.1: the tests check the name is verified) signed by a throwaway CA (DIR/tls/ca.crt; DIR/tls/other-ca.crt is a CA
# that signed nothing), plain connections still accepted, and every connection logged with its TLS state.
set -euo pipefail

command="${1:-}"
dir="${2:-}"
[[ -n "$command" && -n "$dir" ]] || { echo "usage: $0 start|stop|restart DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$bin/initdb" ]] || { echo "error: PostgreSQL is not installed: run bash scripts/install-deps.sh --test" >&2; exit 3; }

# initdb and postgres refuse to run as root: the cluster belongs to a system user of its own.
owner=quirepg
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
if [[ $(id -u) -eq 0 ]] && ! id "$owner" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
fi

data="$dir/data"

# The server outlives this script: it must not keep the caller's descriptors open (a test harness that waits for
# its child's output to close would wait for the server). Keep 0-2 and bash's own script descriptor (255).
for fd in /proc/$$/fd/*; do
  n="${fd##*/}"
  if [[ "$n" =~ ^[0-9]+$ ]] && (( n > 2 && n != 255 )); then eval "exec $n>&-" 2>/dev/null || true; fi
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A CA, a server certificate it signs (for localhost only), and a second CA that signed nothing, in $1.
make_certificates() {
  local tls="$1"
  mkdir -p "$tls"
  (
    cd "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=Quire test CA" -keyout ca.key -out ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3 -subj "/CN=Another CA" -keyout other-ca.key -out other-ca.crt \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3 -extfile server.ext -out server.crt
    chmod 600 server.key ca.key other-ca.key
  ) >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; exit 3; }
  [[ $(id -u) -eq 0 ]] && chown -R "$owner" "$tls"
  chmod 755 "$tls"
  chmod 644 "$tls/ca.crt" "$tls/other-ca.crt"
}

start() {
  if [[ ! -f "$data/PG_VERSION" ]]; then
    [[ $(id -u) -eq 0 ]] && chown "$owner" "$dir"
    password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    printf '%s\n' "$password" >"$dir/password"
    chmod 600 "$dir/password"
    [[ $(id -u) -eq 0 ]] && chown "$owner" "$dir/password"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 3; }
    free_port >"$dir/port"
    [[ $(id -u) -eq 0 ]] && chown "$owner" "$dir/port"
  fi
  port="$(cat "$dir/port")"
  listen="127.0.0.1"
  if [[ -n "${QUIRE_PG_EXTRA_LISTEN:-}" && ! -f "$dir/listen" ]]; then
    [[ "$QUIRE_PG_EXTRA_LISTEN" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$ ]] ||
      { echo "error: QUIRE_PG_EXTRA_LISTEN must be ADDR/PREFIX" >&2; exit 2; }
    printf '%s\n' "${QUIRE_PG_EXTRA_LISTEN%/*}" >"$dir/listen"
    printf 'host all all %s scram-sha-256\n' "$QUIRE_PG_EXTRA_LISTEN" >>"$data/pg_hba.conf"
  fi
  [[ -f "$dir/listen" ]] && listen="127.0.0.1,$(cat "$dir/listen")"
  if [[ "${QUIRE_PG_TLS:-}" == 1 && ! -d "$dir/tls" ]]; then make_certificates "$dir/tls"; fi
  tls_options=""
  [[ -d "$dir/tls" ]] && tls_options="-c ssl=on -c ssl_cert_file=$dir/tls/server.crt -c ssl_key_file=$dir/tls/server.key -c log_connections=on"
  # Loopback (and a test's own veth) only, sockets in the cluster's own folder, and fsync on (the tests measure a
  # real server).
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=$listen -c port=$port -c unix_socket_directories=$dir -c max_connections=200 $tls_options" \
    start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 3; }
  if [[ ! -f "$dir/url" ]]; then
    password="$(cat "$dir/password")"
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE ROLE quire LOGIN PASSWORD '$password'" -c "CREATE DATABASE quire OWNER quire" >/dev/null
    printf 'postgres://quire:%s@127.0.0.1:%s/quire\n' "$password" "$port" >"$dir/url"
  fi
  cat "$dir/url"
}

stop() {
  [[ -f "$data/postmaster.pid" ]] || return 0
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
}

case "$command" in
  start) start ;;
  stop) stop ;;
  restart) stop; start >/dev/null ;;
  *) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
