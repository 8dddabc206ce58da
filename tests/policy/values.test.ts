import * as assert from "node:assert/strict";
import { unknownCheckingProxy, UnknownValueError } from "../../tools/policy/evaluate";
import { decodeConfigValue, plain, read, stringList, UNKNOWN } from "../../policy/lib/values";
import { parseUrn } from "../../policy/lib/stack";
import { U } from "./helpers";

describe("policy values: reading props behind the unknown-checking proxy", () => {
    const props = unknownCheckingProxy({
        known: "vpc-123",
        unknownString: U.string,
        list: ["sg-1", U.string],
        unknownList: U.array,
        nested: { deep: [{ port: 443, cidr: U.string }] },
        flag: false,
    } as Record<string, unknown>);

    it("the proxy itself throws UnknownValueError on an unknown, which is why policies never touch props directly", () => {
        assert.throws(() => props.unknownString, UnknownValueError);
        assert.throws(() => (props.list as string[])[1], UnknownValueError);
    });

    it("reads known values as they are and unknowns as UNKNOWN, at any depth, without throwing", () => {
        assert.equal(read(props, "known"), "vpc-123");
        assert.equal(read(props, "flag"), false);
        assert.equal(read(props, "missing"), undefined);
        assert.equal(read(props, "unknownString"), UNKNOWN);
        assert.equal(read(props, "unknownList"), UNKNOWN);
        assert.deepEqual(read(props, "list"), ["sg-1", UNKNOWN]);
        assert.deepEqual(read(props, "nested"), { deep: [{ port: 443, cidr: UNKNOWN }] });
    });

    it("treats raw sentinels and the runtime's Unknown objects as unknown too", () => {
        assert.equal(plain(U.boolean), UNKNOWN);
        assert.deepEqual(plain({ a: { __pulumiUnknown: true } }), { a: UNKNOWN });
    });

    it("decodes provider config the SDK sends JSON-encoded, and leaves plain strings alone", () => {
        assert.deepEqual(decodeConfigValue('["333333333333"]'), ["333333333333"]);
        assert.equal(decodeConfigValue("false"), false);
        assert.equal(decodeConfigValue("us-east-1"), "us-east-1");
        assert.equal(decodeConfigValue("[not json"), "[not json");
        assert.equal(decodeConfigValue(UNKNOWN), UNKNOWN);
    });

    it("turns lists and scalars into string lists, keeping unknown elements and setting aside others", () => {
        assert.deepEqual(stringList(undefined), { kind: "absent" });
        assert.deepEqual(stringList(UNKNOWN), { kind: "unknown" });
        assert.deepEqual(stringList("sg-1"), { kind: "list", items: ["sg-1"], malformed: [] });
        assert.deepEqual(stringList(["sg-1", UNKNOWN, 3]), { kind: "list", items: ["sg-1", UNKNOWN], malformed: [3] });
    });

    it("parses URNs, parent types and names with colons included", () => {
        assert.deepEqual(
            parseUrn("urn:pulumi:participant-b::guardduty-shared-vpc::guardduty-shared-vpc:stacks:Participant$aws:ec2/instance:Instance::app::1"),
            {
                stack: "participant-b",
                project: "guardduty-shared-vpc",
                type: "aws:ec2/instance:Instance",
                name: "app::1",
            },
        );
        assert.equal(parseUrn("not-a-urn"), undefined);
    });
});
