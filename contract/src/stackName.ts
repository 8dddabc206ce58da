import * as pulumi from "@pulumi/pulumi";

/** Where a short stack name is looked for; each part defaults to the running program's. */
export interface StackNameScope {
    organization?: string;
    project?: string;
}

/** A stack name that is neither a short name nor `<organization>/<project>/<stack>`. */
export class StackNameError extends Error {
    constructor(readonly stackName: string) {
        super(
            `"${stackName}" is not a stack name: write the short name of a stack (e.g. owner), resolved in the current organization, ` +
                "or <organization>/<project>/<stack>. Pulumi reads <organization>/<stack> as a stack of the current project, so it is refused here to keep the project explicit.",
        );
        this.name = "StackNameError";
    }
}

const PART = /^[A-Za-z0-9_.-]+$/;

/**
 * `owner` → `<organization>/<project>/owner`; a fully qualified name stays as written. The
 * organization defaults to `pulumi.getOrganization()` (Pulumi Cloud's organization, or the DIY
 * backends' fixed `organization`) and the project to `pulumi.getProject()`, so one short name
 * works the same on every backend.
 */
export function qualifiedStackName(name: string, scope: StackNameScope = {}): string {
    const parts = name.split("/");
    if (!parts.every((part) => PART.test(part))) throw new StackNameError(name);
    if (parts.length === 3) return name;
    if (parts.length !== 1) throw new StackNameError(name);
    return `${scope.organization ?? pulumi.getOrganization()}/${scope.project ?? pulumi.getProject()}/${name}`;
}
