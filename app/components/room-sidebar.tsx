"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { LIMITS } from "@/server/contract/limits";
import type { AccountInfo, ReadState, RoomSummary, RoomVisibility, UserSummary } from "@/server/contract/model";
import { useSession } from "@/app/hooks/session-context";
import { mentionsOf, unreadLabel, unreadOf, type AttentionMap } from "@/app/lib/attention";
import { Avatar } from "./avatar";
import { ConnectionStatusBadge } from "./connection-status";
import { Logo } from "./logo";
import { NotificationsButton } from "./notifications-button";
import { LockIcon } from "./lock-icon";
import { MessageSearch } from "./message-search";
import { AccountUpgrade } from "./panels";

interface Props {
  user: UserSummary;
  account: AccountInfo;
  rooms: RoomSummary[] | null;
  createRoom(name: string, visibility?: RoomVisibility): Promise<{ room: RoomSummary } | { error: string }>;
  activeSlug?: string;
  className?: string;
  /** The followed rooms' read states: their unread counts. */
  attention: AttentionMap;
  onReadAll(): void;
}

/** Brand, the live "Rooms" directory, the new-room form and who is signed in. */
export function RoomSidebar({ user, account, rooms, createRoom, activeSlug, className = "", attention, onReadAll }: Props) {
  const router = useRouter();
  const { signOut } = useSession();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [upgrading, setUpgrading] = useState(false);
  const [isPrivate, setPrivate] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const groupRooms = rooms?.filter((r) => r.visibility !== "direct") ?? [];
  const direct = rooms?.filter((r) => r.visibility === "direct").sort(byLatestActivity) ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || name.trim().length === 0) return;
    setBusy(true);
    const result = await createRoom(name, isPrivate ? "private" : "public");
    setBusy(false);
    if ("error" in result) {
      setError(result.error);
      return;
    }
    setName("");
    setPrivate(false);
    setError(null);
    router.push(`/r/${result.room.slug}`);
  };

  return (
    <aside
      className={`${className} shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 md:w-72 dark:border-zinc-800 dark:bg-zinc-900`}
    >
      <div className="flex h-14 items-center gap-2 border-b border-zinc-200 px-4 dark:border-zinc-800">
        <Logo className="size-7" />
        <span className="flex-1 text-lg font-semibold tracking-tight">Parley</span>
        {/* On a phone the directory is the whole screen: the connection state shows here. */}
        <div className="md:hidden">
          <ConnectionStatusBadge />
        </div>
      </div>

      <MessageSearch activeRoom={rooms?.find((r) => r.slug === activeSlug)}>
      <div className="flex-1 overflow-y-auto px-2 py-3">
      <nav aria-label="Rooms">
        <div className="flex items-center justify-between gap-2 px-2 pb-1">
          <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Rooms</h2>
          <button
            type="button"
            onClick={onReadAll}
            disabled={![...attention.values()].some((s) => unreadOf(s) > 0)}
            className="rounded px-1.5 py-0.5 text-xs text-muted hover:bg-zinc-200/60 hover:text-zinc-800 disabled:invisible dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
          >
            Mark all as read
          </button>
        </div>
        {rooms === null ? (
          <p className="px-2 py-1 text-sm text-muted">Loading…</p>
        ) : groupRooms.length === 0 ? (
          <p className="px-2 py-1 text-sm text-muted">No rooms yet. Create the first one below.</p>
        ) : (
          <ul className="space-y-0.5">
            {groupRooms.map((room) => (
              <RoomLink key={room.id} room={room} active={room.slug === activeSlug} state={attention.get(room.id)} />
            ))}
          </ul>
        )}
      </nav>
      <nav aria-label="Direct messages" className="mt-4">
        <h2 className="px-2 pb-1 text-xs font-semibold tracking-wide text-muted uppercase">Direct messages</h2>
        {direct.length === 0 ? (
          <p className="px-2 py-1 text-xs text-muted">None yet: “Message” someone from a room’s Online list.</p>
        ) : (
          <ul className="space-y-0.5">
            {direct.map((room) => (
              <RoomLink key={room.id} room={room} active={room.slug === activeSlug} state={attention.get(room.id)} />
            ))}
          </ul>
        )}
      </nav>
      </div>
      </MessageSearch>

      <form onSubmit={submit} className="space-y-2 border-t border-zinc-200 p-3 dark:border-zinc-800">
        <label htmlFor={inputId} className="sr-only">
          New room name
        </label>
        <div className="flex gap-2">
          <input
            id={inputId}
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={LIMITS.roomNameLength}
            placeholder="New room name"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm placeholder:text-zinc-500 dark:placeholder:text-zinc-400 focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-950"
          />
          <button
            type="submit"
            disabled={busy || name.trim().length === 0}
            className="rounded-md bg-accent-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-accent-700 disabled:opacity-50"
          >
            Create room
          </button>
        </div>
        <label className="flex items-center gap-2 text-xs text-muted">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} className="accent-accent-600" />
          Private room (members join by invite link)
        </label>
        {error && (
          <p id={errorId} role="alert" className="text-xs text-red-600 dark:text-red-400">
            {error}
          </p>
        )}
      </form>

      <NotificationsButton />
      {upgrading && <AccountUpgrade onDone={() => setUpgrading(false)} />}
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 border-t border-zinc-200 p-3 dark:border-zinc-800">
        <Avatar user={user} size="sm" />
        <span className="min-w-0 flex-1 basis-32 truncate text-sm">
          <span className="block truncate font-medium">{user.name}</span>
          <span className="block truncate text-xs text-muted">{account.guest ? "Guest" : `@${account.username}`}</span>
        </span>
        {account.guest && !upgrading && (
          <button
            type="button"
            onClick={() => setUpgrading(true)}
            className="rounded-md px-2 py-1 text-xs font-medium text-accent-600 hover:bg-zinc-200/60 dark:text-accent-400 dark:hover:bg-zinc-800"
          >
            Create account
          </button>
        )}
        {account.admin && (
          <Link href="/admin" className="rounded-md px-2 py-1 text-xs text-muted hover:bg-zinc-200/60 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200">
            Admin
          </Link>
        )}
        <Link href="/settings" className="rounded-md px-2 py-1 text-xs text-muted hover:bg-zinc-200/60 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200">
          Settings
        </Link>
        <button
          type="button"
          onClick={() => void signOut()}
          className="rounded-md px-2 py-1 text-xs text-muted hover:bg-zinc-200/60 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
        >
          Sign out
        </button>
      </div>
    </aside>
  );
}

