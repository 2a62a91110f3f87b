// Prints bench/results/<label>.json as the Markdown tables of RESULTS.md:  node bench/lib/table.mjs 100k 1M
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');
const names = { ours: 'Tanfang API', raw: 'raw SQL floor', postgraphile: 'PostGraphile v5' };
const labels = process.argv.slice(2);
const data = Object.fromEntries(labels.map((l) => [l, JSON.parse(fs.readFileSync(path.join(dir, `${l}.json`), 'utf8'))]));
const order = ['elder', 'list', 'overdue', 'worklist', 'report', 'sync'];
for (const label of labels) {
  const { results, machine, connections, seconds } = data[label];
  console.log(`\n### ${label} elders (${machine.date}, ${connections} connections, ${seconds} s per run; sync: 2 connections, 30 batches)\n`);
  console.log('| scenario | server | req/s | p50 ms | p99 ms | SQL/req | CPU ms/req server + PostgreSQL | peak RSS MB | ours ÷ this |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of order) {
    const ours = results.find((r) => r.scenario === s && r.server === 'ours');
    for (const r of results.filter((x) => x.scenario === s)) {
      const rate = r.recordsPerSecond ? `${r.requestsPerSecond} (${r.recordsPerSecond.toLocaleString('en')} records/s)` : r.requestsPerSecond;
      const ratio = r.server === 'ours' || !ours ? '' : (ours.requestsPerSecond / r.requestsPerSecond).toFixed(2);
      console.log(`| ${s} | ${names[r.server]} | ${rate} | ${r.p50} | ${r.p99} | ${r.sqlPerRequest} | ${r.serverCpuMs ?? '?'} + ${r.postgresCpuMs ?? '?'} | ${r.peakRssMb} | ${ratio} |`);
    }
  }
}
if (labels.length === 2) {
  const [a, b] = labels;
  console.log(`\n### Growth, ${a} → ${b} (Tanfang API, p99 and requests/s)\n`);
  console.log(`| scenario | p99 ${a} | p99 ${b} | ×  | req/s ${a} | req/s ${b} | ÷ |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of order) {
    const x = data[a].results.find((r) => r.scenario === s && r.server === 'ours');
    const y = data[b].results.find((r) => r.scenario === s && r.server === 'ours');
    if (!x || !y) continue;
    console.log(`| ${s} | ${x.p99} | ${y.p99} | ${(y.p99 / x.p99).toFixed(2)} | ${x.requestsPerSecond} | ${y.requestsPerSecond} | ${(x.requestsPerSecond / y.requestsPerSecond).toFixed(2)} |`);
  }
}
