"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useConnectionStatus } from "@/app/hooks/use-connection-status";
import { useUploads } from "@/app/hooks/use-uploads";
import { logItems, type LogItem, type MessageLog } from "@/app/lib/message-log";
import type { ShownEntry } from "@/app/lib/outbox";
import type { UserSummary } from "@/server/contract/model";
import { MessageItem, type MessageHandlers } from "./message-item";

interface Props {
  log: MessageLog;
  /** The viewer's unacknowledged messages and changes in this room. */
  outbox: ShownEntry[];
  selfId: string;
  joining: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  /** The key of the message being edited, if any. */
  editingKey: string | null;
  handlers: Omit<MessageHandlers, "onJumpTo">;
  /** Loads older history until message `seq` is held; resolves whether it is. */
  onLoadUntil(seq: number): Promise<boolean>;
  /** The first message unread when the room was opened: the "New messages" line goes above it. */
  firstUnread?: number | null;
  /** The view shows the newest message (`seq`, the latest confirmed), at the bottom. */
  onAtBottom?(seq: number): void;
  /** People known in the room, by id: the names of mentions not resolved by the server yet. */
  people?: ReadonlyMap<string, UserSummary>;
  /** A message to bring into view and highlight once (a notification was clicked). */
  jumpTo?: number | null;
  /** The ids of the people the viewer blocks: their messages are folded away. */
  blocked?: ReadonlySet<string>;
  /**
   * Set while a window of older history is shown (a jump far back): the way towards the
   * present, a page at a time or straight to the latest messages.
   */
  newer?: { loading: boolean; onLoadNewer(): void; onLatest(): void };
  /** The viewer moderates the room: others' messages offer "Delete". */
  moderate?: boolean;
}

/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 2500;

const GROUP_WINDOW_MS = 5 * 60 * 1000;
const NEAR_BOTTOM_PX = 120;

/** Messages from one author within five minutes share a header. */
function startsGroup(prev: LogItem | undefined, item: LogItem): boolean {
  if (!prev || prev.author.id !== item.author.id) return true;
  if (!sameDay(prev.createdAt, item.createdAt)) return true;
  return Date.parse(item.createdAt) - Date.parse(prev.createdAt) > GROUP_WINDOW_MS;
}

function sameDay(a: string, b: string): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

function dayLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today);
  yesterday.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return DAY.format(d);
}
const DAY = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });

/**
 * The "Messages" log. Keeps the view pinned to the newest message while the reader is at
 * the bottom, keeps their place when older history is prepended, and loads older history
 * from the button or by scrolling to the top.
 */
