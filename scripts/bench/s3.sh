#!/usr/bin/env bash
# S3 snapshot store benchmark (issue 12). In one run, against moto's S3 server on 127.0.0.1:
#   lifeboat snapshot --backups s3://…  vs  sqlite3 .backup + pigz -6 -p N + aws s3 cp, in sequence
#                                           (target ≥ 1.3× faster: lifeboat's stages overlap)
#   lifeboat restore from S3            vs  aws s3 cp + gunzip + PRAGMA integrity_check (target within 1.2×)
#   peak RSS of snapshot and restore, 64 MB and 256 MB databases (target < 64 MiB, flat)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${1:-}" == "-h" ]]; then
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    echo "Usage: scripts/bench/s3.sh [-h] [64|256 …]   (default both; data in bench-data/, generated once; awscli and moto from PyPI)"
    exit 0
fi

# shellcheck source=scripts/bench/sqlite-data.sh
source scripts/bench/sqlite-data.sh
need pigz pigz
need sqlite3 sqlite3
need python3 python3
for tool in aws:awscli moto_server:'moto[server]'; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || python3 -m pip install -q "${tool#*:}" >&2
done
[[ -x /usr/bin/time ]] || need time time

swift build -c release --product lifeboat >&2
lifeboat=$PWD/.build/release/lifeboat
mkdir -p bench-data
cores=$(nproc)
make_db bench-data/sqlite-256.sqlite 1360000
make_db bench-data/sqlite-64.sqlite 340000

work=$(mktemp -d bench-data/run.XXXXXX)
moto_pid=""
cleanup() {
    [[ -z $moto_pid ]] || kill -KILL "$moto_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# moto's S3 server at a free port, in memory; its keys are any.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" LIFEBOAT_S3_PATH_STYLE=1
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL_S3" "$@"; }
aws s3 mb s3://bench >/dev/null

# timed OUT_FILE CMD…: runs the command under /usr/bin/time -v; prints "milliseconds peak_rss_kib".
timed() {
    local start end
    start=$(date +%s%N)
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null || { echo "bench: $* failed" >&2; exit 1; }
    end=$(date +%s%N)
    echo "$(((end - start) / 1000000)) $(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")"
}

bench_size() {
    local mb=$1 db=bench-data/sqlite-$1.sqlite raw
    raw=$(stat -c %s "$db")
    cat "$db" >/dev/null # the page cache, for every contender

    local store=s3://bench/lifeboat-$mb
    read -r snap_ms snap_rss < <(timed "$lifeboat" snapshot --quiet --database-url "sqlite:$db" --backups "$store")
    local id
    id=$("$lifeboat" snapshots --format json --database-url "sqlite:$db" --backups "$store" | python3 -c 'import json, sys; print(json.load(sys.stdin)["snapshots"][0]["id"])')

    read -r peer_ms _ < <(timed bash -c "sqlite3 '$db' '.backup $work/copy.sqlite' && pigz -6 -p $cores -c '$work/copy.sqlite' > '$work/copy.sqlite.gz' && aws --endpoint-url '$AWS_ENDPOINT_URL_S3' s3 cp --quiet '$work/copy.sqlite.gz' s3://bench/peer-$mb.sqlite.gz")
    rm -f "$work/copy.sqlite" "$work/copy.sqlite.gz"

    cp "$db" "$work/target.sqlite"
    read -r restore_ms restore_rss < <(timed "$lifeboat" restore --quiet --yes --no-safety-snapshot --force "$id" \
        --database-url "sqlite:$work/target.sqlite" --backups "$store")
    read -r peer_restore_ms _ < <(timed bash -c "aws --endpoint-url '$AWS_ENDPOINT_URL_S3' s3 cp --quiet s3://bench/peer-$mb.sqlite.gz - | gunzip > '$work/plain.sqlite' && sqlite3 '$work/plain.sqlite' 'PRAGMA integrity_check' >/dev/null")
    rm -f "$work/target.sqlite" "$work/plain.sqlite"

    python3 - "$raw" "$snap_ms" "$peer_ms" "$restore_ms" "$peer_restore_ms" "$snap_rss" "$restore_rss" <<'PY'
import sys
raw, snap, peer, restore, peer_restore, snap_rss, restore_rss = map(float, sys.argv[1:])
print(f"S3 snapshot store, {raw/1e6:.0f} MB SQLite database, moto on loopback:")
print(f"  lifeboat snapshot --backups s3://   {snap:7.0f} ms   .backup + pigz + aws s3 cp {peer:7.0f} ms: {peer/snap:.2f}x faster (target >= 1.3)")
print(f"  lifeboat restore from s3://          {restore:7.0f} ms   aws s3 cp | gunzip + integrity_check {peer_restore:7.0f} ms: {restore/peer_restore:.2f}x the time (target <= 1.2)")
print(f"  peak RSS: snapshot {snap_rss/1024:.1f} MiB, restore {restore_rss/1024:.1f} MiB (target < 64 MiB)")
PY
}

for mb in "${@:-64 256}"; do
    # shellcheck disable=SC2086 # the default is two words
    for size in $mb; do bench_size "$size"; done
done
