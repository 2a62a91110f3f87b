import { useClientHandle } from '@urql/vue';
import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import { applyMapping, chinaToday, matchHeaders, missingColumns, prepareRows, type HeaderMatch, type Mapping, type PreparedRow, type SheetSpec } from './columns';
import { contentHash, readGrid, type Grid } from './read';
import { loadVillages, type VillageIndex } from './regions';
import { needsRegions } from './values';

/**
 * One spreadsheet through the engine: read → recognise the header row → (the user maps unknown columns) → rows as
 * records with their problems. Villages are loaded (once) when a region column is present.
 */
export function useSheetFile(spec: Ref<SheetSpec | undefined>) {
  const { client } = useClientHandle();
  const fileName = ref('');
  const hash = ref('');
  const grid = shallowRef<Grid | null>(null);
  const match = shallowRef<HeaderMatch | null>(null);
  const mapping = ref<Mapping>({});
  const reading = ref(false);
  const readProblem = ref<string | null>(null);
  const villages = shallowRef<VillageIndex | undefined>();
  const rows = shallowRef<PreparedRow[]>([]);

  const keys = computed(() => (match.value ? applyMapping(match.value, mapping.value) : []));
  const missing = computed(() => (spec.value && match.value ? missingColumns(spec.value, keys.value) : []));
  const needsVillages = computed(() => spec.value?.columns.some((c) => needsRegions(c.parse) && keys.value.includes(c.key)) ?? false);

  async function ensureVillages(): Promise<VillageIndex> {
    villages.value ??= await loadVillages(client);
    return villages.value;
  }

  async function prepare() {
    rows.value = [];
    if (!spec.value || !grid.value || !match.value || missing.value.length) return;
    try {
      if (needsVillages.value) await ensureVillages();
    } catch (e) {
      readProblem.value = e instanceof Error ? e.message : String(e);
      return;
    }
    rows.value = prepareRows(grid.value, match.value, keys.value, spec.value, { today: chinaToday(), villages: villages.value });
  }

  watch([keys, spec], () => {
    if (grid.value) void prepare();
  });

  async function load(file: File) {
    readProblem.value = null;
    reading.value = true;
    grid.value = null;
    match.value = null;
    rows.value = [];
    mapping.value = {};
    fileName.value = file.name;
    try {
      const [g, h] = await Promise.all([readGrid(file), file.arrayBuffer().then(contentHash)]);
      hash.value = h;
      if (!spec.value) return;
      const m = matchHeaders(g, spec.value);
      if (g.rows.length <= m.headerRow + 1) {
        readProblem.value = '表格中没有数据行';
        return;
      }
      grid.value = g;
      match.value = m;
      await prepare();
    } catch (e) {
      readProblem.value = `无法读取该文件：${e instanceof Error ? e.message : String(e)}`;
    } finally {
      reading.value = false;
    }
  }

  return {
    fileName,
    /** SHA-256 of the file's bytes: the base of the idempotency keys. */
    hash,
    grid,
    match,
    mapping,
    keys,
    missing,
    rows,
    reading,
    readProblem,
    ensureVillages,
    load,
    problems: computed(() => rows.value.flatMap((r) => r.problems)),
    ready: computed(() => rows.value.length > 0 && missing.value.length === 0),
    clear() {
      grid.value = null;
      match.value = null;
      rows.value = [];
      readProblem.value = null;
      mapping.value = {};
    },
  };
}

export type SheetFile = ReturnType<typeof useSheetFile>;
