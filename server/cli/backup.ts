import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import * as tar from "tar";
import { projectRoot } from "../config/paths";
import { DomainError } from "../domain/errors";

/** What a backup archive says about itself (`version.json`). */
export interface BackupVersion {
  format: 1;
  engine: "sqlite";
  /** Parley's version (package.json) that took it. */
  parley: string;
  /** The newest migration applied to the database it holds. */
  migration: string;
  createdAt: string;
  messages: number;
  files: number;
}

/** The files beside an SQLite database that a server made and needs again: the cookie secret and the Web Push keys. */
const KEPT_BESIDE = ["auth-secret", "vapid-keys.json"] as const;
const DATABASE = "parley.db";

function sqliteFile(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) {
    throw new DomainError("invalid_payload", "Backups from the command line are of SQLite databases; on PostgreSQL use pg_dump and keep BETTER_AUTH_SECRET and the VAPID keys (docs/deploy.md).");
  }
  return databaseUrl.slice("file:".length);
}

/** The newest migration Parley knows (its own prisma/migrations), to refuse a backup from a newer one. */
function newestKnownMigration(): string {
  return fs
    .readdirSync(path.join(projectRoot, "prisma", "migrations"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .at(-1)!;
}

/**
 * An online backup of an SQLite Parley into one archive (tar.gz): the database, the cookie
 * secret and Web Push keys kept beside it, the uploaded files, and `version.json`. Safe while
 * the server writes: the database is copied by `VACUUM INTO` (one read transaction, so it
 * finishes under any write load, where SQLite's backup API starts over at every write from
 * another connection); the copy's search index is then rebuilt (VACUUM renumbers the rows it
 * points at) and both are checked for integrity. Files are written once and never changed:
 * copied after the database, the archive holds every file its messages name (a file uploaded
 * meanwhile comes along as an orphan, swept later).
 */
export async function backupSqlite(options: { databaseUrl: string; filesDir: string; archive: string; version: string }): Promise<BackupVersion> {
  const file = sqliteFile(options.databaseUrl);
  if (!fs.existsSync(file)) throw new DomainError("not_found", `There is no database at ${file}.`);
  const archive = path.resolve(options.archive);
  if (fs.existsSync(archive)) throw new DomainError("invalid_payload", `${archive} exists already: name a new file.`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "parley-backup-"));
  try {
    const copy = path.join(work, DATABASE);
    const source = new Database(file, { readonly: true, fileMustExist: true, timeout: 30_000 });
    try {
      source.prepare("VACUUM INTO ?").run(copy);
    } finally {
      source.close();
    }
    const db = new Database(copy);
    let messages: number;
    let migration: string;
    try {
      db.exec(`INSERT INTO "MessageSearch" ("MessageSearch") VALUES ('delete-all');
        INSERT INTO "MessageSearch" ("rowid", "body") SELECT "rowid", "body" FROM "Message" WHERE "deletedAt" IS NULL;
        DELETE FROM "MessageSearchPending";
        INSERT INTO "MessageSearch" ("MessageSearch") VALUES ('integrity-check');`);
      const check = db.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new Error(`the copy failed SQLite's integrity check: ${String(check)}`);
      messages = (db.prepare(`SELECT count(*) AS n FROM "Message"`).get() as { n: number }).n;
      migration = (db.prepare(`SELECT "migration_name" AS name FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL ORDER BY "migration_name" DESC LIMIT 1`).get() as { name: string }).name;
      db.pragma("journal_mode = DELETE");
    } finally {
      db.close();
    }
    const entries = [DATABASE];
    for (const name of KEPT_BESIDE) {
      const beside = path.join(path.dirname(file), name);
      if (fs.existsSync(beside)) {
        fs.copyFileSync(beside, path.join(work, name));
        entries.push(name);
      }
    }
    let files = 0;
    if (fs.existsSync(options.filesDir)) {
      fs.cpSync(options.filesDir, path.join(work, "files"), { recursive: true });
      files = fs.readdirSync(path.join(work, "files"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
      entries.push("files");
    }
    const version: BackupVersion = { format: 1, engine: "sqlite", parley: options.version, migration, createdAt: new Date().toISOString(), messages, files };
    fs.writeFileSync(path.join(work, "version.json"), `${JSON.stringify(version, null, 2)}\n`);
    entries.unshift("version.json");
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    await tar.create({ gzip: true, file: archive, cwd: work, portable: true, mode: 0o600 }, entries);
    fs.chmodSync(archive, 0o600);
    return version;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Restores an archive of `backupSqlite` into the database DATABASE_URL names (and its files
 * folder), with the server stopped. An existing database is refused unless `force`, and then
 * kept aside (`<name>.before-restore-<time>`), never deleted. A backup from a newer Parley
 * (a migration this one does not know) is refused; an older one is migrated forward by the
 * server at its next start.
 */
export async function restoreSqlite(options: { databaseUrl: string; filesDir: string; archive: string; force: boolean }): Promise<BackupVersion> {
  const file = sqliteFile(options.databaseUrl);
  const archive = path.resolve(options.archive);
  if (!fs.existsSync(archive)) throw new DomainError("not_found", `There is no archive at ${archive}.`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "parley-restore-"));
  try {
    await tar.extract({ file: archive, cwd: work, strict: true, filter: (p) => !p.includes("..") });
    const versionFile = path.join(work, "version.json");
    if (!fs.existsSync(versionFile) || !fs.existsSync(path.join(work, DATABASE))) throw new DomainError("invalid_payload", `${archive} is not a Parley backup (no version.json and ${DATABASE}).`);
    const version = JSON.parse(fs.readFileSync(versionFile, "utf8")) as BackupVersion;
    if (version.format !== 1 || version.engine !== "sqlite") throw new DomainError("invalid_payload", `${archive} is a backup this Parley cannot read (format ${String(version.format)}, ${String(version.engine)}).`);
    if (version.migration > newestKnownMigration()) {
      throw new DomainError("invalid_payload", `This backup comes from a newer Parley (${version.parley}, migration ${version.migration}): restore it with that version or later.`);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    if (fs.existsSync(file)) {
      if (!options.force) throw new DomainError("invalid_payload", `There is a database at ${file} already. Stop the server, then restore with --force (the current one is kept aside).`);
      fs.renameSync(file, `${file}.before-restore-${stamp}`);
    }
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(`${file}${suffix}`, { force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(path.join(work, DATABASE), file);
    for (const name of KEPT_BESIDE) {
      const kept = path.join(work, name);
      if (fs.existsSync(kept)) {
        fs.copyFileSync(kept, path.join(path.dirname(file), name));
        fs.chmodSync(path.join(path.dirname(file), name), 0o600);
      }
    }
    const files = path.join(work, "files");
    if (fs.existsSync(files)) {
      if (fs.existsSync(options.filesDir)) fs.renameSync(options.filesDir, `${options.filesDir}.before-restore-${stamp}`);
      fs.cpSync(files, options.filesDir, { recursive: true });
    }
    return version;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
