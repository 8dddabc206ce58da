import * as assert from "node:assert/strict";
import { ramAssociationsIntoOwnShares, subnetShareOrgOnly } from "../../policy/policies";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, U } from "./helpers";

const SHARE = "subnet-share-org-only";

describe("policy subnet-share-org-only", () => {
    const policy = subnetShareOrgOnly;

    it("passes a share with allowExternalPrincipals: false", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
    });

    it("fails external principals allowed, on the share's inputs (before AWS creates it)", async () => {
        const f = ownerFixture({ share: { allowExternalPrincipals: true } });
        const verdicts = await check(f.b.resources, { policy });
        const verdict = expectMandatory(verdicts, SHARE, /allowExternalPrincipals true.*outside the organization.*Set allowExternalPrincipals: false/, f.share);
        assert.equal(verdict.phase, "resource");
    });

    it("fails a share that leaves it unset, since the RAM API's own default is true", async () => {
        const f = ownerFixture({ share: { allowExternalPrincipals: undefined } });
        expectMandatory(await check(f.b.resources, { policy }), SHARE, /\(not set\).*state it/);
    });

    it("waits on an unknown value", async () => {
        const f = ownerFixture({ share: { allowExternalPrincipals: U.boolean } });
        expectWaits(await check(f.b.resources, { policy }), SHARE, /until allowExternalPrincipals is known/);
    });

    it("only looks at resource shares", async () => {
        const f = ownerFixture();
        f.b.add("aws:ram/principalAssociation:PrincipalAssociation", "p", {
            principal: "444444444444",
            resourceShareArn: "arn:x",
            allowExternalPrincipals: true,
        });
        expectClean(await check(f.b.resources, { policy }));
    });
});

describe("policy ram-associations-into-own-shares", () => {
    const policy = ramAssociationsIntoOwnShares;
    const OWN = "ram-associations-into-own-shares";

    it("passes resource and principal associations into the stack's own share, as deployed and at the first preview", async () => {
        const f = ownerFixture();
        const subnet = f.b.add(
            "aws:ec2/subnet:Subnet",
            "workloads-a",
            { vpcId: f.vpc.id, cidrBlock: "10.20.0.0/20" },
            { deps: { vpcId: [f.vpc] }, outputs: { arn: "arn:aws:ec2:us-east-1:333333333333:subnet/subnet-1" } },
        );
        f.b.add(
            "aws:ram/resourceAssociation:ResourceAssociation",
            "share-workloads-a",
            { resourceShareArn: f.share.id, resourceArn: subnet.outputs.arn },
            { deps: { resourceShareArn: [f.share], resourceArn: [subnet] } },
        );
        expectClean(await check(f.b.resources, { policy }));
        expectClean(await check(asFirstPreview(f.b.resources), { policy }));
        // Matched by the share's ARN output when the ID is something else.
        const byArn = ownerFixture();
        byArn.b.add("aws:ram/principalAssociation:PrincipalAssociation", "late", { resourceShareArn: byArn.share.outputs.arn, principal: "666666666666" });
        byArn.share.outputs.id = byArn.share.id = "share-id";
        expectClean(await check(byArn.b.resources, { policy }));
    });

    it("fails an association into a share this stack did not create: from config, code or another stack, even while unknown", async () => {
        const literal = ownerFixture();
        const foreignShare = "arn:aws:ram:us-east-1:111111111111:resource-share/0f0f0f0f-0000-4000-a000-000000000000";
        const resource = literal.b.add("aws:ram/resourceAssociation:ResourceAssociation", "into-theirs", {
            resourceShareArn: foreignShare,
            resourceArn: "arn:aws:ec2:us-east-1:333333333333:subnet/subnet-1",
        });
        const verdict = expectMandatory(
            await check(literal.b.resources, { policy }),
            OWN,
            /ResourceAssociation "into-theirs" shares a resource through resource share "arn:aws:ram:us-east-1:111111111111.*not a ResourceShare of this stack/,
            resource,
        );
        assert.match(verdict.message, /Create the share in this stack \(allowExternalPrincipals: false\)/);
        const viaRef = participantFixture();
        const principal = viaRef.b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "join-owner-share",
            { resourceShareArn: U.string, principal: "666666666666" },
            { deps: { resourceShareArn: [viaRef.ownerRef] } },
        );
        expectMandatory(
            await check(viaRef.b.resources, { policy }),
            OWN,
            /PrincipalAssociation "join-owner-share" adds a principal to resource share \(unknown during preview\) \(taken from StackReference "organization\/guardduty-shared-vpc\/owner"\)/,
            principal,
        );
    });

    it("waits on a share ARN that is unknown with nothing behind it", async () => {
        const f = ownerFixture();
        f.b.add("aws:ram/resourceAssociation:ResourceAssociation", "somewhere", {
            resourceShareArn: U.string,
            resourceArn: "arn:aws:ec2:us-east-1:333333333333:subnet/subnet-1",
        });
        expectWaits(await check(f.b.resources, { policy }), OWN, /until its resourceShareArn is known/);
    });
});
