import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBetterAuth } from "../auth/better-auth";
import { freshDatabaseUrl, TEST_AUTH_SECRET } from "../test/harness";
import { openStore, type Store } from "../store/open-store";
import { AuthService, verifiedToken } from "./auth.service";

const sign = (token: string, secret = TEST_AUTH_SECRET) => `${token}.${createHmac("sha256", secret).update(token).digest("base64")}`;

describe("verifiedToken", () => {
  it("returns the token of a value signed with the secret", () => {
    expect(verifiedToken(sign("abc.def"), TEST_AUTH_SECRET)).toBe("abc.def");
  });

  it("refuses a missing value, no signature, a wrong secret, a changed token and characters after the padding", () => {
    const good = sign("token123");
    expect(verifiedToken(undefined, TEST_AUTH_SECRET)).toBeNull();
    expect(verifiedToken("token123", TEST_AUTH_SECRET)).toBeNull();
    expect(verifiedToken(`.${good.split(".")[1]}`, TEST_AUTH_SECRET)).toBeNull();
    expect(verifiedToken(sign("token123", "another secret"), TEST_AUTH_SECRET)).toBeNull();
    expect(verifiedToken(good.replace("token123", "token124"), TEST_AUTH_SECRET)).toBeNull();
    // Base64 decoding would ignore the stray character; the signature is compared as text.
    expect(verifiedToken(good.slice(0, -1) + ":", TEST_AUTH_SECRET)).toBeNull();
    expect(verifiedToken(`${good}=`, TEST_AUTH_SECRET)).toBeNull();
  });
});

describe("AuthService.authenticateHandshake", () => {
  let store: Store | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await store?.close();
    store = undefined;
  });

  /** The session lookups the handshake makes, through the engine's session port. */
  const sessionLookups = () => vi.spyOn(store!.repositories.sessions, "byTokens");

  async function setup() {
    store = await openStore(await freshDatabaseUrl());
    const db = store.db;
    const auth = new AuthService(createBetterAuth(store.authDatabase, { secret: TEST_AUTH_SECRET, baseURL: "http://localhost:3000" }), store.repositories.sessions);
    const guest = async (name: string) => {
      const result = await auth.startGuest(name, new Headers());
      const cookie = result.setCookie.map((c) => c.split(";")[0]!).join("; ");
      return { user: result.user, cookie };
    };
    return { auth, guest, db };
  }

  it("gives the same session as Better Auth's check, for a dozen handshakes at once, in one query", async () => {
    const { auth, guest } = await setup();
    const guests = await Promise.all(Array.from({ length: 12 }, (_, i) => guest(`Guest ${i}`)));
    const viaBetterAuth = await Promise.all(guests.map((g) => auth.authenticate(new Headers({ cookie: g.cookie }))));
    const lookups = sessionLookups();
    const viaHandshake = await Promise.all([...guests.map((g) => auth.authenticateHandshake(g.cookie)), auth.authenticateHandshake("parley.session_token=unknown")]);
    expect(viaHandshake.slice(0, 12)).toEqual(viaBetterAuth);
    expect(viaHandshake.map((s) => s?.user.id ?? null)).toEqual([...guests.map((g) => g.user.id), null]);
    expect(viaHandshake[12]).toBeNull();
    // The unknown cookie fails its signature check and never reaches the database.
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it("an account (not a guest) comes with its username, as Better Auth's own check gives it", async () => {
    const { auth } = await setup();
    const made = await auth.signUp({ username: "Grace_H", password: "correct horse battery", displayName: "Grace" }, new Headers());
    const cookie = made.setCookie.map((c) => c.split(";")[0]!).join("; ");
    const viaHandshake = await auth.authenticateHandshake(cookie);
    expect(viaHandshake).toEqual(await auth.authenticate(new Headers({ cookie })));
    expect(viaHandshake).toMatchObject({ user: { id: made.user.id, name: "Grace" }, account: { guest: false, username: "Grace_H" } });
  });

  it("refuses no cookie, another cookie, a tampered one, an expired session and a deleted one", async () => {
    const { auth, guest, db } = await setup();
    const [ada, bob] = [await guest("Ada"), await guest("Bob")];
    expect(await auth.authenticateHandshake(undefined)).toBeNull();
    expect(await auth.authenticateHandshake("theme=dark")).toBeNull();
    const [name, value] = ada.cookie.split("=") as [string, string];
    const token = decodeURIComponent(value).split(".")[0]!;
    expect(await auth.authenticateHandshake(`${name}=${encodeURIComponent(sign(token, "not the secret"))}`)).toBeNull();
    expect((await auth.authenticateHandshake(ada.cookie))?.user.id).toBe(ada.user.id);

    await db.session.updateMany({ where: { userId: ada.user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await auth.authenticateHandshake(ada.cookie)).toBeNull();
    await db.session.deleteMany({ where: { userId: bob.user.id } });
    expect(await auth.authenticateHandshake(bob.cookie)).toBeNull();
  });

  it("a failed lookup fails every handshake of its batch, and the next batch reads again", async () => {
    const { auth, guest } = await setup();
    const ada = await guest("Ada");
    sessionLookups().mockImplementationOnce(() => {
      throw new Error("database gone");
    });
    await expect(Promise.all([auth.authenticateHandshake(ada.cookie), auth.authenticateHandshake(ada.cookie)])).rejects.toThrow("database gone");
    expect((await auth.authenticateHandshake(ada.cookie))?.user.id).toBe(ada.user.id);
  });
});
