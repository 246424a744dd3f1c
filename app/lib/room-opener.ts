/**
 * Opening a room at a message from outside the React tree (a notification's click): the
 * shell provides the navigation, the room view takes the message to show once it has joined.
 */
export class RoomOpener {
  private navigate: ((roomId: string) => boolean) | undefined;
  private pending: { roomId: string; seq: number } | undefined;

  /** The shell's navigation (returns false for a room it does not know); a function to unset it. */
  provide(navigate: (roomId: string) => boolean): () => void {
    this.navigate = navigate;
    return () => {
      if (this.navigate === navigate) this.navigate = undefined;
    };
  }

  open(roomId: string, seq: number): void {
    this.pending = { roomId, seq };
    if (!this.navigate?.(roomId)) this.pending = undefined;
  }

  /** The message to show in `roomId`, once (the room view asks when joined). */
  take(roomId: string): number | undefined {
    if (this.pending?.roomId !== roomId) return undefined;
    const { seq } = this.pending;
    this.pending = undefined;
    return seq;
  }
}
