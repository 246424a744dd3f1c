"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { LogItem } from "@/app/lib/message-log";
import type { ShownEntry } from "@/app/lib/outbox";
import { quoteOf } from "@/server/contract/model";
import { describeAttachments } from "@/server/contract/files";
import type { UserSummary } from "@/server/contract/model";
import { useAttention } from "@/app/hooks/use-attention";
import { useConnection } from "@/app/hooks/socket-context";
import { useConnectionStatus } from "@/app/hooks/use-connection-status";
import { useOutbox } from "@/app/hooks/use-outbox";
import { usePresence } from "@/app/hooks/use-presence";
import { useRoom } from "@/app/hooks/use-room";
import { useTyping } from "@/app/hooks/use-typing";
import { useDraft } from "@/app/hooks/use-draft";
import { useDraftAttachments } from "@/app/hooks/use-uploads";
import { AttentionTitle } from "./attention-title";
import { Composer } from "./composer";
import { NotifyLevelPicker } from "./notify-level";
import { ConnectionStatusBadge } from "./connection-status";
import { MessageList } from "./message-list";
import { OnlineList } from "./online-list";
import { LockIcon } from "./lock-icon";
import { useRoomPowers } from "@/app/hooks/use-room-powers";
import { ReportDialog, SanctionDialog } from "./dialogs";
import { BlockPerson, InvitePanel, ReportQueue, RoomMembers, RoomSanctions, RoomSettings } from "./panels";
import type { SanctionKind } from "./sanction-dialog";
import { useBlocks } from "@/app/hooks/use-blocks";
import { TypingIndicator } from "./typing-indicator";

/** No pending messages: shown while a window of older history is (they wait at the present). */
const NO_ENTRIES: ShownEntry[] = [];

