import * as assert from "node:assert/strict";
import { parseManagementConfig } from "../../src/config/management";
import { parseOwnerConfig } from "../../src/config/owner";
import { parseParticipantConfig } from "../../src/config/participant";
import { BadInput, expectConfigError, itRefusesEach, ofType, runStack, fixtureConfig, withConfig } from "../helpers/offline";

/**
 * Issue 10, "Configuration": classes of mistake that used to be planned without a word. Each
 * refusal names the key, the value and what to write; each class also has configurations that
 * must keep working.
 */

const OU = "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cdefghij";
const owner = () => fixtureConfig("owner");
const fixtureSubnets = (): Array<Record<string, unknown>> => JSON.parse(owner()["guardduty-shared-vpc:subnets"]);
const subnetsWith = (extra: Record<string, unknown>[]) => [...fixtureSubnets(), ...extra];
/** The owner's subnets with one key of the first changed (or, with `undefined`, removed). */
const firstSubnetWith = (changes: Record<string, unknown>) => {
    const [first, ...rest] = fixtureSubnets();
    return [Object.fromEntries(Object.entries({ ...first, ...changes }).filter(([, v]) => v !== undefined)), ...rest];
};
const onlyUnsharedSubnets = [{ name: "private", cidr: "10.20.0.0/20", azId: "use1-az1", share: false }];

const UNKNOWN_KEYS: BadInput[] = [
    {
        name: "shared instead of share in a subnet (the subnet would be shared)",
        stack: "owner",
        changes: { subnets: firstSubnetWith({ shared: false }) },
        key: "subnets[0].shared",
        says: "did you mean share?",
    },
    {
        name: "Cidr with a capital in a subnet",
        stack: "owner",
        changes: { subnets: firstSubnetWith({ cidr: undefined, Cidr: "10.20.0.0/20" }) },
        key: "subnets[0].Cidr",
        says: "did you mean cidr?",
    },
    {
        name: "az_id in a subnet",
        stack: "owner",
        changes: { subnets: firstSubnetWith({ azId: undefined, az_id: "use1-az1" }) },
        key: "subnets[0].az_id",
        says: "did you mean azId?",
    },
    {
        name: "a key that resembles nothing in a subnet",
        stack: "owner",
        changes: { subnets: firstSubnetWith({ routeTable: "rtb-1" }) },
        key: "subnets[0].routeTable",
        says: "its keys are name, id, cidr, azId, share",
    },
    {
        name: "instance_type in an instance",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instance_type: "m7g.large" }] },
        key: "instances[0].instance_type",
        says: "did you mean instanceType?",
    },
    {
        name: "Ami in an instance",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", Ami: "ami-0123456789abcdef0" }] },
        key: "instances[0].Ami",
        says: "did you mean ami?",
    },
    {
        name: "subnetName in an instance",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", subnetName: "workloads-b" }] },
        key: "instances[0].subnetName",
        says: "its keys are name, subnet, instanceType, ami",
    },
    {
        name: "eks spelt EKS in runtimeMonitoring",
        stack: "audit",
        changes: { runtimeMonitoring: { EKS: false } },
        key: "runtimeMonitoring.EKS",
        says: "did you mean eks?",
    },
    {
        name: "a top-level key one letter off",
        stack: "owner",
        changes: { shareWidth: ["444444444444"] },
        key: "shareWidth",
        says: "did you mean guardduty-shared-vpc:shareWith?",
    },
    {
        name: "a top-level key in snake case",
        stack: "participant",
        changes: { owner_stack: "organization/guardduty-shared-vpc/owner" },
        key: "owner_stack",
        says: "did you mean guardduty-shared-vpc:ownerStack?",
    },
    {
        name: "a namespace with two letters swapped",
        stack: "owner",
        changes: { "guardduty-shared-pvc:ssmEndpoints": "false" },
        key: "guardduty-shared-pvc:ssmEndpoints",
        says: "write guardduty-shared-vpc:ssmEndpoints",
    },
    {
        name: "a namespace with a letter missing",
        stack: "participant",
        changes: { "guarduty-shared-vpc:acceptShareInvitation": "true" },
        key: "guarduty-shared-vpc:acceptShareInvitation",
        says: "misspelling",
    },
    {
        name: "a namespace in snake case",
        stack: "management",
        changes: { "guardduty_shared_vpc:enableRamSharingWithOrganization": "false" },
        key: "guardduty_shared_vpc:enableRamSharingWithOrganization",
        says: "write guardduty-shared-vpc:enableRamSharingWithOrganization",
    },
    {
        name: "a misspelt key in a misspelt namespace",
        stack: "audit",
        changes: { "Guardduty-Shared-VPC:findingexport": "false" },
        key: "Guardduty-Shared-VPC:findingexport",
        says: "write guardduty-shared-vpc:findingsExport",
    },
];

