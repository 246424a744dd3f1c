import { randomUUID } from "node:crypto";
import pg from "pg";
import { benchDatabase } from "../bench/scenarios/persistence";
import { createPostgresDatabase, dropDatabase } from "../server/test/databases";
const url = await createPostgresDatabase();
const { db, userId, roomId } = await benchDatabase(url);
const c = new pg.Client({ connectionString: url }); await c.connect();
let seq = 0;
const B = 64;
async function run(name: string, fn: () => Promise<unknown>) {
  const t = performance.now(); let n = 0;
  while (performance.now() - t < 2000) { await fn(); n += B; }
  console.log(name, Math.round(n / (performance.now() - t) * 1000), "/s");
}
const ids = () => Array.from({ length: B }, () => randomUUID());
const floor = async () => { const i = ids(); await c.query(`INSERT INTO "Message" ("id","roomId","seq","authorId","clientId","body","createdAt") SELECT t.id, $1, $2 + t.n, $3, t.client, $4, now() FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS t(id, client, n)`, [roomId, seq, userId, "a chat message of ordinary length", i, ids()]); seq += B; };
const maxseq = async () => { const i = ids(); await c.query(`INSERT INTO "Message" ("id","roomId","seq","authorId","clientId","body","createdAt") SELECT t.id, $1, base.s + t.n, $3, t.client, $4, now() FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS t(id, client, n), (SELECT COALESCE(MAX("seq"),0) AS s FROM "Message" WHERE "roomId" = $1) base WHERE $2::int IS NOT NULL`, [roomId, seq, userId, "a chat message of ordinary length", i, ids()]); };
const notexists = async () => { const i = ids(); await c.query(`WITH t AS (SELECT * FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS t(id, client, n)), f AS (SELECT t.*, row_number() OVER (ORDER BY t.n) k FROM t WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."authorId" = $3 AND m."clientId" = t.client)) INSERT INTO "Message" ("id","roomId","seq","authorId","clientId","body","createdAt") SELECT f.id, $1, base.s + f.k, $3, f.client, $4, now() FROM f, (SELECT COALESCE(MAX("seq"),0) AS s FROM "Message" WHERE "roomId" = $1) base WHERE $2::int IS NOT NULL`, [roomId, seq, userId, "a chat message of ordinary length", i, ids()]); };
const locked = async () => { await c.query("BEGIN"); await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [roomId]); await notexists(); await c.query("COMMIT"); };
const lockedOne = async () => { const i = ids(); const cl = ids(); const lit = (a: string[]) => `ARRAY[${a.map((x) => c.escapeLiteral(x)).join(",")}]::text[]`; await c.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext(${c.escapeLiteral(roomId)})); WITH t AS (SELECT * FROM unnest(${lit(i)}, ${lit(cl)}) WITH ORDINALITY AS t(id, client, n)), f AS (SELECT t.*, row_number() OVER (ORDER BY t.n) k FROM t WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."authorId" = ${c.escapeLiteral(userId)} AND m."clientId" = t.client)) INSERT INTO "Message" ("id","roomId","seq","authorId","clientId","body","createdAt") SELECT f.id, ${c.escapeLiteral(roomId)}, base.s + f.k, ${c.escapeLiteral(userId)}, f.client, 'a chat message of ordinary length', now() FROM f, (SELECT COALESCE(MAX("seq"),0) AS s FROM "Message" WHERE "roomId" = ${c.escapeLiteral(roomId)}) base; COMMIT;`); };
for (let k = 0; k < 2; k++) { seq = 1e9 + k * 1e7; await run("floor", floor); await c.query(`DELETE FROM "Message"`); await run("maxseq", maxseq); await c.query(`DELETE FROM "Message"`); await run("notexists", notexists); await c.query(`DELETE FROM "Message"`); await run("locked 4 trips", locked); await c.query(`DELETE FROM "Message"`); await run("locked 1 trip literal", lockedOne); await c.query(`DELETE FROM "Message"`); }
await c.end(); await db.$disconnect(); await dropDatabase(url);
