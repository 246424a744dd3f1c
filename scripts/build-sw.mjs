/**
 * Builds the service worker (app/sw.ts) into public/sw.js: esbuild bundles it with Serwist,
 * then Serwist's injectManifest writes in the list of the build's files to precache (every
 * file under .next/static, served at /_next/static/, plus the offline page and the icon).
 * Run after `next build` (npm run build does); `--dev` builds a worker that precaches and
 * caches nothing (Web Push only), for `npm run dev`.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { injectManifest } from "@serwist/build";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const started = performance.now();
const buildId = dev ? "dev" : fs.readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8").trim();
const swDest = path.join(root, "public", "sw.js");
const bundled = path.join(root, ".next", "sw.bundle.js");
fs.mkdirSync(path.dirname(bundled), { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: ["app/sw.ts"],
  outfile: dev ? swDest : bundled,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: !dev,
  define: { PARLEY_BUILD: JSON.stringify(buildId), "process.env.NODE_ENV": JSON.stringify(dev ? "development" : "production") },
  logLevel: "warning",
});

if (dev) {
  console.log(`service worker (development: no precache) written to public/sw.js in ${Math.round(performance.now() - started)} ms`);
} else {
  const revision = (file) => crypto.createHash("sha256").update(fs.readFileSync(path.join(root, file))).digest("hex").slice(0, 16);
  const { count, size, warnings } = await injectManifest({
    swSrc: bundled,
    swDest,
    globDirectory: path.join(root, ".next", "static"),
    globPatterns: ["**/*.{js,css,woff2,woff,png,svg,ico,webp}"],
    modifyURLPrefix: { "": "/_next/static/" },
    // Next's file names carry their content hash: the URL is its own revision.
    dontCacheBustURLsMatching: /./,
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
    additionalPrecacheEntries: [
      { url: "/offline.html", revision: revision("public/offline.html") },
      { url: "/icon.svg", revision: revision("app/icon.svg") },
    ],
  });
  for (const w of warnings) console.warn(`service worker: ${w}`);
  fs.rmSync(bundled, { force: true });
  console.log(`service worker written to public/sw.js: ${count} files precached (${Math.round(size / 1024)} KiB), build ${buildId}, in ${Math.round(performance.now() - started)} ms`);
}
