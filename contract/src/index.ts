/**
 * guardduty-shared-vpc-contract: what the guardduty-shared-vpc stacks publish, and how another
 * Pulumi program reads it. See docs/downstream.md in the repository for a walk-through and
 * CHANGELOG.md for the contract's history.
 */
export * from "./schemas";
export * from "./stackName";
export * from "./read";
