"use client";

import type { ReactNode } from "react";
import type { SearchResult } from "@/server/contract/search";
import { LockIcon } from "./lock-icon";
import { RevealedText } from "./revealed-text";

/** The snippet's text with its matches in `<mark>`. */
function Snippet({ snippet }: { snippet: SearchResult["snippet"] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of snippet.highlights) {
    if (start > at) parts.push(<RevealedText key={`t${at}`} text={snippet.text.slice(at, start)} />);
    parts.push(
      <mark key={start} className="rounded-sm bg-amber-200 px-0.5 text-zinc-950 dark:bg-amber-300">
        <RevealedText text={snippet.text.slice(start, end)} />
      </mark>,
    );
    at = end;
  }
  if (at < snippet.text.length) parts.push(<RevealedText key={`t${at}`} text={snippet.text.slice(at)} />);
  return <>{parts}</>;
}

/** The time for today's messages, the date for older ones. */
const when = (iso: string) => {
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString([], { timeStyle: "short" }) : at.toLocaleDateString([], { dateStyle: "medium" });
};

/** A search's results (message-search.tsx), newest first, each opening its room at the message. */
export function SearchResults({
  results,
  status,
  more,
  onOpen,
}: {
  results: SearchResult[];
  status: string;
  more: { loading: boolean; load(): void } | null;
  onOpen(result: SearchResult): void;
}) {
  return (
    <section aria-label="Search" className="flex-1 overflow-y-auto px-2 py-3">
      <p role="status" className="px-2 pb-2 text-xs text-muted">
        {status}
      </p>
      <ul aria-label="Search results" className="space-y-1">
        {results.map((r) => (
          <li key={r.message.id}>
            <button
              type="button"
              onClick={() => onOpen(r)}
              className="block w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-zinc-200/60 focus-visible:bg-zinc-200/60 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800"
            >
              <span className="flex items-baseline gap-1 text-xs text-muted">
                <span aria-hidden="true">{r.room.visibility === "private" ? <LockIcon /> : r.room.visibility === "direct" ? "@" : "#"}</span>
                <span className="min-w-0 flex-1 truncate font-medium">{r.room.name}</span>
                <time dateTime={r.message.createdAt} className="shrink-0">
                  {when(r.message.createdAt)}
                </time>
              </span>
              <span className="mt-0.5 line-clamp-3 block break-words text-zinc-800 dark:text-zinc-200">
                <span className="font-semibold">{r.message.author.name}</span>: <Snippet snippet={r.snippet} />
              </span>
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <button
          type="button"
          disabled={more.loading}
          onClick={more.load}
          className="mt-2 w-full rounded-md px-2 py-1.5 text-sm font-medium text-accent-700 hover:bg-zinc-200/60 disabled:opacity-50 dark:text-accent-400 dark:hover:bg-zinc-800"
        >
          {more.loading ? "Loading…" : "More results"}
        </button>
      )}
    </section>
  );
}
