import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors.js';

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

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // fall through
  }
  throw invalidCursor();
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string | null;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay connection type for `node`, named `<name>Connection` with edges `<name>Edge`. */
export function connectionOf<T extends object>(name: string, node: ClassType<T>, description: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description })
  class Connection implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items matching the filter, over all pages.' })
    totalCount!: number;
  }
  return Connection;
}

export function toConnection<T>(
  nodes: T[],
  cursorOf: (node: T) => string,
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  totalCount: number,
): ConnectionShape<T> {
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
  };
}

/** Cursors of derived lists (computed rankings) are positions; anything else is a bad cursor, never page one. */
export function decodeOffset(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const [n] = decodeCursor(cursor, 1);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalidCursor();
  return n;
}
