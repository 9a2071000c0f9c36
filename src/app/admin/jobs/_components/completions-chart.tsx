// Completions and failures over the metrics window as stacked bars, rendered to SVG on the server with visx
// (d3 scales and shapes as React components): no client script, and colours as SVG attributes, not style
// attributes, so the page's CSP holds.
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { BarStack } from '@visx/shape';
import type { JobMetrics } from '@/jobs/providers/inspection';

const WIDTH = 960;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 44 };
const COLORS = { completed: '#37b24d', failed: '#f03e3e' } as const;
type Key = keyof typeof COLORS;

type Point = JobMetrics['series'][number];

function bucketLabel(at: Date, windowMs: number): string {
  const iso = at.toISOString();
  // Over a day, the date; within one, the time of day (UTC, as everything on the dashboard).
  return windowMs > 24 * 60 * 60 * 1000 ? iso.slice(5, 10) : iso.slice(11, 16);
}

export function CompletionsChart({ metrics }: { metrics: JobMetrics }) {
  const series = metrics.series;
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const peak = Math.max(1, ...series.map((point) => point.completed + point.failed));
  const x = scaleBand<string>({ domain: series.map((point) => point.at.toISOString()), range: [0, innerWidth], padding: 0.2 });
  const y = scaleLinear<number>({ domain: [0, peak], range: [innerHeight, 0], nice: true });
  const ticks = y.ticks(4);
  const labelEvery = Math.max(1, Math.ceil(series.length / 8));
  const total = series.reduce((sum, point) => sum + point.completed + point.failed, 0);

  return (
    <figure className="panel" aria-label="Completions and failures over time">
      <div className="chart-legend">
        <span>
          <span className="swatch swatch-completed" />
          completed
        </span>
        <span>
          <span className="swatch swatch-failed" />
          failed
        </span>
        <span>{total.toLocaleString('en-US')} finished in the window</span>
      </div>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Bar chart of ${series.length} buckets`} data-testid="completions-chart">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} stroke="#e1e4ea" />
              <text x={-8} y={y(tick)} dy="0.32em" textAnchor="end" fontSize={11} fill="#5c6478">
                {tick}
              </text>
            </g>
          ))}
          <BarStack<Point, Key> data={series} keys={['completed', 'failed']} x={(point) => point.at.toISOString()} xScale={x} yScale={y} color={(key) => COLORS[key]}>
            {(stacks) =>
              stacks.map((stack) =>
                stack.bars.map((bar) =>
                  bar.height > 0 ? (
                    <rect key={`${stack.key}-${bar.index}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill={bar.color} data-series={stack.key}>
                      <title>{`${bucketLabel(series[bar.index]!.at, metrics.windowMs)}: ${series[bar.index]![stack.key]} ${stack.key}`}</title>
                    </rect>
                  ) : null,
                ),
              )
            }
          </BarStack>
          {series.map((point, index) =>
            index % labelEvery === 0 ? (
              <text key={index} x={(x(point.at.toISOString()) ?? 0) + x.bandwidth() / 2} y={innerHeight + 18} textAnchor="middle" fontSize={11} fill="#5c6478">
                {bucketLabel(point.at, metrics.windowMs)}
              </text>
            ) : null,
          )}
        </Group>
      </svg>
    </figure>
  );
}
