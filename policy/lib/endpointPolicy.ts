import { isObj, isUnknown, Obj, plain, show, UNKNOWN, Unknown, Value } from "./values";

/**
 * Whether a VPC endpoint policy lets any principal outside the organization use the endpoint,
 * judged by what the policy allows rather than by its shape.
 *
 * The question is IAM's own: is there a request from an outsider (a principal of an account that
 * is neither in the organization nor one of the accounts the stack knows) that some Allow
 * matches and no Deny matches? The outsider is an adversary: it picks its account, may belong to
 * another organization or to none (then aws:PrincipalOrgID and aws:PrincipalOrgPaths are absent
 * from its request), and controls every condition key that does not describe who it is
 * (aws:SourceIp, aws:CurrentTime, request tags, …). So
 *  - a Deny keeps outsiders out only if it applies to every outsider whatever else is true of
 *    the request: every principal (`"*"`, or NotPrincipal exempting only insiders), the action the
 *    agent calls, every resource, and only conditions on who the principal is that are true for
 *    every outsider (a Deny that also needs aws:SourceIp or a tag to match does not scope);
 *  - an Allow lets outsiders in if some outsider can satisfy it: Principal `"*"`, an account
 *    outside the organization, NotPrincipal, an …IfExists or ForAllValues: condition that a
 *    principal with no organization satisfies.
 * IAM's rules for a key missing from the request decide the last cases: a negated operator
 * (StringNotEquals…) is true, a positive one false, …IfExists true, ForAllValues: true and
 * ForAnyValue: false. Condition operators and keys match case-insensitively.
 */
export type EndpointPolicyVerdict = { verdict: "scoped" } | { verdict: "unscoped"; reason: string } | { verdict: "unknown"; what: string };

/** Who is inside, as far as the stack can tell. */
export interface Membership {
    /**
     * The organization the pack is configured for (`organizationId`), else the organizations the
     * stack shares with (its RAM principals name them). Undefined when neither names one: the one
     * organization the policy names is then taken as the stack's.
     */
    organizations?: ReadonlySet<string>;
    /** Whether `organizations` is the pack's configured organization rather than what the stack tells. */
    configured?: boolean;
    /** Accounts known to be in the organization: the stack's own and those it shares the subnets with. */
    accounts: ReadonlySet<string>;
    /** What about membership is not known yet (during preview); a verdict that hinges on it waits for these. */
    pending: readonly string[];
}

/** The one action the guardduty-data service serves: what the agent sends through the endpoint. */
export const AGENT_ACTION = "guardduty:SendSecurityTelemetry";

type Tri = boolean | Unknown;
/** A tri-state answer with its explanation: why it is true or false, or what it waits for. */
interface Judged {
    value: Tri;
    why: string;
}

const yes = (why: string): Judged => ({ value: true, why });
const no = (why: string): Judged => ({ value: false, why });
const waits = (what: string): Judged => ({ value: UNKNOWN, why: what });

/** AND: the first false decides, else the first unknown, else true (with the first explanation). */
function all(parts: readonly Judged[], whenEmpty: Judged): Judged {
    return parts.find((p) => p.value === false) ?? parts.find((p) => isUnknown(p.value)) ?? parts[0] ?? whenEmpty;
}

/** OR: the first true decides, else the first unknown, else false. */
function any(parts: readonly Judged[], whenEmpty: Judged): Judged {
    return parts.find((p) => p.value === true) ?? parts.find((p) => isUnknown(p.value)) ?? parts[0] ?? whenEmpty;
}

function asList(value: Value): Value[] {
    return Array.isArray(value) ? value : [value];
}

/** An AWS Organizations ID, as IAM's aws:PrincipalOrgID holds it; also the pattern of the pack's organizationId setting. */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const hasWildcard = (text: string) => /[*?]/.test(text);

/** The account of an AWS principal or principal ARN (`123456789012`, `arn:aws:iam::123456789012:role/x`), if literal. */
function accountOf(principal: string): string | undefined {
    if (ACCOUNT_ID.test(principal)) return principal;
    const account = principal.split(":")[4];
    return account !== undefined && ACCOUNT_ID.test(account) && principal.startsWith("arn:") ? account : undefined;
}

