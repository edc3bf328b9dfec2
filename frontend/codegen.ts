import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * GraphQL Code Generator: types every operation of the dashboard (the `graphql(...)` calls under
 * src/) from the API's committed schema. `npm run codegen` writes src/gql/ (committed);
 * `npm run lint` regenerates into a temporary folder and fails if the two differ.
 */
const output = process.env.CODEGEN_OUTPUT ?? "src/gql/";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**", "!src/graphiql/**", "!src/**/*.test.ts"],
  ignoreNoDocuments: false,
  generates: {
    [output]: {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          DateTime: "string",
          Decimal: "string",
        },
      },
    },
  },
};

export default config;
