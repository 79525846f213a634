#!/usr/bin/env bash
# Makes a real PostgreSQL 15 with pgvector 0.8 available on Debian 12 and prints the DATABASE_URL to use.
# Idempotent: on a machine where PostgreSQL already runs it only adds what is missing (dev headers, pgvector,
# the database and the extension). Needs root (apt-get, make install). Debian 12 ships no pgvector package, so the
# extension is built from Debian trixie's source package (pgvector 0.8.0) against PostgreSQL 15.
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
DB_NAME=${MOTCUA_DB_NAME:-motcua}
DB_PORT=${PGPORT:-5432}
DB_PASSWORD=${MOTCUA_DB_PASSWORD:-postgres}
APT_UPDATED=0
log() { printf '[setup-postgres] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
}
apt_install() {
  apt_update_once
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >&2
}
psql_admin() { as_root su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $DB_PORT $*"; }

# 1. The server.
if [ ! -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ]; then
  log "installing postgresql-$PG_MAJOR"
  apt_install "postgresql-$PG_MAJOR"
fi

# 2. pgvector, built from Debian's source package when the extension is not there yet.
if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; then
  log "building pgvector for PostgreSQL $PG_MAJOR"
  apt_install "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev ca-certificates
  src_list=/etc/apt/sources.list.d/motcua-trixie-src.list
  if [ ! -f "$src_list" ]; then
    # Source packages only: the system's binary sources stay untouched.
    echo 'deb-src http://deb.debian.org/debian trixie main' | as_root tee "$src_list" >/dev/null
    APT_UPDATED=0
  fi
  apt_update_once
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get source --download-only pgvector >&2)
  orig=$(ls "$work"/pgvector_*.orig.tar.* | head -n 1)
  tar -xf "$orig" -C "$work"
  srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  make -s -C "$srcdir" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" OPTFLAGS="" >&2
  as_root make -s -C "$srcdir" PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" install >&2
fi

# 3. A running cluster.
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" '$1==v && $2=="main"' | grep -q .; then
  log "creating cluster $PG_MAJOR/main"
  as_root pg_createcluster "$PG_MAJOR" main -p "$DB_PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting cluster $PG_MAJOR/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start >&2
fi
for _ in $(seq 1 30); do
  as_root su postgres -c "pg_isready -q -p $DB_PORT" && break
  sleep 1
done

# 4. Password login over TCP for the postgres role (harmless where trust auth is configured), the database and
#    the extension (also in template1, so databases created by the tests have it too).
psql_admin "-c \"ALTER ROLE postgres PASSWORD '$DB_PASSWORD'\""
if ! psql_admin "-tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'\"" | grep -q 1; then
  psql_admin "-c \"CREATE DATABASE $DB_NAME\""
fi
psql_admin "-d $DB_NAME -c 'CREATE EXTENSION IF NOT EXISTS vector'"
psql_admin "-d template1 -c 'CREATE EXTENSION IF NOT EXISTS vector'"
version=$(psql_admin "-d $DB_NAME -tAc \"SELECT extversion FROM pg_extension WHERE extname = 'vector'\"")
log "pgvector $version ready in database $DB_NAME"

echo "postgres://postgres:$DB_PASSWORD@127.0.0.1:$DB_PORT/$DB_NAME"
