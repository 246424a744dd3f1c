/**
 * Direct conversations, as two people use them: "Message <name>" from a room's Online list,
 * the first message written offline, the "Direct messages" navigation with unread counts,
 * the heading after the other person, and blocking.
 */
import { expect, test, uniqueName } from "./fixtures";

test.describe("direct messages", () => {
  test("Message <name> from the Online list; a first message written offline arrives once; both lists name the other person", async ({ newUser }) => {
    const adaName = uniqueName("Ada");
    const bobName = uniqueName("Bob");
    const ada = await newUser(adaName);
    const bob = await newUser(bobName);
    const path = await ada.createRoom(uniqueName("Lobby"));
    await bob.openRoom(path);
    await expect(ada.online.getByText(bobName)).toBeVisible();

    await ada.online.getByRole("button", { name: `Message ${bobName}` }).click();
    await expect(ada.page.getByRole("heading", { level: 1, name: bobName })).toBeVisible();
    await expect(ada.log).toHaveAttribute("aria-busy", "false");
    const dmPath = new URL(ada.page.url()).pathname;
    // Opening it created nothing: Bob's list has no conversation yet.
    const bobDirect = bob.page.getByRole("navigation", { name: "Direct messages" });
    await expect(bobDirect.getByRole("link")).toHaveCount(0);

    // Written offline, it waits in the outbox, then goes out once on reconnect.
    await ada.page.context().setOffline(true);
    await expect(ada.connection).toHaveText("Offline");
    await ada.send("just between us");
    await expect(ada.message("just between us")).toHaveAttribute("data-status", "pending");
    await ada.page.context().setOffline(false);
    await expect(ada.connection).toHaveText("Connected", { timeout: 15_000 });
    await expect(ada.message("just between us")).toHaveAttribute("data-status", "sent");

    // Bob's list gains it, named after Ada, with one unread; opening it shows the message once.
    const link = bobDirect.getByRole("link", { name: `${adaName}, 1 unread` });
    await expect(link).toBeVisible();
    await ada.page.screenshot({ path: "test-results/direct-ada.png" });
    await link.click();
    await expect(bob.page.getByRole("heading", { level: 1, name: adaName })).toBeVisible();
    await expect(bob.message("just between us")).toHaveCount(1);
    await expect(bobDirect.getByRole("link", { name: adaName, exact: true })).toHaveAttribute("aria-current", "page");
    await bob.send("got it");
    await expect(ada.message("got it")).toBeVisible();
    await expect(ada.page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: bobName, exact: true })).toBeVisible();
    await bob.page.screenshot({ path: "test-results/direct-bob.png" });

    // After a reload, still one copy each, in order.
    await bob.page.reload();
    await bob.openRoom(dmPath);
    await expect(bob.messages).toHaveCount(2);
    await expect(bob.message("just between us")).toHaveCount(1);
  });

  test("blocking: the blocked person cannot write, and their messages are folded away in rooms", async ({ newUser }) => {
    const adaName = uniqueName("Ada");
    const malName = uniqueName("Mal");
    const ada = await newUser(adaName);
    const mal = await newUser(malName);
    const path = await ada.createRoom(uniqueName("Commons"));
    await mal.openRoom(path);
    await mal.send("buy my stuff");
    await expect(ada.message("buy my stuff")).toBeVisible();

    // Mal opens a conversation with Ada (a draft: nothing is sent yet).
    await mal.online.getByRole("button", { name: `Message ${adaName}` }).click();
    await expect(mal.page.getByRole("heading", { level: 1, name: adaName })).toBeVisible();
    await expect(mal.log).toHaveAttribute("aria-busy", "false");

    // The same address is the same conversation for Ada, named after Mal.
    await ada.openRoom(new URL(mal.page.url()).pathname);
    await expect(ada.page.getByRole("heading", { level: 1, name: malName })).toBeVisible();
    await ada.page.getByRole("button", { name: `Block ${malName}` }).click();
    await ada.page.getByRole("button", { name: `Block ${malName}? Click again` }).click();
    await expect(ada.page.getByRole("button", { name: `Unblock ${malName}` })).toBeVisible();

    // Mal's message is refused, with the reason; reopened, the conversation cannot be opened.
    await mal.send("hello?");
    await expect(mal.message("hello?")).toHaveAttribute("data-status", "failed");
    await expect(mal.message("hello?")).toContainText(`You cannot send direct messages to ${adaName}.`);
    await mal.page.reload();
    await expect(mal.page.getByRole("heading", { level: 1, name: "Cannot open this conversation" })).toBeVisible();
    await expect(mal.page.getByText(`You cannot send direct messages to ${adaName}.`)).toBeVisible();

    // In the room, Mal's messages are folded for Ada, and can be shown on request.
    await ada.openRoom(path);
    await expect(ada.log.getByText("Message from someone you blocked.")).toBeVisible();
    await expect(ada.message("buy my stuff")).toHaveCount(0);
    await ada.log.getByRole("button", { name: "Show" }).click();
    await expect(ada.message("buy my stuff")).toBeVisible();
  });
});
