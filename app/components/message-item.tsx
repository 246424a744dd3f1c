"use client";

import { memo, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { decodeMentions, encodeMentions } from "@/app/lib/mention-input";
import type { LogItem } from "@/app/lib/message-log";
import type { UserSummary } from "@/server/contract/model";
import type { UploadState } from "@/app/lib/uploads";
import { MessageAttachments } from "./attachments";
import { Avatar } from "./avatar";
import { DeleteMessageDialog } from "./dialogs";
import { MessageBody } from "./message-body";
import { MessageBoundary } from "./message-boundary";
import { MessageMenu } from "./message-menu";
import { Reactions } from "./reactions";
import { RevealedText } from "./revealed-text";

/** What a message can have done to it, by the viewer. */
export interface MessageHandlers {
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  onStartEdit(key: string): void;
  onCancelEdit(): void;
  onSaveEdit(item: LogItem, body: string): void;
  onDelete(item: LogItem): void;
  onReact(item: LogItem, emoji: string, add: boolean): void;
  onReply(item: LogItem): void;
  /** Scrolls to message `seq` (a reply's original) and highlights it. */
  onJumpTo(seq: number): void;
  /** A moderator mutes the message's author in the room, or removes them from it. */
  onSanction?(item: LogItem, kind: "mute" | "kick"): void;
  /** The viewer reports someone else's message to the room's moderators. */
  onReport?(item: LogItem): void;
}

interface Props extends MessageHandlers {
  item: LogItem;
  selfId: string;
  /** First of a run by the same author: shows avatar, name and time. */
  first: boolean;
  /** What a pending message says about itself ("Sending…", or waiting for the connection). */
  pendingLabel: string;
  /** This message is being edited. */
  editing: boolean;
  /** Jumped to (a reply's original, a search result, a notification): highlighted for a moment. */
  highlighted: boolean;
  /** The message last jumped to: `aria-current` until the next jump. */
  current?: boolean;
  /** People known in the room by id: names for mentions the server has not resolved yet (pending messages). */
  people?: ReadonlyMap<string, UserSummary>;
  /** Its author is someone the viewer blocks: folded away until asked for. */
  blocked?: boolean;
  /** A waiting message's files' uploads (absent for sent messages). */
  uploads?: ReadonlyMap<string, UploadState>;
  /** The viewer moderates the room: others' messages offer "Delete". */
  moderate?: boolean;
}

// One formatter for every message: `toLocaleTimeString` with options builds a new one per
// call, about half a millisecond each, which a room of 30 messages paid on every open.
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const time = (iso: string) => TIME.format(new Date(iso));

/**
 * One message as an `article`. Follow-ups in a group hide the author visually but keep the
 * name for screen readers; the viewer's own messages carry `data-status`. A deleted message
 * is a tombstone ("Message deleted") in its place; an edited one says "(edited)".
 */
export const MessageItem = memo(function MessageItem(props: Props) {
  const { item, first, pendingLabel, selfId, editing, highlighted, current, people } = props;
  const failed = item.status === "failed";
  const named = useMemo(() => {
    if (!item.mentions) return people;
    const all = new Map(people);
    for (const u of item.mentions) all.set(u.id, u);
    return all;
  }, [item.mentions, people]);
  const mentionsMe = item.author.id !== selfId && !item.deleted && (item.body.includes(`<@${selfId}>`) || item.body.includes("<@room>"));
  const pending = item.status === "pending";
  const own = item.author.id === selfId;
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [picking, setPicking] = useState(false);
  const [unfolded, setUnfolded] = useState(false);

  if (props.blocked && !unfolded) {
    return (
      <article data-seq={item.seq ?? undefined} className={`flex items-center gap-2 px-4 py-0.5 text-sm text-muted italic ${first ? "mt-2" : ""}`}>
        <span className="w-9 shrink-0" />
        <span>Message from someone you blocked.</span>
        <button type="button" onClick={() => setUnfolded(true)} className="not-italic font-medium text-accent-600 hover:underline dark:text-accent-400">
          Show
        </button>
      </article>
    );
  }

  // A highlight fades out (the background only: the text follows a change of colour scheme at
  // once, never through a fade whose middle lacks contrast).
  return (
    <article
      data-status={item.status}
      data-changing={item.changing ? "true" : undefined}
      data-seq={item.seq ?? undefined}
      aria-current={current || highlighted ? "true" : undefined}
      className={`group relative flex gap-3 px-4 transition-[background-color] duration-700 hover:bg-zinc-50 dark:hover:bg-zinc-900/60 ${first || item.replyTo ? "mt-2 pt-1.5" : "py-0.5"} ${failed ? "bg-red-50/60 dark:bg-red-950/30" : ""} ${editing || highlighted ? "bg-accent-50/80 dark:bg-accent-600/15" : mentionsMe ? "border-l-2 border-amber-500 bg-amber-50/70 dark:bg-amber-400/10" : ""}`}
    >
      <div className="w-9 shrink-0">
        {first ? (
          <Avatar user={item.author} />
        ) : (
          <time dateTime={item.createdAt} className="hidden pt-0.5 text-right text-[10px] leading-5 text-muted group-hover:block">
            {time(item.createdAt)}
          </time>
        )}
      </div>
      <div className="min-w-0 flex-1">
        {item.replyTo && (
          <button
            type="button"
            onClick={() => props.onJumpTo(item.replyTo!.seq)}
            className="mb-0.5 flex max-w-full items-baseline gap-1.5 rounded border-l-2 border-zinc-300 pl-2 text-left text-xs hover:border-accent-500 dark:border-zinc-600"
          >
            <span className="sr-only">Reply to </span>
            <bdi className="shrink-0 font-semibold">{item.replyTo.author.name}</bdi>
            <span className={`truncate text-muted ${item.replyTo.deleted ? "italic" : ""}`}>{item.replyTo.deleted ? "Message deleted" : <RevealedText text={item.replyTo.excerpt} />}</span>
          </button>
        )}
        {first || item.replyTo ? (
          <header className="flex items-baseline gap-2">
            <bdi className="text-sm font-semibold">{item.author.name}</bdi>
            <time dateTime={item.createdAt} className="text-[11px] text-muted">
              {time(item.createdAt)}
            </time>
          </header>
        ) : (
          <span className="sr-only">{item.author.name}: </span>
        )}
        {item.deleted ? (
          <p className="text-[15px] leading-6 text-muted italic">{item.removed ? "Removed by a moderator" : "Message deleted"}</p>
        ) : editing ? (
          <EditBox
            initial={decodeMentions(item.body, [...(named?.values() ?? [])])}
            onSave={(body) => props.onSaveEdit(item, encodeMentions(body, [...(named?.values() ?? [])]))}
            onCancel={props.onCancelEdit}
          />
        ) : (
          // "(edited)" follows the last line of text when that line is a paragraph.
          <div className={`[&>div>p:last-child]:inline ${pending || item.changing ? "text-muted" : ""}`}>
            {mentionsMe && <span className="sr-only">Mentions you. </span>}
            {item.body !== "" && (
              <MessageBoundary key={item.body} text={item.body}>
                <MessageBody text={item.body} people={named} selfId={selfId} />
              </MessageBoundary>
            )}
            {item.editedAt && <span className="ml-1 text-[11px] text-muted">(edited)</span>}
          </div>
        )}
        {!item.deleted && item.attachments && item.attachments.length > 0 && <MessageAttachments attachments={item.attachments} uploads={props.uploads} />}
        {!item.deleted && item.reactions && item.reactions.length > 0 && (
          <Reactions reactions={item.reactions} selfId={selfId} onToggle={(emoji, add) => props.onReact(item, emoji, add)} />
        )}
        {(pending || item.changing) && (
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
            <button type="button" onClick={() => props.onRetry(item.clientId)} className="font-medium text-accent-600 hover:underline dark:text-accent-400">
              Retry
            </button>
            <button type="button" onClick={() => props.onDiscard(item.clientId)} className="font-medium text-muted hover:underline">
              Discard
            </button>
          </div>
        )}
        {item.changeFailed && (
          <div role="alert" className="flex flex-wrap items-center gap-x-3 pb-1 text-xs">
            <span className="text-red-700 dark:text-red-400">Your change was not saved: {item.changeFailed.error}</span>
            <button type="button" onClick={() => props.onDiscard(item.changeFailed!.clientId)} className="font-medium text-muted hover:underline">
              Dismiss
            </button>
          </div>
        )}
      </div>
      {!item.deleted && !editing && !failed && (
        <div className="absolute top-0 right-3 -translate-y-1/3">
          <MessageMenu
            picking={picking}
            onPickingChange={setPicking}
            onPick={(emoji) => props.onReact(item, emoji, !(item.reactions ?? []).some((r) => r.emoji === emoji && r.users.some((u) => u.id === selfId)))}
            actions={{
              own,
              canRemove: props.moderate === true && item.id !== undefined,
              canReply: item.id !== undefined,
              onReply: () => props.onReply(item),
              onEdit: () => props.onStartEdit(item.key),
              onDelete: () => setConfirmDelete(true),
              author: item.author.name,
              onSanction: props.onSanction && ((kind) => props.onSanction!(item, kind)),
              onReport: props.onReport && item.id !== undefined ? () => props.onReport!(item) : undefined,
            }}
          />
        </div>
      )}
      <DeleteMessageDialog open={confirmDelete} onOpenChange={setConfirmDelete} onConfirm={() => props.onDelete(item)} author={own ? undefined : item.author.name} />
    </article>
  );
});

/** The "Edit message" box: Enter saves, Shift+Enter adds a line, Escape cancels. */
function EditBox({ initial, onSave, onCancel }: { initial: string; onSave(body: string): void; onCancel(): void }) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onCancel();
    } else if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      const body = text.trim();
      if (body.length === 0) return;
      if (body === initial.trim()) onCancel();
      else onSave(body);
    }
  };
  return (
    <div className="py-1">
      <textarea
        ref={ref}
        aria-label="Edit message"
        value={text}
        rows={1}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        className="w-full resize-none rounded-lg border border-accent-500 bg-white px-2.5 py-1.5 text-[15px] leading-6 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:bg-zinc-900"
      />
      <p className="text-[11px] text-muted">Enter to save · Escape to cancel</p>
    </div>
  );
}
