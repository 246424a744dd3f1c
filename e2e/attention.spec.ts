import { expect, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { expectNoSeriousViolations } from "./axe";

/** Bob follows `roomName` (he opened it) and is now in another room of his own. */
async function awayFrom(bob: ChatPage, path: string, roomName: string) {
  await bob.openRoom(path);
  await bob.createRoom(uniqueName("Elsewhere"));
  await expect(bob.roomsNav.getByRole("link", { name: roomName, exact: true })).toBeVisible();
}

test.describe("unread counts", () => {
  test("messages in a followed room count in the Rooms navigation and the title, and opening the room reads them", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const roomName = uniqueName("Plans");
    const path = await ada.createRoom(roomName);
    await ada.send("before Bob left: not unread");
    await awayFrom(bob, path, roomName);

    for (const text of ["first news", "second news", "third news"]) await ada.send(text);
    // Stored, not only shown: Ada's view shows a message as soon as it is written (pending).
    await expect(ada.message("third news")).toHaveAttribute("data-status", "sent");
    const link = bob.roomsNav.getByRole("link", { name: `${roomName}, 3 unread`, exact: true });
    await expect(link).toBeVisible();
    await expect(bob.page).toHaveTitle(/^\(3\) /);

    await link.click();
    // The line sits above the first unread message, and the room is read: the count goes.
    const line = bob.page.getByRole("separator", { name: "New messages" });
    await expect(line).toBeVisible();
    await expect(bob.messages.nth(1)).toContainText("first news");
    await expect(bob.roomsNav.getByRole("link", { name: roomName, exact: true })).toBeVisible();
    await expect(bob.page).toHaveTitle(`${roomName} · Parley`);
    // Ada's own messages were never unread for her.
    await expect(ada.page).toHaveTitle(`${roomName} · Parley`);
  });

  test("reading in one tab clears the count in the user's other tab; Mark all as read clears everything", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const [one, two] = [uniqueName("One"), uniqueName("Two")];
    const onePath = await ada.createRoom(one);
    const twoPath = await ada.createRoom(two);
    await bob.openRoom(onePath);
    await awayFrom(bob, twoPath, two);
    await ada.send("in two");
    // Stored before Ada's page goes elsewhere: a navigation in the moment between Enter and the
    // outbox's write to IndexedDB aborts that write, and "in two" would never be sent (the
    // cause of this test's flake on a loaded machine; no person leaves a page that fast).
    await expect(ada.message("in two")).toHaveAttribute("data-status", "sent");
    await ada.openRoom(onePath);
    await ada.send("in one");
    // By each room's address, so that a failure shows the name the link has instead (a count
    // that never came, or one read away) rather than "not found".
    await expect(bob.roomsNav.locator(`a[href="${onePath}"]`)).toHaveAccessibleName(`${one}, 1 unread`);
    await expect(bob.roomsNav.locator(`a[href="${twoPath}"]`)).toHaveAccessibleName(`${two}, 1 unread`);

    // A second tab of Bob's reads room One: the first tab's count clears too.
    const second = await bob.page.context().newPage();
    await second.goto(onePath);
    await expect(second.getByRole("log", { name: "Messages" }).getByRole("article").filter({ hasText: "in one" })).toBeVisible();
    await expect(bob.roomsNav.getByRole("link", { name: one, exact: true })).toBeVisible();
    await expect(bob.page).toHaveTitle(/^\(1\) /);
    await second.close();

    await bob.page.getByRole("button", { name: "Mark all as read" }).click();
    await expect(bob.roomsNav.getByRole("link", { name: two, exact: true })).toBeVisible();
    await expect(bob.page).not.toHaveTitle(/^\(/);
    // Counts come from the server: a reload shows the same.
    await bob.page.reload();
    await expect(bob.roomsNav.getByRole("link", { name: two, exact: true })).toBeVisible();
    await expect(bob.roomsNav.getByRole("link", { name: one, exact: true })).toBeVisible();
  });

  test("opening a room far behind starts at the New messages line; reading done offline reaches the server on reconnect", async ({ newUser, browser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const roomName = uniqueName("Backlog");
    const path = await ada.createRoom(roomName);
    await awayFrom(bob, path, roomName);
    for (let i = 1; i <= 30; i++) await ada.send(`backlog ${i}`);
    // Stored, not only shown: 30 sends on a loaded machine take a while after the last one is written.
    await expect(ada.message("backlog 30")).toHaveAttribute("data-status", "sent", { timeout: 30_000 });
    const unread = bob.roomsNav.getByRole("link", { name: `${roomName}, 30 unread`, exact: true });
    await expect(unread).toBeVisible();

    // Opened: the view starts at the line, not at the bottom, so nothing is read yet.
    await unread.click();
    await expect(bob.page.getByRole("separator", { name: "New messages" })).toBeInViewport();
    await expect(bob.messages.first()).toContainText("backlog 1");
    await expect(bob.messages.first()).toBeInViewport();
    await expect(bob.page.getByRole("button", { name: "Jump to first unread" })).toHaveCount(0);
    await expect(unread).toBeVisible();

    // Offline, Bob reads to the end: the count goes at once, the position waits in the outbox.
    await bob.page.context().setOffline(true);
    await expect(bob.connection).not.toContainText("Connected");
    await bob.message("backlog 30").scrollIntoViewIfNeeded();
    await expect(bob.roomsNav.getByRole("link", { name: roomName, exact: true })).toBeVisible();
    await expect(bob.page.getByRole("button", { name: "Jump to first unread" })).toBeVisible();
    await bob.page.context().setOffline(false);
    await expect(bob.connection).toContainText("Connected");

    // Another device of Bob's (his session in a new browser) learns it from the server.
    const other = await browser.newContext({ storageState: await bob.page.context().storageState() });
    const page = await other.newPage();
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: roomName, exact: true })).toBeVisible();
    await expect(page).toHaveTitle("Parley");
    await other.close();
  });

  test("a hidden tab reads nothing: the count grows while it is hidden and clears when it is looked at", async ({ browser, newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    // Bob's browser says whether the page is seen as the test decides (visibility and focus).
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const w = window as unknown as { __hidden: boolean };
      w.__hidden = false;
      Object.defineProperty(document, "visibilityState", { get: () => (w.__hidden ? "hidden" : "visible") });
      Object.defineProperty(document, "hidden", { get: () => w.__hidden });
      document.hasFocus = () => !w.__hidden;
    });
    try {
      const bob = new ChatPage(await context.newPage());
      await bob.page.goto("/");
      await bob.signIn(uniqueName("Bob"));
      const roomName = uniqueName("Behind tabs");
      const path = await ada.createRoom(roomName);
      await bob.openRoom(path);
      await bob.page.evaluate(() => {
        (window as unknown as { __hidden: boolean }).__hidden = true;
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await ada.send("while Bob looks elsewhere");
      await ada.send("and another");
      await expect(bob.message("and another")).toBeAttached();
      await expect(bob.page).toHaveTitle(/^\(2\) /);
      await expect(bob.roomsNav.getByRole("link", { name: `${roomName}, 2 unread`, exact: true })).toBeAttached();
      await bob.page.evaluate(() => {
        (window as unknown as { __hidden: boolean }).__hidden = false;
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await expect(bob.page).toHaveTitle(`${roomName} · Parley`);
    } finally {
      await context.close();
    }
  });

  test("Leave room stops the count until the room is opened again", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const roomName = uniqueName("Noisy");
    const path = await ada.createRoom(roomName);
    await bob.openRoom(path);
    await bob.page.getByRole("button", { name: "Leave room" }).click();
    await expect(bob.page).toHaveURL(/\/$/);
    await ada.send("nobody follows this for Bob");
    await expect(ada.message("nobody follows this for Bob")).toBeVisible();
    await bob.page.reload();
    await expect(bob.roomsNav.getByRole("link", { name: roomName, exact: true })).toBeVisible();
    await expect(bob.page).toHaveTitle("Parley");
  });
});

