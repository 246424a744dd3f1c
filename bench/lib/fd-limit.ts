import { execFileSync } from "node:child_process";

const limitOf = (which: "SOFT" | "HARD") => Number(execFileSync("prlimit", ["--pid", String(process.pid), "--nofile", "--output", which, "--noheadings"]).toString().trim());

/**
 * Raises this process's open-file limit towards `wanted` descriptors with util-linux's
 * `prlimit` on its own pid (Node cannot set its own limit): the soft limit up to the hard
 * one, and the hard one too where the process may (CAP_SYS_RESOURCE). The servers the bench
 * starts afterwards inherit it. Returns the soft limit in force, which the caller sizes its
 * load by: on this machine the hard limit is 20,000 and the capability is not granted.
 */
export function raiseFdLimit(wanted: number): number {
  try {
    if (limitOf("SOFT") >= wanted) return limitOf("SOFT");
    try {
      execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${wanted}:${wanted}`], { stdio: "ignore" });
    } catch {
      const hard = limitOf("HARD");
      execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${hard}:${hard}`], { stdio: "ignore" });
    }
    const soft = limitOf("SOFT");
    console.error(`    open-file limit: ${soft}${soft < wanted ? ` (${wanted} wanted; the hard limit cannot be raised here)` : ""}`);
    return soft;
  } catch (err) {
    console.error(`    open-file limit unknown (${(err as Error).message.split("\n")[0]})`);
    return wanted;
  }
}
