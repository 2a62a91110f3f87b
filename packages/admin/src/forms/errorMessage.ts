import type { CombinedError } from '@urql/core';
import { i18n } from '../plugins/i18n';

/**
 * The message a person can act on: the API's (already in the chosen language), or a network failure. Kept apart
 * from plugins/urql.ts (which re-exports it) so forms and lists can use it without pulling in the client and router.
 */
export function errorMessage(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return i18n.global.locale.value === 'en' ? 'Cannot reach the server. Check the network and retry.' : '无法连接服务器，请检查网络后重试';
}
