import { onScopeDispose, ref, type Ref } from 'vue';

/**
 * Below 768 px the console is the visitor's phone app: no sidebar, a drawer for the menu, one-column forms.
 * One media query shared by every page (module-level, so each page does not add its own listener).
 */
export const PHONE_QUERY = '(max-width: 767px)';

const phone = ref(typeof window !== 'undefined' && window.matchMedia(PHONE_QUERY).matches);
let listening = 0;
let media: MediaQueryList | null = null;
const onChange = (e: MediaQueryListEvent) => {
  phone.value = e.matches;
};

export function useViewport(): { isPhone: Ref<boolean> } {
  if (typeof window !== 'undefined') {
    if (listening === 0) {
      media = window.matchMedia(PHONE_QUERY);
      phone.value = media.matches;
      media.addEventListener('change', onChange);
    }
    listening += 1;
    onScopeDispose(() => {
      listening -= 1;
      if (listening === 0) media?.removeEventListener('change', onChange);
    });
  }
  return { isPhone: phone };
}
