// Preloaded into each benchmarked server (node --import): counts every statement the process sends to PostgreSQL
// through node-postgres (Client#query, which pools and ORMs end in), and serves the count on BENCH_COUNTER_PORT so
// the runner can read "SQL statements per request" the same way for all three servers.
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

// Resolve `pg` as the server itself does (from its own package), so the patched class is the one it uses.
const from = process.env.BENCH_PG_FROM ?? path.join(process.cwd(), 'package.json');
const pg = createRequire(from)('pg');
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements += 1;
  return query.apply(this, args);
};

const port = Number(process.env.BENCH_COUNTER_PORT ?? 0);
if (port) {
  http.createServer((req, res) => res.end(JSON.stringify({ statements }))).listen(port, '127.0.0.1').unref();
}
