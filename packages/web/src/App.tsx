import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { ChildPage } from './pages/ChildPage';
import { ChildrenPage } from './pages/ChildrenPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RetentionSchedulePage } from './pages/RetentionSchedulePage';
import { SignInPage } from './pages/SignInPage';
import { WorklistPage } from './pages/WorklistPage';
import { RequireSignIn, SessionProvider } from './session/session';

/**
 * The app's pages. The server answers index.html for each of these paths (its SPA
 * fallback, packages/server/src/http/web.routes.ts), so every one can be bookmarked.
 */
export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Layout>
          <Routes>
            <Route path="/" element={<Navigate to="/children" replace />} />
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/children" element={<RequireSignIn><ChildrenPage /></RequireSignIn>} />
            <Route path="/children/:id" element={<RequireSignIn><ChildPage /></RequireSignIn>} />
            <Route path="/retention" element={<RequireSignIn><RetentionSchedulePage /></RequireSignIn>} />
            <Route path="/worklist" element={<RequireSignIn><WorklistPage /></RequireSignIn>} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Layout>
      </SessionProvider>
    </BrowserRouter>
  );
}
