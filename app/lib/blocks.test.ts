import { describe, expect, it } from "vitest";
import { BlockStore } from "./blocks";
import { FakeTransport, settle } from "./testing/fake-transport";

const ada = { id: "ada", name: "Ada" };
const mal = { id: "mal", name: "Mal" };

describe("BlockStore", () => {
  it("reads the list at every connect, follows other tabs' changes, and changes it", async () => {
    const transport = new FakeTransport();
    const store = new BlockStore(transport);
    transport.take("user:blocks").resolve({ ok: true, data: { blocked: [mal] } });
    await settle();
    expect(store.has("mal")).toBe(true);
    transport.emit("blocks:changed", { blocked: [mal, ada] });
    expect(store.get()).toEqual([mal, ada]);
    const change = store.change("mal", false);
    const asked = transport.take("user:block");
    expect(asked.payload).toEqual({ userId: "mal", blocked: false });
    asked.resolve({ ok: true, data: { blocked: [ada] } });
    expect(await change).toBeNull();
    expect(store.has("mal")).toBe(false);
    // Reconnected: the server's list again (changed elsewhere meanwhile).
    transport.disconnect();
    transport.connect();
    transport.take("user:blocks").resolve({ ok: true, data: { blocked: [] } });
    await settle();
    expect(store.get()).toEqual([]);
    store.close();
  });

  it("shows the device's copy until the server answers, never after", async () => {
    const transport = new FakeTransport();
    transport.disconnect();
    const store = new BlockStore(transport);
    store.seed([mal]);
    expect(store.has("mal")).toBe(true);
    transport.connect();
    transport.take("user:blocks").resolve({ ok: true, data: { blocked: [ada] } });
    await settle();
    store.seed([mal]); // a late read of the device: the server's answer stands
    expect(store.get()).toEqual([ada]);
    store.close();
  });

  it("a refused change leaves the list as it was and says why", async () => {
    const transport = new FakeTransport();
    const store = new BlockStore(transport);
    transport.take("user:blocks").resolve({ ok: true, data: { blocked: [] } });
    const change = store.change("me", true);
    transport.take("user:block").resolve({ ok: false, error: { code: "invalid_payload", message: "You cannot block yourself." } });
    expect(await change).toBe("You cannot block yourself.");
    expect(store.get()).toEqual([]);
  });
});
