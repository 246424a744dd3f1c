import { expect, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { scriptedGuest } from "./seed";

test.describe("search", () => {
  test("Ctrl+K, a word said 500 messages back: the result names room, author and text, and opens the room there, highlighted", async ({ newUser, baseURL }) => {
    // Seeding 500 messages is most of this test's time on a loaded machine.
    test.setTimeout(120_000);
    const ada = await newUser(uniqueName("Ada"));
    const roomName = uniqueName("Archive");
    const path = await ada.createRoom(roomName);
    // Elsewhere, as one would search: from another room.
    await ada.createRoom(uniqueName("Elsewhere"));
    const writer = uniqueName("Writer");
    const bot = await scriptedGuest(baseURL!, writer);
    const room = await bot.join(path.slice("/r/".length));
    await bot.say(room.id, "the launch code word is periwinkle, keep it safe");
    // One connection's sends are stored in the order they were sent, so they can go 50 at a time.
    for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 50 }, (_, j) => bot.say(room.id, `filler ${i * 50 + j + 1}`)));
    bot.close();
    await ada.page.keyboard.press("ControlOrMeta+k");
    const box = ada.page.getByRole("searchbox", { name: "Search messages" });
    await expect(box).toBeFocused();
    await box.fill("PERIWINKLE");
    await box.press("Enter");
    const results = ada.page.getByRole("list", { name: "Search results" }).getByRole("listitem");
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText(roomName);
    await expect(results.first()).toContainText(writer);
    await expect(results.first()).toContainText("the launch code word is periwinkle, keep it safe");
    await expect(results.first().locator("mark")).toHaveText("periwinkle");
    await ada.page.screenshot({ path: "test-results/search-results.png" });

    await results.first().getByRole("button").click();
    await expect(ada.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    const found = ada.message("periwinkle");
    await expect(found).toHaveAttribute("aria-current", "true");
    await expect(found).toBeInViewport();
    await ada.page.screenshot({ path: "test-results/search-opened.png" });
    // Opened in a window of history around it (its neighbours, not the 500 in between).
    await expect(ada.log.getByText("filler 1", { exact: true })).toBeAttached();
    await expect(ada.log.getByText("filler 400", { exact: true })).toHaveCount(0);
    await ada.page.getByRole("button", { name: "Jump to latest messages" }).click();
    await expect(ada.log.getByText("filler 500", { exact: true })).toBeInViewport();
    await expect(ada.page.getByRole("button", { name: "Jump to latest messages" })).toHaveCount(0);

    // Narrowed: from: someone else finds nothing; in: the room finds it.
    await box.fill('from:"Nobody Here" periwinkle');
    await box.press("Enter");
    await expect(ada.page.getByRole("status").filter({ hasText: "No messages found." })).toBeVisible();
    await box.press("Escape");
    await expect(ada.roomsNav).toBeVisible();
  });

  test("a private room's messages are not found by someone outside it", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const mallory = await newUser(uniqueName("Mallory"));
    await ada.page.getByRole("checkbox", { name: /Private room/ }).check();
    await ada.createRoom(uniqueName("Vault"));
    await ada.send("the combination is zanzibar");
    await expect(ada.message("zanzibar")).toHaveAttribute("data-status", "sent");
    for (const [who, expected] of [[ada, 1], [mallory, 0]] as Array<[ChatPage, number]>) {
      const box = who.page.getByRole("searchbox", { name: "Search messages" });
      await box.fill("zanzibar");
      await box.press("Enter");
      await expect(who.page.getByRole("status").filter({ hasText: expected ? "1 message found" : "No messages found." })).toBeVisible();
      await expect(who.page.getByRole("list", { name: "Search results" }).getByRole("listitem")).toHaveCount(expected);
    }
  });
});
