import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/**
 * Styles for Element Plus components imported in scripts (`import { ElMessage, ElMessageBox } from 'element-plus'`):
 * unplugin-vue-components adds the CSS of what templates use, not of what scripts call, so a message box opened from
 * a script would appear unstyled. This adds `element-plus/es/components/<name>/style/css` beside such an import, for
 * every El* name that has a style (types and helpers such as provideGlobalConfig have none and are skipped).
 */
export function elementPlusScriptStyles(srcDir: string): Plugin {
  const require = createRequire(import.meta.url);
  const components = path.join(path.dirname(require.resolve('element-plus/package.json')), 'es/components');
  const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*['"]element-plus['"];?/gm;
  const styleOf = (name: string): string | null => {
    const dir = name.replace(/^El/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    return fs.existsSync(path.join(components, dir, 'style/css.mjs')) ? `element-plus/es/components/${dir}/style/css` : null;
  };
  return {
    name: 'tanfang-element-plus-script-styles',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.startsWith(srcDir) || !/\.(ts|vue)$/.test(file) || !code.includes("'element-plus'")) return null;
      let changed = false;
      const out = code.replace(IMPORT, (statement, names: string) => {
        const styles = names
          .split(',')
          .map((n) => n.trim())
          .filter((n) => /^El[A-Z]/.test(n)) // `type FormInstance`, provideGlobalConfig: no style
          .map((n) => styleOf(n.split(/\s+as\s+/)[0]!))
          .filter((s): s is string => s !== null);
        if (!styles.length) return statement;
        changed = true;
        return `${statement}\n${styles.map((s) => `import '${s}';`).join('\n')}`;
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}