const CLI_NUMBERS: BadInput[] = [
    {
        name: "an account principal stored as a number that lost its leading zero",
        stack: "owner",
        changes: { shareWith: [44444444444] },
        key: "shareWith[0]",
        says: 'quote it in YAML: "044444444444"',
    },
    {
        name: "an account principal with 13 digits stored as a number",
        stack: "owner",
        changes: { shareWith: [4444444444444] },
        key: "shareWith[0]",
        says: "12-digit",
    },
    { name: "a principal that is a fraction", stack: "owner", changes: { shareWith: [4.5] }, key: "shareWith[0]", says: "12-digit" },
    { name: "accountId of 10 digits (two zeros lost)", stack: "participant", changes: { accountId: "4444444444" }, key: "accountId", says: '"004444444444"' },
    {
        name: "auditAccountId that lost its leading zero",
        stack: "management",
        changes: { auditAccountId: "22222222222" },
        key: "auditAccountId",
        says: "loses its leading zeros",
    },
];

const ACCOUNTS: BadInput[] = [
    {
        name: "assumeRoleArn in another account than accountId",
        stack: "owner",
        changes: { assumeRoleArn: "arn:aws:iam::444444444444:role/deploy" },
        key: "assumeRoleArn",
        says: "a role in account 333333333333",
    },
    {
        name: "assumeRoleArn of another partition than the region's",
        stack: "management",
        changes: { assumeRoleArn: "arn:aws-us-gov:iam::111111111111:role/deploy" },
        key: "assumeRoleArn",
        says: "partition aws, the partition of us-east-1",
    },
    {
        name: "a GovCloud stack with a commercial-partition role",
        stack: "audit",
        changes: { "aws:region": "us-gov-west-1", assumeRoleArn: "arn:aws:iam::222222222222:role/deploy" },
        key: "assumeRoleArn",
        says: "arn:aws-us-gov:iam::",
    },
    {
        name: "a participant deployed into the owner's account",
        stack: "participant",
        changes: { accountId: "333333333333" },
        key: "accountId",
        says: "not owner's own account",
    },
    {
        name: "a participant the owner does not share with",
        stack: "participant",
        changes: { accountId: "666666666666" },
        key: "accountId",
        says: "444444444444, 555555555555): add 666666666666 to the owner's shareWith",
    },
];

const NETWORKS: BadInput[] = [
    {
        name: "a link-local VPC (breaks the instance metadata service)",
        stack: "owner",
        changes: { vpcCidr: "169.254.0.0/16", subnets: [{ name: "a", cidr: "169.254.0.0/20", azId: "use1-az1" }] },
        key: "vpcCidr",
        says: "instance metadata service",
    },
    {
        name: "a VPC inside link-local",
        stack: "owner",
        changes: { vpcCidr: "169.254.10.0/24", subnets: [{ name: "a", cidr: "169.254.10.0/24", azId: "use1-az1" }] },
        key: "vpcCidr",
        says: "outside 169.254.0.0/16",
    },
    { name: "a loopback VPC", stack: "owner", changes: { vpcCidr: "127.0.0.0/16" }, key: "vpcCidr", says: "loopback" },
    { name: "a multicast VPC", stack: "owner", changes: { vpcCidr: "224.10.0.0/16" }, key: "vpcCidr", says: "multicast" },
    { name: "a VPC in 0.0.0.0/8", stack: "owner", changes: { vpcCidr: "0.20.0.0/16" }, key: "vpcCidr", says: "this network" },
    { name: "a VPC in the reserved 240/4", stack: "owner", changes: { vpcCidr: "250.0.0.0/16" }, key: "vpcCidr", says: "reserved for future use" },
    { name: "the broadcast address's /28", stack: "owner", changes: { vpcCidr: "255.255.255.240/28" }, key: "vpcCidr", says: "255.255.255.255" },
    {
        name: "principals to share with but no shared subnet",
        stack: "owner",
        changes: { subnets: onlyUnsharedSubnets, ssmEndpoints: "false" },
        key: "subnets",
        says: "shareWith names principals (444444444444, 555555555555)",
    },
    {
        name: "SSM interface endpoints with no shared subnet to put them in",
        stack: "owner",
        changes: { subnets: onlyUnsharedSubnets, shareWith: [] },
        key: "subnets",
        says: "interface endpoints (ssm, ssmmessages, ec2messages)",
    },
    {
        name: "one OU twice, in two cases",
        stack: "owner",
        changes: { shareWith: [OU, OU.toUpperCase().replace("ARN:AWS:ORGANIZATIONS", "arn:aws:organizations")] },
        key: "shareWith[1]",
        says: "shareWith[0] already names ou-ab12-cdefghij",
    },
    {
        name: "one OU twice, under two management accounts",
        stack: "owner",
        changes: { shareWith: [OU, OU.replace("111111111111", "999999999999")] },
        key: "shareWith[1]",
        says: "each principal once",
    },
    {
        name: "one account twice, as a number and as text",
        stack: "owner",
        changes: { shareWith: [444444444444, "444444444444"] },
        key: "shareWith[1]",
        says: "already names 444444444444",
    },
    {
        name: "an OU ARN of another partition than the region's",
        stack: "owner",
        changes: { shareWith: [OU.replace("arn:aws:", "arn:aws-cn:")] },
        key: "shareWith[0]",
        says: "partition aws, the partition of us-east-1",
    },
    {
        name: "a shared subnet in a Local Zone",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "edge", cidr: "10.20.64.0/24", azId: "use1-bos1-az1" }]) },
        key: "subnets[4].azId",
        says: "not a Local Zone",
    },
    {
        name: "a shared subnet in a Wavelength Zone",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "5g", cidr: "10.20.64.0/24", azId: "use1-wl1-bos-wlz1" }]) },
        key: "subnets[4].azId",
        says: "not a Wavelength Zone",
    },
    {
        name: "a Local Zone of another region",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "edge", cidr: "10.20.64.0/24", azId: "usw2-lax1-az1", share: false }]) },
        key: "subnets[4].azId",
        says: 'start with "use1-"',
    },
    {
        name: "a Wavelength Zone of another region",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "5g", cidr: "10.20.64.0/24", azId: "euc1-wl1-ber-wlz1", share: false }]) },
        key: "subnets[4].azId",
        says: 'start with "use1-"',
    },
];

