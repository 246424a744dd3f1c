"use client";

import type { ReactNode } from "react";
import { AppUpdates } from "./components/app-updates";
import { SessionProvider } from "./hooks/session-context";
import { SocketProvider } from "./hooks/socket-context";

/**
 * Session first, then the tab's one socket; both outlive navigation between rooms. The
 * service worker (offline, updates) is registered on every page.
 */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <SessionProvider>
      <SocketProvider>
        {children}
        <AppUpdates />
      </SocketProvider>
    </SessionProvider>
  );
}
