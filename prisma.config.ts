import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { resolveDatabaseUrl } from "./server/config/database-url";

// Prisma 6.19 in its JavaScript engine mode: no native engine binaries are downloaded;
// migrations run over the same better-sqlite3 driver adapter the server uses.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () => new PrismaBetterSQLite3({ url: resolveDatabaseUrl(process.env.DATABASE_URL) }),
});
