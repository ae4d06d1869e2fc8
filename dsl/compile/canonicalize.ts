import { Atom } from '../atoms/atom.js';
import { type AffineTensor, CONST, constantTensor, parameterTensor, scaleTensor, variableTensor } from '../canon/affine_tensor.js';
import { CANONICALIZERS } from '../canon/canon_table.js';
import type { Canonicalizer } from '../canon/canonicalizer.js';
import type { ConeConstraint, VariableFactory } from '../canon/cone_constraint.js';
import { AffineExpr, type Expression } from '../expr/expression.js';
import type { Parameter, Variable } from '../expr/leaves.js';
import { OptlayersError, ValueError } from '../../solvers/errors.js';

/** The cones the interior point LP/QP route cannot take. */
export type NonLinearCone = 'soc' | 'exp' | 'power';

/**
 * State of one canonicalization pass: solver columns handed out so far, where
 * each user variable's block starts, where each parameter sits in theta (or
 * `null` to freeze parameters to their current values for non-DPP problems),
 * and the cone constraints collected from the canonicalizers.
 */
export class CanonContext implements VariableFactory {
  columns = 0;
  readonly variableOffsets = new Map<Variable, number>();
  readonly constraints: ConeConstraint[] = [];
  /**
   * Atoms whose canonicalizer emitted a cone beyond zero/nonnegative (the
   * first such cone of each), in canonicalization order: what keeps a problem
   * off the LP/QP route, for error messages.
   */
  readonly nonLinearConeSources: { readonly atom: Atom; readonly cone: NonLinearCone }[] = [];
  private readonly memo = new Map<Expression, AffineTensor>();

  constructor(readonly parameterOffsets: ReadonlyMap<Parameter, number> | null) {}

  newVariable(size: number): AffineTensor {
    const t = variableTensor(size, this.columns);
    this.columns += size;
    return t;
  }

  /** The affine tensor of `e`, canonicalizing every nonlinear atom below it (shared sub-expressions once). */
  canonicalize(e: Expression): AffineTensor {
    const known = this.memo.get(e);
    if (known) return known;
    const t = this.compute(e);
    this.memo.set(e, t);
    return t;
  }

  private compute(e: Expression): AffineTensor {
    switch (e.kind) {
      case 'variable':
        return this.variable(e as Variable);
      case 'parameter':
        return this.parameter(e as Parameter);
      case 'constant':
        return constantTensor(e.evaluate([])!);
      case 'affine':
        return (e as AffineExpr).linearize(e.args.map((a) => this.canonicalize(a)));
      case 'atom': {
        const atom = e as Atom;
        const args = atom.args.map((a) => this.canonicalize(a));
        // An atom of constants (or, with parameters frozen, of parameter values) is a number, whatever
        // side of a constraint it stands on: evaluate it. Emitting its epigraph/hypograph cones would
        // only bound it from one side (e.g. x <= t, t >= square(2) lets t grow), which the DCP analysis
        // never asked for since it gave the atom constant curvature.
        const values = args.map(constantValues);
        if (values.every((v): v is Float64Array => v !== undefined)) return this.constantAtom(atom, values);
        const canon = CANONICALIZERS[atom.atomName] as Canonicalizer<Atom> | undefined;
        if (!canon) throw new OptlayersError(`no canonicalizer for atom ${atom.atomName}`);
        const out = canon(atom, args, this);
        const beyondLp = out.constraints.find((c) => c.cone === 'soc' || c.cone === 'exp' || c.cone === 'power');
        if (beyondLp) this.nonLinearConeSources.push({ atom, cone: beyondLp.cone as NonLinearCone });
        this.constraints.push(...out.constraints);
        return out.expr;
      }
    }
  }

  private constantAtom(atom: Atom, values: Float64Array[]): AffineTensor {
    const out = atom.evaluate(values);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i]!)) {
        throw new ValueError(`${atom} has no variables and evaluates to ${out[i]} at entry ${i}: its constant arguments lie outside the atom's domain`);
      }
    }
    return constantTensor(out);
  }

  private variable(v: Variable): AffineTensor {
    let off = this.variableOffsets.get(v);
    if (off === undefined) {
      off = this.columns;
      this.columns += v.size;
      this.variableOffsets.set(v, off);
      const t = variableTensor(v.size, off);
      // Sign attributes become constraints (CVXPY does the same).
      if (v.nonneg) this.constraints.push({ cone: 'nonneg', expr: t });
      if (v.nonpos) this.constraints.push({ cone: 'nonneg', expr: scaleTensor(t, -1) });
      return t;
    }
    return variableTensor(v.size, off);
  }

  private parameter(p: Parameter): AffineTensor {
    if (this.parameterOffsets === null) {
      const v = p.value;
      if (v === undefined) throw new ValueError(`parameter ${p.name} has no value; assign ${p.name}.value before solving`);
      return constantTensor(v.data);
    }
    const off = this.parameterOffsets.get(p);
    if (off === undefined) throw new OptlayersError(`internal: parameter ${p.name} has no slot in theta`);
    return parameterTensor(p.size, off);
  }
}

/**
 * The dense values of a tensor with neither solver-variable nor parameter
 * terms (every term multiplies 1), duplicates summed; undefined otherwise.
 */
export function constantValues(t: AffineTensor): Float64Array | undefined {
  for (let k = 0; k < t.nnz; k++) if (t.xcols[k] !== CONST || t.tcols[k] !== CONST) return undefined;
  const out = new Float64Array(t.size);
  for (let k = 0; k < t.nnz; k++) out[t.rows[k]!] += t.vals[k]!;
  return out;
}
