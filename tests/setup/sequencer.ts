import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first, so that the last file to start is a short one and both workers finish together.
 *
 * Vitest's own order does that from its results cache (node_modules/.vite/vitest), but a fresh clone (CI) has no cache
 * and vitest then sorts by file size: a browser file of 240 lines (the axe walk, ~300 s) would start after API files of
 * 600 lines (~10 s) and run alone at the end. The browser files are the long ones (20 to 300 s against 1 to 30 s for
 * an API file), so they go first; inside each group vitest's order stands (cached durations, longest first, when there
 * are any; else file size). The rule is by folder, so a new browser file needs no entry here.
 */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isBrowser = (spec: TestSpecification) => /[\\/]e2e[\\/]/.test(spec.moduleId);
    // Heaviest known browser files before the others: their cost is in their walks over every page, not their length.
    const weight = (spec: TestSpecification) => (HEAVIEST.findIndex((name) => spec.moduleId.endsWith(name)) + 1 || HEAVIEST.length + 1);
    const browser = sorted.filter(isBrowser);
    // A stable sort: the rest keep vitest's order.
    browser.sort((a, b) => weight(a) - weight(b));
    return [...browser, ...sorted.filter((spec) => !isBrowser(spec))];
  }
}

/** Browser files that each walk every page of the console (measured in bench/RESULTS.md, "Test run time"). */
const HEAVIEST = ['e2e/console.a11y.test.ts', 'e2e/console.phone.test.ts'];
