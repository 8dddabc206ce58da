import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OfflineRunError, runStackOffline } from "../../tools/offline/runStack";

/**
 * The offline runner stands in for the engine: a program the engine would stop must fail here
 * too, and what the mock runtime cannot do must be said, not skipped, or the plan and the
 * policies would judge something other than what `pulumi preview` runs.
 */
describe("offline runner: refuses what the engine refuses, says what the mock runtime cannot do", function () {
    this.timeout(60000);

    const run = (program: () => unknown, stackOutputs: Record<string, Record<string, unknown>> = {}) =>
        runStackOffline({
            project: "guardduty-shared-vpc",
            stack: "owner",
            config: { "aws:region": "us-east-1" },
            program,
            stackOutputs: (name) => stackOutputs[name],
        });

    const expectRefused = async (
        program: () => unknown,
        pattern: RegExp,
        stackOutputs: Record<string, Record<string, unknown>> = {},
    ): Promise<OfflineRunError> => {
        let caught: unknown;
        try {
            await run(program, stackOutputs);
        } catch (err) {
            caught = err;
        }
        assert.ok(caught instanceof OfflineRunError, `expected an OfflineRunError, got ${caught instanceof Error ? caught.stack : String(caught)}`);
        assert.match(caught.message, pattern);
        return caught;
    };

    it("runs a plain program and captures its resources", async () => {
        const result = await run(() => {
            const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
            return { vpcId: vpc.id };
        });
        assert.ok(result.resources.some((r) => r.type === "aws:ec2/vpc:Vpc"));
        assert.match(String(result.outputs.vpcId), /^vpc-/);
    });

    it("stops on a duplicate URN as the engine does, with the engine's words", async () => {
        const error = await expectRefused(() => {
            // Two spellings of one principal normalised to one name: the same URN twice.
            new aws.ram.PrincipalAssociation("share-principal-444444444444", {
                resourceShareArn: "arn:aws:ram:us-east-1:333333333333:resource-share/x",
                principal: "444444444444",
            });
            new aws.ram.PrincipalAssociation("share-principal-444444444444", {
                resourceShareArn: "arn:aws:ram:us-east-1:333333333333:resource-share/x",
                principal: " 444444444444",
            });
        }, /Duplicate resource URN 'urn:pulumi:owner::guardduty-shared-vpc::aws:ram\/principalAssociation:PrincipalAssociation::share-principal-444444444444'; try giving it a unique name/);
        assert.equal(error.problems.length, 1);
        // The same name under different parents is a different URN, which the engine accepts.
        await run(() => {
            const a = new pulumi.ComponentResource("test:index:A", "a");
            const b = new pulumi.ComponentResource("test:index:B", "a");
            new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { parent: a });
            new aws.ec2.Vpc("vpc", { cidrBlock: "10.1.0.0/16" }, { parent: b });
        });
    });

    it("records the engine's URNs, and says so when the mock runtime would give two resources the engine tells apart one URN", async () => {
        const result = await run(() => {
            const top = new pulumi.ComponentResource("test:index:Top", "top");
            new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { parent: new pulumi.ComponentResource("test:index:Mid", "mid", {}, { parent: top }) });
        });
        const vpc = result.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
        assert.equal(vpc?.urn, "urn:pulumi:owner::guardduty-shared-vpc::test:index:Top$test:index:Mid$aws:ec2/vpc:Vpc::vpc");
        assert.equal(result.resources.find((r) => r.name === "top")?.urn, "urn:pulumi:owner::guardduty-shared-vpc::test:index:Top::top");
        assert.equal(vpc?.parent, "urn:pulumi:owner::guardduty-shared-vpc::test:index:Top$test:index:Mid::mid");
        await expectRefused(() => {
            for (const outer of ["test:index:P1", "test:index:P2"]) {
                const middle = new pulumi.ComponentResource("test:index:X", `x-${outer}`, {}, { parent: new pulumi.ComponentResource(outer, outer) });
                new aws.ec2.Vpc("c", { cidrBlock: "10.0.0.0/16" }, { parent: middle });
            }
        }, /the mock runtime gives 'urn:pulumi:owner::guardduty-shared-vpc::test:index:P1\$test:index:X\$aws:ec2\/vpc:Vpc::c' and 'urn:pulumi:owner::guardduty-shared-vpc::test:index:P2\$test:index:X\$aws:ec2\/vpc:Vpc::c' the same URN/);
    });

    it("plans an import from the program's arguments, and notes that the engine would also read the resource", async () => {
        const result = await run(() => {
            new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { import: "vpc-0123456789abcdef0" });
        });
        const vpc = result.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
        assert.equal(vpc?.importId, "vpc-0123456789abcdef0");
        assert.equal(vpc?.inputs.cidrBlock, "10.0.0.0/16");
        assert.equal(result.notes.length, 1);
        assert.match(
            result.notes[0],
            /Vpc "vpc" adopts an existing resource \(import: "vpc-0123456789abcdef0"\): planned from the program's arguments; the engine also reads it/,
        );
    });

    it("says so instead of skipping transforms, remote components and reads of live resources", async () => {
        await expectRefused(() => {
            new aws.ec2.Vpc(
                "vpc",
                { cidrBlock: "10.0.0.0/16" },
                { transforms: [(args) => ({ props: { ...args.props, cidrBlock: "10.9.0.0/16" }, opts: args.opts })] },
            );
        }, /Vpc "vpc" has transforms, which the mock runtime does not apply/);
        await expectRefused(() => {
            pulumi.runtime.registerResourceTransform((args) => ({ props: args.props, opts: args.opts }));
            new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
        }, /registers a stack transform, which the mock runtime does not apply/);
        await expectRefused(() => {
            new (class extends pulumi.ComponentResource {
                constructor() {
                    super("awsx:ec2:Vpc", "network", {}, {}, true);
                }
            })();
        }, /awsx:ec2:Vpc "network" is a multi-language \(remote\) component: the mock runtime does not construct its children/);
        const error = await expectRefused(() => {
            aws.ec2.SecurityGroup.get("owner-sg", "sg-0123456789abcdef0");
        }, /aws:ec2\/securityGroup:SecurityGroup "owner-sg" reads an existing resource/);
        assert.equal(error.problems.length, 1);
        // Stack references are reads the runner serves from earlier runs: not a problem.
        await run(() => new pulumi.StackReference("organization/guardduty-shared-vpc/other").getOutput("x"), {
            "organization/guardduty-shared-vpc/other": { x: "y" },
        });
    });
});
