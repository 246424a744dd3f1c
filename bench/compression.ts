/**
 * permessage-deflate on realistic chat traffic: bytes on the wire, CPU and memory per
 * connection, for the /ws gateway's frames (ws) and Socket.IO's (engine.io), with and
 * without compression. Both ends run in this process, so CPU figures are for server and
 * client together; the ratio between runs is what matters.
 *
 *   npm run bench:compression
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as SocketIoServer } from "socket.io";
import { io as ioClient } from "socket.io-client";
import WebSocket, { WebSocketServer } from "ws";

const MESSAGES = 2000;
const CONNECTIONS = 200;

const WORDS = "the a to and of it is in that you for on this with we was be have are not but can do at so just if what all about my".split(" ");
const names = ["Ada Lovelace", "Grace Hopper", "Alan", "Katherine Johnson", "Linus", "Margaret Hamilton"];
const authors = names.map((name) => ({ id: randomUUID(), name }));
const roomId = randomUUID();

/** Chat-like bodies: mostly short lines, some sentences, a few long ones and links. */
function body(i: number): string {
  const r = (i * 7919) % 100;
  const words = r < 40 ? 1 + (r % 4) : r < 85 ? 6 + (r % 15) : 40 + (r % 40);
  const text = Array.from({ length: words }, (_, k) => WORDS[(i * 31 + k * 17) % WORDS.length]).join(" ");
  return r % 13 === 0 ? `${text} https://example.com/issues/${i}` : text;
}

const frames = Array.from({ length: MESSAGES }, (_, i) =>
  JSON.stringify({
    type: "message",
    message: {
      id: randomUUID(),
      roomId,
      seq: i + 1,
      clientId: randomUUID(),
      author: authors[i % authors.length],
      body: body(i),
      createdAt: new Date(1_795_000_000_000 + i * 1500).toISOString(),
    },
  }),
);
const payloadBytes = frames.reduce((n, f) => n + Buffer.byteLength(f), 0);

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}

function cpuMs(start: NodeJS.CpuUsage) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

type Deflate = false | { threshold: number; noContextTakeover: boolean };
const deflateOptions = (d: Deflate) =>
  d ? { threshold: d.threshold, serverNoContextTakeover: d.noContextTakeover, clientNoContextTakeover: d.noContextTakeover } : false;
const describe = (d: Deflate) =>
  d ? (d.noContextTakeover ? `deflate per message, threshold ${d.threshold} B` : "deflate with context takeover") : "off";

async function wsRun(deflate: Deflate) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: deflateOptions(deflate) });
  const port = await listen(http);
  // Traffic: one connection receives every frame.
  const received = new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: Boolean(deflate) });
    let n = 0;
    ws.on("message", () => {
      if (++n === MESSAGES) resolve((ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead);
    });
  });
  const server = await new Promise<WebSocket>((r) => wss.once("connection", r));
  const cpu = process.cpuUsage();
  for (const f of frames) server.send(f);
  const bytes = await received;
  const cpuTotal = cpuMs(cpu);
  // Memory: CONNECTIONS idle peers, each having exchanged one frame (zlib contexts allocated).
  global.gc?.();
  const before = process.memoryUsage();
  const clients: WebSocket[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const c = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: Boolean(deflate) });
    const first = new Promise((r) => c.once("message", r));
    const s = await new Promise<WebSocket>((r) => wss.once("connection", r));
    s.send(frames[i]!);
    await first;
    clients.push(c);
  }
  global.gc?.();
  const after = process.memoryUsage();
  const perConnection = (after.rss - before.rss) / CONNECTIONS;
  for (const c of clients) c.terminate();
  wss.close();
  http.close();
  return { bytes, cpuTotal, perConnection };
}

async function socketIoRun(deflate: Deflate) {
  const http = createServer();
  const io = new SocketIoServer(http, { perMessageDeflate: deflateOptions(deflate), transports: ["websocket"] });
  const port = await listen(http);
  const client = ioClient(`http://127.0.0.1:${port}`, { transports: ["websocket"], forceNew: true });
  const serverSocket = await new Promise<import("socket.io").Socket>((r) => io.once("connection", r));
  await new Promise((r) => (client.connected ? r(null) : client.once("connect", () => r(null))));
  const parsed = frames.map((f) => JSON.parse(f).message);
  const engineSocket = () => (client.io.engine.transport as unknown as { ws: { _socket: { bytesRead: number } } }).ws._socket;
  const start = engineSocket().bytesRead;
  const received = new Promise<number>((resolve) => {
    let n = 0;
    client.on("message:created" as never, (() => {
      if (++n === MESSAGES) resolve(engineSocket().bytesRead - start);
    }) as never);
  });
  const cpu = process.cpuUsage();
  for (const m of parsed) serverSocket.emit("message:created", m);
  const bytes = await received;
  const cpuTotal = cpuMs(cpu);
  client.close();
  io.close();
  return { bytes, cpuTotal };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`${MESSAGES} chat message frames, ${kb(payloadBytes)} of JSON (${(payloadBytes / MESSAGES).toFixed(0)} B average)\n`);
console.log("| transport | compression | bytes received | of payload | CPU (both ends) | memory per idle connection |");
console.log("| --- | --- | --- | --- | --- | --- |");
// ws applies `threshold` only without context takeover: with it, every frame is compressed.
const configs: Deflate[] = [
  false,
  { threshold: 0, noContextTakeover: false },
  { threshold: 256, noContextTakeover: true },
  { threshold: 1024, noContextTakeover: true },
];
for (const deflate of configs) {
  const r = await wsRun(deflate);
  console.log(`| /ws (ws) | ${describe(deflate)} | ${kb(r.bytes)} | ${((100 * r.bytes) / payloadBytes).toFixed(0)} % | ${r.cpuTotal.toFixed(0)} ms | ${kb(r.perConnection)} |`);
}
for (const deflate of configs) {
  const r = await socketIoRun(deflate);
  console.log(`| Socket.IO | ${describe(deflate)} | ${kb(r.bytes)} | ${((100 * r.bytes) / payloadBytes).toFixed(0)} % | ${r.cpuTotal.toFixed(0)} ms | (as /ws) |`);
}
process.exit(0);
