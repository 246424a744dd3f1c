import { describe, expect, it } from "vitest";
import { MemorySessionRepository } from "../store/memory/repositories";
import { hashToken, SESSION_TTL_MS, SessionService } from "./session.service";

describe("SessionService", () => {
  it("starts a guest session and authenticates its token", async () => {
    const repo = new MemorySessionRepository();
    const sessions = new SessionService(repo);
    const issued = await sessions.startGuest("  Ada   Lovelace ");
    expect(issued.user.name).toBe("Ada Lovelace");
    expect(await sessions.authenticate(issued.token)).toEqual({ user: issued.user, sessionId: issued.sessionId });
  });

  it("stores only the token's hash", async () => {
    const repo = new MemorySessionRepository();
    const issued = await new SessionService(repo).startGuest("Ada");
    expect(await repo.findByTokenHash(issued.token)).toBeNull();
    expect(await repo.findByTokenHash(hashToken(issued.token))).not.toBeNull();
  });

  it("refuses unknown, missing, over-long and expired tokens", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const sessions = new SessionService(new MemorySessionRepository(), () => now);
    const issued = await sessions.startGuest("Ada");
    expect(await sessions.authenticate(undefined)).toBeNull();
    expect(await sessions.authenticate("not-a-token")).toBeNull();
    expect(await sessions.authenticate("x".repeat(500))).toBeNull();
    now = new Date(now.getTime() + SESSION_TTL_MS + 1);
    expect(await sessions.authenticate(issued.token)).toBeNull();
  });

  it("ends a session", async () => {
    const sessions = new SessionService(new MemorySessionRepository());
    const issued = await sessions.startGuest("Ada");
    await sessions.end(issued.sessionId);
    expect(await sessions.authenticate(issued.token)).toBeNull();
  });

  it("refuses empty and over-long display names with a reason", async () => {
    const sessions = new SessionService(new MemorySessionRepository());
    await expect(sessions.startGuest("   ")).rejects.toMatchObject({ code: "invalid_payload", message: "Pick a display name" });
    await expect(sessions.startGuest("x".repeat(41))).rejects.toMatchObject({ code: "invalid_payload" });
    await expect(sessions.startGuest(42)).rejects.toMatchObject({ code: "invalid_payload" });
  });
});
