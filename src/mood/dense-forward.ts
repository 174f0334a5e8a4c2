import type * as tf from '@tensorflow/tfjs';

/** `rows` rows of inputs in (row-major, one flat array), rows of outputs out: one network's forward pass. */
export type ForwardPass = (inputs: ArrayLike<number>, rows: number) => number[][];

/** Applies an activation in place to `rows` rows of `width` values each. */
type Activation = (values: Float64Array, rows: number, width: number) => void;

const ACTIVATIONS: Record<string, Activation> = {
  linear: () => undefined,
  relu: (values) => {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
  },
  sigmoid: (values) => {
    for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
  },
  tanh: (values) => {
    for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i]);
  },
  softmax: (values, rows, width) => {
    for (let r = 0; r < rows; r++) {
      const start = r * width;
      let max = -Infinity;
      for (let j = start; j < start + width; j++) if (values[j] > max) max = values[j];
      let sum = 0;
      for (let j = start; j < start + width; j++) sum += values[j] = Math.exp(values[j] - max);
      for (let j = start; j < start + width; j++) values[j] /= sum;
    }
  },
};

/** One layer of the graph, evaluated for every row at once: reads earlier steps' outputs. */
interface Step {
  width: number;
  run(inputs: Float64Array[], rows: number): Float64Array;
  inputs: number[];
}

/**
 * The inference of a small dense network (Dense layers with linear, ReLU, sigmoid, tanh or softmax
 * activations, Dropout, Average, Activation) as plain arithmetic over its trained weights, read once from the
 * TensorFlow.js model. For a request of ten tracks TensorFlow.js spends a few hundred microseconds
 * in per-call bookkeeping (kernel dispatch, tensor tracking, tidy) around a few microseconds of
 * arithmetic; this pass gives the same numbers (tested against the model's own predict). Returns
 * undefined for any other layer, and the caller keeps TensorFlow.js's predict.
 */
export function compileForwardPass(network: tf.LayersModel): ForwardPass | undefined {
  if (network.inputs.length !== 1 || network.outputs.length !== 1) return undefined;
  const steps: Step[] = [];
  const stepOf = new Map<tf.SymbolicTensor, number>();
  const visit = (tensor: tf.SymbolicTensor): number | undefined => {
    const known = stepOf.get(tensor);
    if (known !== undefined) return known;
    const layer = tensor.sourceLayer;
    const kind = layer.getClassName();
    let step: Step | undefined;
    if (kind === 'InputLayer') {
      step = { width: tensor.shape[1] as number, inputs: [], run: () => new Float64Array() };
    } else {
      const inputs = tensor.inputs.map(visit);
      if (inputs.some((input) => input === undefined)) return undefined;
      step = layerStep(layer, kind, inputs as number[], steps);
    }
    if (!step) return undefined;
    steps.push(step);
    stepOf.set(tensor, steps.length - 1);
    return steps.length - 1;
  };
  const output = visit(network.outputs[0]);
  if (output === undefined) return undefined;
  const inputStep = stepOf.get(network.inputs[0]);
  if (inputStep === undefined) return undefined;
  const inputWidth = steps[inputStep].width;
  const outputWidth = steps[output].width;

  return (inputs, rows) => {
    if (inputs.length !== rows * inputWidth) {
      throw new Error(`Expected ${rows} rows of ${inputWidth} inputs, got ${inputs.length} values`);
    }
    const values: Float64Array[] = new Array<Float64Array>(steps.length);
    const input = Float64Array.from(inputs);
    steps.forEach((step, index) => {
      values[index] =
        index === inputStep
          ? input
          : step.run(
              step.inputs.map((i) => values[i]),
              rows,
            );
    });
    const result = values[output];
    return Array.from({ length: rows }, (_, r) =>
      Array.from(result.subarray(r * outputWidth, (r + 1) * outputWidth)),
    );
  };
}

const activationOf = (layer: tf.layers.Layer): Activation | undefined =>
  ACTIVATIONS[(layer.getConfig() as { activation?: string }).activation ?? 'linear'];

function layerStep(
  layer: tf.layers.Layer,
  kind: string,
  inputs: number[],
  steps: readonly Step[],
): Step | undefined {
  const width = steps[inputs[0]].width;
  if (kind === 'Dropout') return { width, inputs, run: ([values]) => values }; // inference: identity
  if (kind === 'Activation') {
    const activation = activationOf(layer);
    if (!activation) return undefined;
    return {
      width,
      inputs,
      run: ([values], rows) => {
        const out = Float64Array.from(values);
        activation(out, rows, width);
        return out;
      },
    };
  }
  if (kind === 'Average') {
    return {
      width,
      inputs,
      run: (parts) => {
        const mean = new Float64Array(parts[0].length);
        for (const part of parts) for (let j = 0; j < mean.length; j++) mean[j] += part[j];
        for (let j = 0; j < mean.length; j++) mean[j] /= parts.length;
        return mean;
      },
    };
  }
  if (kind !== 'Dense') return undefined;
  const activation = activationOf(layer);
  if (!activation) return undefined;
  const [kernel, bias] = layer.getWeights();
  const [fanIn, units] = kernel.shape as [number, number];
  if (fanIn !== width) return undefined;
  // Transposed (one row of weights per unit), so each output is one dot product in a register.
  const kernelValues = kernel.dataSync();
  const weights = new Float64Array(fanIn * units);
  for (let i = 0; i < fanIn; i++) {
    for (let j = 0; j < units; j++) weights[j * fanIn + i] = kernelValues[i * units + j];
  }
  const offsets = bias ? Float64Array.from(bias.dataSync()) : new Float64Array(units);
  return {
    width: units,
    inputs,
    run: ([values], rows) => {
      const out = new Float64Array(rows * units);
      for (let r = 0; r < rows; r++) {
        const inBase = r * fanIn;
        const outBase = r * units;
        for (let j = 0; j < units; j++) {
          const weightBase = j * fanIn;
          let sum = offsets[j];
          for (let i = 0; i < fanIn; i++) sum += values[inBase + i] * weights[weightBase + i];
          out[outBase + j] = sum;
        }
      }
      activation(out, rows, units);
      return out;
    },
  };
}
