# shellcheck shell=bash
# Shared by the SQLite benchmarks (snapshot.sh, s3.sh); sourced, not run.
# need TOOL PACKAGE: the tool, installed with apt-get when root and missing.
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing $2 with apt-get" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2 || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2; }
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing; install $2" >&2; exit 1; }
}
# A database of about 64 or 256 megabytes (about 190 bytes a row with its indexes) of order-like rows with indexes: moderately
# compressible (repeated words and statuses, random ids and amounts).
make_db() {
    local path=$1 rows=$2
    [[ -f $path ]] && return 0
    echo "bench: generating $path ($rows rows)" >&2
    sqlite3 "$path.tmp" <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    created_at TEXT NOT NULL, status TEXT NOT NULL, amount REAL NOT NULL, note TEXT
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows / 20)
INSERT INTO customers
SELECT i, 'customer' || i || '@example.com', 'Customer ' || hex(randomblob(3)),
       substr('DEFRGBUSNLSECAJPBR', 1 + (abs(random()) % 9) * 2, 2) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO orders
SELECT i, 1 + abs(random()) % ($rows / 20),
       datetime('2024-01-01', '+' || (abs(random()) % 60000000) || ' seconds'),
       CASE abs(random()) % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'delivered' END,
       round((abs(random()) % 100000) / 100.0, 2),
       'order for ' || substr('alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango', 1 + abs(random()) % 80, 40)
         || ' ref ' || hex(randomblob(6))
FROM n;
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
SQL
    mv "$path.tmp" "$path"
}
