/**
 * Address ranges as intervals of integers, so a rule is judged by the addresses it admits rather
 * than by how its CIDRs are spelled: `0.0.0.0/1` and `128.0.0.0/1` together are `0.0.0.0/0`, and
 * `::0/0`, `0:0::/0` or `0.0.0.0/00` are the whole space too. Own code rather than the root's
 * `ip-address` dependency: the pack is published without the root's node_modules.
 */

export type Family = "IPv4" | "IPv6";

export interface Range {
    family: Family;
    first: bigint;
    last: bigint;
}

const BITS: Readonly<Record<Family, number>> = { IPv4: 32, IPv6: 128 };

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0n;
    for (const part of parts) {
        if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
        value = (value << 8n) | BigInt(part);
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    let head = text;
    let tailV4: bigint | undefined;
    // An embedded dotted quad (`::ffff:10.0.0.1`) stands for the last two groups.
    const lastColon = head.lastIndexOf(":");
    if (head.slice(lastColon + 1).includes(".")) {
        tailV4 = parseIpv4(head.slice(lastColon + 1));
        if (tailV4 === undefined) return undefined;
        head = `${head.slice(0, lastColon + 1)}0:0`;
    }
    const halves = head.split("::");
    if (halves.length > 2) return undefined;
    const groups = (part: string) => (part === "" ? [] : part.split(":"));
    const left = groups(halves[0]);
    const right = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - left.length - right.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
    let value = 0n;
    for (const group of [...left, ...Array<string>(missing).fill("0"), ...right]) {
        if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
        value = (value << 16n) | BigInt(`0x${group}`);
    }
    return tailV4 === undefined ? value : (value & ~0xffffffffn) | tailV4;
}

/** The range a CIDR covers, or undefined for text that is not a CIDR AWS would accept. */
export function parseCidr(text: string): Range | undefined {
    const match = /^\s*([^/\s]+)\/(\d{1,3})\s*$/.exec(text);
    if (!match) return undefined;
    const family: Family = match[1].includes(":") ? "IPv6" : "IPv4";
    const address = family === "IPv4" ? parseIpv4(match[1]) : parseIpv6(match[1]);
    const prefix = Number(match[2]);
    const bits = BITS[family];
    if (address === undefined || prefix > bits) return undefined;
    const size = 1n << BigInt(bits - prefix);
    const first = address - (address % size);
    return { family, first, last: first + size - 1n };
}

function cidrs(family: Family, texts: readonly string[]): Range[] {
    return texts.map((text) => {
        const range = parseCidr(text);
        if (!range || range.family !== family) throw new Error(`not an ${family} CIDR: ${text}`);
        return range;
    });
}

/** The ranges merged: sorted, overlapping and adjacent ones joined. */
export function union(ranges: readonly Range[]): Range[] {
    const sorted = [...ranges].sort((a, b) => (a.family !== b.family ? (a.family < b.family ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const merged: Range[] = [];
    for (const range of sorted) {
        const last = merged[merged.length - 1];
        if (last && last.family === range.family && range.first <= last.last + 1n) {
            if (range.last > last.last) last.last = range.last;
        } else {
            merged.push({ ...range });
        }
    }
    return merged;
}

/** The parts of `ranges` outside every range of `allowed` (same family). */
export function subtract(ranges: readonly Range[], allowed: readonly Range[]): Range[] {
    let remaining = union(ranges);
    for (const cut of union(allowed)) {
        remaining = remaining.flatMap((range) => {
            if (range.family !== cut.family || cut.last < range.first || cut.first > range.last) return [range];
            const pieces: Range[] = [];
            if (cut.first > range.first) pieces.push({ family: range.family, first: range.first, last: cut.first - 1n });
            if (cut.last < range.last) pieces.push({ family: range.family, first: cut.last + 1n, last: range.last });
            return pieces;
        });
    }
    return remaining;
}

/** Whether the ranges together include every address of `target`. */
export function covers(ranges: readonly Range[], target: Range): boolean {
    return subtract([target], ranges).length === 0;
}

/**
 * IPv4 space that is not the internet: private (RFC 1918), shared (RFC 6598, which VPCs may use),
 * and reserved ranges no internet host has (this network, loopback, link-local, multicast,
 * reserved, documentation, benchmarking). The internet is everything else.
 */
export const IPV4_NOT_INTERNET: readonly Range[] = cidrs("IPv4", [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
]);

/** Private IPv4 address space a VPC, or a network it is connected to, may use: RFC 1918 and RFC 6598. */
export const IPV4_PRIVATE: readonly Range[] = cidrs("IPv4", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]);

/** The IPv6 internet: global unicast. */
export const IPV6_INTERNET: Range = cidrs("IPv6", ["2000::/3"])[0];

/** Unique local IPv6 addresses (fc00::/7), the IPv6 private space. */
export const IPV6_PRIVATE: readonly Range[] = cidrs("IPv6", ["fc00::/7"]);

/** Whether the ranges include every internet address of their family. */
export function coversInternet(family: Family, ranges: readonly Range[]): boolean {
    if (family === "IPv6") return covers(ranges, IPV6_INTERNET);
    return covers([...ranges, ...IPV4_NOT_INTERNET], { family: "IPv4", first: 0n, last: (1n << 32n) - 1n });
}

/** A range in CIDR notation when it is one, else first–last. */
export function format(range: Range): string {
    const bits = BITS[range.family];
    const count = range.last - range.first + 1n;
    const address = (value: bigint) =>
        range.family === "IPv4" ? [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 255n).toString()).join(".") : compressIpv6(value);
    let prefix = -1;
    for (let p = 0; p <= bits; p++) if (1n << BigInt(bits - p) === count) prefix = p;
    if (prefix >= 0 && range.first % count === 0n) return `${address(range.first)}/${prefix}`;
    return `${address(range.first)}-${address(range.last)}`;
}

function compressIpv6(value: bigint): string {
    const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
    let best = { start: -1, length: 0 };
    for (let i = 0; i < 8;) {
        if (groups[i] !== "0") {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === "0") j++;
        if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
        i = j;
    }
    if (best.start < 0) return groups.join(":");
    return `${groups.slice(0, best.start).join(":")}::${groups.slice(best.start + best.length).join(":")}`;
}