/** Condition keys that describe the principal, the only ones an outsider cannot choose. */
const IDENTITY_KEYS = new Set(["aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:principalisawsservice"]);
/** Identity keys a principal outside any organization does not have. */
const ABSENT_OUTSIDE_ORGANIZATIONS = new Set(["aws:principalorgid", "aws:principalorgpaths"]);

interface Operator {
    raw: string;
    base: string;
    ifExists: boolean;
    qualifier?: "forallvalues" | "foranyvalue";
}

function parseOperator(raw: string): Operator {
    let base = raw.toLowerCase();
    let qualifier: Operator["qualifier"];
    const q = /^(forallvalues|foranyvalue):/.exec(base);
    if (q) {
        qualifier = q[1] as Operator["qualifier"];
        base = base.slice(q[0].length);
    }
    const ifExists = base.endsWith("ifexists");
    if (ifExists) base = base.slice(0, -"ifexists".length);
    return { raw, base, ifExists, qualifier };
}

const NEGATED = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"]);
const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);
const LIKE = new Set(["stringlike", "stringnotlike", "arnlike", "arnnotlike"]);

class Analysis {
    readonly organizations?: ReadonlySet<string>;
    readonly severalNamed: boolean;

    constructor(
        private readonly membership: Membership,
        namedOrganizations: ReadonlySet<string>,
    ) {
        this.severalNamed = !membership.organizations && namedOrganizations.size > 1;
        // The stack's organizations when it names them; else the one the policy names (several: none is trusted).
        this.organizations = membership.organizations ?? (namedOrganizations.size === 1 ? namedOrganizations : new Set());
    }

    private insideOrganization(id: string): Judged {
        if (this.organizations?.has(id)) return no("");
        if (this.severalNamed) return yes(`${id} is one of several organizations the policy names, and an endpoint serves one organization`);
        const which = this.membership.configured ? "the organization the pack is configured for" : "the organization this stack shares with";
        return yes(`${id} is not ${which} (${[...(this.organizations ?? [])].join(", ") || "none named"})`);
    }

    private insideAccount(account: string): Judged {
        if (this.membership.accounts.has(account)) return no("");
        if (this.membership.pending.length > 0) return waits(this.membership.pending.join(", "));
        return yes(`account ${account} is neither this stack's account nor one it shares the subnets with, so nothing tells it is in the organization`);
    }

    /** Whether a value listed for an identity key could be an outsider's (true) or only an insider's (false). */
    private outsiderCouldMatch(key: string, value: string, like: boolean): Judged {
        // Paths and ARNs may end in wildcards below the organization or account they name; the others may not have any.
        if (like && key !== "aws:principalorgpaths" && key !== "aws:principalarn" && hasWildcard(value))
            return yes(`the pattern "${value}" matches principals of any account`);
        switch (key) {
            case "aws:principalorgid":
                return ORG_ID.test(value) ? this.insideOrganization(value) : yes(`"${value}" is not an organization ID`);
            case "aws:principalorgpaths": {
                const organization = value.split("/")[0];
                return ORG_ID.test(organization) ? this.insideOrganization(organization) : yes(`the path "${value}" does not start with an organization ID`);
            }
            case "aws:principalaccount":
                return ACCOUNT_ID.test(value) ? this.insideAccount(value) : yes(`"${value}" is not an account ID`);
            case "aws:principalarn": {
                const account = accountOf(value);
                return account ? this.insideAccount(account) : yes(`"${value}" does not name one account`);
            }
            default:
                return yes(`${key} does not say who the principal is`);
        }
    }

    /** Whether every listed value is an insider's, so a principal outside matches none of them. */
    private onlyInsiders(key: string, values: readonly string[], like: boolean): Judged {
        const couldMatch = any(
            values.map((v) => this.outsiderCouldMatch(key, v, like)),
            no(""),
        );
        if (couldMatch.value === true) return no(couldMatch.why);
        if (isUnknown(couldMatch.value)) return couldMatch;
        return yes("");
    }

