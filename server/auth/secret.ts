import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The secret that signs session cookies: BETTER_AUTH_SECRET when set; otherwise one made
 * at first start and kept beside the SQLite file (mode 0600), so a fresh install needs no
 * configuration and sessions survive restarts. On PostgreSQL (several nodes, which must all
 * sign alike) it has to be set.
 */
export function loadOrCreateAuthSecret(databaseUrl: string, fromEnv?: string): string {
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("BETTER_AUTH_SECRET must be at least 32 characters");
    return fromEnv;
  }
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("Set BETTER_AUTH_SECRET (32 characters or more, the same on every node) when DATABASE_URL is PostgreSQL");
  }
  const file = databaseUrl.slice("file:".length);
  if (file === ":memory:") return randomBytes(32).toString("base64url");
  const secretFile = path.join(path.dirname(file), "auth-secret");
  let kept: string | undefined;
  try {
    kept = fs.readFileSync(secretFile, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return fs.readFileSync(secretFile, "utf8").trim();
  }
  // An empty or truncated file would sign every session with a guessable key.
  if (kept.length < 32) throw new Error(`${secretFile} holds no usable secret (32 characters or more): delete it to have one made, or set BETTER_AUTH_SECRET`);
  return kept;
}
