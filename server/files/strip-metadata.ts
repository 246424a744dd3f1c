import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { once } from "node:events";

/**
 * Cutting metadata out of an image's bytes without decoding it: for an image too large to
 * decode (over the pixel limit), which is then offered as a download as it was sent, minus
 * what could tell where it was made or by whom. Segments and chunks are walked by their
 * lengths; everything else is copied as a stream.
 */

/** JPEG segments kept: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform). */
const KEPT_APP = new Set([0xe0, 0xe2, 0xee]);

/** Copies `from` to `to`, dropping EXIF and XMP (APP1), IPTC (APP13), the other APPn and comments. */
export async function stripJpegMetadata(from: string, to: string): Promise<void> {
  const input = await open(from, "r");
  const out = createWriteStream(to, { mode: 0o600 });
  try {
    const { size } = await input.stat();
    const head = Buffer.alloc(4);
    await copy(input, out, 0, 2); // SOI
    let pos = 2;
    while (pos + 4 <= size) {
      await input.read(head, 0, 4, pos);
      if (head[0] !== 0xff) break; // not a segment: the rest goes as it is
      const marker = head[1]!;
      if (marker === 0xff) {
        pos++; // fill byte
        continue;
      }
      // Start of scan (the image data follows), or a marker without a length: the rest as it is.
      if (marker === 0xda || marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) break;
      const length = head.readUInt16BE(2);
      const isApp = marker >= 0xe0 && marker <= 0xef;
      const drop = (isApp && !KEPT_APP.has(marker)) || marker === 0xfe;
      if (!drop) await copy(input, out, pos, pos + 2 + length);
      pos += 2 + length;
    }
    if (pos < size) await copy(input, out, pos, size);
  } finally {
    await input.close();
    await finish(out);
  }
}

/** PNG chunks dropped: EXIF, text (tEXt, zTXt, iTXt: often XMP or comments), the time it was made. */
const DROPPED_PNG = new Set(["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]);

export async function stripPngMetadata(from: string, to: string): Promise<void> {
  const input = await open(from, "r");
  const out = createWriteStream(to, { mode: 0o600 });
  try {
    const { size } = await input.stat();
    await copy(input, out, 0, 8); // signature
    let pos = 8;
    const head = Buffer.alloc(8);
    while (pos + 12 <= size) {
      await input.read(head, 0, 8, pos);
      const length = head.readUInt32BE(0);
      const type = head.toString("latin1", 4, 8);
      const end = Math.min(size, pos + 12 + length);
      if (!DROPPED_PNG.has(type)) await copy(input, out, pos, end);
      pos = end;
    }
    if (pos < size) await copy(input, out, pos, size);
  } finally {
    await input.close();
    await finish(out);
  }
}

/** Bytes [start, end) of the open file onto `out`, streamed. */
async function copy(input: FileHandle, out: WriteStream, start: number, end: number): Promise<void> {
  if (end <= start) return;
  const stream = createReadStream("", { fd: input.fd, start, end: end - 1, autoClose: false });
  for await (const chunk of stream) {
    if (!out.write(chunk)) await once(out, "drain");
  }
}

async function finish(out: WriteStream): Promise<void> {
  out.end();
  await once(out, "finish");
}
