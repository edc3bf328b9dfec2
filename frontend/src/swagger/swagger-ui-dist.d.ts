// swagger-ui-dist ships no types; this is the part of its API that src/swagger/main.ts uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  interface SwaggerUIOptions {
    url: string;
    dom_id: string;
    layout?: string;
    presets?: unknown[];
    deepLinking?: boolean;
    showExtensions?: boolean;
    showCommonExtensions?: boolean;
    validatorUrl?: string | null;
  }
  interface SwaggerUIBundleFunction {
    (options: SwaggerUIOptions): unknown;
    presets: { apis: unknown };
  }
  const SwaggerUIBundle: SwaggerUIBundleFunction;
  export default SwaggerUIBundle;
}
