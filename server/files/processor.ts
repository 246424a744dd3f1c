import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileTypeFromFile } from "file-type";
import sharp, { type Metadata } from "sharp";
import { INLINE_IMAGE_TYPES, type Attachment } from "../contract/files";
import { DomainError } from "../domain/errors";
import type { ProcessedUpload, UploadProcessor } from "../domain/file.service";
import { stripJpegMetadata, stripPngMetadata } from "./strip-metadata";

// libvips uses every core and shares libuv's thread pool: on a small machine one image at a
// time, one thread each, keeps the event loop's I/O (and so message fan-out) moving.
sharp.concurrency(1);
sharp.cache(false);

/** The longest side of a thumbnail box: shown at up to 400×300 CSS pixels, twice that for dense screens. */
const THUMBNAIL_BOX = { width: 800, height: 600 };

/** Runs jobs one at a time, in order (the thumbnailer's queue). */
class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  /** Jobs waiting or running. */
  waiting = 0;

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined).finally(() => this.waiting--);
    return result;
  }
}

const queue = new OneAtATime();

/**
 * An upload from its first byte to what is stored: spooled to a temporary file (never whole
 * in memory; refused as soon as it passes the size limit), its type sniffed from its bytes
 * (`file-type`), and, for a PNG, JPEG, GIF or WebP within the pixel limit, decoded once by
 * `sharp` in a one-job queue: turned upright by its EXIF orientation, written again without
 * any metadata (GPS, camera, EXIF, XMP, comments: `sharp` keeps none unless asked), and
 * thumbnailed (WebP, at most 800×600). An image over the limit (a decompression bomb) is
 * never decoded: it becomes a file to download, its JPEG or PNG metadata cut out of the
 * bytes as they are.
 */
export class SharpUploadProcessor implements UploadProcessor {
  private readonly folder: string;

  constructor(private readonly options: { imagePixels: number; tmpDir?: string }) {
    this.folder = join(options.tmpDir ?? tmpdir(), "parley-uploads");
    void this.sweepSpool();
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

  /** Jobs in the image queue (the bench reads it). */
  get queued(): number {
    return queue.waiting;
  }

  async process(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<ProcessedUpload> {
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
      const plain = { type: sniffed, size, original: () => createReadStream(spooled), cleanup };
      if (!(INLINE_IMAGE_TYPES as readonly string[]).includes(sniffed)) return plain;
      const image = await queue.run(() => this.image(spooled, sniffed, base, made));
      if (!image) {
        // Too many pixels to decode: offered as a download, with its metadata cut out.
        const stripped = `${base}.stripped`;
        made.push(stripped);
        const strip = sniffed === "image/jpeg" ? stripJpegMetadata : sniffed === "image/png" ? stripPngMetadata : undefined;
        if (!strip) return plain;
        await strip(spooled, stripped);
        return { ...plain, size: (await statSize(stripped)) ?? size, original: () => createReadStream(stripped) };
      }
      return {
        type: image.type,
        size: image.size,
        image: image.dimensions,
        original: () => createReadStream(image.original),
        thumbnail: () => createReadStream(image.thumbnail),
        cleanup,
      };
    } catch (err) {
      await cleanup();
      throw err;
    }
  }

  /** Null when the image is over the pixel limit or cannot be decoded (a file card, then). */
  private async image(path: string, type: string, base: string, made: string[]) {
    const animated = type === "image/gif" || type === "image/webp";
    let meta: Metadata;
    try {
      meta = await sharp(path, { limitInputPixels: false }).metadata();
    } catch {
      return null;
    }
    const frames = animated ? (meta.pages ?? 1) : 1;
    if (!meta.width || !meta.height || meta.width * meta.height * frames > this.options.imagePixels) return null;
    const input = () => sharp(path, { limitInputPixels: this.options.imagePixels, animated, failOn: "error" });
    const original = `${base}.original`;
    const thumbnail = `${base}.thumbnail`;
    made.push(original, thumbnail);
    try {
      // Upright and without metadata; GIFs and WebPs keep their frames.
      const written = await (type === "image/jpeg"
        ? input().rotate().jpeg({ quality: 90 })
        : type === "image/png"
          ? input().rotate().png()
          : type === "image/gif"
            ? input().gif()
            : input().rotate().webp({ quality: 90 })
      ).toFile(original);
      const thumb = await sharp(original, { limitInputPixels: this.options.imagePixels })
        .resize({ ...THUMBNAIL_BOX, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toFile(thumbnail);
      const height = animated && meta.pageHeight ? meta.pageHeight : written.height;
      const dimensions: NonNullable<Attachment["image"]> = { width: written.width, height, thumbWidth: thumb.width, thumbHeight: thumb.height };
      return { type, size: written.size, original, thumbnail, dimensions };
    } catch {
      return null;
    }
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
