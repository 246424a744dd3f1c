/** The service worker's page caches are named with this prefix and the build (app/sw.ts); signing out deletes them. */
export const PAGES_CACHE_PREFIX = "parley-pages-";
