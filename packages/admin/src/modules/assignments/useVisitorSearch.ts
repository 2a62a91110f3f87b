import { useClientHandle } from '@urql/vue';
import { ref } from 'vue';
import type { VisitorFieldsFragment } from '../../gql/graphql';
import { VisitorsQuery } from './assignments.graphql';

/** A searchable visitor select: active visitors whose name starts with what was typed (20 at a time). */
export function useVisitorSearch() {
  const { client } = useClientHandle();
  const options = ref<VisitorFieldsFragment[]>([]);
  const loading = ref(false);
  let asked = 0;
  async function search(text: string) {
    const mine = ++asked;
    loading.value = true;
    const result = await client.query(VisitorsQuery, { filter: { text: text.trim() || undefined }, first: 20 }).toPromise();
    if (mine !== asked) return;
    loading.value = false;
    options.value = result.data?.visitors.nodes ?? [];
  }
  return { options, loading, search };
}
