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

# shellcheck source=scripts/bench/sqlite-data.sh
source scripts/bench/sqlite-data.sh
need pigz pigz
need sqlite3 sqlite3
need python3 python3

swift build -c release --product lifeboat >&2
lifeboat=$PWD/.build/release/lifeboat
mkdir -p bench-data
cores=$(nproc)

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
