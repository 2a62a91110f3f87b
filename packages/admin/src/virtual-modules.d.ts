// Modules made by the console's own Vite plugins (packages/admin/vite/).
declare module 'virtual:tanfang-string-icons' {
  import type { Component } from 'vue';
  const icons: Record<string, Component>;
  export default icons;
}
