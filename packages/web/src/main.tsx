import './govuk.scss';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// GOV.UK Frontend's page template sets this class with an inline script; the app's
// policy allows no inline script, so the app's own module does it.
document.body.classList.add('govuk-template__body');

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
