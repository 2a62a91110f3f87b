import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from '@urql/core';
import { currentToken, useSession } from '../composables/useSession';
import { i18n } from './i18n';
import { router } from '../router';

export const client = new Client({
  url: '/graphql',
  // Personal data must not outlive a logout in a cache: network-only by default, views opt into the cache.
  requestPolicy: 'network-only',
  preferGetMethod: false,
  fetchOptions: () => {
    const headers: Record<string, string> = { 'Accept-Language': i18n.global.locale.value === 'en' ? 'en' : 'zh-CN' };
    const token = currentToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    return { headers };
  },
  exchanges: [
    mapExchange({
      onError(error) {
        // An expired or revoked session: back to the login page, keeping where the user was.
        if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && currentToken()) {
          useSession().end();
          void router.push({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } });
        }
      },
    }),
    cacheExchange,
    fetchExchange,
  ],
});

/** The message a person can act on: the API's (already in the chosen language), or a network failure. */
export function errorMessage(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return i18n.global.locale.value === 'en' ? 'Cannot reach the server. Check the network and retry.' : '无法连接服务器，请检查网络后重试';
}
