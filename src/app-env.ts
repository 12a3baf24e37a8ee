import type { Account } from "./db/accounts";

/** Hono's environment: the generated bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { account: Account };
}
