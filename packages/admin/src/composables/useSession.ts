import { computed, ref } from 'vue';
import type { MeFieldsFragment } from '../gql/graphql';

const TOKEN_KEY = 'tanfang.token';

/**
 * Where the token lives. In a browser tab (the office PC) sessionStorage: closing the tab ends access to personal
 * data. In the installed field app (display-mode standalone, the visitor's own phone) localStorage, so the app opens
 * in a village without a network; the idle time (src/offline/idle.ts) ends it there instead.
 */
function tokenStore(): Storage {
  const installed = typeof window !== 'undefined' && window.matchMedia?.('(display-mode: standalone)').matches;
  return installed ? localStorage : sessionStorage;
}

const token = ref<string | null>(tokenStore().getItem(TOKEN_KEY));
const me = ref<MeFieldsFragment | null>(null);
const endHooks: (() => void)[] = [];

export function currentToken(): string | null {
  return token.value;
}

/** Run when any session ends (logout, expiry, idle): what was kept for it on the device goes with it. */
export function onSessionEnd(hook: () => void): void {
  endHooks.push(hook);
}

export function useSession() {
  const scopes = computed(() => new Set(me.value?.scopes ?? []));
  return {
    token,
    me,
    loggedIn: computed(() => token.value !== null),
    /** The console only hides what a user cannot use; the API is what enforces scopes. A list: any one of them. */
    can: (scope: string | readonly string[]) =>
      typeof scope === 'string' ? scopes.value.has(scope) : scope.some((s) => scopes.value.has(s)),
    start(newToken: string, user: MeFieldsFragment) {
      tokenStore().setItem(TOKEN_KEY, newToken);
      token.value = newToken;
      me.value = user;
    },
    setMe(user: MeFieldsFragment | null) {
      me.value = user;
    },
    end() {
      sessionStorage.removeItem(TOKEN_KEY);
      localStorage.removeItem(TOKEN_KEY);
      token.value = null;
      me.value = null;
      for (const hook of endHooks) hook();
    },
  };
}
