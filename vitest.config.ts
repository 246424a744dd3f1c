import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from "vitest/config";
import { postgresReachable, TEST_POSTGRES_URL } from "./server/test/databases.ts";

/**
 * Two projects: "sqlite" runs everything against the embedded default; "postgresql" runs
 * the suites that start a server (integration and acceptance tests, appends) again against
 * PostgreSQL. The store contract suites run once, over memory, SQLite and PostgreSQL. Without a reachable PostgreSQL the second is left out, and says so, unless
 * PARLEY_REQUIRE_SERVICES=1 (CI), which makes that a failure.
 */
export default defineConfig(async (): Promise<ViteUserConfig> => {
  const withPostgres = await postgresReachable();
  if (!withPostgres) {
    const message = `PostgreSQL is not reachable at ${TEST_POSTGRES_URL}: the "postgresql" test project is skipped.`;
    if (process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error(`${message} PARLEY_REQUIRE_SERVICES=1 requires it.`);
    console.warn(message);
  }
  return {
    resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
    test: {
      globalSetup: ["server/test/global-setup.ts"],
      // Names the Redis command behind an unhandled connection error (a rare flake in CI).
      setupFiles: ["server/test/redis-error-origin.ts"],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      // Integration files each start a server; two workers fit this 2-core machine.
      maxWorkers: 2,
      projects: [
        {
          extends: true,
          test: {
            name: "sqlite",
            include: ["server/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
            // Several nodes share PostgreSQL, not a SQLite file, and a SQLite file has no connection to
            // lose: the multi-node and database-outage suites run in the other project.
            exclude: ["server/cluster.integration.test.ts", "server/database-outage.integration.test.ts"],
          },
        },
        ...(withPostgres
          ? ([
              {
                extends: true,
                test: {
                  name: "postgresql",
                  // The store contract suites name memory, SQLite and PostgreSQL themselves (store/contract-stores.ts), in the other project.
                  include: ["server/**/*.integration.test.ts", "server/transports.acceptance.test.ts", "server/store/message-appends.test.ts", "server/domain/auth.service.test.ts"],
                  env: { PARLEY_TEST_DATABASE: "postgresql" },
                },
              },
            ] satisfies TestProjectInlineConfiguration[])
          : []),
      ],
    },
  };
});
