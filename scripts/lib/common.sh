#!/usr/bin/env bash
# Shared by scripts/*.sh (sourced, never run): finding the lifeboat binary, reading its JSON
# output, paths and URLs. The sourcing script sets `lb_script` (its name, for messages)
# and `lb_repo` (the repository it belongs to) first.
set -euo pipefail

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    cat <<'USAGE'
Usage: source "$lb_repo/scripts/lib/common.sh"   (from a script in scripts/, after setting
       lb_script and lb_repo)

Shared functions of deploy.sh, restore.sh and ci-dry-run.sh: lb_find_lifeboat ($LIFEBOAT, else
lifeboat on PATH, else swift build -c release --product lifeboat), lb_json_value/lb_json_rows (jq, else python3),
lb_abs/lb_abs_url, lb_is_postgres_url. Not a command of its own.
USAGE
    [[ ${1:-} == -h || ${1:-} == --help ]] && exit 0
    exit 2
fi

lb_script=${lb_script:-lifeboat-script}
lb_repo=${lb_repo:?set lb_repo before sourcing common.sh}

# --- Messages ----------------------------------------------------------------------------------

lb_log() { printf '%s: %s\n' "$lb_script" "$*" >&2; }

# lb_die CODE MESSAGE…: print MESSAGE on stderr and exit with CODE.
lb_die() {
    local code=$1
    shift
    lb_log "$*"
    exit "$code"
}

