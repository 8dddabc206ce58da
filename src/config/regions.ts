import { Region } from "@pulumi/aws";

// One definition of partitions, shared with the policy pack through the contract's vocabulary.
export { partitionOf } from "guardduty-shared-vpc-contract/vocabulary";

/** Every region the pinned @pulumi/aws provider knows, so the list moves with the provider version. */
export const KNOWN_REGIONS: readonly string[] = Object.freeze(Object.values(Region));

/**
 * Commercial regions an account must opt in to (every region launched after 20 March 2019).
 * Services name themselves per region there: GuardDuty's findings export, for one, needs
 * `guardduty.<region>.amazonaws.com` in the bucket and key policies of an opt-in region. China,
 * GovCloud and the commercial regions enabled by default have no opt-in.
 */
export const OPT_IN_REGIONS: ReadonlySet<string> = new Set([
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
]);

export function isOptInRegion(region: string): boolean {
    return OPT_IN_REGIONS.has(region);
}

/**
 * The prefix AWS gives the availability-zone IDs of a region (`use1-az1` lives in us-east-1).
 * AZ names (`us-east-1a`) map to different physical zones in each account, so subnets shared
 * across accounts are pinned by AZ ID; a wrong prefix means a subnet in a zone of another region.
 */
const AZ_ID_PREFIX_BY_REGION: Readonly<Record<string, string>> = {
    "af-south-1": "afs1",
    "ap-east-1": "ape1",
    "ap-east-2": "ape2",
    "ap-northeast-1": "apne1",
    "ap-northeast-2": "apne2",
    "ap-northeast-3": "apne3",
    "ap-south-1": "aps1",
    "ap-south-2": "aps2",
    "ap-southeast-1": "apse1",
    "ap-southeast-2": "apse2",
    "ap-southeast-3": "apse3",
    "ap-southeast-4": "apse4",
    "ap-southeast-5": "apse5",
    "ap-southeast-6": "apse6",
    "ap-southeast-7": "apse7",
    "ca-central-1": "cac1",
    "ca-west-1": "caw1",
    "cn-north-1": "cnn1",
    "cn-northwest-1": "cnnw1",
    "eu-central-1": "euc1",
    "eu-central-2": "euc2",
    "eu-north-1": "eun1",
    "eu-south-1": "eus1",
    "eu-south-2": "eus2",
    "eu-west-1": "euw1",
    "eu-west-2": "euw2",
    "eu-west-3": "euw3",
    "il-central-1": "ilc1",
    "me-central-1": "mec1",
    "me-south-1": "mes1",
    "mx-central-1": "mxc1",
    "sa-east-1": "sae1",
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-gov-east-1": "usge1",
    "us-gov-west-1": "usgw1",
    "us-west-1": "usw1",
    "us-west-2": "usw2",
};

/** `use1-az1`; Local Zone IDs such as `usw2-lax1-az1`; Wavelength Zone IDs such as `usw2-wl1-las-wlz1`. */
const AZ_ID_PATTERN = /^([a-z]+[0-9]+)-az[0-9]+$/;
const LOCAL_ZONE_ID_PATTERN = /^([a-z]+[0-9]+)-[a-z]+[0-9]+-az[0-9]+$/;
const WAVELENGTH_ZONE_ID_PATTERN = /^([a-z]+[0-9]+)-wl[0-9]+-[a-z]+-wlz[0-9]+$/;

export type ZoneKind = "availability-zone" | "local-zone" | "wavelength-zone";

/** What kind of zone an ID names, and the region prefix it carries; undefined for anything else (an AZ name, a typo). */
export function classifyZoneId(zoneId: string): { kind: ZoneKind; regionPrefix: string } | undefined {
    for (const [kind, pattern] of [
        ["availability-zone", AZ_ID_PATTERN],
        ["local-zone", LOCAL_ZONE_ID_PATTERN],
        ["wavelength-zone", WAVELENGTH_ZONE_ID_PATTERN],
    ] as const) {
        const match = pattern.exec(zoneId);
        if (match) return { kind, regionPrefix: match[1] };
    }
    return undefined;
}

export function azIdPrefixOf(region: string): string | undefined {
    return AZ_ID_PREFIX_BY_REGION[region];
}

/** Undefined when `azId` can live in `region`; otherwise what the user should write instead. */
export function azIdProblem(azId: string, region: string): string | undefined {
    const zone = classifyZoneId(azId);
    if (!zone) return "an availability-zone ID such as use1-az1 (an AZ ID, not an AZ name like us-east-1a)";
    const prefix = azIdPrefixOf(region);
    if (prefix !== undefined && zone.regionPrefix !== prefix) {
        return `an availability-zone ID of ${region}, which start with "${prefix}-" (e.g. ${prefix}-az1)`;
    }
    return undefined;
}
