import DataLoader from "dataloader";

/**
 * Lookups by key made in the same turn of the event loop, sent to the database as one
 * query. The batch is dispatched with `setImmediate`, after that turn's I/O callbacks: under
 * load (a thousand clients reconnecting at once) the handshakes and joins that arrived
 * together share a query; a lone lookup waits for nothing. Nothing is cached between
 * batches, so every lookup reads the database as it is then.
 */
export function perTurnBatch<K, V>(loadMany: (keys: K[]) => Promise<Map<K, V>>, maxBatchSize = 500): (key: K) => Promise<V | null> {
  const loader = new DataLoader<K, V | null>(
    async (keys) => {
      const found = await loadMany([...keys]);
      return keys.map((k) => found.get(k) ?? null);
    },
    { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return (key) => loader.load(key);
}
