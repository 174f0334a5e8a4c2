import { createContext, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import type { Health, MoodModel } from '../api/types';
import { requiredContext } from './required-context';
import { usePoll } from './use-poll';

/** Polled every few seconds, faster while a training runs so its new model shows up at once. */
const IDLE_POLL_MS = 5000;
const TRAINING_POLL_MS = 1500;

export interface ServiceStatus {
  health: Health | undefined;
  healthError: ApiError | undefined;
  /** null: the service has no active model yet; undefined: not known yet. */
  activeModel: MoodModel | null | undefined;
  activeModelError: ApiError | undefined;
  /** Asks again now, after an action that changes the model or starts a training. */
  refresh: () => void;
}

const ServiceStatusContext = createContext<ServiceStatus | null>(null);

export const useServiceStatus = requiredContext(ServiceStatusContext, 'ServiceStatusProvider');

/** The service's health and active model, shared by the header and every panel. */
export function ServiceStatusProvider({ children }: { children: ComponentChildren }) {
  const [training, setTraining] = useState(false);
  const pollMs = training ? TRAINING_POLL_MS : IDLE_POLL_MS;
  const health = usePoll(api.health, pollMs);
  const activeModel = usePoll(api.activeModel, pollMs);
  // A change of pace re-polls both at once: the end of a training shows its new model immediately.
  const trainingNow = Boolean(health.data?.details.mood?.training_run_id);
  useEffect(() => setTraining(trainingNow), [trainingNow]);
  const refresh = () => {
    health.refresh();
    activeModel.refresh();
  };
  return (
    <ServiceStatusContext.Provider
      value={{
        health: health.data,
        healthError: health.error,
        activeModel: activeModel.data,
        activeModelError: activeModel.error,
        refresh,
      }}
    >
      {children}
    </ServiceStatusContext.Provider>
  );
}
