"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { DotsIcon, TRIGGER } from "./message-menu-trigger";

const item =
  "flex cursor-default items-center rounded-md px-2.5 py-1.5 text-sm outline-none select-none data-[highlighted]:bg-zinc-100 dark:data-[highlighted]:bg-zinc-800";

/**
 * The "Message actions" button and its menu: "Reply" and "Add reaction" on every message,
 * "Edit" and "Delete" on the viewer's own, "Delete", "Mute <name>" and "Remove <name> from
 * room" on others' for a moderator or an administrator, "Report" on others' for everyone
 * (Radix's menu: arrow keys, Escape, focus return).
 */
export function MessageActions({
  defaultOpen = false,
  own,
  canRemove = false,
  canReply,
  onReply,
  onReact,
  onEdit,
  onDelete,
  author,
  onSanction,
  onReport,
}: {
  /** Opens at once: the user asked for the menu before its code had loaded (message-menu.tsx). */
  defaultOpen?: boolean;
  own: boolean;
  /** Someone else's stored message, and the viewer moderates the room. */
  canRemove?: boolean;
  /** Only a message the server has stored can be replied to. */
  canReply: boolean;
  onReply(): void;
  onReact(): void;
  onEdit(): void;
  onDelete(): void;
  /** The author's name, for a moderator's "Mute <name>" and "Remove <name> from room". */
  author?: string;
  /** A moderator mutes the author here, or removes them from the room (asked in a dialog). */
  onSanction?(kind: "mute" | "kick"): void;
  /** Reports someone else's stored message to the room's moderators (every member). */
  onReport?(): void;
}) {
  return (
    <DropdownMenu.Root modal={false} defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger aria-label="Message actions" className={TRIGGER}>
        <DotsIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          collisionPadding={8}
          className="z-30 min-w-36 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <DropdownMenu.Item className={`${item} data-[disabled]:opacity-50`} disabled={!canReply} onSelect={onReply}>
            Reply
          </DropdownMenu.Item>
          <DropdownMenu.Item className={item} onSelect={onReact}>
            Add reaction
          </DropdownMenu.Item>
          {own && (
            <>
              <DropdownMenu.Item className={item} onSelect={onEdit}>
                Edit
              </DropdownMenu.Item>
              <DropdownMenu.Item className={`${item} text-red-700 dark:text-red-400`} onSelect={onDelete}>
                Delete
              </DropdownMenu.Item>
            </>
          )}
          {!own && canRemove && (
            <>
              <DropdownMenu.Item className={`${item} text-red-700 dark:text-red-400`} onSelect={onDelete}>
                Delete
              </DropdownMenu.Item>
              {onSanction && author !== undefined && (
                <>
                  <DropdownMenu.Separator className="my-1 h-px bg-zinc-200 dark:bg-zinc-700" />
                  <DropdownMenu.Item className={item} onSelect={() => onSanction("mute")}>
                    Mute {author}
                  </DropdownMenu.Item>
                  <DropdownMenu.Item className={item} onSelect={() => onSanction("kick")}>
                    Remove {author} from room
                  </DropdownMenu.Item>
                </>
              )}
            </>
          )}
          {!own && onReport && (
            <>
              <DropdownMenu.Separator className="my-1 h-px bg-zinc-200 dark:bg-zinc-700" />
              <DropdownMenu.Item className={item} onSelect={onReport}>
                Report
              </DropdownMenu.Item>
            </>
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
