import WebSocket from "ws";

type Frame = Record<string, unknown> & { type: string };

/** A /ws peer for tests: collects frames, answers `request` with the matching ack. */
export class TestBot {
  readonly frames: Frame[] = [];
  private readonly waiters = new Set<{ match(f: Frame): boolean; resolve(f: Frame): void }>();
  private refs = 0;
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const w of this.waiters) {
        if (!w.match(frame)) continue;
        this.waiters.delete(w);
        w.resolve(frame);
      }
    });
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestBot> {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws`, { headers });
    const bot = new TestBot(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return bot;
  }

  /** The next frame matching `match` (including ones already received and not yet taken). */
  next(match: (f: Frame) => boolean, ms = 3000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          this.frames.splice(this.frames.indexOf(f), 1);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching frame within ${ms} ms; have ${JSON.stringify(this.frames)}`));
      }, ms);
      this.waiters.add(waiter);
    });
  }

  send(frame: object | string) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a request with a fresh ref and resolves with its ack. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the ack carries
  async request(frame: Record<string, unknown>): Promise<Frame & { ok: boolean; data?: any; error?: { code: string; message: string } }> {
    const ref = `r${++this.refs}`;
    const answer = this.next((f) => f.type === "ack" && f.ref === ref);
    this.send({ ...frame, ref });
    return answer as never;
  }

  close() {
    this.ws.close();
  }
}
