/**
 * Spotting typos in configuration keys: a key that is not known but is a near miss of one that
 * is, so the error can say "did you mean share?" instead of only listing the valid keys.
 */

/** Case, `-` and `_` are how the same word is most often misspelt (instance_type, Ami, guardduty_shared_vpc). */
function folded(text: string): string {
    return text.toLowerCase().replace(/[-_]/g, "");
}

/** Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`: optimal string alignment. */
export function editDistance(a: string, b: string): number {
    const rows = a.length + 1;
    const cols = b.length + 1;
    const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i < rows; i++) {
        for (let j = 1; j < cols; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/**
 * Whether `candidate` is probably a misspelling of `word`: equal once case, dashes and
 * underscores are ignored, or within a few edits (one for short words, where two edits reach
 * unrelated words).
 */
export function isNearMiss(candidate: string, word: string): boolean {
    if (candidate === word) return false;
    const [a, b] = [folded(candidate), folded(word)];
    if (a === b) return true;
    const allowed = b.length <= 4 ? 1 : b.length <= 12 ? 2 : 3;
    return editDistance(a, b) <= allowed;
}

/** The known word `candidate` most likely misspells, if any. */
export function nearestKnown(candidate: string, known: readonly string[]): string | undefined {
    const near = known.filter((word) => isNearMiss(candidate, word));
    near.sort((x, y) => editDistance(folded(candidate), folded(x)) - editDistance(folded(candidate), folded(y)));
    return near[0];
}

/** "no such key in a subnet; did you mean share? (its keys are …)" */
export function unknownKeyExpected(key: string, known: readonly string[], where: string): string {
    const suggestion = nearestKnown(key, known);
    const hint = suggestion === undefined ? "" : `; did you mean ${suggestion}?`;
    return `no such key in ${where}${hint} (its keys are ${known.join(", ")}; unknown keys would be ignored)`;
}
