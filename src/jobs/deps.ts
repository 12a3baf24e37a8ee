import type { ApiDefinition, ProcessDeps } from "../apis/define";
import { readApiEnvironment, readConfig } from "../config";
import type { AssetReader } from "../graphics/fonts";
import { createUrlFetcher } from "../inputs/fetcher";

/** The dependencies `process()` gets on both paths, sync and async: the guarded fetcher, the static assets, the API's settings and bindings. */
export function createProcessDeps(env: Env, api: ApiDefinition): ProcessDeps {
  return { fetcher: createUrlFetcher(readConfig(env).devHosts), assets: assetReader(env.ASSETS), ...readApiEnvironment(env, api) };
}

/** Static assets through the ASSETS binding (the host is never resolved: the binding serves the request itself). */
export function assetReader(binding: Fetcher): AssetReader {
  return {
    async read(path) {
      const response = await binding.fetch(`https://assets.invalid/${path}`);
      if (!response.ok) {
        await response.body?.cancel();
        return null;
      }
      return response.arrayBuffer();
    },
  };
}
