/// <reference lib="webworker" />
/**
 * Parley's service worker, built by `scripts/build-sw.mjs` (esbuild, then Serwist's
 * injectManifest) into `public/sw.js`:
 *
 * - **The app shell offline.** Every file of the build (`/_next/static/…`, hashed names) is
 *   precached at install, so a reload or a new tab runs Parley's code with no server.
 * - **Pages.** The documents of `/`, `/r/<room>` and `/settings` are served from this
 *   build's page cache at once and refreshed behind (stale-while-revalidate), so a warm open
 *   never waits for the server; a page is cached only when the server says it is of this
 *   build (`X-Parley-Build`), so a document of a newer deployment never points this worker
 *   at files it does not hold. A page not on the device, offline, gets `/offline.html`.
 *   The pages hold no one's data (the app reads it from the device and the server).
 * - **Updates wait for the user.** A new worker installs beside the running one and waits;
 *   the page offers "Reload to update", which sends `SKIP_WAITING`. A tab left open across a
 *   deploy keeps the files it was built with until then.
 * - **Web Push**: one notification per room (tagged with it, so a later one replaces it);
 *   a push that says `close` withdraws the notification of a deleted message if it is still
 *   the one shown; a click focuses an open Parley tab (or opens one) at the room.
 *
 * Requests to `/api/…`, `/socket.io/…` and everything else go to the network untouched.
 */
import { NetworkOnly, Serwist, StaleWhileRevalidate, type PrecacheEntry, type SerwistPlugin } from "serwist";
import { PAGES_CACHE_PREFIX } from "./lib/pages-cache";

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] | undefined };
/** The Next build this worker belongs to (`.next/BUILD_ID`), set by the build; "dev" in development. */
declare const PARLEY_BUILD: string;

/** Where this build's pages are kept; an older build's page cache is deleted when this one takes over. */
const PAGES_CACHE = `${PAGES_CACHE_PREFIX}${PARLEY_BUILD}`;
const OFFLINE_PAGE = "/offline.html";

const isPage = (url: URL) => url.pathname === "/" || url.pathname === "/settings" || /^\/r\/[^/]+$/.test(url.pathname);

/** Only this build's successful pages are kept. */
const sameBuildOnly: SerwistPlugin = {
  cacheWillUpdate: async ({ response }) => (response.status === 200 && response.headers.get("X-Parley-Build") === PARLEY_BUILD ? response : null),
  // Offline and not on the device: the offline page (precached) rather than the browser's error.
  handlerDidError: async () => (await serwist.matchPrecache(OFFLINE_PAGE)) ?? Response.error(),
};

const development = PARLEY_BUILD === "dev";

const serwist = new Serwist({
  precacheEntries: development ? [] : self.__SW_MANIFEST,
  precacheOptions: { cleanupOutdatedCaches: true },
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: false,
  disableDevLogs: true,
  runtimeCaching: development
    ? []
    : [
        {
          matcher: ({ request, url, sameOrigin }) => sameOrigin && request.mode === "navigate" && isPage(url),
          handler: new StaleWhileRevalidate({ cacheName: PAGES_CACHE, plugins: [sameBuildOnly] }),
        },
        // Also for the page's own `CACHE_URLS` message (its first visit, before this worker controlled it).
        {
          matcher: ({ request, url, sameOrigin }) => sameOrigin && request.destination === "" && request.method === "GET" && isPage(url) && !url.search.includes("_rsc"),
          handler: new StaleWhileRevalidate({ cacheName: PAGES_CACHE, plugins: [sameBuildOnly] }),
        },
        { matcher: ({ request }) => request.mode === "navigate", handler: new NetworkOnly({ plugins: [sameBuildOnly] }) },
      ],
});

// Pages of an older build are dropped once this build's worker takes over.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith(PAGES_CACHE_PREFIX) && n !== PAGES_CACHE).map((n) => caches.delete(n)))),
  );
});

serwist.addEventListeners();

interface PushPayload {
  title?: string;
  body?: string;
  tag?: string;
  icon?: unknown;
  url?: string;
  messageId?: string;
  close?: { tag: string; messageId: string };
}

self.addEventListener("push", (event) => {
  let data: PushPayload = {};
  try {
    data = event.data ? (event.data.json() as PushPayload) : {};
  } catch {
    data = { title: "Parley", body: event.data ? event.data.text() : "" };
  }
  const close = data.close;
  if (close) {
    event.waitUntil(
      self.registration.getNotifications({ tag: close.tag }).then((shown) => {
        for (const n of shown) if ((n.data as { messageId?: string } | null)?.messageId === close.messageId) n.close();
      }),
    );
    return;
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Parley", {
      body: data.body || "",
      tag: data.tag,
      // @ts-expect-error renotify is in Chromium and the spec, not in TypeScript's lib yet
      renotify: Boolean(data.tag),
      // The author's picture: only ever a path on this origin (an absolute URL is not used).
      icon: typeof data.icon === "string" && data.icon.startsWith("/api/files/") ? data.icon : "/icon.svg",
      data: { url: data.url || "/", messageId: data.messageId },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data as { url?: string } | null)?.url || "/";
  const url = new URL(target, self.location.origin);
  // Only ever a page of this origin.
  const href = url.origin === self.location.origin ? url.href : self.location.origin + "/";
  event.waitUntil(
    (async () => {
      const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const tab = tabs.find((c) => new URL(c.url).origin === self.location.origin);
      if (tab) {
        await tab.focus();
        if ("navigate" in tab) await tab.navigate(href);
        return;
      }
      await self.clients.openWindow(href);
    })(),
  );
});
