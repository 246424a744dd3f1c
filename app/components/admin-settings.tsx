"use client";

import { useEffect, useId, useState, type FormEvent } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import type { GuestAccess, InstanceSettings } from "@/server/contract/model";

const ACCESS: ReadonlyArray<{ value: GuestAccess; label: string; hint: string }> = [
  { value: "open", label: "Open", hint: "Anyone can pick a name and take part without an account." },
  { value: "read-only", label: "Read-only", hint: "Guests can read public rooms; writing needs an account." },
  { value: "off", label: "Off", hint: "No new guests. Guests already here can only read." },
];

/**
 * The instance's settings on /admin: guest access and idle guests. A setting the server's
 * environment gives is shown and locked (the environment wins: GUEST_ACCESS, GUEST_IDLE_DAYS).
 */
export function AdminSettings() {
  const conn = useConnection();
  const ids = { access: useId(), days: useId(), status: useId() };
  const [settings, setSettings] = useState<InstanceSettings | null>(null);
  const [access, setAccess] = useState<GuestAccess>("open");
  const [days, setDays] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!conn) return;
    let live = true;
    const read = () =>
      void conn.transport.request("settings:get", {}).then((ack) => {
        if (!live) return;
        if (!ack.ok) return setStatus({ ok: false, text: ack.error.message });
        setSettings(ack.data);
        setAccess(ack.data.guestAccess);
        setDays(ack.data.guestIdleDays === null ? "" : String(ack.data.guestIdleDays));
      });
    if (conn.transport.isConnected()) read();
    const stop = conn.transport.onConnect(read);
    return () => {
      live = false;
      stop();
    };
  }, [conn]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!conn || !settings) return;
    // Only what changed (and is not locked): the audit log says what was changed.
    const idleDays = days.trim() === "" ? null : Number(days);
    const patch = {
      ...(settings.locked.guestAccess || access === settings.guestAccess ? {} : { guestAccess: access }),
      ...(settings.locked.guestIdleDays || idleDays === settings.guestIdleDays ? {} : { guestIdleDays: idleDays }),
    };
    if (Object.keys(patch).length === 0) return setStatus({ ok: true, text: "Nothing to change." });
    setBusy(true);
    const ack = await conn.transport.request("settings:set", patch);
    setBusy(false);
    if (!ack.ok) return setStatus({ ok: false, text: ack.error.message });
    setSettings(ack.data);
    setStatus({ ok: true, text: "Settings saved." });
  };

  if (!settings) return <p className="text-sm text-muted">{status?.text ?? "Loading settings…"}</p>;
  const locked = (what: string) => <p className="text-xs text-muted">Set by {what} in the server&rsquo;s environment, which wins over this page: change it there.</p>;
  return (
    <form onSubmit={(e) => void save(e)} className="space-y-5">
      <fieldset className="space-y-2" disabled={settings.locked.guestAccess}>
        <legend className="text-sm font-semibold">
          Guest access
        </legend>
        <div className="space-y-2">
          {ACCESS.map((a) => (
            <div key={a.value} className="flex items-start gap-2 text-sm">
              <input
                id={`${ids.access}-${a.value}`}
                type="radio"
                name="guest-access"
                value={a.value}
                checked={access === a.value}
                onChange={() => setAccess(a.value)}
                aria-describedby={`${ids.access}-${a.value}-hint`}
                className="mt-0.5 size-4"
              />
              <div>
                <label htmlFor={`${ids.access}-${a.value}`} className="font-medium">
                  {a.label}
                </label>
                <p id={`${ids.access}-${a.value}-hint`} className="text-xs text-muted">
                  {a.hint}
                </p>
              </div>
            </div>
          ))}
        </div>
        {settings.locked.guestAccess && locked("GUEST_ACCESS")}
      </fieldset>
      <div className="space-y-1">
        <label htmlFor={ids.days} className="block text-sm font-semibold">
          Anonymise idle guests after (days)
        </label>
        <p className="text-xs text-muted">A guest who has not opened Parley for this long is renamed &ldquo;Departed guest&rdquo; and signed out; their messages stay. Empty: never.</p>
        <input
          id={ids.days}
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          value={days}
          disabled={settings.locked.guestIdleDays}
          onChange={(e) => setDays(e.target.value)}
          className="w-32 rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900"
        />
        {settings.locked.guestIdleDays && locked("GUEST_IDLE_DAYS")}
      </div>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={busy || (settings.locked.guestAccess && settings.locked.guestIdleDays)} className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          Save settings
        </button>
        {status && (
          <p role={status.ok ? "status" : "alert"} className={`text-sm ${status.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-700 dark:text-red-400"}`}>
            {status.text}
          </p>
        )}
      </div>
    </form>
  );
}
