import sharp from "sharp";
import { expect, signedIn, test, uniqueName } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { ServerProcess } from "./server-process";

/** A photo to attach: a 1200×800 JPEG that says where it was taken (EXIF GPS). */
async function photo(name = "photo.jpg") {
  const buffer = await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .withExif({ IFD0: { Copyright: "Secret Maker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .toBuffer();
  return { name, mimeType: "image/jpeg", buffer };
}

const pdf = (name = "report.pdf") => ({ name, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") });

/** The image shown for `name` in `chat`'s log, decoded (its thumbnail loaded). */
async function expectImage(chat: ChatPage, name: string) {
  const img = chat.log.getByRole("img", { name, exact: true });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  return img;
}

test("an image and a PDF attached, sent and seen by the other person; signed out, neither is served", async ({ newUser, browser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Album"));
  await bob.openRoom(path);

  await ada.page.getByLabel("Attach files", { exact: true }).setInputFiles([await photo(), pdf()]);
  const attachments = ada.page.getByRole("list", { name: "Attachments" });
  await expect(attachments.getByRole("listitem")).toHaveCount(2);
  await expect(attachments.getByRole("button", { name: "Remove photo.jpg" })).toBeVisible();
  await ada.composer.fill("Holiday pictures and the report");
  await ada.composer.press("Enter");
  await expect(attachments).toHaveCount(0);
  await expect(ada.message("Holiday pictures")).toHaveAttribute("data-status", "sent");

  const img = await expectImage(bob, "photo.jpg");
  const box = await img.boundingBox();
  expect(box!.width).toBeGreaterThan(100);
  const link = bob.log.getByRole("link", { name: "report.pdf", exact: true });
  await expect(link).toBeVisible();
  await expect(bob.message("Holiday pictures")).toContainText("PDF");

  // The thumbnail and the file, by the addresses Bob's page uses: a signed-out browser gets 404.
  const thumbnail = (await img.getAttribute("src"))!;
  const file = (await link.getAttribute("href"))!;
  expect((await bob.page.request.get(file)).status()).toBe(200);
  const stranger = await browser.newContext();
  for (const url of [thumbnail, file]) expect((await stranger.request.get(new URL(url, bob.page.url()).href)).status(), url).toBe(404);
  await stranger.close();
  // What Bob downloads of the photo says nothing of where it was taken.
  const original = await bob.page.request.get(thumbnail.replace(/\/thumbnail$/, ""));
  const bytes = await original.body();
  expect(bytes.includes("Secret Maker")).toBe(false);
  expect((await sharp(bytes).metadata()).exif).toBeUndefined();
});

test("a file only, removed and attached again; an image pasted, another dropped on the room: each message carries what its composer showed", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Paste"));
  await bob.openRoom(path);
  const input = ada.page.getByLabel("Attach files", { exact: true });
  const attachments = ada.page.getByRole("list", { name: "Attachments" });
  await input.setInputFiles([pdf("wrong.pdf")]);
  await ada.page.getByRole("button", { name: "Remove wrong.pdf" }).click();
  await input.setInputFiles([pdf("right.pdf")]);
  await expect(attachments.getByRole("listitem")).toHaveCount(1);
  // Nothing typed: a message of files only.
  await expect(ada.sendButton).toBeEnabled();
  await ada.sendButton.click();
  await expect(bob.log.getByRole("link", { name: "right.pdf", exact: true })).toBeVisible();
  await expect(bob.log.getByRole("link", { name: "wrong.pdf" })).toHaveCount(0);

  const png = [...(await sharp({ create: { width: 40, height: 30, channels: 3, background: "orange" } }).png().toBuffer())];
  // A screenshot pasted into the message box.
  await ada.composer.evaluate((box, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "screenshot.png", { type: "image/png" }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, png);
  await expect(attachments.getByRole("button", { name: "Remove screenshot.png" })).toBeVisible();
  await ada.send("pasted");
  await expectImage(bob, "screenshot.png");
  // A picture dropped on the conversation.
  await ada.page.getByRole("region", { name: "Conversation" }).evaluate((room, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
    room.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    room.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, png);
  await expect(attachments.getByRole("button", { name: "Remove dropped.png" })).toBeVisible();
  await ada.send("dropped");
  await expectImage(bob, "dropped.png");
  await expect(bob.message("dropped").getByRole("img")).toHaveCount(1);
});

test("attached and sent offline, the tab closed, back online: the file and its message arrive once", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Train"));
  await bob.openRoom(path);
  const context = ada.page.context();

  await context.setOffline(true);
  await expect(ada.connection).toHaveText("Offline");
  await ada.page.getByLabel("Attach files", { exact: true }).setInputFiles([await photo("tunnel.jpg")]);
  // The upload cannot start: it waits, shown as such.
  await expect(ada.page.getByRole("list", { name: "Attachments" })).toContainText("Waiting for the connection");
  await ada.send("from the tunnel");
  await expect(ada.message("from the tunnel")).toHaveAttribute("data-status", "pending");
  await expect(ada.message("from the tunnel").getByRole("progressbar", { name: "Uploading tunnel.jpg" })).toBeVisible();
  await ada.page.close();

  await context.setOffline(false);
  const reopened = await context.newPage();
  const uploads: number[] = [];
  reopened.on("response", (r) => {
    if (r.request().method() === "PUT" && r.url().includes("/api/files/")) uploads.push(r.status());
  });
  const again = new ChatPage(reopened);
  await again.openRoom(path);
  await expect(again.message("from the tunnel")).toHaveAttribute("data-status", "sent");
  await expectImage(bob, "tunnel.jpg");
  await expect(bob.message("from the tunnel")).toHaveCount(1);
  await expect(bob.log.getByRole("img", { name: "tunnel.jpg" })).toHaveCount(1);
  expect(uploads).toEqual([201]);
});

test("an upload whose answer is lost is sent again under its id: one file stored, one image shown", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Lost"));
  await bob.openRoom(path);
  const statuses: number[] = [];
  let first = true;
  await ada.page.route("**/api/files/*", async (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    // The server gets the upload and stores it; its answer never reaches the page (once).
    const response = await route.fetch();
    statuses.push(response.status());
    if (first) {
      first = false;
      return route.abort("connectionreset");
    }
    return route.fulfill({ response });
  });
  await ada.page.getByLabel("Attach files", { exact: true }).setInputFiles([await photo("lost.jpg")]);
  await ada.send("answer lost");
  await expect(ada.message("answer lost")).toHaveAttribute("data-status", "sent", { timeout: 20_000 });
  // Stored by the first request (201), recognised by the retry (200): one file.
  expect(statuses).toEqual([201, 200]);
  await expectImage(bob, "lost.jpg");
  await expect(bob.log.getByRole("img", { name: "lost.jpg" })).toHaveCount(1);
});

test.describe("with a server of its own", () => {
  let server: ServerProcess;
  test.beforeEach(async ({}, testInfo) => {
    server = new ServerProcess(3260 + testInfo.workerIndex);
    await server.start();
  });
  test.afterEach(async () => {
    await server.dispose();
  });

  test("the server killed mid-upload: no half-visible message, and the upload finishes afterwards", async ({ browser }) => {
    test.setTimeout(120_000); // two server starts
    const people = [await signedIn(browser, uniqueName("Ada"), server.url), await signedIn(browser, uniqueName("Bob"), server.url)];
    const [ada, bob] = people as [ChatPage, ChatPage];
    const path = await ada.createRoom(uniqueName("Fragile"));
    await bob.openRoom(path);
    // A slow uplink (1 MB/s) and 8 MB to send: the upload is under way when the server dies.
    const cdp = await ada.page.context().newCDPSession(ada.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    const bytes = Buffer.alloc(8 * 1024 * 1024, 7);
    await ada.page.getByLabel("Attach files", { exact: true }).setInputFiles([{ name: "dataset.bin", mimeType: "application/octet-stream", buffer: bytes }]);
    await ada.send("the dataset");
    const progress = ada.message("the dataset").getByRole("progressbar", { name: "Uploading dataset.bin" });
    await expect.poll(async () => Number(await progress.getAttribute("aria-valuenow")), { timeout: 20_000 }).toBeGreaterThan(5);
    expect(Number(await progress.getAttribute("aria-valuenow"))).toBeLessThan(90);

    expect(await server.stop("SIGKILL")).toBeNull();
    await expect(ada.message("the dataset")).toHaveAttribute("data-status", "pending");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await server.start();
    for (const chat of [ada, bob]) await expect(chat.connection).toHaveText("Connected", { timeout: 20_000 });
    await expect(ada.message("the dataset")).toHaveAttribute("data-status", "sent", { timeout: 40_000 });
    const link = bob.log.getByRole("link", { name: "dataset.bin", exact: true });
    await expect(link).toHaveCount(1);
    await expect(bob.message("the dataset")).toHaveCount(1);
    const downloaded = await bob.page.request.get(new URL((await link.getAttribute("href"))!, server.url).href);
    expect((await downloaded.body()).equals(bytes)).toBe(true);
    for (const chat of people) await chat.page.context().close();
  });
});

test("a profile picture set in Settings shows beside the person's messages and in the Online list for the others at once; removed, initials again", async ({ newUser }) => {
  const adaName = uniqueName("Ada");
  const ada = await newUser(adaName);
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Faces"));
  await bob.openRoom(path);
  await ada.send("before the picture");
  const byAda = bob.message("before the picture");
  await expect(byAda).toBeVisible();
  const adaOnline = bob.online.getByRole("listitem").filter({ hasText: adaName });
  await expect(adaOnline.locator("img")).toHaveCount(0);

  // Ada sets one in Settings, in another tab: the page she chats in learns it too.
  const settings = await ada.page.context().newPage();
  await settings.goto("/settings");
  await settings.getByLabel("Upload a profile picture", { exact: true }).setInputFiles(await photo("me.jpg"));
  await expect(settings.getByText("Profile picture saved.")).toBeVisible();

  for (const picture of [byAda.locator("img[data-avatar]"), adaOnline.locator("img[data-avatar]"), ada.online.getByRole("listitem").filter({ hasText: "(you)" }).locator("img[data-avatar]")]) {
    await expect(picture).toBeVisible();
    await expect.poll(() => picture.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(256);
  }
  // Her next message (after Bob's), and the Online list after a reload, carry it from the server.
  await bob.send("from bob");
  await expect(ada.message("from bob")).toBeVisible();
  await ada.send("after the picture");
  await expect(bob.message("after the picture").locator("img[data-avatar]")).toBeVisible();
  await bob.page.reload();
  await expect(bob.log).toHaveAttribute("aria-busy", "false");
  await expect(bob.message("before the picture").locator("img[data-avatar]")).toBeVisible();
  await expect(adaOnline.locator("img[data-avatar]")).toBeVisible();

  await settings.getByRole("button", { name: "Remove profile picture", exact: true }).click();
  await expect(settings.getByText("Profile picture removed.")).toBeVisible();
  await expect(adaOnline.locator("img")).toHaveCount(0);
  await expect(bob.message("before the picture").locator("img")).toHaveCount(0);
  await settings.close();
});
