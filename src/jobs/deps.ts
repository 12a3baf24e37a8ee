import type { ApiDefinition, ProcessDeps } from "../apis/define";
import { readApiEnvironment, readConfig } from "../config";
import { createUrlFetcher } from "../inputs/fetcher";

/** The dependencies `process()` gets on both paths, sync and async: the guarded fetcher, the API's settings and bindings. */
export function createProcessDeps(env: Env, api: ApiDefinition): ProcessDeps {
  return { fetcher: createUrlFetcher(readConfig(env).devHosts), ...readApiEnvironment(env, api) };
}
