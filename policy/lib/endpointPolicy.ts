import { isObj, isUnknown, Obj, plain, show, UNKNOWN, Value } from "./values";

/**
 * Whether a VPC endpoint policy keeps principals outside the organization (or outside a list of
 * accounts) from using the endpoint.
 *
 * Scoped means either
 *  - a Deny for every principal and action whose condition denies principals whose
 *    aws:PrincipalOrgID / aws:PrincipalAccount / aws:PrincipalOrgPaths is not the listed one
 *    (the shape GuardDuty writes for the endpoints it manages, and the one this project writes), or
 *  - no unconditional Allow for every principal, and an Allow restricted to those principals.
 * Condition operators and keys are matched case-insensitively (AWS treats condition keys so),
 * with or without a `ForAnyValue:`/`ForAllValues:` qualifier; the policy may be JSON text or an object.
 */
export type EndpointPolicyVerdict = { verdict: "scoped" } | { verdict: "unscoped"; reason: string } | { verdict: "unknown"; what: string };

const PRINCIPAL_KEYS: Readonly<Record<string, RegExp>> = {
    "aws:principalorgid": /^o-[a-z0-9]{10,32}$/,
    "aws:principalaccount": /^\d{12}$/,
    "aws:principalorgpaths": /^o-[a-z0-9]{10,32}\/.+/,
};
const NEGATIVE = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike"]);
const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);
/** Actions a Deny has to cover: the agent calls guardduty:SendSecurityTelemetry through the endpoint. */
const COVERING_ACTIONS = new Set(["*", "guardduty:*", "guardduty:sendsecuritytelemetry"]);

type Tri = true | false | typeof UNKNOWN;

function asList(value: Value): Value[] {
    return Array.isArray(value) ? value : [value];
}

function allPrincipals(principal: Value): Tri {
    if (isUnknown(principal)) return UNKNOWN;
    if (principal === "*") return true;
    if (isObj(principal)) {
        const aws = principal.AWS;
        if (isUnknown(aws)) return UNKNOWN;
        if (aws === undefined) return false;
        return asList(aws).some((p) => p === "*");
    }
    return false;
}

function coversActions(action: Value): Tri {
    if (isUnknown(action)) return UNKNOWN;
    if (action === undefined) return false;
    let unknown = false;
    for (const item of asList(action)) {
        if (isUnknown(item)) unknown = true;
        else if (typeof item === "string" && COVERING_ACTIONS.has(item.toLowerCase())) return true;
    }
    return unknown ? UNKNOWN : false;
}

function coversAllResources(resource: Value): Tri {
    if (resource === undefined) return true;
    if (isUnknown(resource)) return UNKNOWN;
    return asList(resource).some((r) => r === "*") ? true : asList(resource).some(isUnknown) ? UNKNOWN : false;
}

/**
 * Whether a condition block restricts principals to the organization or listed accounts:
 * `negative` for a Deny (StringNotEquals…: deny the others), positive for an Allow (StringEquals…: allow only them).
 */
function restrictsPrincipals(condition: Value, negative: boolean): Tri {
    if (condition === undefined) return false;
    if (isUnknown(condition)) return UNKNOWN;
    if (!isObj(condition)) return false;
    let unknown = false;
    for (const [rawOperator, block] of Object.entries(condition)) {
        let operator = rawOperator.toLowerCase().replace(/^for(anyvalue|allvalues):/, "");
        const ifExists = operator.endsWith("ifexists");
        if (ifExists) operator = operator.slice(0, -"ifexists".length);
        // With …IfExists a missing key satisfies the condition: fine for a Deny (it then
        // applies), but an Allow would then let in principals outside any organization.
        const accepted = negative ? NEGATIVE.has(operator) : POSITIVE.has(operator) && !ifExists;
        if (!accepted) continue;
        if (isUnknown(block)) {
            unknown = true;
            continue;
        }
        if (!isObj(block)) continue;
        for (const [rawKey, values] of Object.entries(block)) {
            const pattern = PRINCIPAL_KEYS[rawKey.toLowerCase()];
            if (!pattern) continue;
            if (isUnknown(values)) {
                unknown = true;
                continue;
            }
            const list = asList(values);
            if (list.some(isUnknown)) {
                unknown = true;
                continue;
            }
            if (list.length > 0 && list.every((v) => typeof v === "string" && pattern.test(v))) return true;
        }
    }
    return unknown ? UNKNOWN : false;
}

