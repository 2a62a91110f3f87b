import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request bookkeeping that must reach code far below the resolvers (the ORM's logger). */
export interface RequestScope {
  sqlStatements: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export function countSqlStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.sqlStatements += 1;
}
