import * as assert from "node:assert/strict";
import type { PolicyResource } from "@pulumi/policy";
import { unknownCheckingProxy as proxy } from "../../tools/policy/evaluate";
import { endpointsSharesInstancesViaAwsProvider, stackAccountPinned } from "../../policy/policies";
import { StackBuilder } from "../../tools/policy/synthetic";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, setProps, U } from "./helpers";

const PINNED = "stack-account-pinned";

function stackWithProvider(inputs: Record<string, unknown>) {
    const b = new StackBuilder("audit");
    const provider = b.add("pulumi:providers:aws", "audit-aws", { region: "us-east-1", ...inputs }, { id: "p-1" });
    b.defaultProvider = provider;
    b.add("aws:guardduty/detector:Detector", "detector", { enable: true });
    return { b, provider };
}

describe("policy stack-account-pinned", () => {
    const policy = stackAccountPinned;

    it("passes a provider pinned to one account, as the SDK sends it (JSON text) or as a list", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
        expectClean(await check(stackWithProvider({ allowedAccountIds: ["666666666666"] }).b.resources, { policy }));
    });

    it("fails a provider without allowedAccountIds, with several accounts, or with something that is not an account ID", async () => {
        const none = stackWithProvider({});
        expectMandatory(
            await check(none.b.resources, { policy }),
            PINNED,
            /AWS provider "audit-aws" has no allowedAccountIds.*Set allowedAccountIds/,
            none.provider,
        );
        expectMandatory(
            await check(stackWithProvider({ allowedAccountIds: '["111111111111","222222222222"]' }).b.resources, { policy }),
            PINNED,
            /allows 2 accounts \(111111111111, 222222222222\)/,
        );
        expectMandatory(
            await check(stackWithProvider({ allowedAccountIds: '["my-account"]' }).b.resources, { policy }),
            PINNED,
            /not a list of 12-digit account IDs/,
        );
        expectMandatory(await check(stackWithProvider({ allowedAccountIds: "[]" }).b.resources, { policy }), PINNED, /has no allowedAccountIds/);
    });

    it("fails the default provider resources get without an explicit one, unless stack config pins it", async () => {
        const b = new StackBuilder("audit");
        b.add("aws:guardduty/detector:Detector", "detector", { enable: true }, { provider: null });
        const verdict = expectMandatory(
            await check(b.resources, { policy, stackConfig: { "aws:region": "us-east-1" } }),
            PINNED,
            /AWS provider "default" has no allowedAccountIds/,
        );
        assert.match(verdict.message, /default provider.*aws:allowedAccountIds/);
        expectClean(await check(b.resources, { policy, stackConfig: { "aws:region": "us-east-1", "aws:allowedAccountIds": '["666666666666"]' } }));
    });

    it("checks providers that appear only as a resource's provider (called directly, props behind the SDK's proxy)", async () => {
        const detector: PolicyResource = {
            type: "aws:guardduty/detector:Detector",
            name: "detector",
            urn: "urn:pulumi:audit::guardduty-shared-vpc::aws:guardduty/detector:Detector::detector",
            props: proxy({ enable: true }),
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            dependencies: [],
            propertyDependencies: {},
            provider: {
                type: "pulumi:providers:aws",
                name: "default_7_48_0",
                urn: "urn:pulumi:audit::guardduty-shared-vpc::pulumi:providers:aws::default_7_48_0",
                props: proxy({ region: "us-east-1", version: "7.48.0" }),
            },
            isType: () => false,
            asType: () => undefined,
        };
        const messages: string[] = [];
        await policy.validateStack(
            {
                resources: [detector],
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable: () => {
                    throw new Error("n/a");
                },
            },
            (message) => void messages.push(String(message)),
        );
        assert.equal(messages.length, 1);
        assert.match(messages[0], /AWS provider "default_7_48_0" has no allowedAccountIds.*This is the default provider/);
    });

    it("waits on an unknown allowedAccountIds", async () => {
        expectWaits(await check(stackWithProvider({ allowedAccountIds: U.string }).b.resources, { policy }), PINNED, /until its allowedAccountIds is known/);
        expectWaits(await check(stackWithProvider({ allowedAccountIds: [U.string] }).b.resources, { policy }), PINNED, /allowedAccountIds/);
    });
});

