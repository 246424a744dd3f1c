/**
 * Compiles the Node server to plain JavaScript for `npm start` (dist/server.mjs), with its
 * SQLite writer and search threads and its image worker process beside it. Production does not run under tsx: tsx compiles with
 * esbuild's keepNames, which gives every function made per connection (the socket handlers)
 * a property of its own, about 4 KiB of heap per connection (docs/performance.md).
 *
 *   node scripts/build-server.mjs        server/index.ts → dist/server.mjs, server/cli/admin.ts → dist/admin.mjs
 *
 * `buildServer` is also used by the benchmark, which compiles its two servers the same way.
 * Packages stay in node_modules (imported at run time); Parley's own code and its generated
 * Prisma clients are bundled.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORKERS = ["server/store/sqlite/writer.worker.mjs", "server/store/sqlite/search.worker.mjs", "server/files/image-worker.mjs"];

/** Bundles each entry (`{ name: path from the project's folder }`) to `<outdir>/<name>.mjs`. */
export async function buildServer(entries, outdir) {
  const out = path.resolve(root, outdir);
  await build({
    absWorkingDir: root,
    // The writer and search threads are started from files next to the code that starts
    // them: bundled beside it, with the statements they import.
    entryPoints: { ...entries, ...Object.fromEntries(WORKERS.map((w) => [path.basename(w, ".mjs"), w])) },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    // dist/admin.mjs is `parley-admin` (package.json's bin): runnable as it is.
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "warning",
  });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildServer({ server: "server/index.ts", admin: "server/cli/admin.ts" }, "dist");
  console.log(`server compiled to dist/server.mjs (and the admin command line, dist/admin.mjs) in ${Math.round(performance.now() - started)} ms`);
}
