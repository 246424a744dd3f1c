import { v7 as uuidv7 } from "uuid";
import type { MessageChange, PurgeSummary, UserSummary } from "../contract/model";
import type { PurgeRepository, RoomRepository, StoredPurge } from "../store/ports";
import { DomainError } from "./errors";
import type { MessageService } from "./message.service";
import type { Actor, Auditor } from "./moderation.service";
import type { RoleService } from "./role.service";

/** Messages removed per batch: each batch's progress is stored, so a restart repeats at most one. */
export const PURGE_BATCH = 50;
/** How long a node holds a task without storing progress before another may take it. */
export const PURGE_LEASE_MS = 60_000;

export const toPurgeSummary = (p: StoredPurge): PurgeSummary => ({
  id: p.id,
  user: { id: p.userId, name: p.userName },
  byName: p.actorName,
  reason: p.reason,
  state: p.state,
  removed: p.removed,
  createdAt: p.createdAt.toISOString(),
  finishedAt: p.finishedAt?.toISOString() ?? null,
});

/**
 * Removing all of one person's messages (spam, a ban's clean-up), as Synapse's "redact all
 * events of a user" and Campfire's ban clean-up do: an administrator (or the operator) asks,
 * the task is stored and audited, and any node takes it under a lease (`work`) and removes
 * the messages batch by batch in every room, direct conversations included, each removal the
 * ordinary moderator's delete change (a tombstone "Removed by a moderator", published and
 * caught up as any deletion). Progress is stored after every batch: a task survives a
 * restart, and a dead node's task is taken over once its lease runs out. Whether whoever
 * asked is still an administrator is read at every batch: a demotion stops the task.
 */
export class PurgeService {
  constructor(
    private readonly purges: PurgeRepository,
    private readonly messages: Pick<MessageService, "removeForTask">,
    private readonly roles: Pick<RoleService, "isAdmin" | "adminIds">,
    private readonly people: Pick<RoomRepository, "findPerson">,
    private readonly auditor: Pick<Auditor, "record">,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Files the removal of every message `userId` wrote (administrators, on someone who is not
   * one; the operator on anyone). One task per person at a time: asking again while one runs
   * answers with it (`created` false).
   */
  async request(actor: Actor, input: { userId: string; reason?: string }): Promise<{ purge: PurgeSummary; created: boolean }> {
    if (actor.id !== null && !(await this.roles.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can remove all of someone's messages.");
    if (actor.id === input.userId) throw new DomainError("forbidden", "You cannot remove all of your own messages this way: delete them one by one.");
    const found = await this.people.findPerson(input.userId);
    if (!found) throw new DomainError("not_found", "There is no such person.");
    const target: UserSummary = { id: found.id, name: found.name };
    if (actor.id !== null && (await this.roles.isAdmin(target))) throw new DomainError("forbidden", "You cannot remove an administrator's messages.");
    // A removal names an account: the administrator who asked, or for the operator the first administrator.
    const removerId = actor.id ?? (await this.roles.adminIds()).find((id) => id !== target.id);
    if (!removerId) throw new DomainError("forbidden", "There is no administrator yet in whose name the messages could be removed: promote one first.");
    const reason = (input.reason ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 500);
    const { purge, created } = await this.purges.file({ id: uuidv7(), userId: target.id, userName: target.name, actorId: actor.id, actorName: actor.name, removerId, reason, createdAt: this.now() });
    if (created) await this.auditor.record(actor, "user.messages.remove", { target, reason });
    return { purge: toPurgeSummary(purge), created };
  }

  /** The tasks, newest first (administrators). */
  async list(actor: Actor, limit = 50): Promise<PurgeSummary[]> {
    if (actor.id !== null && !(await this.roles.isAdmin(actor))) throw new DomainError("forbidden", "Only an administrator can see these.");
    return (await this.purges.list(limit)).map(toPurgeSummary);
  }

  /**
   * Takes one waiting task (if any) as `owner` and works it to its end, or until `stop()`
   * says so, or the lease is lost. `removed` hears each removal right after its commit (the
   * hub publishes it; nothing is awaited in between, so a room's changes go out in order).
   * Resolves false when there was nothing to do.
   */
  async work(owner: string, removed: (change: MessageChange) => void | Promise<void>, options: { stop?: () => boolean; batch?: number; leaseMs?: number } = {}): Promise<boolean> {
    const leaseMs = options.leaseMs ?? PURGE_LEASE_MS;
    const batch = options.batch ?? PURGE_BATCH;
    const task = await this.purges.claim(owner, this.now(), new Date(this.now().getTime() + leaseMs));
    if (!task) return false;
    const target = { id: task.userId, name: task.userName };
    const remover: UserSummary = { id: task.removerId, name: task.actorId === null ? "command line" : task.actorName };
    const asked: Actor = task.actorId === null ? { id: null, name: task.actorName } : { id: task.actorId, name: task.actorName };
    let cursor = task.cursor;
    let total = task.removed;
    while (!options.stop?.()) {
      // Read at every batch: an administrator demoted since asking stops their task.
      if (task.actorId !== null && !(await this.roles.isAdmin({ id: task.actorId, name: task.actorName }))) {
        if (await this.purges.finish(task.id, owner, "stopped", this.now())) await this.auditor.record(asked, "user.messages.stopped", { target, detail: { removed: total } });
        return true;
      }
      const next = await this.purges.remaining(task.userId, cursor, batch);
      if (next.length === 0) {
        if (await this.purges.finish(task.id, owner, "done", this.now())) await this.auditor.record(asked, "user.messages.removed", { target, detail: { removed: total } });
        return true;
      }
      let count = 0;
      for (const message of next) {
        // The same change id on a retry: a batch repeated after a crash changes nothing twice.
        const ack = await this.messages.removeForTask(remover, message, `purge:${task.id}:${message.id}`);
        if (ack.change && !ack.duplicate) {
          count++;
          await removed(ack.change);
        }
      }
      cursor = next.at(-1)!.clientId;
      total += count;
      if (!(await this.purges.progress(task.id, owner, { cursor, removed: count, until: new Date(this.now().getTime() + leaseMs) }))) return true;
    }
    return true;
  }
}
