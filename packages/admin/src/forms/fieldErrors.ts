import type { CombinedError } from '@urql/core';
import { reactive, ref, watch } from 'vue';
import { i18n } from '../plugins/i18n';
import { errorMessage } from './errorMessage';

export interface ServerFieldError {
  field: string;
  message: string;
  /** The English message (fieldErrors carry both languages). */
  messageEn?: string;
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
    const en = i18n.global.locale.value === 'en';
    for (const f of list) if (!fields[f.field]) fields[f.field] = (en && f.messageEn) || f.message;
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

/**
 * Field errors kept in one reactive record for forms that show them under their items (`:error="errors.fields.x"`).
 * `apply` returns the message that belongs to no field, or null when every problem has its field.
 */
export function useFieldErrors() {
  const fields = reactive<Record<string, string>>({});
  const clear = () => {
    for (const k of Object.keys(fields)) delete fields[k];
  };
  return {
    fields,
    clear,
    apply(error: CombinedError | undefined | null): string | null {
      clear();
      const problem = readProblem(error);
      Object.assign(fields, problem.fields);
      return Object.keys(problem.fields).length ? null : problem.message;
    },
  };
}
