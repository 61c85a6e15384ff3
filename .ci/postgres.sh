#!/usr/bin/env bash
# .ci/postgres.sh start DIR | stop DIR: a real PostgreSQL server for the tests, from Debian's
# packages (installed when initdb is missing), on a free loopback port, run as the unprivileged
# user nobody (initdb and postgres refuse root), with its data in DIR (made by the caller with
# mktemp -d). `start` prints the DSN of an empty database, vxrecon_test, for
# VXRECON_TEST_POSTGRES; `stop` stops the server. The caller stops it on every exit (one trap).
# Traps it avoids: pg_ctl is given -l and </dev/null, or it hands the server the caller's stdout
# and $(…) waits forever; initdb and postgres refuse to run as root.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ "$cmd" = stop ]; then
  [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ] &&
    (cd "$dir" && runuser -u nobody -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop </dev/null >/dev/null 2>&1) || true
  exit 0
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "== installing postgresql" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
chown nobody "$dir"
chmod 700 "$dir"
cd "$dir" # nobody must be able to read the working folder
# Logins over TCP need the password (so that the tests can try a wrong one); the unix socket,
# in DIR, is trusted for the setup below.
runuser -u nobody -- "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
for try in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # -l and </dev/null: pg_ctl must not hand the server our stdout (the caller would wait for
  # an EOF that never comes).
  if runuser -u nobody -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start </dev/null >/dev/null 2>&1; then
    break
  fi
  grep -q "could not bind" "$dir/server.log" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  [ "$try" = 5 ] && { echo "postgres: no free port" >&2; exit 1; }
done
"$bin/pg_isready" -h 127.0.0.1 -p "$port" -t 30 >/dev/null
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
"$bin/psql" -q -h "$dir" -p "$port" -U postgres -d postgres -c "ALTER USER postgres PASSWORD '$password'" >/dev/null
"$bin/createdb" -h "$dir" -p "$port" -U postgres vxrecon_test
echo "postgres://postgres:$password@127.0.0.1:$port/vxrecon_test?sslmode=disable"
