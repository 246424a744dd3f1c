import Database from "better-sqlite3";

const open = new Map<string, { sqlite: Database.Database; users: number }>();

/**
 * The better-sqlite3 connection for the reads Parley makes beside Prisma on one SQLite file
 * (message pages, the room and session reads of joins and handshakes): one per file,
 * shared, opened by its first user and closed when the last one releases it. Appends have
 * a connection of their own on the writer thread (writer.worker.mjs).
 */
export function sharedReadConnection(file: string): { sqlite: Database.Database; release(): void } {
  let entry = open.get(file);
  if (!entry) {
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    // Readers in WAL mode do not wait for writers; the rare wait (a checkpoint resetting the
    // WAL) would hold the event loop, so it is kept short.
    sqlite.pragma("busy_timeout = 50");
    entry = { sqlite, users: 0 };
    open.set(file, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    sqlite: held.sqlite,
    release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      held.sqlite.close();
      open.delete(file);
    },
  };
}
