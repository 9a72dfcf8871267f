#!/usr/bin/env bash
# Benchmarks, side by side with the named peers in one run, printed as ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
Usage: scripts/bench.sh [-h] [catalog|statements|snapshot|s3|postgres|pglocks|startup|fleet|all]

  catalog   parse and validate a folder of 10,000 migration files (`lifeboat status`)
  statements  SQLite: `lifeboat migrate` of a 1 MB and an 8 MB file of INSERTs; the ratio (linear: ~8)
  snapshot  SQLite: `lifeboat snapshot`/`restore` of a ~256 MB database vs sqlite3 .backup + gzip / pigz,
            gunzip + integrity_check; peak RSS for 64 MB and 256 MB databases
  s3        SQLite with an S3 store (moto on loopback): `lifeboat snapshot`/`restore` vs .backup + pigz +
            aws s3 cp, aws s3 cp + gunzip + integrity_check; peak RSS for 64 MB and 256 MB databases
  postgres  PostgreSQL: snapshot/restore vs pg_dump -Fc / pg_restore on pgbench -s 16; 1,000 migrations
            vs dbmate and sql-migrate on both engines; status vs dbmate status
  pglocks   PostgreSQL: the longest stall of a reader of a 1M-row table while ALTER TABLE … ADD COLUMN
            waits behind a 10 s lock: lifeboat (--statement-lock-timeout 1000) vs dbmate and sql-migrate
  startup   the installed binary vs dbmate: `--version`, and `status` on 10 migrations (SQLite;
            PostgreSQL with --database-url URL)
  fleet     500 SQLite tenants of ~1 MB and 20 PostgreSQL databases, 5 migrations each: `lifeboat
            migrate --targets … --parallel $(nproc)` (a snapshot each) vs a shell loop of dbmate up vs
            a shell loop of lifeboat migrate; ratios; peak RSS of the fleet run at 100 and 500 tenants
  all       every one of them (default)

Benchmark data is generated once under bench-data/ (git-ignored) and reused. Figures are ratios
measured in one run, because the machine is shared and absolute times are noisy.
USAGE
}

case "${1:-all}" in
    -h|--help) usage ;;
    catalog|statements|snapshot|s3|postgres|pglocks|startup|fleet) exec bash "scripts/bench/$1.sh" "${@:2}" ;;
    all)
        for part in catalog statements snapshot s3 postgres pglocks startup fleet; do
            bash "scripts/bench/$part.sh"
        done
        ;;
    *) usage >&2; exit 2 ;;
esac