const INSTANCE_TYPES: BadInput[] = [
    {
        name: "an instance family that does not exist",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "t9.small" }] },
        key: "instances[0].instanceType",
        says: '"t9" is not one',
    },
    {
        name: "a misspelt Graviton family",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "m7gg.large" }] },
        key: "instances[0].instanceType",
        says: "did you mean",
    },
    {
        name: "an Intel Mac",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "mac1.metal" }] },
        key: "instances[0].instanceType",
        says: "Linux only",
    },
    {
        name: "an Apple silicon Mac",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "mac2-m2pro.metal" }] },
        key: "instances[0].instanceType",
        says: "Mac instances",
    },
];

describe("issue 10 configuration classes: each mistake refused before any resource is registered", () => {
    let ownerOutputs: Record<string, unknown>;
    before(async () => {
        ownerOutputs = (await runStack("owner", fixtureConfig("owner"))).outputs;
    });
    const referenced = () => ({ owner: ownerOutputs });

    describe("unknown keys, at every depth and in a near-miss namespace", () => itRefusesEach(UNKNOWN_KEYS, 12, referenced));
    describe("numbers Pulumi's CLI stores for account IDs", () => itRefusesEach(CLI_NUMBERS, 5, referenced));
    describe("accounts that must agree", () => itRefusesEach(ACCOUNTS, 5, referenced));
    describe("networks AWS will not take", () => itRefusesEach(NETWORKS, 15, referenced));
    describe("instance types", () => itRefusesEach(INSTANCE_TYPES, 4, referenced));

    it("reports an unknown nested key together with the other mistakes of the same entry", async () => {
        const error = await expectConfigError(
            () => runStack("owner", withConfig(owner(), { subnets: firstSubnetWith({ shared: false, cidr: "10.20.0.7/20" }) })),
            "subnets[0].shared",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["guardduty-shared-vpc:subnets[0].cidr", "guardduty-shared-vpc:subnets[0].shared"]);
        assert.equal(error.problems.find((p) => p.key.endsWith(".shared"))?.value, false);
    });
});

