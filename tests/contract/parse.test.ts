// parseStackOutputs, the check every reader runs (StackReference, ESC, `pulumi stack output --json`),
// against the built package.
import * as assert from "node:assert/strict";
import {
    auditOutputsSchema,
    CONTRACT_VERSION,
    contractMetadata,
    parseStackOutputs,
    Role,
    StackContractError,
    StackReadProblem,
} from "guardduty-shared-vpc-contract";

const STACK = "acme/guardduty-shared-vpc/owner";

const OWNER: Record<string, unknown> = {
    ownerAccountId: "333333333333",
    region: "us-east-1",
    vpcId: "vpc-0a1b2c3d4e5f60718",
    vpcCidr: "10.20.0.0/16",
    sharedSubnets: [
        {
            name: "workloads-a",
            id: "subnet-0a1b2c3d4e5f60718",
            arn: "arn:aws:ec2:us-east-1:333333333333:subnet/subnet-0a1b2c3d4e5f60718",
            azId: "use1-az1",
            cidr: "10.20.0.0/20",
        },
    ],
    sharedSubnetIds: ["subnet-0a1b2c3d4e5f60718"],
    resourceShareArn: "arn:aws:ram:us-east-1:333333333333:resource-share/0f1e2d3c",
    agentManagement: "manual",
    coverageEventBusArn: "arn:aws:events:us-east-1:222222222222:event-bus/guardduty-coverage",
    ...contractMetadata("owner"),
};

const AUDIT: Record<string, unknown> = {
    agentManagement: "manual",
    detectorId: "0123456789abcdef0123456789abcdef",
    findingsKmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/1",
    findingsTopicArn: "arn:aws:sns:us-east-1:222222222222:guardduty-findings",
    coverageEventBusArn: "arn:aws:events:us-east-1:222222222222:event-bus/guardduty-coverage",
    ...contractMetadata("audit"),
};

function refusal(role: Role, values: Record<string, unknown>): StackContractError {
    try {
        parseStackOutputs(role, STACK, values);
    } catch (err) {
        assert.ok(err instanceof StackContractError, `expected a StackContractError, got ${String(err)}`);
        assert.equal(err.stack, STACK);
        assert.equal(err.role, role);
        assert.ok(err.message.includes(STACK), "the message names the stack");
        return err;
    }
    assert.fail("the outputs were accepted");
}

function problem<K extends StackReadProblem["kind"]>(err: StackContractError, kind: K): Extract<StackReadProblem, { kind: K }> {
    assert.equal(err.kind, kind, err.message);
    return err.problem as Extract<StackReadProblem, { kind: K }>;
}

describe("parseStackOutputs: what a reader accepts", () => {
    it("returns a stack's outputs, typed, with its contract metadata", () => {
        const owner = parseStackOutputs("owner", STACK, OWNER);
        assert.equal(owner.vpcId, OWNER.vpcId);
        assert.equal(owner.role, "owner");
        assert.equal(owner.contractVersion, CONTRACT_VERSION);
    });

    it("accepts a newer minor and patch of its major, ignoring outputs it does not know", () => {
        const owner = parseStackOutputs("owner", STACK, { ...OWNER, contractVersion: "1.7.3", flowLogsBucket: "added-in-1.7" });
        assert.equal(owner.contractVersion, "1.7.3");
        assert.ok(!("flowLogsBucket" in owner), "an output this version does not know is not passed on as if it were checked");
    });

    it("applies the contract's defaults (a participant instance without monitored is monitored)", () => {
        const participant = parseStackOutputs("participant", STACK, {
            participantAccountId: "444444444444",
            region: "us-east-1",
            ownerStack: "acme/guardduty-shared-vpc/owner",
            agentManagement: "automated",
            instanceIds: ["i-0123"],
            instances: [{ name: "app-1", id: "i-0123", subnet: "workloads-a", azId: "use1-az1" }],
            instanceSecurityGroupId: "sg-1",
            ...contractMetadata("participant"),
        });
        assert.equal(participant.instances[0].monitored, true);
    });

    it("checks only what a narrowed schema asks for", () => {
        const mode = parseStackOutputs(
            "audit",
            STACK,
            { agentManagement: "automated", ...contractMetadata("audit") },
            auditOutputsSchema.pick({ agentManagement: true }),
        );
        assert.equal(mode.agentManagement, "automated");
    });
});

