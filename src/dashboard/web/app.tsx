import { CatalogPanel } from './catalog/catalog-panel';
import { AdminKeyProvider } from './components/admin-key';
import { ServiceStatusProvider } from './components/service-status';
import { StatusHeader } from './components/status-header';
import { type Tab, Tabs } from './components/tabs';
import { TrainingPanel } from './training/training-panel';
import { TryItPanel } from './try-it/try-it-panel';

/** The dashboard's panels, in tab order; each is its own folder. */
const PANELS: Tab[] = [
  { id: 'training', label: 'Training', render: () => <TrainingPanel /> },
  { id: 'try-it', label: 'Try it', render: () => <TryItPanel /> },
  { id: 'catalog', label: 'Catalog', render: () => <CatalogPanel /> },
];

export function App() {
  return (
    <ServiceStatusProvider>
      <AdminKeyProvider>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <StatusHeader />
        <main id="main" tabIndex={-1}>
          <Tabs tabs={PANELS} label="Dashboard sections" />
        </main>
        <footer class="page-footer">
          <a href="/docs">API documentation</a> · <a href="/health">Health (JSON)</a>
        </footer>
      </AdminKeyProvider>
    </ServiceStatusProvider>
  );
}
