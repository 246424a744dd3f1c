import { expect, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { expectNoSeriousViolations } from "./axe";

const uniqueUsername = (base: string) => `${base}_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

test("create an account, sign out, sign in again; a wrong password is refused", async ({ page }) => {
  const chat = new ChatPage(page);
  const username = uniqueUsername("ada");
  await page.goto("/");
  await page.getByRole("textbox", { name: "Username" }).fill(username);
  await page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(chat.roomsNav).toBeVisible();
  await expect(page.getByText(`@${username}`)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("textbox", { name: "Username" }).fill(username);
  await page.getByRole("textbox", { name: "Password" }).fill("wrong horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password." })).toBeVisible();

  await page.getByRole("textbox", { name: "Password" }).fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(chat.roomsNav).toBeVisible();
  await expect(page.getByText(`@${username}`)).toBeVisible();
});

test("a guest turns into an account and keeps their name and history", async ({ newUser, browser }) => {
  const name = uniqueName("Guest Ada");
  const ada = await newUser(name);
  const path = await ada.createRoom(uniqueName("Memories"));
  await ada.send("written as a guest");
  await expect(ada.message("written as a guest")).toHaveAttribute("data-status", "sent");

  const username = uniqueUsername("ada");
  await ada.page.getByRole("button", { name: "Create account" }).click();
  await ada.page.getByRole("textbox", { name: "Username" }).fill(username);
  await ada.page.getByRole("textbox", { name: "Password" }).fill("keep my history");
  await ada.page.getByRole("button", { name: "Save account" }).click();
  await expect(ada.page.getByText(`@${username}`)).toBeVisible();

  // Somewhere else, later: sign in, and the message is still Ada's own.
  const context = await browser.newContext();
  const later = new ChatPage(await context.newPage());
  await later.page.goto(path);
  await later.page.getByRole("textbox", { name: "Username" }).fill(username);
  await later.page.getByRole("textbox", { name: "Password" }).fill("keep my history");
  await later.page.getByRole("button", { name: "Sign in" }).click();
  await expect(later.message("written as a guest")).toHaveAttribute("data-status", "sent");
  await expect(later.message("written as a guest")).toContainText(name);
  await context.close();
});

test("a private room: invite link in, outsiders see nothing, the creator can remove a member", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const eve = await newUser(uniqueName("Eve"));
  const roomName = uniqueName("Hideout");

  await ada.page.getByRole("textbox", { name: "New room name" }).fill(roomName);
  await ada.page.getByRole("checkbox", { name: /Private room/ }).check();
  await ada.page.getByRole("button", { name: "Create room" }).click();
  await expect(ada.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
  const path = new URL(ada.page.url()).pathname;

  await ada.page.getByRole("button", { name: "Create invite link" }).click();
  const link = await ada.page.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toContain(`${path}?invite=`);

  // Eve has neither the room in her directory nor a way in by its address.
  await expect(eve.roomsNav.getByRole("link", { name: roomName })).toHaveCount(0);
  await eve.page.goto(path);
  await expect(eve.page.getByRole("heading", { level: 1, name: "Room not found" })).toBeVisible();

  // Bob follows the invite link and is in; the address bar drops the token.
  await bob.page.goto(link);
  await expect(bob.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
  await expect(bob.page).toHaveURL(new RegExp(`${path}$`));
  await ada.send("welcome, Bob");
  await expect(bob.message("welcome, Bob")).toBeVisible();
  await expect(ada.onlineNames()).toHaveCount(2);

  // Ada renames it: both of them see the new name, in the heading and the sidebar.
  const renamed = uniqueName("Den");
  await ada.page.getByRole("textbox", { name: "Room name", exact: true }).fill(renamed);
  await ada.page.getByRole("button", { name: "Rename", exact: true }).click();
  for (const person of [ada, bob]) {
    await expect(person.page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
    await expect(person.roomsNav.getByRole("link", { name: renamed })).toBeVisible();
  }

  // Ada removes Bob: he is out at once.
  await ada.page.getByRole("button", { name: /^Remove / }).click();
  await expect(bob.page.getByRole("heading", { level: 1, name: "No longer a member" })).toBeVisible();
  await expect(ada.onlineNames()).toHaveCount(1);
  await expect(bob.roomsNav.getByRole("link", { name: renamed })).toHaveCount(0);

  // Ada deletes the room (a second click confirms): it is gone from her list, and she is home.
  await ada.page.getByRole("button", { name: "Delete room", exact: true }).click();
  await ada.page.getByRole("button", { name: "Delete for everyone? Click again" }).click();
  await expect(ada.page).toHaveURL(/\/$/);
  await expect(ada.roomsNav.getByRole("link", { name: renamed })).toHaveCount(0);
});

test("API tokens: created on the settings page, shown once, usable at /ws, revocable", async ({ page, baseURL }) => {
  const { default: WebSocket } = await import("ws");
  const connect = (token: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`${baseURL!.replace("http", "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } });
      ws.on("message", (d) => {
        resolve(JSON.parse(d.toString()).type);
        ws.close();
      });
      ws.on("unexpected-response", (_req, res) => resolve(`HTTP ${res.statusCode}`));
      ws.on("error", () => undefined);
    });

  await page.goto("/");
  await page.getByRole("textbox", { name: "Username" }).fill(uniqueUsername("botowner"));
  await page.getByRole("textbox", { name: "Password" }).fill("owner password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();

  await page.getByRole("textbox", { name: "Token name" }).fill("deploy bot");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByRole("textbox", { name: "New token value" }).inputValue();
  expect(token).toMatch(/^prl_[\w-]{40,}$/);
  const listed = page.getByRole("list", { name: "Tokens" }).getByRole("listitem");
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText("deploy bot");
  await expect(listed).toContainText(token.slice(0, 10));
  await expect(listed).not.toContainText(token); // never the whole token in the list

  expect(await connect(token)).toBe("hello");
  await page.reload();
  await expect(page.getByRole("textbox", { name: "New token value" })).toHaveCount(0); // shown once
  await expect(listed).toContainText("last used");

  await page.getByRole("button", { name: "Revoke deploy bot" }).click();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  expect(await connect(token)).toBe("HTTP 401");
});

