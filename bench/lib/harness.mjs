// What bench/run.mjs and bench/two-instances.mjs share: the bench's embedded PostgreSQL (the API's own helper) with
// the servers started beside it stopped with it, waiting for a server to answer, and the API documents both time.
import fs from 'node:fs';
import path from 'node:path';

/** The settings every bench script reads from its environment (data size, run length, connections). */
export const ELDERS = Number(process.env.BENCH_ELDERS ?? 100_000);
/** The data size's name: `100k`, `1M` (bench/.data/pg-<label>, bench/results/<label>.json). */
export const LABEL = ELDERS >= 1_000_000 ? `${ELDERS / 1_000_000}M` : `${ELDERS / 1000}k`;
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/**
 * Starts the embedded PostgreSQL of `dataDir` on `port` and takes over the process's signals: `finish(code)` (also on
 * SIGINT, SIGTERM and an unhandled rejection) stops every tracked child, then PostgreSQL, then exits. Since issue 18 a
 * production API refuses to start without DATABASE_URL, so the bench starts the database and hands its URL to every
 * server. BENCH_PG_LOG=<file> appends PostgreSQL's log there (e.g. with auto_explain set by ALTER SYSTEM).
 */
export async function startHarness({ root, dataDir, port }) {
  const { startEmbeddedPostgres } = await import(path.join(root, 'packages/api/dist/db/embedded-postgres.js'));
  const log = process.env.BENCH_PG_LOG ? (line) => fs.appendFileSync(process.env.BENCH_PG_LOG, line) : undefined;
  const embedded = await startEmbeddedPostgres({ dataDir, port, supervise: false, log });
  const children = [];
  async function finish(code) {
    for (const c of children) try { c.kill('SIGINT'); } catch { /* gone */ }
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    await embedded.stop();
    process.exit(code);
  }
  // A failure at the top level exits without finish(): still stop the servers and PostgreSQL (SIGINT is its fast shutdown).
  process.on('exit', () => {
    for (const c of children) try { c.kill('SIGINT'); } catch { /* gone */ }
    try { process.kill(embedded.pid(), 'SIGINT'); } catch { /* stopped */ }
  });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void finish(130));
  process.on('SIGTERM', () => void finish(143));
  process.on('unhandledRejection', (e) => { console.error(e); void finish(1); });
  return {
    embedded,
    url: `postgres://postgres:tanfang-local@localhost:${port}/tanfang`,
    /** Stopped by finish(). */
    track: (child) => { children.push(child); return child; },
    finish,
  };
}

/** Polls `url` until it answers below 500 (up to 5 minutes), else throws naming `what`. */
export async function waitFor(url, init, what) {
  for (let i = 0; i < 600; i++) {
    try { const r = await fetch(url, init); if (r.status < 500) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not start: see its log in bench/.data/`);
}

/** `{__typename}`: what waitFor sends a GraphQL server. */
export const GRAPHQL_PING = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' };

/** The API's documents of the `elder` and `list` scenarios (the raw floor and PostGraphile have their own in run.mjs). */
export const ELDER_OURS = `query($id: ID!) { elder(id: $id) { id name gender birthDate status idNumber phone circumstances
  classification { class } region { code name fullName } emergencyContacts { kind name phone } householdMembers { name relation } } }`;
export const LIST_OURS = `query($r: String!) { elders(first: 50, filter: { regionCode: $r }, sort: { field: NAME, direction: ASC }) { totalCount
  nodes { id name gender birthDate phone classification { class } region { code name } emergencyContacts { name phone }
  visits(first: 5) { nodes { visitedOn method } } } } }`;
