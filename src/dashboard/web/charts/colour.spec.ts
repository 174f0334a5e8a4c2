import {
  BLACK,
  contrastRatio,
  heatColour,
  readableTextOn,
  relativeLuminance,
  WHITE,
} from './colour';

describe('dashboard colours', () => {
  it('computes WCAG contrast: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 5);
    expect(contrastRatio('#0b5cad', '#0b5cad')).toBe(1);
    expect(relativeLuminance(WHITE)).toBeCloseTo(1, 10);
  });

  it('shades heat-map cells from light (0) to dark (1), clamping outside values', () => {
    expect(heatColour(0)).toBe('#f7fbff');
    expect(heatColour(1)).toBe('#08306b');
    expect(heatColour(-3)).toBe(heatColour(0));
    expect(heatColour(Number.NaN)).toBe(heatColour(0));
    const luminances = [0, 0.25, 0.5, 0.75, 1].map((share) => relativeLuminance(heatColour(share)));
    expect([...luminances].sort((a, b) => b - a)).toEqual(luminances);
  });

  it('keeps every heat-map cell label at WCAG AA contrast (4.5:1) or better', () => {
    for (let share = 0; share <= 1; share += 0.005) {
      const background = heatColour(share);
      expect(contrastRatio(background, readableTextOn(background))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