describe("policy stack-account-pinned: one account per stack", () => {
    const policy = stackAccountPinned;

    it("fails a second provider pinned to another account, on that provider, and passes a second region in the same account", async () => {
        const f = ownerFixture();
        const other = f.b.add("pulumi:providers:aws", "prod-aws", { region: "us-east-1", allowedAccountIds: '["777777777777"]' }, { id: "p-2" });
        f.b.add("aws:ec2/vpc:Vpc", "prod-vpc", { cidrBlock: "10.50.0.0/16" }, { provider: other });
        const verdict = expectMandatory(
            await check(f.b.resources, { policy }),
            PINNED,
            /AWS provider "prod-aws" is pinned to account 777777777777, but this stack's other providers deploy into 333333333333/,
            other,
        );
        assert.match(verdict.message, /providers by account: 333333333333 \("owner-aws"\), 777777777777 \("prod-aws"\)/);
        assert.equal((await check(f.b.resources, { policy })).length, 1, "the stack's own provider is not reported");
        const regions = ownerFixture();
        regions.b.add("pulumi:providers:aws", "owner-aws-eu", { region: "eu-west-1", allowedAccountIds: '["333333333333"]' }, { id: "p-3" });
        expectClean(await check(regions.b.resources, { policy }));
    });

    it("pins aws-native providers too, default ones included, and counts them in the one-account rule", async () => {
        const f = ownerFixture();
        const native = f.b.add("pulumi:providers:aws-native", "native", { region: "us-east-1" }, { id: "p-n" });
        f.b.add("aws-native:s3:Bucket", "logs", {}, { provider: native });
        expectMandatory(await check(f.b.resources, { policy }), PINNED, /AWS Cloud Control \(aws-native\) provider "native" has no allowedAccountIds/, native);
        setProps(native, { allowedAccountIds: '["888888888888"]' });
        expectMandatory(await check(f.b.resources, { policy }), PINNED, /provider "native" is pinned to account 888888888888/);
        setProps(native, { allowedAccountIds: '["333333333333"]' });
        expectClean(await check(f.b.resources, { policy }));
        const defaulted = ownerFixture();
        defaulted.b.add("aws-native:s3:Bucket", "logs", {}, { provider: null });
        expectMandatory(
            await check(defaulted.b.resources, { policy, stackConfig: { "aws-native:region": "us-east-1" } }),
            PINNED,
            /aws-native\) provider "default" has no allowedAccountIds/,
        );
    });
});

