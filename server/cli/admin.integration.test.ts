/**
 * The operator's command line against a running server's database: each command, what it
 * prints, its refusals (a clear message, exit code 1), and how an action from the shell
 * reaches live connections (a ban closes the person's open tab within the session sweep).
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { UserSummary } from "../contract/model";
import { startTestServer, TEST_AUTH_SECRET, type TestServer } from "../test/harness";
import { adminProgram } from "./commands";
import { openAdminContext } from "./context";
import { openStore } from "../store/open-store";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs one command line in process, as `parley-admin …` would. */
async function admin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = adminProgram(() => openAdminContext({ DATABASE_URL: server!.databaseUrl, BETTER_AUTH_SECRET: TEST_AUTH_SECRET }), {
    line: (s) => out.push(s),
    error: (s) => err.push(s),
    fail: (c) => (code = c),
  }, { databaseUrl: server!.databaseUrl, filesDir: "/nonexistent", version: "test" });
  program.exitOverride();
  try {
    await program.parseAsync(["node", "parley-admin", ...args]);
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 1;
    if ((e as { exitCode?: number }).exitCode === undefined) err.push(String((e as Error).stack ?? e));
  }
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(`${server!.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });

async function account(username: string, password = "first password") {
  const res = await post("/api/account/sign-up", { username, password, displayName: username });
  expect(res.status).toBe(201);
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, user: ((await res.json()) as { user: UserSummary }).user };
}

describe("parley-admin", () => {
  it("lists people, promotes and demotes (never the last administrator), resets a password, deletes a room; all audited as the operator", async () => {
    server = await startTestServer();
    const ada = `ada_${randomUUID().slice(0, 6)}`;
    const bob = `bob_${randomUUID().slice(0, 6)}`;
    await account(ada);
    const bobAccount = await account(bob);
    const guest = await server.guest("Gus");

    const listed = await admin("users");
    expect(listed).toMatchObject({ code: 0, err: "" });
    expect(listed.out.split("\n")).toHaveLength(3);
    expect(listed.out).toContain(`${guest.user.id}  Gus  guest  member`);
    expect((await admin("users", bob)).out).toBe(`${bobAccount.user.id}  ${bob}  @${bob}  member`);

    expect(await admin("promote", ada)).toMatchObject({ code: 0, out: `${ada} is now an administrator.` });
    expect((await admin("users", ada)).out).toContain("administrator");
    // The last administrator stays one.
    const refused = await admin("demote", `@${ada}`);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("needs an administrator");
    expect((await admin("promote", bobAccount.user.id)).code).toBe(0);
    expect(await admin("demote", ada)).toMatchObject({ code: 0, out: `${ada} is now a member.` });

    // A new password: the old one stops working, the new one works, the sessions ended.
    const reset = await admin("reset-password", bob, "--password", "second password");
    expect(reset).toMatchObject({ code: 0, out: `${bob}'s password is set; their sessions ended.` });
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie: bobAccount.cookie } })).status).toBe(401);
    expect((await post("/api/account/sign-in", { username: bob, password: "first password" })).status).toBe(401);
    expect((await post("/api/account/sign-in", { username: bob, password: "second password" })).status).toBe(200);
    const made = await admin("reset-password", ada);
    const generated = /new password: (\S+)/.exec(made.out)?.[1];
    expect(generated).toBeDefined();
    expect((await post("/api/account/sign-in", { username: ada, password: generated })).status).toBe(200);
    expect(await admin("reset-password", guest.user.id)).toMatchObject({ code: 1, err: expect.stringContaining("is a guest") });
    expect(await admin("reset-password", bob, "--password", "short")).toMatchObject({ code: 1 });

    // A room, deleted by its address.
    const signedIn = await post("/api/account/sign-in", { username: bob, password: "second password" });
    const socket = await server.socket(signedIn.headers.get("set-cookie")!.split(";")[0]!);
    const created = await socket.emitWithAck("room:create", { name: "Doomed room", visibility: "public" });
    if (!created.ok) throw new Error(created.error.message);
    expect(await admin("delete-room", created.data.room.slug)).toMatchObject({ code: 0, out: expect.stringContaining("Room Doomed room is deleted") });
    expect(await admin("delete-room", created.data.room.slug)).toMatchObject({ code: 1, err: expect.stringContaining("There is no room") });

    const audit = await admin("audit");
    expect(audit.code).toBe(0);
    const lines = audit.out.split("\n");
    expect(lines[0]).toMatch(/\(command line\)  room\.delete  in Doomed room$/);
    expect(lines.filter((l) => l.includes("user.password.reset"))).toHaveLength(2);
    expect(lines.filter((l) => l.includes("user.role"))).toHaveLength(3);
  });

  it("a ban from the shell: the person's open tab is closed by the running server's session sweep, and they cannot sign in; unban lets them", async () => {
    server = await startTestServer();
    const troll = `troll_${randomUUID().slice(0, 6)}`;
    const { cookie } = await account(troll);
    const tab = await server.socket(cookie);
    const closed = new Promise<number>((resolve) => tab.on("disconnect", () => resolve(Date.now())));
    const started = Date.now();
    const banned = await admin("ban", troll, "--minutes", "60", "--reason", "spam");
    expect(banned.code).toBe(0);
    expect(banned.out).toMatch(new RegExp(`^${troll} is banned until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: 1 session\\(s\\) ended, 0 token\\(s\\) revoked, 0 address\\(es\\) held\\.$`));
    // Within the sweep (every 5 s), whatever the machine's load adds to it.
    expect((await closed) - started).toBeLessThan(15_000);
    expect((await post("/api/account/sign-in", { username: troll, password: "first password" })).status).toBe(403);
    expect((await admin("users", troll)).out).toContain("banned until");
    expect(await admin("unban", troll)).toMatchObject({ code: 0, out: `${troll} is no longer banned.` });
    expect((await post("/api/account/sign-in", { username: troll, password: "first password" })).status).toBe(200);
  });

  it("remove-messages: filed from the shell, done by the running server (every room, live), listed by removals; ban --remove-messages too", async () => {
    server = await startTestServer({ adminUsernames: [] });
    const root = `root_${randomUUID().slice(0, 6)}`;
    const spammer = `spam_${randomUUID().slice(0, 6)}`;
    const troll = `troll_${randomUUID().slice(0, 6)}`;
    // The removals carry an administrator's name: without one, refused.
    const accounts = new Map([[spammer, await account(spammer)]]);
    expect(await admin("remove-messages", spammer)).toMatchObject({ code: 1, err: expect.stringContaining("promote one first") });
    await account(root);
    expect((await admin("promote", root)).code).toBe(0);
    const writer = await server.socket((await account(`w_${randomUUID().slice(0, 6)}`)).cookie);
    const created = await writer.emitWithAck("room:create", { name: `Plaza ${randomUUID().slice(0, 6)}`, visibility: "public" });
    if (!created.ok) throw new Error(created.error.message);
    const room = created.data.room;
    const said: string[] = [];
    accounts.set(troll, await account(troll));
    for (const name of [spammer, troll]) {
      const tab = await server.socket(accounts.get(name)!.cookie);
      await tab.emitWithAck("room:join", { slug: room.slug });
      for (let i = 0; i < 3; i++) {
        const ack = await tab.emitWithAck("message:send", { roomId: room.id, clientId: randomUUID(), body: `spam ${i}` });
        if (!ack.ok) throw new Error(ack.error.message);
        said.push(ack.data.message.id);
      }
      tab.close();
    }
    await writer.emitWithAck("room:join", { slug: room.slug });
    const removedLive = new Set<string>();
    const allHeard = new Promise<void>((resolve) =>
      writer.on("message:changed", (c: { messageId: string; kind: string }) => {
        if (c.kind === "delete") removedLive.add(c.messageId);
        if (removedLive.size === said.length) resolve();
      }),
    );
    expect(await admin("remove-messages", spammer, "--reason", "spam")).toMatchObject({ code: 0, out: expect.stringContaining(`The removal of all of ${spammer}'s messages is filed`) });
    expect((await admin("ban", troll, "--remove-messages")).out.split("\n")[1]).toContain(`The removal of all of ${troll}'s messages is filed`);
    // The running server takes them at its next look (every 10 s), whatever the load adds.
    await allHeard;
    expect([...removedLive].sort()).toEqual([...said].sort());
    const listed = (await admin("removals")).out.split("\n");
    expect(listed).toHaveLength(2);
    for (const line of listed) expect(line).toMatch(/  (done|running)  \d removed  by /);
    // Each task ends (stored "done") just after its last removal is published: wait for that, not for a time.
    let out = "";
    for (let i = 0; i < 200 && (out.match(/  done  3 removed  by /g) ?? []).length < 2; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      out = (await admin("removals")).out;
    }
    expect(out.match(/  done  3 removed  by /g)).toHaveLength(2);
  });

  it("prune-guests: guests whose sessions were quiet for the days given are anonymised and signed out; their messages stay", async () => {
    server = await startTestServer();
    const idle = await server.guest("Sleepy");
    const active = await server.guest("Awake");
    const tab = await server.socket(idle.cookie);
    const created = await tab.emitWithAck("room:create", { name: `Plaza ${randomUUID().slice(0, 6)}`, visibility: "public" });
    if (!created.ok) throw new Error(created.error.message);
    const sent = await tab.emitWithAck("message:send", { roomId: created.data.room.id, clientId: randomUUID(), body: "see you" });
    if (!sent.ok) throw new Error(sent.error.message);
    tab.close();
    // Forty days pass for Sleepy: their account and session were last used then.
    const store = await openStore(server.databaseUrl);
    try {
      const then = new Date(Date.now() - 40 * 24 * 3600_000);
      await store.db.user.updateMany({ where: { id: idle.user.id }, data: { createdAt: then } });
      await store.db.session.updateMany({ where: { userId: idle.user.id }, data: { updatedAt: then } });
    } finally {
      await store.close();
    }
    expect(await admin("prune-guests")).toMatchObject({ code: 1, err: expect.stringContaining("say how many days with --days") });
    expect(await admin("prune-guests", "--days", "0")).toMatchObject({ code: 1, err: expect.stringContaining("a whole number of days") });
    expect(await admin("prune-guests", "--days", "60")).toMatchObject({ code: 0, out: "No guest was idle for 60 day(s)." });
    expect(await admin("prune-guests", "--days", "30")).toMatchObject({ code: 0, out: "1 guest(s) idle for 30 day(s) anonymised and signed out." });
    expect((await admin("users")).out).toContain(`${idle.user.id}  Departed guest  guest`);
    expect((await admin("users")).out).toContain(`${active.user.id}  Awake  guest`);
    // Signed out: the old cookie opens nothing; the message stays, under the new name.
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie: idle.cookie } })).status).toBe(401);
    const reader = await server.socket((await account(`r_${randomUUID().slice(0, 6)}`)).cookie);
    const history = await reader.emitWithAck("message:history", { roomId: created.data.room.id });
    if (!history.ok) throw new Error(history.error.message);
    expect(history.data.messages.map((m) => [m.body, m.author.name])).toEqual([["see you", "Departed guest"]]);
    expect((await admin("audit")).out.split("\n")[0]).toContain("guests.prune");
  });

  it("refuses bad input with a clear message and exit code 1", async () => {
    server = await startTestServer();
    expect(await admin("ban", "nobody_here")).toMatchObject({ code: 1, err: expect.stringContaining('Nobody has the username or id "nobody_here"') });
    expect(await admin("ban", "x", "--minutes", "soon")).toMatchObject({ code: 1, err: expect.stringContaining("a whole number of minutes") });
    expect(await admin("frobnicate")).toMatchObject({ code: 1, err: expect.stringContaining("unknown command 'frobnicate'") });
    expect(await admin("promote")).toMatchObject({ code: 1, err: expect.stringContaining("missing required argument 'user'") });
  });
});
