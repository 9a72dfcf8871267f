#!/usr/bin/env bash
# Checks that what README.md tells a new user to run works: the install command and the library
# snippet.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
Usage: scripts/check-readme.sh [-h] [--full] [install] [snippet]

install   The README's install command (the `swift build -c release …` line under "Two commands")
          builds only targets that do not import Testing: a plain `swift build -c release` builds
          every regular (non-test) target, and Testing exists only in a test build (a regular
          Tests/EngineConformance importing it is what made the old command fail). Cheap:
          `swift package describe` and a grep. With --full, the
          command itself runs as written, into its own scratch path .build-release (a release
          build of everything: minutes), and the binary must be position-dependent and load no
          libpq at start (README, "Start-up").
snippet   Builds the README's "Use from Swift" example as pasted: its two ```swift blocks become
          the Package.swift and Sources/App/main.swift of a scratch package in .build-readme/
          (git-ignored, kept between runs so only the first run compiles the dependencies), with
          one edit: `.package(url: …/lifeboat.git, …)` becomes `.package(path: "../lifeboat")`, a
          copy of this checkout in a folder named `lifeboat` (a package's name is the last part
          of its URL or path). The repository's migrations/ are the app's resource. Then it runs
          the app in a temporary folder: it must print "at version …" and leave a snapshot in
          backups/. The first run takes as long as a build of Lifeboat's dependencies.

Without a check named, runs both. Exits non-zero when a check fails.
USAGE
}

log() { printf 'check-readme.sh: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

full=0
checks=()
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --full) full=1; shift ;;
        install | snippet) checks+=("$1"); shift ;;
        *) log "unknown argument '$1' (see -h)"; exit 2 ;;
    esac
