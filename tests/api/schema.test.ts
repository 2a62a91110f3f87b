import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareContracts, releasedContracts } from '../../packages/api/src/graphql/contract-compat.js';
import { printAppSchema } from '../../packages/api/src/graphql/schema.js';

const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../packages/schema');
const committed = path.join(schemaDir, 'schema.graphql');

describe('the schema contract', () => {
  it('packages/schema/schema.graphql is what the code emits (run `pnpm schema:emit` after changing the API)', async () => {
    expect(await printAppSchema()).toBe(fs.readFileSync(committed, 'utf8'));
  });

  it('changes nothing the last release had not deprecated first (`pnpm schema:check` lists them)', () => {
    const last = releasedContracts(path.join(schemaDir, 'releases')).at(-1);
    expect(last, 'a released contract in packages/schema/releases/').toBeDefined();
    const result = compareContracts(fs.readFileSync(last!.file, 'utf8'), fs.readFileSync(committed, 'utf8'));
    expect(result.unannounced.map((c) => c.description)).toEqual([]);
    // The changelog names every release kept for comparison.
    const changelog = fs.readFileSync(path.join(schemaDir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(`## ${last!.version}`);
  });
});

describe('the compatibility rule (contract-compat.ts)', () => {
  const released = `
    type Query {
      elder(id: ID!): Elder
      report(period: String @deprecated(reason: "Use periodInput."), periodInput: String): Int
      legacy: Int @deprecated(reason: "Use elder.")
    }
    type Elder { id: ID! name: String! status: Status! oldStatus: String @deprecated(reason: "Use status.") }
    enum Status { ACTIVE CLOSED OLD @deprecated(reason: "Never set.") }
    input Filter { name: String region: String @deprecated(reason: "Use name.") }
    type Mutation { find(filter: Filter): Int }
  `;
  const compare = (next: string) => compareContracts(released, next);

  it('catches a field removed, retyped, an argument removed, an enum value removed, a required input field added', () => {
    const result = compare(`
      type Query { report(periodInput: String): Int legacy: Int @deprecated(reason: "Use elder.") }
      type Elder { id: ID! name: Int! status: Status! oldStatus: String @deprecated(reason: "Use status.") }
      enum Status { ACTIVE OLD @deprecated(reason: "Never set.") }
      input Filter { name: String region: String @deprecated(reason: "Use name.") county: String! }
      type Mutation { find(filter: Filter): Int }
    `);
    expect(result.unannounced.map((c) => c.description).sort()).toEqual(
      [
        'CLOSED was removed from enum type Status.',
        'Elder.name changed type from String! to Int!.',
        'Query.elder was removed.',
        'A required field county on input type Filter was added.',
      ].sort(),
    );
    // The deprecated argument went in the same change: announced, not failing.
    expect(result.announced.map((c) => c.description)).toEqual(['Query.report arg period was removed.']);
  });

  it('lets through what the release deprecated first, and lists additions as dangerous only', () => {
    const result = compare(`
      type Query { elder(id: ID!): Elder report(periodInput: String): Int }
      type Elder { id: ID! name: String! status: Status! }
      enum Status { ACTIVE CLOSED MERGED }
      input Filter { name: String }
      type Mutation { find(filter: Filter): Int }
    `);
    expect(result.unannounced).toEqual([]);
    expect(result.announced.map((c) => c.description).sort()).toEqual(
      [
        'Elder.oldStatus was removed.',
        'Filter.region was removed.',
        'OLD was removed from enum type Status.',
        'Query.legacy was removed.',
        'Query.report arg period was removed.',
      ].sort(),
    );
    expect(result.dangerous.map((c) => c.description)).toContain('MERGED was added to enum type Status.');
  });

  it('a type may go only when every field that led to it was deprecated', () => {
    const withType = `type Query { a: A @deprecated(reason: "gone") b: B } type A { x: Int } type B { y: Int }`;
    expect(compareContracts(withType, `type Query { b: B } type B { y: Int }`).unannounced).toEqual([]);
    expect(compareContracts(withType, `type Query { a: A @deprecated(reason: "gone") } type A { x: Int }`).unannounced.map((c) => c.description)).toEqual(
      ['B was removed.', 'Query.b was removed.'],
    );
  });
});
