import type { Account } from "./db/accounts";
import type { ApiKeyRecord } from "./db/api-keys";

/** Hono's environment: the generated bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: { account: Account; apiKey: ApiKeyRecord };
}
