import { Cancelled } from "./errors.js";

/** Interactive questions; the real one loads @inquirer/prompts only when a question is asked. */
export interface Prompter {
  password(message: string): Promise<string>;
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
}

export function inquirerPrompter(): Prompter {
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (err) {
      // inquirer throws ExitPromptError on Ctrl-C.
      if ((err as Error).name === "ExitPromptError") throw new Cancelled("prompt cancelled");
      throw err;
    }
  };
  return {
    password: (message) => guard(async () => (await import("@inquirer/prompts")).password({ message, mask: "*" })),
    confirm: (message, defaultValue = false) =>
      guard(async () => (await import("@inquirer/prompts")).confirm({ message, default: defaultValue })),
  };
}
