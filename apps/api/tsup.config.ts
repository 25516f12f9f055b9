import { defineConfig } from "tsup";

// Only the deployable is bundled: workspace packages (TypeScript source) are inlined; npm
// packages stay external and come from the production node_modules, so every npm package the
// engine uses at run time is also listed in this package's dependencies.
export default defineConfig({
  entry: { index: "src/index.ts", worker: "src/worker.ts", cli: "src/cli.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  noExternal: [/^@hogsend\//],
  skipNodeModulesBundle: true,
  splitting: false,
});
