import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ConnectionStatus } from "./connection-status";
import { FakeTransport } from "./testing/fake-transport";

function fakeTransport() {
  const transport = new FakeTransport();
  transport.connected = false;
  return transport;
}

function fakeWindow(onLine = true) {
  const win = Object.assign(new EventEmitter(), { navigator: { onLine } });
  return Object.assign(win, {
    addEventListener: (t: string, l: () => void) => win.on(t, l),
    removeEventListener: (t: string, l: () => void) => win.off(t, l),
  });
}

describe("ConnectionStatus", () => {
  it("goes connecting → connected → reconnecting → connected", () => {
    const transport = fakeTransport();
    const status = new ConnectionStatus(transport, fakeWindow());
    expect(status.get()).toBe("connecting");
    transport.connect();
    expect(status.get()).toBe("connected");
    transport.disconnect();
    expect(status.get()).toBe("reconnecting");
    transport.reconnecting();
    expect(status.get()).toBe("reconnecting");
    transport.connect();
    expect(status.get()).toBe("connected");
  });

  it("says offline whenever the browser is offline, and recovers with it", () => {
    const transport = fakeTransport();
    const win = fakeWindow();
    const status = new ConnectionStatus(transport, win);
    transport.connect();
    win.navigator.onLine = false;
    win.emit("offline");
    expect(status.get()).toBe("offline");
    transport.disconnect();
    expect(status.get()).toBe("offline");
    win.navigator.onLine = true;
    win.emit("online");
    expect(status.get()).toBe("reconnecting");
  });

  it("says offline once an attempt to reach the server failed, until one succeeds (the server stopped, the browser online)", () => {
    const transport = fakeTransport();
    const status = new ConnectionStatus(transport, fakeWindow());
    transport.connectError("unavailable");
    expect(status.get()).toBe("offline");
    transport.reconnecting();
    expect(status.get()).toBe("offline");
    transport.connect();
    expect(status.get()).toBe("connected");
    transport.disconnect();
    expect(status.get()).toBe("reconnecting");
    transport.connectError("unavailable");
    expect(status.get()).toBe("offline");
    transport.connect();
    expect(status.get()).toBe("connected");
  });

  it("stops listening when closed", () => {
    const transport = fakeTransport();
    const status = new ConnectionStatus(transport, fakeWindow());
    status.close();
    transport.connect();
    expect(status.get()).toBe("connecting");
  });
});