test.describe("mentions", () => {
  test("typing @ suggests the room's people; a mention counts for the person mentioned and is highlighted for them", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bobName = uniqueName("Bob");
    const bob = await newUser(bobName);
    const roomName = uniqueName("Mentions");
    const path = await ada.createRoom(roomName);
    await bob.openRoom(path);
    await bob.send("hi Ada");
    await expect(ada.message("hi Ada")).toBeVisible();
    await bob.createRoom(uniqueName("Bob's own"));

    await ada.composer.fill("look here @Bo");
    const list = ada.page.getByRole("listbox", { name: "Mention suggestions" });
    await expect(list.getByRole("option", { name: bobName })).toBeVisible();
    await ada.page.screenshot({ path: "test-results/mention-suggestions.png" });
    await ada.composer.press("Enter"); // picks, does not send
    await expect(ada.composer).toHaveValue(`look here @${bobName} `);
    await expect(list).toHaveCount(0);
    await ada.composer.pressSequentially("please");
    await ada.composer.press("Enter");
    const sent = ada.message("please");
    await expect(sent).toContainText(`look here @${bobName} please`);
    await expect(sent).toHaveAttribute("data-status", "sent");

    const link = bob.roomsNav.getByRole("link", { name: `${roomName}, 1 unread, 1 mention`, exact: true });
    await expect(link).toBeVisible();
    await bob.page.screenshot({ path: "test-results/mention-count.png" });
    await link.click();
    const mentioned = bob.message("please");
    await expect(mentioned).toContainText("Mentions you");
    await expect(mentioned).toContainText(`@${bobName} please`);
    await bob.page.screenshot({ path: "test-results/mention-highlighted.png" });
    await expect(bob.roomsNav.getByRole("link", { name: roomName, exact: true })).toBeVisible();
  });

  test("suggestions work with the mouse and close with Escape", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bobName = uniqueName("Bob");
    const bob = await newUser(bobName);
    const path = await ada.createRoom(uniqueName("Mouse"));
    await bob.openRoom(path);
    await expect(ada.onlineNames().filter({ hasText: bobName })).toBeVisible();
    await ada.composer.fill("@");
    const list = ada.page.getByRole("listbox", { name: "Mention suggestions" });
    await expect(list).toBeVisible();
    await ada.composer.press("Escape");
    await expect(list).toHaveCount(0);
    await ada.composer.fill("cc @b");
    await list.getByRole("option", { name: bobName }).click();
    await expect(ada.composer).toHaveValue(`cc @${bobName} `);
    await ada.composer.press("Enter");
    await expect(bob.message("cc")).toContainText("Mentions you");
  });
});

