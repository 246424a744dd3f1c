/**
 * The reference: the least a Socket.IO server can do for a chat. Join a room, broadcast to
 * it, acknowledge; no auth, no validation, no storage. WebSocket transport only, like the
 * load generator's clients. Prints "ready <port>".
 * Env: PING_INTERVAL_MS / PING_TIMEOUT_MS (Socket.IO's heartbeat; its defaults when unset).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { statsProbe } from "../lib/probe";

const probe = statsProbe();
const http = createServer((req, res) => {
  if (!probe(req, res)) res.writeHead(404).end();
});
const heartbeat = {
  ...(process.env.PING_INTERVAL_MS ? { pingInterval: Number(process.env.PING_INTERVAL_MS) } : {}),
  ...(process.env.PING_TIMEOUT_MS ? { pingTimeout: Number(process.env.PING_TIMEOUT_MS) } : {}),
};
const io = new Server(http, { transports: ["websocket"], serveClient: false, ...heartbeat });
let seq = 0;
io.on("connection", (socket) => {
  socket.on("join", (room: string, ack: (r: unknown) => void) => {
    void socket.join(room);
    ack({ ok: true });
  });
  socket.on("send", (m: { room: string; body: string }, ack: (r: unknown) => void) => {
    const message = { id: String(++seq), roomId: m.room, seq, body: m.body, createdAt: new Date().toISOString() };
    io.to(m.room).emit("message", message);
    ack({ ok: true, data: { message } });
  });
});
http.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`ready ${(http.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => process.exit(0));
