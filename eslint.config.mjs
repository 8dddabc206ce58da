// One lint configuration for the program, the policy pack, the tools and the tests.
import { builtinModules } from "node:module";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/node_modules/**", "**/dist/**", "**/*.d.ts", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // One import style: Node's built-ins always through the `node:` scheme.
            "no-restricted-imports": [
                "error",
                {
                    paths: builtinModules
                        .filter((name) => !name.startsWith("_") && !name.includes(":"))
                        .map((name) => ({ name, message: `import "node:${name}" instead` })),
                },
            ],
            // Unused names fail the type-check already (noUnusedLocals); an underscore marks a deliberate drop.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        // Pulumi's Node.js host loads the entry point with `export =`, and tests may require() fixtures.
        files: ["index.ts", "tests/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
