import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

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

type StatusSource = Pick<ChatTransport, "isConnected" | "onConnect" | "onDisconnect" | "onConnectError" | "onReconnecting">;

/**
 * The connection's state for the UI, from the transport's events and the browser's own
 * online flag: "offline" whenever the browser says so, and whenever an attempt to reach the
 * server failed (the server stopped, the network down behind a working Wi-Fi) until one
 * succeeds; "connecting" and "reconnecting" while the first attempt (after a drop) is under way.
 */
export class ConnectionStatus extends Observable<ConnectionState> {
  private hasConnected = false;
  /** The last attempt to reach the server failed. */
  private unreachable = false;
  private readonly dispose: () => void;

  constructor(transport: StatusSource, env: OnlineSource) {
    super(transport.isConnected() ? "connected" : "connecting");
    const refresh = () => {
      if (!env.navigator.onLine) this.set("offline");
      else if (transport.isConnected()) this.set("connected");
      else if (this.unreachable) this.set("offline");
      else this.set(this.hasConnected ? "reconnecting" : "connecting");
    };
    const stops = [
      transport.onConnect(() => {
        this.hasConnected = true;
        this.unreachable = false;
        refresh();
      }),
      transport.onDisconnect(refresh),
      transport.onConnectError(() => {
        this.unreachable = true;
        refresh();
      }),
      transport.onReconnecting(refresh),
    ];
    env.addEventListener("online", refresh);
    env.addEventListener("offline", refresh);
    refresh();
    this.dispose = () => {
      for (const stop of stops) stop();
      env.removeEventListener("online", refresh);
      env.removeEventListener("offline", refresh);
    };
  }

  close(): void {
    this.dispose();
  }
}
