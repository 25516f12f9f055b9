import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The api `pnpm dev` runs (PORT 3002 unless set); HOGSEND_API_URL points the dev server elsewhere.
const api = process.env.HOGSEND_API_URL ?? `http://localhost:${process.env.PORT ?? "3002"}`;

/** Proxied to the api with the api's own Origin, so better-auth's origin check accepts sign-in. */
const proxied = {
  target: api,
  changeOrigin: true,
  configure: (proxy: {
    on(event: "proxyReq", fn: (req: { setHeader(k: string, v: string): void }) => void): void;
  }) => {
    proxy.on("proxyReq", (req) => req.setHeader("origin", new URL(api).origin));
  },
};

export default defineConfig({
  base: "/studio/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The polyfill is an inline-free module, but modern Chromium, Firefox and Safari need none.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: { "/v1": proxied, "/api": proxied },
  },
});
