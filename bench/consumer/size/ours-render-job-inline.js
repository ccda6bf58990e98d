// The whole render job through looker-render/inline: the wasm inside the JS
// (base64), compiled synchronously on import; one file, nothing fetched.
import { LookerClient } from 'looker-render/inline';

export async function renderLook(baseUrl, accessToken, lookId, width, height) {
  const { bytes } = await new LookerClient({ baseUrl, accessToken })
    .render({ look_id: lookId, result_format: 'png', width, height });
  return bytes;
}
