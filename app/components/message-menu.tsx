"use client";

import { lazy, Suspense, useState, useSyncExternalStore, type KeyboardEvent } from "react";
import { Observable } from "@/app/lib/observable";
import type { MessageControlsProps } from "./message-controls";
import { DotsIcon, TRIGGER } from "./message-menu-trigger";

const importControls = () => import("./message-controls");
const Controls = lazy(() => importControls().then((m) => ({ default: m.MessageControls })));

// Whether the menu's code has loaded: once it has, every message shows the real menu.
const loaded = new Observable(false);
let loading: Promise<void> | undefined;
function load(): Promise<void> {
  return (loading ??= importControls().then(
    () => loaded.set(true),
    () => {
      loading = undefined; // offline and not cached: the next hover or click tries again
    },
  ));
}

/**
 * A message's "Message actions" button. The menu behind it (Radix's, with the reaction
 * picker: message-controls.tsx) is not part of the page's first load: a plain button of the
 * same name and look stands in until any message's button is hovered, focused or pressed,
 * and a press before the code has arrived opens the menu as soon as it has.
 */
export function MessageMenu(props: Omit<MessageControlsProps, "openAtOnce" | "onOpenedAtOnce">) {
  const ready = useSyncExternalStore(loaded.subscribe, loaded.get, () => false);
  const [openAtOnce, setOpenAtOnce] = useState(false);
  const open = () => {
    setOpenAtOnce(true);
    void load();
  };
  const standIn = (
    <button
      type="button"
      aria-label="Message actions"
      aria-haspopup="menu"
      aria-expanded={false}
      className={TRIGGER}
      onPointerEnter={() => void load()}
      onFocus={() => void load()}
      // On press, as Radix's trigger opens: a hover may load the code just as the pointer goes
      // down, and the real trigger that replaces this button between the press and its click
      // does not open on a click (an e2e test waited 150 s for the menu). The click stays
      // for the keyboard's Enter and Space.
      onPointerDown={(e) => {
        if (e.button === 0 && !e.ctrlKey) open();
      }}
      onClick={open}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key === "ArrowDown") {
          e.preventDefault();
          open();
        }
      }}
    >
      <DotsIcon />
    </button>
  );
  if (!ready && !openAtOnce) return standIn;
  return (
    <Suspense fallback={standIn}>
      <Controls {...props} openAtOnce={openAtOnce} onOpenedAtOnce={() => setOpenAtOnce(false)} />
    </Suspense>
  );
}
