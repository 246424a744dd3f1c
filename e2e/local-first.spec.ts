import { request as httpRequest } from "@playwright/test";
import { expect, signedIn, test, uniqueName } from "./fixtures";
import { deviceState, openableOffline } from "./device";
import { GateProxy } from "./gate-proxy";
import { ChatPage } from "./pages/chat-page";
import { ServerProcess } from "./server-process";

/**
 * Local-first (issue 30): Parley opens from the device (its service worker keeps the app,
 * IndexedDB keeps the rooms), takes writes with no server, and sends them once when the
 * server is back; signing out leaves nothing behind. Each test runs its own server, stopped
 * for real (not only the browser set offline).
 */
test.describe("local-first", () => {
  // Two browsers, a server started (about 9 s here under load) and restarted, and the
  // page's reconnection backoff (up to 10 s, ±50 %): about a minute on a loaded two-core machine.
  test.describe.configure({ timeout: 150_000 });
  let server: ServerProcess;
  test.beforeEach(async ({}, testInfo) => {
    server = new ServerProcess(3400 + testInfo.workerIndex);
    await server.start();
  });
  test.afterEach(async () => {
    await server.dispose();
  });

  async function privateRoom(ada: ChatPage, name: string): Promise<string> {
    await ada.page.getByRole("textbox", { name: "New room name" }).fill(name);
    await ada.page.getByRole("checkbox", { name: /Private room/ }).check();
    await ada.page.getByRole("button", { name: "Create room" }).click();
    await expect(ada.page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(ada.log).toHaveAttribute("aria-busy", "false");
    return new URL(ada.page.url()).pathname;
  }

  test("with the server stopped, a reload shows the room from the device; a message and an edit wait, then arrive once", async ({ browser }) => {
    const ada = await signedIn(browser, uniqueName("Ada"), server.url);
    const bob = await signedIn(browser, uniqueName("Bob"), server.url);
    const roomName = uniqueName("Tunnel");
    const path = await ada.createRoom(roomName);
    await bob.openRoom(path);
    for (const t of ["first words", "second words"]) {
      await ada.send(t);
      await expect(ada.message(t)).toHaveAttribute("data-status", "sent");
    }
    await openableOffline(ada.page, path, ["first words", "second words"]);

    expect(await server.stop("SIGKILL")).toBeNull();
    await ada.page.reload();
    // The room, from the device: its heading, its messages, and the connection as it is.
    await expect(ada.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    await expect(ada.message("first words")).toBeVisible();
    await expect(ada.message("second words")).toBeVisible();
    await expect(ada.connection).toContainText("Offline");
    // The directory lists the stored room, offline too.
    await expect(ada.roomsNav.getByRole("link", { name: roomName })).toBeVisible();

    await ada.send("written with the server down");
    await ada.edit("first words", "first words, edited offline");
    await expect(ada.message("written with the server down")).toHaveAttribute("data-status", "pending");
    await expect(ada.message("first words, edited offline")).toHaveAttribute("data-changing", "true");
    // The outbox keeps them across another reload with no server.
    await ada.page.reload();
    await expect(ada.message("written with the server down")).toHaveAttribute("data-status", "pending");
    await expect(ada.message("first words, edited offline")).toHaveAttribute("data-changing", "true");

    await server.start();
    await expect(ada.connection).toHaveText("Connected", { timeout: 20_000 });
    await expect(ada.message("written with the server down")).toHaveAttribute("data-status", "sent", { timeout: 15_000 });
    await expect(ada.message("first words, edited offline")).not.toHaveAttribute("data-changing", "true");
    // Bob, whose page reconnects by itself, sees each once; and so does a fresh load.
    await expect(bob.connection).toHaveText("Connected", { timeout: 20_000 });
    await expect(bob.message("written with the server down")).toHaveCount(1);
    await expect(bob.message("first words, edited offline")).toContainText("(edited)");
    await bob.page.reload();
    await expect(bob.log).toHaveAttribute("aria-busy", "false");
    await expect(bob.messages).toHaveCount(3);
    await expect(bob.message("written with the server down")).toHaveCount(1);
    await expect(bob.message("first words, edited offline")).toHaveCount(1);
    await ada.page.context().close();
    await bob.page.context().close();
  });

  test("a warm open paints the stored room before the server answers anything, then catches up once", async ({ browser }, testInfo) => {
    const gate = new GateProxy(server.port);
    await gate.start(3500 + testInfo.workerIndex);
    try {
      const ada = await signedIn(browser, uniqueName("Ada"), gate.url);
      const bob = await signedIn(browser, uniqueName("Bob"), server.url);
      const roomName = uniqueName("Porch");
      const path = await ada.createRoom(roomName);
      await bob.openRoom(path);
      await bob.send("bob was here");
      for (const t of ["one", "two", "three"]) {
        await ada.send(t);
        await expect(ada.message(t)).toHaveAttribute("data-status", "sent");
      }
      await openableOffline(ada.page, path, ["bob was here", "one", "two", "three"]);

      // From now on the server answers Ada nothing; meanwhile Bob edits and writes.
      gate.hold();
      await bob.edit("bob was here", "bob was here, and edited it");
      await expect(bob.message("and edited it")).not.toHaveAttribute("data-changing", "true");
      await bob.send("written while Ada was away");
      await expect(bob.message("written while Ada was away")).toHaveAttribute("data-status", "sent");

      await ada.page.reload();
      await expect(ada.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
      for (const t of ["bob was here", "one", "two", "three"]) await expect(ada.message(t)).toBeVisible();
      await expect(ada.connection).not.toHaveText("Connected");
      expect(gate.waiting, "the page asked the server and is waiting for it").toBeGreaterThan(0);

      gate.release();
      await expect(ada.connection).toHaveText("Connected", { timeout: 20_000 });
      await expect(ada.message("written while Ada was away")).toHaveCount(1);
      await expect(ada.message("bob was here, and edited it")).toContainText("(edited)");
      await expect(ada.messages).toHaveCount(5);
      await ada.page.context().close();
      await bob.page.context().close();
    } finally {
      await gate.close();
    }
  });

  test("signing out leaves nothing on the device; the next person sees nothing of the previous one's", async ({ browser }) => {
    const ada = await signedIn(browser, uniqueName("Ada"), server.url);
    const roomName = uniqueName("Diary");
    const path = await privateRoom(ada, roomName);
    await ada.send("the secret is marmalade");
    await expect(ada.message("marmalade")).toHaveAttribute("data-status", "sent");
    await openableOffline(ada.page, path, ["the secret is marmalade"]);
    // Something typed and not sent is kept on the device too, until she signs out.
    await ada.composer.fill("and the draft says quince");
    await expect.poll(async () => (await deviceState(ada.page)).drafts.map((d) => d.text)).toEqual(["and the draft says quince"]);
    const adaId = (await deviceState(ada.page)).identity;
    expect(adaId).not.toBeNull();

    await ada.page.getByRole("button", { name: "Sign out" }).click();
    await expect(ada.page.getByRole("button", { name: "Continue as guest" })).toBeVisible();
    const after = await deviceState(ada.page);
    expect(after.identity).toBeNull();
    expect(after.rooms).toEqual([]);
    expect(after.directories).toEqual([]);
    expect(after.drafts).toEqual([]);
    expect(after.outbox).toEqual([]);
    expect(after.pages).toEqual([]);
    expect(after.everything).not.toContain("marmalade");
    expect(after.everything).not.toContain("quince");
    expect(after.everything).not.toContain(adaId);

    // Offline, a reload of the room shows nothing of hers.
    expect(await server.stop("SIGKILL")).toBeNull();
    await ada.page.goto(path).catch(() => undefined);
    await expect(ada.page.getByRole("heading", { level: 1 })).toHaveText("You are offline");
    await expect(ada.page.getByText("marmalade")).toHaveCount(0);

    // Someone else signs in on this browser: nothing of Ada's.
    await server.start();
    await ada.page.goto("/");
    await ada.signIn(uniqueName("Cleo"));
    await ada.roomsNav.waitFor();
    await expect(ada.roomsNav.getByRole("link", { name: roomName })).toHaveCount(0);
    await ada.page.goto(path);
    await expect(ada.page.getByRole("heading", { level: 1, name: "Room not found" })).toBeVisible();
    const cleo = await deviceState(ada.page);
    expect(cleo.identity).not.toBe(adaId);
    expect(cleo.everything).not.toContain("marmalade");
    expect(cleo.everything).not.toContain(adaId);
    await ada.page.context().close();
  });

  test("a draft stays on the device: typed, not sent, it is back after a reload with the server stopped, and gone once sent", async ({ browser }) => {
    const ada = await signedIn(browser, uniqueName("Ada"), server.url);
    const path = await ada.createRoom(uniqueName("Drafts"));
    await ada.send("a first message");
    await openableOffline(ada.page, path, ["a first message"]);
    await ada.composer.fill("half of a plan,\nstill thinking");
    await expect.poll(async () => (await deviceState(ada.page)).drafts.map((d) => d.text)).toEqual(["half of a plan,\nstill thinking"]);

    expect(await server.stop("SIGKILL")).toBeNull();
    await ada.page.reload();
    await expect(ada.message("a first message")).toBeVisible();
    await expect(ada.composer).toHaveValue("half of a plan,\nstill thinking");

    await server.start();
    await expect(ada.connection).toHaveText("Connected", { timeout: 30_000 });
    await ada.composer.press("Enter");
    await expect(ada.message("still thinking")).toHaveAttribute("data-status", "sent");
    await expect(ada.composer).toHaveValue("");
    await expect.poll(async () => (await deviceState(ada.page)).drafts).toEqual([]);
    await ada.page.reload();
    await expect(ada.message("still thinking")).toBeVisible();
    await expect(ada.composer).toHaveValue("");
    await ada.page.context().close();
  });

  test("removed from a private room while away: its stored history leaves the device at the next sync", async ({ browser }) => {
    const ada = await signedIn(browser, uniqueName("Ada"), server.url);
    const bob = await signedIn(browser, uniqueName("Bob"), server.url);
    const roomName = uniqueName("Cellar");
    const path = await privateRoom(ada, roomName);
    await ada.page.getByRole("button", { name: "Create invite link" }).click();
    const link = await ada.page.getByRole("textbox", { name: "Invite link" }).inputValue();
    await bob.page.goto(link);
    await expect(bob.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    await ada.send("members only: the cellar key");
    await expect(bob.message("the cellar key")).toBeVisible();
    await openableOffline(bob.page, path, ["members only: the cellar key"]);

    // Bob goes back to the directory and off the network; Ada removes him meanwhile.
    await bob.page.goto("/");
    await bob.page.context().setOffline(true);
    await expect(bob.connection).toHaveText("Offline");
    await ada.page.getByRole("button", { name: /^Remove / }).click();
    await expect(ada.onlineNames()).toHaveCount(1);

    await bob.page.context().setOffline(false);
    await expect(bob.connection).toHaveText("Connected", { timeout: 20_000 });
    await expect
      .poll(async () => {
        const state = await deviceState(bob.page);
        return { rooms: state.rooms.map((r) => r.slug), secret: state.everything.includes("cellar key") };
      })
      .toEqual({ rooms: [], secret: false });
    await expect(bob.roomsNav.getByRole("link", { name: roomName })).toHaveCount(0);
    await ada.page.context().close();
    await bob.page.context().close();
  });

  test("a new version's worker waits: the open tab keeps working and offers \"Reload to update\", and reloads only when asked", async ({ browser }) => {
    server.env.PARLEY_SW_REVISION = "first";
    await server.stop("SIGTERM");
    await server.start();
    const ada = await signedIn(browser, uniqueName("Ada"), server.url);
    const path = await ada.createRoom(uniqueName("Release"));
    await ada.send("before the deploy");
    await openableOffline(ada.page, path, ["before the deploy"]);
    const update = ada.page.getByRole("button", { name: "Reload to update" });
    await expect(update).toHaveCount(0);

    // A deploy: the server restarts with a different worker. The tab reconnects and finds it.
    server.env.PARLEY_SW_REVISION = "second";
    expect(await server.stop("SIGTERM")).toBe(0);
    await server.start();
    await expect(ada.connection).toHaveText("Connected", { timeout: 20_000 });
    await expect(update).toBeVisible({ timeout: 20_000 });
    // Nothing reloaded by itself: the tab goes on working as it was.
    await ada.send("after the deploy, before reloading");
    await expect(ada.message("after the deploy, before reloading")).toHaveAttribute("data-status", "sent");
    const waiting = () => ada.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null);
    expect(await waiting()).toBe(true);
    const loadedAt = await ada.page.evaluate(() => performance.timeOrigin);

    await update.click();
    await expect.poll(() => ada.page.evaluate(() => performance.timeOrigin).catch(() => loadedAt), { message: "the tab reloaded" }).not.toBe(loadedAt);
    await expect(update).toHaveCount(0);
    await expect(ada.message("after the deploy, before reloading")).toBeVisible();
    await expect.poll(waiting).toBe(false);
    await expect(ada.connection).toHaveText("Connected");
    await ada.page.context().close();
  });

  test("the session ends while offline: what was written waits on the device, and goes out once after signing in again", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server.url });
    const ada = new ChatPage(await context.newPage());
    const username = `ada_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
    await ada.page.goto("/");
    await ada.page.getByRole("textbox", { name: "Username" }).fill(username);
    await ada.page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
    await ada.page.getByRole("button", { name: "Create account" }).click();
    await expect(ada.roomsNav).toBeVisible();
    const path = await ada.createRoom(uniqueName("Expiry"));

    await context.setOffline(true);
    await expect(ada.connection).toHaveText("Offline");
    await ada.send("written as the session ended");
    await expect(ada.message("written as the session ended")).toHaveAttribute("data-status", "pending");
    // Meanwhile the session ends on the server (signed out from elsewhere with the same cookie).
    const elsewhere = await httpRequest.newContext({ baseURL: server.url, storageState: await context.storageState() });
    expect((await elsewhere.delete("/api/session")).ok()).toBe(true);
    await elsewhere.dispose();

    await context.setOffline(false);
    // The server refuses the session: the app asks to sign in again, and keeps what waits.
    await expect(ada.page.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 20_000 });
    await ada.page.getByRole("textbox", { name: "Username" }).fill(username);
    await ada.page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
    await ada.page.getByRole("button", { name: "Sign in" }).click();
    await expect(ada.message("written as the session ended")).toHaveAttribute("data-status", "sent", { timeout: 20_000 });
    await ada.page.goto(path);
    await expect(ada.log).toHaveAttribute("aria-busy", "false");
    await expect(ada.message("written as the session ended")).toHaveCount(1);
    await context.close();
  });
  test("someone else signs in on this browser while a message waits: it is never sent as them, and goes out once as its author after signing in again", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server.url });
    const ada = new ChatPage(await context.newPage());
    const username = `ada_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
    await ada.page.goto("/");
    await ada.page.getByRole("textbox", { name: "Username" }).fill(username);
    await ada.page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
    await ada.page.getByRole("button", { name: "Create account" }).click();
    await expect(ada.roomsNav).toBeVisible();
    const path = await ada.createRoom(uniqueName("Borrowed"));
    const bob = await signedIn(browser, uniqueName("Bob"), server.url);
    await bob.openRoom(path);

    await context.setOffline(true);
    await expect(ada.connection).toHaveText("Offline");
    await ada.send("written by Ada alone");
    await expect(ada.message("written by Ada alone")).toHaveAttribute("data-status", "pending");
    // Meanwhile another person signs in on this browser: the cookie Ada's tab will send is theirs.
    const cy = await httpRequest.newContext({ baseURL: server.url });
    expect((await cy.post("/api/session", { data: { displayName: "Cy Borrower" } })).ok()).toBe(true);
    await context.addCookies((await cy.storageState()).cookies);
    await cy.dispose();

    await context.setOffline(false);
    // Ada's tab is refused (the cookie is Cy's): it asks Ada to sign in again, and keeps her message.
    await expect(ada.page.getByText(/Someone else has signed in on this browser/)).toBeVisible({ timeout: 20_000 });
    await expect(ada.page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await ada.page.getByRole("textbox", { name: "Username" }).fill(username);
    await ada.page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
    await ada.page.getByRole("button", { name: "Sign in" }).click();
    await expect(ada.message("written by Ada alone")).toHaveAttribute("data-status", "sent", { timeout: 20_000 });
    // Bob sees it once, from Ada: had it gone out as Cy, it would be Cy's (acknowledged, so never resent).
    await expect(bob.message("written by Ada alone")).toHaveCount(1);
    await expect(bob.message("written by Ada alone")).toContainText(username);
    await expect(bob.message("written by Ada alone")).not.toContainText("Cy Borrower");
    await context.close();
    await bob.page.context().close();
  });
});