describe("parseStackOutputs: the documented refusals", () => {
    it("wrong-role: an audit stack read as the owner says which role it is", () => {
        const err = refusal("owner", AUDIT);
        assert.equal(problem(err, "wrong-role").actual, "audit");
        assert.match(err.message, /is an audit stack \(its output role is "audit"\), not the owner stack expected here/);
    });

    it("wrong-role wins over every other problem: the remedy is another stack, not a redeploy", () => {
        assert.equal(refusal("participant", { role: "owner", contractVersion: "9.0.0" }).kind, "wrong-role");
    });

    it("unsupported-version: a newer major says to upgrade the package", () => {
        const err = refusal("owner", { ...OWNER, contractVersion: "2.0.0" });
        assert.equal(problem(err, "unsupported-version").version, "2.0.0");
        assert.match(
            err.message,
            /publishes contract version 2\.0\.0, but this reader understands 1\.x: upgrade guardduty-shared-vpc-contract .* major version 2/,
        );
    });

    it("unsupported-version: an older major says to redeploy the stack", () => {
        const err = refusal("owner", { ...OWNER, contractVersion: "0.9.0" });
        assert.equal(err.kind, "unsupported-version");
        assert.match(err.message, /run `pulumi up` on the owner stack with a release of major version 1/);
    });

    it("unsupported-version is decided before the shape: a 2.x stack may have reshaped what 1.x checks", () => {
        assert.equal(refusal("owner", { contractVersion: "2.0.0", role: "owner", vpcId: 42 }).kind, "unsupported-version");
    });

    it("missing-outputs: a stack with no outputs (never deployed) names what the reader needs", () => {
        const err = refusal("audit", {});
        assert.deepEqual(problem(err, "missing-outputs").outputs, [
            "agentManagement",
            "detectorId",
            "findingsKmsKeyArn",
            "findingsTopicArn",
            "coverageEventBusArn",
        ]);
        assert.match(
            err.message,
            /has no output agentManagement, detectorId, findingsKmsKeyArn, findingsTopicArn, coverageEventBusArn: run `pulumi up` on the audit stack first/,
        );
    });

    it("missing-outputs: a stack deployed before the contract was versioned names contractVersion and role", () => {
        const { contractVersion: _v, role: _r, ...older } = OWNER;
        assert.deepEqual(problem(refusal("owner", older), "missing-outputs").outputs, ["contractVersion", "role"]);
    });

    it("missing-outputs: optional outputs may be absent (the endpoint outputs exist under manual only)", () => {
        assert.ok(!("guardDutyEndpointId" in OWNER));
        assert.doesNotThrow(() => parseStackOutputs("owner", STACK, OWNER));
    });

    it("malformed: every bad output is named with what is wrong", () => {
        const err = refusal("owner", { ...OWNER, vpcId: "not-a-vpc", agentManagement: "ssm" });
        assert.deepEqual(
            problem(err, "malformed")
                .issues.map((issue) => issue.output)
                .sort(),
            ["agentManagement", "vpcId"],
        );
        assert.match(err.message, /Is it really an owner stack of guardduty-shared-vpc\?/);
    });

    for (const [what, values] of [
        ["a contractVersion that is not a semantic version", { ...OWNER, contractVersion: "v1" }],
        ["a role that is no role", { ...OWNER, role: "vpc-owner" }],
        ["a role that is not a string", { ...OWNER, role: 7 }],
    ] as const) {
        it(`malformed: ${what} is refused, never guessed at`, () => {
            assert.equal(refusal("owner", values).kind, "malformed");
        });
    }
});
