import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The API serves the built console from dist/ at the same origin, so the console calls a relative /graphql.
// In `pnpm dev` the Vite server proxies /graphql to the API.
export default defineConfig({
  plugins: [
    vue(),
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
