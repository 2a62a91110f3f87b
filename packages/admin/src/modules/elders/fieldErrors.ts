import type { CombinedError } from '@urql/core';
import { ref, watch } from 'vue';
import { errorMessage } from '../../plugins/urql';

export interface ServerFieldError {
  field: string;
  message: string;
}

export interface MutationProblem {
  /** The API's code: BAD_USER_INPUT, CONFLICT, FORBIDDEN, ... */
  code: string | null;
  /** The message for the whole form (already in the chosen language). */
  message: string | null;
  /** Each wrong field under its path (`idNumber`, `emergencyContacts.1.phone`), to show under its form item. */
  fields: Record<string, string>;
  extensions: Record<string, unknown>;
}

/** Reads a failed mutation: BAD_USER_INPUT lists every wrong field in `extensions.fieldErrors`. */
export function readProblem(error: CombinedError | undefined | null): MutationProblem {
  const first = error?.graphQLErrors[0];
  const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const list = extensions.fieldErrors as ServerFieldError[] | undefined;
  if (Array.isArray(list)) {
    for (const f of list) if (!fields[f.field]) fields[f.field] = f.message;
  } else if (typeof extensions.field === 'string' && first) {
    fields[extensions.field] = first.message;
  }
  return {
    code: typeof extensions.code === 'string' ? extensions.code : null,
    message: errorMessage(error),
    fields,
    extensions,
  };
}

function valueAt(root: unknown, path: string): string {
  let v: unknown = root;
  for (const key of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return JSON.stringify(v ?? null);
}

/**
 * The message to show under a form item: a field error stays until the user changes that field's value, then it
 * goes (the value it was about is gone), without waiting for the next submit.
 */
export function useFieldErrorDisplay(form: () => unknown, errors: () => Record<string, string>): (path: string) => string {
  const seen = ref<Record<string, string>>({});
  watch(
    errors,
    (e) => {
      seen.value = Object.fromEntries(Object.keys(e).map((p) => [p, valueAt(form(), p)]));
    },
    { immediate: true },
  );
  return (path) => {
    const message = errors()[path];
    return message && valueAt(form(), path) === seen.value[path] ? message : '';
  };
}
