import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, NoDeprecatedCustomRule, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../packages/api/src/graphql/schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const committed = path.join(here, '../../packages/schema/schema.graphql');
const consoleSources = path.join(here, '../../packages/admin/src');

/** Every GraphQL document of the console (the graphql(`...`) templates of its sources, generated code left out). */
function consoleDocuments(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'gql') walk(full);
      } else if (/\.(ts|vue)$/.test(entry.name)) {
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/graphql\(`([\s\S]*?)`\)/g)) found.push({ file: path.relative(consoleSources, full), text: m[1]! });
      }
    }
  };
  walk(consoleSources);
  return found;
}

describe('the schema contract', () => {
  it('packages/schema/schema.graphql is what the code emits (run `pnpm schema:emit` after changing the API)', async () => {
    expect(await printAppSchema()).toBe(fs.readFileSync(committed, 'utf8'));
  });

  it('the console uses no deprecated argument, field or enum value (it moves to the new forms first)', () => {
    const schema = buildSchema(fs.readFileSync(committed, 'utf8'));
    const documents = consoleDocuments();
    expect(documents.length).toBeGreaterThan(50);
    // One document holds them all, so fragments defined in one module resolve where another spreads them.
    const all = parse(documents.map((d) => d.text).join('\n'));
    const uses = validate(schema, all, [NoDeprecatedCustomRule]).map((e) => e.message);
    expect(uses).toEqual([]);
  });
});
