import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { useSession } from '../session/session';

/** Is the window wide enough for the service navigation to show without its Menu button? */
function useWide(): boolean {
  const query = '(min-width: 40.0625em)';
  const [wide, setWide] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const changed = () => setWide(media.matches);
    media.addEventListener('change', changed);
    return () => media.removeEventListener('change', changed);
  }, []);
  return wide;
}

const NAVIGATION = [
  { to: '/children', text: 'Children' },
  { to: '/worklist', text: 'Worklist' },
  { to: '/retention', text: 'Retention schedule' },
];

function ServiceNavigation() {
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const wide = useWide();
  const location = useLocation();
  // The menu opened on a narrow screen stays open only on the page it was opened on.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === location.pathname;
  if (session.state !== 'signed-in') return null;
  const collapsed = !wide && !open;

  // Every page behind sign-in moves itself to the sign-in page once the session ends
  // (RequireSignIn); a page that is not (one not found) is left here.
  const onSignOut = () => {
    void signOut().finally(() => {
      if (window.location.pathname !== '/sign-in') void navigate('/sign-in?ended=signed-out', { replace: true });
    });
  };

  return (
    <section aria-label="Service information" className="govuk-service-navigation">
      <div className="govuk-width-container">
        <div className="govuk-service-navigation__container">
          <nav aria-label="Menu" className="govuk-service-navigation__wrapper">
            <button type="button" className="govuk-service-navigation__toggle" aria-controls="navigation" aria-expanded={!collapsed} hidden={wide} onClick={() => setOpenOn(open ? null : location.pathname)}>
              Menu
            </button>
            <ul className="govuk-service-navigation__list" id="navigation" hidden={collapsed}>
              {NAVIGATION.map((item) => (
                <li key={item.to} className={`govuk-service-navigation__item${location.pathname.startsWith(item.to) ? ' govuk-service-navigation__item--active' : ''}`}>
                  <NavLink className="govuk-service-navigation__link" to={item.to}>
                    {location.pathname.startsWith(item.to) ? <strong className="govuk-service-navigation__active-fallback">{item.text}</strong> : item.text}
                  </NavLink>
                </li>
              ))}
              <li className="govuk-service-navigation__item app-service-navigation__item--end">
                <span className="app-signed-in-as">{session.me.displayName}</span>
                <button type="button" className="govuk-service-navigation__link app-button-link" onClick={onSignOut}>
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
        </div>
      </div>
    </section>
  );
}

/**
 * The page frame: skip link, header, service navigation, main and footer. After the app
 * moves to another page, focus goes to the main content (as a new page load would start
 * from the top), so keyboard and screen reader users are not left on the old link.
 */
export function Layout({ children }: { children: ReactNode }) {
  const main = useRef<HTMLElement>(null);
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a href="#main-content" className="govuk-skip-link">
        Skip to main content
      </a>
      <header className="govuk-generic-header">
        <div className="govuk-generic-header__container govuk-width-container">
          <div className="govuk-generic-header__logo">
            <Link to="/" className="govuk-generic-header__homepage-link">
              Safekeep
            </Link>
          </div>
        </div>
      </header>
      <ServiceNavigation />
      <div className="govuk-width-container">
        <main className="govuk-main-wrapper" id="main-content" tabIndex={-1} ref={main}>
          {children}
        </main>
      </div>
      <footer className="govuk-footer">
        <div className="govuk-width-container">
          <div className="govuk-footer__meta">
            <div className="govuk-footer__meta-item govuk-footer__meta-item--grow">
              <h2 className="govuk-visually-hidden">Support links</h2>
              <ul className="govuk-footer__inline-list">
                <li className="govuk-footer__inline-list-item">
                  <a className="govuk-footer__link" href="/api/docs">
                    API documentation
                  </a>
                </li>
                <li className="govuk-footer__inline-list-item">
                  <a className="govuk-footer__link" href="/api/openapi.json">
                    OpenAPI description
                  </a>
                </li>
              </ul>
              <span className="govuk-footer__licence-description">Safekeep is open source under the MIT licence. Every name and record in the demo is synthetic.</span>
            </div>
          </div>
        </div>
      </footer>
    </>
  );
}
