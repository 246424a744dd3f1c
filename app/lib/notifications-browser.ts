import type { ShownNotification } from "./notifier";

/** Whether this browser can show notifications, and what the user said. */
export type NotificationPermissionState = "unsupported" | NotificationPermission;

export function notificationPermission(): NotificationPermissionState {
  return typeof window === "undefined" || !("Notification" in window) ? "unsupported" : Notification.permission;
}

/**
 * Shows a notification through the Notification API; a click focuses this tab and opens the
 * room at the message (`open`).
 */
export function showNotification(n: ShownNotification, open: (roomId: string, seq: number) => void): void {
  if (notificationPermission() !== "granted") return;
  const shown = new Notification(n.title, { body: n.body, tag: n.tag, icon: n.icon ?? "/icon.svg" });
  shown.onclick = () => {
    window.focus();
    open(n.roomId, n.seq);
    shown.close();
  };
}
