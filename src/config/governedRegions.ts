import { z } from "zod";
import { ConfigProblem } from "./errors";
import { configKey } from "./load";
import { json } from "./primitives";
import { isOptInRegion, KNOWN_REGIONS, partitionOf } from "./regions";
import { runtimeMonitoringRegionProblem } from "./runtimeMonitoring";

export const REGIONS_EXPECTED =
    'a list of AWS regions that includes the stack\'s own aws:region, e.g. ["us-east-1", "eu-west-1"] (a YAML list, or `pulumi config set --path \'guardduty-shared-vpc:regions[1]\' eu-west-1`)';
const REGION_IN_LIST_EXPECTED = `an AWS region the provider knows, one of: ${KNOWN_REGIONS.join(", ")}`;

/**
 * `guardduty-shared-vpc:regions` of the management and audit stacks: the regions GuardDuty is
 * governed in, each through its own pinned provider. Each is a region the provider knows; the
 * rules between entries and with `aws:region` are governedRegionsProblems', so they are all
 * reported together. Absent, the stack governs its own region only.
 */
export const governedRegionsSchema = json(
    z
        .array(
            z.string({ error: REGION_IN_LIST_EXPECTED }).refine((value) => KNOWN_REGIONS.includes(value), { error: REGION_IN_LIST_EXPECTED }),
            { error: REGIONS_EXPECTED },
        )
        .min(1, { error: REGIONS_EXPECTED }),
).optional();

export interface GovernedRegionsInput {
    "aws:region": string;
    regions?: readonly string[];
}

/** The regions a stack governs: its `regions`, or its own region alone. */
export function governedRegionsOf(config: GovernedRegionsInput): string[] {
    return config.regions === undefined ? [config["aws:region"]] : [...config.regions];
}

/**
 * The rules within `regions` (each region once) and between it and `aws:region`, the stack's
 * home region. The home region must
 * be listed: it holds what the stack had before it governed more than one region (the delegated
 * administrator and detector under their original names, the findings bucket and key, the alerts
 * topic), so a list without it would not move the stack elsewhere but ask to remove those; the
 * error says so rather than adding it silently. Every region must be in the home region's
 * partition: the stack runs with one account's credentials and builds its ARNs (detectors, the
 * findings bucket's policy) in one partition, and neither spans two. An audit stack turns
 * Runtime Monitoring on in every region it governs, so a region without it (China) is refused
 * with that reason rather than its partition's: moving it to a stack of its own would not help.
 */
export function governedRegionsProblems(role: "management" | "audit", config: GovernedRegionsInput): ConfigProblem[] {
    if (config.regions === undefined) return [];
    const home = config["aws:region"];
    const problems: ConfigProblem[] = [];
    if (!config.regions.includes(home)) {
        problems.push({
            key: configKey("regions"),
            value: config.regions,
            expected: `a list that includes ${home}, the stack's home region (aws:region), e.g. ${JSON.stringify([home, ...config.regions])}: the home region keeps the stack's existing resources (delegated administrator or detector, findings bucket and key, alerts), so leaving it out would remove them instead of moving the stack`,
        });
    }
    const partition = partitionOf(home);
    config.regions.forEach((region, index) => {
        const first = config.regions!.indexOf(region);
        if (first !== index) {
            problems.push({
                key: configKey("regions", index),
                value: region,
                expected: `each region once: ${region} is already regions[${first}] (a second entry would register its resources twice)`,
            });
            return;
        }
        // The home region's own problem is reported once, on aws:region.
        const unavailable = region === home ? undefined : runtimeMonitoringRegionProblem(role, region, `Remove ${region} from regions`);
        if (unavailable) {
            problems.push({ key: configKey("regions", index), value: region, expected: unavailable });
        } else if (partitionOf(region) !== partition) {
            problems.push({
                key: configKey("regions", index),
                value: region,
                expected: `a region in partition ${partition}, the partition of the home region ${home} (aws:region): one stack's credentials and ARNs cannot span partitions, so govern ${region} (partition ${partitionOf(region)}) from a stack whose aws:region is in that partition`,
            });
        }
    });
    return problems;
}

/**
 * GuardDuty does not export findings generated in a region enabled by default to a bucket in an
 * opt-in region (GuardDuty user guide, "Exporting generated GuardDuty findings to Amazon S3
 * buckets", cross-Region considerations). The findings bucket is in the home region, so with an
 * opt-in home region every other region enabled by default would fail its PublishingDestination.
 */
export function findingsExportRegionProblems(config: GovernedRegionsInput & { findingsExport: boolean }): ConfigProblem[] {
    const home = config["aws:region"];
    if (!config.findingsExport || !isOptInRegion(home)) return [];
    const refused = governedRegionsOf(config).filter((region) => region !== home && !isOptInRegion(region));
    if (refused.length === 0) return [];
    return [
        {
            key: configKey("regions"),
            value: config.regions,
            expected: `no region enabled by default (${refused.join(", ")}) while findingsExport is true and the home region ${home} is an opt-in region: findings go to one bucket in the home region, and GuardDuty does not export findings of a region enabled by default to a bucket in an opt-in region. Make a region enabled by default the home region (aws:region), or set findingsExport to false`,
        },
    ];
}
