import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { constants } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ByteRange, FileStore } from "../ports";

/** A key: a file id (UUID), optionally with a variant (`<id>.thumbnail`). Nothing else reaches the disk. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z]{1,20})?$/;

function checked(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a file key: ${JSON.stringify(key).slice(0, 60)}`);
  return key;
}

/**
 * File bytes on disk, under `root` (FILES_DIR): `<root>/<first two characters>/<key>`. A
 * write goes to `<root>/.partial/` first, is flushed to disk (fsync), then renamed into place,
 * so a key holds a whole file or nothing, whatever happens mid-upload; what a crash leaves in
 * `.partial/` is swept by `keysBefore`'s caller (it is listed there too).
 */
export class DiskFileStore implements FileStore {
  private readonly partial: string;

  constructor(private readonly root: string) {
    this.partial = join(root, ".partial");
  }

  private path(key: string): string {
    const k = checked(key);
    return join(this.root, k.slice(0, 2), k);
  }

  async write(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const target = this.path(key);
    await mkdir(this.partial, { recursive: true });
    const temporary = join(this.partial, `${key}.${randomUUID()}`);
    let written = 0;
    try {
      await pipeline(
        source,
        async function* count(chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            written += chunk.length;
            yield chunk;
          }
        },
        // `flush`: on disk (fsync) before the stream closes, so the rename publishes whole bytes.
        createWriteStream(temporary, { flags: "wx", mode: 0o600, flush: true }),
      );
      await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
      await rename(temporary, target);
      return written;
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  /** A local file copied in (copy_file_range: the kernel moves the bytes), flushed, then renamed into place. */
  async writeFile(key: string, path: string): Promise<number> {
    const target = this.path(key);
    await mkdir(this.partial, { recursive: true });
    const temporary = join(this.partial, `${key}.${randomUUID()}`);
    try {
      await copyFile(path, temporary, constants.COPYFILE_EXCL);
      const handle = await open(temporary, "r+");
      let size: number;
      try {
        await handle.sync();
        size = (await handle.stat()).size;
      } finally {
        await handle.close();
      }
      await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
      await rename(temporary, target);
      return size;
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const handle = await open(this.path(key), "r");
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(this.path(key), { force: true });
  }

  /** Keys last written before `before`; partial writes older than that are removed on the way. */
  async keysBefore(before: Date, limit: number): Promise<string[]> {
    const keys: string[] = [];
    const dirs = await readdir(this.root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return [];
      throw err;
    });
    for (const dir of dirs) {
      if (!dir.isDirectory()) continue;
      const folder = join(this.root, dir.name);
      for (const name of await readdir(folder)) {
        const path = join(folder, name);
        const info = await stat(path).catch(() => null);
        if (!info || info.mtime >= before) continue;
        if (dir.name === ".partial") await rm(path, { force: true });
        else if (KEY.test(name)) keys.push(name);
        if (keys.length >= limit) return keys;
      }
    }
    return keys;
  }
}