    /** One `operator: { key: values }` clause: true for every outsider (Deny) or for some outsider (Allow). */
    clause(effect: "Allow" | "Deny", op: Operator, rawKey: string, rawValues: Value): Judged {
        const key = rawKey.toLowerCase();
        const spelled = `${op.raw} on ${rawKey}`;
        if (!IDENTITY_KEYS.has(key)) {
            return effect === "Deny"
                ? no(`it also needs ${spelled} to match, which the caller controls, so a principal outside the organization avoids the Deny`)
                : yes(`its ${spelled} is up to the caller`);
        }
        if (isUnknown(rawValues) || asList(rawValues).some(isUnknown)) return waits(`the values of ${spelled}`);
        const values = asList(rawValues).map((v) => String(v));
        const absentable = ABSENT_OUTSIDE_ORGANIZATIONS.has(key);

        if (key === "aws:principalisawsservice") {
            // An outsider is an account's principal, never an AWS service: the key is "false".
            const matchesOutsider = op.base === "bool" && values.some((v) => v.toLowerCase() === "false");
            if (effect === "Deny") return matchesOutsider ? yes("") : no(`its ${spelled} does not hold for principals of other accounts`);
            return matchesOutsider || op.base !== "bool" ? yes(`its ${spelled} holds for principals of other accounts`) : no("");
        }
        if (op.base === "null") {
            const wantsAbsent = values.some((v) => v.toLowerCase() === "true");
            if (effect === "Deny") {
                return !wantsAbsent && !absentable ? yes("") : no(`its ${spelled} only applies to principals ${wantsAbsent ? "without" : "with"} that key`);
            }
            return yes(`its ${spelled} is satisfied by principals outside the organization`);
        }

        const like = LIKE.has(op.base);
        if (NEGATED.has(op.base)) {
            if (effect === "Allow") return yes(`its ${spelled} admits every principal not listed`);
            const present = this.onlyInsiders(key, values, like);
            if (present.value !== true) return present.value === false ? no(`its ${spelled} lets a principal through: ${present.why}`) : present;
            if (absentable && op.qualifier === "foranyvalue") {
                return no(
                    `its ${spelled} is false for a principal that belongs to no organization (ForAnyValue: is false when the key is missing), so such accounts are not denied`,
                );
            }
            return yes("");
        }
        if (POSITIVE.has(op.base)) {
            if (effect === "Deny") return no(`it applies only to principals whose ${rawKey} matches (${op.raw}), not to the others`);
            if (absentable && op.ifExists)
                return yes(`its ${spelled} is true for a principal that belongs to no organization (…IfExists is true when the key is missing)`);
            if (absentable && op.qualifier === "forallvalues")
                return yes(`its ${spelled} is true for a principal that belongs to no organization (ForAllValues: is true when the key is missing)`);
            const insiders = this.onlyInsiders(key, values, like);
            if (insiders.value === true) return no("");
            return isUnknown(insiders.value) ? insiders : yes(`its ${spelled} admits outsiders: ${insiders.why}`);
        }
        return effect === "Deny"
            ? no(`its ${spelled} is not a condition the pack can prove true for every principal outside the organization`)
            : yes(`its ${spelled} is not a condition the pack can prove false for principals outside the organization`);
    }

    conditions(effect: "Allow" | "Deny", condition: Value): Judged {
        // No condition: a Deny applies to everyone (outsiders included), an Allow to everyone it names.
        if (condition === undefined || condition === null) return effect === "Deny" ? yes("") : yes("no condition restricts it to the organization");
        if (isUnknown(condition)) return waits("its Condition");
        if (!isObj(condition)) return effect === "Deny" ? no("its Condition is not an object") : yes("its Condition is not an object");
        const clauses: Judged[] = [];
        for (const [rawOperator, block] of Object.entries(condition)) {
            if (isUnknown(block)) {
                clauses.push(waits(`its ${rawOperator} condition`));
                continue;
            }
            if (!isObj(block)) continue;
            const op = parseOperator(rawOperator);
            for (const [key, values] of Object.entries(block)) clauses.push(this.clause(effect, op, key, values));
        }
        // Clauses are ANDed: a Deny needs all true for every outsider, an Allow is out as soon as one is unsatisfiable.
        if (effect === "Deny") return all(clauses, no("its Condition is empty"));
        const blocking = clauses.find((c) => c.value === false);
        if (blocking) return blocking;
        return clauses.find((c) => isUnknown(c.value)) ?? clauses.find((c) => c.value === true) ?? yes("its Condition is empty");
    }

