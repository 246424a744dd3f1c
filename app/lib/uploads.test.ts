import { describe, expect, it } from "vitest";
import type { Attachment } from "@/server/contract/files";
import { memoryOutboxStorage, Outbox } from "./outbox";
import { FakeTransport, settle } from "./testing/fake-transport";
import { memoryFileStorage, UploadError, Uploads, type Uploader } from "./uploads";

/** An uploader whose uploads the test answers one by one. */
class FakeUploader implements Uploader {
  readonly calls: Array<{ id: string; name: string; resolve(a: Attachment): void; reject(e: Error): void; progress(sent: number): void; signal: AbortSignal }> = [];
  upload(id: string, name: string, blob: Blob, onProgress: (sent: number, total: number) => void, signal: AbortSignal) {
    return new Promise<Attachment>((resolve, reject) => {
      this.calls.push({ id, name, resolve, reject, progress: (sent) => onProgress(sent, blob.size), signal });
    });
  }
  take() {
    const call = this.calls.shift();
    if (!call) throw new Error("no upload was made");
    return call;
  }
}

const attachment = (id: string, name: string): Attachment => ({ id, name, type: "application/pdf", size: 4 });
const timers = () => {
  const waiting: Array<() => void> = [];
  return { waiting, timers: { setTimeout: (fn: () => void) => waiting.push(fn), clearTimeout: () => undefined } };
};

function setup(tab = "tab-1") {
  const uploader = new FakeUploader();
  const storage = memoryFileStorage();
  const t = timers();
  let n = 0;
  const uploads = new Uploads({ storage, uploader, newId: () => `f${++n}`, timers: t.timers, retryDelay: () => 1, tab });
  return { uploader, storage, uploads, pendingRetries: t.waiting };
}

describe("Uploads", () => {
  it("keeps the file on the device, uploads it at once with progress, then keeps only the answer", async () => {
    const { uploader, storage, uploads } = setup();
    const state = await uploads.attach(new Blob(["%PDF"]), "a.pdf");
    expect(state).toMatchObject({ id: "f1", name: "a.pdf", status: "uploading", progress: 0 });
    expect((await storage.get("f1"))?.blob).toBeDefined();
    const call = uploader.take();
    call.progress(2);
    expect(uploads.get().get("f1")).toMatchObject({ status: "uploading", progress: 0.5 });
    call.resolve(attachment("f1", "a.pdf"));
    await settle();
    expect(uploads.get().get("f1")).toMatchObject({ status: "uploaded", attachment: attachment("f1", "a.pdf") });
    const kept = await storage.get("f1");
    expect(kept?.attachment).toEqual(attachment("f1", "a.pdf"));
    expect(kept?.blob).toBeUndefined();
    expect(await uploads.readiness(["f1"])).toEqual({ ready: [attachment("f1", "a.pdf")] });
  });

  it("retries a failed upload under the same id; a refusal is final and says why", async () => {
    const { uploader, uploads, pendingRetries } = setup();
    await uploads.attach(new Blob(["x"]), "x.bin");
    uploader.take().reject(new UploadError("cut off", true));
    await settle();
    expect(uploads.get().get("f1")).toMatchObject({ status: "waiting" });
    pendingRetries.shift()!();
    await settle();
    const again = uploader.take();
    expect(again.id).toBe("f1");
    again.reject(new UploadError("A file may be at most 25 MB.", false, "file_too_large"));
    await settle();
    expect(uploads.get().get("f1")).toMatchObject({ status: "refused", error: "A file may be at most 25 MB." });
    expect(await uploads.readiness(["f1"])).toEqual({ refused: "“x.bin” was not accepted: A file may be at most 25 MB." });
  });

  it("checks the limits before storing anything", async () => {
    const { uploads, storage } = setup();
    uploads.setLimits({ fileBytes: 10, filesPerMessage: 2, mayUpload: true });
    expect(uploads.refusal([{ name: "big.bin", size: 11 }], 0)).toMatch(/“big.bin” is 11 B: files may be at most 10 B/);
    expect(uploads.refusal([{ name: "a", size: 1 }], 2)).toMatch(/at most 2 files/);
    expect(uploads.refusal([{ name: "a", size: 1 }], 1)).toBeNull();
    uploads.setLimits({ fileBytes: 10, filesPerMessage: 2, mayUpload: false });
    expect(uploads.refusal([{ name: "a", size: 1 }], 0)).toMatch(/Guests cannot upload/);
    expect(await storage.load()).toEqual([]);
  });

  it("a full device is a clear error, not a silent loss", async () => {
    const storage = memoryFileStorage();
    const full = { ...storage, put: () => Promise.reject(Object.assign(new Error("full"), { name: "QuotaExceededError" })) };
    const uploads = new Uploads({ storage: full, uploader: new FakeUploader() });
    await expect(uploads.attach(new Blob(["x"]), "big.mov")).rejects.toThrow(/no room left to keep “big.mov”/);
    expect(uploads.get().size).toBe(0);
  });

  it("a readiness check while the answer is being kept on the device starts no second upload", async () => {
    const uploader = new FakeUploader();
    const inner = memoryFileStorage();
    let keep: (() => void) | undefined;
    // The device is slow to keep the answer: the check reads it before it has it.
    const storage = {
      ...inner,
      put: async (r: Parameters<typeof inner.put>[0]) => {
        if (r.attachment) await new Promise<void>((resolve) => (keep = resolve));
        await inner.put(r);
      },
    };
    const uploads = new Uploads({ storage, uploader, newId: () => "f1", tab: "tab-1" });
    await uploads.attach(new Blob(["%PDF"]), "a.pdf");
    uploader.take().resolve(attachment("f1", "a.pdf"));
    await settle();
    expect(keep).toBeDefined();
    expect(await uploads.readiness(["f1"])).toEqual({ ready: [attachment("f1", "a.pdf")] });
    keep!();
    await settle();
    expect(uploader.calls).toHaveLength(0);
    expect((await inner.get("f1"))?.attachment).toEqual(attachment("f1", "a.pdf"));
  });

  it("after a reload, a file not uploaded yet is uploaded again by the same tab at once", async () => {
    const first = setup("tab-1");
    await first.uploads.attach(new Blob(["x"]), "x.bin");
    await settle();
    first.uploads.close(); // reloaded mid-upload
    const uploader = new FakeUploader();
    const reloaded = new Uploads({ storage: first.storage, uploader, tab: "tab-1" });
    await reloaded.load();
    expect(reloaded.get().get("f1")).toMatchObject({ status: "waiting" });
    expect(await reloaded.readiness(["f1"])).toEqual({ waiting: true });
    expect(uploader.take().id).toBe("f1");
  });
});

