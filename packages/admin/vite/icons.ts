import fs from 'node:fs';
import path from 'node:path';
import * as Icons from '@element-plus/icons-vue';
import type { ComponentResolver } from 'unplugin-vue-components';
import type { Plugin } from 'vite';

// Element Plus's icons per use instead of all 290 registered globally (issue 15, item 5).
const ICON_NAMES = new Set(Object.keys(Icons).filter((name) => /^[A-Z]/.test(name)));

/** An icon written as a tag in a template (`<ArrowRight />`) is imported by the component that uses it. */
export function ElementPlusIconsResolver(): ComponentResolver {
  return { type: 'component', resolve: (name) => (ICON_NAMES.has(name) ? { name, from: '@element-plus/icons-vue' } : undefined) };
}

const VIRTUAL = 'virtual:tanfang-string-icons';

/**
 * Icons named by a string are looked up among the globally registered components at run time: a route's menu icon
 * (`meta: { icon: 'Bell' }`) and an Element Plus prop given a name (`:icon="'Plus'"`, `:prefix-icon="'Search'"`).
 * This virtual module imports exactly the icons so named anywhere in src/ (found when the build starts), and
 * src/plugins/icons.ts registers them: a new page's icon needs no list kept by hand, and no unused icon is shipped.
 */
export function stringNamedIcons(srcDir: string): Plugin {
  const PATTERNS = [/\bicon:\s*'([A-Z][A-Za-z0-9]*)'/g, /:(?:prefix-|suffix-)?icon="'([A-Z][A-Za-z0-9]*)'"/g];
  const named = (): string[] => {
    const names = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.(ts|vue)$/.test(e.name)) {
          const text = fs.readFileSync(full, 'utf8');
          for (const re of PATTERNS) for (const [, name] of text.matchAll(re)) if (ICON_NAMES.has(name!)) names.add(name!);
        }
      }
    };
    walk(srcDir);
    return [...names].sort();
  };
  return {
    name: 'tanfang-string-named-icons',
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : null),
    load(id) {
      if (id !== `\0${VIRTUAL}`) return null;
      const names = named();
      return `import { ${names.join(', ')} } from '@element-plus/icons-vue';\nexport default { ${names.join(', ')} };\n`;
    },
  };
}
