"use client";

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useConnectionStatus } from "@/app/hooks/use-connection-status";
import { logItems, type LogItem, type MessageLog } from "@/app/lib/message-log";
import type { OutboxEntry } from "@/app/lib/outbox";
import { MessageItem, type MessageHandlers } from "./message-item";

interface Props {
  log: MessageLog;
  /** The viewer's unacknowledged messages and changes in this room. */
  outbox: OutboxEntry[];
  selfId: string;
  joining: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  /** The key of the message being edited, if any. */
  editingKey: string | null;
  handlers: Omit<MessageHandlers, "onJumpTo">;
  /** Loads older history until message `seq` is held; resolves whether it is. */
  onLoadUntil(seq: number): Promise<boolean>;
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
  return d.toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });
}

/**
 * The "Messages" log. Keeps the view pinned to the newest message while the reader is at
 * the bottom, keeps their place when older history is prepended, and loads older history
 * from the button or by scrolling to the top.
 */
export function MessageList({ log, outbox, selfId, joining, loadingOlder, onLoadOlder, editingKey, handlers, onLoadUntil }: Props) {
  const items = useMemo(() => logItems(log, selfId, outbox), [log, selfId, outbox]);
  const connected = useConnectionStatus() === "connected";
  const pendingLabel = connected ? "Sending…" : "Waiting for the connection to send";
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const previous = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });

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
    } else if (pinned.current || ownNewest) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { first, last, height: el.scrollHeight };
  }, [items, selfId]);

  // Jumping to a message (a reply's original): loaded first if it is older than the page,
  // then scrolled into the middle of the view and highlighted for a moment.
  const [highlightSeq, setHighlightSeq] = useState<number | null>(null);
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
    },
    [onLoadUntil],
  );
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
    <div
      ref={scroller}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
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
                {...handlers}
                onJumpTo={onJumpTo}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}
