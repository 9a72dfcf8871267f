#!/usr/bin/env bash
# SQLite snapshot benchmark (issue: backup-first). In one run, side by side:
#   lifeboat snapshot            vs  sqlite3 .backup + gzip -6      (target ≥ 1.6× faster, size within 2%)
#   lifeboat snapshot            vs  sqlite3 .backup + pigz -6 -p N (target ratio ≥ 0.95)
#   lifeboat restore             vs  gunzip -c > file + PRAGMA integrity_check (target within 1.3×)
#   peak RSS of snapshot and restore, 64 MB and 256 MB databases (target < 64 MiB, flat)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${1:-}" == "-h" ]]; then
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    echo "Usage: scripts/bench/snapshot.sh [-h]   (data in bench-data/, generated once)"
    exit 0
fi

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing $2 with apt-get" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2 || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2; }
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing; install $2" >&2; exit 1; }
}
need pigz pigz
need sqlite3 sqlite3
need python3 python3

swift build -c release --product lifeboat >&2
lifeboat=$PWD/.build/release/lifeboat
mkdir -p bench-data
cores=$(nproc)

# A database of about 64 or 256 megabytes (about 190 bytes a row with its indexes) of order-like rows with indexes: moderately
# compressible (repeated words and statuses, random ids and amounts).
make_db() {
    local path=$1 rows=$2
    [[ -f $path ]] && return 0
    echo "bench: generating $path ($rows rows)" >&2
    sqlite3 "$path.tmp" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    created_at TEXT NOT NULL, status TEXT NOT NULL, amount REAL NOT NULL, note TEXT
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows / 20)
INSERT INTO customers
SELECT i, 'customer' || i || '@example.com', 'Customer ' || hex(randomblob(3)),
       substr('DEFRGBUSNLSECAJPBR', 1 + (abs(random()) % 9) * 2, 2) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO orders
SELECT i, 1 + abs(random()) % ($rows / 20),
       datetime('2024-01-01', '+' || (abs(random()) % 60000000) || ' seconds'),
       CASE abs(random()) % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'delivered' END,
       round((abs(random()) % 100000) / 100.0, 2),
       'order for ' || substr('alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango', 1 + abs(random()) % 80, 40)
         || ' ref ' || hex(randomblob(6))
FROM n;
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
SQL
    mv "$path.tmp" "$path"
}
make_db bench-data/sqlite-256.sqlite 1360000
make_db bench-data/sqlite-64.sqlite 340000

# run_measured OUT_VAR CMD…: runs the command, sets OUT_VAR to "milliseconds peak_rss_kib".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
elapsed = (time.monotonic() - start) * 1000
if result.returncode != 0:
    sys.exit(f"bench: {' '.join(sys.argv[1:])} exited {result.returncode}")
print(f"{elapsed:.0f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
}

work=$(mktemp -d bench-data/run.XXXXXX)
trap 'rm -rf "$work"' EXIT

bench_size() {
    local mb=$1 db=bench-data/sqlite-$1.sqlite
    local raw
    raw=$(stat -c %s "$db")
    local backups=$work/backups-$mb
    rm -rf "$backups"

    # Warm the page cache so every contender reads from memory.
    cat "$db" > /dev/null

    read -r snap_ms snap_rss < <(measure "$lifeboat" snapshot --quiet --database-url "sqlite:$db" --backups "$backups")
    local gz
    gz=$(ls "$backups"/*.sqlite.gz)
    local snap_size
    snap_size=$(stat -c %s "$gz")

    read -r gzip_ms _ < <(measure bash -c "sqlite3 '$db' '.backup $work/copy.sqlite' && gzip -6 -c '$work/copy.sqlite' > '$work/copy.sqlite.gz'")
    local gzip_size
    gzip_size=$(stat -c %s "$work/copy.sqlite.gz")
    rm -f "$work/copy.sqlite" "$work/copy.sqlite.gz"

    read -r pigz_ms _ < <(measure bash -c "sqlite3 '$db' '.backup $work/copy.sqlite' && pigz -6 -p $cores -c '$work/copy.sqlite' > '$work/copy.sqlite.gz'")
    rm -f "$work/copy.sqlite"

    # Restore into a copy of the database (so the benchmark data stays as it is): another
    # database than the snapshot's, so `--force` (SPEC v2).
    cp "$db" "$work/target.sqlite"
    read -r restore_ms restore_rss < <(measure "$lifeboat" restore --quiet --yes --no-safety-snapshot --force "$gz" \
        --database-url "sqlite:$work/target.sqlite" --backups "$backups")
    read -r gunzip_ms _ < <(measure bash -c "gunzip -c '$work/copy.sqlite.gz' > '$work/plain.sqlite' && sqlite3 '$work/plain.sqlite' 'PRAGMA integrity_check' >/dev/null")
    rm -f "$work/target.sqlite" "$work/plain.sqlite" "$work/copy.sqlite.gz"

    python3 - "$mb" "$raw" "$snap_ms" "$snap_size" "$gzip_ms" "$gzip_size" "$pigz_ms" "$restore_ms" "$gunzip_ms" "$snap_rss" "$restore_rss" <<'PY'
import sys
mb, raw, snap_ms, snap_size, gzip_ms, gzip_size, pigz_ms, restore_ms, gunzip_ms, snap_rss, restore_rss = map(float, sys.argv[1:])
mbps = lambda ms: raw / 1e6 / (ms / 1000)
print(f"snapshot, {raw/1e6:.0f} MB SQLite database ({int(mb)} MB class):")
print(f"  lifeboat snapshot        {snap_ms:7.0f} ms  {mbps(snap_ms):6.1f} MB/s  {snap_size/1e6:7.1f} MB")
print(f"  .backup + gzip -6        {gzip_ms:7.0f} ms  {mbps(gzip_ms):6.1f} MB/s  {gzip_size/1e6:7.1f} MB")
print(f"  .backup + pigz -6        {pigz_ms:7.0f} ms  {mbps(pigz_ms):6.1f} MB/s")
print(f"  speed vs gzip: {gzip_ms/snap_ms:.2f}x (target >= 1.6)   size vs gzip: {snap_size/gzip_size:.3f} (target within 2%)")
print(f"  speed vs pigz: {pigz_ms/snap_ms:.2f}x (target >= 0.95)")
print(f"  lifeboat restore         {restore_ms:7.0f} ms  vs gunzip + integrity_check {gunzip_ms:7.0f} ms: {restore_ms/gunzip_ms:.2f}x the time (target <= 1.3)")
print(f"  peak RSS: snapshot {snap_rss/1024:.1f} MiB, restore {restore_rss/1024:.1f} MiB (target < 64 MiB)")
PY
}

bench_size 64
bench_size 256
