#!/usr/bin/env node
// Dependency check for CI:
// 1. The WebSocket stack is at or above the versions that fixed its known advisories.
// 2. `npm audit --omit=dev` shows no high or critical finding. Where the registry's audit
//    endpoint cannot be reached (it answers 405 from some mirrors and offline machines),
//    this says so loudly and relies on check 1.
import { execFileSync } from "node:child_process";
import semver from "semver";

// Floors at or above the releases that fixed the stack's published advisories (malformed
// packets that could throw in socket.io / socket.io-parser / engine.io, header floods in ws),
// raised to the current minor lines.
const MINIMUM = {
  "socket.io": "4.8.0",
  "socket.io-parser": "4.2.4",
  "engine.io": "6.6.0",
  ws: "8.17.1",
};

let failed = false;
// Every installed copy, wherever npm put it.
const tree = JSON.parse(
  execFileSync("npm", ["ls", ...Object.keys(MINIMUM), "--all", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
);
const found = [];
(function walk(node, trail) {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    if (name in MINIMUM) found.push({ name, version: child.version, via: [...trail, name].join(" > ") });
    walk(child, [...trail, name]);
  }
})(tree, []);
for (const name of Object.keys(MINIMUM)) {
  if (!found.some((f) => f.name === name)) {
    console.log(`FAIL ${name} is not installed`);
    failed = true;
  }
}
for (const { name, version, via } of found) {
  const ok = semver.gte(version, MINIMUM[name]);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}@${version} (minimum ${MINIMUM[name]}) via ${via}`);
  if (!ok) failed = true;
}

try {
  const out = execFileSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  report(JSON.parse(out));
} catch (err) {
  const stdout = err.stdout ?? "";
  let parsed;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    parsed = undefined;
  }
  if (parsed?.metadata?.vulnerabilities) report(parsed);
  else {
    console.warn("WARNING: npm audit could not reach the registry's advisory service; only the minimum versions above were checked.");
    console.warn(String(err.stderr ?? err.message).split("\n").filter((l) => l.includes("audit")).slice(0, 3).join("\n"));
  }
}

function report(result) {
  const v = result.metadata.vulnerabilities;
  console.log(`npm audit --omit=dev: ${v.critical} critical, ${v.high} high, ${v.moderate} moderate, ${v.low} low`);
  if (v.critical + v.high > 0) failed = true;
}

process.exit(failed ? 1 : 0);
