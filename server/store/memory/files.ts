import { Readable } from "node:stream";
import type { ByteRange, FileRepository, FileStore, StoredFileRecord } from "../ports";

/** Uploaded files' records in process (tests); the memory message store links them. */
export class MemoryFileRepository implements FileRepository {
  readonly files = new Map<string, StoredFileRecord>();
  /** Each user's profile picture (the accounts' `image`). */
  readonly avatarOf = new Map<string, string>();

  async create(file: Omit<StoredFileRecord, "roomId" | "messageId" | "deleted">): Promise<boolean> {
    if (this.files.has(file.id)) return false;
    this.files.set(file.id, { ...file, roomId: null, messageId: null, deleted: false });
    return true;
  }

  async byId(id: string) {
    const f = this.files.get(id);
    return f ? { ...f } : null;
  }

  async byIds(ids: readonly string[]) {
    return ids.flatMap((id) => (this.files.has(id) ? [{ ...this.files.get(id)! }] : []));
  }

  async usage(ownerId: string) {
    let total = 0;
    for (const f of this.files.values()) if (f.ownerId === ownerId && !f.deleted) total += f.size;
    return total;
  }

  async sweepable(before: Date, limit: number) {
    const found: Array<{ id: string; key: string }> = [];
    for (const f of this.files.values()) {
      if (f.deleted || (f.messageId === null && f.createdAt < before && this.avatarOf.get(f.ownerId) !== f.id)) found.push({ id: f.id, key: f.key });
    }
    return found.slice(0, limit);
  }

  async remove(ids: readonly string[]) {
    for (const id of ids) this.files.delete(id);
  }

  async setAvatar(userId: string, fileId: string | null) {
    const before = this.avatarOf.get(userId) ?? null;
    if (fileId) this.avatarOf.set(userId, fileId);
    else this.avatarOf.delete(userId);
    return before;
  }

  async existingKeys(keys: readonly string[]) {
    const all = new Set([...this.files.values()].map((f) => f.key));
    return new Set(keys.filter((k) => all.has(k)));
  }

  /** What an append does in its commit: true when every file was free and is now linked. */
  link(ids: readonly string[], ownerId: string, roomId: string, messageId: string): boolean {
    const files = ids.map((id) => this.files.get(id));
    if (files.some((f) => !f || f.ownerId !== ownerId || f.messageId !== null || f.deleted)) return false;
    for (const f of files) Object.assign(f!, { roomId, messageId });
    return true;
  }

  /** What a deletion does in its commit. */
  unlinkDeleted(messageId: string) {
    for (const f of this.files.values()) if (f.messageId === messageId) f.deleted = true;
  }
}

/** File bytes in process (tests). */
export class MemoryFileStore implements FileStore {
  private readonly blobs = new Map<string, { bytes: Buffer; at: Date }>();

  async write(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    this.blobs.set(key, { bytes, at: new Date() });
    return bytes.length;
  }

  async size(key: string) {
    return this.blobs.get(key)?.bytes.length ?? null;
  }

  async read(key: string, range?: ByteRange) {
    const blob = this.blobs.get(key);
    if (!blob) return null;
    return Readable.from([range ? blob.bytes.subarray(range.start, range.end + 1) : blob.bytes]);
  }

  async delete(keys: readonly string[]) {
    for (const k of keys) this.blobs.delete(k);
  }

  async keysBefore(before: Date, limit: number) {
    return [...this.blobs].filter(([, b]) => b.at < before).slice(0, limit).map(([k]) => k);
  }
}
