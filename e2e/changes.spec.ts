/**
 * Conversations people can correct: edit, delete and react in two browsers, through the UI
 * contract (roles and names), online and offline.
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, uniqueName } from "./fixtures";
import { scriptedGuest } from "./seed";

test("edit, react and delete: both people see each change, once", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bobName = uniqueName("Bob");
  const bob = await newUser(bobName);
  const path = await ada.createRoom(uniqueName("Corrections"));
  await bob.openRoom(path);
  await ada.send("helo wrold");
  await expect(bob.message("helo wrold")).toBeVisible();

  // Only the author may edit or delete: Bob's menu offers neither.
  await bob.message("helo wrold").hover();
  await bob.message("helo wrold").getByRole("button", { name: "Message actions" }).click();
  await expect(bob.page.getByRole("menuitem", { name: "Reply" })).toBeVisible();
  await expect(bob.page.getByRole("menuitem", { name: "Add reaction" })).toBeVisible();
  await expect(bob.page.getByRole("menuitem", { name: "Edit" })).toHaveCount(0);
  await expect(bob.page.getByRole("menuitem", { name: "Delete" })).toHaveCount(0);
  await bob.page.keyboard.press("Escape");

  await ada.edit("helo wrold", "hello world");
  for (const chat of [ada, bob]) {
    await expect(chat.message("hello world")).toContainText("(edited)");
    await expect(chat.messages.filter({ hasText: "helo wrold" })).toHaveCount(0);
  }

  await bob.react("hello world", "👍");
  for (const chat of [ada, bob]) await expect(chat.message("hello world").getByRole("button", { name: "👍 1" })).toBeVisible();
  await expect(bob.message("hello world").getByRole("button", { name: "👍 1" })).toHaveAttribute("aria-pressed", "true");
  await expect(ada.message("hello world").getByRole("button", { name: "👍 1" })).toHaveAttribute("aria-pressed", "false");
  await expect(ada.message("hello world").getByRole("button", { name: "👍 1" })).toHaveAttribute("title", new RegExp(`${bobName} reacted with 👍`));
  // Ada adds hers by clicking it, and takes it back the same way.
  await ada.message("hello world").getByRole("button", { name: "👍 1" }).click();
  for (const chat of [ada, bob]) await expect(chat.message("hello world").getByRole("button", { name: "👍 2" })).toBeVisible();
  await ada.message("hello world").getByRole("button", { name: "👍 2" }).click();
  for (const chat of [ada, bob]) await expect(chat.message("hello world").getByRole("button", { name: "👍 1" })).toBeVisible();

  // The picker searches every emoji.
  await ada.act("hello world", "Add reaction");
  const picker = ada.page.getByRole("dialog", { name: "Add reaction" });
  await picker.getByRole("searchbox").fill("party");
  await picker.getByRole("button", { name: "🎉" }).click();
  for (const chat of [ada, bob]) await expect(chat.message("hello world").getByRole("button", { name: "🎉 1" })).toBeVisible();
  await ada.page.screenshot({ path: "test-results/changes-reactions.png" });

  await ada.deleteMessage("hello world");
  for (const chat of [ada, bob]) {
    await expect(chat.messages.filter({ hasText: "Message deleted" })).toHaveCount(1);
    await expect(chat.messages.filter({ hasText: "hello world" })).toHaveCount(0);
    await expect(chat.page.getByRole("button", { name: "🎉 1" })).toHaveCount(0);
  }
  // After a reload, the same state comes from the server.
  await bob.page.reload();
  await bob.openRoom(path);
  await expect(bob.messages.filter({ hasText: "Message deleted" })).toHaveCount(1);
  await expect(bob.messages.filter({ hasText: "hello world" })).toHaveCount(0);
});

test("↑ in the empty composer edits your last message; Escape cancels, Enter saves", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  await ada.createRoom(uniqueName("Arrow Up"));
  await ada.send("first");
  await ada.send("secnod");
  await expect(ada.message("secnod")).toHaveAttribute("data-status", "sent");
  await ada.composer.press("ArrowUp");
  const box = ada.page.getByRole("textbox", { name: "Edit message" });
  await expect(box).toBeFocused();
  await expect(box).toHaveValue("secnod");
  await box.press("Escape");
  await expect(box).toHaveCount(0);
  await expect(ada.message("secnod")).not.toContainText("(edited)");
  await ada.composer.press("ArrowUp");
  await box.fill("second");
  await box.press("Enter");
  await expect(ada.message("second")).toContainText("(edited)");
  const results = await new AxeBuilder({ page: ada.page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test("an edit and a reaction made offline go out once each on reconnect, in order", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Offline Changes"));
  await bob.openRoom(path);
  await bob.send("see you later");
  await ada.send("draft one");
  await expect(ada.message("draft one")).toHaveAttribute("data-status", "sent");
  await expect(bob.message("draft one")).toBeVisible();

  await ada.page.context().setOffline(true);
  await expect(ada.connection).toHaveText("Offline");
  await ada.edit("draft one", "final one");
  await ada.react("see you later", "❤️");
  // Shown at once to Ada, waiting to be sent; Bob sees nothing yet.
  await expect(ada.message("final one")).toBeVisible();
  await expect(ada.message("see you later").getByRole("button", { name: "❤️ 1" })).toBeVisible();
  // Nothing reached Bob before a marker he writes after it (acknowledged after its commit).
  await bob.send("marker");
  await expect(bob.message("marker")).toHaveAttribute("data-status", "sent");
  await expect(bob.message("draft one")).toBeVisible();
  await expect(bob.message("final one")).toHaveCount(0);
  await expect(bob.message("see you later").getByRole("button", { name: /❤️/ })).toHaveCount(0);

  await ada.page.context().setOffline(false);
  await expect(ada.connection).toHaveText("Connected", { timeout: 15_000 });
  await expect(bob.message("final one")).toContainText("(edited)");
  await expect(bob.message("see you later").getByRole("button", { name: "❤️ 1" })).toBeVisible();
  // Once each: a reload shows one reaction, and the edit.
  await bob.page.reload();
  await bob.openRoom(path);
  await expect(bob.message("see you later").getByRole("button", { name: "❤️ 1" })).toBeVisible();
  await expect(bob.message("final one")).toContainText("(edited)");
});

test("formatted text: bold, code, code blocks, quotes, lists and links, rendered as elements", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Markdown"));
  await bob.openRoom(path);
  await ada.composer.fill("**Release** is `v2.1` — see docs.example.org\n> quoted\n\n- one\n- ~~two~~\n\n```\nnpm test\n```");
  await ada.composer.press("Enter");
  const message = bob.message("Release");
  await expect(message.locator("strong")).toHaveText("Release");
  await expect(message.locator("code").first()).toHaveText("v2.1");
  await expect(message.locator("pre")).toHaveText("npm test");
  await expect(message.locator("blockquote")).toHaveText("quoted");
  await expect(message.locator("li")).toHaveText(["one", "two"]);
  await expect(message.locator("del")).toHaveText("two");
  await expect(message.getByRole("link", { name: "docs.example.org" })).toHaveAttribute("href", "https://docs.example.org");
  await bob.page.screenshot({ path: "test-results/markdown.png" });
});

test("reply: the quote above the composer, a compact quote in the reply, and a jump to the original, loaded when far back", async ({ newUser, baseURL }) => {
  const adaName = uniqueName("Ada");
  const ada = await newUser(adaName);
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Replies"));
  await ada.send("the original question");
  await expect(ada.message("the original question")).toHaveAttribute("data-status", "sent");
  // 60 more, from a script: the original is no longer in the latest page a newcomer loads.
  const seeder = await scriptedGuest(baseURL!, uniqueName("Seeder"));
  const room = await seeder.join(path.slice("/r/".length));
  for (let i = 1; i <= 60; i++) await seeder.say(room.id, `filler ${i}`);
  seeder.close();
  await expect(ada.message("filler 60")).toBeVisible();
  await ada.act("the original question", "Reply");
  await expect(ada.page.getByText(`Replying to ${adaName}`)).toBeVisible();
  await ada.page.getByRole("button", { name: "Cancel reply" }).click();
  await expect(ada.page.getByText(`Replying to ${adaName}`)).toHaveCount(0);
  await ada.act("the original question", "Reply");
  await expect(ada.composer).toBeFocused();
  await ada.composer.fill("answering myself");
  await ada.composer.press("Enter");
  await expect(ada.page.getByRole("button", { name: "Cancel reply" })).toHaveCount(0);

  await bob.openRoom(path);
  const reply = bob.message("answering myself");
  await expect(reply).toContainText(adaName);
  await expect(reply).toContainText("the original question");
  // Not loaded yet: only the reply's quote says it.
  await expect(bob.messages.filter({ hasText: "the original question" })).toHaveCount(1);
  await reply.getByRole("button", { name: /the original question/ }).click();
  const original = bob.log.locator("article[aria-current=true]");
  await expect(original).toContainText("the original question");
  await expect(original).toBeInViewport();
  // The quote follows its original: deleted there, a tombstone here.
  const originalOnAda = ada.messages.filter({ hasText: "the original question" }).filter({ hasNotText: "answering myself" });
  await originalOnAda.hover();
  await originalOnAda.getByRole("button", { name: "Message actions" }).click();
  await ada.page.getByRole("menuitem", { name: "Delete" }).click();
  await ada.page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(bob.message("answering myself")).toContainText("Message deleted");
  await bob.page.screenshot({ path: "test-results/reply.png" });
});
