import * as assert from "node:assert/strict";
import { subnetShareOrgOnly } from "../../policy/policies";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, U } from "./helpers";

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
        f.b.add("aws:ram/principalAssociation:PrincipalAssociation", "p", { principal: "444444444444", resourceShareArn: "arn:x", allowExternalPrincipals: true });
        expectClean(await check(f.b.resources, { policy }));
    });
});
