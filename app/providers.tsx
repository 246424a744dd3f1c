"use client";

import type { ReactNode } from "react";
import { SessionProvider } from "./hooks/session-context";
import { SocketProvider } from "./hooks/socket-context";

/** Session first, then the tab's one socket; both outlive navigation between rooms. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <SessionProvider>
      <SocketProvider>{children}</SocketProvider>
    </SessionProvider>
  );
}
