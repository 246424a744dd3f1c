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
 * online flag: "offline" whenever the browser says so, whatever the transport thinks.
 */
export class ConnectionStatus extends Observable<ConnectionState> {
  private hasConnected = false;
  private readonly dispose: () => void;

  constructor(transport: StatusSource, env: OnlineSource) {
    super(transport.isConnected() ? "connected" : "connecting");
    const refresh = () => {
      if (!env.navigator.onLine) this.set("offline");
      else if (transport.isConnected()) this.set("connected");
      else this.set(this.hasConnected ? "reconnecting" : "connecting");
    };
    const stops = [
      transport.onConnect(() => {
        this.hasConnected = true;
        refresh();
      }),
      transport.onDisconnect(refresh),
      transport.onConnectError(refresh),
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
