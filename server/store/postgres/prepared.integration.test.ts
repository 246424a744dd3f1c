import { afterEach, describe, expect, it } from "vitest";
import { createPostgresDatabase, dropDatabase, testProvider } from "../../test/databases";
import { openPool, runPrepared, statementName } from "./pool";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("the PostgreSQL store's constant statements, prepared once per connection", () => {
  it("one name per text, the same every time", () => {
    const a = statementName(`SELECT 1 AS "a" WHERE $1::int > 0`);
    expect(a).toMatch(/^parley_[0-9a-f]{24}$/);
    expect(statementName(`SELECT 1 AS "a" WHERE $1::int > 0`)).toBe(a);
    expect(statementName(`SELECT 2 AS "a" WHERE $1::int > 0`)).not.toBe(a);
  });

  it("runs as a named statement: PostgreSQL keeps it, parsed once, and answers each call with its own values", async (ctx) => {
    if (testProvider() !== "postgresql") return ctx.skip("PostgreSQL only: runs in the postgresql project");
    const url = await createPostgresDatabase();
    // One connection, so that the session's prepared statements are the ones read below.
    const pool = openPool(url, 1);
    cleanups.push(() => dropDatabase(url), () => pool.end());
    const text = `SELECT $1::int * 2 AS "twice"`;
    const answers = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7]) answers.push((await runPrepared<{ twice: number }>(pool, text, [n])).rows[0]!.twice);
    expect(answers).toEqual([2, 4, 6, 8, 10, 12, 14]);
    const { rows } = await pool.query<{ name: string; statement: string; generic_plans: string; custom_plans: string }>(
      `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'parley_%'`,
    );
    expect(rows.map((r) => [r.name, r.statement])).toEqual([[statementName(text), text]]);
    // Planned at most 5 times (PostgreSQL's custom plans before it weighs a generic one), not 7.
    expect(Number(rows[0]!.generic_plans) + Number(rows[0]!.custom_plans)).toBe(7);
    expect(Number(rows[0]!.custom_plans)).toBeLessThanOrEqual(5);
  });

  // Last in the file: it fills the module's names.
  it("a text built per call cannot grow the names without bound: past 1,000 texts a statement has no name (it runs unnamed)", () => {
    const first = statementName(`SELECT 'kept'`);
    for (let i = 0; i < 1_000; i++) statementName(`SELECT ${i}`);
    expect(statementName(`SELECT 'one too many'`)).toBeUndefined();
    expect(statementName(`SELECT 'kept'`)).toBe(first);
  });
});
