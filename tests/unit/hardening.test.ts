import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { architectureOf, familyOf, INSTANCE_FAMILIES } from "../../src/config/instanceTypes";
import { editDistance, isNearMiss, nearestKnown } from "../../src/config/nearMiss";
import { accountIdText } from "../../src/config/primitives";
import { azIdProblem, classifyZoneId } from "../../src/config/regions";
import { parseIpv4Cidr, RESERVED_IPV4_RANGES, reservedRangeOf } from "../../src/net/cidr";

describe("near-miss keys", () => {
    it("counts a swap of neighbours as one edit", () => {
        assert.equal(editDistance("pvc", "vpc"), 1);
        assert.equal(editDistance("share", "shared"), 1);
        assert.equal(editDistance("", "abc"), 3);
    });

    it("treats case, dashes and underscores as the same word", () => {
        for (const [typo, word] of [
            ["instance_type", "instanceType"],
            ["Ami", "ami"],
            ["guardduty_shared_vpc", "guardduty-shared-vpc"],
            ["AZID", "azId"],
        ]) {
            assert.equal(isNearMiss(typo, word), true, typo);
        }
    });

    it("does not call a word its own near miss, nor match unrelated short words", () => {
        assert.equal(isNearMiss("share", "share"), false);
        assert.equal(isNearMiss("ami", "name"), false);
        assert.equal(isNearMiss("aws", "guardduty-shared-vpc"), false);
        assert.equal(isNearMiss("pulumi", "guardduty-shared-vpc"), false);
    });

    it("suggests the closest known key, or none", () => {
        assert.equal(nearestKnown("shared", ["name", "cidr", "azId", "share"]), "share");
        assert.equal(nearestKnown("routeTable", ["name", "cidr", "azId", "share"]), undefined);
        assert.equal(nearestKnown("subnet", ["subnets", "subnet-ids"]), "subnets");
    });
});

describe("account IDs from YAML numbers", () => {
    it("accepts 12 digits as text or as a number", () => {
        assert.deepEqual(accountIdText("044444444444"), { ok: true, id: "044444444444" });
        assert.deepEqual(accountIdText(444444444444), { ok: true, id: "444444444444" });
    });

    it("says a short number lost its leading zeros and shows the quoted form", () => {
        const result = accountIdText(4444444444);
        assert.equal(result.ok, false);
        assert.match(!result.ok ? result.expected : "", /4444444444 has 10: written as a YAML number.*quote it in YAML: "004444444444"/);
    });

    it("refuses negative, fractional, too long and non-numeric values with the plain expectation", () => {
        for (const value of [-444444444444, 44444444444.5, 4444444444444, "444-444-444-444", true, null, undefined]) {
            const result = accountIdText(value);
            assert.equal(result.ok, false, String(value));
            assert.doesNotMatch(!result.ok ? result.expected : "", /leading zeros, so/, String(value));
        }
    });
});

describe("reserved VPC ranges", () => {
    const block = (cidr: string) => {
        const parsed = parseIpv4Cidr(cidr);
        assert.ok(parsed.ok, cidr);
        return parsed.block;
    };

    it("finds the reserved range a VPC overlaps, at either edge", () => {
        assert.equal(reservedRangeOf(block("169.254.0.0/16"))?.block.cidr, "169.254.0.0/16");
        assert.equal(reservedRangeOf(block("127.255.255.240/28"))?.block.cidr, "127.0.0.0/8");
        assert.equal(reservedRangeOf(block("0.0.0.0/16"))?.block.cidr, "0.0.0.0/8");
        assert.equal(reservedRangeOf(block("239.255.0.0/16"))?.block.cidr, "224.0.0.0/4");
        assert.equal(reservedRangeOf(block("255.255.0.0/16"))?.block.cidr, "240.0.0.0/4");
    });

    it("leaves the ranges next to them alone", () => {
        for (const cidr of ["1.0.0.0/16", "126.255.0.0/16", "128.0.0.0/16", "169.253.0.0/16", "169.255.0.0/16", "223.255.0.0/16", "172.17.0.0/16"]) {
            assert.equal(reservedRangeOf(block(cidr)), undefined, cidr);
        }
    });

    it("lists exactly the ranges AWS refuses or that break the instance's own services", () => {
        assert.deepEqual(
            RESERVED_IPV4_RANGES.map((r) => r.block.cidr),
            ["0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"],
        );
    });
});

