import { useClientHandle } from '@urql/vue';
import { reactive, watch } from 'vue';
import { graphql } from '../../gql';

export const RegionNameQuery = graphql(`
  query RegionName($code: String!) {
    region(code: $code) {
      code
      name
    }
  }
`);

/**
 * Names of the region codes on a page (teams, visitors, standards, campaigns): one cached request per distinct
 * code, never one per row. Unknown or failed codes show as the code.
 */
export function useRegionNames(codes: () => readonly (string | null | undefined)[]) {
  const { client } = useClientHandle();
  const names = reactive(new Map<string, string>());
  const asked = new Set<string>();
  watch(
    () => [...new Set(codes().filter((c): c is string => !!c))],
    async (list) => {
      const fresh = list.filter((c) => !asked.has(c));
      for (const c of fresh) asked.add(c);
      await Promise.all(
        fresh.map(async (code) => {
          const result = await client.query(RegionNameQuery, { code }, { requestPolicy: 'cache-first' }).toPromise();
          if (result.data) names.set(code, result.data.region.name);
          else asked.delete(code);
        }),
      );
    },
    { immediate: true },
  );
  return (code: string | null | undefined) => (code ? (names.get(code) ?? code) : '—');
}
