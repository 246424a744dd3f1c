/**
 * `parley-admin backup` and `restore` on SQLite: a backup taken while messages are being
 * written restores into a server that holds every message acknowledged before the backup
 * began (and the file a message carries), keeps everyone signed in (the sessions, and the
 * cookie secret kept beside the database), and finds messages by search (its index rebuilt
 * on the copy). Restoring over a database is refused without --force, and keeps it aside.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { UserSummary } from "../contract/model";
import { defaultFilesDir } from "../store/open-store";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../test/harness";
import { adminProgram } from "./commands";
import { openAdminContext } from "./context";

const execFileAsync = promisify(execFile);
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function admin(databaseUrl: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = adminProgram(() => openAdminContext({ DATABASE_URL: databaseUrl }), { line: (s) => out.push(s), error: (s) => err.push(s), fail: (c) => (code = c) }, {
    databaseUrl,
    filesDir: defaultFilesDir(databaseUrl),
    version: "0.1.0",
  });
  program.exitOverride();
  await program.parseAsync(["node", "parley-admin", ...args]);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The "postgresql" project runs this file too: there the command line says what to use instead. */
const onPostgres = process.env.PARLEY_TEST_DATABASE === "postgresql";

describe("backup and restore", () => {
  it.runIf(onPostgres)("on PostgreSQL, the command line refuses and names pg_dump (the archive is SQLite's)", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-archive-")), "parley.tar.gz");
    expect(await admin(databaseUrl, "backup", archive)).toMatchObject({ code: 1, err: expect.stringContaining("pg_dump") });
    expect(fs.existsSync(archive)).toBe(false);
  });

  // Skipped in the "postgresql" project: the archive is of an SQLite database (the test above runs there instead).
  it.skipIf(onPostgres)("SQLite: a backup taken while messages are written restores every message acknowledged before it, the files, the search, and everyone's sessions", async () => {
    const databaseUrl = await freshDatabaseUrl();
    const dir = path.dirname(databaseUrl.slice("file:".length));
    // The secret a server makes at first start, kept beside the database (here the test's own, as the server is told).
    fs.writeFileSync(path.join(dir, "auth-secret"), "a-secret-made-at-first-start-0123456789\n", { mode: 0o600 });
    const a = await startTestServer({ databaseUrl });
    servers.push(a);
    const res = await fetch(`${a.url}/api/account/sign-up`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: `ada_${randomUUID().slice(0, 6)}`, password: "a long password", displayName: "Ada" }) });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const ada = ((await res.json()) as { user: UserSummary }).user;
    const socket = await a.socket(cookie);
    const made = await socket.emitWithAck("room:create", { name: "Archive", visibility: "public" });
    if (!made.ok) throw new Error(made.error.message);
    const roomId = made.data.room.id;
    const send = async (body: string, attachments?: unknown[]) => {
      const ack = await socket.emitWithAck("message:send", { roomId, clientId: randomUUID(), body, ...(attachments ? { attachments } : {}) } as never);
      if (!ack.ok) throw new Error(ack.error.message);
      return ack.data.message as { id: string; seq: number };
    };
    // A file, carried by a message.
    const fileId = randomUUID();
    const put = await fetch(`${a.url}/api/files/${fileId}?name=notes.txt&purpose=message`, { method: "PUT", headers: { cookie, origin: a.url, "content-type": "application/octet-stream" }, body: "kept in the archive" });
    expect(put.status).toBe(201);
    await send("the notes", [fileId]);
    const before: string[] = [];
    for (let i = 0; i < 40; i++) before.push((await send(`before the backup ${i} zebracorn`)).id);

    // Writes go on while the backup runs.
    let writing = true;
    const during: string[] = [];
    const writer = (async () => {
      while (writing) during.push((await send(`during the backup ${during.length}`)).id);
    })();
    const archive = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-archive-")), "parley.tar.gz");
    // The command line in a process of its own, as an operator runs it beside the server.
    const backedUp = await execFileAsync(process.execPath, ["--import", "tsx", "server/cli/admin.ts", "backup", archive], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    writing = false;
    await writer;
    expect(backedUp.stderr).toBe("");
    expect(backedUp.stdout.trim()).toMatch(/^Backed up \d+ message\(s\) and 1 file\(s\) \(migration \d+_\w+\) to .*parley\.tar\.gz: [\d.]+ MiB in \d+ ms\.$/);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    expect(during.length).toBeGreaterThan(0);
    await a.close();
    servers.splice(0);

    // Restored into a new place, served by a new server.
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "parley-restored-")), "parley.db");
    const restoredUrl = `file:${target}`;
    const restored = await admin(restoredUrl, "restore", archive);
    expect(restored).toMatchObject({ code: 0, out: expect.stringMatching(/^Restored \d+ message\(s\) and 1 file\(s\) from /) });
    expect(fs.readFileSync(path.join(path.dirname(target), "auth-secret"), "utf8")).toBe("a-secret-made-at-first-start-0123456789\n");
    const b = await startTestServer({ databaseUrl: restoredUrl });
    servers.push(b);
    // Still signed in: the same cookie, the same session.
    const me = await fetch(`${b.url}/api/session`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: UserSummary }).user.id).toBe(ada.id);
    const tab = await b.socket(cookie);
    const joined = await tab.emitWithAck("room:join", { slug: made.data.room.slug });
    if (!joined.ok) throw new Error(joined.error.message);
    const history = await tab.emitWithAck("message:history", { roomId, after: 0, limit: 200 });
    if (!history.ok) throw new Error(history.error.message);
    const kept = new Set((history.data.messages as Array<{ id: string }>).map((m) => m.id));
    for (const id of before) expect(kept.has(id), id).toBe(true);
    // Seqs without a hole: what the backup holds is a prefix of what was written.
    const seqs = (history.data.messages as Array<{ seq: number }>).map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    // The file is there, and search finds the messages (its index rebuilt on the copy).
    const file = await fetch(`${b.url}/api/files/${fileId}`, { headers: { cookie } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("kept in the archive");
    const found = await tab.emitWithAck("message:search", { query: "zebracorn", limit: 50 });
    if (!found.ok) throw new Error(found.error.message);
    expect(found.data.results.length).toBe(40);

    // Over an existing database: refused without --force; with it, the old one is kept aside.
    await b.close();
    servers.splice(0);
    expect(await admin(restoredUrl, "restore", archive)).toMatchObject({ code: 1, err: expect.stringContaining("Stop the server, then restore with --force") });
    expect(await admin(restoredUrl, "restore", archive, "--force")).toMatchObject({ code: 0 });
    expect(fs.readdirSync(path.dirname(target)).some((n) => n.startsWith("parley.db.before-restore-"))).toBe(true);
    // Not an archive, a missing one, an existing target for a backup.
    expect(await admin(restoredUrl, "restore", path.join(dir, "nothing.tar.gz"))).toMatchObject({ code: 1, err: expect.stringContaining("There is no archive") });
    expect(await admin(databaseUrl, "backup", archive)).toMatchObject({ code: 1, err: expect.stringContaining("exists already") });
  });
});
