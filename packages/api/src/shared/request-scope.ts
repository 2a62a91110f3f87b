import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request bookkeeping that must reach code far below the resolvers (the ORM's logger). */
export interface RequestScope {
  sqlStatements: number;
  /** Set for queries: how many list items the response may hold (graphql/limits.ts). */
  objectBudget?: number;
  /** List items produced so far. */
  objectsProduced?: number;
  /** The budget was exceeded: the whole answer is refused. */
  overBudget?: boolean;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function countSqlStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.sqlStatements += 1;
}
