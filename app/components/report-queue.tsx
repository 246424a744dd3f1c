"use client";

import { useEffect, useMemo, useState } from "react";
import type { ReportSummary } from "@/server/contract/model";
import { useConnection } from "@/app/hooks/socket-context";
import { REASON_LABELS } from "@/app/lib/report-reasons";

const stamp = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

/** The reports of one message, as the queue shows them: one row per reported message. */
interface Row {
  message: ReportSummary["message"];
  room: ReportSummary["room"];
  reports: ReportSummary[];
  label: string;
}

/** The reported text as one short line (the queue shows it as plain text, never as Markdown). */
const shortText = (text: string) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
};

/**
 * The report queue: a room's (its moderators, in the room's People panel) or, with `roomId`
 * null, every room's (the administration page). One row per reported message, with what was
 * said (kept by the report even if its author deleted it since), by whom, the reasons and
 * notes; "Remove message" removes it for everyone (as a moderator's deletion) and closes its
 * reports, "Dismiss" closes them and leaves it. Asked again on every reconnection and
 * whenever the server says the queue changed (`reports:changed`).
 */
export function ReportQueue({ roomId, hideWhenEmpty = false }: { roomId: string | null; hideWhenEmpty?: boolean }) {
  const conn = useConnection();
  const [state, setState] = useState<{ key: string; reports: ReportSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const key = roomId ?? "*";

  useEffect(() => {
    if (!conn) return;
    const transport = conn.transport;
    let live = true;
    const ask = () =>
      void transport.request("reports:list", { roomId }).then((ack) => {
        if (!live) return;
        if (ack.ok) setState({ key, reports: ack.data.reports });
        else setError(ack.error.message);
      });
    if (transport.isConnected()) ask();
    const stops = [transport.onConnect(ask), transport.subscribe("reports:changed", (e) => (roomId === null || e.roomId === roomId ? ask() : undefined))];
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, [conn, roomId, key, reload]);

  const rows = useMemo(() => {
    const byMessage = new Map<string, Row>();
    for (const r of state?.key === key ? state.reports : []) {
      const row = byMessage.get(r.message.id);
      if (row) row.reports.push(r);
      else byMessage.set(r.message.id, { message: r.message, room: r.room, reports: [r], label: "" });
    }
    // Each row's buttons are named after the message; two alike (a spam wave) are told apart by number.
    const used = new Set<string>();
    return [...byMessage.values()].map((row) => {
      let label = `message by ${row.message.author.name}${row.message.text ? `: “${shortText(row.message.text)}”` : ""}`;
      if (used.has(label)) label = `${label} (#${row.message.seq}${roomId === null ? ` in ${row.room.name}` : ""})`;
      used.add(label);
      return { ...row, label };
    });
  }, [state, key, roomId]);

  const resolve = async (row: Row, outcome: "removed" | "dismissed") => {
    if (!conn) return;
    setBusy(row.message.id);
    const ack = await conn.transport.request("report:resolve", { reportId: row.reports[0]!.id, outcome });
    setBusy(null);
    setError(ack.ok ? null : ack.error.message);
    setReload((n) => n + 1);
  };

  if (hideWhenEmpty && rows.length === 0 && !error) return null;
  return (
    <section aria-label="Reports" className="space-y-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
      <h2 className="text-xs font-semibold tracking-wide text-muted uppercase">Reports{rows.length > 0 ? ` (${rows.length})` : ""}</h2>
      {rows.length === 0 && state?.key === key && <p className="text-sm text-muted">No open reports.</p>}
      <ul className="space-y-3">
        {rows.map((row) => (
          <li key={row.message.id} aria-label={`Reported ${row.label}`} className="space-y-1.5 rounded-lg border border-zinc-200 p-2 text-xs dark:border-zinc-700">
            <p className="text-muted">
              <bdi className="font-medium text-zinc-900 dark:text-zinc-100">{row.message.author.name}</bdi>
              {roomId === null && (
                <>
                  {" "}
                  in <bdi className="font-medium">{row.room.name}</bdi>
                </>
              )}
              {row.message.deleted && " · deleted since"}
            </p>
            {row.message.text ? (
              <blockquote dir="auto" className="line-clamp-4 border-l-2 border-zinc-300 pl-2 break-words whitespace-pre-wrap dark:border-zinc-600">{row.message.text}</blockquote>
            ) : (
              <p className="text-muted italic">A message with files only.</p>
            )}
            <ul className="space-y-0.5">
              {row.reports.map((r) => (
                <li key={r.id}>
                  <span className="font-medium">{REASON_LABELS[r.reason]}</span> <span className="text-muted">from</span> <bdi>{r.reporter.name}</bdi>
                  <span className="text-muted">, {stamp(r.at)}</span>
                  {r.note && <q className="block text-muted">{r.note}</q>}
                </li>
              ))}
            </ul>
            <div className="flex flex-wrap gap-2 pt-0.5">
              {!row.message.deleted && (
                <button
                  type="button"
                  aria-label={`Remove ${row.label}`}
                  disabled={busy === row.message.id}
                  onClick={() => void resolve(row, "removed")}
                  className="rounded-md border border-red-300 px-2 py-0.5 font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950"
                >
                  Remove message
                </button>
              )}
              <button
                type="button"
                aria-label={`Dismiss reports on ${row.label}`}
                disabled={busy === row.message.id}
                onClick={() => void resolve(row, "dismissed")}
                className="rounded-md border border-zinc-300 px-2 py-0.5 font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
              >
                Dismiss
              </button>
            </div>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </section>
  );
}
