/**
 * The seam between motcua and the centre's one-stop system. A provider answers "what is the state of dossier X":
 * the built-in simulator (default) or the HTTP adapter for the province's API. Codes reach a provider normalised
 * (see normalizeDossierCode).
 */
import type { ErrorCode } from '../errors.js';
import type { DossierStatus } from './status.js';

/** One dossier as motcua understands it, whatever format the centre speaks. */
export interface Dossier {
  code: string;
  procedureCode: string;
  procedureName: string;
  /** Full name as the centre sends it. Never shown or logged: use maskName. */
  applicantName: string;
  receivedAt: Date;
  dueAt: Date;
  status: DossierStatus;
  /** When the result was handed over (NgayTra). */
  returnedAt?: Date;
  /** When processing finished (NgayKetThucXuLy). */
  finishedAt?: Date;
  /** The unit handling the dossier (DonViXuLy). */
  unit?: string;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface DossierProviderState {
  mode: 'simulator' | 'http';
  circuit: CircuitState;
  consecutiveFailures: number;
  lastError?: ErrorCode;
  lastErrorAt?: string;
  lastSuccessAt?: string;
  /** While open: when a trial request will be let through. */
  retryAt?: string;
}

export interface GetDossierOptions {
  /** Aborting gives up (the attempt in flight and any retry) with center_api:timeout. */
  signal?: AbortSignal;
}

export interface DossierProvider {
  readonly mode: 'simulator' | 'http';
  /**
   * The dossier with this (normalised) code, or null when the centre does not know it.
   * @throws AppError center_api:timeout | center_api:unavailable | center_api:unauthorized | center_api:bad_response |
   *   center_api:circuit_open
   */
  getDossier(code: string, options?: GetDossierOptions): Promise<Dossier | null>;
  /** A snapshot for /health; never throws, never contains the URL or token. */
  state(): DossierProviderState;
}
