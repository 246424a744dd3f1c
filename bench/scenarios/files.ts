import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import sharp from "sharp";
import { LoadGenerator, type LoadResult } from "../lib/load";
import type { Row } from "../lib/report";
import { BenchServer, parleySessions } from "../lib/targets";

/**
 * Files (docs/performance.md): 20 uploads of 20 MB at once (server memory per upload in
 * flight, throughput against a plain `fs` copy of the same bytes, fan-out in another room
 * meanwhile), and 20 photos of 12 MP thumbnailed at once (a busy room's delivery p99 against
 * its idle figure).
 */
export async function files(smoke: boolean): Promise<Row[]> {
  const uploads = smoke ? 4 : 20;
  const megabytes = smoke ? 2 : 20;
  const photos = smoke ? 4 : 20;
  const photoSize = smoke ? { width: 1200, height: 900 } : { width: 4000, height: 3000 };
  const server = new BenchServer("parley");
  await server.start();
  const rows: Row[] = [];
  try {
    const [cookie] = await parleySessions(server, 1);
    const put = async (bytes: Uint8Array, name: string) => {
      const res = await fetch(`${server.url}/api/files/${randomUUID()}?name=${name}`, {
        method: "PUT",
        headers: { cookie: cookie!, origin: server.url, "content-type": "application/octet-stream" },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { image?: unknown };
    };
    // A busy room beside the uploads: 1 room of 20, 10 senders, 100 messages a second.
    const load = await LoadGenerator.open(server, 1, 20, 10);
    const rate = smoke ? 50 : 100;
    const durationMs = smoke ? 2000 : 6000;
    try {
      // --- 1. uploads of non-image bytes
      const bytes = new Uint8Array(megabytes * 1024 * 1024);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) & 0xff;
      await load.run({ rate, durationMs: 1000 }); // warm-up: the first seconds of a new room are slower
      const idle = await load.run({ rate, durationMs });
      await server.gc();
      const before = (await server.stats()).rssBytes;
      let peak = before;
      const sampler = setInterval(() => void server.stats().then((s) => (peak = Math.max(peak, s.rssBytes)), () => undefined), 50);
      const started = performance.now();
      const during = load.run({ rate, durationMs });
      await Promise.all(Array.from({ length: uploads }, (_, i) => put(bytes, `blob-${i}.bin`)));
      const uploadSeconds = (performance.now() - started) / 1000;
      const busy = await during;
      clearInterval(sampler);
      const growthPerUploadMb = (peak - before) / uploads / (1024 * 1024);
      const copySeconds = await plainCopy(bytes, uploads);
      const total = (uploads * megabytes) / uploadSeconds;
      const s = `files: ${uploads} uploads of ${megabytes} MB at once`;
      rows.push(
        { scenario: s, metric: "server RSS growth per upload in flight", unit: "MB", parley: growthPerUploadMb, target: { text: "≤ 4 MB", met: growthPerUploadMb <= 4 } },
        { scenario: s, metric: "upload throughput", unit: "MB/s", parley: total, baseline: (uploads * megabytes) / copySeconds },
        { scenario: s, metric: "another room's delivery p99, idle", unit: "ms", parley: idle.latency.p99 },
        {
          scenario: s,
          metric: "another room's delivery p99, during the uploads",
          unit: "ms",
          parley: busy.latency.p99,
          target: { text: "keeps up (≥ 99 % delivered, p99 < 100 ms)", met: keepsUp(busy) },
        },
      );

      // --- 2. thumbnails of 12 MP photos
      // Half of them taken sideways (EXIF orientation 6, as phones store portrait photos): those
      // are decoded and written again; the others keep their pixels and lose their metadata.
      const camera = () => sharp({ create: { ...photoSize, channels: 3, background: "grey", noise: { type: "gaussian", mean: 128, sigma: 40 } } }).jpeg({ quality: 85 });
      const upright = await camera().withExif({ IFD0: { Make: "Bench", Model: "Camera" } }).toBuffer();
      const sideways = await camera().withExif({ IFD0: { Make: "Bench", Model: "Camera" } }).withMetadata({ orientation: 6 }).toBuffer();
      const photo = upright;
      const quiet = await load.run({ rate: rate * 2, durationMs });
      // Two windows: while the photos' bytes arrive (every upload at once), then while they
      // are thumbnailed (the uploads received, the image worker busy).
      const t0 = performance.now();
      const uploadsDone = Promise.all(Array.from({ length: photos }, (_, i) => put(i % 2 === 0 ? upright : sideways, `photo-${i}.jpg`)));
      const arrivalMs = smoke ? 1000 : 3000;
      const thumbnailMs = smoke ? 1000 : 6000;
      const arriving = await load.run({ rate: rate * 2, durationMs: arrivalMs });
      const thumbnailing = await load.run({ rate: rate * 2, durationMs: thumbnailMs });
      const answers = await uploadsDone;
      const thumbSeconds = (performance.now() - t0) / 1000;
      const p = `files: ${photos} photos of ${((photoSize.width * photoSize.height) / 1e6).toFixed(0)} MP (${(photo.length / 1024 / 1024).toFixed(1)} MB, half of them sideways) at once`;
      const ratio = thumbnailing.latency.p99 / Math.max(quiet.latency.p99, 1);
      rows.push(
        { scenario: p, metric: "thumbnailed", unit: "photos", parley: answers.filter((a) => a.image).length, target: { text: `all ${photos}`, met: answers.every((a) => a.image) }, correctness: true },
        { scenario: p, metric: "time for all", unit: "s", parley: thumbSeconds },
        { scenario: p, metric: "busy room's delivery p99, idle", unit: "ms", parley: quiet.latency.p99 },
        { scenario: p, metric: `busy room's delivery p99, while the photos arrive (first ${arrivalMs / 1000} s)`, unit: "ms", parley: arriving.latency.p99 },
        { scenario: p, metric: "server's longest event-loop stall, while they arrive", unit: "ms", parley: arriving.server.eldMaxMs },
        { scenario: p, metric: "server's longest event-loop stall, while thumbnailing", unit: "ms", parley: thumbnailing.server.eldMaxMs },
        { scenario: p, metric: "load generator's busiest thread, while they arrive", unit: "%", parley: arriving.generator.eluMax * 100 },
        { scenario: p, metric: `busy room's delivery p99, while thumbnailing (next ${thumbnailMs / 1000} s)`, unit: "ms", parley: thumbnailing.latency.p99, target: { text: "≤ 2× idle (p99 under 1 ms counted as 1 ms)", met: ratio <= 2 } },
      );
    } finally {
      load.close();
    }
  } finally {
    await server.stop();
  }
  return rows;
}

const keepsUp = (r: LoadResult) => r.ratio >= 0.99 && r.latency.p99 < 100;

/** The same bytes written `count` times at once with plain `fs` streams, each flushed to disk: what an upload cannot beat. */
async function plainCopy(bytes: Uint8Array, count: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-copy-"));
  const source = path.join(dir, "source");
  fs.writeFileSync(source, bytes);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) => pipeline(fs.createReadStream(source), fs.createWriteStream(path.join(dir, `copy-${i}`), { flush: true }))),
  );
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  return seconds;
}
