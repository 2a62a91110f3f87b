import type { CombinedError } from '@urql/core';
import { reactive } from 'vue';
import { i18n } from '../../plugins/i18n';
import { errorMessage } from '../../plugins/urql';

/**
 * The API's field errors (extensions.fieldErrors) shown under their form items; anything else as one message.
 * Returns the message that belongs to no field, or null.
 */
export function useFieldErrors() {
  const fields = reactive<Record<string, string>>({});
  return {
    fields,
    clear() {
      for (const k of Object.keys(fields)) delete fields[k];
    },
    apply(error: CombinedError | undefined): string | null {
      for (const k of Object.keys(fields)) delete fields[k];
      const first = error?.graphQLErrors[0];
      const list = (first?.extensions?.fieldErrors ?? []) as { field: string; message: string; messageEn: string }[];
      const en = i18n.global.locale.value === 'en';
      for (const f of list) fields[f.field] = en ? f.messageEn : f.message;
      const single = first?.extensions?.field as string | undefined;
      if (!list.length && single && first) {
        fields[single] = first.message;
        return null;
      }
      return list.length ? null : errorMessage(error);
    },
  };
}
