import { computed, ref } from 'vue';
import type { MeFieldsFragment } from '../gql/graphql';

// The token lives in sessionStorage: closing the browser tab on a shared office PC ends access to personal data.
const TOKEN_KEY = 'tanfang.token';

const token = ref<string | null>(sessionStorage.getItem(TOKEN_KEY));
const me = ref<MeFieldsFragment | null>(null);

export function currentToken(): string | null {
  return token.value;
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
      sessionStorage.setItem(TOKEN_KEY, newToken);
      token.value = newToken;
      me.value = user;
    },
    setMe(user: MeFieldsFragment | null) {
      me.value = user;
    },
    end() {
      sessionStorage.removeItem(TOKEN_KEY);
      token.value = null;
      me.value = null;
    },
  };
}