describe("Uploads in two tabs", () => {
  it("the tab that carries an upload keeps it; another takes it over once that tab has been silent", async () => {
    const storage = memoryFileStorage();
    let now = 1_000_000;
    const first = new FakeUploader();
    const tabA = new Uploads({ storage, uploader: first, tab: "a", now: () => now, newId: () => "f1" });
    await tabA.attach(new Blob(["x"]), "x.bin");
    await settle();
    expect(first.calls).toHaveLength(1);
    const second = new FakeUploader();
    const tabB = new Uploads({ storage, uploader: second, tab: "b", now: () => now });
    expect(await tabB.readiness(["f1"])).toEqual({ waiting: true });
    expect(second.calls).toHaveLength(0); // tab A is on it
    now += 16_000; // tab A closed mid-upload: no word from it since
    expect(await tabB.readiness(["f1"])).toEqual({ waiting: true });
    expect(second.take().id).toBe("f1");
  });

  it("a tab that closes mid-upload hands it over at once; one that just goes silent is looked at again once its mark is stale", async () => {
    const storage = memoryFileStorage();
    let now = 1_000_000;
    const first = new FakeUploader();
    const tabA = new Uploads({ storage, uploader: first, tab: "a", now: () => now, newId: () => "f1", timers: timers().timers });
    await tabA.attach(new Blob(["x"]), "x.bin");
    await settle();
    const second = new FakeUploader();
    const b = timers();
    const tabB = new Uploads({ storage, uploader: second, tab: "b", now: () => now, timers: b.timers });
    const told: string[] = [];
    tabB.onSettled(() => told.push("again"));
    expect(await tabB.readiness(["f1"])).toEqual({ waiting: true });
    expect(second.calls).toHaveLength(0);
    // Tab A goes silent (killed): tab B asks again when A's mark is stale, once.
    expect(b.waiting).toHaveLength(1);
    await tabB.readiness(["f1"]);
    expect(b.waiting).toHaveLength(1);
    now += 16_000;
    b.waiting.shift()!();
    expect(told).toEqual(["again"]);

    // Another upload, and tab A closes properly: its mark goes, and tab B starts it at once.
    now += 1;
    const third = new Uploads({ storage, uploader: first, tab: "c", now: () => now, newId: () => "f2", timers: timers().timers });
    await third.attach(new Blob(["y"]), "y.bin");
    await settle();
    third.close();
    await settle();
    expect(await tabB.readiness(["f2"])).toEqual({ waiting: true });
    expect(second.calls.map((c) => c.id)).toEqual(["f2"]);
    tabA.close();
  });

  it("a tab the browser says is closed holds nothing, however fresh its mark", async () => {
    const storage = memoryFileStorage();
    const first = new FakeUploader();
    const tabA = new Uploads({ storage, uploader: first, tab: "a", newId: () => "f1", timers: timers().timers });
    await tabA.attach(new Blob(["x"]), "x.bin");
    await settle();
    const open = new Set(["a", "b"]);
    const second = new FakeUploader();
    const tabB = new Uploads({ storage, uploader: second, tab: "b", timers: timers().timers, alive: async (tab) => open.has(tab) });
    await tabB.readiness(["f1"]);
    expect(second.calls).toHaveLength(0);
    open.delete("a"); // tab A crashed: its mark is fresh, its lock gone
    await tabB.readiness(["f1"]);
    expect(second.take().id).toBe("f1");
  });

  it("an upload that failed and waits to retry is not held: another tab may carry it", async () => {
    const storage = memoryFileStorage();
    const first = new FakeUploader();
    const tabA = new Uploads({ storage, uploader: first, tab: "a", newId: () => "f1", timers: timers().timers });
    await tabA.attach(new Blob(["x"]), "x.bin");
    await settle();
    first.take().reject(new UploadError("offline", true));
    await settle();
    const second = new FakeUploader();
    const tabB = new Uploads({ storage, uploader: second, tab: "b" });
    await tabB.readiness(["f1"]);
    expect(second.take().id).toBe("f1");
  });
});

