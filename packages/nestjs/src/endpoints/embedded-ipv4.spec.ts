import { describe, expect, it } from 'vitest';
import { embeddedIpv4, ipv6Groups } from './embedded-ipv4.js';

describe('IPv4 addresses inside IPv6 ones', () => {
  it('expands :: and a trailing dotted quad into eight groups', () => {
    expect(ipv6Groups('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups('2002:7f00:1::1')).toEqual([0x2002, 0x7f00, 1, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('finds the address in each form that embeds one', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toEqual({ form: 'IPv4-mapped', addresses: ['127.0.0.1'] });
    expect(embeddedIpv4('::ffff:0:7f00:1')).toEqual({ form: 'IPv4-translated', addresses: ['127.0.0.1'] });
    expect(embeddedIpv4('::127.0.0.1')).toEqual({ form: 'IPv4-compatible', addresses: ['127.0.0.1'] });
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toEqual({ form: 'NAT64', addresses: ['169.254.169.254'] });
    expect(embeddedIpv4('64:ff9b:1::7f00:1')).toMatchObject({
      form: 'local-use NAT64',
      addresses: expect.arrayContaining(['127.0.0.1']),
    });
    expect(embeddedIpv4('2002:a00:1::1')).toEqual({ form: '6to4', addresses: ['10.0.0.1'] });
    expect(embeddedIpv4('2001:db8::200:5efe:c0a8:101')).toEqual({ form: 'ISATAP', addresses: ['192.168.1.1'] });
    // Teredo: server 65.54.227.120 in the clear, client 127.0.0.1 inverted.
    expect(embeddedIpv4('2001:0:4136:e378:8000:63bf:80ff:fffe')).toEqual({
      form: 'Teredo',
      addresses: ['65.54.227.120', '127.0.0.1'],
    });
  });

  it('finds nothing in plain IPv6 addresses, in :: and ::1, or in IPv4 ones', () => {
    for (const address of ['2001:4860:4860::8888', '::', '::1', 'fe80::1', '127.0.0.1', 'example.com'])
      expect(embeddedIpv4(address)).toBeUndefined();
  });
});
