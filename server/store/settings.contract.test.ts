/**
 * The settings and idle-guest ports' contract, over every store: settings stored, replaced
 * and removed by key; a guest is idle when created before the cutoff with no session used
 * since (accounts never are), anonymising renames them, forgets their picture and ends
 * their sessions while their messages stay, and an anonymised guest is not found again.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { storeImplementations, type OpenedStore } from "./contract-stores";

const implementations = await storeImplementations();
const DEPARTED = "Departed guest";

describe.each(implementations)("settings and idle guests: %s", (_name, make) => {
  let store: OpenedStore;
  beforeEach(async () => {
    store = await make();
  });

  it("settings: stored, replaced, removed; unknown keys absent", async () => {
    const s = store.repos.settings;
    expect(await s.read(["guestAccess", "guestIdleDays"])).toEqual(new Map());
    await s.write("guestAccess", "read-only");
    await s.write("guestIdleDays", "30");
    await s.write("guestAccess", "off");
    expect(await s.read(["guestAccess", "guestIdleDays", "nothing"])).toEqual(new Map([["guestAccess", "off"], ["guestIdleDays", "30"]]));
    await s.write("guestIdleDays", null);
    expect(await s.read(["guestIdleDays"])).toEqual(new Map());
  });

  it("idle guests: quiet sessions before the cutoff; accounts, recent guests and anonymised ones never", async () => {
    const day = 24 * 3600_000;
    const now = Date.now();
    const cutoff = new Date(now - 30 * day);
    const old = new Date(now - 60 * day);
    const quiet = { id: randomUUID(), name: "Quiet", guest: true, createdAt: old };
    const noSession = { id: randomUUID(), name: "Gone", guest: true, createdAt: old };
    const active = { id: randomUUID(), name: "Active", guest: true, createdAt: old };
    const fresh = { id: randomUUID(), name: "Fresh", guest: true, createdAt: new Date(now - day) };
    const account = { id: randomUUID(), name: "Account", username: `acc_${randomUUID().slice(0, 6)}`, createdAt: old };
    for (const u of [quiet, noSession, active, fresh, account]) await store.addUser(u);
    const session = (userId: string, usedAt: Date) => store.addSession({ id: randomUUID(), token: randomUUID(), userId, expiresAt: new Date(now + day), updatedAt: usedAt });
    await session(quiet.id, new Date(now - 40 * day));
    await session(active.id, new Date(now - 40 * day));
    await session(active.id, new Date(now - day));
    await session(account.id, new Date(now - 40 * day));
    const room = await store.repos.rooms.create({ id: randomUUID(), slug: `plaza-${randomUUID().slice(0, 6)}`, name: "Plaza", createdById: account.id, visibility: "public" });
    const { message } = await store.repos.messages.append({ id: randomUUID(), roomId: room.id, author: quiet, clientId: randomUUID(), body: "hello from long ago" });

    const g = store.repos.guests;
    expect((await g.idle(cutoff, DEPARTED, 10)).sort()).toEqual([quiet.id, noSession.id].sort());
    expect(await g.idle(cutoff, DEPARTED, 1)).toHaveLength(1);
    expect(await g.anonymise(account.id, DEPARTED)).toBe(false);
    expect(await g.anonymise(quiet.id, DEPARTED)).toBe(true);
    expect(await g.anonymise(noSession.id, DEPARTED)).toBe(true);
    expect(await g.idle(cutoff, DEPARTED, 10)).toEqual([]);
    expect(await store.repos.rooms.findPerson(quiet.id)).toMatchObject({ name: DEPARTED, guest: true });
    expect(await store.repos.rooms.findPerson(account.id)).toMatchObject({ name: "Account" });
    // Their sessions ended; their message stays, under the new name.
    expect(await store.repos.sessions.byTokens([randomUUID()], new Date())).toEqual([]);
    expect(await store.repos.sessions.endAll(quiet.id)).toBe(0);
    expect(await store.repos.sessions.endAll(active.id)).toBe(2);
    const [kept] = await store.repos.messages.pageAfter(room.id, 0, 10);
    expect(kept).toMatchObject({ id: message.id, body: "hello from long ago" });
  });
});