export function MessageList({ log, outbox, selfId, joining, loadingOlder, onLoadOlder, editingKey, handlers, onLoadUntil, firstUnread = null, onAtBottom, people, jumpTo = null, blocked, newer, moderate = false }: Props) {
  const items = useMemo(() => logItems(log, selfId, outbox), [log, selfId, outbox]);
  const connected = useConnectionStatus() === "connected";
  // Only waiting messages show their files' uploads (sent ones do not re-render as uploads progress).
  const uploads = useUploads();
  const pendingLabel = connected ? "Sending…" : "Waiting for the connection to send";
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const previous = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });
  const separator = useRef<HTMLDivElement>(null);
  /** Whether the view has been placed at the first unread message yet (once per opening). */
  const [placed, setPlaced] = useState(false);
  const placingStarted = useRef(false);
  const latestSeq = log.confirmed.at(-1)?.seq;
  /** The view starts at the line: until it is placed there, nothing counts as seen. */
  const placing = firstUnread !== null && !placed;
  const atBottom = useCallback(() => {
    if (placing) return;
    if (pinned.current && latestSeq !== undefined) onAtBottom?.(latestSeq);
  }, [latestSeq, onAtBottom, placing]);

  // Runs before paint: decide whether this change prepended (keep place) or appended (follow).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const first = items[0]?.key;
    const last = items.at(-1)?.key;
    const prev = previous.current;
    const ownNewest = items.at(-1)?.author.id === selfId && last !== prev.last;
    if (prev.first && first !== prev.first && last === prev.last) {
      el.scrollTop += el.scrollHeight - prev.height; // older page arrived above
    } else if ((pinned.current && !placing) || ownNewest) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { first, last, height: el.scrollHeight };
  }, [items, selfId, placing]);

  // Opening a room with unread messages: the view starts at the "New messages" line (older
  // history is loaded first if the line is above the page), rather than at the bottom.
  useEffect(() => {
    if (placingStarted.current || joining || firstUnread === null) return;
    placingStarted.current = true;
    void (async () => {
      if (await onLoadUntil(firstUnread)) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const el = scroller.current;
        const line = separator.current;
        if (el && line) {
          line.scrollIntoView({ block: "start" });
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
        }
      }
      // From here on, what reaches the bottom is read (atBottom runs again with the new state).
      setPlaced(true);
    })();
  }, [joining, firstUnread, onLoadUntil]);

  // At the bottom with something new: the room is read that far (if the tab is seen).
  useEffect(() => atBottom(), [atBottom]);

  // "Jump to first unread" shows while the line is out of view.
  const [lineInView, setLineInView] = useState(true);
  const hasLine = firstUnread !== null && items.some((i) => i.seq === firstUnread);
  useEffect(() => {
    const line = separator.current;
    if (!line || !hasLine) return;
    const observer = new IntersectionObserver((entries) => setLineInView(entries.some((e) => e.isIntersecting)), { root: scroller.current });
    observer.observe(line);
    return () => observer.disconnect();
  }, [hasLine]);
  const jumpToLine = useCallback(async () => {
    if (firstUnread === null || !(await onLoadUntil(firstUnread))) return;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    pinned.current = false;
    separator.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, [firstUnread, onLoadUntil]);

  // Jumping to a message (a reply's original): loaded first if it is older than the page,
  // then scrolled into the middle of the view and highlighted for a moment.
  const [highlightSeq, setHighlightSeq] = useState<number | null>(null);
  // The message jumped to stays the current one (for screen readers) after the flash.
  const [currentSeq, setCurrentSeq] = useState<number | null>(null);
  const onJumpTo = useCallback(
    async (seq: number) => {
      if (!(await onLoadUntil(seq))) return;
      // The page that holds it renders first.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const target = scroller.current?.querySelector<HTMLElement>(`article[data-seq="${seq}"]`);
      if (!target) return;
      pinned.current = false;
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      setHighlightSeq(seq);
      setCurrentSeq(seq);
    },
    [onLoadUntil],
  );
  useEffect(() => {
    if (jumpTo !== null && !joining) void onJumpTo(jumpTo);
  }, [jumpTo, joining, onJumpTo]);
  useEffect(() => {
    if (highlightSeq === null) return;
    const timer = setTimeout(() => setHighlightSeq(null), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlightSeq]);

  // Scrolling to the top loads the previous page, like the button does.
  useEffect(() => {
    const el = topSentinel.current;
    if (!el || !log.hasOlder) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !pinned.current) onLoadOlder();
      },
      { root: scroller.current, rootMargin: "200px 0px 0px 0px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [log.hasOlder, onLoadOlder]);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
    {newer && (
      <button
        type="button"
        onClick={() => {
          pinned.current = true;
          newer.onLatest();
        }}
        className="absolute bottom-3 left-1/2 z-10 -translate-x-1/2 rounded-full bg-accent-600 px-3 py-1 text-xs font-medium text-white shadow-md hover:bg-accent-700"
      >
        Jump to latest messages
      </button>
    )}
    {firstUnread !== null && !(hasLine && lineInView) && (
      <button
        type="button"
        onClick={() => void jumpToLine()}
        className="absolute top-2 left-1/2 z-10 -translate-x-1/2 rounded-full bg-accent-600 px-3 py-1 text-xs font-medium text-white shadow-md hover:bg-accent-700"
      >
        Jump to first unread
      </button>
    )}
    <div
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
        atBottom();
      }}
      className="min-h-0 flex-1 overflow-y-auto"
    >
      <div ref={topSentinel} />
      {log.hasOlder && (
        <div className="flex justify-center py-3">
          <button
            type="button"
            onClick={onLoadOlder}
            disabled={loadingOlder}
            className="rounded-full border border-zinc-200 px-3 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-900"
          >
            {loadingOlder ? "Loading…" : "Load older messages"}
          </button>
        </div>
      )}
      <div role="log" aria-label="Messages" aria-busy={joining} className="flex flex-col pb-2">
        {!joining && items.length === 0 && (
          <p className="px-4 py-10 text-center text-sm text-muted">No messages yet. Say hello!</p>
        )}
        {items.map((item, i) => {
          const prev = items[i - 1];
          const newDay = !prev || !sameDay(prev.createdAt, item.createdAt);
          return (
            <div key={item.key}>
              {item.seq !== null && item.seq === firstUnread && (
                <div ref={separator} role="separator" aria-label="New messages" className="flex items-center gap-3 px-4 pt-3 pb-1 text-[11px] font-semibold text-red-700 dark:text-red-400">
                  <span className="h-px flex-1 bg-red-600/60 dark:bg-red-400/60" />
                  <span aria-hidden="true">New messages</span>
                </div>
              )}
              {newDay && (
                <div className="flex items-center gap-3 px-4 pt-4 pb-1 text-[11px] font-semibold text-muted" aria-hidden="true">
                  <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                  {dayLabel(item.createdAt)}
                  <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                </div>
              )}
              <MessageItem
                item={item}
                selfId={selfId}
                first={newDay || startsGroup(prev, item)}
                pendingLabel={pendingLabel}
                editing={editingKey === item.key}
                highlighted={item.seq !== null && item.seq === highlightSeq}
                current={item.seq !== null && item.seq === currentSeq}
                people={people}
                blocked={blocked?.has(item.author.id)}
                moderate={moderate}
                uploads={item.seq === null && item.attachments ? uploads : undefined}
                {...handlers}
                onJumpTo={onJumpTo}
              />
            </div>
          );
        })}
      </div>
      {newer && (
        <div className="flex justify-center pt-1 pb-12">
          <button
            type="button"
            onClick={newer.onLoadNewer}
            disabled={newer.loading}
            className="rounded-full border border-zinc-200 px-3 py-1 text-xs font-medium text-zinc-600 hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-900"
          >
            {newer.loading ? "Loading…" : "Load newer messages"}
          </button>
        </div>
      )}
    </div>
    </div>
  );
}
