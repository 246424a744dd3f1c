import { expect, test, uniqueName } from "./fixtures";
import type { ChatPage } from "./pages/chat-page";

/** Inputs that once took the whole room down for everyone who opened it (issue: hardening). */
const HOSTILE = ["- ".repeat(1999) + "x", ">".repeat(3999) + "x", "* ".repeat(1000) + "y"];

async function seesTheRoomWhole(who: ChatPage) {
  await expect(who.message("after the storm")).toBeVisible();
  await expect(who.page.getByText("Something went wrong")).toHaveCount(0);
  // The three hostile messages are there, each shown, nested no deeper than the cap.
  const deepest = await who.log.evaluate((log) => {
    let max = 0;
    for (const el of log.querySelectorAll("ul, ol, blockquote")) {
      let depth = 0;
      for (let e: Element | null = el; e && e !== log; e = e.parentElement) if (/^(UL|OL|BLOCKQUOTE)$/.test(e.tagName)) depth++;
      max = Math.max(max, depth);
    }
    return max;
  });
  expect(deepest).toBeGreaterThan(1);
  expect(deepest).toBeLessThanOrEqual(12);
  // Past the cap, the markers are the text that was typed.
  await expect(who.message("- - - x")).toHaveCount(1);
  await expect(who.message(">>>x")).toHaveCount(1);
  await expect(who.message("* * * y")).toHaveCount(1);
}

test.describe("hostile input", () => {
  test("deeply nested Markdown breaks neither the sender's page, a reader's, nor a latecomer's", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const path = await ada.createRoom(uniqueName("Nest"));
    await bob.openRoom(path);

    for (const text of HOSTILE) await ada.send(text);
    await ada.send("after the storm");
    await expect(ada.message("after the storm")).toHaveAttribute("data-status", "sent");
    await seesTheRoomWhole(ada);
    await seesTheRoomWhole(bob);
    await expect(bob.messages).toHaveCount(4);

    const carol = await newUser(uniqueName("Carol"));
    await carol.openRoom(path);
    await seesTheRoomWhole(carol);
    await expect(carol.messages).toHaveCount(4);
    // And after a reload, from history.
    await ada.page.reload();
    await expect(ada.log).toHaveAttribute("aria-busy", "false");
    await seesTheRoomWhole(ada);
  });
});

test("a right-to-left override shows as its code point in the message, its reply quotes and search snippets", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Trojan"));
  await bob.openRoom(path);
  // Shown raw, U+202E would display "invoice \u202Efdp.exe" as "invoice exe.pdf".
  await ada.send("mangosteen invoice \u202Efdp.exe attached");
  const original = bob.message("mangosteen invoice");
  await expect(original.locator("[data-bidi]")).toHaveText("U+202E");

  await bob.act("mangosteen invoice", "Reply");
  const replyBar = bob.page.getByText(/^Replying to/).locator("..");
  await expect(replyBar.locator("[data-bidi]")).toHaveText("U+202E");
  await bob.composer.fill("which invoice?");
  await bob.composer.press("Enter");
  const reply = bob.message("which invoice?");
  await expect(reply).toHaveAttribute("data-status", "sent");
  await expect(reply.getByRole("button", { name: /mangosteen invoice/ }).locator("[data-bidi]")).toHaveText("U+202E");
  await expect(ada.message("which invoice?").getByRole("button", { name: /mangosteen invoice/ }).locator("[data-bidi]")).toHaveText("U+202E");

  await bob.page.keyboard.press("ControlOrMeta+k");
  const box = bob.page.getByRole("searchbox", { name: "Search messages" });
  await box.fill("mangosteen");
  await box.press("Enter");
  const result = bob.page.getByRole("list", { name: "Search results" }).getByRole("listitem").first();
  await expect(result.locator("mark")).toHaveText("mangosteen");
  await expect(result.locator("[data-bidi]")).toHaveText("U+202E");
  await bob.page.screenshot({ path: "test-results/bidi-marks.png" });
});
