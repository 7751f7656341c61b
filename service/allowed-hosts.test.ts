/**
 * The Host check of `parley serve`: the configured origin's host, and the
 * localhost names when it listens on loopback; nothing a rebinding page could
 * send.
 */
import { describe, expect, it } from 'vitest';
import { allowedHosts, hostAllowed, hostname } from './allowed-hosts.js';

describe('a Host header', () => {
  it('is answered on loopback for localhost, 127.0.0.1 and [::1], with any port, and for nothing else', () => {
    const allowed = allowedHosts({ bind: '127.0.0.1' });
    for (const ok of ['127.0.0.1:5173', 'localhost:5173', 'LOCALHOST', 'localhost.', '[::1]:5173', '127.0.0.1']) expect([ok, hostAllowed(ok, allowed)]).toEqual([ok, true]);
    for (const no of ['evil.example', 'evil.example:5173', 'localhost.evil.example', '127.0.0.1.nip.io', '127.0.0.2', '', 'a b', 'localhost:5173:1']) {
      expect([no, hostAllowed(no, allowed)]).toEqual([no, false]);
    }
    expect(hostAllowed(undefined, allowed)).toBe(false);
  });

  it('is answered for the configured origin’s host only, plus the localhost names on loopback', () => {
    const behindProxy = allowedHosts({ bind: '0.0.0.0', origin: 'https://parley.example.com', interfaces: ['10.0.0.5', '127.0.0.1'] });
    expect([...behindProxy.names]).toEqual(['parley.example.com']);
    expect(hostAllowed('Parley.Example.com', behindProxy)).toBe(true);
    expect(hostAllowed('10.0.0.5:5173', behindProxy)).toBe(false);
    expect(hostAllowed('localhost', behindProxy)).toBe(false);
    const local = allowedHosts({ bind: '127.0.0.1', origin: 'http://parley.internal:8080' });
    expect([...local.names]).toEqual(['parley.internal', 'localhost', '127.0.0.1', '[::1]']);
  });

  it('without an origin, is answered for the address listened on, or every address of the machine for 0.0.0.0', () => {
    expect([...allowedHosts({ bind: '10.0.0.5' }).names]).toEqual(['10.0.0.5']);
    expect([...allowedHosts({ bind: '::', interfaces: ['10.0.0.5', '127.0.0.1', 'FE80::1'] }).names]).toEqual(['10.0.0.5', '127.0.0.1', '[fe80::1]']);
    expect([...allowedHosts({ bind: '::1' }).names]).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('names its host without port, case or trailing dot', () => {
    expect(['a.example:80', 'A.Example.', '[::1]:80', '[::1]', 'x:y', '[zz]'].map(hostname)).toEqual(['a.example', 'a.example', '[::1]', '[::1]', null, null]);
  });
});
