// The run's recent rate over time, from the tasksPerSecond of each live runProgress message.

/** One runProgress message: when it came (ms since the epoch) and the rate it carried (tasks/s). */
export type RateSample = { t: number; rate: number };

const WIDTH = 600; // viewBox units
const HEIGHT = 64;

export function Throughput({ samples }: { samples: RateSample[] }) {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || samples.length < 2)
    return <p class="muted">Throughput appears here while the run goes on.</p>;
  const max = Math.max(...samples.map((s) => s.rate), 0.1);
  const span = Math.max(last.t - first.t, 1);
  const points = samples
    .map((s) => `${(((s.t - first.t) / span) * WIDTH).toFixed(1)},${(60 - (s.rate / max) * 54).toFixed(1)}`)
    .join(' ');
  return (
    <>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none">
        <polyline
          fill="none"
          stroke="#2563eb"
          stroke-width="2"
          vector-effect="non-scaling-stroke"
          points={points}
        />
      </svg>
      <span class="muted">
        now {last.rate.toFixed(1)} tasks/s · peak {max.toFixed(1)} tasks/s
      </span>
    </>
  );
}
