import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../packages/api/src/graphql/schema.js';

const committed = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../packages/schema/schema.graphql');

describe('the schema contract', () => {
  it('packages/schema/schema.graphql is what the code emits (run `pnpm schema:emit` after changing the API)', async () => {
    expect(await printAppSchema()).toBe(fs.readFileSync(committed, 'utf8'));
  });
});
