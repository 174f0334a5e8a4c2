import { choleskyLower, choleskySolve, symmetricEigen } from './linear-algebra';

/** A random symmetric n × n matrix (row-major), the same for the same seed. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = random();
  }
  return A;
}

describe('choleskyLower and choleskySolve', () => {
  const n = 7;
  // B B' + n I: symmetric positive definite.
  const B = randomSymmetric(n, 11);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) A[i * n + j] += B[i * n + k] * B[j * n + k];
      if (i === j) A[i * n + j] += n;
    }
  }

  it("factorises a positive definite matrix: A = L L', L lower-triangular", () => {
    const L = choleskyLower(A, n)!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j > i) expect(L[i * n + j]).toBe(0);
        let rebuilt = 0;
        for (let k = 0; k < n; k++) rebuilt += L[i * n + k] * L[j * n + k];
        expect(rebuilt).toBeCloseTo(A[i * n + j], 12);
      }
    }
  });

  it('solves A x = b through the factor', () => {
    const b = Array.from({ length: n }, (_, i) => i - 3);
    const x = choleskySolve(choleskyLower(A, n)!, b, n);
    for (let i = 0; i < n; i++) {
      let product = 0;
      for (let j = 0; j < n; j++) product += A[i * n + j] * x[j];
      expect(product).toBeCloseTo(b[i], 12);
    }
  });

  it('answers null for a matrix that is not positive definite', () => {
    expect(choleskyLower([1, 2, 2, 1], 2)).toBeNull(); // eigenvalues 3 and -1
    expect(choleskyLower([0, 0, 0, 1], 2)).toBeNull(); // singular
  });
});

describe('symmetricEigen', () => {
  it("decomposes a symmetric matrix into orthonormal vectors and values: A = V diag(d) V'", () => {
    const n = 9;
    const A = randomSymmetric(n, 7);
    const { values, vectors } = symmetricEigen(A, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let c = 0; c < n; c++) {
          rebuilt += vectors[i * n + c] * values[c] * vectors[j * n + c];
          gram += vectors[c * n + i] * vectors[c * n + j];
        }
        expect(rebuilt).toBeCloseTo(A[i * n + j], 12);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });
});