# need_value FLAG ARGS…: a flag that takes a value must have one after it (exit 2 otherwise).
need_value() { [[ $# -ge 2 ]] || lb_die 2 "$1 needs a value (see -h)"; }

# --- Paths -------------------------------------------------------------------------------------

# lb_abs PATH: PATH made absolute against the caller's current folder (it need not exist).
lb_abs() {
    case $1 in
        /* | s3://*) printf '%s\n' "$1" ;; # an S3 snapshot store is a location, not a path
        *) printf '%s\n' "$PWD/${1#./}" ;;
    esac
}

# lb_database_url: sets and exports DATABASE_URL as lifeboat will use it from any folder: the
# caller's, made absolute when it is a relative SQLite path, else this repo's app.sqlite.
lb_database_url() {
    if [[ -n ${DATABASE_URL:-} ]]; then
        DATABASE_URL=$(lb_abs_url "$DATABASE_URL")
    else
        DATABASE_URL="sqlite:$lb_repo/app.sqlite"
    fi
    export DATABASE_URL
}

# lb_abs_url URL: a SQLite URL with a relative path made absolute against the current folder, so
# it names the same file whichever folder lifeboat runs in; other URLs unchanged.
lb_abs_url() {
    local url=$1 path
    case $url in
        sqlite:///* | sqlite:/* | file:/*) printf '%s\n' "$url" ;;
        sqlite:*) path=${url#sqlite:}; printf 'sqlite:%s\n' "$(lb_abs "$path")" ;;
        file:*) path=${url#file:}; printf 'file:%s\n' "$(lb_abs "$path")" ;;
        *) printf '%s\n' "$url" ;;
    esac
}

# lb_human_bytes N: 1536 → "1.5 KB" (decimal units, like lifeboat's own output).
lb_human_bytes() {
    local n=${1:-}
    [[ $n =~ ^[0-9]+$ ]] || { printf '%s\n' "${n:-?}"; return 0; }
    awk -v n="$n" 'BEGIN {
        split("B KB MB GB TB", unit, " "); i = 1
        while (n >= 1000 && i < 5) { n /= 1000; i++ }
        if (i == 1) printf "%d %s\n", n, unit[i]; else printf "%.1f %s\n", n, unit[i]
    }'
}

# --- The lifeboat binary -----------------------------------------------------------------------

# lb_find_lifeboat: sets LB_BIN to the lifeboat to run: $LIFEBOAT when set (a path, or a name on
# PATH), else `lifeboat` on PATH, else one built with `swift build -c release --product lifeboat`
# in lb_repo.
lb_find_lifeboat() {
    if [[ -n ${LIFEBOAT:-} ]]; then
        if [[ $LIFEBOAT == */* ]]; then
            LB_BIN=$(lb_abs "$LIFEBOAT")
        else
            LB_BIN=$(command -v "$LIFEBOAT" || true)
        fi
        [[ -n $LB_BIN && -x $LB_BIN && ! -d $LB_BIN ]] \
            || lb_die 2 "LIFEBOAT=$LIFEBOAT is not an executable file"
    elif LB_BIN=$(command -v lifeboat); then
        :
    else
        command -v swift >/dev/null 2>&1 \
            || lb_die 2 "lifeboat is not on PATH and swift is not installed to build it; set LIFEBOAT=/path/to/lifeboat"
        # Only the product: the test-support targets import Testing, which a release build lacks.
        lb_log "lifeboat is not on PATH: building it (swift build -c release --product lifeboat in $lb_repo)"
        swift build -c release --product lifeboat --package-path "$lb_repo" >&2 \
            || lb_die 2 "swift build -c release --product lifeboat failed in $lb_repo"
        LB_BIN="$lb_repo/.build/release/lifeboat"
        [[ -x $LB_BIN ]] || lb_die 2 "the build did not produce $LB_BIN"
    fi
    export LB_BIN
}

# --- JSON (jq when present, else python3) ------------------------------------------------------

lb_json_backend() {
    if [[ -n ${LB_JSON:-} ]]; then
        return 0
    elif command -v jq >/dev/null 2>&1; then
        LB_JSON=jq
    elif command -v python3 >/dev/null 2>&1; then
        LB_JSON=python3
    elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        lb_log "neither jq nor python3 found: installing jq with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >&2 \
            || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >&2; } \
            || lb_die 2 "could not install jq"
        LB_JSON=jq
    else
        lb_die 2 "reading lifeboat's JSON needs jq or python3; install one of them"
    fi
}

# lb_json_ok FILE: succeeds when FILE holds one JSON object.
lb_json_ok() {
    [[ -s $1 ]] || return 1
    lb_json_backend
    if [[ $LB_JSON == jq ]]; then
        jq -e 'type == "object"' "$1" >/dev/null 2>&1
    else
        python3 -c 'import json, sys; sys.exit(0 if isinstance(json.load(open(sys.argv[1])), dict) else 1)' "$1" 2>/dev/null
    fi
}

# lb_json_value FILE PATH: the value at a dotted PATH (`snapshot.id`, `migrations.0.version`).
# Strings as they are, null or missing as nothing, anything else as JSON (`true`, `12`).
lb_json_value() {
    lb_json_backend
    if [[ $LB_JSON == jq ]]; then
        jq -r --arg p "$2" 'getpath($p | split(".") | map(if test("^[0-9]+$") then tonumber else . end))
            | if . == null then "" elif type == "string" then . else tojson end' "$1"
    else
        python3 - "$1" "$2" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    if isinstance(value, dict):
        value = value.get(key)
    elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
        value = value[int(key)]
    else:
        value = None
print("" if value is None else value if isinstance(value, str) else json.dumps(value))
PY
    fi
}

# lb_json_rows FILE ARRAY FIELD…: one line per element of the array at dotted path ARRAY, holding
# its FIELDs (dotted paths inside the element) separated by the unit separator \x1f, so empty
# fields survive `IFS=$'\x1f' read`. Null or missing is empty; new lines become spaces.
lb_json_rows() {
    local file=$1 array=$2
    shift 2
    local IFS=,
    local fields="$*"
    lb_json_backend
    if [[ $LB_JSON == jq ]]; then
        jq -r --arg a "$array" --arg f "$fields" '
            def at($p): getpath($p | split(".") | map(if test("^[0-9]+$") then tonumber else . end));
            ($f | split(",")) as $fs
            | (at($a) // []) | .[]
            | [ . as $e | $fs[] | . as $k | $e | at($k)
                | if . == null then "" elif type == "string" then . else tojson end
                | gsub("[\n\r\u001f]"; " ") ]
            | join("\u001f")' "$file"
    else
        python3 - "$file" "$array" "$fields" <<'PY'
import json, sys
def at(value, path):
    for key in path.split("."):
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return None
    return value
def text(value):
    value = "" if value is None else value if isinstance(value, str) else json.dumps(value)
    return value.replace("\n", " ").replace("\r", " ").replace("\x1f", " ")
items = at(json.load(open(sys.argv[1])), sys.argv[2]) or []
for item in items:
    print("\x1f".join(text(at(item, f)) for f in sys.argv[3].split(",")))
PY
    fi
}

# --- URLs: which engine (anything more, e.g. the URL with its password hidden, lifeboat says) -----

lb_is_postgres_url() { [[ $1 == postgres://* || $1 == postgresql://* ]]; }
