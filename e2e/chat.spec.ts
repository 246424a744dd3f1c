import { expect, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { scriptedGuest } from "./seed";

test.describe("guest identity", () => {
  test("a first visit picks a name and lands on the room directory", async ({ page }) => {
    const chat = new ChatPage(page);
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Continue as guest" })).toBeVisible();
    await chat.signIn(uniqueName("Ada"));
    await expect(chat.roomsNav).toBeVisible();
    await expect(page.getByRole("textbox", { name: "New room name" })).toBeVisible();
    await expect(chat.connection).toContainText("Connected");
    // The session survives a reload (HTTP-only cookie).
    await page.reload();
    await expect(chat.roomsNav).toBeVisible();
  });

  test("opening a room URL while signed out joins that room after picking a name", async ({ newUser, browser }) => {
    const host = await newUser(uniqueName("Host"));
    const roomName = uniqueName("Invite Only");
    const path = await host.createRoom(roomName);

    const context = await browser.newContext();
    const guest = new ChatPage(await context.newPage());
    await guest.page.goto(path);
    await guest.signIn(uniqueName("Guest"));
    await expect(guest.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    expect(new URL(guest.page.url()).pathname).toBe(path);
    await context.close();
  });

  test("an empty name is refused with a reason", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("textbox", { name: "Display name" }).fill("   ");
    await page.getByRole("button", { name: "Continue as guest" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Pick a display name" })).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Display name" })).toHaveAttribute("aria-invalid", "true");
  });
});

test.describe("rooms", () => {
  test("a new room gets its own URL and appears live in everyone's directory", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bob = await newUser(uniqueName("Bob"));
    const roomName = uniqueName("Café Société");
    const path = await ada.createRoom(roomName);
    expect(path).toMatch(/^\/r\/cafe-societe-\d+$/);
    // Bob did not reload: the link arrives over the socket.
    const link = bob.roomsNav.getByRole("link", { name: roomName });
    await expect(link).toBeVisible();
    await link.click();
    await expect(bob.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    expect(new URL(bob.page.url()).pathname).toBe(path);
  });

  test("an unknown room says so", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    await ada.page.goto("/r/no-such-room-here");
    await expect(ada.page.getByRole("heading", { level: 1, name: "Room not found" })).toBeVisible();
  });
});

