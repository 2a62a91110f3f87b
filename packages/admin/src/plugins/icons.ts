import type { App } from 'vue';
import icons from 'virtual:tanfang-string-icons';

/**
 * Registers the icons that pages name by a string (menu icons in route meta, `:icon="'Plus'"`): only those, found in
 * the sources at build time (vite/icons.ts). Icons written as tags are imported by their component instead.
 */
export function installIcons(app: App): void {
  for (const [name, component] of Object.entries(icons)) app.component(name, component);
}
