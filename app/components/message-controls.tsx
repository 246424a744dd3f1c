"use client";

import { useEffect, type ComponentProps } from "react";
import { MessageActions } from "./message-actions";
import { ReactionPicker } from "./reaction-picker";

export type MessageControlsProps = {
  picking: boolean;
  onPickingChange(open: boolean): void;
  onPick(emoji: string): void;
  actions: Omit<ComponentProps<typeof MessageActions>, "defaultOpen" | "onReact">;
  /** The menu opens as it mounts (asked for before this code had loaded); told back once done. */
  openAtOnce?: boolean;
  onOpenedAtOnce?(): void;
};

/**
 * A message's menu ("Message actions", Radix's) and its "Add reaction" picker, anchored to
 * it: loaded by message-menu.tsx the first time any message's menu is wanted.
 */
export function MessageControls({ picking, onPickingChange, onPick, actions, openAtOnce = false, onOpenedAtOnce }: MessageControlsProps) {
  useEffect(() => {
    if (openAtOnce) onOpenedAtOnce?.();
    // Once, as it mounts: `defaultOpen` below has done its work.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <ReactionPicker
      open={picking}
      onOpenChange={onPickingChange}
      onPick={onPick}
      anchor={
        <div>
          <MessageActions {...actions} defaultOpen={openAtOnce} onReact={() => onPickingChange(true)} />
        </div>
      }
    />
  );
}
