import * as assert from "node:assert/strict";
import { covers, coversInternet, format, IPV6_INTERNET, parseCidr, subtract, union } from "../../policy/lib/cidr";

const r = (text: string) => {
    const range = parseCidr(text);
    assert.ok(range, text);
    return range;
};

describe("policy CIDR arithmetic: address ranges, not spellings", () => {
    it("parses every spelling AWS accepts to the same range, and refuses what is not a CIDR", () => {
        for (const spelling of ["0.0.0.0/0", " 0.0.0.0/0 ", "0.0.0.0/00", "1.2.3.4/0"]) assert.equal(format(r(spelling)), "0.0.0.0/0", spelling);
        for (const spelling of ["::/0", "::0/0", "0:0::/0", "0:0:0:0:0:0:0:0/0", "2001:db8::/0"]) assert.equal(format(r(spelling)), "::/0", spelling);
        assert.equal(format(r("10.20.1.7/16")), "10.20.0.0/16", "host bits are dropped, as AWS does");
        assert.equal(format(r("::ffff:10.0.0.1/128")), "::ffff:a00:1/128");
        assert.equal(format(r("2600:1F18:ABCD:1200::/56")), "2600:1f18:abcd:1200::/56");
        for (const bad of ["0.0.0.0", "256.0.0.0/8", "10.0.0/8", "10.0.0.0/33", "::/129", "1::2::3/64", "2001:db8:::/48", "sg-123", ""])
            assert.equal(parseCidr(bad), undefined, bad);
    });

    it("merges, subtracts and formats ranges that are not one CIDR", () => {
        assert.deepEqual(union([r("0.0.0.0/1"), r("128.0.0.0/1")]).map(format), ["0.0.0.0/0"]);
        assert.deepEqual(union([r("10.0.0.0/24"), r("10.0.1.0/24"), r("10.0.3.0/24")]).map(format), ["10.0.0.0/23", "10.0.3.0/24"]);
        assert.deepEqual(subtract([r("10.0.0.0/8")], [r("10.0.0.0/9")]).map(format), ["10.128.0.0/9"]);
        assert.deepEqual(subtract([r("10.0.0.0/24")], [r("10.0.0.128/26")]).map(format), ["10.0.0.0/25", "10.0.0.192/26"]);
        assert.deepEqual(subtract([r("10.0.0.0/24"), r("::/0")], [r("0.0.0.0/0")]).map(format), ["::/0"], "families do not mix");
        assert.equal(format(union([r("10.0.0.0/24"), r("10.0.1.0/25")])[0]), "10.0.0.0-10.0.1.127");
        assert.ok(covers([r("10.0.0.0/9"), r("10.128.0.0/9")], r("10.0.0.0/8")));
        assert.ok(!covers([r("10.0.0.0/9")], r("10.0.0.0/8")));
    });

    it("knows the whole internet when it sees it: every public address, however split, with or without private space", () => {
        assert.ok(coversInternet("IPv4", [r("0.0.0.0/0")]));
        assert.ok(coversInternet("IPv4", [r("0.0.0.0/1"), r("128.0.0.0/1")]));
        assert.ok(!coversInternet("IPv4", [r("0.0.0.0/1")]));
        assert.ok(!coversInternet("IPv4", [r("10.0.0.0/8"), r("172.16.0.0/12"), r("192.168.0.0/16")]));
        assert.ok(coversInternet("IPv6", [r("::/0")]));
        assert.ok(coversInternet("IPv6", [r("2000::/4"), r("3000::/4")]));
        assert.ok(!coversInternet("IPv6", [r("2600::/12")]));
        assert.equal(format(IPV6_INTERNET), "2000::/3");
    });
});
