import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { userInfo } from "node:os";
import { Command, InvalidArgumentError } from "commander";
import type { UserSummary } from "../contract/model";
import { DomainError } from "../domain/errors";
import type { Actor } from "../domain/moderation.service";
import { backupSqlite, restoreSqlite } from "./backup";
import type { AdminContext } from "./context";

/** Prints one line of what a command did (stdout), or of what went wrong (stderr). */
export interface Output {
  line(text: string): void;
  error(text: string): void;
  /** The command failed: the process is to exit with this code. */
  fail(code: number): void;
}

const REMOVAL_FILED = (name: string) => `The removal of all of ${name}'s messages is filed: the running server does it in the background (see \`removals\`).`;

/** The operator at the command line: outranks everyone; named after the shell's user in the audit log. */
function operator(): Actor {
  let name = "operator";
  try {
    name = userInfo().username || name;
  } catch {
    // No user entry (a container's numeric user): the plain name.
  }
  return { id: null, name };
}

function wholeNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number of minutes, 1 or more");
  return n;
}

function wholeDays(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError("a whole number of days from 1 to 3650");
  return n;
}

function count(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError("a whole number from 1 to 1000");
  return n;
}

const stamp = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "lifted by hand");

/** A person named by username (accounts) or by id (anyone, guests included). */
async function person(ctx: AdminContext, ref: string): Promise<UserSummary> {
  const byId = await ctx.repos.rooms.findPerson(ref);
  if (byId) return { id: byId.id, name: byId.name };
  const username = ref.replace(/^@/, "").toLowerCase();
  const found = (await ctx.repos.roles.directory({ query: username, offset: 0, limit: 100 })).find((p) => p.username?.toLowerCase() === username);
  if (!found) throw new DomainError("not_found", `Nobody has the username or id "${ref}".`);
  return { id: found.id, name: found.name };
}

/**
 * `parley-admin`: the operator's commands on the server's database, as the domain runs them
 * (ranks, the last administrator, the audit log), with the operator as actor. Each prints what
 * it did and exits non-zero with a clear message on bad input.
 */
