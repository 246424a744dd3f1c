/**
 * The file ports' contract, over every store: memory, SQLite (bytes on disk) and PostgreSQL
 * (bytes in chunks). Bytes are written whole or not at all, read back in ranges across
 * chunks; records link to a message in the append's commit, once, and a deletion takes them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../contract/files";
import { storeImplementations } from "./contract-stores";
import type { Stores } from "./ports";

const implementations = await storeImplementations();

async function readAll(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error("nothing stored");
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** `total` bytes in pieces of `piece`, failing after `failAfter` bytes when given. */
async function* source(bytes: Buffer, piece = 64 * 1024, failAfter?: number) {
  for (let at = 0; at < bytes.length; at += piece) {
    if (failAfter !== undefined && at >= failAfter) throw new Error("the client went away");
    yield bytes.subarray(at, at + piece);
  }
}

describe.each(implementations)("file stores: %s", (_name, make) => {
  let repos: Stores;
  let addUser: (u: { id: string; name: string }) => Promise<void>;
  const ada = { id: randomUUID(), name: "Ada" };
  const bob = { id: randomUUID(), name: "Bob" };

  beforeEach(async () => {
    const made = await make();
    repos = made.repos;
    addUser = made.addUser;
    await addUser(ada);
    await addUser(bob);
  });

  it("bytes: written whole, read whole and in ranges across chunks, sized, deleted", async () => {
    const key = randomUUID();
    const bytes = randomBytes(700 * 1024 + 13); // several PostgreSQL chunks, an odd tail
    expect(await repos.fileBytes.write(key, source(bytes, 50_000))).toBe(bytes.length);
    expect(await repos.fileBytes.size(key)).toBe(bytes.length);
    expect((await readAll(await repos.fileBytes.read(key))).equals(bytes)).toBe(true);
    for (const [start, end] of [
      [0, 0],
      [262_140, 262_150],
      [100, 600_000],
      [bytes.length - 5, bytes.length - 1],
    ] as const) {
      expect((await readAll(await repos.fileBytes.read(key, { start, end }))).equals(bytes.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
    }
    // A thumbnail beside it, then both gone.
    await repos.fileBytes.write(`${key}.thumbnail`, source(Buffer.from("thumb")));
    expect(await readAll(await repos.fileBytes.read(`${key}.thumbnail`))).toEqual(Buffer.from("thumb"));
    await repos.fileBytes.delete([key, `${key}.thumbnail`, randomUUID()]);
    expect(await repos.fileBytes.read(key)).toBeNull();
    expect(await repos.fileBytes.size(`${key}.thumbnail`)).toBeNull();
    // An empty file is a file.
    const empty = randomUUID();
    expect(await repos.fileBytes.write(empty, source(Buffer.alloc(0)))).toBe(0);
    expect(await repos.fileBytes.size(empty)).toBe(0);
  });

  it("bytes: a local file stored by path (where the store offers it) reads back the same", async (ctx) => {
    if (!repos.fileBytes.writeFile) ctx.skip("this store takes streams only (write)");
    const dir = await mkdtemp(join(tmpdir(), "parley-contract-"));
    const bytes = randomBytes(300 * 1024);
    await writeFile(join(dir, "local"), bytes);
    const key = randomUUID();
    expect(await repos.fileBytes.writeFile!(key, join(dir, "local"))).toBe(bytes.length);
    expect((await readAll(await repos.fileBytes.read(key, { start: 10, end: 299_999 }))).equals(bytes.subarray(10, 300_000))).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it("bytes: a write cut off halfway leaves nothing readable, and the key can be written again", async () => {
    const key = randomUUID();
    const bytes = randomBytes(600 * 1024);
    await expect(repos.fileBytes.write(key, source(bytes, 64 * 1024, 300 * 1024))).rejects.toThrow(/went away/);
    expect(await repos.fileBytes.read(key)).toBeNull();
    expect(await repos.fileBytes.size(key)).toBeNull();
    await repos.fileBytes.write(key, source(bytes));
    expect((await readAll(await repos.fileBytes.read(key))).equals(bytes)).toBe(true);
    // Written a moment ago: not among the keys older than a minute ago, among those older than a minute from now.
    expect(await repos.fileBytes.keysBefore(new Date(Date.now() - 60_000), 100)).not.toContain(key);
    expect(await repos.fileBytes.keysBefore(new Date(Date.now() + 60_000), 10_000)).toContain(key);
  });

  it("records: one per id, usage, linked by the append in its commit (once), deleted with the message, swept", async () => {
    const room = await repos.rooms.create({ id: randomUUID(), slug: "files", name: "Files", createdById: ada.id, visibility: "public" });
    const file = (id: string, size: number, ownerId = ada.id) => ({ id, key: randomUUID(), ownerId, name: `${id.slice(0, 4)}.bin`, type: "application/octet-stream", size, purpose: "message" as const, createdAt: new Date() });
    const a = file(randomUUID(), 100);
    const b = file(randomUUID(), 50);
    expect(await repos.files.create(a)).toBe(true);
    expect(await repos.files.create({ ...a, key: randomUUID() })).toBe(false);
    expect(await repos.files.create(b)).toBe(true);
    expect(await repos.files.create(file(randomUUID(), 7, bob.id))).toBe(true);
    expect(await repos.files.usage(ada.id)).toBe(150);
    expect((await repos.files.byIds([a.id, b.id, randomUUID()])).map((f) => f.id).sort()).toEqual([a.id, b.id].sort());
    expect(await repos.files.byId(a.id)).toMatchObject({ id: a.id, key: a.key, roomId: null, messageId: null, deleted: false });
    expect(await repos.files.existingKeys([a.key, "other"])).toEqual(new Set([a.key]));

    const attachment = (f: typeof a): Attachment => ({ id: f.id, name: f.name, type: f.type, size: f.size });
    const sent = await repos.messages.append({ id: randomUUID(), roomId: room.id, author: ada, clientId: randomUUID(), body: "", attachments: [attachment(a)] });
    expect(sent.message.attachments).toEqual([attachment(a)]);
    expect(await repos.files.byId(a.id)).toMatchObject({ roomId: room.id, messageId: sent.message.id });
    // Pages carry the attachments without a join; the quote of a files-only message names them.
    const [page] = await repos.messages.pageBefore(room.id, undefined, 10);
    expect(page?.attachments).toEqual([attachment(a)]);
    const reply = await repos.messages.append({ id: randomUUID(), roomId: room.id, author: bob, clientId: randomUUID(), body: "nice", replyToId: sent.message.id });
    const [, withQuote] = await repos.messages.pageAfter(room.id, 0, 10);
    expect(withQuote?.id).toBe(reply.message.id);
    expect(withQuote?.replyTo?.excerpt).toBe(`📎 ${a.name}`);
    // A second message cannot take a linked file (nor someone else's): the append fails, nothing is stored.
    await expect(repos.messages.append({ id: randomUUID(), roomId: room.id, author: ada, clientId: randomUUID(), body: "again", attachments: [attachment(a)] })).rejects.toMatchObject({ code: "FILE_TAKEN" });
    await expect(repos.messages.append({ id: randomUUID(), roomId: room.id, author: bob, clientId: randomUUID(), body: "hers", attachments: [attachment(b)] })).rejects.toMatchObject({ code: "FILE_TAKEN" });
    expect((await repos.messages.pageAfter(room.id, 0, 10)).map((m) => m.body)).toEqual(["", "nice"]);
    expect(await repos.files.byId(b.id)).toMatchObject({ messageId: null });

    // Deleted with its message: marked at once, then swept (with the unlinked ones older than the cut).
    const deleted = await repos.messages.applyChange({ id: randomUUID(), roomId: room.id, messageId: sent.message.id, actor: ada, clientChangeId: randomUUID(), kind: "delete" });
    expect(deleted).not.toBeNull();
    expect(await repos.files.byId(a.id)).toMatchObject({ deleted: true });
    expect(await repos.files.usage(ada.id)).toBe(50);
    const [tombstone] = await repos.messages.pageBefore(room.id, undefined, 1).then(() => repos.messages.pageAfter(room.id, 0, 1));
    expect(tombstone?.attachments).toBeUndefined();
    expect((await repos.files.sweepable(new Date(Date.now() - 3600_000), 100)).map((f) => f.id)).toEqual([a.id]);
    expect((await repos.files.sweepable(new Date(Date.now() + 60_000), 100)).map((f) => f.id).sort()).toHaveLength(3);
    await repos.files.remove([a.id]);
    expect(await repos.files.byId(a.id)).toBeNull();
  });

  it("avatars: one per user, carried by the people the stores read (history, members, people by id); swept once not in use", async () => {
    const room = await repos.rooms.create({ id: randomUUID(), slug: "faces", name: "Faces", createdById: ada.id, visibility: "private" });
    await repos.rooms.addMember(room.id, bob.id);
    const avatar = (ownerId: string) => ({
      id: randomUUID(),
      key: randomUUID(),
      ownerId,
      name: "me.png",
      type: "image/png",
      size: 10,
      image: { width: 10, height: 10, thumbWidth: 256, thumbHeight: 256 },
      purpose: "avatar" as const,
      createdAt: new Date(Date.now() - 7200_000),
    });
    const first = avatar(ada.id);
    const second = avatar(ada.id);
    const abandoned = avatar(bob.id);
    for (const f of [first, second, abandoned]) expect(await repos.files.create(f)).toBe(true);
    expect(await repos.files.byId(first.id)).toMatchObject({ purpose: "avatar", image: first.image });

    expect(await repos.files.setAvatar(ada.id, first.id)).toBeNull();
    await repos.messages.append({ id: randomUUID(), roomId: room.id, author: { ...ada, avatar: first.id }, clientId: randomUUID(), body: "hi" });
    const withAvatar = { ...ada, avatar: first.id };
    expect((await repos.messages.pageBefore(room.id, undefined, 10))[0]?.author).toEqual(withAvatar);
    expect(await repos.rooms.members(room.id)).toEqual([withAvatar, bob]);
    expect(await repos.rooms.usersByIds([ada.id])).toEqual([withAvatar]);
    // In use: never swept, however old; an avatar nobody uses is.
    const cut = new Date(Date.now() - 3600_000);
    expect((await repos.files.sweepable(cut, 100)).map((f) => f.id).sort()).toEqual([second.id, abandoned.id].sort());

    // Replaced: the history shows the new one (the stores join the account, not the message).
    expect(await repos.files.setAvatar(ada.id, second.id)).toBe(first.id);
    expect((await repos.messages.pageBefore(room.id, undefined, 10))[0]?.author).toEqual({ ...ada, avatar: second.id });
    expect((await repos.files.sweepable(cut, 100)).map((f) => f.id).sort()).toEqual([first.id, abandoned.id].sort());
    // Removed: no avatar at all.
    expect(await repos.files.setAvatar(ada.id, null)).toBe(second.id);
    expect((await repos.messages.pageBefore(room.id, undefined, 10))[0]?.author).toEqual(ada);
    expect(await repos.rooms.members(room.id)).toEqual([ada, bob]);
  });
});
