#!/usr/bin/env bash
# Lists a database's snapshots and restores the chosen one (or the latest), after confirmation.
set -euo pipefail

lb_script=restore.sh
lb_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$lb_repo/scripts/lib/common.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/restore.sh [options] [ID | latest | PATH]

Lists the snapshots of the database (id, age, schema version, size), then restores the chosen
one: a snapshot id, `latest` (the default: the newest that is not a pre-restore safety snapshot,
so running it twice never brings back what the first run replaced) or the path of a manifest or
payload. lifeboat checks the snapshot (SHA-256, engine, database, the whole payload) first, takes
a safety snapshot of the current state, and restores all-or-nothing. Prints the version the database was restored to and the safety snapshot's id
(restore that one to undo).

On a terminal it asks for confirmation; without one it needs --yes.

Options (flag > environment > default; relative paths are taken from the current folder):
  -d, --database-url URL  target database (env DATABASE_URL; default sqlite:<repo>/app.sqlite)
  --backups DIR           snapshot folder (env LIFEBOAT_BACKUPS; default <repo>/backups)
  -l, --list              only list the snapshots
  -y, --yes               do not ask for confirmation
  --no-safety-snapshot    do not take a safety snapshot first (the restore cannot be undone)
  -h, --help              this help

The tool is $LIFEBOAT when set (a path to the binary), else `lifeboat` on PATH, else built with
`swift build -c release` in the repository this script belongs to.

Exit codes: lifeboat's (0 restored; 2 unknown snapshot, a snapshot of another database, or no
confirmation: without a terminal and without --yes, or the prompt declined; 5 the snapshot is
damaged or the restore failed, and the database is unchanged).
USAGE
}

choice=""
list_only=0
yes=0
restore_flags=()

while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        -d | --database-url) need_value "$@"; DATABASE_URL=$2; shift 2 ;;
        --database-url=*) DATABASE_URL=${1#*=}; shift ;;
        --backups) need_value "$@"; LIFEBOAT_BACKUPS=$2; shift 2 ;;
        --backups=*) LIFEBOAT_BACKUPS=${1#*=}; shift ;;
        -l | --list) list_only=1; shift ;;
        -y | --yes) yes=1; shift ;;
        --no-safety-snapshot) restore_flags+=(--no-safety-snapshot); shift ;;
        --) shift; [[ $# -le 1 ]] || lb_die 2 "one snapshot at a time (see -h)"; choice=${1:-}; break ;;
        -*) lb_die 2 "unknown option '$1' (see -h)" ;;
        *) [[ -z $choice ]] || lb_die 2 "one snapshot at a time (see -h)"; choice=$1; shift ;;
    esac
done
choice=${choice:-latest}

lb_find_lifeboat
lb_json_backend

