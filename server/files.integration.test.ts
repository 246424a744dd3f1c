/**
 * Files over HTTP and both transports: uploads once per id, thumbnails without metadata,
 * access checked at every request (signed out, guessed, non-member, removed member, deleted),
 * what is never served inline, decompression bombs, and every limit with its code.
 */
import { randomUUID } from "node:crypto";
import zlib from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Attachment } from "./contract/files";
import { startTestServer, type TestServer } from "./test/harness";
import { clientsOf } from "./test/transport-clients";

let server: TestServer;
const client = clientsOf(() => server);

function upload(headers: Record<string, string>, bytes: Uint8Array, name: string, id: string = randomUUID(), purpose = "message") {
  return fetch(`${server.url}/api/files/${id}?name=${encodeURIComponent(name)}&purpose=${purpose}`, {
    method: "PUT",
    headers: { ...headers, origin: server.url, "content-type": "application/octet-stream" },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

async function uploaded(headers: Record<string, string>, bytes: Uint8Array, name: string, id?: string): Promise<Attachment> {
  const res = await upload(headers, bytes, name, id);
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload ${res.status}: ${await res.text()}`);
  return (await res.json()) as Attachment;
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

/** A JPEG that says who made it and where (EXIF: IFD0 Copyright, a GPS IFD). */
const jpegWithGps = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: "red" } })
    .jpeg()
    .withExif({ IFD0: { Copyright: "Secret Maker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" } })
    .toBuffer();

/** The GPS IFD pointer tag (0x8825) in either byte order. */
const hasGpsPointer = (b: Buffer) => b.includes(Buffer.from([0x25, 0x88])) || b.includes(Buffer.from([0x88, 0x25]));

/** A small PNG that claims to be `width`×`height` (a decompression bomb's header). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: "blue" } }).png().toBuffer());
  // IHDR is the first chunk: length (4) "IHDR" (4) width (4) height (4) … CRC over type + data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

/** A private room made by a browser. */
async function privateRoom(owner: { cookie: string }) {
  const socket = await server.socket(owner.cookie);
  const created = await socket.emitWithAck("room:create", { name: `Files ${randomUUID().slice(0, 6)}`, visibility: "private" });
  if (!created.ok) throw new Error(created.error.message);
  return { room: created.data.room, socket };
}

describe.each(["socket.io", "ws"] as const)("files over %s", (transport) => {
  it("an image and a PDF go with a message; members read them, nobody else does, and the GPS is gone", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const owner = await server.guest("Owner");
    const { room, socket } = await privateRoom(owner);
    const invite = await socket.emitWithAck("room:invite", { roomId: room.id });
    if (!invite.ok) throw new Error(invite.error.message);
    const bob = await client("socket.io", "Bob");
    for (const c of [ada, bob]) expect((await c.request("room:join", { slug: room.slug, invite: invite.data.token })).ok).toBe(true);

    const photo = await uploaded(ada.http, await jpegWithGps(), "holiday.jpg");
    expect(photo).toMatchObject({ name: "holiday.jpg", type: "image/jpeg", image: { width: 64, height: 48, thumbWidth: 64, thumbHeight: 48 } });
    const pdfBytes = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const pdf = await uploaded(ada.http, pdfBytes, "report.pdf");
    expect(pdf).toMatchObject({ name: "report.pdf", type: "application/pdf", size: pdfBytes.length });
    expect(pdf.image).toBeUndefined();

    // Before a message links them, only their owner reads them.
    expect((await get(`/api/files/${photo.id}`, ada.http)).status).toBe(200);
    expect((await get(`/api/files/${photo.id}`, bob.http)).status).toBe(404);

    const heard = bob.next((e) => e.type === "message.created" && e.message.attachments?.length === 2);
    const sent = await ada.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "", attachments: [photo.id, pdf.id] });
    expect(sent).toMatchObject({ ok: true });
    const event = await heard;
    expect(event.type === "message.created" && event.message.attachments).toEqual([photo, pdf]);

    // Bob, a member, reads both; the thumbnail is a WebP; the image is inline, the PDF a download.
    const original = await get(`/api/files/${photo.id}`, bob.http);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("image/jpeg");
    expect(original.headers.get("content-disposition")).toMatch(/^inline; filename="holiday.jpg"/);
    expect(original.headers.get("x-content-type-options")).toBe("nosniff");
    expect(original.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(original.headers.get("cache-control")).toBe("private, no-cache");
    const bytes = Buffer.from(await original.arrayBuffer());
    expect(bytes.includes("Secret Maker")).toBe(false);
    expect(hasGpsPointer(bytes)).toBe(false);
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    const thumb = await get(`/api/files/${photo.id}/thumbnail`, bob.http);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).exif).toBeUndefined();
    const file = await get(`/api/files/${pdf.id}`, bob.http);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="report.pdf"/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(pdfBytes);
    // A range of it.
    const part = await get(`/api/files/${pdf.id}`, { ...bob.http, range: "bytes=1-3" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1-3/${pdfBytes.length}`);
    expect(await part.text()).toBe("PDF");

    // Signed out, a stranger, a guessed id: 404, from Parley's route (JSON), for both files and the thumbnail.
    const stranger = await server.guest("Stranger");
    for (const path of [`/api/files/${photo.id}`, `/api/files/${photo.id}/thumbnail`, `/api/files/${pdf.id}`]) {
      for (const headers of [{}, { cookie: stranger.cookie }, { authorization: "Bearer prl_guessed" }] as Array<Record<string, string>>) {
        const res = await get(path, headers);
        expect(res.status, `${path} with ${JSON.stringify(headers)}`).toBe(404);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      }
    }
    expect((await get(`/api/files/${randomUUID()}`, bob.http)).status).toBe(404);
    expect((await get(`/api/files/not-a-uuid`, bob.http)).status).toBe(404);
    const deeper = await get(`/api/files/${photo.id}/thumbnail/more`, bob.http);
    expect([deeper.status, deeper.headers.get("content-type")]).toEqual([404, "application/json; charset=utf-8"]);

    // Bob is removed from the room: at his next request, nothing.
    const removed = await socket.emitWithAck("room:remove-member", { roomId: room.id, userId: bob.user.id });
    expect(removed.ok).toBe(true);
    expect((await get(`/api/files/${photo.id}`, bob.http)).status).toBe(404);
    expect((await get(`/api/files/${photo.id}/thumbnail`, bob.http)).status).toBe(404);

    // Ada deletes the message: her files go with it, for everyone.
    const deleted = await ada.request("message:delete", { roomId: room.id, messageId: sent.ok ? sent.data.message.id : "", clientChangeId: randomUUID() });
    expect(deleted.ok).toBe(true);
    expect((await get(`/api/files/${photo.id}`, ada.http)).status).toBe(404);
    expect((await get(`/api/files/${pdf.id}`, { cookie: owner.cookie })).status).toBe(404);
    const history = await ada.request("message:history", { roomId: room.id });
    expect(history.ok && history.data.messages[0]).toMatchObject({ deleted: true });
    expect(history.ok && history.data.messages[0].attachments).toBeUndefined();
  });

  it("a retried upload stores one file; a resent message is one message; a file goes with one message only", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const id = randomUUID();
    const bytes = Buffer.from("hello, file");
    const first = await upload(ada.http, bytes, "a.txt", id);
    expect(first.status).toBe(201);
    const again = await upload(ada.http, bytes, "a.txt", id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    // Someone else cannot take (or overwrite) that id.
    const eve = await client("socket.io", "Eve");
    const taken = await upload(eve.http, Buffer.from("evil"), "a.txt", id);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "file_unavailable" } });
    expect(await (await get(`/api/files/${id}`, ada.http)).text()).toBe("hello, file");
    // Nor send it.
    const target = await server.socket((await server.guest("Host")).cookie);
    const made = await target.emitWithAck("room:create", { name: `Open ${randomUUID().slice(0, 6)}` });
    if (!made.ok) throw new Error(made.error.message);
    for (const c of [ada, eve]) await c.request("room:join", { slug: made.data.room.slug });
    expect(await eve.request("message:send", { roomId: made.data.room.id, clientId: randomUUID(), body: "mine", attachments: [id] })).toMatchObject({
      ok: false,
      error: { code: "file_unavailable" },
    });
    const clientId = randomUUID();
    const once = await ada.request("message:send", { roomId: made.data.room.id, clientId, body: "with a file", attachments: [id] });
    const twice = await ada.request("message:send", { roomId: made.data.room.id, clientId, body: "with a file", attachments: [id] });
    expect(once.ok && twice.ok && twice.data.message.id).toBe(once.ok ? once.data.message.id : "x");
    // Another message cannot carry the same file.
    expect(await ada.request("message:send", { roomId: made.data.room.id, clientId: randomUUID(), body: "again", attachments: [id] })).toMatchObject({
      ok: false,
      error: { code: "file_unavailable" },
    });
    const history = await ada.request("message:history", { roomId: made.data.room.id });
    expect(history.ok && history.data.messages.map((m: { body: string }) => m.body)).toEqual(["with a file"]);
    // An edit keeps the files.
    const edited = await ada.request("message:edit", { roomId: made.data.room.id, messageId: once.ok ? once.data.message.id : "", clientChangeId: randomUUID(), body: "" });
    expect(edited.ok).toBe(true);
    const after = await ada.request("message:history", { roomId: made.data.room.id });
    expect(after.ok && after.data.messages[0]).toMatchObject({ body: "", attachments: [{ id }] });
  });
});

