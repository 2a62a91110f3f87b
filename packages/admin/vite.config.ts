import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The API serves the built console from dist/ at the same origin, so the console calls a relative /graphql.
// In `pnpm dev` the Vite server proxies /graphql to the API.
export default defineConfig({
  plugins: [vue()],
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