describe("issue 10 configuration classes: what must keep working", () => {
    let ownerOutputs: Record<string, unknown>;
    before(async () => {
        ownerOutputs = (await runStack("owner", fixtureConfig("owner"))).outputs;
    });

    it("takes 12-digit account IDs stored as YAML numbers, in shareWith and at the top level", () => {
        const config = parseOwnerConfig("owner", withConfig(owner(), { accountId: 333333333333, shareWith: [444444444444, "555555555555"] }));
        assert.equal(config.accountId, "333333333333");
        assert.deepEqual(
            config.shareWith.map((p) => p.value),
            ["444444444444", "555555555555"],
        );
        assert.equal(
            parseManagementConfig("management", withConfig(fixtureConfig("management"), { auditAccountId: 222222222222 })).auditAccountId,
            "222222222222",
        );
    });

    it("takes a subnet or instance name the CLI stored as a number", () => {
        const subnets = [{ name: 7, cidr: "10.20.0.0/20", azId: "use1-az1" }];
        assert.equal(parseOwnerConfig("owner", withConfig(owner(), { subnets })).subnets[0].name, "7");
        const instance = parseParticipantConfig("participant", withConfig(fixtureConfig("participant"), { instances: [{ name: 1, subnet: 7 }] })).instances[0];
        assert.deepEqual([instance.name, instance.subnet], ["1", "7"]);
    });

    it("shares with a principal once however its OU ARN is capitalised, in lowercase", async () => {
        const run = await runStack("owner", withConfig(owner(), { shareWith: ["arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/OU-AB12-CDEFGHIJ"] }));
        const principals = ofType(run, "aws:ram/principalAssociation:PrincipalAssociation");
        assert.deepEqual(
            principals.map((p) => [p.name, p.inputs.principal]),
            [["network-principal-ou-ab12-cdefghij", OU]],
        );
    });

    it("takes RFC 1918, shared-address and publicly routable VPC ranges, and 172.17.0.0/16 (AWS only advises against it)", () => {
        for (const vpcCidr of ["10.0.0.0/16", "172.17.0.0/16", "192.168.0.0/20", "100.64.0.0/16", "198.51.100.0/24", "223.255.0.0/16"]) {
            const block = vpcCidr.split("/")[0];
            const subnets = [{ name: "a", cidr: `${block}/${vpcCidr.endsWith("/16") ? 20 : 24}`, azId: "use1-az1" }];
            assert.equal(parseOwnerConfig("owner", withConfig(owner(), { vpcCidr, subnets })).vpcCidr, vpcCidr);
        }
    });

    it("keeps unshared Local Zone and Wavelength subnets for the owner's own use", () => {
        const subnets = subnetsWith([
            { name: "edge", cidr: "10.20.64.0/24", azId: "use1-bos1-az1", share: false },
            { name: "5g", cidr: "10.20.65.0/24", azId: "use1-wl1-bos-wlz1", share: false },
        ]);
        assert.equal(parseOwnerConfig("owner", withConfig(owner(), { subnets })).subnets.length, 6);
    });

    it("accepts an owner with only private subnets, no principals and no endpoints", () => {
        const config = parseOwnerConfig("owner", withConfig(owner(), { subnets: onlyUnsharedSubnets, shareWith: [], ssmEndpoints: "false" }));
        assert.deepEqual(config.shareWith, []);
    });

    it("accepts assumeRoleArn in the stack's own account and partition, GovCloud included", () => {
        assert.ok(parseManagementConfig("management", withConfig(fixtureConfig("management"), { assumeRoleArn: "arn:aws:iam::111111111111:role/deploy" })));
        assert.ok(
            parseManagementConfig(
                "management",
                withConfig(fixtureConfig("management"), { "aws:region": "us-gov-west-1", assumeRoleArn: "arn:aws-us-gov:iam::111111111111:role/deploy" }),
            ),
        );
    });

    it("leaves other namespaces alone (aws:profile, pulumi:tags, a team's own)", () => {
        assert.ok(parseOwnerConfig("owner", withConfig(owner(), { "aws:profile": "owner", "pulumi:tags": "{}", "platform-team:costCenter": "42" })));
    });

    it("the owner publishes the principals it shares with, and a listed participant is planned", async () => {
        assert.deepEqual(ownerOutputs.shareWith, ["444444444444", "555555555555"]);
        const run = await runStack("participant-b", fixtureConfig("participant-b"), { owner: ownerOutputs });
        assert.equal(ofType(run, "aws:ec2/instance:Instance").length, JSON.parse(fixtureConfig("participant-b")["guardduty-shared-vpc:instances"]).length);
    });

    it("a participant of an owner that shares with an OU, or of an owner deployed before shareWith was published, is not second-guessed", async () => {
        const config = withConfig(fixtureConfig("participant"), { accountId: "666666666666" });
        await runStack("participant", config, { owner: { ...ownerOutputs, shareWith: [OU] } });
        const { shareWith: _dropped, ...olderOwner } = ownerOutputs;
        await runStack("participant", config, { owner: olderOwner });
    });

    it("launches Graviton GPU and network-optimised types on arm64 and g5/g6 on x86_64", async () => {
        const instances = ["g5g.xlarge", "c7gn.large", "im4gn.large", "x2gd.large", "r8g.large", "g5.xlarge", "g6.xlarge"].map((instanceType, index) => ({
            name: `i${index}`,
            subnet: "workloads-a",
            instanceType,
        }));
        const run = await runStack("participant", withConfig(fixtureConfig("participant"), { instances }), { owner: ownerOutputs });
        const amis = ofType(run, "aws:ec2/instance:Instance").map((i) => String(i.inputs.ami));
        const [arm, x86] = [amis[0], amis[5]];
        assert.notEqual(arm, x86);
        assert.deepEqual(amis, [arm, arm, arm, arm, arm, x86, x86]);
    });
});
