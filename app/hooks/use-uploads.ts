"use client";

import { useCallback, useMemo, useState, useSyncExternalStore } from "react";
import type { UploadState } from "@/app/lib/uploads";
import type { PendingAttachment } from "@/app/lib/outbox";
import { useConnection } from "./socket-context";

const NONE: ReadonlyMap<string, UploadState> = new Map();
const noop = () => () => {};

/** Every file this tab knows of, uploading or waiting to be sent, by id. */
export function useUploads(): ReadonlyMap<string, UploadState> {
  const conn = useConnection();
  return useSyncExternalStore(conn?.uploads.subscribe ?? noop, () => conn?.uploads.get() ?? NONE, () => NONE);
}

/**
 * The files attached in a room's composer, not sent yet: attach (checked against the limits
 * first, kept on the device, uploaded at once), remove, and take them for a message.
 */
export function useDraftAttachments(roomId: string | undefined) {
  const conn = useConnection();
  const uploads = useUploads();
  // Kept with the room it belongs to: another room starts with an empty draft and no error.
  const [draft, setDraft] = useState<Draft>({ roomId, files: NO_FILES, error: null });
  const current = draft.roomId === roomId ? draft : EMPTY_DRAFT;
  const files = current.files;
  const update = useCallback((change: (d: Draft) => Partial<Draft>) => setDraft((d) => {
    const base = d.roomId === roomId ? d : { ...EMPTY_DRAFT, roomId };
    return { ...base, ...change(base) };
  }), [roomId]);

  const attach = useCallback(
    async (chosen: File[]) => {
      if (!conn || chosen.length === 0) return;
      const refusal = conn.uploads.refusal(chosen, files.length);
      if (refusal) return update(() => ({ error: refusal }));
      update(() => ({ error: null }));
      for (const file of chosen) {
        try {
          const state = await conn.uploads.attach(file, file.name || "pasted image.png");
          update((d) => ({ files: [...d.files, { id: state.id, file }] }));
        } catch (err) {
          update(() => ({ error: (err as Error).message }));
          return;
        }
      }
    },
    [conn, files.length, update],
  );
  const remove = useCallback(
    (id: string) => {
      update((d) => ({ files: d.files.filter((f) => f.id !== id) }));
      void conn?.uploads.remove(id);
    },
    [conn, update],
  );
  /** The attachments for the message being sent, and an empty draft. */
  const take = useCallback((): PendingAttachment[] => {
    const taken = files.flatMap(({ id }) => {
      const u = uploads.get(id);
      return u ? [{ id, name: u.name, type: u.attachment?.type ?? u.type, size: u.size }] : [];
    });
    update(() => ({ files: NO_FILES, error: null }));
    return taken;
  }, [files, uploads, update]);

  const states = useMemo(() => files.flatMap(({ id }) => (uploads.has(id) ? [uploads.get(id)!] : [])), [files, uploads]);
  const previews = useMemo(() => new Map(files.map((f) => [f.id, f.file])), [files]);
  const mayAttach = conn?.uploads.getLimits()?.mayUpload ?? true;
  return { attachments: states, previews, attach, remove, take, error: current.error, mayAttach };
}

type Draft = { roomId: string | undefined; files: ReadonlyArray<{ id: string; file: File }>; error: string | null };
const NO_FILES: Draft["files"] = [];
const EMPTY_DRAFT: Draft = { roomId: undefined, files: NO_FILES, error: null };
