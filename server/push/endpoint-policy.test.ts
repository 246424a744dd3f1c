import https from "node:https";
import { describe, expect, it } from "vitest";
import { isPublicAddress, PushEndpointPolicy } from "./endpoint-policy";

describe("push endpoint policy", () => {
  it("tells public addresses from private, loopback, link-local, CGNAT, multicast and reserved ones", () => {
    for (const a of ["8.8.8.8", "142.250.1.1", "2607:f8b0:4004:800::200e"]) expect(isPublicAddress(a), a).toBe(true);
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::", "not an address"]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it("normalises an allowed endpoint once, and refuses the rest", () => {
    const policy = new PushEndpointPolicy();
    expect(policy.normalise("https://FCM.googleapis.com/fcm/send/abc#x")).toBe("https://fcm.googleapis.com/fcm/send/abc");
    expect(policy.normalise("https://updates.push.services.mozilla.com/wpush/v2/x")).toBe("https://updates.push.services.mozilla.com/wpush/v2/x");
    expect(policy.normalise("https://wns2-by3p.notify.windows.com/w/?token=1")).toBe("https://wns2-by3p.notify.windows.com/w/?token=1");
    for (const bad of ["http://fcm.googleapis.com/x", "https://push.services.mozilla.com.evil.example/x", "https://evilpush.services.mozilla.com/x", "https://fcm.googleapis.com:444/x", "https://a:b@fcm.googleapis.com/x", "https://127.0.0.1/x", "https://[::1]/x", "https://0x7f000001/x", "notaurl"]) {
      expect(() => policy.normalise(bad), bad).toThrow(/not accepted/);
    }
    policy.agent.destroy();
  });

  it("refuses an allowed host that resolves to a private address, when subscribing and again when connecting (DNS rebinding)", async () => {
    const policy = new PushEndpointPolicy({ hosts: ["localhost"] });
    await expect(policy.check("https://localhost/x")).rejects.toThrow(/private address/);
    const error = await new Promise<Error>((resolve) => {
      const req = https.request("https://localhost:1/x", { agent: policy.agent }, () => resolve(new Error("connected")));
      req.on("error", resolve);
      req.end();
    });
    expect((error as Error & { code?: string }).code).toBe("EPUSHADDRESS");
    policy.agent.destroy();
  });
});
