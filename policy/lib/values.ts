/**
 * Reading resource properties the way the engine hands them to a policy pack: through
 * @pulumi/policy's unknown-checking proxy, where touching a value the engine does not know yet
 * (a computed output during `pulumi preview`) throws. Policies never read `props` directly; they
 * take a plain copy here in which every unknown is the `UNKNOWN` marker, so "not known yet" is a
 * value the type system makes each rule handle instead of an exception it may forget to catch.
 */

/**
 * The sentinels the engine sends for unknown values (pulumi/sdk `plugin/rpc.go`), which the
 * proxy recognises. They are protocol constants, repeated here so reading a value does not
 * depend on @pulumi/policy internals.
 */
export const UNKNOWN_SENTINELS = {
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    asset: "030794c1-ac77-496b-92df-f27374a8bd58",
    archive: "e48ece36-62e2-4504-bad9-02848725956a",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

const SENTINELS: ReadonlySet<unknown> = new Set<unknown>(Object.values(UNKNOWN_SENTINELS));

/** A value the engine does not know yet. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

export type Value = null | undefined | boolean | number | string | Unknown | Value[] | { [key: string]: Value };
export type Obj = { [key: string]: Value };

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

/** The proxy's UnknownValueError, recognised by shape so no @pulumi/policy internals are imported. */
function isUnknownValueError(err: unknown): boolean {
    return typeof err === "object" && err !== null && SENTINELS.has((err as { unknownTypeSentinel?: unknown }).unknownTypeSentinel);
}

/** An Unknown from @pulumi/pulumi's runtime (what a mock-captured unknown looks like). */
export function isRuntimeUnknown(value: object): boolean {
    return (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true;
}

/**
 * `source[key]` as a plain deep copy, with every unknown (a sentinel, or a property the proxy
 * refuses to read) replaced by UNKNOWN. Never throws on unknowns.
 */
export function read(source: unknown, key: string): Value {
    if (source === null || typeof source !== "object") return undefined;
    let raw: unknown;
    try {
        raw = (source as Record<string, unknown>)[key];
    } catch (err) {
        if (isUnknownValueError(err)) return UNKNOWN;
        throw err;
    }
    return plain(raw);
}

/** A plain deep copy of a (possibly proxied) value, unknowns as UNKNOWN. */
export function plain(value: unknown): Value {
    if (value === null || value === undefined || typeof value === "boolean" || typeof value === "number") return value;
    if (typeof value === "string") return SENTINELS.has(value) ? UNKNOWN : value;
    if (typeof value !== "object") return undefined;
    if (isRuntimeUnknown(value)) return UNKNOWN;
    if (Array.isArray(value)) {
        const out: Value[] = [];
        const length = value.length;
        for (let i = 0; i < length; i++) out.push(read(value, String(i)));
        return out;
    }
    const out: Obj = {};
    for (const key of Object.keys(value)) {
        const item = read(value, key);
        if (item !== undefined) out[key] = item;
    }
    return out;
}

export function isObj(value: Value): value is Obj {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Provider configuration arrives JSON-encoded (`'["123"]'`, `"false"`); decodes it when it is. */
export function decodeConfigValue(value: Value): Value {
    if (typeof value !== "string") return value;
    const text = value.trim();
    if (!/^[[{]/.test(text) && text !== "true" && text !== "false" && text !== "null") return value;
    try {
        return plain(JSON.parse(text));
    } catch {
        return value;
    }
}

/**
 * A list of strings as a policy needs it: each element a string or UNKNOWN. A scalar counts as a
 * one-element list (single-ID properties); `undefined` and `null` as absent.
 */
export type StringList = { kind: "absent" } | { kind: "unknown" } | { kind: "list"; items: Array<string | Unknown>; malformed: Value[] };

export function stringList(value: Value): StringList {
    if (value === undefined || value === null) return { kind: "absent" };
    if (value === UNKNOWN) return { kind: "unknown" };
    const raw = Array.isArray(value) ? value : [value];
    const items: Array<string | Unknown> = [];
    const malformed: Value[] = [];
    for (const item of raw) {
        if (typeof item === "string" || item === UNKNOWN) items.push(item);
        else malformed.push(item);
    }
    return { kind: "list", items, malformed };
}

/** For messages: a value as it would appear in the program. */
export function show(value: Value): string {
    if (value === UNKNOWN) return "(unknown during preview)";
    if (value === undefined) return "(not set)";
    return JSON.stringify(value, (_key, v: unknown) => (v === UNKNOWN ? "(unknown)" : v));
}
