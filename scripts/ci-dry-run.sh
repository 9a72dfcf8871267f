#!/usr/bin/env bash
# The pull-request pipeline on a throwaway database: base migrations, then plan, migrate, verify,
# rollback and migrate again for the new ones; a Markdown summary on stdout.
set -euo pipefail

lb_script=ci-dry-run.sh
lb_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$lb_repo/scripts/lib/common.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/ci-dry-run.sh [--base REF] [--database-url URL] [--no-rollback] [options]

The pull-request pipeline, on a throwaway database that nothing else uses:

  base           apply the migrations of the base commit (taken with `git archive`; the current
                 checkout and branch are never touched)
  lint           validate the migration folder against that database and lint the new
                 migrations (`lifeboat plan --no-rehearse`)
  plan           rehearse the new migrations (`lifeboat plan`)
  migrate        apply them (`lifeboat migrate --dump-schema`)
  verify         history, verify sections and schema (`lifeboat verify --schema`)
  rollback       run their down sections (`lifeboat rollback --to <base version>`, or --steps N
                 when the base has no migrations)
  migrate again  apply them once more: the down sections really undid them

It stops at the first stage that fails, names it ("stage 'plan' failed") and exits with
lifeboat's exit code for it (1 failed, 3 validation, 6 lint, …; 2 for a setup problem). A
Markdown summary (one table row per new migration: version, description, rehearsal ms, apply
ms, lint findings; on PostgreSQL, then each new migration's lock-impact verdict from the
rehearsal) goes to stdout, and is appended to $GITHUB_STEP_SUMMARY when that is set.
Progress and lifeboat's own messages go to stderr.

Options:
  --base REF              the commit whose migrations are already deployed (default: the merge
                          base of HEAD with origin/main, else with main)
  -d, --database-url URL  where the throwaway database lives. Without it: a temporary SQLite
                          file. A postgres:// URL names a server and a database to connect to:
                          the script creates a temporary database there (`lifeboat create`)
                          and drops it afterwards (`lifeboat drop`), also when a stage fails. A sqlite: URL names
                          a file that must not exist yet; it is removed afterwards.
                          DATABASE_URL is deliberately ignored: a dry run never uses a real database.
  --migrations DIR        the migration folder, inside a git work tree (env LIFEBOAT_MIGRATIONS;
                          default <repo>/migrations; relative to the current folder)
  --schema FILE           a committed schema dump the migrated database must match (default: the
                          dump `migrate --dump-schema` wrote in this run)
  --allow-destructive     destructive statements are intended (passed to lint and plan)
  --no-rollback           skip the rollback and migrate-again stages, for projects whose
                          migrations are forward-only (the summary says they were skipped)
  --keep                  keep the throwaway database and the work folder; say where they are
  -h, --help              this help

The tool is $LIFEBOAT when set (a path to the binary), else `lifeboat` on PATH, else built with
`swift build -c release --product lifeboat` in the repository this script belongs to. The URL,
password included, reaches lifeboat through the environment, never its command line.
USAGE
}

base_ref=""
database_url=""
schema_file=""
keep=0
rollback=1
lint_flags=()

while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --base) need_value "$@"; base_ref=$2; shift 2 ;;
        --base=*) base_ref=${1#*=}; shift ;;
        -d | --database-url) need_value "$@"; database_url=$2; shift 2 ;;
        --database-url=*) database_url=${1#*=}; shift ;;
        --migrations) need_value "$@"; LIFEBOAT_MIGRATIONS=$2; shift 2 ;;
        --migrations=*) LIFEBOAT_MIGRATIONS=${1#*=}; shift ;;
        --schema) need_value "$@"; schema_file=$2; shift 2 ;;
        --schema=*) schema_file=${1#*=}; shift ;;
        --allow-destructive) lint_flags+=(--allow-destructive); shift ;;
        --keep) keep=1; shift ;;
        --no-rollback) rollback=0; shift ;;
        *) lb_die 2 "unknown argument '$1' (see -h)" ;;
    esac
