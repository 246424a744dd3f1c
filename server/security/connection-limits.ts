/**
 * Caps on simultaneous sockets per user and per IP address, counted in this process.
 * `acquire` returns false when a cap is reached; every successful acquire is paired with
 * exactly one `release` (on disconnect).
 */
export class ConnectionLimits {
  private readonly byUser = new Map<string, number>();
  private readonly byIp = new Map<string, number>();

  constructor(
    readonly maxPerUser = 20,
    readonly maxPerIp = 200,
  ) {}

  acquire(userId: string, ip: string): boolean {
    if ((this.byUser.get(userId) ?? 0) >= this.maxPerUser) return false;
    if ((this.byIp.get(ip) ?? 0) >= this.maxPerIp) return false;
    this.byUser.set(userId, (this.byUser.get(userId) ?? 0) + 1);
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1);
    return true;
  }

  release(userId: string, ip: string): void {
    decrement(this.byUser, userId);
    decrement(this.byIp, ip);
  }

  count(userId: string): number {
    return this.byUser.get(userId) ?? 0;
  }
}

function decrement(map: Map<string, number>, key: string) {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
