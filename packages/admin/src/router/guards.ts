import type { Client } from '@urql/core';
import type { Router } from 'vue-router';
import { MeQuery } from '../modules/auth/auth.graphql';
import { useSession } from '../composables/useSession';
import { offlineProfile, startOfflineSession } from '../offline';

/**
 * Every page but the login page needs a session. The user (and with it the scopes that shape the menu) is loaded
 * once per page load; a page whose scope the user lacks sends them home rather than to an error. Without a network
 * the profile comes from the sealed copy kept at the last online start of this same login (the field app in a
 * village); the API still checks the token when the queued visits are sent.
 */
export function installGuards(router: Router, client: Client): void {
  router.beforeEach(async (to) => {
    const session = useSession();
    if (to.meta.public) return true;
    const token = session.token.value;
    if (!token) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (!session.me.value) {
      const result = await client.query(MeQuery, {}).toPromise();
      const user = result.data?.me ?? (result.error?.networkError || !result.data ? await offlineProfile(token).catch(() => null) : null);
      if (!user || (result.data && !result.data.me)) {
        session.end();
        return { name: 'login', query: { redirect: to.fullPath } };
      }
      session.setMe(user);
    }
    const alive = await startOfflineSession(session.me.value!, token).catch((error: unknown) => {
      // A browser without IndexedDB (private mode on some phones) still works online; it only cannot queue.
      console.warn('[offline] not available:', error);
      return true;
    });
    if (!alive) return { name: 'login', query: { reason: 'idle' } };
    if (to.meta.scope && !session.can(to.meta.scope)) return { name: 'home' };
    return true;
  });
}
