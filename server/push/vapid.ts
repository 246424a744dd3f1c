import fs from "node:fs";
import path from "node:path";
import webpush from "web-push";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The VAPID key pair that signs Parley's Web Push requests (no third-party relay: the push
 * services only see that the sender holds this key). VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY
 * when set; otherwise a pair made at first start and kept beside the SQLite file (mode
 * 0600), as the auth secret is. On PostgreSQL (several nodes, which must all sign alike) they
 * have to be set.
 */
export function loadOrCreateVapidKeys(databaseUrl: string, env: { publicKey?: string; privateKey?: string } = {}): VapidKeys {
  if (env.publicKey || env.privateKey) {
    if (!env.publicKey || !env.privateKey) throw new Error("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither");
    return { publicKey: env.publicKey, privateKey: env.privateKey };
  }
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("Set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (npx web-push generate-vapid-keys; the same on every node) when DATABASE_URL is PostgreSQL");
  }
  const file = databaseUrl.slice("file:".length);
  if (file === ":memory:") return webpush.generateVAPIDKeys();
  const keyFile = path.join(path.dirname(file), "vapid-keys.json");
  try {
    return JSON.parse(fs.readFileSync(keyFile, "utf8")) as VapidKeys;
  } catch {
    const keys = webpush.generateVAPIDKeys();
    try {
      fs.writeFileSync(keyFile, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: "wx" });
    } catch {
      // Another process wrote it first: theirs is the pair.
    }
    return JSON.parse(fs.readFileSync(keyFile, "utf8")) as VapidKeys;
  }
}