describe("zone IDs", () => {
    it("tells Availability Zones, Local Zones and Wavelength Zones apart, with their region prefix", () => {
        assert.deepEqual(classifyZoneId("use1-az6"), { kind: "availability-zone", regionPrefix: "use1" });
        assert.deepEqual(classifyZoneId("usw2-lax1-az1"), { kind: "local-zone", regionPrefix: "usw2" });
        assert.deepEqual(classifyZoneId("use1-wl1-bos-wlz1"), { kind: "wavelength-zone", regionPrefix: "use1" });
        assert.equal(classifyZoneId("us-east-1a"), undefined);
        assert.equal(classifyZoneId("us-west-2-lax-1a"), undefined);
    });

    it("refuses a Wavelength Zone of another region, and accepts one of the region", () => {
        assert.match(azIdProblem("euc1-wl1-ber-wlz1", "us-east-1") ?? "", /start with "use1-"/);
        assert.equal(azIdProblem("use1-wl1-bos-wlz1", "us-east-1"), undefined);
    });
});

describe("instance families: one table", () => {
    it("classifies every family the pinned @pulumi/aws provider knows", () => {
        const families = new Set(Object.values(aws.ec2.InstanceType).map((type) => familyOf(type)));
        const missing = [...families].filter((family) => !(family in INSTANCE_FAMILIES));
        assert.deepEqual(missing, [], "add these families to INSTANCE_FAMILIES with their architecture");
    });

    it("walks every entry: the table's answer is architectureOf's, and Graviton naming agrees with it", () => {
        for (const [family, entry] of Object.entries(INSTANCE_FAMILIES)) {
            assert.deepEqual(architectureOf(`${family}.large`), entry, family);
            // AWS names Graviton families with a `g` among the letters after the generation
            // (m7g, c7gn, im4gn, x2gd, g5g, is4gen); families outside that naming are checked
            // by hand in the next test.
            const named = /^[a-z]+\d+([a-z]*)$/.exec(family);
            if (named && typeof entry === "string") assert.equal(entry, named[1].includes("g") ? "arm64" : "x86_64", family);
        }
    });

    it("gets the families the naming cannot tell right", () => {
        assert.equal(architectureOf("p6e-gb200.36xlarge"), "arm64");
        assert.equal(architectureOf("p6-b200.48xlarge"), "x86_64");
        assert.equal(architectureOf("u7i-12tb.224xlarge"), "x86_64");
        assert.equal(architectureOf("c7i-flex.large"), "x86_64");
        assert.equal(architectureOf("g5g.xlarge"), "arm64");
        assert.equal(architectureOf("g5.xlarge"), "x86_64");
        assert.equal(architectureOf("g6.xlarge"), "x86_64");
    });

    it("refuses Mac, first-generation Graviton and unknown families, naming the table to extend", () => {
        for (const type of Object.keys(INSTANCE_FAMILIES)
            .filter((family) => family.startsWith("mac"))
            .map((family) => `${family}.metal`)) {
            assert.match((architectureOf(type) as { unsupported: string }).unsupported, /Linux only/, type);
        }
        assert.match((architectureOf("a1.large") as { unsupported: string }).unsupported, /a1/);
        const unknown = architectureOf("zz9.large");
        assert.equal(typeof unknown, "object");
        assert.match((unknown as { unsupported: string }).unsupported, /INSTANCE_FAMILIES in src\/config\/instanceTypes\.ts/);
    });
});
