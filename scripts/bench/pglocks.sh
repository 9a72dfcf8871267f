#!/usr/bin/env bash
# Benchmark: how long readers stall while a migration waits for a lock, lifeboat vs dbmate and sql-migrate.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench/pglocks.sh [-h] [--rows N] [--hold SECONDS] [--strict]

The outage a migration causes on PostgreSQL: `ALTER TABLE t ADD COLUMN note text` queues behind a
transaction that holds a lock on t, and every later query on t queues behind the ALTER. For each
tool, on a fresh copy of a table of --rows rows (default 1,000,000; the template database is made
once per run):

  - a reader (one psql session) runs `SELECT count(*) FROM t WHERE id <= 100` every 20 ms and
    times each one (psql \timing);
  - a blocker transaction reads t, then holds its ACCESS SHARE lock for --hold seconds (default 10);
  - 0.5 s later the tool applies the migration: lifeboat migrate --statement-lock-timeout 1000
    --lock-retries 10 --no-snapshot (the peers take no snapshot either), dbmate up, sql-migrate up.

Prints the longest reader stall with each tool and the ratio peer / lifeboat. Target: lifeboat's
longest stall at most 1.5 s; each peer waits for the blocker (about --hold seconds).
Tools and server as scripts/bench/postgres.sh (scripts/bench/postgres-common.sh).

Options:
  --rows N          rows in t (default 1000000)
  --hold SECONDS    how long the blocker holds its lock (default 10)
  --strict          exit 1 when the target is missed
  -h, --help        this text
USAGE
}

rows=1000000
hold=10
strict=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --rows) rows=${2:?--rows needs a number}; shift 2 ;;
        --hold) hold=${2:?--hold needs a number of seconds}; shift 2 ;;
        --strict) strict=1; shift ;;
        *) printf 'pglocks.sh: unknown argument %s (see -h)\n' "$1" >&2; exit 2 ;;
    esac
done
[[ "$rows" =~ ^[1-9][0-9]*$ && "$hold" =~ ^[1-9][0-9]*$ ]] \
    || { printf 'pglocks.sh: --rows and --hold take positive numbers\n' >&2; exit 2; }

# Tools, work folder, server (shared with postgres.sh).
# shellcheck source=scripts/bench/postgres-common.sh
source scripts/bench/postgres-common.sh

template=lifeboat_bench_locks_template
target=lifeboat_bench_locks
psql_db() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "$1" "${@:2}"; }

have=$("$pg_bin/psql" -X -At -d "$template" -c "SELECT count(*) FROM t" 2>/dev/null || true)
if [[ "$have" != "$rows" ]]; then
    log "creating $template: t with $rows rows"
    recreate_db "$template"
    psql_db "$template" -c "CREATE TABLE t (id bigint PRIMARY KEY, payload text NOT NULL)" \
        -c "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, $rows) AS g" -c "VACUUM ANALYZE t" >/dev/null
fi

# The same migration in each tool's format.
mkdir -p "$workdir/lifeboat" "$workdir/dbmate" "$workdir/sql-migrate"
printf 'ALTER TABLE t ADD COLUMN note text;\n' >"$workdir/lifeboat/0001_add_note.sql"
printf -- '-- migrate:up\nALTER TABLE t ADD COLUMN note text;\n\n-- migrate:down\n' >"$workdir/dbmate/20261130000001_add_note.sql"
printf -- '-- +migrate Up\nALTER TABLE t ADD COLUMN note text;\n\n-- +migrate Down\n' >"$workdir/sql-migrate/20261130000001_add_note.sql"

