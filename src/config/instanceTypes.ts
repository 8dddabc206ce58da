import { nearestKnown } from "./nearMiss";

export type Architecture = "x86_64" | "arm64";

/** Why a family is refused: not something GuardDuty's runtime agent runs on. */
export interface Unsupported {
    unsupported: string;
}

const MAC: Unsupported = { unsupported: "a Linux instance type: Mac instances run macOS, and GuardDuty's runtime agent runs on Linux only" };
const GRAVITON1: Unsupported = { unsupported: "a Graviton2-or-later or x86_64 type (GuardDuty's runtime agent does not support the first-generation Graviton a1 instances)" };

/**
 * Every EC2 instance family this program launches, with its CPU architecture, which picks the
 * Amazon Linux 2023 AMI. Graviton families carry a `g` in their attributes (m7g, c7gn, im4gn,
 * x2gd, g5g, r8g), but the letter alone is not a rule to trust (g5 and g6 are x86_64 GPU
 * families; p6e-gb200 is arm64 without it in that position), so the families are listed rather
 * than guessed. A family missing here is refused with a pointer to this table; the tests check
 * it covers every family the pinned @pulumi/aws provider knows.
 */
export const INSTANCE_FAMILIES: Readonly<Record<string, Architecture | Unsupported>> = {
    // General purpose
    a1: GRAVITON1,
    m1: "x86_64", m2: "x86_64", m3: "x86_64", m4: "x86_64",
    m5: "x86_64", m5a: "x86_64", m5ad: "x86_64", m5d: "x86_64", m5dn: "x86_64", m5n: "x86_64", m5zn: "x86_64",
    m6a: "x86_64", m6i: "x86_64", m6id: "x86_64", m6idn: "x86_64", m6in: "x86_64",
    m6g: "arm64", m6gd: "arm64",
    m7a: "x86_64", m7i: "x86_64", "m7i-flex": "x86_64",
    m7g: "arm64", m7gd: "arm64",
    m8a: "x86_64", m8azn: "x86_64", m8i: "x86_64", "m8i-flex": "x86_64", m8ib: "x86_64", m8id: "x86_64", m8idb: "x86_64", m8idn: "x86_64", m8in: "x86_64", m8ine: "x86_64",
    m8g: "arm64", m8gb: "arm64", m8gd: "arm64", m8gn: "arm64",
    m9g: "arm64", m9gd: "arm64",
    t1: "x86_64", t2: "x86_64", t3: "x86_64", t3a: "x86_64",
    t4g: "arm64",
    // Compute optimized
    c1: "x86_64", c3: "x86_64", c4: "x86_64", cc1: "x86_64", cc2: "x86_64",
    c5: "x86_64", c5a: "x86_64", c5ad: "x86_64", c5d: "x86_64", c5n: "x86_64",
    c6a: "x86_64", c6i: "x86_64", c6id: "x86_64", c6in: "x86_64",
    c6g: "arm64", c6gd: "arm64", c6gn: "arm64",
    c7a: "x86_64", c7i: "x86_64", "c7i-flex": "x86_64",
    c7g: "arm64", c7gd: "arm64", c7gn: "arm64",
    c8a: "x86_64", c8i: "x86_64", "c8i-flex": "x86_64", c8ib: "x86_64", c8id: "x86_64", c8in: "x86_64", c8ine: "x86_64",
    c8g: "arm64", c8gb: "arm64", c8gd: "arm64", c8gn: "arm64",
    c9g: "arm64", c9gd: "arm64",
    // Memory optimized
    cr1: "x86_64",
    r3: "x86_64", r4: "x86_64",
    r5: "x86_64", r5a: "x86_64", r5ad: "x86_64", r5b: "x86_64", r5d: "x86_64", r5dn: "x86_64", r5n: "x86_64",
    r6a: "x86_64", r6i: "x86_64", r6id: "x86_64", r6idn: "x86_64", r6in: "x86_64",
    r6g: "arm64", r6gd: "arm64",
    r7a: "x86_64", r7i: "x86_64", r7iz: "x86_64",
    r7g: "arm64", r7gd: "arm64",
    r8a: "x86_64", r8i: "x86_64", "r8i-flex": "x86_64", r8ib: "x86_64", r8id: "x86_64", r8idb: "x86_64", r8idn: "x86_64", r8in: "x86_64",
    r8g: "arm64", r8gb: "arm64", r8gd: "arm64", r8gn: "arm64",
    x1: "x86_64", x1e: "x86_64", x2idn: "x86_64", x2iedn: "x86_64", x2iezn: "x86_64", x8aedz: "x86_64", x8i: "x86_64",
    x2gd: "arm64", x8g: "arm64",
    z1d: "x86_64",
    "u-3tb1": "x86_64", "u-6tb1": "x86_64", "u-9tb1": "x86_64", "u-12tb1": "x86_64", "u-18tb1": "x86_64", "u-24tb1": "x86_64",
    "u7i-6tb": "x86_64", "u7i-8tb": "x86_64", "u7i-12tb": "x86_64", "u7ib-12tb": "x86_64",
    "u7in-16tb": "x86_64", "u7in-24tb": "x86_64", "u7in-32tb": "x86_64", "u7inh-32tb": "x86_64",
    // Storage optimized
    d2: "x86_64", d3: "x86_64", d3en: "x86_64", h1: "x86_64", hi1: "x86_64", hs1: "x86_64",
    i2: "x86_64", i3: "x86_64", i3en: "x86_64", i4i: "x86_64", i7i: "x86_64", i7ie: "x86_64",
    i4g: "arm64", i8g: "arm64", i8ge: "arm64", im4gn: "arm64", is4gen: "arm64",
    // Accelerated computing
    cg1: "x86_64", dl1: "x86_64", dl2q: "x86_64", f1: "x86_64", f2: "x86_64",
    g2: "x86_64", g3: "x86_64", g3s: "x86_64", g4ad: "x86_64", g4dn: "x86_64", g5: "x86_64", g6: "x86_64", g6e: "x86_64", g6f: "x86_64", g7: "x86_64", g7e: "x86_64", gr6: "x86_64", gr6f: "x86_64",
    g5g: "arm64",
    inf1: "x86_64", inf2: "x86_64", trn1: "x86_64", trn1n: "x86_64", trn2: "x86_64", vt1: "x86_64",
    p2: "x86_64", p3: "x86_64", p3dn: "x86_64", p4d: "x86_64", p4de: "x86_64", p5: "x86_64", p5e: "x86_64", p5en: "x86_64", "p6-b200": "x86_64", "p6-b300": "x86_64",
    // NVIDIA Grace (Arm Neoverse) CPUs.
    "p6e-gb200": "arm64",
    // High performance computing
    hpc6a: "x86_64", hpc6id: "x86_64", hpc7a: "x86_64", hpc8a: "x86_64",
    hpc7g: "arm64",
    // Mac (macOS on dedicated hosts)
    mac1: MAC, mac2: MAC, "mac2-m1ultra": MAC, "mac2-m2": MAC, "mac2-m2pro": MAC, "mac-m3ultra": MAC, "mac-m4": MAC, "mac-m4max": MAC, "mac-m4pro": MAC,
};

/** `m7g.large` → `m7g`; `u7i-12tb.224xlarge` → `u7i-12tb`. */
export function familyOf(instanceType: string): string {
    return instanceType.split(".")[0];
}

/**
 * The CPU architecture of an instance type, to pick a matching AMI, or why it is refused: a
 * family the agent does not run on, or one missing from INSTANCE_FAMILIES (never guessed).
 */
export function architectureOf(instanceType: string): Architecture | Unsupported {
    const family = familyOf(instanceType);
    const known = Object.prototype.hasOwnProperty.call(INSTANCE_FAMILIES, family) ? INSTANCE_FAMILIES[family] : undefined;
    if (known !== undefined) return known;
    const suggestion = nearestKnown(family, Object.keys(INSTANCE_FAMILIES));
    return {
        unsupported: `an instance type of a known EC2 family such as t3.small or m7g.large; "${family}" is not one${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}. If AWS has launched it since, add it with its architecture to INSTANCE_FAMILIES in src/config/instanceTypes.ts`,
    };
}
