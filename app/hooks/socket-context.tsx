"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { ConnectionStatus } from "@/app/lib/connection-status";
import { PresenceStore } from "@/app/lib/presence-store";
import { createSocket, type ParleyClientSocket } from "@/app/lib/socket";
import { TypingStore } from "@/app/lib/typing-store";
import { useSession } from "./session-context";

export interface Connection {
  socket: ParleyClientSocket;
  status: ConnectionStatus;
  presence: PresenceStore;
  typing: TypingStore;
}

const SocketContext = createContext<Connection | null>(null);

/**
 * Opens this tab's one socket while the user is signed in, and the stores that listen to
 * it once for everybody. Closing the session (or the tab) closes the socket.
 */
export function SocketProvider({ children }: { children: ReactNode }) {
  const { session, sessionEnded } = useSession();
  const userId = session.status === "signed-in" ? session.user.id : null;
  const [connection, setConnection] = useState<Connection | null>(null);

  useEffect(() => {
    if (!userId) return;
    const socket = createSocket();
    const conn: Connection = {
      socket,
      status: new ConnectionStatus(socket, window),
      presence: new PresenceStore(socket),
      typing: new TypingStore(socket, userId),
    };
    socket.on("connect_error", (err) => {
      const data = (err as Error & { data?: { code?: string; message?: string } }).data;
      if (data?.code === "unauthorized") sessionEnded(data.message ?? "Your session has ended.");
    });
    socket.on("disconnect", (reason) => {
      // The server closed this session's sockets (signed out in another tab).
      if (reason === "io server disconnect") sessionEnded("You were signed out.");
    });
    setConnection(conn);
    return () => {
      conn.status.close();
      conn.presence.close();
      conn.typing.close();
      socket.close();
      setConnection(null);
    };
  }, [userId, sessionEnded]);

  return <SocketContext.Provider value={connection}>{children}</SocketContext.Provider>;
}

/** The tab's connection, or null before it exists (signed out, first render). */
export function useConnection(): Connection | null {
  return useContext(SocketContext);
}