    principal(effect: "Allow" | "Deny", statement: Obj): Judged {
        if (statement.NotPrincipal !== undefined) {
            const listed = statement.NotPrincipal;
            if (isUnknown(listed)) return waits("its NotPrincipal");
            if (effect === "Allow") return yes("NotPrincipal allows every principal it does not list");
            // Deny for everyone except the listed principals: outsiders are denied if none of them is an outsider.
            const exempt = principalEntries(listed);
            if (exempt.some((e) => e === UNKNOWN)) return waits("its NotPrincipal");
            const outsiders = (exempt as string[]).map((entry): Judged => {
                if (entry === "*") return yes('it exempts every principal ("*")');
                const account = accountOf(entry);
                if (!account) return yes(`it exempts ${entry}, which is not an account principal of the organization`);
                const inside = this.insideAccount(account);
                return inside.value === false ? no("") : isUnknown(inside.value) ? inside : yes(`it exempts ${entry}: ${inside.why}`);
            });
            const exempted = any(outsiders, no(""));
            if (exempted.value === true) return no(exempted.why);
            return isUnknown(exempted.value) ? exempted : yes("");
        }
        const principal = statement.Principal;
        if (principal === undefined) return effect === "Allow" ? yes("it names no Principal, so it applies to everyone") : no("it names no Principal");
        if (isUnknown(principal)) return waits("its Principal");
        const entries = principalEntries(principal);
        if (entries.includes("*")) return yes('Principal "*"');
        if (entries.some((e) => e === UNKNOWN)) return waits("its Principal");
        if (effect === "Deny") return no("it applies only to the principals it names, not to every principal outside the organization");
        if (isObj(principal) && (principal.Federated !== undefined || principal.CanonicalUser !== undefined)) {
            return yes("it allows federated or canonical-user principals, which are not accounts of the organization");
        }
        const aws = isObj(principal) ? principal.AWS : principal;
        if (aws === undefined) return no("");
        const outsiders = principalEntries(aws).map((entry): Judged => {
            const account = typeof entry === "string" ? accountOf(entry) : undefined;
            if (!account) return yes(`it allows ${show(entry ?? null)}, which is not one account`);
            const inside = this.insideAccount(account);
            return inside.value === false ? no("") : isUnknown(inside.value) ? inside : yes(`it allows ${String(entry)}: ${inside.why}`);
        });
        return any(outsiders, no(""));
    }
}

/** The principals of a Principal/NotPrincipal element, flattened: `"*"`, account IDs, ARNs, service names. */
function principalEntries(principal: Value): Array<string | Unknown> {
    if (isUnknown(principal)) return [UNKNOWN];
    if (typeof principal === "string") return [principal];
    if (!isObj(principal)) return [];
    return Object.values(principal).flatMap((value) =>
        asList(value).flatMap((v): Array<string | Unknown> => (isUnknown(v) ? [UNKNOWN] : typeof v === "string" ? [v] : [])),
    );
}

function matchesAction(pattern: string, action: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .toLowerCase()
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    );
    return regex.test(action.toLowerCase());
}

/** Whether the statement's actions include the agent's. */
function coversAgentAction(statement: Obj): Judged {
    const not = statement.NotAction !== undefined;
    const value = not ? statement.NotAction : statement.Action;
    if (value === undefined) return no("it names no Action");
    if (isUnknown(value)) return waits(not ? "its NotAction" : "its Action");
    const items = asList(value);
    const hit = items.some((item) => typeof item === "string" && matchesAction(item, AGENT_ACTION));
    if (hit) return not ? no(`its NotAction exempts ${AGENT_ACTION}, the action the agent calls through the endpoint`) : yes("");
    if (items.some(isUnknown)) return waits(not ? "its NotAction" : "its Action");
    return not ? yes("") : no(`its Action does not include ${AGENT_ACTION}, the action the agent calls through the endpoint`);
}

/** Whether the statement applies to every resource (Deny) or to some (Allow). */
function resources(effect: "Allow" | "Deny", statement: Obj): Judged {
    if (statement.NotResource !== undefined) {
        const value = statement.NotResource;
        if (isUnknown(value)) return waits("its NotResource");
        const items = asList(value);
        if (effect === "Allow") return items.includes("*") ? no("") : yes("");
        return items.length === 0 ? yes("") : no(`its NotResource exempts ${show(value)}`);
    }
    const value = statement.Resource;
    if (value === undefined) return yes("");
    if (effect === "Allow") return yes("");
    if (isUnknown(value)) return waits("its Resource");
    const items = asList(value);
    if (items.includes("*")) return yes("");
    if (items.some(isUnknown)) return waits("its Resource");
    return no(`it applies only to Resource ${show(value)}, not to every resource`);
}

