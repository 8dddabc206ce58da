import * as assert from "node:assert/strict";
import * as vocabulary from "guardduty-shared-vpc-contract/vocabulary";
import {
    endpointServiceName,
    guardDutyDataService,
    guardDutyDataServiceName,
    parseEndpointServiceName,
    partitionOf,
    RUNTIME_MONITORING_UNAVAILABLE,
    runtimeMonitoringUnavailableIn,
} from "guardduty-shared-vpc-contract/vocabulary";
import * as regions from "../../src/config/regions";
import { KNOWN_REGIONS } from "../../src/config/regions";

/**
 * The partition facts the program and the policy pack share through the contract's vocabulary:
 * which partition a region is in, whether Runtime Monitoring exists there, and the name of the
 * endpoint service its agent reports through.
 */
describe("partitions: one definition for the program and the pack", () => {
    it("the program's partitionOf is the vocabulary's, not a copy", () => {
        assert.equal(regions.partitionOf, vocabulary.partitionOf);
    });

    it("puts every region the provider knows in the partition its prefix names", () => {
        const byPartition = new Map<string, string[]>();
        for (const region of KNOWN_REGIONS) byPartition.set(partitionOf(region), [...(byPartition.get(partitionOf(region)) ?? []), region]);
        assert.deepEqual(byPartition.get("aws-cn")?.sort(), ["cn-north-1", "cn-northwest-1"]);
        assert.deepEqual(byPartition.get("aws-us-gov")?.sort(), ["us-gov-east-1", "us-gov-west-1"]);
        for (const region of byPartition.get("aws") ?? []) assert.match(region, /^(af|ap|ca|eu|il|me|mx|sa|us)-[a-z]+-\d$/, region);
        // ISO and sovereign partitions are never taken as commercial, or their ARNs would be wrong.
        assert.deepEqual(["us-iso-east-1", "us-isob-east-1", "us-isof-south-1", "eu-isoe-west-1", "eusc-de-east-1"].map(partitionOf), [
            "aws-iso",
            "aws-iso-b",
            "aws-iso-f",
            "aws-iso-e",
            "aws-eusc",
        ]);
    });

    it("takes a region it does not recognise as commercial, where AWS launches new regions", () => {
        assert.equal(partitionOf("ap-southeast-9"), "aws");
        assert.equal(guardDutyDataServiceName("ap-southeast-9"), "com.amazonaws.ap-southeast-9.guardduty-data");
        assert.equal(runtimeMonitoringUnavailableIn("ap-southeast-9"), undefined);
    });
});

describe("partitions: Runtime Monitoring's endpoint service", () => {
    for (const region of ["us-gov-west-1", "us-gov-east-1"]) {
        it(`is the FIPS service in GovCloud (${region}), the only one AWS offers there`, () => {
            assert.equal(guardDutyDataService(region), "guardduty-data-fips");
            assert.equal(guardDutyDataServiceName(region), `com.amazonaws.${region}.guardduty-data-fips`);
        });
    }

    it("is the plain service in every other region the provider knows, outside China", () => {
        for (const region of KNOWN_REGIONS.filter((r) => !["aws-us-gov", "aws-cn"].includes(partitionOf(r)))) {
            assert.equal(guardDutyDataServiceName(region), `com.amazonaws.${region}.guardduty-data`, region);
        }
    });

    it("builds other services' names in the same form, whatever the partition", () => {
        assert.equal(endpointServiceName("us-gov-west-1", "ssm"), "com.amazonaws.us-gov-west-1.ssm");
        assert.equal(endpointServiceName("eu-west-1", "s3"), "com.amazonaws.eu-west-1.s3");
    });

    it("reads back the region and service of every name it builds, and nothing of another shape", () => {
        for (const region of KNOWN_REGIONS) {
            for (const service of ["s3", "ecr.dkr", guardDutyDataService(region)]) {
                assert.deepEqual(parseEndpointServiceName(endpointServiceName(region, service)), { region, service });
            }
        }
        for (const name of [
            "guardduty-data",
            "com.amazonaws.guardduty-data",
            "com.amazonaws..s3",
            "com.amazonaws.us-east-1.",
            "cn.com.amazonaws.cn-north-1.s3",
            "com.amazonaws.US_EAST_1.s3",
        ]) {
            assert.equal(parseEndpointServiceName(name), undefined, name);
        }
    });
});

describe("partitions: where Runtime Monitoring is unavailable", () => {
    it("is China alone among the regions the provider knows, in AWS's words", () => {
        const unavailable = KNOWN_REGIONS.filter((region) => runtimeMonitoringUnavailableIn(region) !== undefined).sort();
        assert.deepEqual(unavailable, ["cn-north-1", "cn-northwest-1"]);
        assert.match(runtimeMonitoringUnavailableIn("cn-northwest-1") ?? "", /not supported in the China Regions/);
        assert.deepEqual(Object.keys(RUNTIME_MONITORING_UNAVAILABLE), ["aws-cn"]);
    });

    it("keeps GovCloud, where Runtime Monitoring exists with its FIPS endpoint", () => {
        assert.equal(runtimeMonitoringUnavailableIn("us-gov-west-1"), undefined);
        assert.equal(runtimeMonitoringUnavailableIn("us-gov-east-1"), undefined);
    });

    it("cannot be changed by a program that imports it", () => {
        assert.ok(Object.isFrozen(RUNTIME_MONITORING_UNAVAILABLE));
    });
});
