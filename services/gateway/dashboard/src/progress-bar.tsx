// A run's progress as an SVG bar: as wide as the gateway's percent, split into finished, failed and
// cancelled segments by their counts. Geometry lives in SVG attributes, not in style attributes, so
// the strict Content-Security-Policy (no 'unsafe-inline') has nothing to refuse.

export type BarCounts = { finished: number; failed: number; cancelled: number };

const SEGMENTS = ['finished', 'failed', 'cancelled'] as const;

export function ProgressBar({
  percent,
  counts,
  large = false,
}: {
  percent: number;
  counts: BarCounts;
  large?: boolean;
}) {
  const done = counts.finished + counts.failed + counts.cancelled;
  let x = 0;
  const rects = SEGMENTS.filter((status) => counts[status] > 0).map((status) => {
    const width = done ? (percent * counts[status]) / done : 0;
    const rect = (
      <rect key={status} class={status} x={x.toFixed(3)} y="0" width={width.toFixed(3)} height="1" />
    );
    x += width;
    return rect;
  });
  return (
    <div
      class={large ? 'bar large' : 'bar'}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Number(percent.toFixed(1))}
      data-percent={percent.toFixed(1)}
    >
      <svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
        {rects}
      </svg>
    </div>
  );
}
