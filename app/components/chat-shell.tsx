"use client";

import type { AccountInfo, UserSummary } from "@/server/contract/model";
import { useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { useAttention } from "@/app/hooks/use-attention";
import { useConnection } from "@/app/hooks/socket-context";
import { useRoomDirectory } from "@/app/hooks/use-room-directory";
import { AttentionTitle } from "./attention-title";
import { ConnectionStatusBadge } from "./connection-status";
import { RoomSidebar } from "./room-sidebar";
import { RoomView } from "./room-view";

const noSubscription = () => () => {};

/**
 * The signed-in layout: the room sidebar and, beside it, the open room. On a phone the two
 * take turns: the directory at `/`, the room at `/r/<slug>` with a way back.
 */
export function ChatShell({ slug, invite, user, account }: { slug?: string; invite?: string; user: UserSummary; account: AccountInfo }) {
  const directory = useRoomDirectory();
  const attention = useAttention();
  // A notification's click opens its room at its message (RoomView takes the pending jump).
  const conn = useConnection();
  const router = useRouter();
  useEffect(
    () =>
      conn?.opener.provide((roomId, known) => {
        const slug = known ?? conn.directory.room(roomId)?.slug;
        if (slug) router.push(`/r/${slug}`);
        return slug !== undefined;
      }),
    [conn, router],
  );
  // The device refused to keep more (its storage is full): Parley works on, with less offline.
  const storage = useSyncExternalStore(conn?.local.problem.subscribe ?? noSubscription, () => conn?.local.problem.get() ?? null, () => null);
  return (
    <div className="flex h-dvh overflow-hidden">
      {storage === "full" && (
        <p role="alert" className="fixed inset-x-0 top-0 z-40 mx-auto w-fit max-w-[calc(100vw-2rem)] rounded-b-md border border-t-0 border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          This device&apos;s storage is full: Parley keeps working, but fewer rooms will open without a connection.
        </p>
      )}
      <RoomSidebar
        user={user}
        account={account}
        rooms={directory.rooms}
        createRoom={directory.createRoom}
        attention={attention.rooms}
        onReadAll={attention.readAll}
        activeSlug={slug}
        className={slug ? "hidden md:flex" : "flex w-full md:w-72"}
      />
      {slug ? (
        <RoomView key={slug} slug={slug} invite={invite} user={user} />
      ) : (
        <main className="hidden flex-1 flex-col md:flex">
          {/* On a phone the directory is the page: its title is this one too. */}
          <AttentionTitle />
          <header className="flex h-14 items-center justify-end border-b border-zinc-200 px-4 dark:border-zinc-800">
            <ConnectionStatusBadge />
          </header>
          <div className="grid flex-1 place-items-center p-8 text-center">
            <div className="max-w-sm space-y-2">
              <h1 className="text-xl font-semibold">Hi {user.name} 👋</h1>
              <p className="text-sm text-muted">
                Pick a room on the left, or create one and share its address with others.
              </p>
            </div>
          </div>
        </main>
      )}
    </div>
  );
}
