import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { pgdAttack } from '../../../src/robust/index.js';
import { denseLayersF64, randomReluModel, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
});

describe('pgdAttack', () => {
  it('on an undefended linear classifier it fools exactly the examples within ℓ∞ distance ε of the boundary (closed form margin/‖w_y − w_j‖₁)', () => {
    const model = randomReluModel([5, 2], 41);
    const [layer] = denseLayersF64(model);
    const xs = Array.from({ length: 40 }, (_, i) => uniforms(5, 700 + i, 0, 1));
    const x = tf.tensor2d(xs);
    const labels = tf.tidy(() => Array.from(tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync()));
    const eps = 0.15;
    const attack = pgdAttack(model, x, labels, eps, { steps: 40, stepSize: 0.01 });
    let fooledCount = 0;
    xs.forEach((xv, b) => {
      const y = labels[b]!;
      const w = layer!.kernel.map((row) => row[y]! - row[1 - y]!);
      const margin = w.reduce((s, wi, i) => s + wi * xv[i]!, 0) + layer!.bias[y]! - layer!.bias[1 - y]!;
      const distance = margin / w.reduce((s, wi) => s + Math.abs(wi), 0);
      // Clear of the boundary on either side (float32 rounding), the attack's outcome is decided by the closed form.
      if (distance < eps * 0.95) expect(attack.fooled[b]).toBe(true);
      if (distance > eps * 1.05) expect(attack.fooled[b]).toBe(false);
      if (attack.fooled[b]) fooledCount++;
    });
    expect(fooledCount).toBeGreaterThan(0);
    expect(fooledCount).toBeLessThan(xs.length);
    tf.dispose([x, attack.adversarial]);
    model.dispose();
  });

  it('finds adversarial examples on an undefended ReLU network and its iterates never leave the ball ∩ box (with and without random start)', () => {
    const model = randomReluModel([6, 16, 16, 4], 42);
    const xs = Array.from({ length: 30 }, (_, i) => uniforms(6, 800 + i, 0, 1));
    const x = tf.tensor2d(xs);
    const labels = Array.from({ length: 30 }, (_, i) => i % 4);
    for (const randomStart of [false, true]) {
      const eps = 0.2;
      const attack = pgdAttack(model, x, labels, eps, { steps: 40, stepSize: 0.01, inputBox: [0, 1], randomStart, seed: 3 });
      const adv = attack.adversarial.arraySync() as number[][];
      adv.forEach((row, b) =>
        row.forEach((v, i) => {
          expect(Math.abs(v - xs[b]![i]!)).toBeLessThanOrEqual(eps + 1e-6);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }),
      );
      // Labels are arbitrary here (most are already wrong at x); check that every example reported fooled really is misclassified at the returned point.
      const predicted = tf.tidy(() => Array.from(tf.argMax(model.predict(attack.adversarial) as tf.Tensor, 1).dataSync()));
      attack.fooled.forEach((f, b) => expect(f).toBe(predicted[b] !== labels[b]));
      expect(attack.fooled.filter(Boolean).length).toBeGreaterThan(0);
      attack.adversarial.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('does more than the clean point: PGD raises the cross-entropy on correctly classified examples', () => {
    const model = randomReluModel([6, 16, 4], 43);
    const x = tf.tensor2d(Array.from({ length: 20 }, (_, i) => uniforms(6, 900 + i, 0, 1)));
    const labels = tf.tidy(() => Array.from(tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync()));
    const attack = pgdAttack(model, x, labels, 0.05, { steps: 10, stepSize: 0.01 });
    const ce = (z: tf.Tensor): number =>
      tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), model.predict(z) as tf.Tensor).dataSync()[0]!);
    expect(ce(attack.adversarial)).toBeGreaterThan(ce(x) + 1e-3);
    tf.dispose([x, attack.adversarial]);
    model.dispose();
  });
});
