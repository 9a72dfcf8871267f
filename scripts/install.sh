#!/usr/bin/env bash
# Installs lifeboat, its man page and its shell completions under a prefix.
set -euo pipefail

lb_script=install.sh
lb_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/common.sh
source "$lb_repo/scripts/lib/common.sh"

usage() {
    cat <<'USAGE'
Usage: scripts/install.sh [--prefix DIR] [--binary PATH]

Installs the lifeboat binary, a man page and bash/zsh/fish completions, and prints each file it
installed:

  DIR/bin/lifeboat
  DIR/share/man/man1/lifeboat.1
  DIR/share/bash-completion/completions/lifeboat
  DIR/share/zsh/site-functions/_lifeboat
  DIR/share/fish/vendor_completions.d/lifeboat.fish

Options:
  --prefix DIR    where to install (env PREFIX; default /usr/local)
  --binary PATH   install this binary (a release asset, or $LIFEBOAT when set) instead of
                  building one with `swift build -c release --static-swift-stdlib` (the Swift
                  runtime linked in: the binary then needs only libpq, libsqlite3 and zlib)
  -h, --help      this help

The man page is made from the binary's own --help texts (root and every command), so it always
matches the binary it is installed with. Exit codes: 0 installed, 2 bad arguments or no binary.
USAGE
}

prefix=${PREFIX:-/usr/local}
binary=${LIFEBOAT:-}
while [[ $# -gt 0 ]]; do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --prefix) need_value "$@"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --binary) need_value "$@"; binary=$2; shift 2 ;;
        --binary=*) binary=${1#*=}; shift ;;
        *) lb_die 2 "unknown argument '$1' (see -h)" ;;
    esac
done
[[ -n $prefix ]] || lb_die 2 "--prefix needs a folder"
prefix=$(lb_abs "$prefix")

if [[ -z $binary ]]; then
    command -v swift >/dev/null 2>&1 || lb_die 2 "swift is not installed: pass --binary PATH (a release asset)"
    lb_log "building: swift build -c release --static-swift-stdlib --product lifeboat in $lb_repo"
    swift build -c release --static-swift-stdlib --product lifeboat --package-path "$lb_repo" >&2 \
        || lb_die 2 "the release build failed in $lb_repo"
    binary="$lb_repo/.build/release/lifeboat"
fi
[[ -f $binary && -x $binary ]] || lb_die 2 "--binary $binary is not an executable file"
"$binary" --version >/dev/null 2>&1 || lb_die 2 "--binary $binary does not run (lifeboat --version failed)"

# roff_escape: help text as literal roff lines (backslashes doubled, no line read as a request).
roff_escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# man_page BIN: a section-1 page from BIN --help and each command's --help.
man_page() {
    local bin=$1 version commands command
    version=$("$bin" --version)
    printf '.TH LIFEBOAT 1 "%s" "lifeboat %s" "User Commands"\n' "$(date -u +%Y-%m-%d)" "$version"
    printf '.SH NAME\nlifeboat \\- backup-first database migrations for SQLite and PostgreSQL\n'
    printf '.SH SYNOPSIS\n.B lifeboat\n[\\fIconfiguration options\\fR] \\fIcommand\\fR [\\fIoptions\\fR]\n'
    printf '.SH DESCRIPTION\n.nf\n'
    "$bin" --help | roff_escape
    printf '.fi\n.SH COMMANDS\n'
    commands=$("$bin" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { sub(/,$/, "", $1); print $1 }')
    for command in $commands; do
        [[ $command == help ]] && continue
        printf '.SS %s\n.nf\n' "$command"
        "$bin" "$command" --help | roff_escape
        printf '.fi\n'
    done
    printf '.SH SEE ALSO\nThe README and SPEC.md of the lifeboat repository.\n'
}

installed=()
put() { # put MODE FILE: moves the scratch file $scratch/out to FILE
    install -d "$(dirname "$2")"
    install -m "$1" "$scratch/out" "$2"
    installed+=("$2")
}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

cp "$binary" "$scratch/out" && put 755 "$prefix/bin/lifeboat"
man_page "$binary" >"$scratch/out" && put 644 "$prefix/share/man/man1/lifeboat.1"
"$binary" --generate-completion-script bash >"$scratch/out" && put 644 "$prefix/share/bash-completion/completions/lifeboat"
"$binary" --generate-completion-script zsh >"$scratch/out" && put 644 "$prefix/share/zsh/site-functions/_lifeboat"
"$binary" --generate-completion-script fish >"$scratch/out" && put 644 "$prefix/share/fish/vendor_completions.d/lifeboat.fish"

printf 'installed lifeboat %s:\n' "$("$prefix/bin/lifeboat" --version)"
printf '  %s\n' "${installed[@]}"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) printf 'add %s to PATH to run it as lifeboat\n' "$prefix/bin" ;;
esac
