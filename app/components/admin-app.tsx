"use client";

import * as Tabs from "@radix-ui/react-tabs";
import Link from "next/link";
import { useCallback, useEffect, useId, useState, type ReactNode } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import type { AdminPerson, AdminRoom, AuditRecord, PurgeSummary, UserSummary } from "@/server/contract/model";
import { PageShell } from "./page-shell";
import { ReportQueue } from "./report-queue";
import { AdminSettings } from "./admin-settings";
import { SanctionDialog } from "./sanction-dialog";
import { ActionDialog } from "./action-dialog";
import { BanDialog, PasswordDialog, RemoveMessagesDialog } from "./admin-dialogs";

const PAGE = 50;
const stamp = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
const until = (iso: string | null) => (iso ? `until ${stamp(iso)}` : "until lifted");

const button =
  "rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
const danger =
  "rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950";
const tab =
  "rounded-md px-3 py-1.5 text-sm font-medium text-muted hover:text-zinc-900 data-[state=active]:bg-white data-[state=active]:text-zinc-900 data-[state=active]:shadow-xs dark:hover:text-zinc-100 dark:data-[state=active]:bg-zinc-800 dark:data-[state=active]:text-zinc-100";

/**
 * The administration page: the instance's people (search, role, instance-wide mute, ban),
 * its rooms (owner, moderators, delete), every room's report queue, and the audit log. Every
 * action is the server's to allow, read at that request; the server shows this page to
 * administrators only (anyone else gets the not-found page).
 */
export function AdminApp() {
  return (
    <PageShell title="Administration" width="max-w-4xl">
      {(session) => (
        <Tabs.Root defaultValue="users" className="space-y-4">
          <Tabs.List aria-label="Administration sections" className="flex flex-wrap gap-1 rounded-lg bg-zinc-200/60 p-1 dark:bg-zinc-900">
            <Tabs.Trigger value="users" className={tab}>
              Users
            </Tabs.Trigger>
            <Tabs.Trigger value="rooms" className={tab}>
              Rooms
            </Tabs.Trigger>
            <Tabs.Trigger value="reports" className={tab}>
              Reports
            </Tabs.Trigger>
            <Tabs.Trigger value="audit" className={tab}>
              Audit log
            </Tabs.Trigger>
            <Tabs.Trigger value="settings" className={tab}>
              Settings
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="users">
            <Users self={session.user} />
          </Tabs.Content>
          <Tabs.Content value="rooms">
            <Rooms />
          </Tabs.Content>
          <Tabs.Content value="reports" className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <ReportQueue roomId={null} />
          </Tabs.Content>
          <Tabs.Content value="audit">
            <AuditLog />
          </Tabs.Content>
          <Tabs.Content value="settings">
            <Card>
              <AdminSettings />
            </Card>
          </Tabs.Content>
        </Tabs.Root>
      )}
    </PageShell>
  );
}

function Card({ children }: { children: ReactNode }) {
  return <div className="space-y-3 rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">{children}</div>;
}

function Problem({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {error}
    </p>
  ) : null;
}

/** Loads a list a page at a time over the connection, again on every reconnection and when `version` moves. */
function usePaged<T>(load: (offset: number) => Promise<{ ok: true; items: T[] } | { ok: false; message: string }>, version: unknown) {
  const conn = useConnection();
  const [items, setItems] = useState<T[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!conn) return;
    let live = true;
    const first = () =>
      void load(0).then((r) => {
        if (!live) return;
        if (r.ok) {
          setItems(r.items);
          setMore(r.items.length === PAGE);
          setError(null);
        } else setError(r.message);
      });
    if (conn.transport.isConnected()) first();
    const stop = conn.transport.onConnect(first);
    return () => {
      live = false;
      stop();
    };
  }, [conn, load, version]);

  const loadMore = async () => {
    const r = await load(items?.length ?? 0);
    if (r.ok) {
      setItems((now) => [...(now ?? []), ...r.items]);
      setMore(r.items.length === PAGE);
    } else setError(r.message);
  };
  return { items, more, error, setError, loadMore };
}

