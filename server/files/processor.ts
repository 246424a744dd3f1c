import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileTypeFromFile } from "file-type";
import { INLINE_IMAGE_TYPES, type Attachment } from "../contract/files";
import { DomainError } from "../domain/errors";
import type { ProcessedUpload, UploadProcessor } from "../domain/file.service";
import { stripJpegMetadata, stripPngMetadata } from "./strip-metadata";

/** Runs jobs one at a time, in order (the image queue). */
class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

type Inspected = { width?: number; height?: number; pages: number; pageHeight?: number; orientation: number };
type Rendered = { written?: { size: number; width: number; height: number }; thumb: { width: number; height: number } };

/**
 * The image worker (image-worker.mjs): a child process at a lower CPU priority that does
 * every pixel of work, started on first use and again after it dies (a job it held fails:
 * that image becomes a file card).
 */
class ImageWorker {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  /**
   * Starts the worker (if it is not running). Done when the server starts: forking a process
   * copies the parent's page tables, tens of milliseconds of a large server's event loop that
   * must not fall in the middle of traffic.
   */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(fileURLToPath(new URL("./image-worker.mjs", import.meta.url)), [], { execArgv: [], serialization: "json", stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child = child;
    this.ready = new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.on("message", (m: { ready?: true; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return resolve();
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      child.once("exit", (code, signal) => {
        const err = new Error(`the image worker stopped (${signal ?? code})`);
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
      });
    });
    // Nothing waits on it between jobs: it does not hold the process open.
    child.unref();
    child.channel?.unref();
    return this.ready;
  }

  async call<T>(job: "inspect" | "render", args: Record<string, unknown>): Promise<T> {
    await this.start();
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.channel?.ref();
      child.send({ id, job, args });
    }).finally(() => {
      if (this.pending.size === 0) child.channel?.unref();
    });
  }

  close(): void {
    this.child?.kill();
  }
}

const queue = new OneAtATime();

/**
 * An upload from its first byte to what is stored: spooled to a temporary file (never whole
 * in memory; refused as soon as it passes the size limit), its type sniffed from its bytes
 * (`file-type`), and, for a PNG, JPEG, GIF or WebP within the pixel limit, handed to the image
 * worker (image-worker.mjs: `sharp` in a child process at a lower CPU priority, one job at a
 * time): thumbnailed (WebP, at most 800×600, upright) and, unless its metadata can be cut out
 * of the bytes losslessly (a PNG, a JPEG that needs no turning), turned upright by its EXIF
 * orientation and written again without any metadata (GPS, camera, EXIF, XMP, comments). An image over the limit (a decompression bomb) is
 * never decoded: it becomes a file to download, its JPEG or PNG metadata cut out of the
 * bytes as they are.
 */
export class SharpUploadProcessor implements UploadProcessor {
  private readonly folder: string;

  private readonly worker = new ImageWorker();

  constructor(private readonly options: { imagePixels: number; tmpDir?: string }) {
    this.folder = join(options.tmpDir ?? tmpdir(), "parley-uploads");
    void this.sweepSpool();
    // A worker that cannot start is tried again at the first image (and that image is a file card if it fails again).
    this.worker.start().catch(() => undefined);
  }

  /** What a process killed mid-upload left in the spool folder (older than an hour: no upload takes that long). */
  async sweepSpool(olderThanMs = 3600_000): Promise<void> {
    const names = await readdir(this.folder).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.folder, name);
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > olderThanMs) await rm(path, { force: true });
    }
  }

  async process(body: AsyncIterable<Uint8Array>, maxBytes: number, options: { square?: boolean } = {}): Promise<ProcessedUpload> {
    await mkdir(this.folder, { recursive: true });
    const base = join(this.folder, randomUUID());
    const spooled = `${base}.upload`;
    const made = [spooled];
    const cleanup = async () => {
      for (const path of made) await rm(path, { force: true });
    };
    try {
      let size = 0;
      await pipeline(
        body,
        async function* limit(chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > maxBytes) throw new DomainError("file_too_large", `A file may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB.`);
            yield chunk;
          }
        },
        createWriteStream(spooled, { mode: 0o600 }),
      );
      const sniffed = (await fileTypeFromFile(spooled))?.mime ?? "application/octet-stream";
      const plain = { type: sniffed, size, original: () => createReadStream(spooled), originalPath: spooled, cleanup };
      if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(sniffed)) return plain;
      const image = await queue.run(() => this.image(spooled, sniffed, base, made, options.square === true));
      if (!image) {
        // Too many pixels to decode: offered as a download, with its metadata cut out.
        const stripped = `${base}.stripped`;
        made.push(stripped);
        const strip = sniffed === "image/jpeg" ? stripJpegMetadata : sniffed === "image/png" ? stripPngMetadata : undefined;
        if (!strip) return plain;
        await strip(spooled, stripped);
        return { ...plain, size: (await statSize(stripped)) ?? size, original: () => createReadStream(stripped), originalPath: stripped };
      }
      return {
        type: image.type,
        size: image.size,
        image: image.dimensions,
        original: () => createReadStream(image.original),
        thumbnail: () => createReadStream(image.thumbnail),
        originalPath: image.original,
        thumbnailPath: image.thumbnail,
        cleanup,
      };
    } catch (err) {
      await cleanup();
      throw err;
    }
  }

  /**
   * Null when the image is over the pixel limit or cannot be decoded (a file card, then).
   * A JPEG that needs no turning and a PNG keep their pixels as they are, their metadata cut
   * out of the bytes (lossless, and no decoding); the rest are written again by the worker.
   */
  private async image(path: string, type: string, base: string, made: string[], square: boolean) {
    const animated = type === "image/gif" || type === "image/webp";
    let meta: Inspected;
    try {
      meta = await this.worker.call<Inspected>("inspect", { path });
    } catch {
      return null;
    }
    const frames = animated ? meta.pages : 1;
    if (!meta.width || !meta.height || meta.width * meta.height * frames > this.options.imagePixels) return null;
    const original = `${base}.original`;
    const thumbnail = `${base}.thumbnail`;
    made.push(original, thumbnail);
    const strip = (type === "image/jpeg" && meta.orientation <= 1) || type === "image/png" ? (type === "image/png" ? stripPngMetadata : stripJpegMetadata) : undefined;
    try {
      const rendered = await this.worker.call<Rendered>("render", { path, type, original, thumbnail, limit: this.options.imagePixels, reencode: !strip, square });
      let size: number;
      let width = meta.width;
      let height = animated && meta.pageHeight ? meta.pageHeight : meta.height;
      if (strip) {
        await strip(path, original);
        size = (await statSize(original)) ?? 0;
      } else {
        size = rendered.written!.size;
        width = rendered.written!.width;
        if (!animated) height = rendered.written!.height;
      }
      const dimensions: NonNullable<Attachment["image"]> = { width, height, thumbWidth: rendered.thumb.width, thumbHeight: rendered.thumb.height };
      return { type, size, original, thumbnail, dimensions };
    } catch {
      return null;
    }
  }

  /** Stops the image worker (the server is stopping). */
  close(): void {
    this.worker.close();
  }
}

async function statSize(path: string): Promise<number | null> {
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return null;
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}
