/** One bar of a chart: what it counts and how many. */
export type Bar = { label: string; value: number };

const rowHeight = 28;
const labelWidth = 190;
const barWidth = 300;

/**
 * A horizontal bar chart as inline SVG (no script, no style attribute), read by assistive technology as one image
 * whose description lists every bar; the same numbers are in a table beside it.
 */
export function BarChart({ id, title, bars, unit }: { id: string; title: string; bars: Bar[]; unit: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const described = bars.length === 0 ? `No ${unit}.` : bars.map((b) => `${b.label}: ${b.value}`).join('; ');
  return (
    <figure class="chart" data-testid={`chart-${id}`}>
      <svg viewBox={`0 0 ${labelWidth + barWidth + 80} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{described}</desc>
        {bars.length === 0 && <text x="8" y="22" fill="#4a5866" font-size="14">No {unit} in this period</text>}
        {bars.map((b, i) => {
          const y = i * rowHeight + 4;
          const w = b.value === 0 ? 0 : Math.max(2, (b.value / max) * barWidth);
          return (
            <g key={b.label} data-testid="chart-bar" data-label={b.label} data-value={b.value}>
              <text x={labelWidth - 8} y={y + 17} text-anchor="end" fill="#16202a" font-size="13">{clip(b.label)}</text>
              <rect x={labelWidth} y={y + 3} width={w} height={rowHeight - 8} rx="3" fill="#0b5cad" />
              <text x={labelWidth + w + 6} y={y + 17} fill="#16202a" font-size="13">{b.value}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

const clip = (label: string) => (label.length > 26 ? `${label.slice(0, 25)}…` : label);

/** The numbers of a chart as a table: the text alternative anyone can read, copy or print. */
export function BarTable({ caption, bars, head }: { caption: string; bars: Bar[]; head: [string, string] }) {
  return (
    <table class="data">
      <caption>{caption}</caption>
      <thead>
        <tr><th scope="col">{head[0]}</th><th scope="col" class="num">{head[1]}</th></tr>
      </thead>
      <tbody>
        {bars.map((b) => (
          <tr key={b.label}><th scope="row">{b.label}</th><td class="num">{b.value}</td></tr>
        ))}
      </tbody>
    </table>
  );
}
