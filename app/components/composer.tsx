"use client";

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { encodeMentions, insertMention, mentionQuery, suggestions } from "@/app/lib/mention-input";
import { LIMITS, textLength } from "@/server/contract/limits";
import type { MuteState, UserSummary } from "@/server/contract/model";
import type { UploadState } from "@/app/lib/uploads";
import { formatBytes } from "@/server/contract/files";
import { LocalPreview, UploadProgress } from "./attachments";
import { RevealedText } from "./revealed-text";

interface Props {
  disabled: boolean;
  /** How the placeholder names where the message goes: "#general", or a person. */
  roomName: string;
  onSend(body: string): void;
  onTyping(): void;
  onCleared(): void;
  /** ↑ in an empty composer: edit the viewer's last message. */
  onEditLast(): void;
  /** The message being replied to, shown above the box. */
  replyingTo: { name: string; excerpt: string } | null;
  onCancelReply(): void;
  /** Who can be mentioned: suggested when `@` is typed. */
  people?: readonly UserSummary[];
  /**
   * The room's people whose name (or a word of it) starts with `query`, asked of the server:
   * followers who are offline and not in the loaded history can be mentioned too.
   */
  findPeople?(query: string): Promise<readonly UserSummary[]>;
  /** Files attached and not sent yet (uploading already), with their local bytes for a preview. */
  attachments?: readonly UploadState[];
  previews?: ReadonlyMap<string, Blob>;
  onAttach?(files: File[]): void;
  onRemoveAttachment?(id: string): void;
  /** Why the last files could not be attached (too large, too many, no room on the device). */
  attachError?: string | null;
  /** False when this user may not upload (a guest, where guests may not). */
  mayAttach?: boolean;
  /** Muted here: the box is disabled and says why and until when. */
  muted?: MuteState | null;
  /** What was typed here and not sent, kept on the device (undefined: not read yet). */
  draft?: { text: string; chosen: readonly UserSummary[] } | null;
  /** The text changed (typed, picked, sent): kept as the draft. */
  onDraft?(text: string, chosen: readonly UserSummary[]): void;
}

const WARN_AT = LIMITS.messageLength - 500;

/**
 * The message box: Enter sends, Shift+Enter adds a line; grows with its text up to a point.
 * Typing `@` offers the room's people ("Mention suggestions": arrows move, Enter or Tab
 * picks, Escape closes, or a click); a picked person shows as `@Name` and is sent as
 * `<@id>`.
 */
