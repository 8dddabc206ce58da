// The pack's entry point, and only that: `new PolicyPack` starts the Analyzer gRPC server (one
// per process), so tests and `npm run plan` import ./policies instead of this file.
import { PolicyPack } from "@pulumi/policy";
import { PROJECT } from "guardduty-shared-vpc-contract/vocabulary";
import { allPolicies } from "./policies";

// The pack is named after the project whose stacks it guards.
new PolicyPack(PROJECT, {
    policies: [...allPolicies],
    enforcementLevel: "mandatory",
});