test.describe("two people chatting", () => {
  test("messages, presence and typing flow both ways", async ({ newUser }, testInfo) => {
    const adaName = uniqueName("Ada");
    const bobName = uniqueName("Bob");
    const ada = await newUser(adaName);
    const bob = await newUser(bobName);
    const path = await ada.createRoom(uniqueName("Engine Room"));
    await bob.openRoom(path);

    await expect(ada.onlineNames()).toHaveCount(2);
    await expect(bob.onlineNames()).toHaveCount(2);
    await expect(ada.online).toContainText(bobName);

    await ada.send("Hello Bob!");
    await expect(bob.message("Hello Bob!")).toContainText(adaName);
    await expect(ada.message("Hello Bob!")).toHaveAttribute("data-status", "sent");

    await bob.composer.fill("Hi Ada, with the button");
    await bob.sendButton.click();
    await expect(ada.message("Hi Ada, with the button")).toContainText(bobName);
    await expect(bob.message("Hi Ada, with the button")).toHaveAttribute("data-status", "sent");
    // Others' messages carry no status of the viewer's.
    await expect(ada.message("Hi Ada, with the button")).not.toHaveAttribute("data-status", /.*/);

    // Typing shows to the other person and ends when the message is sent.
    await bob.composer.pressSequentially("I am typ");
    await expect(ada.page.getByText(`${bobName} is typing`)).toBeVisible();
    await expect(bob.page.getByText(`${bobName} is typing`)).toHaveCount(0);
    await bob.composer.press("Enter");
    await expect(ada.page.getByText(`${bobName} is typing`)).toHaveCount(0);
    await expect(ada.message("I am typ")).toBeVisible();

    // Everything arrived once, in the same order on both sides.
    const texts = ["Hello Bob!", "Hi Ada, with the button", "I am typ"];
    for (const chat of [ada, bob]) {
      await expect(chat.messages).toHaveCount(3);
      for (const [i, t] of texts.entries()) await expect(chat.messages.nth(i)).toContainText(t);
    }
    await testInfo.attach("two-people", { body: await ada.page.screenshot(), contentType: "image/png" });

    // Bob leaves: Ada's list updates live.
    await bob.page.close();
    await expect(ada.onlineNames()).toHaveCount(1);
    await expect(ada.online).not.toContainText(bobName);
  });

  test("a typing hint expires by itself when the typer goes quiet", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    const bobName = uniqueName("Bob");
    const bob = await newUser(bobName);
    const path = await ada.createRoom(uniqueName("Quiet"));
    await bob.openRoom(path);
    await bob.composer.pressSequentially("hm");
    await expect(ada.page.getByText(`${bobName} is typing`)).toBeVisible();
    // No stop is sent while text stays in the box; the hint ends after its TTL (5 s).
    await expect(ada.page.getByText(`${bobName} is typing`)).toHaveCount(0, { timeout: 8_000 });
  });

  test("one user with two tabs is one entry in the Online list until both close", async ({ newUser }) => {
    const adaName = uniqueName("Ada");
    const ada = await newUser(adaName);
    const bob = await newUser(uniqueName("Bob"));
    const path = await bob.createRoom(uniqueName("Tabs"));
    await ada.openRoom(path);
    const secondTab = new ChatPage(await ada.page.context().newPage());
    await secondTab.openRoom(path);

    await expect(bob.onlineNames()).toHaveCount(2);
    await expect(bob.onlineNames().filter({ hasText: adaName })).toHaveCount(1);
    await expect(secondTab.onlineNames()).toHaveCount(2);

    // A message from one tab shows in the other tab as the user's own, once.
    await secondTab.send("from tab two");
    await expect(ada.message("from tab two")).toHaveCount(1);
    await expect(ada.message("from tab two")).toHaveAttribute("data-status", "sent");
    await expect(bob.message("from tab two")).toHaveCount(1);

    await ada.page.close();
    // The one fixed wait left: presence lists go out coalesced (50 ms, at most every 250 ms)
    // and no marker is ordered after a disconnect; a wrong "gone" would arrive within it.
    await bob.page.waitForTimeout(300);
    await expect(bob.onlineNames().filter({ hasText: adaName })).toHaveCount(1);
    await secondTab.page.close();
    await expect(bob.onlineNames().filter({ hasText: adaName })).toHaveCount(0);
    await expect(bob.onlineNames()).toHaveCount(1);
  });
});

