/**
 * PostgreSQL migrations must work with the previous release still running (a rolling upgrade:
 * migrations run once, then the nodes restart one at a time). So a migration only adds
 * (expand); what removes or renames (contract) comes in a later release, once no running node
 * uses the old shape, and says so with a `-- contract step:` comment giving the release whose
 * nodes no longer use it (docs/deploy.md, "Upgrades").
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = path.join(import.meta.dirname, "..", "prisma", "postgresql", "migrations");
/** Statements that break the previous release's queries: dropping or renaming a table, column, type or constraint. */
const CONTRACTING = /\b(DROP\s+(TABLE|COLUMN|TYPE|CONSTRAINT|SCHEMA|VIEW|FUNCTION)|RENAME\s+(TO|COLUMN|CONSTRAINT))\b|\bALTER\s+COLUMN\s+\S+\s+(SET\s+NOT\s+NULL|(SET\s+DATA\s+)?TYPE)\b/i;

/** Each offending statement of a migration's SQL, unless the migration is marked as a contract step. */
function contractingStatements(sql: string): string[] {
  if (/^--\s*contract step:/im.test(sql)) return [];
  const withoutComments = sql.replace(/--.*$/gm, "");
  return withoutComments
    .split(";")
    .map((s) => s.trim().replace(/\s+/g, " "))
    .filter((s) => CONTRACTING.test(s));
}

describe("PostgreSQL migrations", () => {
  it("expand only, unless marked as a contract step", () => {
    const migrations = fs.readdirSync(DIR).filter((d) => fs.existsSync(path.join(DIR, d, "migration.sql")));
    expect(migrations.length).toBeGreaterThan(10);
    const offending = migrations.flatMap((m) => contractingStatements(fs.readFileSync(path.join(DIR, m, "migration.sql"), "utf8")).map((s) => `${m}: ${s}`));
    expect(offending).toEqual([]);
  });

  it("the check catches drops, renames and narrowing changes, and lets a marked contract step through", () => {
    expect(contractingStatements(`ALTER TABLE "Message" DROP COLUMN "legacy";`)).toHaveLength(1);
    expect(contractingStatements(`DROP TABLE "Old";\nCREATE TABLE "New" ("id" TEXT);`)).toEqual([`DROP TABLE "Old"`]);
    expect(contractingStatements(`ALTER TABLE "Room" RENAME COLUMN "title" TO "name";`)).toHaveLength(1);
    expect(contractingStatements(`ALTER TABLE "Room" RENAME TO "Rooms";`)).toHaveLength(1);
    expect(contractingStatements(`ALTER TABLE "Room" ALTER COLUMN "topic" SET NOT NULL;`)).toHaveLength(1);
    expect(contractingStatements(`ALTER TABLE "Room" ALTER COLUMN "topic" TYPE VARCHAR(20);`)).toHaveLength(1);
    // Expanding is fine: new tables, columns, indexes; dropping an index or a default breaks no query.
    expect(contractingStatements(`ALTER TABLE "Room" ADD COLUMN "topic" TEXT;\nCREATE INDEX "i" ON "Room"("topic");\nDROP INDEX "old_i";\nALTER TABLE "Room" ALTER COLUMN "topic" DROP DEFAULT;`)).toEqual([]);
    // A comment mentioning DROP TABLE is not a statement.
    expect(contractingStatements(`-- we never DROP TABLE here\nSELECT 1;`)).toEqual([]);
    expect(contractingStatements(`-- contract step: release 0.3 no longer reads "legacy"\nALTER TABLE "Message" DROP COLUMN "legacy";`)).toEqual([]);
  });
});