describe("Outbox with files", () => {
  it("a message waits for its files, in order (what follows waits too), then goes with their ids; they leave the device", async () => {
    const { uploader, storage, uploads } = setup();
    const transport = new FakeTransport();
    const outbox = new Outbox({ author: { id: "ada", name: "Ada" }, transport, storage: memoryOutboxStorage(), files: uploads, retryDelay: () => 5 });
    await outbox.start();
    await uploads.attach(new Blob(["%PDF"]), "a.pdf");
    await outbox.add("r", "", undefined, [{ id: "f1", name: "a.pdf", type: "application/pdf", size: 4 }]);
    await outbox.add("r", "after it", undefined);
    await settle();
    expect(transport.pending.filter((p) => p.event === "message:send")).toHaveLength(0); // neither: the first waits for its file
    uploader.take().resolve(attachment("f1", "a.pdf"));
    await settle();
    const send = transport.take("message:send");
    expect(send.payload).toMatchObject({ roomId: "r", body: "", attachments: ["f1"] });
    send.resolve({ ok: true, data: { message: { id: "m1", roomId: "r", seq: 1, clientId: send.payload.clientId, author: { id: "ada", name: "Ada" }, body: "", createdAt: "", attachments: [attachment("f1", "a.pdf")] }, duplicate: false } });
    await settle();
    expect(await storage.get("f1")).toBeUndefined();
    expect(transport.take("message:send").payload).toMatchObject({ body: "after it" });
    outbox.close();
  });

  it("a file refused fails its message with the reason; the messages after it go on", async () => {
    const { uploader, uploads } = setup();
    const transport = new FakeTransport();
    const outbox = new Outbox({ author: { id: "ada", name: "Ada" }, transport, storage: memoryOutboxStorage(), files: uploads, retryDelay: () => 5 });
    await outbox.start();
    await uploads.attach(new Blob(["x"]), "huge.bin");
    await outbox.add("r", "with a huge file", undefined, [{ id: "f1", name: "huge.bin", type: "", size: 1 }]);
    await outbox.add("r", "next", undefined);
    uploader.take().reject(new UploadError("Your files take all the space you have.", false, "file_quota_exceeded"));
    await settle();
    expect(outbox.get()[0]).toMatchObject({ status: "failed", error: "“huge.bin” was not accepted: Your files take all the space you have." });
    expect(transport.take("message:send").payload).toMatchObject({ body: "next" });
    // Discarding it takes its file off the device.
    await outbox.discard(outbox.get()[0]!.clientId);
    expect(uploads.get().has("f1")).toBe(false);
    outbox.close();
  });
});