test.describe("history and message content", () => {
  test("opening a room shows the latest 50; older ones load on demand", async ({ newUser, baseURL }) => {
    const host = await newUser(uniqueName("Host"));
    const path = await host.createRoom(uniqueName("Archive"));
    const bot = await scriptedGuest(baseURL!, uniqueName("Seeder"));
    const room = await bot.join(path.slice("/r/".length));
    for (let i = 1; i <= 120; i++) await bot.say(room.id, `old message #${i}.`);
    bot.close();

    // Ada opens it for the first time: nothing is unread for her, the view starts at the end.
    const ada = await newUser(uniqueName("Ada"));
    await ada.openRoom(path);
    await expect(ada.messages).toHaveCount(50);
    await expect(ada.messages.first()).toContainText("old message #71.");
    await expect(ada.messages.last()).toContainText("old message #120.");
    await expect(ada.loadOlder).toBeVisible();
    // Clicking scrolls the button into view, which may itself load a page (scrolling to the
    // top loads older messages too): click until the whole history is there.
    await expect(async () => {
      if (await ada.loadOlder.isVisible()) await ada.loadOlder.click({ timeout: 2000 });
      await expect(ada.messages).toHaveCount(120, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await expect(ada.loadOlder).toHaveCount(0);
    const texts = await ada.messages.allTextContents();
    texts.forEach((t, i) => expect(t).toContain(`old message #${i + 1}.`));
  });

  test("scrolling to the top loads older messages too", async ({ newUser, baseURL }) => {
    const host = await newUser(uniqueName("Host"));
    const path = await host.createRoom(uniqueName("Scroll"));
    const bot = await scriptedGuest(baseURL!, uniqueName("Seeder"));
    const room = await bot.join(path.slice("/r/".length));
    for (let i = 1; i <= 60; i++) await bot.say(room.id, `line ${i}`);
    bot.close();
    const ada = await newUser(uniqueName("Ada"));
    await ada.openRoom(path);
    await expect(ada.messages).toHaveCount(50);
    await ada.messages.first().scrollIntoViewIfNeeded();
    await ada.log.evaluate((el) => el.parentElement!.scrollTo({ top: 0 }));
    await expect(ada.messages).toHaveCount(60);
  });

  test("text is never HTML, links become links", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    await ada.createRoom(uniqueName("Safety"));
    const dialogs: string[] = [];
    ada.page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const attacks = [
      `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>`,
      `<iframe src="javascript:alert(3)"></iframe><svg onload=alert(4)>`,
      `javascript:alert(5) and [click me](javascript:alert(6))`,
      `invoice\u202Egnp.exe and \u2066isolated\u2069`,
      `**<b onmouseover=alert(7)>bold html</b>** and [x](vbscript:alert(8)) <a href="javascript:alert(9)">a</a>`,
    ];
    for (const attack of attacks) await ada.send(attack);
    await expect(ada.page.locator("article[data-status=sent]")).toHaveCount(attacks.length);
    await expect(ada.message("<img src=x")).toContainText(attacks[0]!);
    await expect(ada.message("<iframe")).toContainText(attacks[1]!);
    await expect(ada.message("javascript:alert(5)")).toContainText(attacks[2]!);
    // Markdown around HTML formats it, and the HTML inside stays text.
    await expect(ada.message("bold html").locator("strong")).toHaveText("<b onmouseover=alert(7)>bold html</b>");
    await expect(ada.message("bold html")).toContainText('[x](vbscript:alert(8)) <a href="javascript:alert(9)">a</a>');
    // Bidi overrides are shown as their code points, so "invoice‮gnp.exe" cannot pose as "invoiceexe.png".
    const bidi = ada.message("invoice");
    await expect(bidi).toContainText("U+202E");
    await expect(bidi).toContainText("U+2066");
    // Nothing was injected, nothing ran, and the only links are http(s).
    await expect(ada.log.locator("img, script, iframe, svg:not([aria-hidden=true]), object, embed")).toHaveCount(0);
    await expect(ada.log.locator("a:not([href^='http://']):not([href^='https://'])")).toHaveCount(0);
    // One more message rendered after them: anything they could have run has had its turn.
    await ada.send("after the attacks");
    await expect(ada.message("after the attacks")).toHaveAttribute("data-status", "sent");
    expect(dialogs).toEqual([]);
    expect(await ada.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await ada.send("docs at https://example.com/parley?x=1, see you");
    const link = ada.message("docs at").getByRole("link", { name: "https://example.com/parley?x=1" });
    await expect(link).toHaveAttribute("href", "https://example.com/parley?x=1");
    await expect(link).toHaveAttribute("rel", /noopener/);
  });

  test("a message over 4,000 characters is refused with a clear reason, and can be discarded", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    await ada.createRoom(uniqueName("Limits"));
    await ada.composer.fill("y".repeat(4001));
    await expect(ada.page.getByText("4,001 / 4,000 (too long to send)")).toBeVisible();
    await ada.composer.press("Enter");
    const failed = ada.messages.filter({ hasText: "yyyy" });
    await expect(failed).toHaveAttribute("data-status", "failed");
    await expect(failed).toContainText("Messages can be at most 4,000 characters; this one has 4,001.");
    await failed.getByRole("button", { name: "Discard" }).click();
    await expect(ada.messages).toHaveCount(0);
  });

  test("the composer is usable from the keyboard alone", async ({ newUser }) => {
    const ada = await newUser(uniqueName("Ada"));
    await ada.createRoom(uniqueName("Keys"));
    await ada.composer.focus();
    await ada.page.keyboard.type("line one");
    await ada.page.keyboard.press("Shift+Enter");
    await ada.page.keyboard.type("line two");
    await ada.page.keyboard.press("Enter");
    await expect(ada.messages.first()).toContainText("line one\nline two");
    await expect(ada.composer).toHaveValue("");
    await expect(ada.composer).toBeFocused();
  });
});
