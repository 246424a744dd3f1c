import { Observable } from "./observable";
import type { ParleyClientSocket } from "./socket";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

interface OnlineSource {
  readonly navigator: { onLine: boolean };
  addEventListener(type: "online" | "offline", listener: () => void): void;
  removeEventListener(type: "online" | "offline", listener: () => void): void;
}

/**
 * The connection's state for the UI, from the socket's events and the browser's own
 * online flag: "offline" whenever the browser says so, whatever the socket thinks.
 */
export class ConnectionStatus extends Observable<ConnectionState> {
  private hasConnected = false;
  private readonly dispose: () => void;

  constructor(socket: ParleyClientSocket, env: OnlineSource) {
    super(socket.connected ? "connected" : "connecting");
    const refresh = () => {
      if (!env.navigator.onLine) this.set("offline");
      else if (socket.connected) this.set("connected");
      else this.set(this.hasConnected ? "reconnecting" : "connecting");
    };
    const onConnect = () => {
      this.hasConnected = true;
      refresh();
    };
    socket.on("connect", onConnect);
    socket.on("disconnect", refresh);
    socket.on("connect_error", refresh);
    socket.io.on("reconnect_attempt", refresh);
    env.addEventListener("online", refresh);
    env.addEventListener("offline", refresh);
    refresh();
    this.dispose = () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", refresh);
      socket.off("connect_error", refresh);
      socket.io.off("reconnect_attempt", refresh);
      env.removeEventListener("online", refresh);
      env.removeEventListener("offline", refresh);
    };
  }

  close(): void {
    this.dispose();
  }
}
