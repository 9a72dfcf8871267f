#!/usr/bin/env bash
# Backup-then-migrate for a deploy: wait for the database, `lifeboat migrate --report`, summary.
set -euo pipefail

lb_script=deploy.sh
lb_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$lb_repo/scripts/lib/common.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/deploy.sh [options] [-- MIGRATE_ARGS...]

Backup-then-migrate for a deploy. Waits until the database accepts connections, runs
`lifeboat migrate --report FILE` (a snapshot first; a failing run puts the snapshot back), then
prints a summary from the report: each applied migration with its time, the snapshot's id and
size. Exits with lifeboat's exit code, so a failed run stops the deploy; the summary then says
whether the database was restored and how to look at it.

Options (flag > environment > default; relative paths are taken from the current folder):
  -d, --database-url URL  target database (env DATABASE_URL; required: without one the script
                          refuses with exit 2, so a deploy never migrates a default app.sqlite)
  --targets FILE          a fleet instead: one database URL per line, SQLite globs allowed
                          (env LIFEBOAT_TARGETS); runs `lifeboat migrate --targets FILE` and
                          prints its per-target lines and summary (no wait step)
  --migrations DIR        migration folder (env LIFEBOAT_MIGRATIONS; default <repo>/migrations)
  --backups DIR           snapshot folder (env LIFEBOAT_BACKUPS; default <repo>/backups)
  --report FILE           where the JSON run report goes
                          (default <backups>/reports/migrate-<UTC time>.json)
  --wait SECONDS          how long to wait for a PostgreSQL server to accept connections,
                          with `lifeboat wait --timeout` (default 30; 0 = try once)
  -h, --help              this help
  -- MIGRATE_ARGS...      passed on to `lifeboat migrate` (e.g. -- --target 0005 --keep 20)

The tool is $LIFEBOAT when set (a path to the binary), else `lifeboat` on PATH, else built with
`swift build -c release --product lifeboat` in the repository this script belongs to. The database URL reaches
lifeboat through the environment, never its command line; prefer DATABASE_URL over the flag for
a URL with a password.

Under GitHub Actions the summary is also appended to $GITHUB_STEP_SUMMARY, and $GITHUB_OUTPUT
gets `report`, `manifest` (the snapshot's manifest file, when one was taken) and `snapshot_id`.

Exit codes: lifeboat's (0 success or up to date, 1 a migration failed, 2 usage or cannot
connect, 3 validation, 4 lock, 5 snapshot or restore failed, 6 lint).
USAGE
}

wait_seconds=30
report=""
passthrough=()

while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        -d | --database-url) need_value "$@"; DATABASE_URL=$2; shift 2 ;;
        --database-url=*) DATABASE_URL=${1#*=}; shift ;;
        --targets) need_value "$@"; LIFEBOAT_TARGETS=$2; shift 2 ;;
        --targets=*) LIFEBOAT_TARGETS=${1#*=}; shift ;;
        --migrations) need_value "$@"; LIFEBOAT_MIGRATIONS=$2; shift 2 ;;
        --migrations=*) LIFEBOAT_MIGRATIONS=${1#*=}; shift ;;
        --backups) need_value "$@"; LIFEBOAT_BACKUPS=$2; shift 2 ;;
        --backups=*) LIFEBOAT_BACKUPS=${1#*=}; shift ;;
        --report) need_value "$@"; report=$2; shift 2 ;;
        --report=*) report=${1#*=}; shift ;;
        --wait) need_value "$@"; wait_seconds=$2; shift 2 ;;
        --wait=*) wait_seconds=${1#*=}; shift ;;
        --) shift; passthrough=("$@"); break ;;
        *) lb_die 2 "unknown argument '$1' (options for lifeboat migrate go after --; see -h)" ;;
    esac
done
[[ $wait_seconds =~ ^[0-9]+$ ]] || lb_die 2 "--wait needs a whole number of seconds, got '$wait_seconds'"

# A deploy names its database or its fleet: no default app.sqlite migrated by accident (SPEC v2).
if [[ -n ${LIFEBOAT_TARGETS:-} && -n ${DATABASE_URL:-} ]]; then
    lb_die 2 "give either --targets (LIFEBOAT_TARGETS) or --database-url (DATABASE_URL), not both"
fi
[[ -n ${DATABASE_URL:-}${LIFEBOAT_TARGETS:-} ]] \
    || lb_die 2 "no target database: set DATABASE_URL or pass --database-url URL, or --targets FILE for a fleet (a deploy never migrates a default app.sqlite)"

