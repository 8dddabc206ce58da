import * as assert from "node:assert/strict";
import { roleComponentType, ROLES } from "guardduty-shared-vpc-contract/vocabulary";
import { detectRole, stackView } from "../../policy/lib/stack";
import type { PolicyResource } from "@pulumi/policy";

function resource(type: string, name: string, stack = "whatever"): PolicyResource {
    return {
        type,
        name,
        urn: `urn:pulumi:${stack}::guardduty-shared-vpc::${type}::${name}`,
        props: {},
        opts: {} as never,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

describe("stack role detection", () => {
    it("recognises the component the program registers for every role of the vocabulary", () => {
        for (const role of ROLES) assert.equal(detectRole([resource(roleComponentType(role), "x")], "unrelated").role, role);
    });

    it("takes no role from a component of another project or module, or a lower-case type", () => {
        for (const type of ["acme:stacks:Owner", "guardduty-shared-vpc:network:Owner", "guardduty-shared-vpc:stacks:owner"]) {
            assert.equal(detectRole([resource(type, "x")], "unrelated").role, undefined, type);
        }
    });

    it("takes the role from the program's guardduty-shared-vpc:stacks:<Role> component, whatever the stack is called", () => {
        const role = detectRole([resource("pulumi:pulumi:Stack", "s"), resource("guardduty-shared-vpc:stacks:Participant", "team-a")], "prod-eu");
        assert.equal(role.role, "participant");
        assert.match(role.how, /guardduty-shared-vpc:stacks:Participant component "team-a"/);
        assert.equal(detectRole([resource("guardduty-shared-vpc:stacks:Owner", "x")], "participant-b").role, "owner");
    });

    it("falls back to the stack name up to its first dash, as the program does", () => {
        assert.equal(detectRole([], "participant-b").role, "participant");
        assert.equal(detectRole([], "audit").role, "audit");
        assert.equal(stackView([resource("aws:ec2/vpc:Vpc", "v", "owner-eu")]).role.role, "owner");
    });

    it("has no role when components disagree or nothing names one, and says why", () => {
        const both = detectRole([resource("guardduty-shared-vpc:stacks:Owner", "a"), resource("guardduty-shared-vpc:stacks:Participant", "b")], "owner");
        assert.equal(both.role, undefined);
        assert.match(both.how, /several roles/);
        const none = detectRole([resource("guardduty-shared-vpc:network:SharedVpc", "n")], "prod");
        assert.equal(none.role, undefined);
        assert.match(none.how, /does not start with a role/);
    });
});
