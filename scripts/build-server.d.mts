/** See build-server.mjs. */
export function buildServer(entries: Record<string, string>, outdir: string): Promise<string>;