function Users({ self }: { self: UserSummary }) {
  const conn = useConnection();
  const searchId = useId();
  const [query, setQuery] = useState("");
  const [version, setVersion] = useState(0);
  const [muting, setMuting] = useState<AdminPerson | null>(null);
  const [banning, setBanning] = useState<AdminPerson | null>(null);
  const [purging, setPurging] = useState<AdminPerson | null>(null);
  const [resetting, setResetting] = useState<AdminPerson | null>(null);
  const load = useCallback(
    async (offset: number) => {
      if (!conn) return { ok: false as const, message: "Not connected yet." };
      const ack = await conn.transport.request("users:list", { query, offset, limit: PAGE });
      return ack.ok ? { ok: true as const, items: ack.data.people } : { ok: false as const, message: ack.error.message };
    },
    [conn, query],
  );
  const { items, more, error, setError, loadMore } = usePaged(load, version);

  const act = async (request: Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    const ack = await request;
    setError(ack.ok ? null : ack.error.message);
    setVersion((n) => n + 1);
  };

  return (
    <Card>
      <div className="space-y-1">
        <label htmlFor={searchId} className="block text-sm font-medium">
          Search people
        </label>
        <input
          id={searchId}
          type="search"
          value={query}
          maxLength={100}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Name or username"
          className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
      </div>
      <Problem error={error} />
      {items?.length === 0 && <p className="text-sm text-muted">Nobody matches.</p>}
      <ul aria-label="People" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {(items ?? []).map((p) => {
          const you = p.id === self.id;
          return (
            <li key={p.id} aria-label={p.name} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:gap-3">
              <div className="min-w-0 sm:flex-1">
                <p className="truncate text-sm font-medium">
                  <bdi>{p.name}</bdi>
                  {you && <span className="font-normal text-muted"> (you)</span>}
                </p>
                <p className="text-xs text-muted">
                  {p.guest ? "Guest" : p.username ? `@${p.username}` : "Account"} · {p.role === "admin" ? "Administrator" : "Member"} · joined {stamp(p.joinedAt)}
                  {p.banned && <span className="text-red-700 dark:text-red-400"> · banned {until(p.banned.until)}</span>}
                  {p.muted && <span> · muted {until(p.muted.until)}</span>}
                </p>
              </div>
              {!you && conn && (
                <div className="flex flex-wrap gap-2">
                  {!p.guest &&
                    (p.role === "admin" ? (
                      <button type="button" className={button} onClick={() => void act(conn.transport.request("user:role", { userId: p.id, role: "member" }))}>
                        Make {p.name} a member
                      </button>
                    ) : (
                      <button type="button" className={button} onClick={() => void act(conn.transport.request("user:role", { userId: p.id, role: "admin" }))}>
                        Make {p.name} an administrator
                      </button>
                    ))}
                  {p.muted ? (
                    <button type="button" className={button} onClick={() => void act(conn.transport.request("user:unmute", { userId: p.id, roomId: null }))}>
                      Unmute {p.name}
                    </button>
                  ) : (
                    <button type="button" className={button} onClick={() => setMuting(p)}>
                      Mute {p.name}
                    </button>
                  )}
                  {p.banned ? (
                    <button type="button" className={button} onClick={() => void act(conn.transport.request("user:unban", { userId: p.id }))}>
                      Unban {p.name}
                    </button>
                  ) : (
                    <button type="button" className={danger} onClick={() => setBanning(p)}>
                      Ban {p.name}
                    </button>
                  )}
                  {!p.guest && (
                    <button type="button" className={button} onClick={() => setResetting(p)}>
                      Reset password of {p.name}
                    </button>
                  )}
                  {p.role !== "admin" && (
                    <button type="button" className={danger} onClick={() => setPurging(p)}>
                      Remove all messages of {p.name}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {more && (
        <button type="button" className={button} onClick={() => void loadMore()}>
          Show more people
        </button>
      )}
      {muting && (
        <SanctionDialog
          kind="mute"
          person={muting}
          roomId={null}
          privateRoom={false}
          onOpenChange={(open) => (open ? undefined : setMuting(null))}
          onDone={() => setVersion((n) => n + 1)}
        />
      )}
      <BanDialog person={banning} onClose={() => setBanning(null)} onDone={() => setVersion((n) => n + 1)} />
      <RemoveMessagesDialog person={purging} onClose={() => setPurging(null)} onDone={() => setVersion((n) => n + 1)} />
      <PasswordDialog person={resetting} onClose={() => setResetting(null)} onDone={() => setVersion((n) => n + 1)} />
      <Removals version={version} />
    </Card>
  );
}

const PURGE_STATE: Record<PurgeSummary["state"], string> = {
  pending: "waiting",
  running: "removing",
  done: "done",
  stopped: "stopped",
};

/** The removals of people's messages, newest first, followed while one runs (every 2 s). */
function Removals({ version }: { version: number }) {
  const conn = useConnection();
  const [purges, setPurges] = useState<PurgeSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const busy = purges.some((p) => p.state === "pending" || p.state === "running");
  useEffect(() => {
    if (!conn) return;
    let live = true;
    const read = () =>
      void conn.transport.request("purges:list", { limit: 20 }).then((ack) => {
        if (!live) return;
        if (ack.ok) {
          setPurges(ack.data.purges);
          setError(null);
        } else setError(ack.error.message);
      });
    if (conn.transport.isConnected()) read();
    const stop = conn.transport.onConnect(read);
    const timer = busy ? setInterval(read, 2000) : undefined;
    return () => {
      live = false;
      stop();
      clearInterval(timer);
    };
  }, [conn, version, busy]);
  if (purges.length === 0 && !error) return null;
  return (
    <section aria-labelledby={headingId} className="space-y-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <h2 id={headingId} className="text-sm font-semibold">
        Message removals
      </h2>
      <Problem error={error} />
      <ul aria-label="Message removals" className="space-y-1 text-sm">
        {purges.map((p) => (
          <li key={p.id}>
            <bdi className="font-medium">{p.user.name}</bdi>: {PURGE_STATE[p.state]}, {p.removed} removed · asked by <bdi>{p.byName}</bdi> {stamp(p.createdAt)}
            {p.reason && <span className="text-muted"> · {p.reason}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Rooms() {
  const conn = useConnection();
  const [version, setVersion] = useState(0);
  const [deleting, setDeleting] = useState<AdminRoom | null>(null);
  const load = useCallback(
    async (offset: number) => {
      if (!conn) return { ok: false as const, message: "Not connected yet." };
      const ack = await conn.transport.request("rooms:all", { offset, limit: PAGE });
      return ack.ok ? { ok: true as const, items: ack.data.rooms } : { ok: false as const, message: ack.error.message };
    },
    [conn],
  );
  const { items, more, error, setError, loadMore } = usePaged(load, version);

  const remove = async () => {
    if (!conn || !deleting) return "Not connected yet.";
    const ack = await conn.transport.request("room:delete", { roomId: deleting.room.id });
    if (!ack.ok) return ack.error.message;
    setError(null);
    setVersion((n) => n + 1);
    return null;
  };

  return (
    <Card>
      <Problem error={error} />
      {items?.length === 0 && <p className="text-sm text-muted">No rooms yet.</p>}
      <ul aria-label="Rooms" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {(items ?? []).map(({ room, owner, moderators }) => (
          <li key={room.id} aria-label={room.name} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:gap-3">
            <div className="min-w-0 sm:flex-1">
              <p className="truncate text-sm font-medium">
                {room.visibility === "public" ? (
                  <Link href={`/r/${room.slug}`} className="hover:underline">
                    <bdi>{room.name}</bdi>
                  </Link>
                ) : (
                  <bdi>{room.name}</bdi>
                )}
              </p>
              <p className="text-xs text-muted">
                {room.visibility === "public" ? "Public" : "Private"} · owner <bdi>{owner?.name ?? "unknown"}</bdi>
                {moderators.length > 0 && (
                  <>
                    {" "}
                    · moderators <bdi>{moderators.map((m) => m.name).join(", ")}</bdi>
                  </>
                )}{" "}
                · created {stamp(room.createdAt)}
              </p>
            </div>
            <button type="button" className={`${danger} self-start sm:self-auto`} onClick={() => setDeleting({ room, owner, moderators })}>
              Delete room {room.name}
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" className={button} onClick={() => void loadMore()}>
          Show more rooms
        </button>
      )}
      <ActionDialog
        open={deleting !== null}
        title={`Delete room ${deleting?.room.name ?? ""}?`}
        description="Its messages and files go with it, for everyone. This cannot be undone."
        submitLabel="Delete"
        onSubmit={remove}
        onClose={() => setDeleting(null)}
      />
    </Card>
  );
}

/** What an audit entry's action says, in words. */
const ACTIONS: Record<string, string> = {
  "message.remove": "removed a message by",
  "user.mute": "muted",
  "user.unmute": "unmuted",
  "user.kick": "removed from a room:",
  "user.unkick": "let back into a room:",
  "user.ban": "banned",
  "user.unban": "lifted the ban on",
  "user.role": "changed the role of",
  "room.moderator.appoint": "made a moderator:",
  "room.moderator.dismiss": "dismissed as moderator:",
  "room.delete": "deleted a room",
  "report.remove": "removed a reported message by",
  "report.dismiss": "dismissed reports on a message by",
  "user.messages.remove": "asked to remove all messages of",
  "user.messages.removed": "finished removing the messages of",
  "user.messages.stopped": "stopped removing the messages of (no longer an administrator)",
  "user.password.reset": "reset the password of",
  "settings.change": "changed the settings",
  "guests.prune": "anonymised idle guests",
};

/** A settings change in words ("guest access read-only, idle guests after 30 days"). */
function settingsText(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof detail.guestAccess === "string") parts.push(`guest access ${detail.guestAccess}`);
  if ("guestIdleDays" in detail) parts.push(detail.guestIdleDays === null ? "idle guests kept" : `idle guests after ${String(detail.guestIdleDays)} days`);
  return parts.join(", ");
}

function AuditLog() {
  const conn = useConnection();
  const [entries, setEntries] = useState<AuditRecord[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (before?: AuditRecord) => {
      if (!conn) return null;
      const ack = await conn.transport.request("audit:list", { limit: PAGE, ...(before ? { before: { at: before.at, id: before.id } } : {}) });
      return ack.ok ? { entries: ack.data.entries, error: null } : { entries: [], error: ack.error.message };
    },
    [conn],
  );
  const show = useCallback((page: { entries: AuditRecord[]; error: string | null } | null, appended: boolean) => {
    if (!page) return;
    setError(page.error);
    if (page.error) return;
    setEntries((now) => (appended ? [...(now ?? []), ...page.entries] : page.entries));
    setMore(page.entries.length === PAGE);
  }, []);
  useEffect(() => {
    if (!conn) return;
    let live = true;
    const first = () => void fetchPage().then((page) => live && show(page, false));
    if (conn.transport.isConnected()) first();
    const stop = conn.transport.onConnect(first);
    return () => {
      live = false;
      stop();
    };
  }, [conn, fetchPage, show]);
  const load = async (before: AuditRecord | undefined) => show(await fetchPage(before), true);

  return (
    <Card>
      <Problem error={error} />
      {entries?.length === 0 && <p className="text-sm text-muted">Nothing has been done yet.</p>}
      <ol aria-label="Audit log" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {(entries ?? []).map((e) => (
          <li key={e.id} className="py-2 text-sm">
            <p>
              <bdi className="font-medium">{e.actor ? e.actorName : `${e.actorName} (command line)`}</bdi> {ACTIONS[e.action] ?? e.action}
              {e.target && (
                <>
                  {" "}
                  <bdi className="font-medium">{e.target.name}</bdi>
                </>
              )}
              {e.room && (
                <>
                  {" "}
                  in <bdi className="font-medium">{e.room.name}</bdi>
                </>
              )}
              {e.action === "user.role" && typeof e.detail.role === "string" && <> → {e.detail.role === "admin" ? "administrator" : "member"}</>}
              {e.action.startsWith("user.messages.") && typeof e.detail.removed === "number" && <>: {e.detail.removed} removed</>}
              {e.action === "settings.change" && <>: {settingsText(e.detail)}</>}
              {e.action === "guests.prune" && typeof e.detail.pruned === "number" && <>: {e.detail.pruned}, idle for {String(e.detail.days)} days</>}
            </p>
            <p className="text-xs text-muted">
              {stamp(e.at)}
              {e.reason && <> · reason: {e.reason}</>}
              {typeof e.detail.until === "string" && <> · until {stamp(e.detail.until)}</>}
            </p>
          </li>
        ))}
      </ol>
      {more && (
        <button type="button" className={button} onClick={() => void load(entries?.at(-1))}>
          Show older entries
        </button>
      )}
    </Card>
  );
}
