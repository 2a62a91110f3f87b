import { Client, cacheExchange, fetchExchange, mapExchange } from '@urql/core';
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

// Moved to src/forms so forms and lists can read errors without the client; exported here for existing imports.
export { errorMessage } from '../forms/errorMessage';
