#!/usr/bin/env bash
# Starts a local PostgreSQL for the store's tests, idempotently, and prints the env exports.
#
#   eval "$(bash .ci/postgres.sh)"     # then QMETER_PG_URL / _USER / _PASSWORD are set
#
# Installs Debian's postgresql when missing (needs root and apt), makes sure a cluster listens on
# 127.0.0.1:5432, and creates the role and database "qmeter" (password "qmeter"). Running it again
# changes nothing. Progress goes to stderr; only the export lines go to stdout.
set -euo pipefail

PG_USER=${QMETER_PG_USER:-qmeter}
PG_PASSWORD=${QMETER_PG_PASSWORD:-qmeter}
PG_DB=qmeter
PG_PORT=5432

log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$PG_VERSION main"; then
  log "creating cluster $PG_VERSION/main on port $PG_PORT"
  pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >&2
fi

# listen on 127.0.0.1 only; Debian's pg_hba already allows scram-sha-256 from 127.0.0.1/32
CONF=/etc/postgresql/$PG_VERSION/main/postgresql.conf
if ! grep -q "^listen_addresses = '127.0.0.1'" "$CONF"; then
  echo "listen_addresses = '127.0.0.1'" >> "$CONF"
fi

STATUS=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $4}')
if [ "$STATUS" != "online" ]; then
  log "starting cluster $PG_VERSION/main"
  pg_ctlcluster "$PG_VERSION" main start >&2
fi

for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -h 127.0.0.1 -p $PG_PORT"; then break; fi
  sleep 1
done
su postgres -c "pg_isready -h 127.0.0.1 -p $PG_PORT" >&2

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -p $PG_PORT $*"; }
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'\"")" != "1" ]; then
  log "creating role $PG_USER"
  psql_admin "-c \"CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\"")" != "1" ]; then
  log "creating database $PG_DB"
  su postgres -c "createdb -p $PG_PORT -O $PG_USER $PG_DB" >&2
fi

echo "export QMETER_PG_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB"
echo "export QMETER_PG_USER=$PG_USER"
echo "export QMETER_PG_PASSWORD=$PG_PASSWORD"
