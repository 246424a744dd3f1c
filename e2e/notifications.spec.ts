import type { Browser, Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/**
 * The Notification API replaced by a recorder: what each tab showed, and the last one shown,
 * to click. Permission starts "default" and is granted when asked.
 */
function recordNotifications() {
  const state = { permission: "default" as NotificationPermission };
  const shown: Array<{ title: string; body?: string; tag?: string }> = [];
  class RecordedNotification {
    static get permission() {
      return state.permission;
    }
    static async requestPermission() {
      state.permission = "granted";
      return state.permission;
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options: { body?: string; tag?: string } = {}) {
      shown.push({ title, body: options.body, tag: options.tag });
      (window as unknown as { __last: RecordedNotification }).__last = this;
    }
    close() {}
  }
  (window as unknown as { __shown: typeof shown }).__shown = shown;
  (window as unknown as { Notification: unknown }).Notification = RecordedNotification;
}

async function personWithNotifications(browser: Browser, name: string) {
  const context = await browser.newContext();
  await context.addInitScript(recordNotifications);
  const chat = new ChatPage(await context.newPage());
  await chat.page.goto("/");
  await chat.signIn(name);
  await chat.roomsNav.waitFor();
  return { context, chat };
}

const shownIn = (page: Page) => page.evaluate(() => (window as unknown as { __shown: Array<{ title: string; body?: string; tag?: string }> }).__shown);

test.describe("notifications", () => {
  test("asked from a button; one notification per mention whatever the number of tabs; a click opens the room at the message", async ({ newUser, browser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bobName = uniqueName("Bob");
    const { context, chat: bob } = await personWithNotifications(browser, bobName);
    try {
      const roomName = uniqueName("Pings");
      const path = await ada.createRoom(roomName);
      await bob.openRoom(path);
      await bob.send("here");
      await expect(ada.message("here")).toBeVisible();

      // Nothing is asked on load: the button asks.
      const enable = bob.page.getByRole("button", { name: "Enable notifications" });
      await enable.click();
      await expect(enable).toHaveCount(0);
      await bob.createRoom(uniqueName("Bob elsewhere"));
      const second = await context.newPage();
      await second.goto("/");
      await expect(second.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: roomName })).toBeVisible();

      // A plain message in a public room (mentions only, by default) notifies nobody; a mention does, once.
      await ada.send("just chatting");
      await ada.composer.fill(`@${bobName.slice(0, 3)}`);
      await ada.page.getByRole("listbox", { name: "Mention suggestions" }).getByRole("option", { name: bobName }).click();
      await ada.composer.pressSequentially("are you there?");
      await ada.composer.press("Enter");
      await expect(ada.message("are you there?")).toHaveAttribute("data-status", "sent");
      await expect.poll(async () => (await shownIn(bob.page)).length + (await shownIn(second)).length, { timeout: 10_000 }).toBe(1);
      const all = [...(await shownIn(bob.page)), ...(await shownIn(second))];
      expect(all[0]).toMatchObject({ title: expect.stringContaining(`in #${roomName}`), body: expect.stringContaining("are you there?") });
      expect(all[0]!.tag).toBeTruthy();
      // Another one later: still one each, never two.
      await ada.composer.fill(`@${bobName.slice(0, 3)}`);
      await ada.composer.press("Enter");
      await ada.composer.pressSequentially("second ping");
      await ada.composer.press("Enter");
      await expect.poll(async () => (await shownIn(bob.page)).length + (await shownIn(second)).length, { timeout: 10_000 }).toBe(2);

      // The click opens the room, at the message.
      const withIt = (await shownIn(bob.page)).length > 0 ? bob.page : second;
      await withIt.evaluate(() => (window as unknown as { __last: { onclick: () => void } }).__last.onclick());
      await expect(withIt.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
      await expect(withIt.getByRole("log", { name: "Messages" }).locator('article[aria-current="true"]')).toContainText("second ping");
    } finally {
      await context.close();
    }
  });
});
