#!/usr/bin/env node
// One data model, two providers. prisma/schema.prisma (SQLite, the embedded default) is the
// source; prisma/postgresql/schema.prisma is derived from it with only the generator's output
// and the datasource changed, so the models cannot drift apart.
//
//   node scripts/prisma-schemas.mjs          rewrite prisma/postgresql/schema.prisma
//   node scripts/prisma-schemas.mjs --check  exit 1 if it is out of date (CI, tests)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "prisma/schema.prisma");
const target = path.join(root, "prisma/postgresql/schema.prisma");

export function derivePostgresSchema(text) {
  const swap = (pattern, replacement, what) => {
    if (!pattern.test(text)) throw new Error(`prisma/schema.prisma: cannot find the ${what}`);
    text = text.replace(pattern, replacement);
  };
  swap(/output\s*=\s*"\.\.\/generated\/prisma"/, 'output          = "../../generated/prisma-postgresql"', "generator output");
  swap(/datasource db \{[^}]*\}/, [
    "datasource db {",
    '  provider = "postgresql"',
    "  // Required by Prisma 6.19's schema; the URL actually used is the driver adapter's (DATABASE_URL).",
    '  url      = "postgresql://localhost/parley"',
    "}",
  ].join("\n"), "datasource block");
  return [
    "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs: edit that file, then run",
    "// `node scripts/prisma-schemas.mjs`. PostgreSQL's migrations live beside this file.",
    "",
    text,
  ].join("\n");
}

function main() {
  const wanted = derivePostgresSchema(fs.readFileSync(source, "utf8"));
  if (process.argv.includes("--check")) {
    const actual = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (actual !== wanted) {
      console.error("prisma/postgresql/schema.prisma is out of date: run `node scripts/prisma-schemas.mjs`.");
      process.exit(1);
    }
  } else {
    fs.writeFileSync(target, wanted);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