test("Settings: a new display name shows in the other person's Online list at once; a new password signs in, the old one no longer", async ({ page, newUser }) => {
  const chat = new ChatPage(page);
  const username = uniqueUsername("renamer");
  await page.goto("/");
  await page.getByRole("textbox", { name: "Username" }).fill(username);
  await page.getByRole("textbox", { name: "Password" }).fill("first password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(chat.roomsNav).toBeVisible();
  const path = await chat.createRoom(uniqueName("Renames"));
  const bob = await newUser(uniqueName("Bob"));
  await bob.openRoom(path);
  const online = bob.page.getByRole("list", { name: "Online" });
  await expect(online.getByText(username, { exact: true })).toBeVisible();

  // Ada renames herself in a second tab; her room tab stays connected.
  const settings = await page.context().newPage();
  await settings.goto("/settings");
  const newName = uniqueName("Ada Lovelace");
  await settings.getByRole("textbox", { name: "Display name" }).fill(newName);
  await settings.getByRole("button", { name: "Save name" }).click();
  await expect(settings.getByRole("status").filter({ hasText: "Display name saved." })).toBeVisible();
  await expect(online.getByText(newName, { exact: true })).toBeVisible();
  await expect(online.getByText(username, { exact: true })).toHaveCount(0);
  // Her room tab shows the new name too, without a reload; what she sends next carries it.
  await expect(page.getByRole("complementary").getByText(newName, { exact: true }).first()).toBeVisible();
  await chat.send("my new name");
  await expect(bob.page.getByRole("log", { name: "Messages" }).getByRole("article").filter({ hasText: "my new name" })).toContainText(newName);

  // The password: a wrong current one is refused; the right one changes it.
  await settings.getByRole("textbox", { name: "Current password" }).fill("not my password");
  await settings.getByRole("textbox", { name: /New password/ }).fill("second password");
  await settings.getByRole("button", { name: "Change password" }).click();
  await expect(settings.getByRole("alert").filter({ hasText: "Your current password is not right." })).toBeVisible();
  await settings.getByRole("textbox", { name: "Current password" }).fill("first password");
  await settings.getByRole("button", { name: "Change password" }).click();
  await expect(settings.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();
  await expectNoSeriousViolations(settings, "settings: name and password");
  await settings.close();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("textbox", { name: "Username" }).fill(username);
  await page.getByRole("textbox", { name: "Password" }).fill("first password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password." })).toBeVisible();
  await page.getByRole("textbox", { name: "Password" }).fill("second password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(chat.roomsNav).toBeVisible();
});
