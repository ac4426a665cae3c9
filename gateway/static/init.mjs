// Start GOV.UK Frontend's components (menu toggle, tabs, error summary focus, …).
import { initAll } from "./build/govuk-frontend.min.js";
initAll();