/** One open room: heading, history, who is here, who is typing, and the composer. */
export function RoomView({ slug, invite: inviteParam, user }: { slug: string; invite?: string; user: UserSummary }) {
  // The invite is used for the first join only; the address bar loses it once it has worked.
  const [invite] = useState(inviteParam);
  const room = useRoom(slug, invite);
  const router = useRouter();
  useEffect(() => {
    if (invite && room.phase === "joined") router.replace(`/r/${slug}`);
  }, [invite, room.phase, router, slug]);
  const outbox = useOutbox(room.room?.id);
  const online = usePresence(room.room?.id);
  const { blocked } = useBlocks();
  const blockedIds = useMemo(() => new Set(blocked.map((u) => u.id)), [blocked]);
  const typing = useTyping(room.room?.id);
  const files = useDraftAttachments(room.room?.id);
  const draft = useDraft(room.room?.id);
  const powers = useRoomPowers(room.room?.id);
  const [dragging, setDragging] = useState(false);
  const [showPeople, setShowPeople] = useState(false);
  const [editingKey, setEditingKey] = useState<string | null>(null);
  const [replyingTo, setReplyingTo] = useState<LogItem | null>(null);
  // One object per reply started (the composer focuses itself when it changes).
  const replyBar = useMemo(() => replyingTo && { name: replyingTo.author.name, excerpt: replyingTo.body || describeAttachments(replyingTo.attachments) }, [replyingTo]);
  const roomId = room.room?.id;
  const [sanction, setSanction] = useState<{ kind: SanctionKind; person: UserSummary } | null>(null);
  const [sanctionsVersion, setSanctionsVersion] = useState(0);
  const [reporting, setReporting] = useState<{ roomId: string; messageId: string; author: string } | null>(null);
  const { retry, discard, edit, remove, react } = outbox;
  const handlers = useMemo(() => {
    const target = (item: LogItem) => ({ roomId: roomId ?? "", messageId: item.id, clientId: item.clientId });
    return {
      onRetry: retry,
      onDiscard: discard,
      onStartEdit: setEditingKey,
      onCancelEdit: () => setEditingKey(null),
      onSaveEdit: (item: LogItem, body: string) => {
        edit(target(item), body);
        setEditingKey(null);
      },
      onDelete: (item: LogItem) => remove(target(item)),
      onReact: (item: LogItem, emoji: string, add: boolean) => react(target(item), emoji, add),
      onReply: (item: LogItem) => setReplyingTo(item),
      onSanction: (item: LogItem, kind: SanctionKind) => setSanction({ kind, person: item.author }),
      onReport: (item: LogItem) => {
        if (item.id && roomId) setReporting({ roomId, messageId: item.id, author: item.author.name });
      },
    };
  }, [roomId, retry, discard, edit, remove, react]);
  /** ↑ in the empty composer edits the viewer's last message that can still be edited. */
  const lastOwnKey = useMemo(() => {
    const waiting = outbox.entries.filter((e) => e.kind === "message").at(-1);
    if (waiting) return `local:${waiting.clientId}`;
    return room.log.confirmed.findLast((m) => m.author.id === user.id && !m.deleted)?.id ?? null;
  }, [outbox.entries, room.log.confirmed, user.id]);
  // Read: what the view shows at its bottom, while this tab is visible and focused. A hidden
  // tab, or one behind another window, marks nothing until it is looked at again.
  const { read, unfollow } = useAttention();
  // Opened from a notification: its message is brought into view once joined.
  const conn = useConnection();
  const [jumpTo, setJumpTo] = useState<number | null>(null);
  useEffect(() => {
    if (!conn || !roomId || room.phase !== "joined") return;
    const take = () => {
      const seq = conn.opener.take(roomId);
      // A one-off handed over by the shell, outside React's state.
      if (seq !== undefined) setJumpTo(seq);
    };
    take();
    // A search result or a notification in the room already open.
    return conn.opener.subscribe(take);
  }, [conn, roomId, room.phase]);
  const bottomSeq = useRef(0);
  const markIfSeen = useCallback(() => {
    if (!roomId || bottomSeq.current === 0) return;
    if (document.visibilityState !== "visible" || !document.hasFocus()) return;
    read(roomId, bottomSeq.current);
  }, [roomId, read]);
  const onAtBottom = useCallback(
    (seq: number) => {
      bottomSeq.current = Math.max(bottomSeq.current, seq);
      markIfSeen();
    },
    [markIfSeen],
  );
  useEffect(() => {
    window.addEventListener("focus", markIfSeen);
    document.addEventListener("visibilitychange", markIfSeen);
    return () => {
      window.removeEventListener("focus", markIfSeen);
      document.removeEventListener("visibilitychange", markIfSeen);
    };
  }, [markIfSeen]);
  const [leaveError, setLeaveError] = useState<string | null>(null);
  const leave = async () => {
    if (!roomId) return;
    const error = await unfollow(roomId);
    if (error) setLeaveError(error);
    else router.push("/");
  };
  // Who can be mentioned: the people online and those who wrote in what is loaded (a
  // private room's members are all among them once they have spoken or come online).
  const peopleById = useMemo(() => {
    const byId = new Map<string, UserSummary>();
    for (const m of room.log.confirmed) {
      byId.set(m.author.id, m.author);
      for (const u of m.mentions ?? []) byId.set(u.id, u);
    }
    for (const u of online) byId.set(u.id, u);
    return byId;
  }, [room.log.confirmed, online]);
  const findPeople = useCallback(
    async (query: string): Promise<UserSummary[]> => {
      if (!conn || !roomId) return [];
      const ack = await conn.transport.request("room:people", { roomId, query, limit: 8 });
      return ack.ok ? ack.data.people.filter((p) => p.id !== user.id).map(({ id, name, avatar }) => ({ id, name, ...(avatar ? { avatar } : {}) })) : [];
    },
    [conn, roomId, user.id],
  );
  const mentionable = useMemo(() => [...peopleById.values()].filter((u) => u.id !== user.id).sort((a, b) => a.name.localeCompare(b.name)), [peopleById, user.id]);
  // While disconnected the Online list is what it was at the last connection: say so.
  const connected = useConnectionStatus() === "connected";

  if (room.phase === "missing" || room.phase === "refused" || room.phase === "deleted" || room.phase === "removed") {
    const title = { missing: "Room not found", refused: "Cannot open this conversation", deleted: "Room deleted", removed: "No longer a member" }[room.phase];
    return (
      <main className="grid flex-1 place-items-center p-8 text-center">
        <title>{`${title} · Parley`}</title>
        <div className="space-y-3">
          <h1 className="text-xl font-semibold">{title}</h1>
          <p className="text-sm text-muted">{room.error}</p>
          <Link href="/" className="text-sm font-medium text-accent-600 hover:underline dark:text-accent-400">
            Back to the room directory
          </Link>
        </div>
      </main>
    );
  }

  return (
    <main className="flex min-w-0 flex-1 flex-col">
      {/* React hoists this into <head>: the tab and the window list name the room. */}
      <AttentionTitle name={room.room?.name ?? slug} />
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 px-3 sm:px-4 dark:border-zinc-800">
        <Link
          href="/"
          className="rounded-md p-1.5 text-muted hover:bg-zinc-100 md:hidden dark:hover:bg-zinc-800"
          aria-label="Back to rooms"
        >
          <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
            <path d="M12.7 4.3a1 1 0 0 1 0 1.4L8.4 10l4.3 4.3a1 1 0 0 1-1.4 1.4l-5-5a1 1 0 0 1 0-1.4l5-5a1 1 0 0 1 1.4 0z" />
          </svg>
        </Link>
        <h1 className="min-w-0 flex-1 truncate text-base font-semibold">
          <span aria-hidden="true" className="mr-1 text-muted">
            {room.room?.visibility === "private" ? <LockIcon /> : room.room?.visibility === "direct" ? "@" : "#"}
          </span>
          {room.room?.name ?? slug}
        </h1>
        {/* On a phone the header keeps the room's name: Leave room is in the People panel. */}
        {room.room?.visibility === "public" && (
          <button
            type="button"
            onClick={() => void leave()}
            className="hidden rounded-md px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-100 sm:block dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            Leave room
          </button>
        )}
        <button
          type="button"
          onClick={() => setShowPeople((v) => !v)}
          aria-expanded={showPeople}
          aria-controls="people-panel"
          className="rounded-md px-2 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-100 lg:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          {online.length} online
        </button>
        <ConnectionStatusBadge />
      </header>

      <div className="relative flex min-h-0 flex-1">
        <section
          className={`relative flex min-w-0 flex-1 flex-col ${dragging ? "outline-2 -outline-offset-4 outline-accent-500 outline-dashed" : ""}`}
          aria-label="Conversation"
          // Files dropped anywhere on the conversation are attached to the message being written.
          onDragOver={(e) => {
            if (!files.mayAttach || powers.muted || !e.dataTransfer.types.includes("Files")) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
            setDragging(true);
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={(e) => {
            setDragging(false);
            if (!files.mayAttach || powers.muted || e.dataTransfer.files.length === 0) return;
            e.preventDefault();
            void files.attach([...e.dataTransfer.files]);
          }}
        >
          {leaveError && (
            <p role="alert" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {leaveError}
            </p>
          )}
          {room.error && room.phase !== "joining" && (
            <p role="alert" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
              {room.error}
            </p>
          )}
          <MessageList
            log={room.window?.log ?? room.log}
            outbox={room.window ? NO_ENTRIES : outbox.entries}
            selfId={user.id}
            joining={room.phase === "joining" || room.fromDevice}
            loadingOlder={room.loadingOlder}
            onLoadOlder={room.loadOlder}
            editingKey={editingKey}
            handlers={handlers}
            onLoadUntil={room.loadUntil}
            firstUnread={room.firstUnread}
            onAtBottom={room.window ? undefined : onAtBottom}
            people={peopleById}
            jumpTo={jumpTo}
            blocked={blockedIds}
            moderate={powers.moderate}
            newer={room.window ? { loading: room.loadingNewer, onLoadNewer: room.loadNewer, onLatest: room.leaveWindow } : undefined}
          />
          <TypingIndicator users={typing.typingUsers} />
          <Composer
            disabled={room.room === null}
            roomName={room.room?.visibility === "direct" ? room.room.name : `#${room.room?.name ?? slug}`}
            onSend={(body) => {
              typing.stopped();
              // Sent from far back in history: the view goes to the present, where it appears.
              room.leaveWindow();
              const quoted = replyingTo;
              outbox.send(body, quoted?.id !== undefined && quoted.seq !== null ? quoteOf({ ...quoted, id: quoted.id, seq: quoted.seq }) : undefined, files.take());
              setReplyingTo(null);
            }}
            attachments={files.attachments}
            previews={files.previews}
            onAttach={(chosen) => void files.attach(chosen)}
            onRemoveAttachment={files.remove}
            attachError={files.error}
            mayAttach={files.mayAttach}
            muted={powers.muted}
            replyingTo={replyBar}
            onCancelReply={() => setReplyingTo(null)}
            onTyping={typing.typed}
            onCleared={typing.stopped}
            onEditLast={() => lastOwnKey !== null && setEditingKey(lastOwnKey)}
            people={mentionable}
            findPeople={findPeople}
            draft={draft.draft}
            onDraft={draft.save}
          />
          <ReportDialog target={reporting} onOpenChange={(open) => (open ? undefined : setReporting(null))} />
          {room.room && sanction && (
            <SanctionDialog
              kind={sanction.kind}
              person={sanction.person}
              roomId={room.room.id}
              privateRoom={room.room.visibility === "private"}
              onOpenChange={(open) => (open ? undefined : setSanction(null))}
              onDone={() => setSanctionsVersion((n) => n + 1)}
            />
          )}
        </section>
        <aside
          id="people-panel"
          aria-label="People"
          className={`${showPeople ? "absolute inset-y-0 right-0 z-10 block shadow-xl" : "hidden"} w-60 shrink-0 overflow-y-auto border-l border-zinc-200 bg-white lg:static lg:block lg:shadow-none dark:border-zinc-800 dark:bg-zinc-950`}
        >
          {room.room?.visibility === "private" && <InvitePanel room={room.room} />}
          {room.room && <NotifyLevelPicker room={room.room} />}
          {room.room?.visibility === "direct" && room.room.peer && room.room.peer.id !== user.id && <BlockPerson person={room.room.peer} />}
          {room.room?.ownerId === user.id && room.room.visibility !== "direct" && <RoomSettings key={room.room.name} room={room.room} />}
          {powers.moderate && room.room && room.room.visibility !== "direct" && <ReportQueue roomId={room.room.id} hideWhenEmpty />}
          {powers.moderate && room.room && room.room.visibility !== "direct" && <RoomSanctions roomId={room.room.id} version={sanctionsVersion} />}
          <OnlineList users={online} selfId={user.id} stale={!connected} peerId={room.room?.peer?.id} />
          {room.room && room.room.visibility !== "direct" && <RoomMembers room={room.room} self={user} appoint={powers.appoint} refreshKey={online.map((u) => u.id).join()} />}
          {room.room?.visibility === "public" && (
            <div className="border-t border-zinc-200 p-3 sm:hidden dark:border-zinc-800">
              <button
                type="button"
                onClick={() => void leave()}
                className="w-full rounded-md border border-zinc-300 px-2 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-200 dark:hover:bg-zinc-800"
              >
                Leave room
              </button>
            </div>
          )}
        </aside>
      </div>
    </main>
  );
}