done

lb_find_lifeboat
lb_json_backend
command -v git >/dev/null 2>&1 || lb_die 2 "git is needed to read the base commit's migrations"

migrations=$(lb_abs "${LIFEBOAT_MIGRATIONS:-$lb_repo/migrations}")
[[ -d $migrations ]] || lb_die 2 "no migration folder at $migrations"
[[ -z $schema_file ]] || schema_file=$(lb_abs "$schema_file")
[[ -z $schema_file || -f $schema_file ]] || lb_die 2 "--schema: no file at $schema_file"

# --- The base commit ---------------------------------------------------------------------------

git_top=$(git -C "$migrations" rev-parse --show-toplevel 2>/dev/null) \
    || lb_die 2 "$migrations is not inside a git work tree"
migrations_in_repo=$(cd "$migrations" && pwd -P)
git_top_physical=$(cd "$git_top" && pwd -P)
case $migrations_in_repo in
    "$git_top_physical") relative="." ;;
    "$git_top_physical"/*) relative=${migrations_in_repo#"$git_top_physical"/} ;;
    *) lb_die 2 "$migrations is not inside $git_top" ;;
esac

if [[ -n $base_ref ]]; then
    base_commit=$(git -C "$git_top" rev-parse --verify --quiet "$base_ref^{commit}") \
        || lb_die 2 "--base $base_ref: no such commit in $git_top (in CI, fetch it: actions/checkout with fetch-depth: 0)"
else
    base_commit=""
    for candidate in origin/main main; do
        if git -C "$git_top" rev-parse --verify --quiet "$candidate^{commit}" >/dev/null; then
            base_commit=$(git -C "$git_top" merge-base HEAD "$candidate") \
                || lb_die 2 "HEAD and $candidate have no common ancestor; pass --base REF"
            base_ref="merge base with $candidate"
            break
        fi
    done
    [[ -n $base_commit ]] || lb_die 2 "neither origin/main nor main exists in $git_top; pass --base REF"
fi
base_short=$(git -C "$git_top" rev-parse --short "$base_commit")

# --- Work folder and throwaway database --------------------------------------------------------

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-ci.XXXXXX")
database_created=0
display_url=""

# The throwaway database is made and removed by lifeboat itself (`create`, `drop`), which also
# reports its URL with the password hidden: the script never takes a URL apart.
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ $keep -eq 1 ]]; then
        lb_log "kept the work folder $work"
        [[ -n $display_url ]] && lb_log "kept the database $display_url"
    else
        if [[ $database_created -eq 1 ]]; then
            "$LB_BIN" drop --yes --no-snapshot --quiet >/dev/null \
                || lb_log "could not drop the temporary database ${display_url:-}; drop it by hand"
        fi
        if [[ -n ${sqlite_file:-} ]]; then
            rm -f "$sqlite_file.lock"
        fi
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sqlite_file=""
if [[ -z $database_url ]]; then
    sqlite_file="$work/ci-dry-run.sqlite"
    DATABASE_URL="sqlite:$sqlite_file"
    engine_note="a temporary SQLite file"
elif lb_is_postgres_url "$database_url"; then
    # libpq's `dbname` query parameter wins over the URL's path: the same server, user and
    # settings, another database.
    temp_database="lifeboat_ci_$(date -u +%Y%m%d%H%M%S)_$$_$RANDOM"
    separator='?'
    [[ $database_url != *\?* ]] || separator='&'
    DATABASE_URL="$database_url${separator}dbname=$temp_database"
    engine_note="a temporary PostgreSQL database ($temp_database)"
elif [[ $database_url == sqlite:* || $database_url == file:* ]]; then
    DATABASE_URL=$(lb_abs_url "$database_url")
    sqlite_file=${DATABASE_URL#*:}
    sqlite_file=/${sqlite_file##/}
    [[ ! -e $sqlite_file ]] || lb_die 2 "$sqlite_file exists: a dry run needs a SQLite file of its own (leave --database-url out for a temporary one)"
    engine_note="the SQLite file $sqlite_file"
else
    lb_die 2 "--database-url must be a postgres:// or sqlite: URL"
fi
# Everything below talks to the throwaway database only, through the environment.
LIFEBOAT_BACKUPS="$work/backups"
export DATABASE_URL LIFEBOAT_BACKUPS
rc=0
"$LB_BIN" create --format json >"$work/create.json" 2>"$work/create.err" || rc=$?
if [[ $rc -ne 0 ]]; then
    message=""
    lb_json_ok "$work/create.json" && message=$(lb_json_value "$work/create.json" error.message)
    lb_die 2 "could not create the throwaway database: ${message:-$(tail -n 3 "$work/create.err")}"
fi
# Never drop what this run did not create.
[[ $(lb_json_value "$work/create.json" created) == true ]] \
    || lb_die 2 "the throwaway database $(lb_json_value "$work/create.json" database) already existed; not touching it"
database_created=1
display_url=$(lb_json_value "$work/create.json" database)
lb_log "created the throwaway database $display_url"

base_dir="$work/base"
mkdir -p "$base_dir"
if git -C "$git_top" cat-file -e "$base_commit:$relative" 2>/dev/null; then
    git -C "$git_top" archive --format=tar "$base_commit" -- "$relative" | tar -x -C "$base_dir"
fi
base_migrations="$base_dir/$relative"
mkdir -p "$base_migrations"

# --- Stages ------------------------------------------------------------------------------------

stages=("base" "lint" "plan" "migrate" "verify" "rollback" "migrate again")
declare -A stage_result=()
for stage in "${stages[@]}"; do stage_result[$stage]="not run"; done
failed_stage=""
failed_code=0
failed_message=""
base_version=""
notes=()

# lifeboat_json OUT ARGS…: lifeboat ARGS… --format json, its JSON in OUT, its messages on stderr.
lifeboat_json() {
    local out=$1
    shift
    local rc=0
    "$LB_BIN" "$@" --format json >"$out" || rc=$?
    return "$rc"
}

error_of() {
    local file=$1 message=""
    lb_json_ok "$file" && message=$(lb_json_value "$file" error.message)
    [[ -n $message ]] || message="see the messages of lifeboat above"
    printf '%s\n' "$message"
}

write_summary() {
    local out="$work/summary.md"
    local outcome="passed ✅"
    [[ -z $failed_stage ]] || outcome="stage '$failed_stage' failed ❌"
    {
        echo "## Lifeboat dry run: $outcome"
        echo
        echo "Base: $base_ref (\`$base_short\`) at version ${base_version:-none}; ${#new_versions[@]} new migration(s); ran on $engine_note."
        echo
        echo "| version | description | rehearsal ms | apply ms | lint findings |"
        echo "|---|---|---:|---:|---|"
        local version
        for version in ${new_versions[@]+"${new_versions[@]}"}; do
            echo "| $version | ${new_description[$version]} | ${rehearsal_ms[$version]:--} | ${apply_ms[$version]:--} | ${lint_cell[$version]:-none} |"
        done
        echo
        # PostgreSQL: what each new migration locked in the rehearsal, and for how long.
        if [[ ${#lock_verdict[@]} -gt 0 ]]; then
            echo "Lock impact in the rehearsal:"
            echo
            for version in ${new_versions[@]+"${new_versions[@]}"}; do
                [[ -z ${lock_verdict[$version]:-} ]] || echo "- **$version** ${new_description[$version]}: ${lock_verdict[$version]}"
            done
            echo
        fi
        local line="" stage
        for stage in "${stages[@]}"; do
            line+="${line:+ · }$stage: ${stage_result[$stage]}"
        done
        echo "Stages: $line"
        if [[ ${#notes[@]} -gt 0 ]]; then
            echo
            printf -- '- %s\n' "${notes[@]}"
        fi
        if [[ -n $failed_stage ]]; then
            echo
            echo "**Stage '$failed_stage' failed** (exit $failed_code):"
            echo
            echo '```'
            printf '%s\n' "$failed_message"
            echo '```'
        fi
    } >"$out"
    cat "$out"
    if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
        cat "$out" >>"$GITHUB_STEP_SUMMARY"
    fi
}

# fail STAGE CODE MESSAGE: record, print the summary, exit with CODE.
fail() {
    failed_stage=$1
    failed_code=$2
    failed_message=$3
    stage_result[$failed_stage]="failed ❌"
    write_summary
    lb_log "stage '$failed_stage' failed (exit $failed_code): $(head -n 1 <<<"$failed_message")"
    exit "$failed_code"
}

passed() { stage_result[$1]="passed ✅"; }

new_versions=()
declare -A new_description=() new_file=() rehearsal_ms=() apply_ms=() lint_cell=() lock_verdict=()

lb_log "base: $base_ref ($base_short); throwaway database: $display_url"

# base (also with no base migrations: `migrate` is what creates a new SQLite file, and every
# later command refuses a database file that does not exist)
lb_log "stage 'base': applying the base commit's migrations"
rc=0
LIFEBOAT_MIGRATIONS=$base_migrations lifeboat_json "$work/base.json" migrate --no-snapshot --report "$work/base-report.json" || rc=$?
[[ $rc -eq 0 ]] || fail "base" "$rc" "the base commit's migrations do not apply: $(error_of "$work/base.json")"
base_version=$(lb_json_value "$work/base.json" current_version)
if compgen -G "$base_migrations/*.sql" >/dev/null; then
    passed "base"
else
    stage_result["base"]="no migrations"
fi
rc=0
"$LB_BIN" schema "$work/base-schema.sql" >/dev/null || rc=$?
[[ $rc -eq 0 ]] || fail "base" "$rc" "lifeboat schema failed after the base migrations"

export LIFEBOAT_MIGRATIONS=$migrations

# lint: validation of the whole folder against the base database, lint of what is new
lb_log "stage 'lint': lifeboat plan --no-rehearse"
rc=0
lifeboat_json "$work/lint.json" plan --no-rehearse ${lint_flags[@]+"${lint_flags[@]}"} || rc=$?
if lb_json_ok "$work/lint.json"; then
    while IFS=$'\x1f' read -r version description file; do
        new_versions+=("$version")
        new_description[$version]=$description
        new_file[$version]=$file
    done < <(lb_json_rows "$work/lint.json" migrations version description file)
    while IFS=$'\x1f' read -r file line rule allowed; do
        for version in ${new_versions[@]+"${new_versions[@]}"}; do
            if [[ ${new_file[$version]} == "$file" ]]; then
                finding="$rule (line $line)"
                [[ $allowed != true ]] || finding="$rule (line $line, allowed)"
                lint_cell[$version]="${lint_cell[$version]:+${lint_cell[$version]}, }$finding"
            fi
        done
    done < <(lb_json_rows "$work/lint.json" lint file line rule allowed)
fi
[[ $rc -eq 0 ]] || fail "lint" "$rc" "$(error_of "$work/lint.json")"
passed "lint"

# plan: rehearsal where the database cannot change
lb_log "stage 'plan': lifeboat plan (rehearsal)"
rc=0
lifeboat_json "$work/plan.json" plan ${lint_flags[@]+"${lint_flags[@]}"} || rc=$?
if lb_json_ok "$work/plan.json"; then
    while IFS=$'\x1f' read -r version ms status verdict; do
        [[ -z $verdict ]] || lock_verdict[$version]=$verdict
        case $status in
            failed) rehearsal_ms[$version]="failed" ;;
            not_rehearsed) rehearsal_ms[$version]="not rehearsed (no-transaction)" ;;
            not_reached) rehearsal_ms[$version]="not reached" ;;
            *) [[ -z $ms ]] || rehearsal_ms[$version]=$ms ;;
        esac
    done < <(lb_json_rows "$work/plan.json" migrations version rehearsal_ms status verdict)
fi
[[ $rc -eq 0 ]] || fail "plan" "$rc" "$(error_of "$work/plan.json")"
passed "plan"

# migrate: backup-first, as in a deploy
lb_log "stage 'migrate': lifeboat migrate"
rc=0
lifeboat_json "$work/migrate.json" migrate --dump-schema "$work/schema.sql" || rc=$?
if lb_json_ok "$work/migrate.json"; then
    while IFS=$'\x1f' read -r version ms; do
        apply_ms[$version]=$ms
    done < <(lb_json_rows "$work/migrate.json" migrations version execution_ms)
fi
if [[ $rc -ne 0 ]]; then
    message=$(error_of "$work/migrate.json")
    # The run must have left the database as the base left it.
    now_version="unknown"
    lifeboat_json "$work/after-failure.json" status 2>/dev/null || true
    if lb_json_ok "$work/after-failure.json" && [[ $(lb_json_value "$work/after-failure.json" ok) == true ]]; then
        now_version=$(lb_json_value "$work/after-failure.json" current_version)
    fi
    if [[ $now_version == "$base_version" ]]; then
        notes+=("After the failure the throwaway database is back at the base version (${base_version:-none}), as a deploy's would be.")
    else
        notes+=("After the failure the throwaway database is at version ${now_version:-none}, NOT at the base version ${base_version:-none}.")
    fi
    fail "migrate" "$rc" "$message"
fi
passed "migrate"

# verify: history, verify sections, schema
lb_log "stage 'verify': lifeboat verify --schema"
rc=0
lifeboat_json "$work/verify.json" verify --schema "${schema_file:-$work/schema.sql}" || rc=$?
if [[ $rc -ne 0 ]]; then
    message=$(error_of "$work/verify.json")
    diff_text=""
    lb_json_ok "$work/verify.json" && diff_text=$(lb_json_value "$work/verify.json" schema_diff)
    fail "verify" "$rc" "$message${diff_text:+$'\n'$diff_text}"
fi
passed "verify"

# rollback: the down sections of the new migrations
if [[ ${#new_versions[@]} -eq 0 ]]; then
    stage_result["rollback"]="nothing new"
    stage_result["migrate again"]="nothing new"
elif [[ $rollback -eq 0 ]]; then
    lb_log "stages 'rollback' and 'migrate again': skipped (--no-rollback)"
    stage_result["rollback"]="skipped (--no-rollback)"
    stage_result["migrate again"]="skipped (--no-rollback)"
    notes+=("Rollback not tested: --no-rollback (this project's migrations are forward-only); the down sections did not run.")
else
    if [[ -n $base_version ]]; then
        rollback_args=(--to "$base_version")
    else
        rollback_args=(--steps "${#new_versions[@]}")
    fi
    lb_log "stage 'rollback': lifeboat rollback ${rollback_args[*]}"
    rc=0
    lifeboat_json "$work/rollback.json" rollback --yes "${rollback_args[@]}" || rc=$?
    [[ $rc -eq 0 ]] || fail "rollback" "$rc" "$(error_of "$work/rollback.json")"
    if [[ -n $base_version ]]; then
        rc=0
        lifeboat_json "$work/rollback-schema.json" verify --schema "$work/base-schema.sql" 2>/dev/null || rc=$?
        if [[ $rc -eq 0 ]]; then
            notes+=("After the rollback the schema equals the base commit's schema.")
        else
            notes+=("Warning: after the rollback the schema differs from the base commit's schema (down sections that do not undo everything?).")
            lb_log "warning: after the rollback the schema differs from the base schema:"
            lb_json_ok "$work/rollback-schema.json" && lb_json_value "$work/rollback-schema.json" schema_diff >&2
        fi
    fi
    passed "rollback"

    lb_log "stage 'migrate again': lifeboat migrate"
    rc=0
    lifeboat_json "$work/migrate-again.json" migrate || rc=$?
    [[ $rc -eq 0 ]] || fail "migrate again" "$rc" "$(error_of "$work/migrate-again.json")"
    passed "migrate again"
fi

write_summary
