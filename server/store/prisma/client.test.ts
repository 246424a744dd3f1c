import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { storeImplementations } from "../contract-stores";

/**
 * Another thread commits to the same SQLite file many times a second (as the message writer
 * does) while the Prisma stores run their read-then-write transactions: none may fail.
 * Seen failing with Prisma's deferred BEGIN (client.ts's ImmediateSQLite taken out): 1,297 of
 * 2,000 upserts refused with SQLITE_BUSY, their snapshot stale at their write.
 */
it("a Prisma transaction that reads, then writes, is not refused while another thread commits to the SQLite file", async () => {
  const sqlite = (await storeImplementations()).find(([name]) => name === "SQLite")?.[1];
  if (!sqlite) throw new Error("no SQLite store");
  const store = await sqlite();
  await store.addUser({ id: "blocker", name: "Blocker" });
  await store.addUser({ id: "blocked", name: "Blocked" });
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const commits = new Int32Array(new SharedArrayBuffer(4));
  const committer = new Worker(
    `const { workerData } = require("node:worker_threads");
     const Database = require(workerData.module);
     const db = new Database(workerData.file);
     db.pragma("busy_timeout = 5000");
     db.exec('CREATE TABLE IF NOT EXISTS "_committer" ("n" INTEGER)');
     const insert = db.prepare('INSERT INTO "_committer" VALUES (1)');
     while (Atomics.load(workerData.stop, 0) === 0) { insert.run(); Atomics.add(workerData.commits, 0, 1); }
     db.close();`,
    { eval: true, workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), file: store.file, stop, commits } },
  );
  const exited = new Promise((resolve, reject) => committer.once("exit", resolve).once("error", reject));
  try {
    while (Atomics.load(commits, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const refused: string[] = [];
    for (let i = 0; i < 100; i++) {
      for (const on of [true, true, false]) {
        await store.repos.rooms.setBlock("blocker", "blocked", on).catch((err: Error) => refused.push(err.message.split("\n").filter(Boolean).pop() ?? ""));
      }
    }
    expect(refused.slice(0, 3)).toEqual([]);
    expect(await store.repos.rooms.blockedEitherWay("blocker", "blocked")).toBe(false);
  } finally {
    Atomics.store(stop, 0, 1);
    await exited;
  }
  // The other thread did commit meanwhile (the test measured something).
  expect(Atomics.load(commits, 0)).toBeGreaterThan(100);
});
