import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

describe("the log", () => {
  it("redacts cookies, tokens, passwords, push endpoints and secrets, at the top and nested", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    // The same options as createLogger, written to a sink the test reads.
    const log = createLogger("info", sink);
    log.info({ cookie: "better-auth.session_token=abc", endpoint: "https://fcm.googleapis.com/fcm/send/secret-id", user: { password: "hunter2", name: "Ada" }, req: { headers: { authorization: "Bearer prl_x" } } }, "hello");
    const line = lines.join("");
    for (const secret of ["abc", "secret-id", "hunter2", "prl_x"]) expect(line).not.toContain(secret);
    expect(line).toContain("Ada");
    expect(line).toContain("[redacted]");
  });
});
