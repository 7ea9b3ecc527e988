import type { App } from './app-types.js';
import { pageCsp } from './security-headers.js';

/**
 * Until the web interface arrives, `/` says what this is and where the API is
 * documented, in the GOV.UK Design System's plain style.
 */
const STYLE = `
  body { margin: 0; font-family: Arial, sans-serif; color: #0b0c0c; background: #fff; line-height: 1.4; }
  header { background: #0b0c0c; color: #fff; padding: 12px 24px; font-weight: 700; font-size: 24px; }
  main { max-width: 720px; padding: 24px; }
  h1 { font-size: 36px; margin: 0 0 24px; }
  p, li { font-size: 19px; }
  a { color: #1d70b8; }
  a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; text-decoration: none; }
  .inset { border-left: 10px solid #b1b4b6; padding: 12px 16px; margin: 24px 0; }
  code { font-size: 16px; background: #f3f2f1; padding: 2px 4px; }
`;

const PAGE = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Safekeep – case records for children’s services</title>
<style>${STYLE}</style>
</head>
<body>
<header>Safekeep</header>
<main id="main-content">
  <h1>Case records for children’s services</h1>
  <p>This Safekeep server is running. The web interface for practitioners is not built yet; everything it will do is available through the API.</p>
  <ul>
    <li><a href="/api/docs">Read the API documentation</a></li>
    <li><a href="/api/openapi.json">Download the OpenAPI description</a> (<code>/api/openapi.json</code>)</li>
    <li><a href="/readyz">Check the server is ready</a></li>
  </ul>
  <div class="inset">Sign in with <code>POST /api/v1/session</code> and send the token as <code>Authorization: Bearer &lt;token&gt;</code>.</div>
</main>
</body>
</html>`;

export function registerHomeRoutes(app: App): void {
  app.get('/', { config: { public: true, securityHeaders: pageCsp(STYLE) }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
