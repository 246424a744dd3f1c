/**
 * A Parley bot in TypeScript: joins a room, answers "!ping" and "!echo <text>", prints what it hears.
 *
 *   PARLEY_TOKEN=prl_... npx tsx examples/node-bot.ts [ws://localhost:3000/ws] [room-slug]
 */
import { v7 as uuidv7 } from "uuid";
import WebSocket from "ws";

const url = process.argv[2] ?? process.env.PARLEY_WS_URL ?? "ws://localhost:3000/ws";
const room = process.argv[3] ?? process.env.PARLEY_ROOM ?? "general";
const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${process.env.PARLEY_TOKEN}` } });

let me = "";
let roomId = "";
ws.on("message", (raw) => {
  const frame = JSON.parse(raw.toString());
  if (frame.type === "hello") {
    me = frame.user.id;
    console.log(`connected as ${frame.user.name}`);
    ws.send(JSON.stringify({ type: "join", room, ref: "join" }));
  } else if (frame.type === "ack" && frame.ref === "join") {
    if (!frame.ok) throw new Error(`cannot join ${room}: ${frame.error.message}`);
    roomId = frame.data.room.id;
    console.log(`joined #${room}`);
  } else if (frame.type === "message") {
    const { author, body } = frame.message;
    console.log(`${author.name}: ${body}`);
    if (author.id === me) return; // our own answer coming back
    const reply = body.trim() === "!ping" ? "pong" : body.startsWith("!echo ") ? body.slice(6) : null;
    if (reply) ws.send(JSON.stringify({ type: "send", roomId, clientId: uuidv7(), body: reply }));
  } else if (frame.type === "error" || (frame.type === "ack" && !frame.ok)) {
    console.error(`error: ${frame.error.message}`);
  }
});
ws.on("close", (code) => console.log(`closed (${code})`));