describe("policy endpoints-shares-instances-via-aws-provider", () => {
    const policy = endpointsSharesInstancesViaAwsProvider;
    const VIA = "endpoints-shares-instances-via-aws-provider";
    const pinnedNative = (b: StackBuilder) =>
        b.add("pulumi:providers:aws-native", "native", { region: "us-east-1", allowedAccountIds: '["333333333333"]' }, { id: "p-n" });

    it("refuses endpoints, instances, security groups and shares through aws-native, and lets its other resources be", async () => {
        const f = ownerFixture();
        const native = pinnedNative(f.b);
        for (const [type, kind] of [
            ["aws-native:ec2:VpcEndpoint", "AWS::EC2::VPCEndpoint"],
            ["aws-native:ec2:Instance", "AWS::EC2::Instance"],
            ["aws-native:ec2:SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress"],
            ["aws-native:autoscaling:AutoScalingGroup", "AWS::AutoScaling::AutoScalingGroup"],
            ["aws-native:ram:ResourceShare", "AWS::RAM::ResourceShare"],
        ] as const) {
            const resource = f.b.add(type, `n-${kind}`, {}, { provider: native });
            expectMandatory(await check(f.b.resources, { policy }), VIA, new RegExp(`creates ${kind} through the aws-native`), resource);
        }
        const fine = ownerFixture();
        fine.b.add("aws-native:s3:Bucket", "logs", {}, { provider: pinnedNative(fine.b) });
        expectClean(await check(fine.b.resources, { policy }));
    });

    it("refuses Cloud Control resources of those types, and waits on an unknown type name", async () => {
        const f = ownerFixture();
        const endpoint = f.b.add("aws:cloudcontrol/resource:Resource", "cc-endpoint", {
            typeName: "AWS::EC2::VPCEndpoint",
            desiredState: JSON.stringify({ VpcId: "vpc-1", ServiceName: "com.amazonaws.us-east-1.guardduty-data" }),
        });
        expectMandatory(await check(f.b.resources, { policy }), VIA, /creates AWS::EC2::VPCEndpoint through the Cloud Control API/, endpoint);
        const logs = ownerFixture();
        logs.b.add("aws:cloudcontrol/resource:Resource", "cc-logs", { typeName: "AWS::Logs::LogGroup", desiredState: "{}" });
        expectClean(await check(logs.b.resources, { policy }));
        const unknown = ownerFixture();
        unknown.b.add("aws:cloudcontrol/resource:Resource", "cc-x", { typeName: U.string, desiredState: "{}" });
        expectWaits(await check(unknown.b.resources, { policy }), VIA, /until its typeName is known/);
    });

    it("refuses CloudFormation templates that declare them, JSON or YAML, or that it cannot read", async () => {
        const json = ownerFixture();
        const stack = json.b.add("aws:cloudformation/stack:Stack", "cfn", {
            name: "cfn",
            templateBody: JSON.stringify({ Resources: { Gd: { Type: "AWS::EC2::VPCEndpoint", Properties: {} } } }),
        });
        expectMandatory(await check(json.b.resources, { policy }), VIA, /creates AWS::EC2::VPCEndpoint through a CloudFormation template/, stack);
        const yaml = ownerFixture();
        yaml.b.add("aws:cloudformation/stackSet:StackSet", "cfn-set", {
            name: "set",
            templateBody: "Resources:\n  Share:\n    Type: AWS::RAM::ResourceShare\n",
        });
        expectMandatory(await check(yaml.b.resources, { policy }), VIA, /AWS::RAM::ResourceShare/);
        const url = ownerFixture();
        url.b.add("aws:cloudformation/stack:Stack", "cfn-url", { name: "cfn", templateUrl: "https://example-bucket.s3.amazonaws.com/t.yaml" });
        expectMandatory(
            await check(url.b.resources, { policy }),
            VIA,
            /template at https:\/\/example-bucket.s3.amazonaws.com\/t.yaml, which the pack cannot read/,
        );
        const other = ownerFixture();
        other.b.add("aws:cloudformation/stack:Stack", "cfn-logs", {
            name: "cfn",
            templateBody: "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n  Sg:\n    Type: AWS::EC2::SecurityGroupEgressX\n",
        });
        expectClean(await check(other.b.resources, { policy }));
        const native = ownerFixture();
        native.b.add(
            "aws-native:cloudformation:Stack",
            "native-cfn",
            { stackName: "x", templateBody: { Resources: { I: { Type: "AWS::EC2::Instance" }, J: { Type: U.string } } } },
            { provider: pinnedNative(native.b) },
        );
        expectMandatory(await check(native.b.resources, { policy }), VIA, /AWS::EC2::Instance through a CloudFormation template/);
        const partly = ownerFixture();
        partly.b.add(
            "aws-native:cloudformation:Stack",
            "native-cfn",
            { stackName: "x", templateBody: { Resources: { J: { Type: U.string } } } },
            { provider: pinnedNative(partly.b) },
        );
        expectWaits(await check(partly.b.resources, { policy }), VIA, /until parts of its templateBody is known/);
    });
});
