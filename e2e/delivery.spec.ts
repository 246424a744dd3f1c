import { expect, signedIn, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { ServerProcess } from "./server-process";

/**
 * Bob writes a marker and waits for its acknowledgement: the server answers it after its
 * commit, and whatever reached the room before it was sent to Bob before that answer. So
 * "nothing arrived" is checked at the marker, not after a fixed wait.
 */
async function marker(chat: ChatPage, text = "marker"): Promise<void> {
  await chat.send(text);
  await expect(chat.message(text)).toHaveAttribute("data-status", "sent");
}

/** The texts of a page's messages, in the order shown. */
async function texts(chat: ChatPage): Promise<string[]> {
  return (await chat.messages.evaluateAll((els) => els.map((el) => el.querySelector("p")?.textContent ?? ""))) as string[];
}

test("messages written offline wait as pending, then go out in order, once each", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Tunnel"));
  await bob.openRoom(path);

  await ada.page.context().setOffline(true);
  await expect(ada.connection).toHaveText("Offline");
  for (const t of ["offline one", "offline two", "offline three"]) await ada.send(t);
  for (const t of ["offline one", "offline two", "offline three"]) {
    await expect(ada.message(t)).toHaveAttribute("data-status", "pending");
  }
  await expect(ada.message("offline one")).toContainText("Waiting for the connection");
  await marker(bob);
  await expect(bob.messages).toHaveCount(1);

  await ada.page.context().setOffline(false);
  await expect(ada.connection).toHaveText("Connected", { timeout: 15_000 });
  for (const t of ["offline one", "offline two", "offline three"]) {
    await expect(ada.message(t)).toHaveAttribute("data-status", "sent");
  }
  await expect(bob.messages).toHaveCount(4);
  expect(await texts(bob)).toEqual(["marker", "offline one", "offline two", "offline three"]);
  await expect(ada.messages).toHaveCount(4);
  expect(await texts(ada)).toEqual(["marker", "offline one", "offline two", "offline three"]);
});

test("the outbox survives closing the tab", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Lid"));
  await bob.openRoom(path);
  const context = ada.page.context();

  await context.setOffline(true);
  await expect(ada.connection).toHaveText("Offline");
  await ada.send("typed, then the tab closed");
  await expect(ada.message("typed, then the tab closed")).toHaveAttribute("data-status", "pending");
  await ada.page.close();
  await marker(bob);
  await expect(bob.messages).toHaveCount(1);

  await context.setOffline(false);
  const reopened = new ChatPage(await context.newPage());
  await reopened.openRoom(path);
  await expect(reopened.message("typed, then the tab closed")).toHaveAttribute("data-status", "sent");
  await expect(bob.message("typed, then the tab closed")).toHaveCount(1);
  // Sent once: nothing more arrives before a marker written after it.
  await marker(bob, "after");
  await expect(reopened.message("after")).toBeVisible();
  await expect(reopened.messages).toHaveCount(3);
  await expect(bob.messages).toHaveCount(3);
  expect(await texts(bob)).toEqual(["marker", "typed, then the tab closed", "after"]);
});

test("two tabs of one user share one outbox: each message goes out once", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await bob.createRoom(uniqueName("Twins"));
  await ada.openRoom(path);
  const tab2 = new ChatPage(await ada.page.context().newPage());
  await tab2.openRoom(path);

  await ada.page.context().setOffline(true);
  await expect(tab2.connection).toHaveText("Offline");
  await tab2.send("from tab two, first");
  await ada.send("from tab one");
  await tab2.send("from tab two, last");
  // Each tab shows everything the user has queued, whichever tab it was typed in.
  for (const chat of [ada, tab2]) {
    await expect(chat.page.locator("article[data-status=pending]")).toHaveCount(3);
  }

  await ada.page.context().setOffline(false);
  const expected = ["from tab two, first", "from tab one", "from tab two, last"];
  await expect(bob.messages).toHaveCount(3, { timeout: 15_000 });
  expect(await texts(bob)).toEqual(expected);
  for (const chat of [ada, tab2]) {
    await expect(chat.page.locator("article[data-status=sent]")).toHaveCount(3);
    expect(await texts(chat)).toEqual(expected);
  }
  await marker(bob);
  await expect(bob.messages).toHaveCount(4);
  await expect(ada.message("marker")).toBeVisible();
  await expect(ada.messages).toHaveCount(4);
});

test.describe("a server of its own", () => {
  // Two production-server starts plus reconnect backoff: more than the default 30 s on a busy machine.
  test.describe.configure({ timeout: 90_000 });
  let server: ServerProcess;
  test.beforeEach(async ({}, testInfo) => {
    server = new ServerProcess(3210 + testInfo.workerIndex);
    await server.start();
  });
  test.afterEach(async () => {
    await server.dispose();
  });

  test("the server crashes mid-conversation: nothing is lost, nothing shows twice", async ({ browser }) => {
    const people = [await signedIn(browser, uniqueName("Ada"), server.url), await signedIn(browser, uniqueName("Bob"), server.url)];
    const [ada, bob] = people as [ChatPage, ChatPage];
    const path = await ada.createRoom(uniqueName("Fragile"));
    await bob.openRoom(path);
    await ada.send("before the crash");
    await expect(bob.message("before the crash")).toBeVisible();

    expect(await server.stop("SIGKILL")).toBeNull();
    await expect(ada.connection).toHaveText("Offline");
    await ada.send("during the outage 1");
    await bob.send("during the outage 2");
    await ada.send("during the outage 3");
    await expect(ada.page.locator("article[data-status=pending]")).toHaveCount(2);

    await server.start();
    for (const chat of [ada, bob]) await expect(chat.connection).toHaveText("Connected", { timeout: 20_000 });
    // Rooms rejoined and presence restored without anyone doing anything.
    for (const chat of [ada, bob]) await expect(chat.onlineNames()).toHaveCount(2);
    const expected = ["before the crash", "during the outage 1", "during the outage 2", "during the outage 3"];
    for (const chat of [ada, bob]) {
      await expect(chat.page.locator("article[data-status=pending]")).toHaveCount(0, { timeout: 15_000 });
      await expect(chat.messages).toHaveCount(4);
    }
    // Each sender's own order holds; across senders the server's sequence decides, and
    // both people see the same order.
    const adaSees = await texts(ada);
    expect(await texts(bob)).toEqual(adaSees);
    expect(adaSees.filter((t) => t !== "during the outage 2")).toEqual(expected.filter((t) => t !== "during the outage 2"));
    expect(adaSees).toContain("during the outage 2");
    for (const chat of people) await chat.page.context().close();
  });
});
