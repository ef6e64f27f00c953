import { createHash, timingSafeEqual } from 'node:crypto';

export type ConsoleRequest = {
  remoteAddress: string | undefined;
  host: string | undefined;
  origin: string | undefined;
  /** `?token=`, `Authorization: Bearer …` or `X-Genjin-Console-Token`, whichever came. */
  presentedToken: string | undefined;
};

export type Access = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Who may use the console, which lets anyone act as any user (pure, tested without a server):
 * 1. with `GENJIN_CONSOLE_TOKEN`, every request carries the token (compared in constant time), else 401;
 * 2. without it, only loopback peers, naming a loopback host (a DNS-rebound page names its own), else 403;
 * 3. a browser's `Origin`, when sent, must be the console's own host (no cross-site posts), else 403.
 */
export function checkConsoleAccess(req: ConsoleRequest, token: string | null): Access {
  if (token !== null) {
    if (req.presentedToken === undefined || !sameSecret(req.presentedToken, token))
      return { ok: false, status: 401, reason: 'the console token is missing or wrong: use the URL genjin printed at start' };
  } else {
    if (!isLoopback(req.remoteAddress))
      return { ok: false, status: 403, reason: 'without GENJIN_CONSOLE_TOKEN the console answers only this machine (loopback)' };
    if (!LOOPBACK_HOSTS.has(hostName(req.host)))
      return { ok: false, status: 403, reason: 'without GENJIN_CONSOLE_TOKEN open the console as localhost' };
  }
  if (req.origin !== undefined && req.origin !== `http://${req.host}` && req.origin !== `https://${req.host}`)
    return { ok: false, status: 403, reason: 'cross-origin requests are refused' };
  return { ok: true };
}

/** Digests first, so the comparison takes the same time whatever the lengths. */
function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`. */
function hostName(host: string | undefined): string {
  if (!host) return '';
  const h = host.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':', 1)[0] ?? '';
}
