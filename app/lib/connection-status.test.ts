import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ConnectionStatus } from "./connection-status";

function fakeSocket() {
  const socket = Object.assign(new EventEmitter(), { connected: false, io: new EventEmitter() });
  return socket;
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
    const socket = fakeSocket();
    const status = new ConnectionStatus(socket as never, fakeWindow());
    expect(status.get()).toBe("connecting");
    socket.connected = true;
    socket.emit("connect");
    expect(status.get()).toBe("connected");
    socket.connected = false;
    socket.emit("disconnect");
    expect(status.get()).toBe("reconnecting");
    socket.io.emit("reconnect_attempt");
    expect(status.get()).toBe("reconnecting");
    socket.connected = true;
    socket.emit("connect");
    expect(status.get()).toBe("connected");
  });

  it("says offline whenever the browser is offline, and recovers with it", () => {
    const socket = fakeSocket();
    const win = fakeWindow();
    const status = new ConnectionStatus(socket as never, win);
    socket.connected = true;
    socket.emit("connect");
    win.navigator.onLine = false;
    win.emit("offline");
    expect(status.get()).toBe("offline");
    socket.connected = false;
    socket.emit("disconnect");
    expect(status.get()).toBe("offline");
    win.navigator.onLine = true;
    win.emit("online");
    expect(status.get()).toBe("reconnecting");
  });

  it("stops listening when closed", () => {
    const socket = fakeSocket();
    const status = new ConnectionStatus(socket as never, fakeWindow());
    status.close();
    socket.connected = true;
    socket.emit("connect");
    expect(status.get()).toBe("connecting");
  });
});
