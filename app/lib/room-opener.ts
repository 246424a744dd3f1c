/**
 * Opening a room at a message from outside the room view (a notification's click, a search
 * result): the shell provides the navigation, the room view takes the message to show once
 * it has joined, or at once when it is the room already open (it listens).
 */
export class RoomOpener {
  private navigate: ((roomId: string, slug?: string) => boolean) | undefined;
  private pending: { roomId: string; seq: number } | undefined;
  private readonly listeners = new Set<() => void>();

  /** The shell's navigation (returns false for a room it cannot open); a function to unset it. */
  provide(navigate: (roomId: string, slug?: string) => boolean): () => void {
    this.navigate = navigate;
    return () => {
      if (this.navigate === navigate) this.navigate = undefined;
    };
  }

  /** Opens the room (by its address when known) at the message with `seq`. */
  open(roomId: string, seq: number, slug?: string): void {
    this.pending = { roomId, seq };
    if (!this.navigate?.(roomId, slug)) {
      this.pending = undefined;
      return;
    }
    for (const listener of this.listeners) listener();
  }

  /** Called after each `open` (the open room takes its message at once). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The message to show in `roomId`, once (the room view asks when joined). */
  take(roomId: string): number | undefined {
    if (this.pending?.roomId !== roomId) return undefined;
    const { seq } = this.pending;
    this.pending = undefined;
    return seq;
  }
}
