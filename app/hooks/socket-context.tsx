"use client";

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { UserSummary } from "@/server/contract/model";
import { AttentionStore } from "@/app/lib/attention";
import { BlockStore } from "@/app/lib/blocks";
import { PeopleStore } from "@/app/lib/people";
import { feedAttention } from "@/app/lib/attention-feed";
import { ConnectionStatus } from "@/app/lib/connection-status";
import { notificationPermission, showNotification } from "@/app/lib/notifications-browser";
import { localNotifiedStore, Notifier, type NotifyLevel } from "@/app/lib/notifier";
import { Outbox } from "@/app/lib/outbox";
import { broadcastOutboxSync, electLeader, indexedDbOutboxStorage } from "@/app/lib/outbox-browser";
import { PresenceStore } from "@/app/lib/presence-store";
import { ReadReporter } from "@/app/lib/read-reporter";
import { LocalStore } from "@/app/lib/local-store";
import { askPersistentStorage, indexedDbLocalBackend } from "@/app/lib/local-store-browser";
import { subscribeToPush } from "@/app/lib/web-push-browser";
import { RoomOpener } from "@/app/lib/room-opener";
import { MessageSearchStore } from "@/app/lib/message-search";
import { createSocket } from "@/app/lib/socket";
import { RoomDirectory } from "@/app/lib/room-directory";
import type { RoomSummary } from "@/server/contract/model";
import { socketTransport, type ChatTransport } from "@/app/lib/transport";
import { TypingStore } from "@/app/lib/typing-store";
import { Uploads } from "@/app/lib/uploads";
import { holdTabLock, indexedDbFileStorage, tabAlive, tabId, xhrUploader } from "@/app/lib/uploads-browser";
import type { FileLimits } from "@/server/contract/files";
import { useSession } from "./session-context";

/**
 * The tab's connection to Parley, as components see it: the transport (requests, events,
 * hints) and the stores kept from it. The socket itself stays inside `SocketProvider`.
 */
export interface Connection {
  transport: ChatTransport;
  status: ConnectionStatus;
  presence: PresenceStore;
  typing: TypingStore;
  outbox: Outbox;
  /** Unread counts of the followed rooms. */
  attention: AttentionStore;
  /** Sends how far rooms were read, through the outbox, a few times a second at most. */
  reads: ReadReporter;
  /** Browser notifications (this tab shows them only while it leads). */
  notifier: Notifier;
  /** The rooms this user can see, kept live, and the room requests of the sidebar and settings. */
  directory: RoomDirectory;
  /** Where a notification's click goes: the shell navigates, the room view shows the message. */
  opener: RoomOpener;
  /** The message search on screen (kept while rooms are opened from its results). */
  search: MessageSearchStore;
  /** The people the user blocks. */
  blocks: BlockStore;
  /** Files attached: kept on the device and uploaded until their message is sent. */
  uploads: Uploads;
  /** People's profile pictures as the live stream says they are now. */
  people: PeopleStore;
  /** What is kept on this device: the rooms list, the opened rooms' recent history (local-store.ts). */
  local: LocalStore;
}

/** A room's notification level unless the user chose one: mentions in public rooms, everything in private ones. */
export const defaultNotifyLevel = (room: RoomSummary | undefined): NotifyLevel => (room && room.visibility !== "public" ? "all" : "mentions");

const SocketContext = createContext<Connection | null>(null);

/**
 * Opens this tab's one socket while the user is signed in, with the stores that listen to
 * it once for everybody and the user's outbox (shared by the browser's tabs; one tab sends).
 * When the browser says it is offline the socket is closed at once rather than left to
 * the heartbeat, and opened again when the browser is back online.
 */
