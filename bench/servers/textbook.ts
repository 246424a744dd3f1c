/**
 * The textbook server (issue 31): what Parley's stack gives a developer who follows the
 * frameworks' guides. Socket.IO; a message is stored with `await prisma.message.create(...)`
 * (Prisma's generated client on SQLite, WAL on), then `io.to(room).emit(...)` and the
 * acknowledgement: nothing is shown to anyone or acknowledged before it is stored.
 *
 * Its database is Parley's schema (`prisma migrate deploy`, Prisma's client and its
 * better-sqlite3 driver adapter, as Parley's store opens them), less Parley's search index
 * (its triggers and FTS5 table are dropped: the textbook server has no search), with the same
 * durability as Parley and the floor (synchronous=FULL; better-sqlite3's own default in WAL
 * is NORMAL, which may lose the last commits on power loss). A room is a row, made at its
 * first join; one user row stands for every client (the load generator's clients are alike).
 * A seq per room is counted in memory, as the floor counts it. It speaks the bare baseline's
 * protocol (`join`, `send`, `message`), with the shape of Parley's `message:created`.
 * Prints "ready <port>". Env: TEXTBOOK_DB (a fresh file by default).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { Server } from "socket.io";
import { PrismaClient } from "../../generated/prisma/client";
import { migrateDatabase } from "../../server/store/migrate";
import { DROP_SEARCH_INDEX } from "../../server/store/sqlite/search-index.mjs";
import { statsProbe } from "../lib/probe";

const file = process.env.TEXTBOOK_DB ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-textbook-")), "textbook.db");
const url = `file:${file}`;
await migrateDatabase(url);
const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
await prisma.$queryRawUnsafe("PRAGMA synchronous = FULL");
for (const statement of DROP_SEARCH_INDEX) await prisma.$executeRawUnsafe(statement);

const author = await prisma.user.create({ data: { id: randomUUID(), name: "Bench", email: "bench@textbook.invalid" }, select: { id: true, name: true } });

/** Rooms by name: their row id and the next seq. */
const rooms = new Map<string, Promise<{ id: string; seq: number }>>();
const roomFor = (name: string) => {
  let room = rooms.get(name);
  if (!room) {
    room = prisma.room
      .upsert({ where: { slug: name }, create: { id: randomUUID(), slug: name, name, createdById: author.id }, update: {}, select: { id: true } })
      .then(async ({ id }) => ({ id, seq: (await prisma.message.aggregate({ where: { roomId: id }, _max: { seq: true } }))._max.seq ?? 0 }));
    rooms.set(name, room);
  }
  return room;
};

type Ack = (r: unknown) => void;
const probe = statsProbe();
const http = createServer((req, res) => {
  if (!probe(req, res)) res.writeHead(404).end();
});
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("join", async (name: string, ack: Ack) => {
    try {
      await roomFor(name);
      await socket.join(name);
      ack({ ok: true });
    } catch (err) {
      rooms.delete(name); // a failed upsert is tried again at the next join
      ack({ ok: false, error: { code: "internal", message: (err as Error).message } });
    }
  });
  socket.on("send", async (m: { room: string; body: string }, ack: Ack) => {
    try {
      const room = await roomFor(m.room);
      const id = randomUUID();
      const row = await prisma.message.create({
        data: { id, roomId: room.id, seq: ++room.seq, authorId: author.id, clientId: id, body: m.body },
        select: { id: true, seq: true, body: true, createdAt: true },
      });
      const message = { id: row.id, roomId: m.room, seq: row.seq, author, body: row.body, createdAt: row.createdAt.toISOString() };
      io.to(m.room).emit("message", message);
      ack({ ok: true, data: { message } });
    } catch (err) {
      ack({ ok: false, error: { code: "internal", message: (err as Error).message } });
    }
  });
});
http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`ready ${(http.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  void prisma.$disconnect().then(() => process.exit(0));
});
