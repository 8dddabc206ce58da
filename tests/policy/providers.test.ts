import * as assert from "node:assert/strict";
import type { PolicyResource } from "@pulumi/policy";
import { unknownCheckingProxy as proxy } from "../../tools/policy/evaluate";
import { stackAccountPinned } from "../../policy/policies";
import { StackBuilder } from "../../tools/policy/synthetic";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, U } from "./helpers";

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
        expectMandatory(await check(none.b.resources, { policy }), PINNED, /AWS provider "audit-aws" has no allowedAccountIds.*Set allowedAccountIds/, none.provider);
        expectMandatory(await check(stackWithProvider({ allowedAccountIds: '["111111111111","222222222222"]' }).b.resources, { policy }), PINNED, /allows 2 accounts \(111111111111, 222222222222\)/);
        expectMandatory(await check(stackWithProvider({ allowedAccountIds: '["my-account"]' }).b.resources, { policy }), PINNED, /not a list of 12-digit account IDs/);
        expectMandatory(await check(stackWithProvider({ allowedAccountIds: "[]" }).b.resources, { policy }), PINNED, /has no allowedAccountIds/);
    });

    it("fails the default provider resources get without an explicit one, unless stack config pins it", async () => {
        const b = new StackBuilder("audit");
        b.add("aws:guardduty/detector:Detector", "detector", { enable: true }, { provider: null });
        const verdict = expectMandatory(await check(b.resources, { policy, stackConfig: { "aws:region": "us-east-1" } }), PINNED, /AWS provider "default" has no allowedAccountIds/);
        assert.match(verdict.message, /default provider.*aws:allowedAccountIds/);
        expectClean(await check(b.resources, { policy, stackConfig: { "aws:region": "us-east-1", "aws:allowedAccountIds": '["666666666666"]' } }));
    });

    it("checks providers that appear only as a resource's provider (called directly, props behind the SDK's proxy)", async () => {
        const detector: PolicyResource = {
            type: "aws:guardduty/detector:Detector",
            name: "detector",
            urn: "urn:pulumi:audit::guardduty-shared-vpc::aws:guardduty/detector:Detector::detector",
            props: proxy({ enable: true }),
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: {},
            provider: { type: "pulumi:providers:aws", name: "default_7_48_0", urn: "urn:pulumi:audit::guardduty-shared-vpc::pulumi:providers:aws::default_7_48_0", props: proxy({ region: "us-east-1", version: "7.48.0" }) },
            isType: () => false,
            asType: () => undefined,
        };
        const messages: string[] = [];
        await policy.validateStack({ resources: [detector], stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable: () => { throw new Error("n/a"); } }, (message) => void messages.push(String(message)));
        assert.equal(messages.length, 1);
        assert.match(messages[0], /AWS provider "default_7_48_0" has no allowedAccountIds.*This is the default provider/);
    });

    it("waits on an unknown allowedAccountIds", async () => {
        expectWaits(await check(stackWithProvider({ allowedAccountIds: U.string }).b.resources, { policy }), PINNED, /until its allowedAccountIds is known/);
        expectWaits(await check(stackWithProvider({ allowedAccountIds: [U.string] }).b.resources, { policy }), PINNED, /allowedAccountIds/);
    });
});