export function adminProgram(
  open: () => Promise<AdminContext>,
  out: Output,
  /** Where the database and its files are (backups read and write them without the domain). */
  place: { databaseUrl: string; filesDir: string; version: string },
): Command {
  const program = new Command("parley-admin")
    .description("Administer a Parley server from its machine: people, roles, bans, passwords, rooms, the audit log.")
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => out.line(s.trimEnd()), writeErr: (s) => out.error(s.trimEnd()) });

  /** Runs `fn` on an open context, closing it after; a refusal becomes the message and exit code 1. */
  const run =
    <A extends unknown[]>(fn: (ctx: AdminContext, actor: Actor, ...args: A) => Promise<void>) =>
    async (...args: A) => {
      const ctx = await open();
      try {
        await fn(ctx, operator(), ...args);
      } catch (err) {
        if (err instanceof DomainError) {
          out.error(`parley-admin: ${err.message}`);
          out.fail(1);
          return;
        }
        throw err;
      } finally {
        await ctx.close();
      }
    };

  program
    .command("users")
    .description("list people, newest first (optionally those whose name or username contains QUERY)")
    .argument("[query]", "words in a name or username", "")
    .option("-n, --limit <count>", "at most this many", count, 50)
    .action(
      run(async (ctx, actor, query: string, opts: { limit: number }) => {
        const people = await ctx.services.moderation.directory(actor, { query, limit: opts.limit });
        if (people.length === 0) out.line("Nobody.");
        for (const p of people) {
          const kind = p.guest ? "guest" : p.username ? `@${p.username}` : "account";
          const state = [p.role === "admin" ? "administrator" : "member", p.banned ? `banned until ${stamp(p.banned.until)}` : "", p.muted ? `muted until ${stamp(p.muted.until)}` : ""].filter(Boolean).join(", ");
          out.line(`${p.id}  ${p.name}  ${kind}  ${state}`);
        }
      }),
    );

  for (const [name, role, verb] of [
    ["promote", "admin", "is now an administrator"],
    ["demote", "member", "is now a member"],
  ] as const) {
    program
      .command(name)
      .description(role === "admin" ? "make an account an administrator" : "make an administrator a member (never the last one)")
      .argument("<user>", "username or id")
      .action(
        run(async (ctx, actor, ref: string) => {
          const who = await person(ctx, ref);
          await ctx.services.roles.setRole(actor, who.id, role);
          out.line(`${who.name} ${verb}.`);
        }),
      );
  }

  program
    .command("ban")
    .description("ban someone: every session, token and push subscription ends; live connections close within 5 s (30 s for bots)")
    .argument("<user>", "username or id")
    .option("-m, --minutes <minutes>", "for this long (default: until unbanned)", wholeNumber)
    .option("-r, --reason <text>", "why (they are told)", "")
    .option("--remove-messages", "remove all of their messages too (as remove-messages does)")
    .action(
      run(async (ctx, actor, ref: string, opts: { minutes?: number; reason: string; removeMessages?: boolean }) => {
        const who = await person(ctx, ref);
        const { ban, sessions, tokens, addresses, purge } = await ctx.services.moderation.ban(actor, { userId: who.id, minutes: opts.minutes ?? null, reason: opts.reason, removeMessages: opts.removeMessages ?? false });
        out.line(`${who.name} is banned until ${stamp(ban.until?.toISOString() ?? null)}: ${sessions} session(s) ended, ${tokens} token(s) revoked, ${addresses} address(es) held.`);
        if (purge) out.line(REMOVAL_FILED(who.name));
      }),
    );

  program
    .command("prune-guests")
    .description("anonymise guests whose sessions were not used for DAYS days (default: GUEST_IDLE_DAYS or /admin's setting): renamed \"Departed guest\", signed out; their messages stay")
    .option("-d, --days <days>", "idle for this many days", wholeDays)
    .action(
      run(async (ctx, actor, opts: { days?: number }) => {
        const { pruned, days } = await ctx.services.settings.pruneGuests(actor, opts.days);
        if (days === null) {
          out.error("parley-admin: idle guests are kept on this server (no GUEST_IDLE_DAYS, none set in /admin): say how many days with --days.");
          out.fail(1);
          return;
        }
        out.line(pruned === 0 ? `No guest was idle for ${days} day(s).` : `${pruned} guest(s) idle for ${days} day(s) anonymised and signed out.`);
      }),
    );

  program
    .command("remove-messages")
    .description("remove all of someone's messages in every room: the running server does it in the background (within 10 s), each shown as removed by a moderator")
    .argument("<user>", "username or id")
    .option("-r, --reason <text>", "why (kept in the audit log)", "")
    .action(
      run(async (ctx, actor, ref: string, opts: { reason: string }) => {
        const who = await person(ctx, ref);
        const { created } = await ctx.services.purges.request(actor, { userId: who.id, reason: opts.reason });
        out.line(created ? REMOVAL_FILED(who.name) : `The removal of ${who.name}'s messages is already under way.`);
      }),
    );

  program
    .command("removals")
    .description("the removals of people's messages, newest first, with their progress")
    .action(
      run(async (ctx, actor) => {
        const purges = await ctx.services.purges.list(actor, 50);
        if (purges.length === 0) out.line("No removals yet.");
        for (const p of purges) out.line(`${p.createdAt.slice(0, 16).replace("T", " ")}  ${p.user.name}  ${p.state}  ${p.removed} removed  by ${p.byName}`);
      }),
    );

  program
    .command("unban")
    .description("lift a ban")
    .argument("<user>", "username or id")
    .action(
      run(async (ctx, actor, ref: string) => {
        const who = await person(ctx, ref);
        const { lifted } = await ctx.services.moderation.unban(actor, { userId: who.id });
        out.line(lifted ? `${who.name} is no longer banned.` : `${who.name} was not banned.`);
      }),
    );

  program
    .command("mute")
    .description("mute someone everywhere: they read, they cannot write")
    .argument("<user>", "username or id")
    .option("-m, --minutes <minutes>", "for this long (default: until unmuted)", wholeNumber)
    .option("-r, --reason <text>", "why (they are told)", "")
    .action(
      run(async (ctx, actor, ref: string, opts: { minutes?: number; reason: string }) => {
        const who = await person(ctx, ref);
        const { mute } = await ctx.services.moderation.mute(actor, { userId: who.id, roomId: null, minutes: opts.minutes ?? null, reason: opts.reason });
        out.line(`${who.name} is muted everywhere until ${stamp(mute.until)}.`);
      }),
    );

  program
    .command("unmute")
    .description("lift an instance-wide mute")
    .argument("<user>", "username or id")
    .action(
      run(async (ctx, actor, ref: string) => {
        const who = await person(ctx, ref);
        const { lifted } = await ctx.services.moderation.unmute(actor, { userId: who.id, roomId: null });
        out.line(lifted ? `${who.name} is no longer muted.` : `${who.name} was not muted.`);
      }),
    );

  program
    .command("reset-password")
    .description("set a new password for an account (printed when made up here); its sessions end")
    .argument("<user>", "username or id")
    .option("-p, --password <password>", "the new password (8–128 characters; default: a random one, printed)")
    .action(
      run(async (ctx, actor, ref: string, opts: { password?: string }) => {
        const who = await person(ctx, ref);
        const password = opts.password ?? randomBytes(12).toString("base64url");
        await ctx.services.moderation.resetPassword(actor, { userId: who.id, password });
        out.line(opts.password ? `${who.name}'s password is set; their sessions ended.` : `${who.name}'s new password: ${password}\nTheir sessions ended; tell them to change it once signed in.`);
      }),
    );

  program
    .command("delete-room")
    .description("delete a room with its messages and files (by its address, as in /r/<address>)")
    .argument("<room>", "the room's address (slug)")
    .action(
      run(async (ctx, actor, slug: string) => {
        const room = await ctx.repos.rooms.findBySlug(slug.replace(/^\/?r\//, ""));
        if (!room || room.visibility === "direct") throw new DomainError("not_found", `There is no room at /r/${slug}.`);
        const { members } = await ctx.services.moderation.deleteRoom(actor, room.id);
        out.line(`Room ${room.name} is deleted (${room.visibility}; ${members.length} member(s)). Open tabs learn of it when they next ask for it.`);
      }),
    );

  /** A command on the database's files (no domain): a refusal becomes the message and exit code 1. */
  const guarded = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      out.error(`parley-admin: ${err.message}`);
      out.fail(1);
    }
  };

  program
    .command("backup")
    .description("an online backup (SQLite): the database, its cookie secret and Web Push keys, the files, in one archive; safe while the server runs")
    .argument("<archive>", "the archive to write (.tar.gz; a new file)")
    .action((archive: string) =>
      guarded(async () => {
        const started = performance.now();
        const v = await backupSqlite({ databaseUrl: place.databaseUrl, filesDir: place.filesDir, archive, version: place.version });
        const size = fs.statSync(archive).size;
        out.line(`Backed up ${v.messages} message(s) and ${v.files} file(s) (migration ${v.migration}) to ${archive}: ${(size / 1048576).toFixed(1)} MiB in ${Math.round(performance.now() - started)} ms.`);
      }),
    );

  program
    .command("restore")
    .description("restore a backup into DATABASE_URL's place, with the server stopped (an existing database is kept aside with --force)")
    .argument("<archive>", "an archive made by `backup`")
    .option("-f, --force", "replace the database there (it is renamed, not deleted)", false)
    .action((archive: string, opts: { force: boolean }) =>
      guarded(async () => {
        const v = await restoreSqlite({ databaseUrl: place.databaseUrl, filesDir: place.filesDir, archive, force: opts.force });
        out.line(`Restored ${v.messages} message(s) and ${v.files} file(s) from ${v.createdAt} (Parley ${v.parley}). Start the server: it migrates the database if it is older than this Parley.`);
      }),
    );

  program
    .command("audit")
    .description("the audit log, newest first")
    .option("-n, --limit <count>", "at most this many", count, 20)
    .action(
      run(async (ctx, actor, opts: { limit: number }) => {
        const entries = await ctx.services.moderation.auditLog(actor, undefined, opts.limit);
        if (entries.length === 0) out.line("Nothing yet.");
        for (const e of entries) {
          const about = [e.target ? e.target.name : "", e.room ? `in ${e.room.name}` : "", e.reason ? `(${e.reason})` : ""].filter(Boolean).join(" ");
          out.line(`${e.at.replace("T", " ").slice(0, 19)}  ${e.actor ? e.actorName : `${e.actorName} (command line)`}  ${e.action}  ${about}`.trimEnd());
        }
      }),
    );

  return program;
}
