import * as assert from "node:assert/strict";
import { mapBounded } from "../../tools/verify/pool";

/** A task that only finishes when the test says so, to observe what runs at the same time. */
function controllableTasks() {
    const started: number[] = [];
    const signals = new Map<number, AbortSignal>();
    const finishers = new Map<number, { resolve: (value: string) => void; reject: (error: unknown) => void }>();
    let running = 0;
    let maxRunning = 0;
    const task = (item: number, signal: AbortSignal) =>
        new Promise<string>((resolve, reject) => {
            started.push(item);
            signals.set(item, signal);
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            const settle = () => (running -= 1);
            finishers.set(item, {
                resolve: (value) => (settle(), resolve(value)),
                reject: (error) => (settle(), reject(error)),
            });
        });
    return { task, started, signals, finishers, maxRunning: () => maxRunning };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("bounded concurrency (mapBounded)", () => {
    it("returns every result in the items' order, whatever order the tasks finish in", async () => {
        const delays = [30, 5, 20, 1, 10];

        const results = await mapBounded(delays, 2, (delay) => new Promise<number>((resolve) => setTimeout(() => resolve(delay * 2), delay)));

        assert.deepEqual(results, [60, 10, 40, 2, 20]);
    });

    it("never runs more than the limit at once, and starts the next item as soon as one finishes", async () => {
        const tasks = controllableTasks();
        const done = mapBounded([0, 1, 2, 3, 4], 2, tasks.task);
        await tick();
        assert.deepEqual(tasks.started, [0, 1]);

        tasks.finishers.get(1)!.resolve("one");
        await tick();
        assert.deepEqual(tasks.started, [0, 1, 2]);
        for (const item of [0, 2, 3, 4]) {
            await tick();
            tasks.finishers.get(item)!.resolve(String(item));
        }

        assert.deepEqual(await done, ["0", "one", "2", "3", "4"]);
        assert.equal(tasks.maxRunning(), 2);
    });

    it("after a failure starts nothing new, aborts the running tasks' signal, waits for them, and throws the first error", async () => {
        const tasks = controllableTasks();
        let settled = false;
        const done = mapBounded([0, 1, 2, 3], 2, tasks.task).finally(() => (settled = true));
        await tick();

        const first = new Error("page 2 of query 0 failed");
        tasks.finishers.get(0)!.reject(first);
        await tick();
        assert.equal(tasks.signals.get(1)!.aborted, true, "the other running task is told to stop");
        assert.equal(settled, false, "the batch waits for the running task before it throws");

        tasks.finishers.get(1)!.reject(new Error("aborted"));
        await assert.rejects(done, (error: unknown) => error === first);
        assert.deepEqual(tasks.started, [0, 1], "no task starts after a failure");
    });

    it("refuses a limit that is not a positive integer rather than running unbounded or not at all", async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) {
            await assert.rejects(
                mapBounded([1], limit, async (item) => item),
                RangeError,
                String(limit),
            );
        }
    });

    it("returns an empty list for no items without calling the task", async () => {
        assert.deepEqual(await mapBounded([], 3, () => assert.fail("no task for no items")), []);
    });
});
