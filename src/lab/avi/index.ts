export { startController, type ControllerOptions, type LoggedRequest } from "./server.js";
export { validateBody, knownTypes, introducedBy } from "./validate.js";
