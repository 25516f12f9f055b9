/** One day's outcome counts, as the metrics API answers them. */
export interface DayCounts {
  day: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  complained: number;
  failed: number;
}

const HEIGHT = 120;
const BAR = 10;
const GAP = 4;

/**
 * Sent per day as bars, with the opened share drawn inside each bar: an SVG with no inline
 * style (the Studio's CSP allows only its own stylesheet), colours from classes. The numbers
 * themselves are in the table beside it, so the chart is one labelled image for screen readers.
 */
export function DailyChart({ days }: { days: DayCounts[] }) {
  const max = Math.max(1, ...days.map((d) => d.sent));
  const width = days.length * (BAR + GAP);
  const sent = days.reduce((n, d) => n + d.sent, 0);
  const opened = days.reduce((n, d) => n + d.opened, 0);
  const busiest = days.reduce((a, b) => (b.sent > a.sent ? b : a), days[0] ?? { day: "-", sent: 0 });
  return (
    <svg
      className="daily-chart"
      viewBox={`0 0 ${width} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Sent per day over ${days.length} days: ${sent} sent, ${opened} opened; busiest ${busiest.day} with ${busiest.sent}`}
    >
      {days.map((d, i) => {
        const h = (d.sent / max) * HEIGHT;
        const o = (d.opened / max) * HEIGHT;
        const x = i * (BAR + GAP);
        return (
          <g key={d.day}>
            <title>{`${d.day}: ${d.sent} sent, ${d.opened} opened, ${d.clicked} clicked, ${d.bounced} bounced`}</title>
            <rect className="bar-sent" x={x} y={HEIGHT - h} width={BAR} height={h} />
            <rect className="bar-opened" x={x} y={HEIGHT - o} width={BAR} height={o} />
          </g>
        );
      })}
    </svg>
  );
}

/** The last `count` UTC days, oldest first, each with the API's counts or zeros. */
export function fillDays<T extends DayCounts>(
  answered: readonly T[],
  count: number,
  now = new Date(),
): DayCounts[] {
  const byDay = new Map(answered.map((d) => [d.day, d]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(today - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    return (
      byDay.get(day) ?? {
        day,
        sent: 0,
        delivered: 0,
        opened: 0,
        clicked: 0,
        bounced: 0,
        complained: 0,
        failed: 0,
      }
    );
  });
}
