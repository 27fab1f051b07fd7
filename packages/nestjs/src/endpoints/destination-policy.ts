import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.js';

/** A delivery target refused by the destination policy (SSRF protection). */
export class WebhookDestinationError extends Error {
  /** Always `'WebhookDestinationError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookDestinationError';
}

/** Where deliveries may go. Both default to `false`: only `https` to public addresses. */
export interface DestinationRules {
  /** Allow `http:` URLs (development, tests). */
  allowHttp: boolean;
  /** Allow loopback, private, link-local and other non-public addresses (development, tests). Metadata stays blocked. */
  allowPrivateNetworks: boolean;
}

type Range = readonly [address: string, prefix: number];

function blockList(ranges: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of ranges) list.addSubnet(address, prefix, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

/** Cloud instance-metadata services: refused whatever the rules say (a classic SSRF prize). */
const METADATA = blockList([
  ['169.254.169.254', 32], // AWS, GCP, Azure, OpenStack...
  ['169.254.170.2', 32], // AWS ECS task metadata
  ['169.254.170.23', 32], // AWS EKS pod identity
  ['100.100.100.200', 32], // Alibaba Cloud
  ['fd00:ec2::254', 128], // AWS over IPv6
  ['fd00:ec2::23', 128],
]);

/**
 * Non-public ranges, each with the word the refusal uses. An IPv6 address that embeds an IPv4 one (mapped,
 * compatible, 6to4, NAT64, Teredo, ...) is also judged by the IPv4 address inside (`embeddedIpv4`).
 */
const NON_PUBLIC: ReadonlyArray<readonly [label: string, list: BlockList]> = [
  [
    'loopback',
    blockList([
      ['127.0.0.0', 8],
      ['::1', 128],
    ]),
  ],
  [
    'unspecified',
    blockList([
      ['0.0.0.0', 8],
      ['::', 128],
    ]),
  ],
  [
    'private',
    blockList([
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ]),
  ],
  [
    'link-local',
    blockList([
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ]),
  ],
  ['unique-local', blockList([['fc00::', 7]])],
  ['shared (carrier-grade NAT)', blockList([['100.64.0.0', 10]])],
  [
    'multicast',
    blockList([
      ['224.0.0.0', 4],
      ['ff00::', 8],
    ]),
  ],
  [
    'reserved',
    blockList([
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
      ['64:ff9b::', 96],
      ['64:ff9b:1::', 48], // local-use NAT64: never a public address
      ['100::', 64],
      ['2001:db8::', 32],
    ]),
  ],
];

/** How many addresses' verdicts a policy remembers before starting over. */
const MAX_REMEMBERED_ADDRESSES = 1_000;

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/**
 * SSRF protection for outgoing webhooks: which URLs and which resolved addresses a delivery may reach. URLs are
 * checked when endpoints are configured and again before each attempt; host names are resolved at connect time by
 * `lookup`, which refuses the connection if any address is not allowed and otherwise hands the socket exactly the
 * address it checked, so a DNS answer cannot change between the check and the connection (no DNS rebinding).
 */
export class DestinationPolicy {
  /**
   * Verdicts by address (and rule), as every attempt checks its endpoint's address again: a BlockList check builds
   * objects for each range (measured: about 1% of the relay's CPU time at several thousand requests per second).
   */
  private readonly refusals = new Map<string, string | undefined>();

  constructor(
    /** What this policy allows beyond public `https:` destinations: `http:` URLs, private networks. */
    readonly rules: DestinationRules,
  ) {}

  /** Parses and checks a target URL; throws `WebhookDestinationError` saying what is wrong and how to allow it. */
  checkUrl(target: string): URL {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new WebhookDestinationError(`"${target}" is not an absolute URL (e.g. https://example.com/webhooks).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new WebhookDestinationError(`${url.protocol} URLs are not deliverable; use https:.`);
    }
    if (url.protocol === 'http:' && !this.rules.allowHttp) {
      throw new WebhookDestinationError('http: is refused: use https:, or set delivery.allowHttp for development.');
    }
    if (url.username !== '' || url.password !== '') {
      throw new WebhookDestinationError('credentials in the URL are refused: send them as endpoint headers instead.');
    }
    // WHATWG URL already normalised 0x7f.1, 2130706433 and friends to dotted IPv4.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) !== 0) this.checkAddress(host, host);
    return url;
  }

  /** Throws `WebhookDestinationError` if `address` (which `host` resolved to) may not be reached. */
  checkAddress(address: string, host: string): void {
    const refused = this.refusal(address);
    if (!refused) return;
    const where = host === address ? address : `${host} (resolves to ${address})`;
    throw new WebhookDestinationError(`${where} is refused: ${refused}.`);
  }

  private refusal(address: string): string | undefined {
    const key = `${this.rules.allowPrivateNetworks ? 'any' : 'public'} ${address}`;
    if (this.refusals.has(key)) return this.refusals.get(key);
    // Bounded: host names can resolve to ever new addresses.
    if (this.refusals.size >= MAX_REMEMBERED_ADDRESSES) this.refusals.clear();
    const refusal = this.judge(address);
    this.refusals.set(key, refusal);
    return refusal;
  }

  private judge(address: string): string | undefined {
    const embedded = embeddedIpv4(address);
    for (const inner of embedded?.addresses ?? []) {
      const refused = this.judge(inner);
      if (refused) return `it embeds ${inner} (${embedded!.form}), ${refused}`;
    }
    const kind = family(address);
    if (METADATA.check(address, kind)) return 'a cloud metadata address is never a webhook target';
    if (this.rules.allowPrivateNetworks) return undefined;
    const range = NON_PUBLIC.find(([, list]) => list.check(address, kind));
    return range && `a ${range[0]} address (set delivery.allowPrivateNetworks for development)`;
  }

  /** A `lookup` for `net.connect`/`http.Agent` that resolves, checks every address, and pins the socket to one. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { ...(options as object), all: true } as LookupAllOptions,
      (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        try {
          for (const { address } of addresses) this.checkAddress(address, hostname);
        } catch (refusal) {
          return callback(refusal as Error, '', 0);
        }
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
    );
  };
}
