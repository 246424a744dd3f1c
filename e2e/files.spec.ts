import sharp from "sharp";
import { expect, test, uniqueName } from "./fixtures";
import type { ChatPage } from "./pages/chat-page";

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

test("a file only, removed and attached again, pasted as an image: the message carries what the composer shows", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bob = await newUser(uniqueName("Bob"));
  const path = await ada.createRoom(uniqueName("Paste"));
  await bob.openRoom(path);
  const input = ada.page.getByLabel("Attach files", { exact: true });
  await input.setInputFiles([pdf("wrong.pdf")]);
  await ada.page.getByRole("button", { name: "Remove wrong.pdf" }).click();
  await input.setInputFiles([pdf("right.pdf")]);
  await expect(ada.page.getByRole("list", { name: "Attachments" }).getByRole("listitem")).toHaveCount(1);
  // Nothing typed: a message of files only.
  await expect(ada.sendButton).toBeEnabled();
  await ada.sendButton.click();
  await expect(bob.log.getByRole("link", { name: "right.pdf", exact: true })).toBeVisible();
  await expect(bob.log.getByRole("link", { name: "wrong.pdf" })).toHaveCount(0);
});
