# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are for the scripts that source this file
# Sourced by the PostgreSQL benchmarks (postgres.sh, pglocks.sh) from the repository root: finds or
# installs the tools (PostgreSQL, sqlite3, sql-migrate, dbmate's own binary, a static lifeboat),
# makes a work folder removed on exit, reuses the server of LIFEBOAT_TEST_POSTGRES_URL or starts
# one for the run, and exports libpq's variables for it (all through tools.sh, which fleet.sh
# uses too). Defines log, die, db_url, psql_quiet, recreate_db, drop_db; sets pg_bin, dbmate, sql_migrate, lifeboat, workdir, server_url, pg_user,
# pg_password, pg_host, pg_port.
log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=scripts/bench/tools.sh
source scripts/bench/tools.sh
require_pg_bin
command -v sqlite3 >/dev/null 2>&1 || apt_install sqlite3
command -v sql-migrate >/dev/null 2>&1 || apt_install sql-migrate
require_dbmate
sql_migrate=$(command -v sql-migrate)
require_lifeboat

# --- Work folder and PostgreSQL ---------------------------------------------------------------

make_workdir
use_server

# sql-migrate's configuration for database $2 of dialect $1 (postgres or sqlite3), migrations in
# folder $3 (default $workdir/sql-migrate); 0600, it holds the password. Prints its path.
sql_migrate_config() {
    local dialect=$1 target=$2 dir=${3:-$workdir/sql-migrate} file="$workdir/dbconfig.yml" datasource
    if [[ "$dialect" == postgres ]]; then
        datasource="host=$pg_host port=$pg_port user=$pg_user password=$pg_password dbname=$target sslmode=disable"
    else
        datasource=$target
    fi
    (umask 077; printf 'bench:\n  dialect: %s\n  datasource: %s\n  dir: %s\n' \
        "$dialect" "$datasource" "$dir" >"$file")
    printf '%s\n' "$file"
}
