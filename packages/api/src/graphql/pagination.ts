import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { isStorableText } from '../shared/text.js';
import { badInput } from './errors.js';
import { countResponseItems } from './response-budget.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string | null;
}

export function pageSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw badInput(
      `每页条数应在 1 到 ${MAX_PAGE_SIZE} 之间`,
      `Page size (first) must be between 1 and ${MAX_PAGE_SIZE}`,
      'first',
    );
  }
  return n;
}

export const invalidCursor = () =>
  badInput('分页游标无效，请从第一页重新查询', 'Invalid cursor (after): start again from the first page', 'after');

/** Opaque cursors: base64url of a JSON array of sort-key values. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** No cursor we hand out is near this long; a longer one is not ours. */
const MAX_CURSOR_LENGTH = 1000;

/**
 * A cursor is client input like any other: it may have been edited. Only arrays of the expected length of text
 * PostgreSQL can store, finite numbers (`1e400` parses as Infinity), booleans or nulls are accepted; each caller
 * then checks the type of every value. Anything else is BAD_USER_INPUT, never an error from SQL.
 */
export function decodeCursor(cursor: string, length: number): unknown[] {
  if (cursor.length <= MAX_CURSOR_LENGTH) {
    try {
      const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(values) && values.length === length && values.every(isCursorValue)) return values;
    } catch {
      // fall through
    }
  }
  throw invalidCursor();
}

function isCursorValue(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (typeof value === 'number') return Number.isFinite(value);
  return value === null || typeof value === 'boolean';
}

/** Largest position a positional cursor may hold: far beyond any list, and inside PostgreSQL's `offset` range. */
const MAX_OFFSET = 2_147_483_647;

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page: pass `endCursor` as `after` to read them.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items come before this page (true on every page read with `after`).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of this page; null on an empty page.' })
  startCursor?: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page, to pass as `after` for the next page; null on an empty page.' })
  endCursor?: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
  /** True when `totalCount` is a floor, not the exact count (a list that stops counting at a cap). */
  totalCountCapped: boolean;
}

/** A Relay connection type for `node`, named `<name>Connection` with edges `<name>Edge`. */
export function connectionOf<T extends object>(name: string, node: ClassType<T>, description: string) {
  @ObjectType(`${name}Edge`, { description: `One item of a \`${name}Connection\` page with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item, bound to the sort it was read with: pass it as `after` to read on from here.' })
    cursor!: string;

    @Field(() => node, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description })
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The items of this page with their cursors, in the order of the sort asked for.' })
    edges!: Edge[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Where this page stands: whether more follow and the cursors to read on.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items matching the filter, over all pages; a floor when `totalCountCapped` is true.' })
    totalCount!: number;

    @Field(() => Boolean, {
      description:
        'True when the list stopped counting at its cap: more than `totalCount` items match (show it as "10,000+"), and pages still follow through `pageInfo`. '
        + 'Only lists that grow without end (the audit log) cap their count; every other list counts exactly and answers false.',
    })
    totalCountCapped!: boolean;
  }
  return Connection;
}

export function toConnection<T>(
  nodes: T[],
  cursorOf: (node: T) => string,
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  totalCount: number,
  totalCountCapped = false,
): ConnectionShape<T> {
  // Second line of the response limit: a query stops as soon as its pages hold more than it may return.
  countResponseItems(nodes.length);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
    totalCountCapped,
  };
}

/** Cursors of derived lists (computed rankings) are positions; anything else is a bad cursor, never page one. */
export function decodeOffset(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const [n] = decodeCursor(cursor, 1);
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_OFFSET) throw invalidCursor();
  return n;
}
