import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { FILE_LIMIT_DEFAULTS, type Attachment, type FileLimits } from "../contract/files";
import { withoutControls } from "../contract/limits";
import type { UserSummary } from "../contract/model";
import type { ByteRange, FileRepository, FileStore, StoredFileRecord } from "../store/ports";
import { DomainError } from "./errors";
import type { RoomService } from "./room.service";

/** What an upload became once read: its type (sniffed), size, and the bytes to store. */
export interface ProcessedUpload {
  type: string;
  size: number;
  /** Present when it is an image shown inline (a thumbnail was made). */
  image?: Attachment["image"];
  original(): AsyncIterable<Uint8Array>;
  thumbnail?(): AsyncIterable<Uint8Array>;
  /** Where the bytes are on this machine, when they are in files (a store on disk copies them in the kernel). */
  originalPath?: string;
  thumbnailPath?: string;
  /** Removes what processing left on the way (temporary files). */
  cleanup(): Promise<void>;
}

/**
 * Reads an upload (bounded by `maxBytes`: `file_too_large` past it) into what is stored
 * (server/files/processor.ts). `square`: the thumbnail is a square crop (a profile picture).
 */
export interface UploadProcessor {
  process(body: AsyncIterable<Uint8Array>, maxBytes: number, options?: { square?: boolean }): Promise<ProcessedUpload>;
}

/** What an upload is for: a message's attachment, or a profile picture (an image, thumbnailed square). */
export type UploadPurpose = "message" | "avatar";

export interface FilePolicy {
  fileBytes: number;
  filesPerMessage: number;
  quotaBytes: number;
  /** Whether guests (no account) may upload. */
  guestUploads: boolean;
}

export const DEFAULT_FILE_POLICY: FilePolicy = {
  fileBytes: FILE_LIMIT_DEFAULTS.fileBytes,
  filesPerMessage: FILE_LIMIT_DEFAULTS.filesPerMessage,
  quotaBytes: FILE_LIMIT_DEFAULTS.quotaBytes,
  guestUploads: true,
};

/** The one who uploads or reads: a user, and whether they are a guest. */
export type FileActor = UserSummary & { guest: boolean };

/** A file to send: what the route writes out. */
export interface FileDownload {
  file: StoredFileRecord;
  /** The media type of what `open` reads (WebP for a thumbnail). */
  type: string;
  size: number;
  open(range?: ByteRange): Promise<Readable | null>;
}

const notFound = () => new DomainError("not_found", "There is no such file.");

/** A file name as shown and offered: no path, no control characters, at most 200 characters. */
export function cleanFileName(raw: string): string {
  const base = withoutControls(raw).replace(/[\\/]/g, "_").trim();
  const chars = [...base];
  const name = chars.length > 200 ? chars.slice(0, 200).join("") : base;
  return name === "" || name === "." || name === ".." ? "file" : name;
}

/**
 * Files: uploads (once per client-chosen id, within the limits), which files a message may
 * carry, who may read a file (checked at every request, never from a capability in its
 * address), and the sweep of what nobody linked. Messages link their files in the append's
 * own commit (MessageRepository.append); a deletion marks them deleted in its own.
 */
export class FileService {
  constructor(
    private readonly files: FileRepository,
    private readonly bytes: FileStore,
    private readonly rooms: RoomService,
    private readonly processor: UploadProcessor,
    readonly policy: FilePolicy = DEFAULT_FILE_POLICY,
    private readonly now: () => Date = () => new Date(),
    /** Refuses a new upload from someone muted on the instance (the moderation service's check). */
    private readonly requireVoice?: (actor: FileActor, roomId: null) => Promise<void>,
  ) {}

  limitsFor(actor: FileActor): FileLimits {
    return { fileBytes: this.policy.fileBytes, filesPerMessage: this.policy.filesPerMessage, mayUpload: this.mayUpload(actor) };
  }

  private mayUpload(actor: FileActor): boolean {
    return !actor.guest || this.policy.guestUploads;
  }

