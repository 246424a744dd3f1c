import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../store/migrate";
import { createPostgresDatabase, dropDatabase, dropTestDatabases, postgresReachable } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated template each test copies: a `file:` URL, or a PostgreSQL database's URL. */
    templateDatabase: string;
    /** The "sqlite" project's PostgreSQL template, for the store contract suites (absent when PostgreSQL does not answer). */
    postgresTemplateDatabase: string | undefined;
  }
}

/**
 * Migrates one template database for the whole run; each test copies it (migrating costs
 * about a second). The "postgresql" project (vitest.config.ts) gets a PostgreSQL template.
 */
export default async function setup(project: TestProject) {
  if (project.name === "postgresql") {
    await dropTestDatabases(); // those of interrupted runs
    const url = await createPostgresDatabase();
    await migrateDatabase(url);
    project.provide("templateDatabase", url);
    return () => dropTestDatabases(url); // this run's own
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-test-"));
  const file = path.join(dir, "template.db");
  await migrateDatabase(`file:${file}`);
  project.provide("templateDatabase", `file:${file}`);
  // The store contract suites run here over SQLite and PostgreSQL both (store/contract-stores.ts).
  const postgres = (await postgresReachable()) ? await createPostgresDatabase() : undefined;
  if (postgres) await migrateDatabase(postgres);
  project.provide("postgresTemplateDatabase", postgres);
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    // Only this template: the suites drop their own copies.
    if (postgres) await dropDatabase(postgres);
  };
}
