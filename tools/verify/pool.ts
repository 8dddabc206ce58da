/**
 * Bounded concurrency for independent AWS calls: at most `limit` tasks run at once, and the
 * whole batch either succeeds or fails.
 */

/**
 * Runs `task` for every item with at most `limit` running at once, returning the results in the
 * items' order. All or nothing: after the first failure no further task starts, running tasks
 * see `signal` aborted (so they can stop between pages instead of finishing work nobody will
 * read), and once every running task has settled the first failure is thrown. A later failure
 * never replaces it: it is usually the abort the first one caused.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1) {
        throw new RangeError(`concurrency limit must be a positive integer, got ${String(limit)}`);
    }
    const results: R[] = new Array<R>(items.length);
    const controller = new AbortController();
    let failure: { error: unknown } | undefined;
    let next = 0;

    const worker = async (): Promise<void> => {
        while (failure === undefined && next < items.length) {
            const index = next++;
            try {
                results[index] = await task(items[index] as T, controller.signal);
            } catch (error) {
                if (failure === undefined) {
                    failure = { error };
                    controller.abort();
                }
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    if (failure !== undefined) {
        throw failure.error;
    }
    return results;
}
