import { badInput } from './errors.js';

/** `valuesConfig` for registerEnumType: each value described by its official (Chinese) label. */
export function labelled<T extends Record<string, string>>(values: T, labels: Record<keyof T, string>) {
  return Object.fromEntries(Object.keys(values).map((k) => [k, { description: labels[k as keyof T] }])) as {
    [K in keyof T]: { description: string };
  };
}

/** A status filter as an operation received it: the deprecated String, the enum list, or both. */
export interface StatusChoice<T extends string> {
  status?: string | null;
  statuses?: readonly T[] | null;
}

/**
 * A status filter given in either form while the String argument is deprecated (issue 16 item 5): the old `status`
 * (one value as a String, now checked against the enum instead of silently matching nothing) or the new `statuses`
 * (a list of the enum). Both may be given only if they say the same; neither means `fallback`.
 */
export function statusFilterOf<T extends string>(
  old: string | null | undefined,
  list: readonly T[] | null | undefined,
  values: Record<string, T>,
  fallback: T,
): T[] {
  const known = Object.values(values);
  const words = known.join(', ');
  let fromOld: T | null = null;
  if (old !== null && old !== undefined) {
    if (!(known as string[]).includes(old)) {
      throw badInput(`状态只能是 ${words} 之一`, `status must be one of ${words}`, 'status');
    }
    fromOld = old as T;
  }
  if (list && list.length === 0) throw badInput('请至少选择一种状态', 'statuses needs at least one status', 'statuses');
  if (fromOld && list && !(list.length === 1 && list[0] === fromOld)) {
    throw badInput('status 与 statuses 不一致：请只给出 statuses', 'status and statuses disagree: give statuses only', 'statuses');
  }
  return list ? [...new Set(list)] : [fromOld ?? fallback];
}
