// The fit app as one classic script (an IIFE, as a Looker extension's
// bundle.js is loaded): looker-render/inline, no top-level await.
import * as lib from 'looker-render/inline';
import { renderOnce, report } from './render.js';

report({ main: (options) => renderOnce(lib, options) });
