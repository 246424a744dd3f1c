import type { ChatTransport } from "./transport";

/** The VAPID public key as the Push API wants it. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * With notifications allowed: registers the service worker (public/sw.js), subscribes this
 * browser to Web Push with the server's VAPID key, and gives the server the subscription, so
 * that mentions reach the user with every tab closed. Does nothing where the browser cannot
 * (no service workers, no Push API, an insecure origin) or the server has push off.
 * Safe to call at every connect: the same subscription is kept.
 */
export async function subscribeToPush(transport: ChatTransport): Promise<"subscribed" | "unavailable"> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator) || typeof PushManager === "undefined") return "unavailable";
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return "unavailable";
  const key = await transport.request("push:key", {});
  if (!key.ok || !key.data.publicKey) return "unavailable";
  const registration = await navigator.serviceWorker.register("/sw.js");
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription = existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.data.publicKey) }));
  const json = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  const ack = await transport.request("push:subscribe", { endpoint: json.endpoint, keys: json.keys });
  return ack.ok ? "subscribed" : "unavailable";
}
