// The image worker: a child process of its own, at a lower CPU priority than the server, that
// does every pixel of work (libvips through sharp): reading an image's header, writing it again
// without metadata, thumbnailing. Plain JavaScript, so that it starts the same way under tsx,
// Vitest and the compiled server. One job at a time (the parent queues), one libvips thread.
//
// On Linux a nice value set here, before libvips and libuv start their threads, is inherited by
// them: on a two-core machine a burst of photos then yields the CPU to the server's event loop
// (message fan-out) instead of competing with it as an equal.
import os from "node:os";

try {
  os.setPriority(10);
} catch {
  // not permitted here: run at the normal priority
}

const { default: sharp } = await import("sharp");
sharp.concurrency(1);
sharp.cache(false);

/** The longest sides of a thumbnail: shown at up to 400×300 CSS pixels, twice that for dense screens. */
const THUMBNAIL_BOX = { width: 800, height: 600 };
/** A profile picture's thumbnail: a square, cropped to its middle; shown at up to 64 CSS pixels. */
const AVATAR_SIDE = 256;

const jobs = {
  /** The header only: never the pixels. */
  async inspect({ path }) {
    const m = await sharp(path, { limitInputPixels: false }).metadata();
    return { width: m.width, height: m.height, pages: m.pages ?? 1, pageHeight: m.pageHeight, orientation: m.orientation ?? 1 };
  },
  /**
   * The thumbnail (WebP, upright), and, when `reencode`, the image written again upright
   * without any metadata (sharp keeps none unless asked). `square`: a profile picture's thumbnail.
   */
  async render({ path, type, original, thumbnail, limit, reencode, square }) {
    const animated = type === "image/gif" || type === "image/webp";
    const input = () => sharp(path, { limitInputPixels: limit, animated, failOn: "error" });
    let written;
    if (reencode) {
      const out =
        type === "image/jpeg" ? input().rotate().jpeg({ quality: 90 }) : type === "image/png" ? input().rotate().png() : type === "image/gif" ? input().gif() : input().rotate().webp({ quality: 90 });
      written = await out.toFile(original);
    }
    const thumb = await sharp(path, { limitInputPixels: limit, failOn: "error" })
      .rotate()
      .resize(square ? { width: AVATAR_SIDE, height: AVATAR_SIDE, fit: "cover" } : { ...THUMBNAIL_BOX, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbnail);
    return { written: written && { size: written.size, width: written.width, height: written.height }, thumb: { width: thumb.width, height: thumb.height } };
  },
};

process.on("message", async ({ id, job, args }) => {
  try {
    process.send({ id, result: await jobs[job](args) });
  } catch (err) {
    process.send({ id, error: err?.message ?? String(err) });
  }
});
// The server went away: so does this.
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
