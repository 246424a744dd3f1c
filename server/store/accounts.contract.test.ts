import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";
import type { StoredPushSubscription } from "./ports";

/** The account ports (sessions, API tokens, Web Push subscriptions) over every store. */
const implementations = await storeImplementations();

const HOUR = 3600_000;

describe.each(implementations)("accounts: %s", (_name, make) => {
  let store: OpenedStore;
  const now = new Date();
  const ada = { id: randomUUID(), name: "Ada", username: "ada_l" };
  const gus = { id: randomUUID(), name: "Gus", guest: true };

  beforeEach(async () => {
    store = await make();
    await store.addUser(ada);
    await store.addUser(gus);
  });

  it("sessions: the handshake finds unexpired sessions by token, with their users; live ones by id", async () => {
    const live = { id: randomUUID(), token: randomUUID(), userId: ada.id, expiresAt: new Date(now.getTime() + HOUR) };
    const expired = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() - 1000) };
    const guest = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() + HOUR) };
    for (const s of [live, expired, guest]) await store.addSession(s);
    // Ada has a profile picture: the handshake reads it with her.
    const avatar = randomUUID();
    await store.repos.files.setAvatar(ada.id, avatar);
    const found = await store.repos.sessions.byTokens([live.token, expired.token, guest.token, "unknown"], now);
    expect(found.sort((a, b) => a.user.name.localeCompare(b.user.name))).toEqual([
      { id: live.id, token: live.token, user: { id: ada.id, name: "Ada", image: avatar, isAnonymous: false, username: "ada_l", displayUsername: "ada_l" } },
      { id: guest.id, token: guest.token, user: { id: gus.id, name: "Gus", image: null, isAnonymous: true, username: null, displayUsername: null } },
    ]);
    expect(await store.repos.sessions.live([live.id, expired.id, "gone"], now)).toEqual(new Set([live.id]));
    expect(await store.repos.sessions.live([], now)).toEqual(new Set());
    expect(await store.repos.sessions.usernameTaken("ada_l")).toBe(true);
    expect(await store.repos.sessions.usernameTaken("nobody")).toBe(false);
  });

  it("sessions: replacing one ends it and moves its push subscriptions to the new one", async () => {
    const old = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() + HOUR) };
    const next = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() + HOUR) };
    for (const s of [old, next]) await store.addSession(s);
    await store.repos.pushSubscriptions.save(subscription(gus.id, old.id, "https://push.example/a"), 10);
    await store.repos.sessions.replace(old.id, next.id);
    expect(await store.repos.sessions.live([old.id, next.id], now)).toEqual(new Set([next.id]));
    expect((await store.repos.pushSubscriptions.forUser(gus.id, now)).map((s) => s.sessionId)).toEqual([next.id]);
  });

  it("a ban: ending every session of a user deletes their push subscriptions; revoking all their tokens leaves others'", async () => {
    const a1 = { id: randomUUID(), token: randomUUID(), userId: ada.id, expiresAt: new Date(now.getTime() + HOUR) };
    const a2 = { id: randomUUID(), token: randomUUID(), userId: ada.id, expiresAt: new Date(now.getTime() + HOUR) };
    const g1 = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() + HOUR) };
    for (const s of [a1, a2, g1]) await store.addSession(s);
    await store.repos.pushSubscriptions.save(subscription(ada.id, a1.id, "https://push.example/ada"), 10);
    await store.repos.pushSubscriptions.save(subscription(gus.id, g1.id, "https://push.example/gus"), 10);
    expect(await store.repos.sessions.endAll(ada.id)).toBe(2);
    expect(await store.repos.sessions.live([a1.id, a2.id, g1.id], now)).toEqual(new Set([g1.id]));
    expect(await store.repos.sessions.byTokens([a1.token, a2.token], now)).toEqual([]);
    expect(await store.repos.pushSubscriptions.byEndpoint("https://push.example/ada")).toBeNull();
    expect((await store.repos.pushSubscriptions.forUser(gus.id, now)).map((s) => s.endpoint)).toEqual(["https://push.example/gus"]);
    expect(await store.repos.sessions.endAll(ada.id)).toBe(0);

    const bob = { id: randomUUID(), name: "Bob", username: "bob_b" };
    await store.addUser(bob);
    const t1 = await store.repos.tokens.create({ id: randomUUID(), userId: ada.id, name: "one", prefix: "prl_111111", tokenHash: "ban-1", createdAt: now });
    await store.repos.tokens.create({ id: randomUUID(), userId: ada.id, name: "two", prefix: "prl_222222", tokenHash: "ban-2", createdAt: now });
    const bobs = await store.repos.tokens.create({ id: randomUUID(), userId: bob.id, name: "bob", prefix: "prl_333333", tokenHash: "ban-3", createdAt: now });
    await store.repos.tokens.revoke(ada.id, t1.id, now);
    expect(await store.repos.tokens.revokeAll(ada.id, now)).toBe(1); // the one still active
    expect(await store.repos.tokens.active(ada.id)).toEqual([]);
    expect(await store.repos.tokens.use("ban-2", now)).toBeNull();
    expect((await store.repos.tokens.active(bob.id)).map((t) => t.id)).toEqual([bobs.id]);
  });

  it("tokens: created for accounts, listed oldest first, used by hash, revoked once", async () => {
    expect(await store.repos.tokens.isGuest(ada.id)).toBe(false);
    expect(await store.repos.tokens.isGuest(gus.id)).toBe(true);
    expect(await store.repos.tokens.isGuest("nobody")).toBeNull();
    const first = await store.repos.tokens.create({ id: randomUUID(), userId: ada.id, name: "bot", prefix: "prl_aaaaaa", tokenHash: "hash-1", createdAt: new Date(now.getTime() - 2000) });
    const second = await store.repos.tokens.create({ id: randomUUID(), userId: ada.id, name: "script", prefix: "prl_bbbbbb", tokenHash: "hash-2", createdAt: new Date(now.getTime() - 1000) });
    expect(first).toEqual({ id: first.id, userId: ada.id, name: "bot", prefix: "prl_aaaaaa", createdAt: new Date(now.getTime() - 2000), lastUsedAt: null });
    await expect(store.repos.tokens.create({ id: randomUUID(), userId: ada.id, name: "again", prefix: "prl_cccccc", tokenHash: "hash-1", createdAt: now })).rejects.toThrow();
    expect((await store.repos.tokens.active(ada.id)).map((t) => t.name)).toEqual(["bot", "script"]);

    expect(await store.repos.tokens.use("hash-1", now)).toEqual({ id: first.id, user: { id: ada.id, name: "Ada" } });
    // A bot carries its owner's profile picture.
    const avatar = randomUUID();
    await store.repos.files.setAvatar(ada.id, avatar);
    expect(await store.repos.tokens.use("hash-1", now)).toEqual({ id: first.id, user: { id: ada.id, name: "Ada", avatar } });
    expect((await store.repos.tokens.active(ada.id))[0]!.lastUsedAt).toEqual(now);
    expect(await store.repos.tokens.use("unknown", now)).toBeNull();

    expect(await store.repos.tokens.revoke(gus.id, first.id, now)).toBe(false); // not theirs
    expect(await store.repos.tokens.revoke(ada.id, first.id, now)).toBe(true);
    expect(await store.repos.tokens.revoke(ada.id, first.id, now)).toBe(false); // once
    expect(await store.repos.tokens.use("hash-1", now)).toBeNull();
    expect((await store.repos.tokens.active(ada.id)).map((t) => t.id)).toEqual([second.id]);
    expect(await store.repos.tokens.stillActive([first.id, second.id, "gone"])).toEqual(new Set([second.id]));
  });

  it("push subscriptions: one per endpoint, the newest few per user, only those of live sessions", async () => {
    const session = { id: randomUUID(), token: randomUUID(), userId: ada.id, expiresAt: new Date(now.getTime() + HOUR) };
    const ended = { id: randomUUID(), token: randomUUID(), userId: ada.id, expiresAt: new Date(now.getTime() - 1000) };
    const gusSession = { id: randomUUID(), token: randomUUID(), userId: gus.id, expiresAt: new Date(now.getTime() + HOUR) };
    for (const s of [session, ended, gusSession]) await store.addSession(s);
    for (let i = 0; i < 4; i++) await store.repos.pushSubscriptions.save(subscription(ada.id, session.id, `https://push.example/${i}`, new Date(now.getTime() - 10_000 + i * 1000)), 3);
    // The oldest of four went: three are kept.
    expect((await store.repos.pushSubscriptions.forUser(ada.id, now)).map((s) => s.endpoint).sort()).toEqual(["https://push.example/1", "https://push.example/2", "https://push.example/3"]);
    expect(await store.repos.pushSubscriptions.byEndpoint("https://push.example/0")).toBeNull();

    // An endpoint that moves to another user moves with its id.
    const before = await store.repos.pushSubscriptions.byEndpoint("https://push.example/3");
    await store.repos.pushSubscriptions.save({ ...subscription(gus.id, gusSession.id, "https://push.example/3"), id: randomUUID() }, 3);
    const after = await store.repos.pushSubscriptions.byEndpoint("https://push.example/3");
    expect(after).toMatchObject({ id: before!.id, userId: gus.id, sessionId: gusSession.id });
    expect((await store.repos.pushSubscriptions.forUser(ada.id, now)).length).toBe(2);

    // A subscription of an expired session is not pushed to.
    await store.repos.pushSubscriptions.save(subscription(ada.id, ended.id, "https://push.example/ended"), 3);
    expect((await store.repos.pushSubscriptions.forUser(ada.id, now)).map((s) => s.endpoint)).not.toContain("https://push.example/ended");

    await store.repos.pushSubscriptions.remove(gus.id, "https://push.example/1"); // not Gus's
    await store.repos.pushSubscriptions.remove(ada.id, "https://push.example/2");
    await store.repos.pushSubscriptions.removeById(after!.id);
    expect((await store.repos.pushSubscriptions.forUser(ada.id, now)).map((s) => s.endpoint)).toEqual(["https://push.example/1"]);
    expect(await store.repos.pushSubscriptions.forUser(gus.id, now)).toEqual([]);
  });
});

function subscription(userId: string, sessionId: string, endpoint: string, createdAt = new Date()): StoredPushSubscription {
  return { id: randomUUID(), userId, sessionId, endpoint, p256dh: "p256dh-key", auth: "auth-key", createdAt };
}
