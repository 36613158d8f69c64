// A React app as its developers would write it with react-use-intercom: <IntercomProvider
// autoBoot>, and `update()` from useIntercom() on every route change (Intercom's guide for
// single-page apps). The router is minimal: links call history.pushState. The consentc loader
// is a classic script in <head> before this bundle (bundled.mjs writes the page).
import {useEffect, useState} from 'react';
import {createRoot} from 'react-dom/client';
import {IntercomProvider, useIntercom} from 'react-use-intercom';
import {ROUTES, startBanner} from './consent-banner.mjs';

const BASE = location.pathname.replace(/^(\/[^/]+\/react).*$/, '$1');

function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to) => {
    history.pushState(null, '', to);
    setPath(to);
  };
  return [path, navigate];
}

function App() {
  const [path, navigate] = usePath();
  const {update} = useIntercom();
  // The documented pattern: tell Intercom about every route change.
  useEffect(() => {
    update();
    (window.__appUpdates = window.__appUpdates || []).push(path);
  }, [path]);
  return (
    <main>
      <nav>
        {ROUTES.map((r) => (
          <a
            key={r}
            href={BASE + r}
            data-route={r}
            onClick={(e) => {
              e.preventDefault();
              navigate(BASE + r);
            }}
          >
            {r}
          </a>
        ))}
      </nav>
      <h1 id="route">{path.slice(BASE.length) || '/'}</h1>
    </main>
  );
}

startBanner();
createRoot(document.getElementById('root')).render(
  <IntercomProvider appId="bundle42" autoBoot autoBootProps={{customAttributes: {plan: 'react'}}}>
    <App />
  </IntercomProvider>,
);
