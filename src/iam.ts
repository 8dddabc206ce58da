/**
 * The one shape of an IAM policy document this program writes: resource policies (key, bucket,
 * topic, event bus), trust policies and the guardduty-data endpoint's policy alike.
 */

export type Condition = Record<string, Record<string, string | string[]>>;
export type Principal = "*" | { AWS: string } | { Service: string | string[] };

export interface Statement {
    /** Required in resource policies that name several grants, so a reader can tell them apart. */
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Principal;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Condition;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}