describe.each(["socket.io", "ws"] as const)("profile pictures over %s", (transport) => {
  it("an avatar is a square thumbnail without metadata, set for everyone at once, beside messages and in presence; replaced and removed", async () => {
    server = await startTestServer();
    const ada = await client(transport, "Ada");
    const bob = await client("socket.io", "Bob");
    const host = await server.socket((await server.guest("Host")).cookie);
    const made = await host.emitWithAck("room:create", { name: `Faces ${randomUUID().slice(0, 6)}` });
    if (!made.ok) throw new Error(made.error.message);
    const room = made.data.room;
    for (const c of [ada, bob]) expect((await c.request("room:join", { slug: room.slug })).ok).toBe(true);

    // Only an image may be a profile picture; it gets a square thumbnail.
    const pdf = await upload(ada.http, Buffer.from("%PDF-1.4\n%%EOF\n"), "me.pdf", randomUUID(), "avatar");
    expect(pdf.status).toBe(415);
    expect(await pdf.json()).toMatchObject({ error: { code: "not_an_image" } });
    expect((await upload(ada.http, Buffer.from("x"), "me.png", randomUUID(), "banner")).status).toBe(400);
    const wide = await sharp({ create: { width: 120, height: 60, channels: 3, background: "green" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "Secret Maker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
      .toBuffer();
    const first = await (async () => {
      const res = await upload(ada.http, wide, "me.jpg", randomUUID(), "avatar");
      expect(res.status).toBe(201);
      return (await res.json()) as Attachment;
    })();
    expect(first.image).toMatchObject({ width: 120, height: 60, thumbWidth: 256, thumbHeight: 256 });

    // Neither someone else's picture nor a message's file can be one's own.
    const bobs = await uploaded(bob.http, wide, "bob.jpg");
    expect(await ada.request("account:avatar", { fileId: bobs.id })).toMatchObject({ ok: false, error: { code: "file_unavailable" } });
    const attachment = await uploaded(ada.http, wide, "attachment.jpg");
    expect(await ada.request("account:avatar", { fileId: attachment.id })).toMatchObject({ ok: false, error: { code: "file_unavailable" } });
    expect(await ada.request("account:avatar", { fileId: "not-a-uuid" })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });

    // Set: Ada's connections hear it, and Bob's presence list shows it at once.
    const inPresence = bob.next((e) => e.type === "presence.changed" && e.online.some((u) => u.id === ada.user.id && u.avatar === first.id));
    const told = ada.next((e) => e.type === "profile.changed");
    expect(await ada.request("account:avatar", { fileId: first.id })).toEqual({ ok: true, data: { user: { id: ada.user.id, name: ada.user.name, avatar: first.id } } });
    await inPresence;
    expect(await told).toMatchObject({ user: { avatar: first.id } });

    // Anyone signed in reads its thumbnail (a 256×256 WebP without EXIF); nobody signed out does.
    const thumb = await get(`/api/files/${first.id}/thumbnail`, bob.http);
    expect([thumb.status, thumb.headers.get("content-type")]).toEqual([200, "image/webp"]);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([256, 256, undefined]);
    const original = Buffer.from(await (await get(`/api/files/${first.id}`, bob.http)).arrayBuffer());
    expect(original.includes("Secret Maker")).toBe(false);
    expect((await get(`/api/files/${first.id}/thumbnail`)).status).toBe(404);

    // Beside her messages: live, and in the history everyone reads.
    const live = bob.next((e) => e.type === "message.created" && e.message.body === "hello");
    expect((await ada.request("message:send", { roomId: room.id, clientId: randomUUID(), body: "hello" })).ok).toBe(true);
    expect(await live).toMatchObject({ message: { author: { id: ada.user.id, avatar: first.id } } });
    const history = await bob.request("message:history", { roomId: room.id });
    expect(history.ok && history.data.messages.at(-1).author).toEqual({ id: ada.user.id, name: ada.user.name, avatar: first.id });

    // Replaced: the old picture is gone at once; her old messages show the new one.
    const second = await (async () => {
      const res = await upload(ada.http, await sharp({ create: { width: 40, height: 90, channels: 3, background: "blue" } }).png().toBuffer(), "me2.png", randomUUID(), "avatar");
      expect(res.status).toBe(201);
      return (await res.json()) as Attachment;
    })();
    const replaced = bob.next((e) => e.type === "presence.changed" && e.online.some((u) => u.id === ada.user.id && u.avatar === second.id));
    expect((await ada.request("account:avatar", { fileId: second.id })).ok).toBe(true);
    await replaced;
    expect((await get(`/api/files/${first.id}/thumbnail`, bob.http)).status).toBe(404);
    const again = await bob.request("message:history", { roomId: room.id });
    expect(again.ok && again.data.messages.at(-1).author.avatar).toBe(second.id);

    // Removed: initials again everywhere.
    const removed = bob.next((e) => e.type === "presence.changed" && e.online.some((u) => u.id === ada.user.id && u.avatar === undefined));
    expect(await ada.request("account:avatar", { fileId: null })).toEqual({ ok: true, data: { user: { id: ada.user.id, name: ada.user.name } } });
    await removed;
    expect((await get(`/api/files/${second.id}/thumbnail`, bob.http)).status).toBe(404);
    const last = await bob.request("message:history", { roomId: room.id });
    expect(last.ok && last.data.messages.at(-1).author).toEqual({ id: ada.user.id, name: ada.user.name });
  });
});

describe("files: what is never shown inline", () => {
  it("SVG, HTML and HTML named .png are downloads; a decompression bomb and an over-limit image are file cards", async () => {
    server = await startTestServer({ files: { imagePixels: 10_000_000 } });
    const ada = await client("socket.io", "Ada");
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`);
    const html = Buffer.from(`<!doctype html><html><body><script>alert(document.cookie)</script></body></html>`);
    for (const [bytes, name] of [
      [svg, "logo.svg"],
      [html, "page.html"],
      [html, "innocent.png"],
    ] as const) {
      const file = await uploaded(ada.http, bytes, name);
      expect(file.image, name).toBeUndefined();
      const res = await get(`/api/files/${file.id}`, ada.http);
      expect(res.headers.get("content-disposition"), name).toMatch(/^attachment;/);
      expect(res.headers.get("content-type"), name).not.toMatch(/svg|html/);
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
      expect((await get(`/api/files/${file.id}/thumbnail`, ada.http)).status).toBe(404);
    }
    // 60 000 × 60 000 pixels claimed by a few hundred bytes: never decoded.
    const rssBefore = process.memoryUsage().rss;
    const bomb = await uploaded(ada.http, await pngClaiming(60_000, 60_000), "bomb.png");
    expect(bomb).toMatchObject({ type: "image/png" });
    expect(bomb.image).toBeUndefined();
    const big = await uploaded(ada.http, await pngClaiming(4000, 3000), "big.png");
    expect(big.image).toBeUndefined();
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    const res = await get(`/api/files/${bomb.id}`, ada.http);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/); // never decoded, never inline
    // A file name with a path and control characters is cleaned; one in any script is kept (filename*).
    const named = await uploaded(ada.http, Buffer.from("x"), "../../etc/pass\u202Ewd");
    expect(named.name).toBe(".._.._etc_passwd");
    const unicode = await uploaded(ada.http, Buffer.from("x"), "naïve résumé 📄.txt");
    expect((await get(`/api/files/${unicode.id}`, ada.http)).headers.get("content-disposition")).toContain("filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%F0%9F%93%84.txt");
  });
});

describe("files: metadata", () => {
  it("a photo taken sideways is turned upright and written again; a PNG keeps its pixels and loses its text; neither keeps metadata", async () => {
    server = await startTestServer();
    const ada = await client("socket.io", "Ada");
    // 64×48 as stored, EXIF orientation 6 (turn 90° clockwise to show it): 48×64 as seen.
    const sideways = await sharp({ create: { width: 64, height: 48, channels: 3, background: "green" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "Secret Maker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
    const turned = await uploaded(ada.http, sideways, "sideways.jpg");
    expect(turned.image).toMatchObject({ width: 48, height: 64, thumbWidth: 48, thumbHeight: 64 });
    const bytes = Buffer.from(await (await get(`/api/files/${turned.id}`, ada.http)).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([48, 64, undefined, undefined]);
    expect(bytes.includes("Secret Maker") || hasGpsPointer(bytes)).toBe(false);

    const png = await sharp({ create: { width: 10, height: 10, channels: 4, background: "red" } })
      .png()
      .withExif({ IFD0: { Copyright: "Secret Maker" } })
      .toBuffer();
    expect(png.includes("Secret Maker")).toBe(true);
    const pixels = await sharp(png).raw().toBuffer();
    const kept = await uploaded(ada.http, png, "dot.png");
    expect(kept.image).toMatchObject({ width: 10, height: 10 });
    const served = Buffer.from(await (await get(`/api/files/${kept.id}`, ada.http)).arrayBuffer());
    expect(served.includes("Secret Maker")).toBe(false);
    expect((await sharp(served).metadata()).exif).toBeUndefined();
    expect((await sharp(served).raw().toBuffer()).equals(pixels)).toBe(true);
  });
});

describe("files: limits", () => {
  it("over-size, over-quota, too fast and guests off are each refused with their code", async () => {
    server = await startTestServer({ files: { policy: { fileBytes: 1000, quotaBytes: 1500, filesPerMessage: 2 }, uploadsPerMinute: 6 }, security: { rateLimitScale: 1 } });
    const ada = await client("socket.io", "Ada");
    const tooBig = await upload(ada.http, Buffer.alloc(1001), "big.bin");
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: "file_too_large" } });
    const files = [await uploaded(ada.http, Buffer.alloc(700), "a.bin"), await uploaded(ada.http, Buffer.alloc(700), "b.bin")];
    const over = await upload(ada.http, Buffer.alloc(200), "c.bin");
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: "file_quota_exceeded" } });
    const small = await uploaded(ada.http, Buffer.alloc(10), "d.bin");
    // Three files on a message that may carry two.
    const host = await server.socket((await server.guest("Host")).cookie);
    const made = await host.emitWithAck("room:create", { name: `Open ${randomUUID().slice(0, 6)}` });
    if (!made.ok) throw new Error(made.error.message);
    await ada.request("room:join", { slug: made.data.room.slug });
    expect(await ada.request("message:send", { roomId: made.data.room.id, clientId: randomUUID(), body: "", attachments: [...files.map((f) => f.id), small.id] })).toMatchObject({
      ok: false,
      error: { code: "too_many_files" },
    });
    // The sixth upload this minute was the last.
    await upload(ada.http, Buffer.alloc(1), "e.bin");
    const fast = await upload(ada.http, Buffer.alloc(1), "f.bin");
    expect(fast.status).toBe(429);
    expect(await fast.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Signed out: 401; from another site with a cookie: refused.
    expect((await fetch(`${server.url}/api/files/${randomUUID()}?name=x`, { method: "PUT", body: "x" })).status).toBe(401);
    const crossSite = await fetch(`${server.url}/api/files/${randomUUID()}?name=x`, { method: "PUT", body: "x", headers: { ...ada.http, origin: "https://evil.example" } });
    expect(crossSite.status).toBe(401);
    await server.close();

    server = await startTestServer({ files: { policy: { guestUploads: false } } });
    const guest = await client("socket.io", "Guest");
    const refused = await upload(guest.http, Buffer.from("x"), "x.txt");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "uploads_off" } });
    expect(await (await get("/api/files/limits", guest.http)).json()).toMatchObject({ mayUpload: false, fileBytes: 25 * 1024 * 1024 });
    // An account (here a bot's token) may.
    const bot = await client("ws", "Bot");
    expect((await upload(bot.http, Buffer.from("x"), "x.txt")).status).toBe(201);
  });

  it("uploads nobody sent are swept after their time; a sent one stays", async () => {
    server = await startTestServer({ files: { orphanMs: 1, sweepEveryMs: 60_000 } });
    const ada = await client("socket.io", "Ada");
    const host = await server.socket((await server.guest("Host")).cookie);
    const made = await host.emitWithAck("room:create", { name: `Open ${randomUUID().slice(0, 6)}` });
    if (!made.ok) throw new Error(made.error.message);
    await ada.request("room:join", { slug: made.data.room.slug });
    const kept = await uploaded(ada.http, Buffer.from("kept"), "kept.txt");
    const abandoned = await uploaded(ada.http, Buffer.from("abandoned"), "abandoned.txt");
    expect((await ada.request("message:send", { roomId: made.data.room.id, clientId: randomUUID(), body: "", attachments: [kept.id] })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    const swept = await server.services.files.sweep(1);
    expect(swept.files).toBe(1);
    expect((await get(`/api/files/${abandoned.id}`, ada.http)).status).toBe(404);
    expect(await (await get(`/api/files/${kept.id}`, ada.http)).text()).toBe("kept");
  });
});