lb_database_url
LIFEBOAT_BACKUPS=$(lb_abs "${LIFEBOAT_BACKUPS:-$lb_repo/backups}")
export LIFEBOAT_BACKUPS
# A manifest or payload path, taken from the current folder like every other path.
if [[ $choice == */* || $choice == *.json || $choice == *.gz ]]; then
    choice=$(lb_abs "$choice")
fi
# Until lifeboat itself reports the URL (the snapshot listing below): a SQLite URL holds no
# secret; a PostgreSQL one is not shown at all.
display_url="the PostgreSQL database"
lb_is_postgres_url "$DATABASE_URL" || display_url=$DATABASE_URL

scratch=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-restore.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# --- List --------------------------------------------------------------------------------------

age_of() {
    local created=$1 created_at now seconds
    created_at=$(date -u -d "$created" +%s 2>/dev/null) || { printf '%s\n' "$created"; return 0; }
    now=$(date -u +%s)
    seconds=$((now - created_at))
    if ((seconds < 60)); then
        printf '%d s\n' "$((seconds < 0 ? 0 : seconds))"
    elif ((seconds < 3600)); then
        printf '%d min\n' "$((seconds / 60))"
    elif ((seconds < 172800)); then
        printf '%d h\n' "$((seconds / 3600))"
    else
        printf '%d d\n' "$((seconds / 86400))"
    fi
}

rc=0
"$LB_BIN" snapshots --format json >"$scratch/snapshots.json" || rc=$?
listed=1
if [[ $rc -ne 0 ]]; then
    message=""
    lb_json_ok "$scratch/snapshots.json" && message=$(lb_json_value "$scratch/snapshots.json" error.message)
    # `snapshots` refuses a SQLite file that does not exist (exit 2), but `restore` may recreate a
    # deleted file from its snapshot: without a list, lifeboat itself chooses and shows the snapshot.
    if [[ $rc -ne 2 || $list_only -eq 1 ]]; then
        lb_die "$rc" "listing the snapshots failed${message:+: $message}"
    fi
    echo "cannot list the snapshots (${message:-exit $rc}); lifeboat restore chooses '$choice' itself and shows it first"
    listed=0
    printf '{"snapshots": []}\n' >"$scratch/snapshots.json"
else
    # The URL as lifeboat shows it everywhere, password hidden.
    reported_url=$(lb_json_value "$scratch/snapshots.json" database)
    display_url=${reported_url:-$display_url}
fi

ids=()
rows=()
declare -A version_of=() age=() size_of=() reason_of=()
while IFS=$'\x1f' read -r id created version gz raw reason label; do
    ids+=("$id")
    version_of[$id]=${version:-none}
    reason_of[$id]="$reason${label:+, label \"$label\"}"
    age[$id]=$(age_of "$created")
    size_of[$id]="$(lb_human_bytes "$gz") ($(lb_human_bytes "$raw") raw)"
    rows+=("$(printf '%-28s %-9s %-16s %-22s %s' "$id" "${age[$id]}" "${version:-none}" "${size_of[$id]}" "$reason${label:+: $label}")")
done < <(lb_json_rows "$scratch/snapshots.json" snapshots id created_at schema_version compressed_bytes raw_bytes reason label)

if [[ $listed -eq 0 ]]; then
    :
elif [[ ${#ids[@]} -eq 0 ]]; then
    echo "no snapshots of $display_url in $LIFEBOAT_BACKUPS"
    [[ $list_only -eq 1 ]] && exit 0
    [[ $choice == /* ]] || lb_die 2 "nothing to restore: no snapshots of $display_url in $LIFEBOAT_BACKUPS (\`lifeboat snapshots --all\` lists every database's)"
else
    echo "Snapshots of $display_url in $LIFEBOAT_BACKUPS, newest first:"
    printf '  %-28s %-9s %-16s %-22s %s\n' ID AGE VERSION SIZE REASON
    printf '  %s\n' "${rows[@]}"
fi
[[ $list_only -eq 0 ]] || exit 0

# --- Choose and confirm ------------------------------------------------------------------------

target=$choice
if [[ $listed -eq 0 ]]; then
    description="the snapshot '$choice' (lifeboat checks it is of this database before it acts)"
elif [[ $choice == latest ]]; then
    # The snapshot lifeboat's `latest` means, as lifeboat itself reports it.
    target=$(lb_json_value "$scratch/snapshots.json" latest)
    [[ -n $target ]] || lb_die 2 "nothing to restore as latest: $display_url has only pre-restore safety snapshots in $LIFEBOAT_BACKUPS; name one by id"
fi
if [[ $listed -eq 0 ]]; then
    :
elif [[ -n ${version_of[$target]+set} ]]; then
    description="snapshot $target (reason ${reason_of[$target]}, version ${version_of[$target]}, taken ${age[$target]} ago, ${size_of[$target]})"
elif [[ $target == /* ]]; then
    description="the snapshot at $target"
else
    lb_die 2 "no snapshot '$target' of $display_url in $LIFEBOAT_BACKUPS (see the list above); nothing changed"
fi

if [[ $yes -eq 0 ]]; then
    if [[ ! -t 0 ]]; then
        lb_die 2 "not on a terminal: pass --yes to restore $description without confirmation; nothing changed"
    fi
    safety_note=" (a safety snapshot is taken first)"
    [[ ${#restore_flags[@]} -eq 0 ]] || safety_note=" (no safety snapshot: this cannot be undone)"
    printf 'Restore %s over %s?\nIts current contents are replaced%s. [y/N] ' "$description" "$display_url" "$safety_note" >&2
    read -r answer || answer=""
    case $answer in
        y | Y | yes | YES | Yes) ;;
        *) lb_die 2 "not confirmed: not restored; nothing changed" ;;
    esac
fi

# --- Restore -----------------------------------------------------------------------------------

rc=0
"$LB_BIN" restore --yes --format json ${restore_flags[@]+"${restore_flags[@]}"} "$target" >"$scratch/restore.json" || rc=$?
if ! lb_json_ok "$scratch/restore.json"; then
    lb_die "$((rc == 0 ? 1 : rc))" "lifeboat restore exited $rc without a JSON answer"
fi
if [[ $rc -ne 0 ]]; then
    lb_die "$rc" "restore failed (exit $rc): $(lb_json_value "$scratch/restore.json" error.message)"
fi

restored_id=$(lb_json_value "$scratch/restore.json" snapshot.id)
restored_version=$(lb_json_value "$scratch/restore.json" restored_version)
safety_id=$(lb_json_value "$scratch/restore.json" safety_snapshot.id)
echo "restored snapshot $restored_id: $display_url is at version ${restored_version:-none}"
if [[ -n $safety_id ]]; then
    echo "safety snapshot: $safety_id (the state before this restore; undo with: scripts/restore.sh --yes $safety_id)"
else
    echo "safety snapshot: none (--no-safety-snapshot)"
fi
