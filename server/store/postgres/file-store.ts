import { Readable } from "node:stream";
import type pg from "pg";
import type { ByteRange, FileStore } from "../ports";
import { openPool } from "./pool";

/** Bytes per stored chunk: one row, one round trip, at most this much in memory per read or write. */
export const CHUNK_BYTES = 256 * 1024;

const utc = (d: Date) => d.toISOString().replace("Z", "");

/**
 * File bytes in PostgreSQL (several nodes share no disk, and need no other service): a
 * `FileBlob` row per key and its bytes in `FileChunk` rows of 256 KiB. A write is one
 * transaction on a connection of this store's small pool, inserting each chunk as it arrives
 * (the source waits for each insert: never more than a chunk in memory), so an upload cut
 * off halfway leaves nothing. A read fetches one chunk per query, as the reader asks for it.
 */
export class PostgresFileStore implements FileStore {
  private readonly pool: pg.Pool;

  constructor(connectionString: string, poolSize = 4) {
    this.pool = openPool(connectionString, poolSize);
  }

  async write(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      await client.query(`DELETE FROM "FileBlob" WHERE "key" = $1`, [key]);
      await client.query(`INSERT INTO "FileBlob" ("key", "size", "createdAt") VALUES ($1, 0, $2::timestamp(3))`, [key, utc(new Date())]);
      let n = 0;
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean) => {
        while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending);
          const chunk = joined.subarray(0, CHUNK_BYTES);
          const rest = joined.subarray(chunk.length);
          await client.query(`INSERT INTO "FileChunk" ("key", "n", "data") VALUES ($1, $2, $3)`, [key, n++, chunk]);
          pending = rest.length > 0 ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
        }
      };
      for await (const piece of source) {
        size += piece.length;
        pending.push(Buffer.from(piece));
        pendingBytes += piece.length;
        if (pendingBytes >= CHUNK_BYTES) await flush(false);
      }
      await flush(true);
      await client.query(`UPDATE "FileBlob" SET "size" = $2 WHERE "key" = $1`, [key, size]);
      await client.query("COMMIT");
      return size;
    } catch (err) {
      await client.query("ROLLBACK").catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async size(key: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ size: number }>(`SELECT "size" FROM "FileBlob" WHERE "key" = $1`, [key]);
    return rows[0]?.size ?? null;
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    const size = await this.size(key);
    if (size === null) return null;
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const pool = this.pool;
    async function* chunks() {
      if (end < start) return;
      for (let n = Math.floor(start / CHUNK_BYTES); n <= Math.floor(end / CHUNK_BYTES); n++) {
        const { rows } = await pool.query<{ data: Buffer }>(`SELECT "data" FROM "FileChunk" WHERE "key" = $1 AND "n" = $2`, [key, n]);
        const data = rows[0]?.data;
        if (!data) throw new Error(`file ${key} lost its chunk ${n}`);
        const from = n * CHUNK_BYTES;
        yield data.subarray(Math.max(0, start - from), Math.min(data.length, end - from + 1));
      }
    }
    return Readable.from(chunks());
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.pool.query(`DELETE FROM "FileBlob" WHERE "key" = ANY($1::text[])`, [[...keys]]);
  }

  async keysBefore(before: Date, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ key: string }>(`SELECT "key" FROM "FileBlob" WHERE "createdAt" < $1::timestamp(3) LIMIT $2`, [utc(before), limit]);
    return rows.map((r) => r.key);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
