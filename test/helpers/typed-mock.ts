/**
 * A jest mock typed as the method it stands in for (`typedMock<MoodEngine['load']>(…)`), so a mock
 * whose arguments or answer drift from the class fails to compile.
 */
export function typedMock<F extends (...args: any[]) => any>(
  implementation?: (...args: Parameters<F>) => ReturnType<F>,
): jest.Mock<ReturnType<F>, Parameters<F>> {
  return jest.fn<ReturnType<F>, Parameters<F>>(implementation);
}