lb_find_lifeboat
lb_json_backend

# --- Configuration: absolute paths, handed to lifeboat through the environment -----------------

[[ -n ${LIFEBOAT_TARGETS:-} ]] || lb_database_url
LIFEBOAT_MIGRATIONS=$(lb_abs "${LIFEBOAT_MIGRATIONS:-$lb_repo/migrations}")
LIFEBOAT_BACKUPS=$(lb_abs "${LIFEBOAT_BACKUPS:-$lb_repo/backups}")
export LIFEBOAT_MIGRATIONS LIFEBOAT_BACKUPS
if [[ -z $report ]]; then
    reports=$LIFEBOAT_BACKUPS
    [[ $reports != s3://* ]] || reports=$lb_repo/backups # an S3 store holds snapshots only
    report="$reports/reports/migrate-$(date -u +%Y%m%dT%H%M%S%3NZ).json"
fi
report=$(lb_abs "$report")

# --- A fleet: lifeboat runs every target (each with its own snapshot and restore) -------------

if [[ -n ${LIFEBOAT_TARGETS:-} ]]; then
    rc=0
    rm -f "$report"
    # The file's relative SQLite paths are the caller's: lifeboat runs from the current folder.
    "$LB_BIN" migrate --targets "$LIFEBOAT_TARGETS" --report "$report" ${passthrough[@]+"${passthrough[@]}"} || rc=$?
    echo "== Fleet deploy summary =="
    if lb_json_ok "$report"; then
        echo "targets:   $(lb_json_value "$report" summary.total) ($(lb_json_value "$report" summary.ok) ok, $(lb_json_value "$report" summary.up_to_date) up to date, $(lb_json_value "$report" summary.failed) failed, $(lb_json_value "$report" summary.skipped) skipped)"
        echo "report:    $report"
    fi
    if [[ $rc -eq 0 ]]; then
        echo "result:    OK"
    else
        echo "result:    FAILED (exit $rc); each failed target was restored from its own snapshot (see its line above)"
    fi
    exit "$rc"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-deploy.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- Wait for the database ---------------------------------------------------------------------

# `lifeboat wait` retries until the server accepts connections (SQLite: at once; `migrate`
# creates a missing file, the fresh-install path) and exits 2 with the last error when it gives up.
if lb_is_postgres_url "$DATABASE_URL" && [[ $wait_seconds -gt 0 ]]; then
    lb_log "waiting up to ${wait_seconds} s for the database to accept connections"
fi
rc=0
"$LB_BIN" wait --timeout "$wait_seconds" --format json >"$scratch/wait.json" 2>"$scratch/wait.err" || rc=$?
if [[ $rc -ne 0 ]]; then
    message=""
    if lb_json_ok "$scratch/wait.json"; then
        message=$(lb_json_value "$scratch/wait.json" error.message)
    fi
    [[ -n $message ]] || message=$(tail -n 5 "$scratch/wait.err")
    lb_die 2 "gave up: the database did not accept connections within ${wait_seconds} s (--wait). Last error: $message"
fi
# lifeboat shows the URL as it shows it everywhere, password hidden (wait's `database`).
display_url=$(lb_json_value "$scratch/wait.json" database)
lb_log "database $display_url is reachable; running lifeboat migrate"

# --- Migrate -----------------------------------------------------------------------------------

rc=0
rm -f "$report"
"$LB_BIN" migrate --report "$report" ${passthrough[@]+"${passthrough[@]}"} || rc=$?

# --- Summary -----------------------------------------------------------------------------------

look_hint() {
    local db_flag=""
    # A SQLite URL holds no secret: show it, so the commands can be pasted as they are.
    lb_is_postgres_url "$DATABASE_URL" || db_flag=" --database-url $DATABASE_URL"
    echo "look:      lifeboat snapshots$db_flag --backups $LIFEBOAT_BACKUPS"
    echo "           lifeboat status$db_flag --migrations $LIFEBOAT_MIGRATIONS"
    lb_is_postgres_url "$DATABASE_URL" && echo "           (with DATABASE_URL set to $display_url)"
    echo "           scripts/restore.sh to put back an older snapshot"
}

if ! lb_json_ok "$report"; then
    {
        echo "== Deploy summary =="
        echo "database:  $display_url"
        echo "result:    FAILED (exit $rc) before a report was written; see lifeboat's message above"
        look_hint
    }
    [[ $rc -ne 0 ]] || rc=1
    lb_log "FAILED: lifeboat migrate exited $rc without a report"
    exit "$rc"
fi

ok=$(lb_json_value "$report" ok)
restored=$(lb_json_value "$report" restored)
database_changed=$(lb_json_value "$report" database_changed)
version=$(lb_json_value "$report" current_version)
total_ms=$(lb_json_value "$report" total_ms)
up_to_date=$(lb_json_value "$report" up_to_date)
snapshot_id=$(lb_json_value "$report" snapshot.id)
snapshot_raw=$(lb_json_value "$report" snapshot.raw_bytes)
snapshot_gz=$(lb_json_value "$report" snapshot.compressed_bytes)
snapshot_version=$(lb_json_value "$report" snapshot.schema_version)
error_message=$(lb_json_value "$report" error.message)
failed_file=$(lb_json_value "$report" failure.file)
failed_line=$(lb_json_value "$report" failure.line)
manifest=""
[[ -n $snapshot_id ]] && manifest="$LIFEBOAT_BACKUPS/$snapshot_id.json"

migrations=()
applied_count=0
while IFS=$'\x1f' read -r m_version m_description m_status m_ms; do
    migrations+=("$(printf '%-8s %-32s %-8s %6s ms' "$m_version" "$m_description" "$m_status" "${m_ms:-?}")")
    [[ $m_status == applied ]] && applied_count=$((applied_count + 1))
done < <(lb_json_rows "$report" migrations version description status execution_ms)

summary=$scratch/summary.txt
{
    echo "== Deploy summary =="
    echo "database:  $display_url"
    if [[ $ok == true && $rc -eq 0 ]]; then
        if [[ $up_to_date == true ]]; then
            echo "result:    OK: up to date at version ${version:-none}; nothing applied, no snapshot taken"
        else
            echo "result:    OK: $applied_count migration(s) applied in ${total_ms:-?} ms; now at version ${version:-none}"
        fi
    else
        echo "result:    FAILED (exit $rc): $(head -n 1 <<<"$error_message")"
        [[ -n $failed_file ]] && echo "           at $failed_file${failed_line:+:$failed_line}"
        if [[ $restored == true ]]; then
            echo "restored:  yes: the database was restored from snapshot $snapshot_id; it is as it was before this deploy (version ${version:-none})"
        else
            case $rc in
                2 | 3 | 4 | 6) echo "restored:  not needed: lifeboat stopped before changing anything (exit $rc)" ;;
                1)
                    # lifeboat says whether the run left changes behind (a no-transaction migration
                    # that stopped halfway does, with nothing 'applied').
                    if [[ $database_changed != true ]]; then
                        echo "restored:  not needed: nothing of this run was committed; the database is as before this deploy"
                    else
                        echo "restored:  NO: the migrations marked 'applied' below stay committed, and any statements a no-transaction migration ran (--on-failure keep?)"
                    fi
                    ;;
                *) echo "restored:  no (the report says restored: false); lifeboat's message above says what state the database is in" ;;
            esac
        fi
    fi
    if [[ ${#migrations[@]} -gt 0 ]]; then
        if [[ $ok == true ]]; then echo "applied:"; else echo "ran:"; fi
        printf '  %s\n' "${migrations[@]}"
    fi
    if [[ -n $snapshot_id ]]; then
        echo "snapshot:  $snapshot_id (taken before the run at version ${snapshot_version:-none}; $(lb_human_bytes "$snapshot_gz") compressed, $(lb_human_bytes "$snapshot_raw") raw)"
        echo "manifest:  $manifest"
    fi
    echo "report:    $report"
    if [[ $rc -ne 0 ]]; then
        look_hint
    fi
} >"$summary"
cat "$summary"

if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    { echo '### Lifeboat deploy'; echo; echo '```'; cat "$summary"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    { echo "report=$report"; echo "manifest=$manifest"; echo "snapshot_id=$snapshot_id"; } >>"$GITHUB_OUTPUT"
fi

if [[ $rc -ne 0 ]]; then
    if [[ $restored == true ]]; then
        lb_log "FAILED (exit $rc): the database was restored from snapshot $snapshot_id; the deploy must stop"
    else
        lb_log "FAILED (exit $rc): the deploy must stop; see the summary above"
    fi
    exit "$rc"
fi
[[ $ok == true ]] || { lb_log "FAILED: the report says ok: false"; exit 1; }
