import vue from '@vitejs/plugin-vue';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { graphqlDocumentsAsStrings } from './vite/documents';
import { elementPlusScriptStyles } from './vite/element-styles';
import { ElementPlusIconsResolver, stringNamedIcons } from './vite/icons';

const SRC = path.resolve(__dirname, 'src');

/**
 * Brotli (highest level) and gzip copies of every text file of the build, written once here so the API serves them
 * without compressing per request (packages/api/src/shared/precompressed.ts). Runs after the service worker is written.
 */
function precompress(): Plugin {
  return {
    name: 'tanfang-precompress',
    apply: 'build',
    enforce: 'post',
    closeBundle: {
      order: 'post',
      handler() {
        const walk = (dir: string): string[] =>
          fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
        for (const file of walk(path.resolve(__dirname, 'dist'))) {
          if (!/\.(js|css|html|webmanifest|svg|json)$/.test(file) || fs.statSync(file).size < 1024) continue;
          const body = fs.readFileSync(file);
          fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
          fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
        }
      },
    },
  };
}

// The API serves the built console from dist/ at the same origin, so the console calls a relative /graphql.
// In `pnpm dev` the Vite server proxies /graphql to the API.
export default defineConfig({
  plugins: [
    graphqlDocumentsAsStrings(SRC),
    vue(),
    // Element Plus on demand (issue 15, item 5): each <el-*> tag (and v-loading) imports its component and its CSS
    // where it is used, so the login page loads a form's worth of the library instead of all of it (867 kB of script
    // and 362 kB of CSS before). The theme in src/styles.css still wins: it sets the variables on `html:root`.
    // No components.d.ts: templates were not typed against Element Plus before either.
    Components({
      dirs: [],
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), ElementPlusIconsResolver()],
    }),
    elementPlusScriptStyles(SRC),
    stringNamedIcons(SRC),
    // The field app: installable, and the shell opens without a network (village visitors often have none).
    // Only the app's own files are cached by the service worker; personal data never goes through it: GraphQL is
    // POST (never cached by Workbox) and what the visitor needs offline lives encrypted in IndexedDB (src/offline).
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['apple-touch-icon.png'],
      manifest: {
        name: '探访 · 特殊困难老年人探访关爱',
        short_name: '探访',
        description: '特殊困难老年人探访关爱系统：探访任务、探访记录、离线记录联网后上传',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f5f7fa',
        theme_color: '#b22222',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The shell and every page a visitor uses; the spreadsheet engine (0.9 MB) and the dashboard's charts are
        // office tools, fetched (and then cached at runtime) only by those who open them.
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        globIgnores: ['**/exceljs*', '**/RegionRateChart*', '**/ClassPie*'],
        navigateFallback: '/index.html',
        // The API's own addresses are never answered with the console's page.
        navigateFallbackDenylist: [/^\/graphql/, /^\/reports\//, /^\/healthz/, /^\/readyz/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // Hashed file names never change content: the first use caches them for offline.
            urlPattern: ({ url }) => url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'tanfang-assets', expiration: { maxEntries: 80 } },
          },
        ],
      },
    }),
    precompress(),
  ],
  server: {
    port: 5173,
    proxy: {
      '/graphql': `http://localhost:${process.env.PORT ?? 4000}`,
      '/reports': `http://localhost:${process.env.PORT ?? 4000}`,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
});
