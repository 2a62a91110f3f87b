import { requestScope } from '../shared/request-scope.js';
import { AppError } from './errors.js';

export function responseTooLarge(objects: number, max: number, estimated: boolean): AppError {
  const limit = max.toLocaleString('en-US');
  const n = objects > 1e12 ? 'far more than that' : objects.toLocaleString('en-US');
  return new AppError(
    'BAD_USER_INPUT',
    `查询结果过大：单次最多返回 ${limit} 个对象，此查询${estimated ? '最多可能返回' : '返回了超过'} ${objects > 1e12 ? '远超此数' : n} 个。请减小 first（分页条数）或分多次查询`,
    `Response too large: at most ${limit} objects per response, this query ${estimated ? 'could return' : 'returned more than'} ${n}. Ask for smaller pages (first) or split the query`,
    { limit: 'MAX_RESPONSE_OBJECTS', maxObjects: max, objects: Number.isFinite(objects) ? Math.min(objects, Number.MAX_SAFE_INTEGER) : null, http: { status: 400 } },
  );
}

/** Counts items produced by list resolvers (pagination's toConnection) and stops a query as soon as it is over. */
export function countResponseItems(n: number): void {
  const scope = requestScope.getStore();
  if (!scope?.objectBudget) return;
  scope.objectsProduced = (scope.objectsProduced ?? 0) + n;
  if (scope.objectsProduced > scope.objectBudget) {
    scope.overBudget = true;
    throw responseTooLarge(scope.objectsProduced, scope.objectBudget, false);
  }
}

