#!/usr/bin/env bash
# Catalog benchmark: how long `lifeboat status` takes on a folder of 10,000 migration files
# (read, parse, checksum, validate, compare with an empty history), against the same command on a
# folder of 10 files, so the figure is the catalog's share and not process start-up.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${1:-}" == "-h" ]]; then
    echo "Usage: scripts/bench/catalog.sh [-h] [FILES]   (default 10000 files)"
    exit 0
fi
count=${1:-10000}

swift build -c release --product lifeboat >&2
lifeboat=$PWD/.build/release/lifeboat
data=bench-data/catalog-$count
if [[ ! -d $data/migrations ]]; then
    mkdir -p "$data/migrations"
    for i in $(seq 1 "$count"); do
        printf -- '-- lifeboat:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO t%d (id, name) VALUES (1, '"'"'x'"'"');\n-- lifeboat:down\nDROP TABLE t%d;\n' \
            "$i" "$i" "$i" > "$data/migrations/$(printf '%05d' "$i")_create_t$i.sql"
    done
fi
small=bench-data/catalog-10
if [[ ! -d $small/migrations ]]; then
    mkdir -p "$small/migrations"
    cp "$data"/migrations/0000[1-9]_*.sql "$data"/migrations/00010_*.sql "$small/migrations/"
fi

# Best of 5 wall-clock runs, in milliseconds.
best_ms() {
    local best=999999 start end ms
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        ms=$(( (end - start) / 1000000 ))
        (( ms < best )) && best=$ms
    done
    echo "$best"
}

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
big=$(best_ms "$lifeboat" status --database-url "sqlite:$db/a.sqlite" --migrations "$data/migrations")
tiny=$(best_ms "$lifeboat" status --database-url "sqlite:$db/b.sqlite" --migrations "$small/migrations")
echo "catalog: lifeboat status with $count files: ${big} ms; with 10 files: ${tiny} ms; catalog share: $((big - tiny)) ms (target: well under 1000 ms)"
