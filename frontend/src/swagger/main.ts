/**
 * Swagger UI at /docs, bundled from the pinned swagger-ui-dist package and served by the app:
 * the page loads nothing from another host (FastAPI's default page takes it from a CDN).
 */
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";

SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  // The default sends the spec to an online validator for a badge: nothing leaves the machine.
  validatorUrl: null,
});
