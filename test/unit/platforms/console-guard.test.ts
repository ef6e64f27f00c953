import { describe, expect, it } from 'vitest';
import { checkConsoleAccess, isLoopback } from '../../../src/platforms/console/guard.js';

const TOKEN = 'console-token-0123456789';
const req = (o: Partial<Parameters<typeof checkConsoleAccess>[0]> = {}) => ({
  remoteAddress: '127.0.0.1',
  host: 'localhost:3000',
  origin: undefined,
  presentedToken: undefined,
  ...o,
});

describe('console access', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.2', false],
    ['::ffff:192.168.1.4', false],
    ['172.17.0.1', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => expect(isLoopback(address)).toBe(expected));

  it('without a token answers loopback peers naming a loopback host', () => {
    expect(checkConsoleAccess(req(), null)).toEqual({ ok: true });
    expect(checkConsoleAccess(req({ host: '127.0.0.1:3000' }), null)).toEqual({ ok: true });
    expect(checkConsoleAccess(req({ host: '[::1]:3000', remoteAddress: '::1' }), null)).toEqual({ ok: true });
    expect(checkConsoleAccess(req({ remoteAddress: '192.168.1.4' }), null)).toMatchObject({ ok: false, status: 403 });
    // A page rebound to 127.0.0.1 by DNS still names its own host.
    expect(checkConsoleAccess(req({ host: 'evil.example:3000' }), null)).toMatchObject({ ok: false, status: 403 });
  });

  it('with a token requires it from everyone, loopback included', () => {
    expect(checkConsoleAccess(req(), TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkConsoleAccess(req({ presentedToken: `${TOKEN}x` }), TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkConsoleAccess(req({ presentedToken: '' }), TOKEN)).toMatchObject({ ok: false, status: 401 });
    expect(checkConsoleAccess(req({ presentedToken: TOKEN, remoteAddress: '203.0.113.9', host: 'crm.example' }), TOKEN)).toEqual({
      ok: true,
    });
  });

  it('refuses cross-origin requests', () => {
    expect(checkConsoleAccess(req({ origin: 'http://localhost:3000' }), null)).toEqual({ ok: true });
    expect(checkConsoleAccess(req({ origin: 'https://evil.example' }), null)).toMatchObject({ ok: false, status: 403 });
    expect(checkConsoleAccess(req({ origin: 'https://evil.example', presentedToken: TOKEN }), TOKEN)).toMatchObject({ status: 403 });
  });
});
