import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

/** PostgreSQL's `name` type (catalog identifiers) and `text`. */
const NAME_OID = 19;
const TEXT_OID = 25;

/**
 * A pg client that reports `name` columns as `text`. Prisma 6.19's migration engine, run
 * through `@prisma/adapter-pg` (its JavaScript engine mode), reads PostgreSQL's catalogs,
 * whose identifiers are of type `name`, which the adapter cannot map ("Column type 'name'
 * could not be deserialized", prisma/orm#27403). The values are plain strings either way.
 */
class NameAsTextClient extends pg.Client {
  // @ts-expect-error pg's overloads cannot be forwarded one by one: both the promise and the
  // callback forms (pg-pool uses the latter) get the patched result.
  override query(...args: unknown[]) {
    const patch = (result: pg.QueryResult | undefined) => {
      for (const field of result?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
      return result;
    };
    const last = args[args.length - 1];
    const run = super.query as (...a: unknown[]) => unknown;
    if (typeof last === "function") {
      return run.apply(this, [...args.slice(0, -1), (err: Error | null, result?: pg.QueryResult) => last(err, patch(result))]);
    }
    const out = run.apply(this, args);
    return out instanceof Promise ? out.then(patch) : out;
  }
}

/** The driver adapter for `prisma migrate deploy` on PostgreSQL (prisma.config.ts). */
export function postgresMigrationAdapter(connectionString: string) {
  return new PrismaPg({ connectionString, Client: NameAsTextClient } as pg.PoolConfig);
}

/** The driver adapter the server queries through. */
export function postgresAdapter(connectionString: string, max = 10) {
  return new PrismaPg({ connectionString, max });
}
