// The floor's page: a bare fetch + JSON.parse of the task, no library.
import { run } from './page.js';

async function getRenderTask(baseUrl, token, id) {
  const res = await fetch(`${baseUrl}/api/4.0/render_tasks/${encodeURIComponent(id)}`, { headers: { authorization: `token ${token}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return JSON.parse(await res.text());
}

run(getRenderTask, performance.now());
