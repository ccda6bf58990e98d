// The same program with looker-render: one render task.
import { LookerClient } from 'looker-render';

export function getRenderTask(baseUrl, accessToken, id) {
  return new LookerClient({ baseUrl, accessToken }).renderTask(id);
}
