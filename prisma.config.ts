import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseProvider, resolveDatabaseUrl, SCHEMA_PATHS } from "./server/config/database-url";
import { loadEnvFile } from "./server/config/env";
import { postgresMigrationAdapter } from "./server/store/postgres/adapter";

// Prisma 6.19 in its JavaScript engine mode: no native engine binaries are downloaded;
// migrations run over the same driver adapters the server uses. DATABASE_URL picks the
// provider: a file: URL is SQLite (prisma/schema.prisma), a postgres:// URL is PostgreSQL
// (prisma/postgresql/schema.prisma, derived from the first by scripts/prisma-schemas.mjs).
// Prisma's CLI does not read .env when a prisma.config.ts exists: the server's .env is read
// here, as the server reads it (the real environment wins), so `npm run db:migrate` and the
// server migrate the same database.
loadEnvFile();
const url = resolveDatabaseUrl(process.env.DATABASE_URL);
const provider = databaseProvider(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: SCHEMA_PATHS[provider],
  adapter: async () => (provider === "postgresql" ? postgresMigrationAdapter(url) : new PrismaBetterSQLite3({ url })),
});
