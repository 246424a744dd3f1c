"use client";

import * as Popover from "@radix-ui/react-popover";
import { useEffect, useId, useState, type ReactNode } from "react";
import { loadEmoji, QUICK_REACTIONS, searchEmoji, type EmojiEntry } from "@/app/lib/emoji-search";

const emojiButton =
  "grid size-9 place-items-center rounded-md text-xl hover:bg-zinc-100 focus-visible:bg-zinc-100 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800";

/**
 * The "Add reaction" dialog: the common reactions, and a search over every emoji (by name
 * and keyword, emojibase's English data, loaded when first searched). Opened by the message
 * menu's "Add reaction" (`open`), anchored to the message.
 */
export function ReactionPicker({
  open,
  onOpenChange,
  onPick,
  anchor,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  onPick(emoji: string): void;
  anchor: ReactNode;
}) {
  const [query, setQuery] = useState("");
  const [entries, setEntries] = useState<EmojiEntry[] | null>(null);
  const searchId = useId();

  useEffect(() => {
    if (!open || entries || query.trim() === "") return;
    let live = true;
    void loadEmoji().then((all) => live && setEntries(all));
    return () => {
      live = false;
    };
  }, [open, entries, query]);

  const results = query.trim() === "" ? null : entries ? searchEmoji(entries, query) : [];
  const pick = (emoji: string) => {
    onPick(emoji);
    onOpenChange(false);
    setQuery("");
  };

  return (
    <Popover.Root open={open} onOpenChange={(next) => (onOpenChange(next), next || setQuery(""))}>
      <Popover.Anchor asChild>{anchor}</Popover.Anchor>
      <Popover.Portal>
        <Popover.Content
          aria-label="Add reaction"
          side="top"
          align="end"
          sideOffset={4}
          collisionPadding={8}
          className="z-30 w-72 rounded-xl border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <label htmlFor={searchId} className="sr-only">
            Search emoji
          </label>
          <input
            id={searchId}
            type="search"
            role="searchbox"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search emoji"
            className="mb-2 w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm placeholder:text-zinc-500 focus:border-accent-500 focus:outline-none dark:border-zinc-700 dark:bg-zinc-950 dark:placeholder:text-zinc-400"
          />
          {results === null ? (
            <div className="flex justify-between">
              {QUICK_REACTIONS.map((emoji) => (
                <button key={emoji} type="button" aria-label={emoji} className={emojiButton} onClick={() => pick(emoji)}>
                  {emoji}
                </button>
              ))}
            </div>
          ) : results.length === 0 ? (
            <p className="px-1 py-2 text-sm text-muted">{entries ? "No emoji match." : "Loading…"}</p>
          ) : (
            <div className="grid max-h-48 grid-cols-7 gap-0.5 overflow-y-auto">
              {results.map((e) => (
                <button key={e.emoji} type="button" aria-label={e.emoji} title={e.label} className={emojiButton} onClick={() => pick(e.emoji)}>
                  {e.emoji}
                </button>
              ))}
            </div>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
