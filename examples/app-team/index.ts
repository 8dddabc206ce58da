/**
 * An application team's program in a participant account: its own web tier in the owner's
 * shared subnets, using nothing of guardduty-shared-vpc but its published contract.
 *
 * From the owner stack's outputs it takes the VPC, the shared subnets (chosen by the owner's
 * names for them) and the organization's agent-management mode, which decides whether this
 * program installs GuardDuty's runtime agent itself (`manual`) or leaves it to GuardDuty
 * (`automated`). Every problem with the config or the owner stack is reported before anything
 * is registered.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, PublishedOutputs, qualifiedStackName, readOwnerStack, StackContractError } from "guardduty-shared-vpc-contract";
import { MonitoredScalingGroup } from "./monitoredScalingGroup";

interface Settings {
    region: string;
    accountId: string;
    ownerStack: string;
    subnets: string[];
    instanceType: string;
    capacity: { min: number; max: number; desired: number };
}

const DEFAULT_CAPACITY = { min: 2, max: 4, desired: 2 };

function key(name: string): string {
    return `${pulumi.getProject()}:${name}`;
}

/** Raised before any resource is registered, listing every problem, so one run shows them all. */
class SettingsError extends pulumi.RunError {
    constructor(problems: readonly string[]) {
        super(
            [
                `Stack "${pulumi.getStack()}" has ${problems.length} configuration problem(s); nothing was registered:`,
                ...problems.map((problem) => `  - ${problem}`),
            ].join("\n"),
        );
        this.name = "SettingsError";
    }
}

function readSettings(): Settings {
    const config = new pulumi.Config();
    const problems: string[] = [];
    const region = new pulumi.Config("aws").get("region") ?? "";
    if (!region) problems.push("aws:region: not set; expected the region of the owner's VPC, e.g. us-east-1");
    const accountId = config.get("accountId") ?? "";
    if (!/^\d{12}$/.test(accountId))
        problems.push(`${key("accountId")}: got ${JSON.stringify(config.get("accountId"))}; expected this account's 12-digit ID, quoted in YAML`);
    const ownerStack = config.get("ownerStack") ?? "";
    if (!ownerStack)
        problems.push(`${key("ownerStack")}: not set; expected the owner stack, e.g. owner (in this organization) or <organization>/${PROJECT}/owner`);

    const subnets = config.getObject<unknown>("subnets");
    const names =
        Array.isArray(subnets) && subnets.length > 0 && subnets.every((name) => typeof name === "string" && name.length > 0)
            ? (subnets as string[])
            : undefined;
    if (!names)
        problems.push(`${key("subnets")}: got ${JSON.stringify(subnets)}; expected a list of the owner's shared subnet names, e.g. [workloads-a, workloads-b]`);
    else if (new Set(names).size !== names.length) problems.push(`${key("subnets")}: got ${JSON.stringify(names)}; expected each subnet once`);

    const capacity = config.getObject<Partial<Settings["capacity"]>>("capacity") ?? DEFAULT_CAPACITY;
    const { min, max, desired } = { ...DEFAULT_CAPACITY, ...capacity };
    const counts = [min, max, desired];
    if (!counts.every((n) => Number.isInteger(n) && n >= 0) || !(min <= desired && desired <= max && max >= 1)) {
        problems.push(`${key("capacity")}: got ${JSON.stringify(capacity)}; expected whole numbers with 0 <= min <= desired <= max and max >= 1`);
    }
    if (problems.length > 0) throw new SettingsError(problems);
    return { region, accountId, ownerStack, subnets: names ?? [], instanceType: config.get("instanceType") ?? "t3.small", capacity: { min, max, desired } };
}

async function readOwner(settings: Settings): Promise<PublishedOutputs<"owner">> {
    try {
        return await readOwnerStack(settings.ownerStack);
    } catch (err) {
        if (err instanceof StackContractError) throw new SettingsError([`${key("ownerStack")}: ${err.message}`]);
        throw err;
    }
}

/** What the owner must offer this stack: the same region, and every subnet it names, shared. */
function checkAgainstOwner(settings: Settings, owner: PublishedOutputs<"owner">): string[] {
    const problems: string[] = [];
    if (owner.region !== settings.region) {
        problems.push(`aws:region: got "${settings.region}"; expected ${owner.region}, the owner's region (shared subnets are regional)`);
    }
    const shared = new Set(owner.sharedSubnets.map((subnet) => subnet.name));
    settings.subnets.forEach((name, index) => {
        if (!shared.has(name))
            problems.push(`${key("subnets")}[${index}]: got "${name}"; expected a subnet the owner shares: ${[...shared].join(", ") || "(it shares none)"}`);
    });
    return problems;
}

export = async () => {
    const settings = readSettings();
    const owner = await readOwner(settings);
    const problems = checkAgainstOwner(settings, owner);
    if (problems.length > 0) throw new SettingsError(problems);

    // Pinned to this account: the wrong credentials fail before anything changes.
    const provider = new aws.Provider(`${pulumi.getStack()}-aws`, { region: settings.region as aws.Region, allowedAccountIds: [settings.accountId] });
    const subnetIdByName = new Map(owner.sharedSubnets.map((subnet) => [subnet.name, subnet.id]));
    const web = new MonitoredScalingGroup(
        "web",
        {
            vpcId: owner.vpcId,
            vpcCidr: owner.vpcCidr,
            subnetIds: settings.subnets.map((name) => subnetIdByName.get(name) as string),
            instanceType: settings.instanceType,
            capacity: settings.capacity,
            agentManagement: owner.agentManagement,
            workload: `${pulumi.getProject()}-${pulumi.getStack()}-web`,
        },
        { providers: [provider] },
    );

    return {
        ownerStack: qualifiedStackName(settings.ownerStack, { project: PROJECT }),
        agentManagement: owner.agentManagement,
        autoScalingGroupName: web.group.name,
        launchTemplateId: web.launchTemplate.id,
        securityGroupId: web.securityGroup.id,
        // Absent rather than undefined: Pulumi warns about undefined stack outputs.
        ...(web.agentAssociation ? { agentAssociationId: web.agentAssociation.associationId } : {}),
    };
};
