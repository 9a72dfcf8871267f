#!/usr/bin/env bash
# Statements benchmark: `lifeboat migrate` of one SQLite migration file of INSERTs, 1 MB and 8 MB,
# and the ratio of the two times. Running a file must take time linear in its statements: the
# ratio should be about 8 (it was about 50 while each statement copied the rest of the file).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    echo "Usage: scripts/bench/statements.sh [-h]   (1 MB and 8 MB files of INSERTs on SQLite)"
    exit 0
fi

swift build -c release --product lifeboat >&2
lifeboat=$PWD/.build/release/lifeboat

# One migration of about $1 MB: a table, then single-row INSERTs.
make_file() {
    local folder=bench-data/statements-$1mb/migrations
    if [[ ! -f $folder/0001_rows.sql ]]; then
        mkdir -p "$folder"
        awk -v target=$(($1 * 1048576)) 'BEGIN {
            print "CREATE TABLE rows (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
            size = 0
            for (n = 1; size < target; n++) {
                line = sprintf("INSERT INTO rows (id, name) VALUES (%d, '\''row %d of the benchmark'\'');", n, n)
                print line
                size += length(line) + 1
            }
        }' > "$folder/0001_rows.sql"
    fi
    echo "$folder"
}

# Wall-clock milliseconds of one migrate of the folder $1 into a new database.
migrate_ms() {
    rm -f "$db/app.sqlite" "$db/app.sqlite.lock"
    local start
    start=$(date +%s%N)
    "$lifeboat" migrate --no-snapshot --quiet --database-url "sqlite:$db/app.sqlite" --migrations "$1" >/dev/null
    echo $(( ($(date +%s%N) - start) / 1000000 ))
}

# The best of 3 runs.
best_ms() {
    for _ in 1 2 3; do migrate_ms "$1"; done | sort -n | head -1
}

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
one=$(best_ms "$(make_file 1)")
eight=$(best_ms "$(make_file 8)")
ratio=$(awk -v a="$eight" -v b="$one" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
echo "statements: SQLite migrate of a 1 MB file of INSERTs: ${one} ms; 8 MB: ${eight} ms; ratio 8MB/1MB: ${ratio} (linear: about 8)"
