import type { Client } from '@urql/core';
import type { Router } from 'vue-router';
import { MeQuery } from '../modules/auth/auth.graphql';
import { useSession } from '../composables/useSession';

/**
 * Every page but the login page needs a session. The user (and with it the scopes that shape the menu) is loaded
 * once per page load; a page whose scope the user lacks sends them home rather than to an error.
 */
export function installGuards(router: Router, client: Client): void {
  router.beforeEach(async (to) => {
    const session = useSession();
    if (to.meta.public) return true;
    if (!session.token.value) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (!session.me.value) {
      const result = await client.query(MeQuery, {}).toPromise();
      if (!result.data?.me) {
        session.end();
        return { name: 'login', query: { redirect: to.fullPath } };
      }
      session.setMe(result.data.me);
    }
    if (to.meta.scope && !session.can(to.meta.scope)) return { name: 'home' };
    return true;
  });
}