function parseDocument(policy: Value): { doc: Obj } | { verdict: EndpointPolicyVerdict } {
    if (isUnknown(policy)) return { verdict: { verdict: "unknown", what: "the endpoint policy" } };
    if (policy === undefined || policy === null || policy === "") {
        return { verdict: { verdict: "unscoped", reason: "it has no policy, so AWS attaches the default full-access policy: any principal, in any account, can use the endpoint" } };
    }
    let doc: Value = policy;
    if (typeof policy === "string") {
        try {
            doc = plain(JSON.parse(policy));
        } catch {
            return { verdict: { verdict: "unscoped", reason: "its policy is not valid JSON" } };
        }
    }
    if (!isObj(doc)) return { verdict: { verdict: "unscoped", reason: `its policy is not a policy document: ${show(doc)}` } };
    return { doc };
}

export function assessEndpointPolicy(policy: Value): EndpointPolicyVerdict {
    const parsed = parseDocument(policy);
    if ("verdict" in parsed) return parsed.verdict;
    const statements = parsed.doc.Statement;
    if (isUnknown(statements)) return { verdict: "unknown", what: "the endpoint policy's statements" };
    const list = statements === undefined ? [] : asList(statements);
    if (list.length === 0) return { verdict: "unscoped", reason: "its policy has no statements" };

    let unknown = false;
    let unscopedDeny = false;
    let openAllow = false;
    let scopedAllow = false;
    for (const statement of list) {
        if (isUnknown(statement)) {
            unknown = true;
            continue;
        }
        if (!isObj(statement)) continue;
        const effect = statement.Effect;
        if (isUnknown(effect)) {
            unknown = true;
            continue;
        }
        const isDeny = typeof effect === "string" && effect.toLowerCase() === "deny";
        const isAllow = typeof effect === "string" && effect.toLowerCase() === "allow";
        const everyone = statement.NotPrincipal === undefined ? allPrincipals(statement.Principal) : false;
        if (isDeny) {
            const applies = [everyone, statement.NotAction === undefined ? coversActions(statement.Action) : false, coversAllResources(statement.Resource)];
            const restricts = restrictsPrincipals(statement.Condition, true);
            if (applies.every((a) => a === true) && restricts === true) return { verdict: "scoped" };
            if (applies.includes(false) || restricts === false) unscopedDeny = true;
            else unknown = true;
        } else if (isAllow) {
            const restricts = restrictsPrincipals(statement.Condition, false);
            if (restricts === true) scopedAllow = true;
            else if (restricts === UNKNOWN || everyone === UNKNOWN) unknown = true;
            else if (everyone === true) openAllow = true;
        }
    }
    if (!openAllow && scopedAllow && !unknown) return { verdict: "scoped" };
    if (unknown) return { verdict: "unknown", what: "parts of the endpoint policy" };
    if (unscopedDeny) return { verdict: "unscoped", reason: "its Deny statement does not single out principals outside the organization or the listed accounts (it needs Principal \"*\", Action \"*\" and a condition such as StringNotEquals on aws:PrincipalOrgID or aws:PrincipalAccount)" };
    if (openAllow) return { verdict: "unscoped", reason: "it allows every principal (Principal \"*\") and has no Deny for principals outside the organization, so any AWS account can use the endpoint" };
    return { verdict: "unscoped", reason: "none of its statements restricts principals to the organization or the listed accounts" };
}
