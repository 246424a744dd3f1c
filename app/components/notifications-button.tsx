"use client";

import { useState } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import { notificationPermission, type NotificationPermissionState } from "@/app/lib/notifications-browser";
import { subscribeToPush } from "@/app/lib/web-push-browser";

/**
 * Asks for permission to notify, from a button, never on page load. Denied: unread counts
 * still show here, and the hint says how to change it.
 */
export function NotificationsButton() {
  const conn = useConnection();
  const [permission, setPermission] = useState<NotificationPermissionState>(() => notificationPermission());
  const enable = async () => {
    const answer = await Notification.requestPermission();
    setPermission(answer);
    if (answer === "granted" && conn) await subscribeToPush(conn.transport).catch(() => undefined);
  };
  if (permission === "unsupported" || permission === "granted") return null;
  if (permission === "denied") {
    return (
      <p className="px-3 pb-2 text-xs text-muted">
        Notifications are blocked for this site. Unread counts still show here; allow notifications in the browser&apos;s site settings to get them.
      </p>
    );
  }
  return (
    <div className="px-3 pb-2">
      <button
        type="button"
        onClick={() => void enable()}
        className="w-full rounded-md border border-zinc-300 px-2 py-1.5 text-xs font-medium text-zinc-700 hover:bg-zinc-200/60 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        Enable notifications
      </button>
    </div>
  );
}
