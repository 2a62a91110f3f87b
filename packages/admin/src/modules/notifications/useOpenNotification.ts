import { useMutation } from '@urql/vue';
import { ref } from 'vue';
import { useRouter } from 'vue-router';
import { MarkNotificationsReadMutation } from './notifications.graphql';

/**
 * Bumped whenever this console marks notifications read: the bell refreshes its count at once (the mutation answers
 * a number, which urql's document cache cannot tie to the bell's query).
 */
export const notificationsChanged = ref(0);

/** Marking read (some or all) and opening a notification: it is marked read and its thing (a console route) opens. */
export function useOpenNotification() {
  const router = useRouter();
  const mark = useMutation(MarkNotificationsReadMutation);
  async function markRead(variables: { ids?: string[]; all?: boolean }) {
    const result = await mark.executeMutation(variables);
    if (!result.error) notificationsChanged.value++;
    return result;
  }
  return {
    markRead,
    async open(n: { id: string; link?: string | null; readAt?: string | null }): Promise<void> {
      if (!n.readAt) await markRead({ ids: [n.id] });
      if (n.link) await router.push(n.link);
    },
  };
}
