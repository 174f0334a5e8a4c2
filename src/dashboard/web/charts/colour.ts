/**
 * Colours the dashboard computes rather than states in its style sheet: the heat-map scale and the
 * text drawn on it, chosen so every cell keeps WCAG AA contrast (4.5:1) whatever its shade.
 */

type Rgb = readonly [number, number, number];

/** A sequential blue scale (ColorBrewer "Blues"): light for rare, dark for frequent. */
const HEAT_STOPS: readonly Rgb[] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

export const BLACK = '#000000';
export const WHITE = '#ffffff';

function parseHex(hex: string): Rgb {
  const value = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(value.slice(i, i + 2), 16)) as unknown as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG 2 relative luminance of an sRGB colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** The shade of a heat-map cell for a share between 0 and 1 (clamped). */
export function heatColour(share: number): string {
  const position =
    Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0)) * (HEAT_STOPS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(HEAT_STOPS.length - 1, low + 1);
  const t = position - low;
  return toHex(
    HEAT_STOPS[low].map(
      (channel, i) => channel + (HEAT_STOPS[high][i] - channel) * t,
    ) as unknown as Rgb,
  );
}

/** Black or white, whichever reads better on the background (always at least 4.58:1). */
export function readableTextOn(background: string): string {
  return contrastRatio(background, BLACK) >= contrastRatio(background, WHITE) ? BLACK : WHITE;
}
