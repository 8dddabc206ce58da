import type * as aws from "@pulumi/aws";
import { type AccountTarget, pinnedAwsProvider } from "./provider";

/** One region a management or audit stack governs, with the pinned provider that deploys there. */
export interface GovernedRegion {
    region: string;
    /** The stack's own region (`aws:region`): it keeps the resource names the stack had before it governed more than one. */
    home: boolean;
    provider: aws.Provider;
}

/** One pinned provider per governed region, the home region's first. */
export function governedRegions(stack: string, target: AccountTarget & { regions: readonly string[] }): GovernedRegion[] {
    const home = target["aws:region"];
    const ordered = [home, ...target.regions.filter((region) => region !== home)];
    return ordered.map((region) => ({ region, home: region === home, provider: pinnedAwsProvider(stack, target, region) }));
}

/**
 * A resource's name in a region: the home region's is the name the stack has always used, so a
 * stack that governed one region keeps its URNs (the delegated administrator and the detector are
 * protected, and a new URN would plan their replacement); any other region's carries the region.
 */
export function regionalName(name: string, where: Pick<GovernedRegion, "region" | "home">): string {
    return where.home ? name : `${name}-${where.region}`;
}

/** The home region's entry; every list of governed regions has exactly one. */
export function homeOf<T extends Pick<GovernedRegion, "home">>(regions: readonly T[]): T {
    const homes = regions.filter((where) => where.home);
    if (homes.length !== 1) throw new Error(`expected exactly one home region among the governed regions, found ${homes.length}`);
    return homes[0];
}
