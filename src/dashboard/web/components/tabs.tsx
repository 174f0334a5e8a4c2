import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Tab {
  /** Also the URL fragment (#training), so a panel can be linked to and survives a reload. */
  id: string;
  label: string;
  render: () => ComponentChildren;
}

const tabIdOf = (id: string) => `tab-${id}`;
const panelIdOf = (id: string) => `panel-${id}`;

function tabFromLocation(tabs: Tab[]): string {
  const wanted = window.location.hash.slice(1);
  return tabs.some((tab) => tab.id === wanted) ? wanted : tabs[0].id;
}

/**
 * The WAI-ARIA tabs pattern: one Tab stop for the tab list, arrow keys (and Home/End) move between
 * tabs and show them, Tab moves on into the shown panel. Hidden panels stay mounted (hidden), so what
 * a user typed or asked in one survives a visit to another.
 */
export function Tabs({ tabs, label }: { tabs: Tab[]; label: string }) {
  const [selected, setSelected] = useState(() => tabFromLocation(tabs));
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});

  useEffect(() => {
    const onHashChange = () => setSelected(tabFromLocation(tabs));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [tabs]);

  const select = (id: string, focus = false) => {
    setSelected(id);
    window.history.replaceState(null, '', `#${id}`);
    if (focus) buttons.current[id]?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const next: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    if (!(event.key in next)) return;
    event.preventDefault();
    select(tabs[next[event.key]].id, true);
  };

  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0];
  return (
    <>
      <div class="tab-list" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              buttons.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={tabIdOf(tab.id)}
            aria-selected={tab.id === current.id}
            aria-controls={panelIdOf(tab.id)}
            tabIndex={tab.id === current.id ? 0 : -1}
            onClick={() => select(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <section
          key={tab.id}
          class="tab-panel"
          role="tabpanel"
          id={panelIdOf(tab.id)}
          aria-labelledby={tabIdOf(tab.id)}
          hidden={tab.id !== current.id}
        >
          {tab.render()}
        </section>
      ))}
    </>
  );
}
