import { useMutation } from '@urql/vue';
import { useRouter } from 'vue-router';
import { MarkNotificationsReadMutation } from './notifications.graphql';

/** Opening a notification marks it read and goes to its thing (the link is a console route). */
export function useOpenNotification() {
  const router = useRouter();
  const mark = useMutation(MarkNotificationsReadMutation);
  return {
    mark,
    async open(n: { id: string; link?: string | null; readAt?: string | null }): Promise<void> {
      if (!n.readAt) await mark.executeMutation({ ids: [n.id] });
      if (n.link) await router.push(n.link);
    },
  };
}
