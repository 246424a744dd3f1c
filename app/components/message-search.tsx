"use client";

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { RoomSummary } from "@/server/contract/model";
import type { SearchResult } from "@/server/contract/search";
import { onDemand } from "./on-demand";
import { useConnection } from "@/app/hooks/socket-context";
import { useMessageSearch } from "@/app/hooks/use-message-search";

// The results are loaded with the first search (most visits search nothing).
const SearchResults = onDemand(() => import("./search-results").then((m) => m.SearchResults));

/**
 * The search box ("Search messages", Ctrl/Cmd+K) and, while a search is shown, its results in
 * place of the room list: newest first, each opening its room at the message.
 *
 * The query language: words and "phrases" (all must occur), `from:<name>`, `in:<room>`.
 */
export function MessageSearch({ activeRoom, children }: { activeRoom?: RoomSummary; children: ReactNode }) {
  const conn = useConnection();
  const search = useMessageSearch();
  // The box shows the query on screen (kept by the connection) until it is edited.
  const [text, setText] = useState(search.query ?? "");
  const [thisRoom, setThisRoom] = useState(search.roomId !== undefined);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const roomId = thisRoom && activeRoom ? activeRoom.id : undefined;

  // Ctrl+K (Cmd+K on a Mac) focuses the box from anywhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void search.search(text, roomId);
    else search.clear();
  };
  const clear = () => {
    setText("");
    search.clear();
    input.current?.focus();
  };
  const open = (r: SearchResult) => conn?.opener.open(r.room.id, r.message.seq, r.room.slug);

  const showing = search.query !== null;
  const count = search.results.length;
  const found = count === 0 ? "No messages found" : `${count}${search.next ? "+" : ""} ${count === 1 ? "message" : "messages"} found`;
  const status = search.loading && count === 0 ? "Searching…" : search.error ? search.error : showing ? (search.onDevice ? `${found} on this device (offline: only the messages kept here were searched).` : `${found}${count === 0 ? "." : ""}`) : "";

  return (
    <>
      <form role="search" onSubmit={submit} className="space-y-1.5 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <div className="flex items-center gap-1.5">
          <input
            ref={input}
            type="search"
            aria-label="Search messages"
            aria-describedby={hintId}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape" && showing) {
                e.preventDefault();
                clear();
              }
            }}
            maxLength={500}
            placeholder="Search messages"
            className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm placeholder:text-zinc-500 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-zinc-700 dark:bg-zinc-950 dark:placeholder:text-zinc-400"
          />
          {showing && (
            <button type="button" onClick={clear} className="rounded-md px-2 py-1 text-xs text-muted hover:bg-zinc-200/60 hover:text-zinc-800 dark:hover:bg-zinc-800 dark:hover:text-zinc-200">
              Clear search
            </button>
          )}
        </div>
        <p id={hintId} className="sr-only">
          Words and &quot;phrases&quot; must all occur. Narrow with from:name or in:room. Ctrl+K comes back here.
        </p>
        {activeRoom && (
          <label className="flex items-center gap-2 text-xs text-muted">
            <input type="checkbox" checked={thisRoom} onChange={(e) => setThisRoom(e.target.checked)} className="accent-accent-600" />
            Only in {activeRoom.name}
          </label>
        )}
      </form>
      {showing ? (
        <SearchResults results={search.results} status={status} more={search.next ? { loading: search.loading, load: () => void search.more() } : null} onOpen={open} />
      ) : (
        children
      )}
    </>
  );
}
