import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, stripIgnoredCharacters, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'vite';

/**
 * GraphQL documents as plain strings, each in the module that writes it (issue 15, item 5).
 *
 * Codegen's client preset makes `graphql(`...`)` look a document up in one map of every document of the console, as
 * parsed syntax trees (src/gql): that map was one 420 kB chunk every page loaded, the login page included. This
 * transform replaces each `graphql(`...`)` call at build time by the document's text (its fragments appended,
 * whitespace stripped), a string literal, so a route's chunk holds only its own documents and the map is never
 * imported. urql takes a string query as it takes a syntax tree (it parses it once and caches it, with its own small
 * parser): nothing of graphql-js reaches the browser. Types are untouched: TypeScript still sees codegen's typed
 * `graphql()` overloads, so `pnpm typecheck` checks every document and variable as before.
 */
export function graphqlDocumentsAsStrings(srcDir: string): Plugin {
  const CALL = /\bgraphql\(\s*`([^`]*)`\s*\)/g;
  const GQL_DIR = path.join(srcDir, 'gql') + path.sep;
  let fragments = new Map<string, { source: string; uses: string[] }>();

  const spreadsIn = (doc: DocumentNode): string[] => {
    const names: string[] = [];
    visit(doc, { FragmentSpread: (node) => void names.push(node.name.value) });
    return names;
  };

  /** Every fragment the console defines, by name, read from the sources the way codegen reads them. */
  function scan(): void {
    const found = new Map<string, { source: string; uses: string[] }>();
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return full + path.sep === GQL_DIR ? [] : walk(full);
        return /\.(ts|vue)$/.test(e.name) ? [full] : [];
      });
    for (const file of walk(srcDir)) {
      for (const [, source] of fs.readFileSync(file, 'utf8').matchAll(CALL)) {
        const doc = parse(source);
        for (const def of doc.definitions) {
          if (def.kind !== Kind.FRAGMENT_DEFINITION) continue;
          const own = parse(source.slice(def.loc!.start, def.loc!.end));
          found.set(def.name.value, { source: source.slice(def.loc!.start, def.loc!.end), uses: spreadsIn(own) });
        }
      }
    }
    fragments = found;
  }

  /** The document's text with every fragment it spreads (transitively, once each), as the server must receive it. */
  function complete(source: string, file: string): string {
    const doc = parse(source);
    const own = new Set(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : [])));
    const needed: string[] = [];
    const pending = spreadsIn(doc).filter((n) => !own.has(n));
    while (pending.length) {
      const name = pending.shift()!;
      if (own.has(name) || needed.includes(name)) continue;
      let fragment = fragments.get(name);
      if (!fragment) {
        scan(); // a fragment added since the last scan (dev server)
        fragment = fragments.get(name);
      }
      if (!fragment) throw new Error(`${file}: the document spreads ...${name}, but no graphql(\`fragment ${name} on ...\`) exists in src/`);
      needed.push(name);
      pending.push(...fragment.uses);
    }
    return stripIgnoredCharacters([source, ...needed.map((n) => fragments.get(n)!.source)].join('\n'));
  }

  return {
    name: 'tanfang-graphql-documents-as-strings',
    enforce: 'pre',
    buildStart() {
      scan();
    },
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.startsWith(srcDir) || file.startsWith(GQL_DIR) || !/\.(ts|vue)$/.test(file) || !code.includes('graphql(`')) return null;
      let out = code.replace(CALL, (_, source: string) => JSON.stringify(complete(source, file)));
      // The typed `graphql()` lookup is no longer called: drop its import so the map of all documents stays out.
      if (!out.includes('graphql(`')) out = out.replace(/^import\s*\{\s*graphql\s*\}\s*from\s*['"](?:\.{1,2}\/)+gql['"];?[ \t]*$/m, '');
      return { code: out, map: null };
    },
  };
}
