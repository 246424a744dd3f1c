import { memo } from "react";
import type { LogItem } from "@/app/lib/message-log";
import { Avatar } from "./avatar";
import { LinkifiedText } from "./linkified-text";

interface Props {
  item: LogItem;
  /** First of a run by the same author: shows avatar, name and time. */
  first: boolean;
  /** What a pending message says about itself ("Sending…", or waiting for the connection). */
  pendingLabel: string;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/**
 * One message as an `article`. Follow-ups in a group hide the author visually but keep the
 * name for screen readers; the viewer's own messages carry `data-status`.
 */
export const MessageItem = memo(function MessageItem({ item, first, pendingLabel, onRetry, onDiscard }: Props) {
  const failed = item.status === "failed";
  const pending = item.status === "pending";
  return (
    <article
      data-status={item.status}
      data-seq={item.seq ?? undefined}
      className={`group flex gap-3 px-4 hover:bg-zinc-50 dark:hover:bg-zinc-900/60 ${first ? "mt-2 pt-1.5" : "py-0.5"} ${failed ? "bg-red-50/60 dark:bg-red-950/30" : ""}`}
    >
      <div className="w-9 shrink-0">
        {first ? (
          <Avatar user={item.author} />
        ) : (
          <time
            dateTime={item.createdAt}
            className="hidden pt-0.5 text-right text-[10px] leading-5 text-muted group-hover:block"
          >
            {time(item.createdAt)}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {first ? (
          <header className="flex items-baseline gap-2">
            <bdi className="text-sm font-semibold">{item.author.name}</bdi>
            <time dateTime={item.createdAt} className="text-[11px] text-muted">
              {time(item.createdAt)}
            </time>
          </header>
        ) : (
          <span className="sr-only">{item.author.name}: </span>
        )}
        <p
          dir="auto"
          className={`[unicode-bidi:isolate] text-[15px] leading-6 break-words whitespace-pre-wrap ${pending ? "text-muted" : ""}`}
        >
          <LinkifiedText text={item.body} />
        </p>
        {pending && (
          <p className="flex items-center gap-1 text-[11px] text-muted">
            <svg viewBox="0 0 16 16" className="size-3" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
              <circle cx="8" cy="8" r="6.25" />
              <path d="M8 4.5V8l2.5 1.5" strokeLinecap="round" />
            </svg>
            {pendingLabel}
          </p>
        )}
        {failed && (
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 pb-1 text-xs">
            <span className="text-red-700 dark:text-red-400">Not sent: {item.error}</span>
            <button type="button" onClick={() => onRetry(item.clientId)} className="font-medium text-accent-600 hover:underline dark:text-accent-400">
              Retry
            </button>
            <button type="button" onClick={() => onDiscard(item.clientId)} className="font-medium text-muted hover:underline">
              Discard
            </button>
          </div>
        )}
      </div>
    </article>
  );
});
