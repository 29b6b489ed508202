// The load model's factors (DESIGN §5), by hour of day (0–23) and month (1–12, index 0 unused).

export const HOURLY = {
  residential: [
    0.6, 0.5, 0.45, 0.45, 0.5, 0.6, 0.9, 1.2, 1.1, 0.9, 0.85, 0.85, 0.9, 0.85, 0.85, 0.9, 1.1, 1.5, 1.9, 1.8,
    1.6, 1.4, 1.1, 0.8,
  ],
  commercial: [
    0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.7, 1.1, 1.5, 1.7, 1.8, 1.8, 1.7, 1.8, 1.8, 1.7, 1.5, 1.1, 0.8, 0.6, 0.5,
    0.5, 0.4, 0.4,
  ],
} as const;

export const SOLAR_HOURLY = [
  0, 0, 0, 0, 0, 0, 0.05, 0.15, 0.3, 0.5, 0.65, 0.75, 0.8, 0.75, 0.65, 0.5, 0.3, 0.15, 0.05, 0, 0, 0, 0, 0,
] as const;

export const MONTHLY = [0, 1.3, 1.25, 1.1, 0.95, 0.85, 0.8, 0.8, 0.8, 0.9, 1.0, 1.15, 1.3] as const;
export const SOLAR_MONTHLY = [0, 0.2, 0.35, 0.6, 0.85, 1.0, 1.05, 1.05, 0.95, 0.7, 0.45, 0.25, 0.15] as const;

export const PROFILES = ['residential', 'commercial'] as const;
export const HOURS_PER_YEAR = 8760;
export const INTERVAL_MINUTES = 15;
/** Hours per interval: energy (kWh) = flow (kW) × this. */
export const INTERVAL_HOURS = 0.25;

/**
 * A node's net load in kW at hour `h` of month `m`, written exactly as DESIGN §5 states it:
 * `annualKwh / 8760 × H[profile][h] × M[m] − pvKwp × S[h] × SM[m]`.
 */
export function netLoadKw(
  node: { annualKwh: number; profile: 'residential' | 'commercial'; pvKwp: number },
  hour: number,
  month: number,
): number {
  const h = HOURLY[node.profile][hour]!;
  return (
    (node.annualKwh / HOURS_PER_YEAR) * h * MONTHLY[month]! -
    node.pvKwp * SOLAR_HOURLY[hour]! * SOLAR_MONTHLY[month]!
  );
}