export function Composer({
  disabled,
  roomName,
  onSend,
  onTyping,
  onCleared,
  onEditLast,
  replyingTo,
  onCancelReply,
  people = [],
  findPeople,
  attachments = [],
  previews,
  onAttach,
  onRemoveAttachment,
  attachError,
  mayAttach: mayUpload = true,
  muted = null,
  draft,
  onDraft,
}: Props) {
  const mayAttach = mayUpload && !muted;
  const mutedId = useId();
  const [text, setText] = useState("");
  const fileInputId = useId();
  const refused = attachments.some((a) => a.status === "refused");
  const canSend = !disabled && !muted && !refused && (text.trim().length > 0 || attachments.length > 0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const counterId = useId();
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [chosen, setChosen] = useState<UserSummary[]>([]);
  // The device's draft fills the box once read, unless something was typed meanwhile; from
  // then on every change is the draft (an emptied or sent box deletes it).
  // (State adjusted while rendering, once: React's pattern for state that follows a prop.)
  const [restored, setRestored] = useState(false);
  if (draft !== undefined && !restored) {
    setRestored(true);
    if (draft && text === "") {
      setText(draft.text);
      setChosen([...draft.chosen]);
    }
  }
  // What the device holds now: a text that says the same is not written again (opening a
  // room with no draft writes nothing).
  const kept = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!restored) return;
    kept.current ??= draft ? draft.text : "";
    if (kept.current === text) return;
    kept.current = text;
    onDraft?.(text, chosen);
  }, [restored, draft, text, chosen, onDraft]);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const query = mentionQuery(text, caret);
  // What the server found for the query being typed (asked after a short pause in typing).
  const [found, setFound] = useState<{ query: string; people: readonly UserSummary[] } | null>(null);
  const asked = query && query.start !== dismissed ? query.query : null;
  useEffect(() => {
    if (asked === null || !findPeople) return;
    let live = true;
    const timer = setTimeout(() => {
      void findPeople(asked)
        .then((people) => live && setFound({ query: asked, people }))
        .catch(() => undefined);
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [asked, findPeople]);
  const candidates = useMemo(() => {
    if (!found || found.query !== asked) return people;
    const known = new Set(people.map((p) => p.id));
    return [...people, ...found.people.filter((p) => !known.has(p.id))];
  }, [people, found, asked]);
  const options = useMemo(() => (query && query.start !== dismissed ? suggestions(candidates, query.query) : []), [query?.start, query?.query, dismissed, candidates]); // eslint-disable-line react-hooks/exhaustive-deps
  const open = options.length > 0;
  const selected = open ? Math.min(active, options.length - 1) : 0;

  const pendingCaret = useRef<number | null>(null);
  const pick = (person: UserSummary) => {
    if (!query) return;
    const next = insertMention(text, query, person);
    setText(next.text);
    setCaret(next.caret);
    setChosen((list) => (list.some((p) => p.id === person.id) ? list : [...list, person]));
    setActive(0);
    // Placed in the commit that shows the new text (below), never a frame later: a key typed
    // in between would land before the caret moved and end up after what follows.
    pendingCaret.current = next.caret;
  };
  const length = textLength(text);
  const over = length > LIMITS.messageLength;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // An empty box stays one line high, even when its placeholder would wrap on a phone.
    el.style.height = "auto";
    if (text.length > 0) el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
    if (pendingCaret.current !== null) {
      el.focus();
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  }, [text]);

  // Choosing "Reply" puts the cursor here.
  useEffect(() => {
    if (replyingTo) ref.current?.focus();
  }, [replyingTo]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!canSend) return;
    onSend(encodeMentions(text, chosen));
    setText("");
    setChosen([]);
    setCaret(0);
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && !e.nativeEvent.isComposing) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((selected + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
        return;
      }
      if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
        e.preventDefault();
        pick(options[selected]!);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        setDismissed(query!.start);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && replyingTo) {
      e.preventDefault();
      onCancelReply();
    } else if (e.key === "ArrowUp" && text.length === 0 && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onEditLast();
    }
  };

  return (
    <form onSubmit={submit} className="shrink-0 border-t border-zinc-200 p-3 dark:border-zinc-800">
      {replyingTo && (
        <div className="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-accent-500 bg-zinc-50 px-3 py-1.5 text-sm dark:bg-zinc-900">
          <div className="min-w-0 flex-1">
            <p className="text-xs font-semibold text-accent-700 dark:text-accent-400">
              Replying to <bdi>{replyingTo.name}</bdi>
            </p>
            <p className="truncate text-xs text-muted">{replyingTo.excerpt ? <RevealedText text={replyingTo.excerpt} /> : "Message deleted"}</p>
          </div>
          <button type="button" onClick={onCancelReply} className="rounded-md px-2 py-1 text-xs font-medium text-muted hover:bg-zinc-200/60 dark:hover:bg-zinc-800">
            Cancel reply
          </button>
        </div>
      )}
      {open && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Mention suggestions"
          className="mb-2 max-h-60 overflow-y-auto rounded-lg border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {options.map((person, i) => (
            <li
              key={person.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === selected}
              onMouseDown={(e) => {
                e.preventDefault(); // keeps the focus in the box
                pick(person);
              }}
              onMouseEnter={() => setActive(i)}
              className={`cursor-pointer px-3 py-1.5 text-sm ${i === selected ? "bg-accent-100 text-accent-700 dark:bg-accent-600/25 dark:text-accent-400" : ""}`}
            >
              <bdi>{person.name}</bdi>
            </li>
          ))}
        </ul>
      )}
      {attachments.length > 0 && (
        <ul aria-label="Attachments" className="mb-2 flex flex-wrap gap-2">
          {attachments.map((a) => (
            <li key={a.id} className="flex max-w-xs min-w-48 items-center gap-2 rounded-lg border border-zinc-200 bg-white py-1.5 pr-1 pl-2 dark:border-zinc-700 dark:bg-zinc-900">
              <LocalPreview file={previews?.get(a.id)} name={a.name} />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium">{a.name}</span>
                <span className="block text-[11px] text-muted">{formatBytes(a.size)}</span>
                <UploadProgress upload={a} />
              </span>
              <button
                type="button"
                onClick={() => onRemoveAttachment?.(a.id)}
                aria-label={`Remove ${a.name}`}
                className="grid size-8 shrink-0 place-items-center rounded-md text-muted hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
              >
                <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
                  <path d="M5.3 5.3a1 1 0 0 1 1.4 0L10 8.6l3.3-3.3a1 1 0 1 1 1.4 1.4L11.4 10l3.3 3.3a1 1 0 0 1-1.4 1.4L10 11.4l-3.3 3.3a1 1 0 0 1-1.4-1.4L8.6 10 5.3 6.7a1 1 0 0 1 0-1.4z" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      )}
      {muted && (
        <p id={mutedId} className="mb-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {mutedText(muted)}
        </p>
      )}
      {attachError && (
        <p role="alert" className="mb-2 text-xs text-red-700 dark:text-red-400">
          {attachError}
        </p>
      )}
      <div className="flex items-end gap-2 rounded-xl border border-zinc-300 bg-white px-3 py-2 focus-within:border-accent-500 focus-within:ring-2 focus-within:ring-accent-500/30 dark:border-zinc-700 dark:bg-zinc-900">
        <textarea
          ref={ref}
          aria-label="Message"
          aria-describedby={muted ? mutedId : length >= WARN_AT ? counterId : undefined}
          disabled={muted !== null}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${selected}` : undefined}
          rows={1}
          value={text}
          placeholder={muted ? "You are muted" : `Message ${roomName}`}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setActive(0);
            if (e.target.value.length > 0) onTyping();
            else onCleared();
          }}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = [...e.clipboardData.files];
            if (pasted.length === 0 || !onAttach || !mayAttach) return;
            e.preventDefault();
            onAttach(pasted);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          className="max-h-[200px] min-h-6 flex-1 resize-none bg-transparent py-1 text-[15px] leading-6 placeholder:text-zinc-500 dark:placeholder:text-zinc-400 focus:outline-none"
        />
        <button
          type="submit"
          disabled={!canSend}
          className="rounded-lg bg-accent-600 px-3.5 py-1.5 text-sm font-semibold text-white hover:bg-accent-700 disabled:opacity-40"
        >
          Send
        </button>
      </div>
      <div className="mt-1 flex items-center justify-between gap-3 px-1 text-[11px] text-muted">
        {onAttach && mayAttach ? (
          <span>
            <input
              id={fileInputId}
              type="file"
              multiple
              disabled={disabled}
              className="peer sr-only"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = "";
                onAttach(files);
              }}
            />
            <label
              htmlFor={fileInputId}
              className="inline-flex cursor-pointer items-center gap-1 rounded-md px-1.5 py-1 text-xs font-medium text-zinc-700 peer-focus-visible:ring-2 peer-focus-visible:ring-accent-500 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
                <path d="M15.5 9.5l-5.8 5.8a3.5 3.5 0 0 1-5-5l6.4-6.4a2.3 2.3 0 0 1 3.3 3.3l-6.3 6.3a1.2 1.2 0 0 1-1.7-1.7l5.6-5.6" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              Attach files
            </label>
          </span>
        ) : (
          <span />
        )}
        <span className="hidden sm:inline">Enter to send · Shift+Enter for a new line</span>
        {length >= WARN_AT && (
          <span id={counterId} className={over ? "font-medium text-red-600 dark:text-red-400" : ""}>
            {length.toLocaleString("en")} / {LIMITS.messageLength.toLocaleString("en")}
            {over ? " (too long to send)" : ""}
          </span>
        )}
      </div>
    </form>
  );
}

/** "You are muted in this room until Dec 4, 2026, 3:30 PM: you can read, not write. Reason: …" */
export function mutedText(muted: MuteState): string {
  // Guests where guests are read-only: the server's words (they contain no "muted": it is not a sanction).
  if (muted.scope === "guests") return muted.reason;
  const where = muted.scope === "room" ? " in this room" : "";
  const until = muted.until ? ` until ${new Date(muted.until).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}` : "";
  return `You are muted${where}${until}: you can read, not write.${muted.reason ? ` Reason: ${muted.reason}` : ""}`;
}
