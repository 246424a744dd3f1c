/**
 * Test-only diagnostics (a Vitest setup file): a Redis command that fails records its name
 * and where it was sent from on the error (`error.commands`). A rejection nobody handled
 * then says, in Vitest's "Serialized Error", which command it was: the socket error that
 * node-redis passes to every command in flight (`read ECONNRESET`) names none by itself.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const clientModule = require("@redis/client/dist/lib/client/index.js") as { default: { prototype: Record<string, unknown> } };
const prototype = clientModule.default.prototype;
const sendCommand = prototype.sendCommand as (this: unknown, args: unknown[], options: unknown) => Promise<unknown>;

prototype.sendCommand = function (this: unknown, args: unknown[], options: unknown) {
  const sentFrom = new Error("sent from").stack?.split("\n").slice(2, 8).map((l) => l.trim()).join(" < ");
  return sendCommand.call(this, args, options).catch((err: unknown) => {
    if (err && typeof err === "object") {
      const record = err as { commands?: string[] };
      try {
        (record.commands ??= []).push(`${String(args[0])} from ${sentFrom}`);
      } catch {
        // a frozen error keeps its own message
      }
    }
    throw err;
  });
};