  /**
   * What is checked before reading an upload's bytes: who uploads, the id (a retry of an
   * upload already stored answers it without reading anything), the declared size, the quota.
   * Resolves the stored file for a retry, or null to go on with `upload`.
   */
  async admit(actor: FileActor, id: string, declaredSize: number | undefined): Promise<Attachment | null> {
    if (!this.mayUpload(actor)) throw new DomainError("uploads_off", "Guests cannot upload files here: create an account first.");
    const existing = await this.files.byId(id);
    if (existing) {
      if (existing.ownerId !== actor.id || existing.deleted) throw new DomainError("file_unavailable", "This file id is taken.");
      return attachmentOf(existing);
    }
    await this.requireVoice?.(actor, null);
    if (declaredSize !== undefined && declaredSize > this.policy.fileBytes) throw tooLarge(this.policy.fileBytes);
    await this.requireQuota(actor, declaredSize ?? 0);
    return null;
  }

  /**
   * Stores an upload under the client's id: its bytes first (all or nothing), then its
   * record. A retry after a lost answer, or two uploads of one id at once, store one file.
   */
  async upload(actor: FileActor, input: { id: string; name: string; declaredSize?: number; purpose?: UploadPurpose }, body: AsyncIterable<Uint8Array>): Promise<Attachment> {
    const purpose = input.purpose ?? "message";
    const retry = await this.admit(actor, input.id, input.declaredSize);
    if (retry) return retry;
    const processed = await this.processor.process(body, this.policy.fileBytes, { square: purpose === "avatar" });
    try {
      if (purpose === "avatar" && !processed.image) {
        throw new DomainError("not_an_image", "A profile picture must be a PNG, JPEG, GIF or WebP image (at most 50 megapixels).");
      }
      await this.requireQuota(actor, processed.size);
      const key = randomUUID();
      const store = (k: string, path: string | undefined, bytes: () => AsyncIterable<Uint8Array>) =>
        path && this.bytes.writeFile ? this.bytes.writeFile(k, path) : this.bytes.write(k, bytes());
      await store(key, processed.originalPath, processed.original);
      if (processed.thumbnail) await store(`${key}.thumbnail`, processed.thumbnailPath, processed.thumbnail);
      const record = {
        id: input.id,
        key,
        ownerId: actor.id,
        name: cleanFileName(input.name),
        type: processed.type,
        size: processed.size,
        ...(processed.image ? { image: processed.image } : {}),
        purpose,
        createdAt: this.now(),
      };
      if (!(await this.files.create(record))) {
        // The same id stored meanwhile (a retry that overtook this one): keep that one.
        await this.bytes.delete([key, `${key}.thumbnail`]);
        const stored = await this.admit(actor, input.id, undefined);
        if (!stored) throw new DomainError("file_unavailable", "This file id is taken.");
        return stored;
      }
      return attachmentOf({ ...record, roomId: null, messageId: null, deleted: false });
    } finally {
      await processed.cleanup();
    }
  }

  private async requireQuota(actor: FileActor, adding: number): Promise<void> {
    const used = await this.files.usage(actor.id);
    if (used + adding > this.policy.quotaBytes) {
      throw new DomainError("file_quota_exceeded", "Your files take all the space you have: delete some messages with files first.");
    }
  }

  /**
   * The attachments a message of `author` may carry: each uploaded by them, not deleted,
   * listed once, at most `filesPerMessage`. (One already attached to another message is
   * refused by the append itself, in its commit.)
   */
  async forMessage(author: UserSummary, ids: readonly string[] | undefined): Promise<Attachment[]> {
    if (!ids || ids.length === 0) return [];
    const unique = [...new Set(ids)];
    if (unique.length > this.policy.filesPerMessage) throw new DomainError("too_many_files", `A message may carry at most ${this.policy.filesPerMessage} files.`);
    const found = new Map((await this.files.byIds(unique)).map((f) => [f.id, f]));
    return unique.map((id) => {
      const f = found.get(id);
      if (!f || f.ownerId !== author.id || f.deleted || f.purpose !== "message") {
        throw new DomainError("file_unavailable", "A file of this message was not uploaded (or was removed): attach it again.");
      }
      return attachmentOf(f);
    });
  }

