import type { GuestAccess, InstanceSettings, MuteState, UserSummary } from "../contract/model";
import type { GuestRepository, RoomRepository, SettingsRepository } from "../store/ports";
import { DomainError } from "./errors";
import type { Actor, Auditor } from "./moderation.service";
import type { RoleService } from "./role.service";

/** What an anonymised guest is called: their messages stay, under this name. */
export const DEPARTED_GUEST = "Departed guest";
/** How long a node keeps the settings it read (another node's change counts within this). */
export const SETTINGS_CACHE_MS = 5000;
const GUEST_ACCESS: readonly GuestAccess[] = ["open", "read-only", "off"];
export const GUEST_READ_ONLY = "Guests can read here, not write: create an account to take part.";
export const GUESTS_OFF = "Guest access is off on this server: sign in, or create an account.";
const MAX_IDLE_DAYS = 3650;

/** The environment's settings (GUEST_ACCESS, GUEST_IDLE_DAYS): each given one is locked. */
export interface SettingsFromEnv {
  guestAccess?: GuestAccess;
  /** A number of days, or null ("off"): never. */
  guestIdleDays?: number | null;
}

/**
 * The instance's settings: guest access and idle guests. Administrators change them on
 * /admin; a value the server's environment gives wins and is shown as locked there, as
 * Mattermost's System Console does with settings from its environment. Each node reads them
 * at most every 5 s (a change on another node counts within that; on this node at once).
 *
 * - **Read-only guests** ("read-only", and those already there when access is "off") read
 *   everything they may; they cannot send, edit, react, upload, create rooms or start
 *   conversations: the same check as a mute (`ModerationService.requireVoice`), so the
 *   composer says why.
 * - **Guests off**: no new guest session; signing in and creating accounts go on.
 * - **Idle guests**: after `guestIdleDays` without a session in use (a session is marked used
 *   at most daily, when the app loads), a guest is renamed "Departed guest", loses their
 *   picture and their sessions; their messages stay. The hourly sweep does it, and
 *   `parley-admin prune-guests`.
 */
export class SettingsService {
  private cached: { at: number; value: InstanceSettings } | null = null;

