/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The Node server (server/) is run by tsx, not bundled; Next only builds app/.
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
