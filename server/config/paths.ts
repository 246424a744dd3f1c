import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's folder (the one holding Parley's package.json), found from wherever this
 * code runs: `server/…` under tsx in development and tests, `dist/` once compiled
 * (`npm run build`). Next's build and Prisma's migrations are found from it.
 */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "parley") return dir;
    if (path.dirname(dir) === dir) throw new Error(`Parley's package.json was not found above ${start}`);
  }
}
