import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadEnvFile, parseEnv } from "./env";
import { projectRoot } from "./paths";

const execFileAsync = promisify(execFile);

function tempEnvFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-env-"));
  const file = path.join(dir, ".env");
  fs.writeFileSync(file, text);
  return file;
}

describe("configuration from a .env file", () => {
  it("fills what the environment does not set; the real environment wins", () => {
    const file = tempEnvFile("PORT=4100\nLOG_LEVEL=debug\n# a comment\nPUBLIC_URL=\"https://chat.example.org\"\n");
    const env: Record<string, string | undefined> = { PORT: "5200" };
    expect(loadEnvFile(file, env).sort()).toEqual(["LOG_LEVEL", "PUBLIC_URL"]);
    const parsed = parseEnv(env);
    expect(parsed.PORT).toBe(5200);
    expect(parsed.LOG_LEVEL).toBe("debug");
    expect(parsed.PUBLIC_URL).toBe("https://chat.example.org");
  });

  it("changes nothing when there is no file", () => {
    const env: Record<string, string | undefined> = {};
    expect(loadEnvFile(path.join(os.tmpdir(), `missing-${process.pid}`, ".env"), env)).toEqual([]);
    expect(env).toEqual({});
  });

  it("a bad value from the file is named, as one from the environment is", () => {
    const env: Record<string, string | undefined> = {};
    loadEnvFile(tempEnvFile("PORT=seventy\nMETRICS_PORT=99999\n"), env);
    expect(() => parseEnv(env)).toThrow(/PORT: .*\n.*METRICS_PORT: /);
  });

  it("the server started in a folder with a bad .env stops with the variable's name; the environment's value overrides it", async () => {
    const file = tempEnvFile("LOG_LEVEL=loud\n");
    const run = (extra: Record<string, string | undefined>) =>
      execFileAsync(process.execPath, ["--import", import.meta.resolve("tsx"), "-e", `import("${path.join(projectRoot, "server/config/env.ts")}").then(({ loadEnvFile, parseEnv }) => { loadEnvFile(); console.log(parseEnv().LOG_LEVEL); })`], {
        cwd: path.dirname(file),
        env: { PATH: process.env.PATH, NODE_ENV: "test", ...extra },
      });
    await expect(run({})).rejects.toThrow(/LOG_LEVEL: /);
    expect((await run({ LOG_LEVEL: "warn" })).stdout.trim()).toBe("warn");
  });

  it(".env.example lists every variable the README lists, and each is one the server reads", () => {
    const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
    const listed = new Set([...section.matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)?/gm)].flatMap((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]));
    expect(listed.size).toBeGreaterThan(30);
    const example = fs.readFileSync(path.join(projectRoot, ".env.example"), "utf8");
    const inExample = new Set([...example.matchAll(/^# ([A-Z_]+)=/gm)].map((m) => m[1]!));
    expect([...listed].filter((v) => !inExample.has(v))).toEqual([]);
    // Every variable of the example parses as the server would read it (set to its shown value).
    const shown = Object.fromEntries([...example.matchAll(/^# ([A-Z_]+)=(.*)$/gm)].filter((m) => m[2] !== "").map((m) => [m[1]!, m[2]!]));
    expect(() => parseEnv(shown)).not.toThrow();
  });
});
