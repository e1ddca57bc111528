// Build of the cabinet SPA: web/ is the root, the bundle lands in web/dist and is served by
// Fastify (src/http/routes/web.ts). `npm run web:dev` proxies the API to a running `npm start`.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.BACKEND_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    proxy: { '/api': backend, '/hooks': backend },
  },
});
