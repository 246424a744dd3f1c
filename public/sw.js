// Parley's service worker: Web Push while no tab is open (server/push/mention-pushes.ts sends
// a message to someone whose tabs are all closed). A push is one notification per room
// (tagged with the room, so a later one replaces it); a push that says `close` withdraws the
// notification of a deleted message if it is still the one shown. A click focuses an open
// Parley tab (or opens one) at the room.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Parley", body: event.data ? event.data.text() : "" };
  }
  if (data.close) {
    event.waitUntil(
      self.registration.getNotifications({ tag: data.close.tag }).then((shown) => {
        for (const n of shown) if (n.data && n.data.messageId === data.close.messageId) n.close();
      }),
    );
    return;
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Parley", {
      body: data.body || "",
      tag: data.tag,
      renotify: Boolean(data.tag),
      // The author's picture: only ever a path on this origin (an absolute URL is not used).
      icon: typeof data.icon === "string" && data.icon.startsWith("/api/files/") ? data.icon : "/icon.svg",
      data: { url: data.url || "/", messageId: data.messageId },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const tab = tabs.find((c) => new URL(c.url).origin === self.location.origin);
      if (tab) {
        await tab.focus();
        if ("navigate" in tab) await tab.navigate(url);
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
