import * as assert from "node:assert/strict";
import { contains, findOverlaps, Ipv4Block, overlaps, parseIpv4Cidr } from "../../src/net/cidr";

function block(cidr: string): Ipv4Block {
    const parsed = parseIpv4Cidr(cidr);
    assert.ok(parsed.ok, `${cidr} should parse`);
    return parsed.block;
}

describe("IPv4 CIDR rules", () => {
    it("accepts network addresses between /16 and /28", () => {
        for (const cidr of ["10.20.0.0/16", "10.20.1.0/24", "192.168.0.16/28"]) assert.equal(parseIpv4Cidr(cidr).ok, true, cidr);
    });

    it("rejects prefixes AWS refuses, with the prefix in the message", () => {
        const tooWide = parseIpv4Cidr("10.0.0.0/8");
        assert.equal(tooWide.ok, false);
        assert.match(!tooWide.ok ? tooWide.expected : "", /rejects \/8/);
        assert.equal(parseIpv4Cidr("10.0.0.0/29").ok, false);
    });

    it("rejects host bits and suggests the network address", () => {
        const parsed = parseIpv4Cidr("10.20.1.5/24");
        assert.equal(parsed.ok, false);
        assert.match(!parsed.ok ? parsed.expected : "", /10\.20\.1\.0\/24/);
    });

    it("rejects text that is not an IPv4 CIDR", () => {
        for (const text of ["10.20.0.0", "10.20.0.300/24", "fd00::/64", "10.20.0.0/33", " 10.20.0.0/16", "ten/16"]) {
            assert.equal(parseIpv4Cidr(text).ok, false, text);
        }
    });

    it("knows containment and overlap at the block edges", () => {
        const vpc = block("10.20.0.0/16");
        assert.equal(contains(vpc, block("10.20.255.240/28")), true);
        assert.equal(contains(vpc, block("10.21.0.0/24")), false);
        assert.equal(overlaps(block("10.20.0.0/24"), block("10.20.0.128/25")), true);
        assert.equal(overlaps(block("10.20.0.0/25"), block("10.20.0.128/25")), false);
    });

    it("finds exactly the overlapping pairs a brute-force comparison finds", () => {
        let seed = 7;
        const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        for (let round = 0; round < 20; round++) {
            const blocks = Array.from({ length: 30 }, () => {
                const prefix = 20 + Math.floor(random() * 9);
                const size = 2 ** (32 - prefix);
                const start = Math.floor((random() * 2 ** 16) / size) * size;
                return block(`10.20.${Math.floor(start / 256)}.${start % 256}/${prefix}`);
            });
            const expected: string[] = [];
            for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) if (overlaps(blocks[i], blocks[j])) expected.push(`${i}-${j}`);
            const found = findOverlaps(blocks).map(([a, b]) => `${a}-${b}`);
            // Every reported pair overlaps, and every block that overlaps another is reported at least once.
            for (const pair of found) assert.ok(expected.includes(pair), `reported ${pair} does not overlap`);
            const involved = (pairs: string[]) => new Set(pairs.flatMap((p) => p.split("-")));
            assert.deepEqual([...involved(found)].sort(), [...involved(expected)].sort());
        }
    });
});