export function SocketProvider({ children }: { children: ReactNode }) {
  const { session, sessionEnded, renamed } = useSession();
  const user = session.status === "signed-in" ? session.user : null;
  const userId = user?.id;
  const userName = user?.name;
  const [connection, setConnection] = useState<Connection | null>(null);
  // Who the outbox writes as: a new display name applies to what is sent next, without a new connection.
  const author = useRef<UserSummary>({ id: "", name: "" });
  useEffect(() => {
    if (userName) author.current.name = userName;
  }, [userName]);

  useEffect(() => {
    if (!userId) return;
    author.current.id = userId;
    const socket = createSocket(userId);
    const transport = socketTransport(socket);
    const sync = broadcastOutboxSync(userId);
    const tab = tabId();
    holdTabLock(tab);
    const uploads = new Uploads({ storage: indexedDbFileStorage(userId), uploader: xhrUploader, publish: () => sync?.publish(), tab, alive: tabAlive });
    const outbox = new Outbox({
      author: author.current,
      transport,
      storage: indexedDbOutboxStorage(userId),
      sync,
      files: uploads,
      leader: false,
    });
    const local = new LocalStore(indexedDbLocalBackend(), userId);
    askPersistentStorage();
    const conn: Connection = {
      local,
      transport,
      status: new ConnectionStatus(transport, window),
      presence: new PresenceStore(transport),
      typing: new TypingStore(transport, userId),
      outbox,
      attention: new AttentionStore(userId, (authorId) => conn.blocks.has(authorId)),
      reads: new ReadReporter(outbox),
      directory: new RoomDirectory(transport, outbox.delivered),
      opener: new RoomOpener(),
      search: new MessageSearchStore(transport, {
        // Offline only: loaded then (it parses Markdown into snippets).
        search: async (query, roomId) => (await import("@/app/lib/device-search")).searchStoredRooms(await local.listRooms(), query, roomId),
      }),
      blocks: new BlockStore(transport),
      uploads,
      people: new PeopleStore(transport),
      notifier: undefined as unknown as Notifier,
    };
    conn.notifier = new Notifier({
      selfId: userId,
      attention: conn.attention,
      transport,
      isLeader: () => outbox.isLeader(),
      enabled: () => notificationPermission() === "granted",
      show: (n) => showNotification(n, (roomId, seq) => conn.opener.open(roomId, seq)),
      roomName: (roomId) => conn.directory.room(roomId)?.name,
      level: (roomId) => conn.attention.get().get(roomId)?.notify ?? defaultNotifyLevel(conn.directory.room(roomId)),
      notified: localNotifiedStore(userId),
      muted: (authorId) => conn.blocks.has(authorId),
    });
    void uploads.load().then(() => outbox.start());
    // The device's rooms list and unread counts, shown until the server's arrive (a warm open, offline).
    void local.loadDirectory().then((stored) => {
      if (!stored) return;
      conn.directory.seed(stored.rooms);
      conn.attention.merge(stored.attention);
    });
    // Kept on the device as they change (batched); rooms the user may no longer read leave it.
    const keepDirectory = () => {
      const rooms = conn.directory.get();
      if (rooms) local.saveDirectory(rooms, [...conn.attention.get().values()]);
    };
    const stopKeepRooms = conn.directory.subscribe(keepDirectory);
    // Who is blocked, so that their messages stay folded away in a room opened from the device.
    void local.loadBlocks().then((blocked) => blocked && conn.blocks.seed(blocked));
    const stopKeepBlocks = conn.blocks.subscribe(() => local.saveBlocks(conn.blocks.get()));
    const stopKeepAttention = conn.attention.subscribe(keepDirectory);
    const stopRetain = conn.directory.listed.subscribe((rooms) => void local.retain(rooms.map((r) => r.id)));
    const forget = ({ roomId }: { roomId: string }) => void local.forget(roomId);
    const stopDeleted = transport.subscribe("room:deleted", forget);
    const stopRemoved = transport.subscribe("room:removed", forget);
    // At each connection: the server's file limits (checked before uploading), and uploads that wait go on.
    const stopUploads = transport.onConnect(() => {
      uploads.resume();
      void fetch("/api/files/limits")
        .then((res) => (res.ok ? (res.json() as Promise<FileLimits>) : null))
        .then((limits) => uploads.setLimits(limits))
        .catch(() => undefined);
    });
    const stopAttention = feedAttention(conn.attention, transport, outbox, () => conn.notifier.synced());
    const stopActivity = transport.subscribe("room:activity", (e) => conn.notifier.heard(e.roomId));
    // Notifications allowed: this browser keeps a Web Push subscription (mentions with every tab closed).
    const stopPush = transport.onConnect(() => void subscribeToPush(transport).catch(() => undefined));
    const stopMessages = transport.subscribe("message:created", (m) => conn.notifier.heard(m.roomId));
    const resign = electLeader(`parley-outbox-${userId}`, (leader) => outbox.setLeader(leader));

    const stopRefused = transport.onConnectError((error) => {
      if (error.code === "unauthorized") sessionEnded(error.message ?? "Your session has ended.");
    });
    // Banned: the server says why, then closes every connection of the account.
    let closedWhy: string | null = null;
    const stopBanned = transport.subscribe("account:closed", (e) => {
      closedWhy = e.message;
      sessionEnded(e.message);
    });
    // One's new name from another tab (or this one): the page's own display follows.
    const stopRenamed = transport.subscribe("profile:changed", ({ user: changed }) => {
      if (changed.id === userId) renamed(changed);
    });
    const stopClosed = transport.onDisconnect(({ byServer }) => {
      // The server closed this session's sockets (signed out in another tab, or banned).
      if (byServer) sessionEnded(closedWhy ?? "You were signed out.");
    });
    const goOffline = () => socket.disconnect();
    const goOnline = () => {
      socket.connect();
      uploads.resume();
    };
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    // A tab closing mid-upload hands its uploads to the browser's other tabs at once.
    // What waits to be written on the device (a draft typed a moment ago) is written now.
    const handOver = () => {
      uploads.releaseMarks();
      void local.flush();
    };
    window.addEventListener("pagehide", handOver);

    // The connection is an external resource this effect owns (a socket, an outbox, a
    // leader election); state publishes it to the tree once it exists, and again as null
    // once it is closed.
    setConnection(conn);
    return () => {
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      window.removeEventListener("pagehide", handOver);
      conn.reads.flush();
      stopKeepRooms();
      stopKeepBlocks();
      stopKeepAttention();
      stopRetain();
      stopDeleted();
      stopRemoved();
      local.close();
      resign();
      stopAttention();
      stopActivity();
      stopPush();
      stopMessages();
      stopRefused();
      stopClosed();
      stopRenamed();
      stopBanned();
      stopUploads();
      conn.notifier.close();
      outbox.close();
      uploads.close();
      conn.status.close();
      conn.presence.close();
      conn.typing.close();
      conn.blocks.close();
      conn.people.close();
      conn.directory.close();
      socket.close();
      setConnection(null);
    };
  }, [userId, sessionEnded, renamed]);

  return <SocketContext.Provider value={connection}>{children}</SocketContext.Provider>;
}

/** The tab's connection, or null before it exists (signed out, first render). */
export function useConnection(): Connection | null {
  return useContext(SocketContext);
}
