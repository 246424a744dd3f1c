"use client";

import type { Serwist } from "@serwist/window";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useConnection } from "@/app/hooks/socket-context";

/**
 * Registers the service worker (app/sw.ts), which makes Parley open with no server, and
 * offers "Reload to update" when a new deployment's worker is waiting: a tab left open
 * across a deploy keeps working with the files it was built with, and reloads only when
 * the user asks. Each page shown is handed to the worker to keep (its first visit came
 * before the worker controlled it; the next pages come by client-side navigation, which
 * the worker does not see), and a reconnection (a server restarted, perhaps with a new
 * version) makes the browser look for a new worker, each tab at a random moment within a
 * few seconds.
 */
const UPDATE_SPREAD_MS = 5_000;

export function AppUpdates() {
  const [serwist, setSerwist] = useState<Serwist | null>(null);
  const [waiting, setWaiting] = useState(false);
  const asked = useRef(false);
  const pathname = usePathname();
  const conn = useConnection();

  useEffect(() => {
    if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
    let stopped = false;
    let stop = () => {};
    const onWaiting = () => setWaiting(true);
    // The new worker took over: this tab reloads if its user asked for it (in another tab, the button stays).
    const onControlling = () => {
      if (asked.current) window.location.reload();
    };
    navigator.serviceWorker.addEventListener("controllerchange", onControlling);
    // Registered once the page is up (its code is not part of the first load).
    void import("@serwist/window").then(({ Serwist }) => {
      if (stopped) return;
      const sw = new Serwist("/sw.js", { scope: "/", type: "classic" });
      sw.addEventListener("waiting", onWaiting);
      stop = () => sw.removeEventListener("waiting", onWaiting);
      return sw
        .register({ immediate: true })
        .then(() => !stopped && setSerwist(sw))
        .catch(() => undefined);
    });
    return () => {
      stopped = true;
      stop();
      navigator.serviceWorker.removeEventListener("controllerchange", onControlling);
    };
  }, []);

  // Every page shown is kept for offline use (app/sw.ts keeps only this build's pages).
  useEffect(() => {
    if (!serwist) return;
    void navigator.serviceWorker.ready.then((registration) =>
      registration.active?.postMessage({ type: "CACHE_URLS", payload: { urlsToCache: [window.location.pathname] } }),
    );
  }, [serwist, pathname]);

  // In touch again with the server (perhaps restarted with a new version): look for a new
  // worker. Registering checked already, so each later connect asks, after a random wait of up
  // to UPDATE_SPREAD_MS: after a restart every open tab reconnects at once, and their checks
  // are spread out (each a conditional request the server answers 304 while nothing changed).
  useEffect(() => {
    if (!serwist || !conn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = conn.transport.onConnect(() => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void serwist.update().catch(() => undefined);
      }, Math.random() * UPDATE_SPREAD_MS);
    });
    return () => {
      stop();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [serwist, conn]);

  if (!waiting) return null;
  return (
    <div
      role="status"
      aria-label="New version"
      className="fixed inset-x-0 bottom-4 z-50 mx-auto flex w-fit max-w-[calc(100vw-2rem)] items-center gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-2 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      <span>A new version of Parley is ready.</span>
      <button
        type="button"
        className="rounded-md bg-accent-600 px-3 py-1 font-medium text-white hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        onClick={() => {
          asked.current = true;
          // The waiting worker takes over, and "controllerchange" reloads this tab. None
          // waiting any more (another tab updated already): reload now.
          void navigator.serviceWorker.getRegistration().then((registration) => {
            if (registration?.waiting) registration.waiting.postMessage({ type: "SKIP_WAITING" });
            else window.location.reload();
          });
        }}
      >
        Reload to update
      </button>
    </div>
  );
}