# Runs tool $1's migration under the reader and the blocker; prints the longest reader stall (s)
# and the migration's wall time (s).
stall_with() {
    local tool=$1 url flag="$workdir/reading" timings="$workdir/reader-$1.log" config started ended status=0
    psql_quiet -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $target WITH (FORCE)" \
        -c "CREATE DATABASE $target TEMPLATE $template"
    url=$(db_url "$target")
    : >"$flag"
    {
        printf '\\timing on\n'
        while [[ -e "$flag" ]]; do
            printf 'SELECT count(*) FROM t WHERE id <= 100;\n'
            sleep 0.02
        done
    } | PGAPPNAME=bench-reader "$pg_bin/psql" -X -q -At -d "$target" >"$timings" 2>&1 &
    local reader=$!
    sleep 0.5
    PGAPPNAME=bench-blocker "$pg_bin/psql" -X -q -At -d "$target" \
        -c "BEGIN" -c "SELECT count(*) FROM t WHERE id = 1" -c "SELECT pg_sleep($hold)" -c "COMMIT" >/dev/null 2>&1 &
    local blocker=$!
    sleep 0.5
    started=$(date +%s.%N)
    case "$tool" in
        lifeboat)
            rm -rf "$workdir/backups"
            DATABASE_URL=$url "$lifeboat" migrate --quiet --no-snapshot --statement-lock-timeout 1000 --lock-retries 10 \
                --migrations "$workdir/lifeboat" --backups "$workdir/backups" >"$workdir/$tool.log" 2>&1 || status=$? ;;
        dbmate)
            DATABASE_URL="$url?sslmode=disable" "$dbmate" --no-dump-schema --migrations-dir "$workdir/dbmate" up \
                >"$workdir/$tool.log" 2>&1 || status=$? ;;
        sql-migrate)
            config=$(sql_migrate_config postgres "$target" "$workdir/sql-migrate")
            "$sql_migrate" up -config="$config" -env=bench >"$workdir/$tool.log" 2>&1 || status=$? ;;
    esac
    ended=$(date +%s.%N)
    wait "$blocker" || true
    sleep 0.5
    rm -f "$flag"
    wait "$reader" || true
    [[ $status -eq 0 ]] || { cat "$workdir/$tool.log" >&2; die "$tool failed (exit $status)"; }
    [[ $(psql_db "$target" -At -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note'") == 1 ]] \
        || die "$tool did not add the column"
    drop_db "$target"
    awk -v s="$started" -v e="$ended" '/^Time: / { if ($2 > max) max = $2; n++ }
        END { if (n < 10) exit 1; printf "%.3f %.3f %d\n", max / 1000, e - s, n }' "$timings" \
        || die "the reader of $tool ran fewer than 10 queries (see $timings)"
}

log "lifeboat: $lifeboat; dbmate: $dbmate ($("$dbmate" --version)); sql-migrate: $sql_migrate; PostgreSQL: $pg_bin"
declare -A stall took
for tool in lifeboat dbmate sql-migrate; do
    log "$tool: blocker holds t for $hold s, reader every 20 ms"
    measured=$(stall_with "$tool")
    read -r stall["$tool"] took["$tool"] queries <<<"$measured"
    log "$tool: longest reader stall ${stall[$tool]} s over $queries queries; migration took ${took[$tool]} s"
done

printf '\npglocks: longest reader stall while ALTER TABLE t ADD COLUMN waits behind a %s s lock (t: %s rows)\n' "$hold" "$rows"
printf '  %-12s %10s %14s %10s\n' tool "stall (s)" "migration (s)" "x lifeboat"
for tool in lifeboat dbmate sql-migrate; do
    printf '  %-12s %10s %14s %10s\n' "$tool" "${stall[$tool]}" "${took[$tool]}" \
        "$(awk -v a="${stall[$tool]}" -v b="${stall[lifeboat]}" 'BEGIN { if (b <= 0) b = 0.0005; printf "%.1f", a / b }')"
done
verdict=ok
awk -v v="${stall[lifeboat]}" 'BEGIN { exit !(v <= 1.5) }' || verdict=MISSED
printf '  target: lifeboat longest stall <= 1.5 s: %s\n' "$verdict"
[[ $strict -eq 1 && $verdict == MISSED ]] && exit 1
exit 0
