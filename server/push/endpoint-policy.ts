import dns from "node:dns";
import { Agent, type AgentOptions } from "node:https";
import net, { type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { DomainError } from "../domain/errors";

/**
 * The browsers' push services, as their endpoints name them: Chrome and other Chromium
 * browsers (Firebase Cloud Messaging), Firefox (Mozilla's autopush), Edge (Windows Push
 * Notification Services), Safari (Apple). `*.` allows any subdomain (not the domain itself).
 */
export const DEFAULT_PUSH_HOSTS = [
  "fcm.googleapis.com",
  "android.googleapis.com",
  "*.push.services.mozilla.com",
  "*.notify.windows.com",
  "web.push.apple.com",
  "*.push.apple.com",
] as const;

export interface PushEndpointOptions {
  /** PUSH_ALLOWED_HOSTS: host names, or `*.domain` for its subdomains. Default: the browsers' push services. */
  hosts?: readonly string[];
  /**
   * Tests only (a push service of the test's own on 127.0.0.1): accepts IP literals, any
   * port and private, loopback and link-local addresses. No environment variable sets it.
   */
  testOnlyAllowLocal?: boolean;
}

const refused = (why: string) => new DomainError("forbidden", `This push endpoint is not accepted: ${why}.`);

/** Whether an address is a public unicast one (not private, loopback, link-local, CGNAT, multicast, reserved…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  return ipaddr.process(address).range() === "unicast";
}

/**
 * Where Web Push may send: only to the push services' hosts (an allow-list), over https on
 * port 443, never to an IP literal, and never to an address that is not public, checked
 * when a browser subscribes and again at every connection (`agent`), so that a host name
 * that later resolves to 10.0.0.1 or 169.254.169.254 (DNS rebinding) is refused too.
 */
export class PushEndpointPolicy {
  private readonly hosts: readonly string[];
  private readonly local: boolean;
  readonly agent: Agent;

  constructor(options: PushEndpointOptions = {}, agentOptions: AgentOptions = {}) {
    this.hosts = (options.hosts ?? DEFAULT_PUSH_HOSTS).map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0);
    this.local = options.testOnlyAllowLocal === true;
    // A bounded pool of connections to the push services, each resolved through `lookup`.
    this.agent = new Agent({ keepAlive: true, maxSockets: 16, ...agentOptions, lookup: this.lookup });
  }

  /**
   * The endpoint as it is stored and sent to: parsed once, https, no credentials, an
   * allowed host, no IP literal, the default port. Throws `forbidden` otherwise.
   */
  normalise(endpoint: string): string {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw refused("not a URL");
    }
    if (url.protocol !== "https:") throw refused("not https");
    if (url.username || url.password) throw refused("credentials in the URL");
    url.hash = "";
    if (this.local) return url.href;
    const host = url.hostname.toLowerCase();
    if (net.isIP(host.replace(/^\[|\]$/g, "")) !== 0) throw refused("an IP address, not a push service");
    if (url.port !== "") throw refused("not the https port");
    if (!this.allowedHost(host)) throw refused("not a known push service");
    return url.href;
  }

  /** `normalise`, then the host's addresses now: each must be public. */
  async check(endpoint: string): Promise<string> {
    const href = this.normalise(endpoint);
    if (this.local) return href;
    const addresses = await dns.promises.lookup(new URL(href).hostname, { all: true }).catch(() => {
      throw refused("its host does not resolve");
    });
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) throw refused("its host resolves to a private address");
    return href;
  }

  private allowedHost(host: string): boolean {
    return this.hosts.some((allowed) => (allowed.startsWith("*.") ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1 : host === allowed));
  }

  /** The agent's DNS look-up: every address it would connect to must be public. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => !this.local && !isPublicAddress(a.address));
      if (bad || list.length === 0) {
        const error = Object.assign(new Error(`push endpoint host ${hostname} resolves to a non-public address`), { code: "EPUSHADDRESS" });
        return callback(error, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