/** Direct conversations, the latest message first (the directory keeps `lastMessageAt` live). */
const byLatestActivity = (a: RoomSummary, b: RoomSummary) =>
  (b.lastMessageAt ?? "").localeCompare(a.lastMessageAt ?? "") || a.name.localeCompare(b.name);

/** One room or conversation in the sidebar: its name, and what is unread there. */
function RoomLink({ room, active, state }: { room: RoomSummary; active: boolean; state: ReadState | undefined }) {
  const unread = unreadOf(state);
  const mentions = mentionsOf(state);
  const mentionText = mentions > 0 ? `, ${unreadLabel(mentions)} ${mentions === 1 ? "mention" : "mentions"}` : "";
  return (
    <li>
      <Link
        href={`/r/${room.slug}`}
        aria-current={active ? "page" : undefined}
        // With something unread the name says how much (the badge is decoration).
        aria-label={unread > 0 ? `${room.name}, ${unreadLabel(unread)} unread${mentionText}` : undefined}
        className={`flex items-center gap-1 rounded-md px-2 py-1.5 text-sm ${
          active
            ? "bg-accent-100 font-medium text-accent-700 dark:bg-accent-600/20 dark:text-accent-400"
            : unread > 0
              ? "font-semibold text-zinc-950 hover:bg-zinc-200/60 dark:text-white dark:hover:bg-zinc-800"
              : "text-zinc-700 hover:bg-zinc-200/60 dark:text-zinc-300 dark:hover:bg-zinc-800"
        }`}
      >
        {room.visibility === "direct" && room.peer ? (
          <Avatar user={room.peer} size="xs" />
        ) : (
          <span aria-hidden="true" className="text-muted">
            {room.visibility === "private" ? <LockIcon /> : "#"}
          </span>
        )}
        <span className="min-w-0 flex-1 truncate">
          {room.name}
          {room.visibility === "private" && <span className="sr-only"> (private)</span>}
        </span>
        {mentions > 0 && room.visibility !== "direct" && (
          <span aria-hidden="true" className="shrink-0 rounded-full bg-amber-200 px-1.5 text-xs leading-5 font-semibold text-amber-950 dark:bg-amber-400 dark:text-amber-950">
            @{unreadLabel(mentions)}
          </span>
        )}
        {unread > 0 && (
          <span aria-hidden="true" className="shrink-0 rounded-full bg-accent-600 px-1.5 text-xs leading-5 font-semibold text-white">
            {unreadLabel(unread)}
          </span>
        )}
      </Link>
    </li>
  );
}
