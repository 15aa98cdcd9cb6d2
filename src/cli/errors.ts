// The error classes live in the base layer so clients, workflows and the lab can throw them; main.ts maps them to exit codes.
export * from "../base/errors.js";