function parseDocument(policy: Value): { doc: Obj } | { verdict: EndpointPolicyVerdict } {
    if (isUnknown(policy)) return { verdict: { verdict: "unknown", what: "the endpoint policy" } };
    if (policy === undefined || policy === null || policy === "") {
        return {
            verdict: {
                verdict: "unscoped",
                reason: "it has no policy, so AWS attaches the default full-access policy: any principal, in any account, can use the endpoint",
            },
        };
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

/** Organization IDs the policy's conditions name (aws:PrincipalOrgID values, aws:PrincipalOrgPaths roots). */
function namedOrganizations(statements: readonly Value[]): Set<string> {
    const found = new Set<string>();
    for (const statement of statements) {
        if (!isObj(statement) || !isObj(statement.Condition)) continue;
        for (const block of Object.values(statement.Condition)) {
            if (!isObj(block)) continue;
            for (const [key, values] of Object.entries(block)) {
                const lower = key.toLowerCase();
                if (lower !== "aws:principalorgid" && lower !== "aws:principalorgpaths") continue;
                for (const value of asList(values)) {
                    const id = typeof value === "string" ? value.split("/")[0] : undefined;
                    if (id && ORG_ID.test(id)) found.add(id);
                }
            }
        }
    }
    return found;
}

function statementName(statement: Obj, index: number): string {
    return typeof statement.Sid === "string" && statement.Sid !== "" ? `statement "${statement.Sid}"` : `statement ${index + 1}`;
}

export function assessEndpointPolicy(policy: Value, membership: Membership): EndpointPolicyVerdict {
    const parsed = parseDocument(policy);
    if ("verdict" in parsed) return parsed.verdict;
    const statements = parsed.doc.Statement;
    if (isUnknown(statements)) return { verdict: "unknown", what: "the endpoint policy's statements" };
    const list = statements === undefined ? [] : asList(statements);
    if (list.length === 0) return { verdict: "unscoped", reason: "its policy has no statements" };

    const analysis = new Analysis(membership, namedOrganizations(list));
    const denies: Array<Judged & { name: string }> = [];
    const allows: Array<Judged & { name: string }> = [];
    list.forEach((statement, index) => {
        if (isUnknown(statement)) return void allows.push({ ...waits("a statement of the policy"), name: `statement ${index + 1}` });
        if (!isObj(statement)) return;
        const name = statementName(statement, index);
        const rawEffect = statement.Effect;
        if (isUnknown(rawEffect)) return void allows.push({ ...waits(`the Effect of ${name}`), name });
        const effect = typeof rawEffect === "string" ? rawEffect.toLowerCase() : "";
        if (effect !== "allow" && effect !== "deny") return;
        const kind = effect === "allow" ? "Allow" : "Deny";
        const principal = analysis.principal(kind, statement);
        const condition = analysis.conditions(kind, statement.Condition);
        const judged = all([principal, coversAgentAction(statement), resources(kind, statement), condition], yes(""));
        // An Allow that admits outsiders does so through its principal and its condition together.
        if (kind === "Allow" && judged.value === true) judged.why = [principal.why, condition.why].filter((why) => why !== "").join("; ");
        (kind === "Deny" ? denies : allows).push({ ...judged, name });
    });

    if (denies.some((d) => d.value === true)) return { verdict: "scoped" };
    const open = allows.filter((a) => a.value === true);
    const undecidedDenies = denies.filter((d) => isUnknown(d.value));
    if (open.length > 0 && undecidedDenies.length === 0) {
        const first = open[0];
        const denyNote =
            denies.length === 0
                ? "and no Deny keeps principals outside the organization out"
                : `and no Deny keeps them out (${denies.map((d) => `${d.name}: ${d.why}`).join("; ")})`;
        return { verdict: "unscoped", reason: `its Allow ${first.name} lets principals outside the organization use the endpoint (${first.why}), ${denyNote}` };
    }
    const undecided = [...undecidedDenies, ...allows.filter((a) => isUnknown(a.value))];
    if (undecided.length > 0) return { verdict: "unknown", what: [...new Set(undecided.map((u) => u.why))].join(", ") };
    return { verdict: "scoped" };
}
