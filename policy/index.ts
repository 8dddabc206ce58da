// The pack's entry point, and only that: `new PolicyPack` starts the Analyzer gRPC server (one
// per process), so tests and `npm run plan` import ./policies instead of this file.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("guardduty-shared-vpc", {
    policies: [...allPolicies],
    enforcementLevel: "mandatory",
});