test.describe("the room's people", () => {
  test("a follower who is offline is in Members and suggested for a mention; the owner hands the room to an account", async ({ newUser, browser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const path = await ada.createRoom(uniqueName("People"));
    // Cleo follows the room, says nothing, and goes away.
    const cleoName = uniqueName("Cleo Quiet");
    const cleo = await newUser(cleoName);
    await cleo.openRoom(path);
    await expect(ada.onlineNames().filter({ hasText: cleoName })).toBeVisible();
    await cleo.page.context().close();
    await expect(ada.onlineNames().filter({ hasText: cleoName })).toHaveCount(0);
    await ada.page.reload();

    const members = ada.page.getByRole("list", { name: "Members" });
    await expect(members.getByRole("listitem").filter({ hasText: cleoName })).toBeVisible();
    await expect(members.getByRole("listitem").filter({ hasText: "(you)" })).toContainText("owner");
    // Not in the history, not online: the server finds her by a word of her name.
    await ada.composer.fill("ping @qui");
    const list = ada.page.getByRole("listbox", { name: "Mention suggestions" });
    await expect(list.getByRole("option", { name: cleoName })).toBeVisible();
    await list.getByRole("option", { name: cleoName }).click();
    await expect(ada.composer).toHaveValue(`ping @${cleoName} `);
    // A guest cannot own a room: no hand-over for Cleo.
    await expect(members.getByRole("button", { name: `Make ${cleoName} the owner` })).toHaveCount(0);

    // Bea has an account: Ada hands the room over; Bea gets its settings, Ada stays a moderator.
    const context = await browser.newContext();
    const bea = new ChatPage(await context.newPage());
    try {
      const beaName = `bea_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
      await bea.page.goto("/");
      await bea.page.getByRole("textbox", { name: "Username" }).fill(beaName);
      await bea.page.getByRole("textbox", { name: "Password" }).fill("bea password");
      await bea.page.getByRole("button", { name: "Create account" }).click();
      await bea.roomsNav.waitFor();
      await bea.openRoom(path);
      await ada.page.getByRole("button", { name: `Make ${beaName} the owner` }).click();
      await ada.page.getByRole("alertdialog", { name: new RegExp(`^Make ${beaName} the owner of `) }).getByRole("button", { name: "Hand over" }).click();
      await expect(members.getByRole("listitem").filter({ hasText: beaName })).toContainText("owner");
      await expect(members.getByRole("listitem").filter({ hasText: "(you)" })).toContainText("moderator");
      await expect(bea.page.getByRole("region", { name: "Room settings" })).toBeVisible();
      await expect(ada.page.getByRole("region", { name: "Room settings" })).toHaveCount(0);
      await ada.page.screenshot({ path: "test-results/room-members.png" });
      await expectNoSeriousViolations(ada.page, "the room's members");
    } finally {
      await context.close();
    }
  });
});