  constructor(
    private readonly settings: SettingsRepository,
    private readonly guests: GuestRepository,
    private readonly people: Pick<RoomRepository, "findPerson">,
    private readonly roles: Pick<RoleService, "isAdmin">,
    private readonly auditor: Pick<Auditor, "record">,
    private readonly env: SettingsFromEnv = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The settings in force (cached for SETTINGS_CACHE_MS). */
  async current(): Promise<InstanceSettings> {
    const at = Date.now();
    if (this.cached && at - this.cached.at < SETTINGS_CACHE_MS) return this.cached.value;
    const stored = await this.settings.read(["guestAccess", "guestIdleDays"]);
    const storedAccess = stored.get("guestAccess") as GuestAccess | undefined;
    const storedDays = stored.has("guestIdleDays") ? Number(stored.get("guestIdleDays")) : null;
    const value: InstanceSettings = {
      guestAccess: this.env.guestAccess ?? (storedAccess && GUEST_ACCESS.includes(storedAccess) ? storedAccess : "open"),
      guestIdleDays: this.env.guestIdleDays !== undefined ? this.env.guestIdleDays : storedDays !== null && Number.isInteger(storedDays) && storedDays > 0 ? storedDays : null,
      locked: { guestAccess: this.env.guestAccess !== undefined, guestIdleDays: this.env.guestIdleDays !== undefined },
    };
    this.cached = { at, value };
    return value;
  }

  /** The settings, for administrators. */
  async read(actor: Actor): Promise<InstanceSettings> {
    await this.requireAdmin(actor);
    return this.current();
  }

  /** Changes them (administrators, the operator); one the environment sets is refused. Audited. */
  async update(actor: Actor, patch: { guestAccess?: GuestAccess; guestIdleDays?: number | null }): Promise<InstanceSettings> {
    await this.requireAdmin(actor);
    const now = await this.current();
    if (patch.guestAccess !== undefined && now.locked.guestAccess) throw new DomainError("forbidden", "Guest access is set by GUEST_ACCESS in the server's environment: change it there.");
    if (patch.guestIdleDays !== undefined && now.locked.guestIdleDays) throw new DomainError("forbidden", "Idle guests are set by GUEST_IDLE_DAYS in the server's environment: change it there.");
    if (patch.guestAccess !== undefined && !GUEST_ACCESS.includes(patch.guestAccess)) throw new DomainError("invalid_payload", "Guest access is open, read-only or off.");
    if (patch.guestIdleDays !== undefined && patch.guestIdleDays !== null && !(Number.isInteger(patch.guestIdleDays) && patch.guestIdleDays >= 1 && patch.guestIdleDays <= MAX_IDLE_DAYS)) {
      throw new DomainError("invalid_payload", `Idle days are a whole number from 1 to ${MAX_IDLE_DAYS}, or none.`);
    }
    if (patch.guestAccess !== undefined) await this.settings.write("guestAccess", patch.guestAccess === "open" ? null : patch.guestAccess);
    if (patch.guestIdleDays !== undefined) await this.settings.write("guestIdleDays", patch.guestIdleDays === null ? null : String(patch.guestIdleDays));
    this.cached = null;
    const after = await this.current();
    await this.auditor.record(actor, "settings.change", { detail: { ...(patch.guestAccess !== undefined ? { guestAccess: after.guestAccess } : {}), ...(patch.guestIdleDays !== undefined ? { guestIdleDays: after.guestIdleDays } : {}) } });
    return after;
  }

  /** A new guest session: refused while guest access is off. */
  async requireGuestsAllowed(): Promise<void> {
    if ((await this.current()).guestAccess === "off") throw new DomainError("forbidden", GUESTS_OFF);
  }

  /** For a guest while guests are read-only: the "mute" that says so (nothing to read while access is open). */
  async guestMute(user: Pick<UserSummary, "id">): Promise<MuteState | null> {
    if ((await this.current()).guestAccess === "open") return null;
    const person = await this.people.findPerson(user.id);
    return person?.guest ? { until: null, reason: GUEST_READ_ONLY, scope: "guests" } : null;
  }

  /**
   * Anonymises the guests idle for `days` (default: the setting; none when it is off): how
   * many. The sweep passes no actor; the operator's command line does (audited either way).
   */
  async pruneGuests(actor: Actor | null, days?: number): Promise<{ pruned: number; days: number | null }> {
    if (actor) await this.requireAdmin(actor);
    const idleDays = days ?? (await this.current()).guestIdleDays;
    if (idleDays === null) return { pruned: 0, days: null };
    if (!Number.isInteger(idleDays) || idleDays < 1 || idleDays > MAX_IDLE_DAYS) throw new DomainError("invalid_payload", `Idle days are a whole number from 1 to ${MAX_IDLE_DAYS}.`);
    const cutoff = new Date(this.now().getTime() - idleDays * 24 * 3600_000);
    let pruned = 0;
    for (;;) {
      const ids = await this.guests.idle(cutoff, DEPARTED_GUEST, 100);
      if (ids.length === 0) break;
      let round = 0;
      for (const id of ids) if (await this.guests.anonymise(id, DEPARTED_GUEST)) round++;
      pruned += round;
      if (ids.length < 100 || round === 0) break;
    }
    if (pruned > 0) await this.auditor.record(actor ?? { id: null, name: "idle guest sweep" }, "guests.prune", { detail: { pruned, days: idleDays } });
    return { pruned, days: idleDays };
  }

  private async requireAdmin(actor: Actor): Promise<void> {
    if (actor.id !== null && !(await this.roles.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can do that.");
  }
}
