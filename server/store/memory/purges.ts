import type { ChatMessage } from "../../contract/model";
import type { PurgeRepository, PurgeTarget, StoredPurge } from "../ports";

type Held = StoredPurge & { leaseOwner: string | null; leaseUntil: Date | null };

/** Removal tasks in process (tests): the messages read from the memory message store. */
export class MemoryPurgeRepository implements PurgeRepository {
  private readonly tasks = new Map<string, Held>();

  constructor(private readonly messages: () => Iterable<ChatMessage>) {}

  async file(p: Parameters<PurgeRepository["file"]>[0]): Promise<{ purge: StoredPurge; created: boolean }> {
    const open = [...this.tasks.values()].find((t) => t.userId === p.userId && (t.state === "pending" || t.state === "running"));
    if (open) return { purge: shown(open), created: false };
    const task: Held = { ...p, state: "pending", cursor: "", removed: 0, finishedAt: null, leaseOwner: null, leaseUntil: null };
    this.tasks.set(p.id, task);
    return { purge: shown(task), created: true };
  }

  async claim(owner: string, now: Date, until: Date): Promise<StoredPurge | null> {
    const free = [...this.tasks.values()]
      .filter((t) => (t.state === "pending" || t.state === "running") && (t.leaseUntil === null || t.leaseUntil < now))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    if (!free) return null;
    Object.assign(free, { state: "running", leaseOwner: owner, leaseUntil: until });
    return shown(free);
  }

  async progress(id: string, owner: string, step: { cursor: string; removed: number; until: Date }): Promise<boolean> {
    const t = this.held(id, owner);
    if (!t) return false;
    Object.assign(t, { cursor: step.cursor, removed: t.removed + step.removed, leaseUntil: step.until });
    return true;
  }

  async finish(id: string, owner: string, state: "done" | "stopped", at: Date): Promise<boolean> {
    const t = this.held(id, owner);
    if (!t) return false;
    Object.assign(t, { state, finishedAt: at, leaseOwner: null, leaseUntil: null });
    return true;
  }

  async list(limit: number): Promise<StoredPurge[]> {
    return [...this.tasks.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).slice(0, limit).map(shown);
  }

  async remaining(userId: string, after: string, limit: number): Promise<PurgeTarget[]> {
    return [...this.messages()]
      .filter((m) => m.author.id === userId && !m.deleted && m.clientId > after)
      .sort((a, b) => (a.clientId < b.clientId ? -1 : 1))
      .slice(0, limit)
      .map((m) => ({ id: m.id, roomId: m.roomId, clientId: m.clientId }));
  }

  private held(id: string, owner: string): Held | undefined {
    const t = this.tasks.get(id);
    return t && t.leaseOwner === owner && t.state === "running" ? t : undefined;
  }
}

function shown({ leaseOwner: _o, leaseUntil: _u, ...t }: Held): StoredPurge {
  return { ...t };
}
