/**
 * The people this user blocks, in the browser: read at every connect (`user:blocks`), kept
 * live by `blocks:changed` (another tab or device), changed with `user:block`; seeded from
 * the device's copy until the server answers. Their
 * messages are folded away in rooms and never notified; direct conversations with them
 * are refused by the server (server/domain/room.service.ts).
 *
 * Framework-free; `app/hooks/use-blocks.ts` adapts it to React.
 */
import type { UserSummary } from "@/server/contract/model";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

export class BlockStore extends Observable<readonly UserSummary[]> {
  private readonly stops: Array<() => void>;
  /** The server has said who is blocked (the device's copy no longer counts). */
  private answered = false;

  constructor(private readonly transport: Pick<ChatTransport, "request" | "subscribe" | "onConnect" | "isConnected">) {
    super([]);
    const load = async () => {
      const ack = await transport.request("user:blocks", {});
      if (!ack.ok) return;
      this.answered = true;
      this.set(ack.data.blocked);
    };
    this.stops = [transport.onConnect(() => void load()), transport.subscribe("blocks:changed", ({ blocked }) => {
        this.answered = true;
        this.set(blocked);
      })];
    if (transport.isConnected()) void load();
  }

  /** Who the device last knew to be blocked, until the server says (a warm open, offline). */
  seed(blocked: readonly UserSummary[]): void {
    if (!this.answered) this.set([...blocked]);
  }

  /** Whether this user blocks `userId`. */
  has = (userId: string): boolean => this.get().some((u) => u.id === userId);

  /** Blocks or unblocks someone; resolves with an error message to show, or null. */
  async change(userId: string, blocked: boolean): Promise<string | null> {
    const ack = await this.transport.request("user:block", { userId, blocked });
    if (!ack.ok) return ack.error.message;
    this.answered = true;
    this.set(ack.data.blocked);
    return null;
  }

  close(): void {
    for (const stop of this.stops) stop();
  }
}