  /**
   * A file (or its thumbnail) for `reader`, checked now: a file a message links is read by
   * whoever may read its room now (a removed member no longer may); one not linked yet only
   * by its owner; a deleted one by nobody. Anything else is "not found", never "forbidden":
   * a guessed id learns nothing.
   */
  async download(reader: UserSummary, id: string, variant: "original" | "thumbnail"): Promise<FileDownload> {
    const file = await this.files.byId(id);
    if (!file || file.deleted) throw notFound();
    if (file.purpose === "avatar") {
      // A profile picture is shown to everyone signed in.
    } else if (file.roomId && file.messageId) {
      await this.rooms.requireAccess(reader, file.roomId).catch(() => {
        throw notFound();
      });
    } else if (file.ownerId !== reader.id) {
      throw notFound();
    }
    const key = variant === "thumbnail" ? `${file.key}.thumbnail` : file.key;
    if (variant === "thumbnail" && !file.image) throw notFound();
    const size = variant === "thumbnail" ? await this.bytes.size(key) : file.size;
    if (size === null) throw notFound();
    return { file, type: variant === "thumbnail" ? "image/webp" : file.type, size, open: (range) => this.bytes.read(key, range) };
  }

  /**
   * Makes an avatar upload of `user`'s their profile picture (null: none, initials again).
   * The picture it replaces is removed at once: whoever still shows it falls back to initials.
   * Resolves the user as everyone will now see them.
   */
  async setAvatar(user: UserSummary, fileId: string | null): Promise<UserSummary> {
    if (fileId !== null) {
      const file = await this.files.byId(fileId);
      if (!file || file.ownerId !== user.id || file.deleted || file.purpose !== "avatar" || !file.image) {
        throw new DomainError("file_unavailable", "That picture was not uploaded as your profile picture: upload it again.");
      }
    }
    const previous = await this.files.setAvatar(user.id, fileId);
    if (previous && previous !== fileId) {
      const old = await this.files.byId(previous);
      if (old) {
        await this.files.remove([old.id]);
        await this.bytes.delete([old.key, `${old.key}.thumbnail`]);
      }
    }
    return { id: user.id, name: user.name, ...(fileId ? { avatar: fileId } : {}) };
  }

  /**
   * Removes what no message keeps: files deleted with their message, uploads nobody sent
   * within `orphanMs`, and bytes without a record (a write cut off by a crash). Returns how
   * many files and stray keys went.
   */
  async sweep(orphanMs: number): Promise<{ files: number; strays: number }> {
    const before = new Date(this.now().getTime() - orphanMs);
    let files = 0;
    for (;;) {
      const batch = await this.files.sweepable(before, 200);
      if (batch.length === 0) break;
      await this.bytes.delete(batch.flatMap((f) => [f.key, `${f.key}.thumbnail`]));
      await this.files.remove(batch.map((f) => f.id));
      files += batch.length;
      if (batch.length < 200) break;
    }
    const keys = await this.bytes.keysBefore(before, 1000);
    const kept = await this.files.existingKeys([...new Set(keys.map((k) => k.replace(/\.thumbnail$/, "")))]);
    const strays = keys.filter((k) => !kept.has(k.replace(/\.thumbnail$/, "")));
    await this.bytes.delete(strays);
    return { files, strays: strays.length };
  }
}

const tooLarge = (limit: number) => new DomainError("file_too_large", `A file may be at most ${Math.floor(limit / (1024 * 1024))} MB.`);

export function attachmentOf(f: StoredFileRecord): Attachment {
  return { id: f.id, name: f.name, type: f.type, size: f.size, ...(f.image ? { image: f.image } : {}) };
}
