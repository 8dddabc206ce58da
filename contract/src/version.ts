/**
 * The contract's version, published by every stack as output `contractVersion`. Semantic
 * versioning over the outputs: a patch changes no output; a minor adds outputs (readers of the
 * same major ignore what they do not know); a major removes or reshapes one, after it was kept
 * deprecated for a whole major. The package's own version is the contract version.
 */
export const CONTRACT_VERSION = "1.0.0";

/** The majors this package reads; a stack publishing another one is refused, never guessed at. */
export const SUPPORTED_MAJOR_VERSIONS: readonly number[] = Object.freeze([1]);

export interface ContractVersion {
    major: number;
    minor: number;
    patch: number;
}

// semver.org's grammar, without the leading "v" some tools accept: outputs are written by this package only.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The parts of a semantic version, or undefined for anything else. */
export function parseContractVersion(value: unknown): ContractVersion | undefined {
    if (typeof value !== "string") return undefined;
    const match = SEMVER.exec(value);
    if (!match) return undefined;
    return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Whether this package can read outputs published under `version`. */
export function isSupportedContractVersion(version: ContractVersion): boolean {
    return SUPPORTED_MAJOR_VERSIONS.includes(version.major);
}
