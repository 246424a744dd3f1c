"use client";

import { useState } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import { ActionDialog, DurationField, Reason } from "./action-dialog";

export type SanctionKind = "mute" | "kick";

const DURATIONS: ReadonlyArray<{ label: string; minutes: number | null }> = [
  { label: "10 minutes", minutes: 10 },
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 24 * 60 },
  { label: "1 week", minutes: 7 * 24 * 60 },
  { label: "Until lifted", minutes: null },
];

/**
 * A room's moderator mutes someone in the room, or removes them from it (a public room: for a
 * while; a private one: their membership ends), for how long and why. Asked of the server at
 * once (never queued offline: a sanction needs the room's roles as they are now); its refusal
 * shows here.
 */
export function SanctionDialog({
  kind,
  person,
  roomId,
  privateRoom,
  onOpenChange,
  onDone,
}: {
  kind: SanctionKind | null;
  person: { id: string; name: string };
  /** The room; null: a mute on the whole instance (administrators). */
  roomId: string | null;
  privateRoom: boolean;
  onOpenChange(open: boolean): void;
  /** The server took it. */
  onDone?(): void;
}) {
  const conn = useConnection();
  const [minutes, setMinutes] = useState<string>("60");
  const [reason, setReason] = useState("");
  const timed = kind === "mute" || !privateRoom;
  const choices = kind === "kick" ? DURATIONS.filter((d) => d.minutes !== null) : DURATIONS;

  const submit = async (): Promise<string | null> => {
    if (!conn || !kind) return "Not connected yet.";
    const chosen = minutes === "" ? null : Number(minutes);
    const ack =
      kind === "mute"
        ? await conn.transport.request("user:mute", { userId: person.id, roomId, minutes: chosen, reason })
        : await conn.transport.request("room:kick", { roomId: roomId ?? "", userId: person.id, ...(timed && chosen !== null ? { minutes: chosen } : {}), reason });
    if (!ack.ok) return ack.error.message;
    setReason("");
    onDone?.();
    return null;
  };

  return (
    <ActionDialog
      open={kind !== null}
      title={kind === "mute" ? `Mute ${person.name} ${roomId === null ? "everywhere" : "in this room"}` : `Remove ${person.name} from this room`}
      description={
        kind === "mute"
          ? `They keep reading; they cannot send, react, upload or edit ${roomId === null ? "anywhere" : "here"} until the mute ends.`
          : privateRoom
            ? "Their membership ends: they lose access until invited again."
            : "They cannot open this room until the time is up."
      }
      submitLabel={kind === "mute" ? "Mute" : "Remove"}
      onSubmit={submit}
      onClose={() => onOpenChange(false)}
    >
      {timed && <DurationField value={minutes} onChange={setMinutes} choices={choices} />}
      <Reason label="Reason (optional, they see it)" value={reason} onChange={setReason} />
    </ActionDialog>
  );
}
