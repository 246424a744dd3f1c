import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { listen, reusePortSupported } from "./listen";

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

const answering = () => http.createServer((_req, res) => res.end("ok"));

async function get(port: number): Promise<string> {
  // A new connection each time (no keep-alive agent): each is accepted by one of the sockets.
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
  return res.text();
}

describe("listening sockets (LISTEN_SOCKETS)", () => {
  it("knows which Node versions have reusePort", () => {
    expect(reusePortSupported("20.20.2")).toBe(false);
    expect(reusePortSupported("22.11.0")).toBe(false);
    expect(reusePortSupported("22.12.0")).toBe(true);
    expect(reusePortSupported("23.0.0")).toBe(false);
    expect(reusePortSupported("23.1.0")).toBe(true);
    expect(reusePortSupported("24.1.0")).toBe(true);
  });

  it("one socket by default: the port is the server's alone", async () => {
    const { log, lines } = recordingLogger();
    const server = answering();
    const extras = await listen(server, { port: 0, host: "127.0.0.1", sockets: 1, log });
    expect(extras).toHaveLength(0);
    const { port } = server.address() as AddressInfo;
    expect(await get(port)).toBe("ok");
    // Another server on the same port fails as it always did.
    const other = http.createServer();
    await expect(new Promise((resolve, reject) => other.once("error", reject).listen(port, "127.0.0.1", () => resolve(undefined)))).rejects.toMatchObject({ code: "EADDRINUSE" });
    server.close();
    expect(lines).toHaveLength(0);
  });

  it.runIf(reusePortSupported())("several sockets share the port (Node 22.12+): every connection reaches the one HTTP server, some through the extra sockets", async () => {
    const { log } = recordingLogger();
    const server = answering();
    const extras = await listen(server, { port: 0, host: "127.0.0.1", sockets: 4, log });
    expect(extras).toHaveLength(3);
    const { port } = server.address() as AddressInfo;
    let throughExtras = 0;
    for (const extra of extras) {
      expect((extra.address() as AddressInfo).port).toBe(port);
      extra.on("connection", () => throughExtras++);
    }
    const answers = await Promise.all(Array.from({ length: 60 }, () => get(port)));
    expect(answers.every((a) => a === "ok")).toBe(true);
    // The kernel spreads connections by their addresses: with 3 of 4 sockets extra, none
    // reaching them in 60 would mean they never accept (a chance of 4^-60).
    expect(throughExtras).toBeGreaterThan(0);
    for (const extra of extras) extra.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it.runIf(!reusePortSupported())("several sockets asked of a Node without reusePort (before 22.12): one socket, and a warning that says why", async () => {
    const { log, lines } = recordingLogger();
    const server = answering();
    const extras = await listen(server, { port: 0, host: "127.0.0.1", sockets: 4, log });
    expect(extras).toHaveLength(0);
    expect(await get((server.address() as AddressInfo).port)).toBe("ok");
    expect(lines).toEqual([expect.objectContaining({ listenSockets: 4, msg: expect.stringContaining("Node 22.12") })]);
    server.close();
  });
});
