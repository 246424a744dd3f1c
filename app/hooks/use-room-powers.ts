"use client";

import { useEffect, useState } from "react";
import type { RoomPowers } from "@/server/contract/model";
import { useConnection } from "./socket-context";

const NONE: RoomPowers = { moderate: false, appoint: false, muted: null };

/**
 * What the viewer may do in the room beyond reading and writing (remove others' messages,
 * appoint moderators), and whether they are muted there, asked of the server when the room opens, at each reconnection and
 * whenever it says they changed (`powers:changed`): roles are the server's, read per request.
 */
export function useRoomPowers(roomId: string | undefined): RoomPowers {
  const conn = useConnection();
  const [powers, setPowers] = useState<{ roomId: string; powers: RoomPowers } | null>(null);
  const [expired, setExpired] = useState(0);
  useEffect(() => {
    if (!conn || !roomId) return;
    const transport = conn.transport;
    let live = true;
    const ask = () =>
      void transport.request("room:powers", { roomId }).then((ack) => {
        if (live && ack.ok) setPowers({ roomId, powers: ack.data });
      });
    if (transport.isConnected()) ask();
    const stops = [transport.onConnect(ask), transport.subscribe("powers:changed", (e) => (e.roomId === null || e.roomId === roomId ? ask() : undefined))];
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, [conn, roomId, expired]);
  // A mute with an end: asked again once it has ended (the server announces no expiry).
  const until = powers && powers.roomId === roomId ? powers.powers.muted?.until : undefined;
  useEffect(() => {
    if (!until) return;
    const wait = Math.min(Math.max(Date.parse(until) - Date.now() + 1000, 1000), 2 ** 31 - 1);
    const timer = setTimeout(() => setExpired((n) => n + 1), wait);
    return () => clearTimeout(timer);
  }, [until]);
  return powers && powers.roomId === roomId ? powers.powers : NONE;
}
