"use client";

import { useCallback, useEffect, useState } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import type { RoomPerson, RoomSummary, UserSummary } from "@/server/contract/model";
import { ActionDialog } from "./dialogs";
import { Avatar } from "./avatar";

const PAGE = 50;
const ROLE: Record<NonNullable<RoomPerson["role"]>, string> = { owner: "owner", moderator: "moderator", admin: "administrator" };

/**
 * The room's people, online or not: a private room's members or a public room's followers,
 * and its owner, each with their role (`room:people`, a page at a time). Its owner (or an
 * administrator) hands the room to an account here ("Make <name> the owner"); a private
 * room's owner removes members ("Remove <name>").
 */
export function RoomMembers({ room, self, appoint, refreshKey }: { room: RoomSummary; self: UserSummary; appoint: boolean; refreshKey: string }) {
  const conn = useConnection();
  const [people, setPeople] = useState<RoomPerson[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [handing, setHanding] = useState<RoomPerson | null>(null);
  const [version, setVersion] = useState(0);
  const owner = room.ownerId === self.id;

  const page = useCallback(
    async (offset: number): Promise<{ people: RoomPerson[] } | { error: string } | null> => {
      if (!conn) return null;
      const ack = await conn.transport.request("room:people", { roomId: room.id, offset, limit: PAGE });
      return ack.ok ? { people: ack.data.people } : { error: ack.error.message ?? "The members could not be listed." };
    },
    [conn, room.id],
  );

  // Someone new online may be a new follower or member; a new owner changes the roles.
  useEffect(() => {
    let live = true;
    void page(0).then((got) => {
      if (!live || !got) return;
      if ("error" in got) return setError(got.error);
      setError(null);
      setPeople(got.people);
      setMore(got.people.length === PAGE);
    });
    return () => {
      live = false;
    };
  }, [page, refreshKey, room.ownerId, version]);

  const showMore = async () => {
    const got = await page(people?.length ?? 0);
    if (!got) return;
    if ("error" in got) return setError(got.error);
    setPeople((now) => [...(now ?? []), ...got.people]);
    setMore(got.people.length === PAGE);
  };

  const remove = async (person: RoomPerson) => {
    if (!conn) return;
    const removed = await conn.directory.removeMember(room.id, person.id);
    if (!removed.ok) setError(removed.error);
    else setVersion((n) => n + 1);
  };

  const handOver = async () => {
    if (!conn || !handing) return "Not connected yet.";
    const ack = await conn.transport.request("room:transfer", { roomId: room.id, userId: handing.id });
    if (!ack.ok) return ack.error.message;
    setVersion((n) => n + 1);
    return null;
  };

  return (
    <section aria-labelledby="members-heading" className="border-b border-zinc-200 p-3 dark:border-zinc-800">
      <h2 id="members-heading" className="px-1 pb-2 text-xs font-semibold tracking-wide text-muted uppercase">
        {room.visibility === "private" ? "Members" : "Members (following)"}
        {people && ` — ${people.length}${more ? "+" : ""}`}
      </h2>
      <ul aria-label="Members" className="space-y-1">
        {(people ?? []).map((p) => (
          <li key={p.id} className="space-y-1 rounded-md px-1 py-1 text-sm">
            <div className="flex items-center gap-2">
              <Avatar user={p} size="xs" />
              <span className="min-w-0 flex-1 truncate">
                <bdi>{p.name}</bdi>
                {p.id === self.id && <span className="ml-1 text-xs text-muted">(you)</span>}
              </span>
              {p.role && <span className="shrink-0 rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">{ROLE[p.role]}</span>}
            </div>
            {p.id !== self.id && p.role !== "owner" && ((appoint && !p.guest) || (owner && room.visibility === "private")) && (
              <div className="flex flex-wrap gap-x-3 pl-7">
                {appoint && !p.guest && (
                  <button type="button" onClick={() => setHanding(p)} className="text-xs text-accent-700 hover:underline dark:text-accent-400">
                    Make {p.name} the owner
                  </button>
                )}
                {owner && room.visibility === "private" && (
                  <button type="button" onClick={() => void remove(p)} aria-label={`Remove ${p.name}`} className="text-xs text-red-700 hover:underline dark:text-red-400">
                    Remove
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" onClick={() => void showMore()} className="mt-2 text-xs font-medium text-accent-700 hover:underline dark:text-accent-400">
          Show more members
        </button>
      )}
      {error && (
        <p role="alert" className="mt-2 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <ActionDialog
        open={handing !== null}
        title={`Make ${handing?.name ?? ""} the owner of ${room.name}?`}
        description="They can rename and delete it and appoint its moderators. You stay on as a moderator."
        submitLabel="Hand over"
        tone="plain"
        onSubmit={handOver}
        onClose={() => setHanding(null)}
      />
    </section>
  );
}
