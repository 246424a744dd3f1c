import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TYPING_TTL_MS } from "@/server/contract/events";
import { FakeTransport } from "./testing/fake-transport";
import { TypingStore } from "./typing-store";

const ada = { id: "ada", name: "Ada" };
const bob = { id: "bob", name: "Bob" };
const me = { id: "me", name: "Me" };

describe("TypingStore", () => {
  let socket: FakeTransport;
  let store: TypingStore;
  beforeEach(() => {
    vi.useFakeTimers();
    socket = new FakeTransport();
    store = new TypingStore(socket, me.id);
  });
  afterEach(() => {
    store.close();
    vi.useRealTimers();
  });

  it("shows a typer until the TTL passes without a repeat", () => {
    socket.emit("typing:changed", { roomId: "r", user: ada, typing: true });
    expect(store.get("r")).toEqual([ada]);
    vi.advanceTimersByTime(TYPING_TTL_MS - 100);
    socket.emit("typing:changed", { roomId: "r", user: ada, typing: true });
    vi.advanceTimersByTime(TYPING_TTL_MS - 100);
    expect(store.get("r")).toEqual([ada]);
    vi.advanceTimersByTime(200);
    expect(store.get("r")).toEqual([]);
  });

  it("ends at once on typing:false and when the typer leaves the room", () => {
    socket.emit("typing:changed", { roomId: "r", user: ada, typing: true });
    socket.emit("typing:changed", { roomId: "r", user: bob, typing: true });
    socket.emit("typing:changed", { roomId: "r", user: ada, typing: false });
    expect(store.get("r")).toEqual([bob]);
    socket.emit("presence:changed", { roomId: "r", online: [me] });
    expect(store.get("r")).toEqual([]);
  });

  it("ignores the user's own other tabs and keeps rooms apart", () => {
    const listener = vi.fn();
    store.subscribe(listener);
    socket.emit("typing:changed", { roomId: "r", user: me, typing: true });
    socket.emit("typing:changed", { roomId: "other", user: ada, typing: true });
    expect(store.get("r")).toEqual([]);
    expect(store.get("other")).toEqual([ada]);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
