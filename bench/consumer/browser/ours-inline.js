// looker-render's page through looker-render/inline: the .wasm inside the
// bundle, compiled synchronously on import, so no second request.
import { LookerClient } from 'looker-render/inline';
import { run } from './page.js';

run((baseUrl, accessToken, id) => new LookerClient({ baseUrl, accessToken }).renderTask(id), performance.now());
