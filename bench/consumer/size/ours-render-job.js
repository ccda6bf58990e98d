// The whole render job with looker-render: one call.
import { LookerClient } from 'looker-render';

export async function renderLook(baseUrl, accessToken, lookId, width, height) {
  const { bytes } = await new LookerClient({ baseUrl, accessToken })
    .render({ look_id: lookId, result_format: 'png', width, height });
  return bytes;
}
