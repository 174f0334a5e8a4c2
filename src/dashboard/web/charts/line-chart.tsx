import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line (or row of dots) over the chart's x values; null leaves a gap. */
export interface LineSeries {
  label: string;
  values: (number | null)[];
  colour: string;
  /** Canvas dash pattern, e.g. [6, 4] for a forecast. */
  dash?: number[];
  /** Draw a dot at each value (sparse observations). */
  points?: boolean;
  /** false: dots only, no line between them. */
  line?: boolean;
}

/** A shaded area between two bounds over the x values (an uncertainty interval, a ± spread). */
export interface IntervalBand {
  label: string;
  lower: (number | null)[];
  upper: (number | null)[];
  colour: string;
  fill: string;
}

/** An interval at one x only (a forecast's interval at its horizon): a vertical bar with caps. */
export interface Whisker {
  x: number;
  lower: number;
  upper: number;
  colour: string;
}

export interface LineChartSpec {
  /** The chart's accessible name; its data must also be shown as text beside it. */
  label: string;
  /** Ascending x values: seconds since the epoch for `time`, plain numbers (epochs) otherwise. */
  x: number[];
  xAxis: 'time' | 'number';
  series: LineSeries[];
  bands?: IntervalBand[];
  whiskers?: Whisker[];
  /** Formats y values on the axis and in the legend (units, rounding). */
  formatY?: (value: number) => string;
  height?: number;
  legend?: boolean;
}

const AXIS = {
  stroke: '#333333',
  grid: { stroke: '#e3e3e3', width: 1 },
  ticks: { stroke: '#c4c4c4' },
};

/**
 * A line chart drawn by uPlot (canvas), sized to its container and resized with it, so it fits a
 * phone as well as a desktop. Used for trends and forecasts; the same spec draws per-epoch curves
 * (x: epochs) with a ± band. The chart is rebuilt only when `spec` is a new object: build it with
 * useMemo from the answer it shows, so polling elsewhere on the page does not redraw it.
 */
export function LineChart({ spec }: { spec: LineChartSpec }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(chartOptions(spec, element.clientWidth), chartData(spec), element);
    const observer = new ResizeObserver(() => {
      chart.setSize({ width: element.clientWidth, height: chart.height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [spec]);

  return <div class="line-chart" role="img" aria-label={spec.label} ref={container} />;
}

function chartData(props: LineChartSpec): uPlot.AlignedData {
  return [
    props.x,
    ...props.series.map((series) => series.values),
    ...(props.bands ?? []).flatMap((band) => [band.upper, band.lower]),
  ];
}

function chartOptions(props: LineChartSpec, width: number): uPlot.Options {
  const format = props.formatY ?? ((value: number) => String(value));
  const bandSeries = (props.bands ?? []).flatMap((band): uPlot.Series[] =>
    ['upper', 'lower'].map((edge) => ({
      label: `${band.label} (${edge})`,
      stroke: band.colour,
      width: 1,
      points: { show: false },
      value: (_: uPlot, value: number | null) => (value === null ? '—' : format(value)),
    })),
  );
  const firstBand = 1 + props.series.length;
  const whiskers = props.whiskers ?? [];
  return {
    width: Math.max(200, width),
    height: props.height ?? 220,
    legend: { show: props.legend ?? true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: {
        time: props.xAxis === 'time',
        // A little room at both ends, so the first and last points (a forecast) are not cut in half.
        range: (_chart, min, max) => {
          const pad = (max - min) * 0.04 || 1;
          return [min - pad, max + pad];
        },
      },
      y: {
        // The whiskers are drawn outside uPlot's data: widen the range so they are never cut off.
        range: (_chart, min, max) =>
          uPlot.rangeNum(
            Math.min(min, ...whiskers.map((whisker) => whisker.lower)),
            Math.max(max, ...whiskers.map((whisker) => whisker.upper)),
            0.1,
            true,
          ),
      },
    },
    axes: [{ ...AXIS }, { ...AXIS, size: 56, values: (_chart, splits) => splits.map(format) }],
    series: [
      { label: props.xAxis === 'time' ? 'Time' : 'Epoch' },
      ...props.series.map((series): uPlot.Series => ({
        label: series.label,
        stroke: series.colour,
        width: 2,
        dash: series.dash,
        paths: series.line === false ? () => null : undefined,
        points: { show: series.points ?? false, size: 7, fill: series.colour },
        spanGaps: false,
        value: (_: uPlot, value: number | null) => (value === null ? '—' : format(value)),
      })),
      ...bandSeries,
    ],
    bands: (props.bands ?? []).map((band, i) => ({
      series: [firstBand + 2 * i, firstBand + 2 * i + 1] as [number, number],
      fill: band.fill,
    })),
    hooks: { draw: [(chart) => drawWhiskers(chart, whiskers)] },
  };
}

function drawWhiskers(chart: uPlot, whiskers: Whisker[]): void {
  const { ctx } = chart;
  const cap = 6 * uPlot.pxRatio;
  ctx.save();
  for (const whisker of whiskers) {
    const x = chart.valToPos(whisker.x, 'x', true);
    const top = chart.valToPos(whisker.upper, 'y', true);
    const bottom = chart.valToPos(whisker.lower, 'y', true);
    ctx.strokeStyle = whisker.colour;
    ctx.lineWidth = 2 * uPlot.pxRatio;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.moveTo(x - cap, top);
    ctx.lineTo(x + cap, top);
    ctx.moveTo(x - cap, bottom);
    ctx.lineTo(x + cap, bottom);
    ctx.stroke();
  }
  ctx.restore();
}
