import type { ApiDefinition } from "./define";
import { imageGeneration } from "./image-generation";

/** Every API the service offers. The router mounts each; the processing consumer looks them up by id. */
export const apis: readonly ApiDefinition[] = [imageGeneration];

export function findApi(id: string): ApiDefinition | undefined {
  return apis.find((api) => api.id === id);
}
