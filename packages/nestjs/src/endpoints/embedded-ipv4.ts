import { isIP } from 'node:net';

/**
 * IPv4 addresses carried inside IPv6 ones. A destination check that judged `[::127.0.0.1]` or `[2002:7f00:1::1]`
 * as IPv6 alone would pass them, yet a host with the right routes (or a NAT64 gateway, a 6to4 relay) reaches the
 * IPv4 address inside. So the policy judges every such address by the IPv4 address it embeds as well.
 */

/** What an IPv6 address carries: the IPv4 addresses to judge it by, and where they sit. */
export interface EmbeddedIpv4 {
  /** IPv4-compatible, -mapped, -translated, 6to4, NAT64 (well-known or local-use), ISATAP, Teredo. */
  form: string;
  addresses: string[];
}

const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a trailing dotted quad folded in). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  return tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The IPv4 addresses `address` (IPv6) embeds, by the form that embeds them; undefined for a plain IPv6 address. */
export function embeddedIpv4(address: string): EmbeddedIpv4 | undefined {
  if (isIP(address) !== 6) return undefined;
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  const last = ipv4(g[6]!, g[7]!);
  if (zeros(0, 5) && g[5] === 0xffff) return { form: 'IPv4-mapped', addresses: [last] };
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return { form: 'IPv4-translated', addresses: [last] };
  // ::/96 less :: and ::1, which are IPv6's own unspecified and loopback addresses.
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return { form: 'IPv4-compatible', addresses: [last] };
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return { form: 'NAT64', addresses: [last] };
  // Local-use NAT64 (RFC 8215) may place the IPv4 address at any of RFC 6052's offsets: judge each candidate.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return { form: 'local-use NAT64', addresses: nat64Candidates(g) };
  if (g[0] === 0x2002) return { form: '6to4', addresses: [ipv4(g[1]!, g[2]!)] };
  // ISATAP interface identifiers (any prefix): the tunnel endpoint's IPv4 address in the last 32 bits.
  if ((g[4] === 0 || g[4] === 0x200) && g[5] === 0x5efe) return { form: 'ISATAP', addresses: [last] };
  // Teredo: the server's address in the clear, the client's inverted.
  if (g[0] === 0x2001 && g[1] === 0)
    return { form: 'Teredo', addresses: [ipv4(g[2]!, g[3]!), ipv4(~g[6]! & 0xffff, ~g[7]! & 0xffff)] };
  return undefined;
}

/** The IPv4 address at each position RFC 6052 allows after a /48 prefix (/96, /64 and /56 around the u-octet, /48). */
function nat64Candidates(g: readonly number[]): string[] {
  const bytes = g.flatMap((group) => [group >> 8, group & 0xff]);
  const at = (indices: number[]) => indices.map((i) => bytes[i]).join('.');
  return [at([12, 13, 14, 15]), at([9, 10, 11, 12]), at([7, 9, 10, 11]), at([6, 7, 9, 10])];
}
