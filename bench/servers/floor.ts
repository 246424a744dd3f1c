/**
 * The durable floor (issue 31): the least a Socket.IO chat server can do and still keep every
 * message. Join a room; a message is inserted with better-sqlite3 (WAL, synchronous=FULL, one
 * table with a unique index on room and seq, a seq per room) before it is broadcast and
 * acknowledged: nothing is shown to anyone or acknowledged before it is on disk. No auth, no
 * validation, no search index, no read positions. It speaks the bare baseline's protocol
 * (`join`, `send`, `message`), with the shape of Parley's `message:created`.
 *
 * FLOOR_MODE: `group` (the default) inserts the messages that arrived in one turn of the
 * event loop in one transaction (one fsync for all), then broadcasts and acknowledges each;
 * `each` commits every message on its own. The floor is whichever costs less per message.
 * Prints "ready <port>". Env: FLOOR_DB (a fresh file by default).
 */
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Server } from "socket.io";
import { statsProbe } from "../lib/probe";

const mode = process.env.FLOOR_MODE === "each" ? "each" : "group";
const file = process.env.FLOOR_DB ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-floor-")), "floor.db");
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS message (
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS message_room_seq ON message (room, seq);`);
const insert = db.prepare("INSERT INTO message (room, seq, author_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)");
const lastSeq = db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM message WHERE room = ?");

type Message = { id: string; roomId: string; seq: number; author: { id: string; name: string }; body: string; createdAt: string };
type Ack = (r: unknown) => void;

const seqs = new Map<string, number>();
const nextSeq = (room: string) => {
  const seq = (seqs.get(room) ?? (lastSeq.get(room) as { seq: number }).seq) + 1;
  seqs.set(room, seq);
  return seq;
};

const probe = statsProbe();
const http = createServer((req, res) => {
  if (!probe(req, res)) res.writeHead(404).end();
});
const io = new Server(http, { transports: ["websocket"], serveClient: false });

/** Inserts one or more messages in one transaction; returns their rows' ids. */
const store = db.transaction((batch: ReadonlyArray<Omit<Message, "id">>) =>
  batch.map((m) => String(insert.run(m.roomId, m.seq, m.author.id, m.author.name, m.body, m.createdAt).lastInsertRowid)),
);

function deliver(m: Omit<Message, "id">, id: string, ack: Ack) {
  const message: Message = { id, ...m };
  io.to(m.roomId).emit("message", message);
  ack({ ok: true, data: { message } });
}

// `group`: what arrived in this turn of the event loop, committed together at its end.
let pending: Array<{ message: Omit<Message, "id">; ack: Ack }> = [];
function flush() {
  const batch = pending;
  pending = [];
  const ids = store(batch.map((p) => p.message));
  batch.forEach((p, i) => deliver(p.message, ids[i]!, p.ack));
}

io.on("connection", (socket) => {
  const author = { id: socket.id, name: "Bench" };
  socket.on("join", (room: string, ack: Ack) => {
    void socket.join(room);
    ack({ ok: true });
  });
  socket.on("send", (m: { room: string; body: string }, ack: Ack) => {
    const message = { roomId: m.room, seq: nextSeq(m.room), author, body: m.body, createdAt: new Date().toISOString() };
    if (mode === "each") {
      deliver(message, store([message])[0]!, ack);
      return;
    }
    if (pending.length === 0) setImmediate(flush);
    pending.push({ message, ack });
  });
});
http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`ready ${(http.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  db.close();
  process.exit(0);
});
