-- An application-like PostgreSQL database for scripts/bench/postgres.sh: customers, orders and
-- their events, with names, e-mail addresses, amounts, timestamps, JSON and free text. pgbench's
-- tables are mostly blank padding, which compresses about 30 to 1 and leaves a snapshot with
-- nothing to do but wait for the server; this data compresses about 3 to 1, as real tables do.
-- psql variables: customers, orders, events (row counts). setseed makes every run the same data.
CREATE TABLE customers (
    id bigint PRIMARY KEY, email text NOT NULL, full_name text NOT NULL, country char(2) NOT NULL,
    created_at timestamptz NOT NULL, bio text);
CREATE TABLE orders (
    id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, status text NOT NULL,
    total numeric(10,2) NOT NULL, created_at timestamptz NOT NULL, note text);
CREATE TABLE events (
    id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, kind text NOT NULL,
    payload jsonb NOT NULL, created_at timestamptz NOT NULL);
SELECT setseed(0.42);
INSERT INTO customers
SELECT i, 'user' || i || '@example.com',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Ken','Dennis','Margaret','Linus','Guido'])[1 + (random() * 9)::int]
         || ' ' || (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Thompson','Ritchie','Hamilton','Torvalds','van Rossum'])[1 + (random() * 9)::int],
       (ARRAY['DE','FR','US','JP','BR','IN','NG','SE','CA','AU'])[1 + (random() * 9)::int],
       timestamptz '2020-01-01' + random() * interval '1500 days',
       CASE WHEN random() < 0.6 THEN md5(random()::text) || ' likes ' || md5(random()::text) END
FROM generate_series(1, :customers) AS i;
INSERT INTO orders
SELECT i, 1 + (random() * (:customers - 1))::bigint,
       (ARRAY['new','paid','shipped','delivered','refunded'])[1 + (random() * 4)::int],
       round((random() * 500)::numeric, 2),
       timestamptz '2021-01-01' + random() * interval '1200 days',
       CASE WHEN random() < 0.3 THEN 'gift wrap, ' || md5(random()::text) END
FROM generate_series(1, :orders) AS i;
INSERT INTO events
SELECT i, 1 + (random() * (:orders - 1))::bigint,
       (ARRAY['created','payment','shipment','delivery','email'])[1 + (random() * 4)::int],
       jsonb_build_object('ip', '10.' || (random() * 255)::int || '.' || (random() * 255)::int || '.' || (random() * 255)::int,
                          'agent', (ARRAY['Mozilla/5.0 (X11; Linux x86_64)','Mozilla/5.0 (Macintosh)','curl/8.5.0'])[1 + (random() * 2)::int],
                          'ref', md5(random()::text)),
       timestamptz '2021-01-01' + random() * interval '1200 days'
FROM generate_series(1, :events) AS i;
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX events_order ON events (order_id);
VACUUM ANALYZE;
