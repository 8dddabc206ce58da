import { Address4 } from "ip-address";

/** An IPv4 block as an inclusive range of addresses, for containment and overlap checks. */
export interface Ipv4Block {
    cidr: string;
    prefixLength: number;
    first: bigint;
    last: bigint;
}

/** AWS accepts VPC and subnet IPv4 blocks between /16 and /28. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

export type CidrParse = { ok: true; block: Ipv4Block } | { ok: false; expected: string };

/**
 * Parses an IPv4 CIDR the way AWS will take it: a network address (no host bits) with a
 * prefix between /16 and /28. The failure says what to write instead.
 */
export function parseIpv4Cidr(text: string): CidrParse {
    const shape = "an IPv4 CIDR block between /16 and /28, such as 10.20.0.0/16";
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !Address4.isValid(text)) {
        return { ok: false, expected: shape };
    }
    const address = new Address4(text);
    const prefixLength = address.subnetMask;
    if (prefixLength < MIN_PREFIX || prefixLength > MAX_PREFIX) {
        return { ok: false, expected: `${shape} (AWS rejects /${prefixLength})` };
    }
    const network = address.startAddress();
    if (network.correctForm() !== address.correctForm()) {
        return { ok: false, expected: `a network address without host bits: ${network.correctForm()}/${prefixLength}` };
    }
    return { ok: true, block: blockOf(text) };
}

function blockOf(cidr: string): Ipv4Block {
    const address = new Address4(cidr);
    return { cidr, prefixLength: address.subnetMask, first: address.startAddress().bigInt(), last: address.endAddress().bigInt() };
}

/**
 * IPv4 ranges a VPC cannot use. AWS accepts RFC 1918 and publicly routable ranges (it only
 * advises against 172.17.0.0/16, which Docker uses), but not these: each is either refused by
 * EC2 or takes addresses the instances themselves depend on.
 */
export const RESERVED_IPV4_RANGES: ReadonlyArray<{ block: Ipv4Block; reason: string }> = [
    { cidr: "0.0.0.0/8", reason: '"this network" (RFC 1122): not usable as a source or destination address' },
    { cidr: "127.0.0.0/8", reason: "loopback: traffic to it never leaves the instance" },
    {
        cidr: "169.254.0.0/16",
        reason: "link-local: the instance metadata service (169.254.169.254), the Amazon DNS resolver (169.254.169.253) and the time service (169.254.169.123) answer there, so instances in it could not reach them",
    },
    { cidr: "224.0.0.0/4", reason: "multicast (RFC 5771): group addresses, never assigned to an interface" },
    { cidr: "240.0.0.0/4", reason: "reserved for future use (RFC 1112), with the broadcast address 255.255.255.255" },
].map(({ cidr, reason }) => ({ block: blockOf(cidr), reason }));

/** The reserved range `block` overlaps, if any. */
export function reservedRangeOf(block: Ipv4Block): { block: Ipv4Block; reason: string } | undefined {
    return RESERVED_IPV4_RANGES.find((reserved) => overlaps(reserved.block, block));
}

export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
    return inner.first >= outer.first && inner.last <= outer.last;
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/**
 * Pairs of indexes whose blocks overlap. Sorting by start keeps this O(n log n) for the
 * hundreds of subnets a large owner VPC can hold.
 */
export function findOverlaps(blocks: readonly Ipv4Block[]): Array<[number, number]> {
    const order = blocks.map((block, index) => ({ block, index })).sort((a, b) => (a.block.first < b.block.first ? -1 : a.block.first > b.block.first ? 1 : 0));
    const pairs: Array<[number, number]> = [];
    let widest = order[0];
    for (const current of order.slice(1)) {
        if (widest && current.block.first <= widest.block.last) {
            pairs.push([Math.min(widest.index, current.index), Math.max(widest.index, current.index)]);
        }
        if (!widest || current.block.last > widest.block.last) widest = current;
    }
    return pairs;
}
