import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config/env.js';
import { compareContracts, releasedContracts } from './contract-compat.js';

// `pnpm schema:check`: the committed schema against the last released contract (see contract-compat.ts). Exits 1 on a
// breaking change to an element the release had not deprecated first.
const schemaDir = path.join(REPO_ROOT, 'packages/schema');
const releases = releasedContracts(path.join(schemaDir, 'releases'));
const last = releases.at(-1);
if (!last) {
  console.error('No released contract in packages/schema/releases/');
  process.exit(1);
}
const result = compareContracts(fs.readFileSync(last.file, 'utf8'), fs.readFileSync(path.join(schemaDir, 'schema.graphql'), 'utf8'));
const list = (title: string, changes: { description: string }[]) => {
  if (changes.length) console.log(`${title} (${changes.length}):\n${changes.map((c) => `  - ${c.description}`).join('\n')}`);
};
console.log(`schema.graphql against release ${last.version}`);
list('Removed after deprecation (announced)', result.announced);
list('Dangerous (new enum values or optional arguments: clients should tolerate them)', result.dangerous);
list('BREAKING, not deprecated in the release first', result.unannounced);
if (result.unannounced.length) {
  console.error('\nDeprecate these elements for one release before removing or changing them (see packages/schema/CHANGELOG.md).');
  process.exit(1);
}
console.log('No unannounced breaking change.');
