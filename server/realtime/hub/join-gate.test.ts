import { describe, expect, it } from "vitest";
import { JOIN_ANSWER_TIMEOUT_MS } from "../../contract/limits";
import { JOIN_MAX_WAIT_MS, JoinGate } from "./join-gate";

/** A join that ends when told to. */
function deferred() {
  let end!: () => void;
  const done = new Promise<void>((resolve) => (end = resolve));
  return { done, end };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("JoinGate", () => {
  it("runs at most `limit` joins at once; the others start in arrival order as joins end", async () => {
    const gate = new JoinGate({ limit: 2, maxWaitMs: 60_000 });
    const started: number[] = [];
    const joins = [0, 1, 2, 3].map(() => deferred());
    const results = joins.map((j, i) =>
      gate.run(
        () => true,
        async () => {
          started.push(i);
          await j.done;
          return i;
        },
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(2);
    joins[1]!.end();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    joins[0]!.end();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    joins[2]!.end();
    joins[3]!.end();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    // Every slot came back: the next join starts at once.
    let ran = false;
    await gate.run(() => true, async () => void (ran = true));
    expect(ran).toBe(true);
  });

  it("a failed join gives its slot back too", async () => {
    const gate = new JoinGate({ limit: 1, maxWaitMs: 60_000 });
    await expect(gate.run(() => true, () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    expect(await gate.run(() => true, async () => "next")).toBe("next");
  });

  it("drops a waiting join whose connection closed, and refuses one that waited too long, without running either", async () => {
    let clock = 0;
    const refused: string[] = [];
    const gate = new JoinGate({ limit: 1, maxWaitMs: 8_000, now: () => clock, onRefused: (reason) => refused.push(reason) });
    const first = deferred();
    const running = gate.run(() => true, () => first.done);
    let open = true;
    const ran: string[] = [];
    const closed = gate.run(() => open, async () => void ran.push("closed"));
    const stale = gate.run(() => true, async () => void ran.push("stale"));
    await tick();
    open = false;
    clock = 8_001;
    const fresh = gate.run(() => true, async () => void ran.push("fresh"));
    expect({ running: gate.running, queued: gate.queued }).toEqual({ running: 1, queued: 3 });
    first.end();
    await running;
    await expect(closed).rejects.toMatchObject({ code: "unavailable" });
    await expect(stale).rejects.toMatchObject({ code: "unavailable", message: expect.stringContaining("busy") });
    // Asked after the clock moved: it waited no time at all, and runs.
    await fresh;
    expect(ran).toEqual(["fresh"]);
    // Each refusal told once, with its reason (the metric's labels); every slot back.
    expect(refused).toEqual(["closed", "waited"]);
    expect({ running: gate.running, queued: gate.queued }).toEqual({ running: 0, queued: 0 });
  });

  it("by default runs a join that waited nearly as long as a client waits for its answer, and refuses it only before the client gives up", async () => {
    expect(JOIN_MAX_WAIT_MS).toBeLessThan(JOIN_ANSWER_TIMEOUT_MS);
    let clock = 0;
    const gate = new JoinGate({ limit: 1, now: () => clock });
    const first = deferred();
    const running = gate.run(() => true, () => first.done);
    const ran: string[] = [];
    const patient = gate.run(() => true, async () => void ran.push("patient"));
    await tick();
    // Far past the 10 s of other requests, within the join's own wait: run, not refused.
    clock = JOIN_MAX_WAIT_MS;
    first.end();
    await running;
    await patient;
    const second = deferred();
    const holding = gate.run(() => true, () => second.done);
    const late = gate.run(() => true, async () => void ran.push("late"));
    await tick();
    clock += JOIN_MAX_WAIT_MS + 1;
    second.end();
    await holding;
    await expect(late).rejects.toMatchObject({ code: "unavailable" });
    expect(ran).toEqual(["patient"]);
  });
});