done
[[ ${#checks[@]} -gt 0 ]] || checks=(install snippet)

# --- install -----------------------------------------------------------------------------------

check_install() {
    local command
    command=$(grep -o 'swift build -c release[^`&]*' README.md | head -n 1 | sed 's/ *$//')
    [[ -n $command ]] || fail "README.md shows no 'swift build -c release …' install command"
    local importers
    # With --product lifeboat: that product's targets; without: every regular target.
    importers=$(swift package describe --type json | python3 -c '
import json, re, sys
package = json.load(sys.stdin)
targets = {t["name"]: t for t in package["targets"]}
if " --product lifeboat" in sys.argv[1] + " ":
    roots = next(p for p in package["products"] if p["name"] == "lifeboat")["targets"]
else:
    roots = [t["name"] for t in package["targets"] if t.get("type") != "test"]
todo, seen = list(roots), set()
while todo:
    name = todo.pop()
    if name in seen or name not in targets:
        continue
    seen.add(name)
    todo += targets[name].get("target_dependencies") or []
for name in sorted(seen):
    target = targets[name]
    for source in target.get("sources") or []:
        path = target["path"] + "/" + source
        if source.endswith(".swift") and re.search(r"^\s*import\s+Testing\b", open(path).read(), re.M):
            print(path)
' "$command")
    [[ -z $importers ]] || fail "the README's install command builds files that import Testing (a release build has no Testing): $importers"
    log "ok: the README's install command is '$command'; none of the targets it builds imports Testing"
    if [[ $full -eq 1 ]]; then
        log "running it: $command --scratch-path .build-release"
        # shellcheck disable=SC2086 # the README's words, split as a shell would
        $command --scratch-path .build-release >&2
        [[ -x .build-release/release/lifeboat ]] || fail "$command did not produce .build-release/release/lifeboat"
        .build-release/release/lifeboat --version >/dev/null || fail "the built lifeboat does not run"
        log "ok: the install command builds a lifeboat that runs"
        # README, "Start-up": the release binary is position-dependent (no start-up relocation of
        # the static runtime) and maps no libpq until a PostgreSQL connection needs it.
        readelf -h .build-release/release/lifeboat | grep -q 'Type: *EXEC' \
            || fail "the release lifeboat is a PIE: Package.swift's -no-pie link setting was not applied"
        ! LD_TRACE_LOADED_OBJECTS=1 .build-release/release/lifeboat | grep -q libpq \
            || fail "the release lifeboat loads libpq at start"
        log "ok: the release lifeboat is position-dependent and loads no libpq at start"
    fi
}

# --- snippet -----------------------------------------------------------------------------------

# extract_block N: the Nth ```swift block under "## Use from Swift" (the section ends at the next
# "## " heading).
extract_block() {
    awk -v want="$1" '
        /^## Use from Swift/ { inside = 1; next }
        inside && /^## / { exit }
        inside && /^```swift$/ { block++; copying = (block == want); next }
        inside && /^```$/ { copying = 0; next }
        copying { print }
    ' README.md
}

# replace_if_changed NEW FILE: FILE becomes NEW, keeping FILE's time when nothing changed (so
# an unchanged file is not rebuilt).
replace_if_changed() {
    if cmp -s "$1" "$2"; then rm "$1"; else mv "$1" "$2"; fi
}

check_snippet() {
    local work=.build-readme manifest main
    manifest=$(extract_block 1)
    main=$(extract_block 2)
    [[ -n $manifest && -n $main ]] || fail "README.md has no two \`\`\`swift blocks under '## Use from Swift'"
    grep -q '\.package(url: "[^"]*/lifeboat\.git"' <<<"$manifest" \
        || fail "the README's Package.swift does not depend on .package(url: \"…/lifeboat.git\", …)"
    mkdir -p "$work/app/Sources/App" "$work/lifeboat"

    # This checkout as the dependency, in a folder named lifeboat; tar keeps file times.
    rm -rf "$work/lifeboat.new"
    mkdir -p "$work/lifeboat.new"
    tar -c --exclude='./.build*' --exclude=./.git --exclude=./.swiftpm --exclude='./backups/*' \
        --exclude='./*.sqlite*' --exclude='./bench-data' . | tar -x -C "$work/lifeboat.new"
    if diff -rq "$work/lifeboat.new" "$work/lifeboat" >/dev/null 2>&1; then
        rm -rf "$work/lifeboat.new"
    else
        rm -rf "$work/lifeboat"
        mv "$work/lifeboat.new" "$work/lifeboat"
    fi

    sed -E 's#\.package\(url: "[^"]*/lifeboat\.git"[^)]*\)#.package(path: "../lifeboat")#' <<<"$manifest" >"$work/app/Package.swift.new"
    printf '%s\n' "$main" >"$work/app/Sources/App/main.swift.new"
    replace_if_changed "$work/app/Package.swift.new" "$work/app/Package.swift"
    replace_if_changed "$work/app/Sources/App/main.swift.new" "$work/app/Sources/App/main.swift"
    rm -rf "$work/app/Sources/App/migrations"
    cp -Rp migrations "$work/app/Sources/App/migrations"
    if [[ -f Package.resolved && ! -f $work/app/Package.resolved ]]; then
        cp Package.resolved "$work/app/Package.resolved"
    fi

    log "building the README's example app in $work/app (swift build)"
    swift build --package-path "$work/app" >&2 || fail "the README's library snippet does not build (see above)"

    local run_dir bin output
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-readme.XXXXXX")
    bin=$(swift build --package-path "$work/app" --show-bin-path)
    output=$(cd "$run_dir" && "$bin/App") || { rm -rf "$run_dir"; fail "the README's example app failed"; }
    local snapshots
    snapshots=$(find "$run_dir/backups" -name '*.json' 2>/dev/null | wc -l)
    rm -rf "$run_dir"
    [[ $output == "at version "* ]] || fail "the example app printed '$output', not 'at version …'"
    [[ $snapshots -ge 1 ]] || fail "the example app left no snapshot in backups/"
    log "ok: the README's library snippet builds as pasted and runs: $output"
}

for check in "${checks[@]}"; do
    "check_$check"
done
