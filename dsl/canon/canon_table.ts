import type { Abs } from '../atoms/abs.js';
import type { AtomName } from '../atoms/atom.js';
import type { Entr } from '../atoms/entr.js';
import type { Exp } from '../atoms/exp.js';
import type { Huber } from '../atoms/huber.js';
import type { InvPos } from '../atoms/inv_pos.js';
import type { KlDiv } from '../atoms/kl_div.js';
import type { Log } from '../atoms/log.js';
import type { LogSumExp } from '../atoms/log_sum_exp.js';
import type { Logistic } from '../atoms/logistic.js';
import type { Max } from '../atoms/max.js';
import type { Maximum } from '../atoms/maximum.js';
import type { Min } from '../atoms/min.js';
import type { Minimum } from '../atoms/minimum.js';
import type { Neg } from '../atoms/neg.js';
import type { Norm1 } from '../atoms/norm1.js';
import type { Norm2 } from '../atoms/norm2.js';
import type { NormInf } from '../atoms/norm_inf.js';
import type { Pos } from '../atoms/pos.js';
import type { Power } from '../atoms/power.js';
import type { QuadForm } from '../atoms/quad_form.js';
import type { QuadOverLin } from '../atoms/quad_over_lin.js';
import type { Sqrt } from '../atoms/sqrt.js';
import type { Square } from '../atoms/square.js';
import type { SumLargest } from '../atoms/sum_largest.js';
import type { SumSquares } from '../atoms/sum_squares.js';
import type { GeoMean } from '../atoms/geo_mean.js';
import type { Pnorm } from '../atoms/pnorm.js';
import type { HarmonicMean } from '../atoms/harmonic_mean.js';
import type { Cummax } from '../atoms/cummax.js';
import type { Log1p } from '../atoms/log1p.js';
import type { Xexp } from '../atoms/xexp.js';
import type { RelEntr } from '../atoms/rel_entr.js';
import type { LogNormcdf } from '../atoms/log_normcdf.js';
import type { Dotsort } from '../atoms/dotsort.js';
import { absCanon } from './abs_canon.js';
import type { Canonicalizer } from './canonicalizer.js';
import { entrCanon } from './entr_canon.js';
import { expCanon } from './exp_canon.js';
import { huberCanon } from './huber_canon.js';
import { invPosCanon } from './inv_pos_canon.js';
import { klDivCanon } from './kl_div_canon.js';
import { logCanon } from './log_canon.js';
import { logSumExpCanon } from './log_sum_exp_canon.js';
import { logisticCanon } from './logistic_canon.js';
import { maxCanon } from './max_canon.js';
import { maximumCanon } from './maximum_canon.js';
import { minCanon } from './min_canon.js';
import { minimumCanon } from './minimum_canon.js';
import { negCanon } from './neg_canon.js';
import { norm1Canon } from './norm1_canon.js';
import { norm2Canon } from './norm2_canon.js';
import { normInfCanon } from './norm_inf_canon.js';
import { posCanon } from './pos_canon.js';
import { powerCanon } from './power_canon.js';
import { quadFormCanon } from './quad_form_canon.js';
import { quadOverLinCanon } from './quad_over_lin_canon.js';
import { sqrtCanon } from './sqrt_canon.js';
import { squareCanon } from './square_canon.js';
import { sumLargestCanon } from './sum_largest_canon.js';
import { sumSquaresCanon } from './sum_squares_canon.js';
import { geoMeanCanon } from './geo_mean_canon.js';
import { pnormCanon } from './pnorm_canon.js';
import { harmonicMeanCanon } from './harmonic_mean_canon.js';
import { cummaxCanon } from './cummax_canon.js';
import { log1pCanon } from './log1p_canon.js';
import { xexpCanon } from './xexp_canon.js';
import { relEntrCanon } from './rel_entr_canon.js';
import { logNormcdfCanon } from './log_normcdf_canon.js';
import { dotsortCanon } from './dotsort_canon.js';

/** The atom class behind each name (for typing the table). */
export interface AtomClasses {
  abs: Abs;
  pos: Pos;
  neg: Neg;
  maximum: Maximum;
  minimum: Minimum;
  max: Max;
  min: Min;
  sumLargest: SumLargest;
  norm1: Norm1;
  norm2: Norm2;
  normInf: NormInf;
  sumSquares: SumSquares;
  square: Square;
  quadOverLin: QuadOverLin;
  quadForm: QuadForm;
  huber: Huber;
  sqrt: Sqrt;
  invPos: InvPos;
  power: Power;
  exp: Exp;
  log: Log;
  entr: Entr;
  klDiv: KlDiv;
  logSumExp: LogSumExp;
  logistic: Logistic;
  geoMean: GeoMean;
  pnorm: Pnorm;
  harmonicMean: HarmonicMean;
  cummax: Cummax;
  log1p: Log1p;
  xexp: Xexp;
  relEntr: RelEntr;
  logNormcdf: LogNormcdf;
  dotsort: Dotsort;
}

/**
 * The one explicit table from atom name to canonicalizer. Its type requires an
 * entry for every AtomName, so a new atom without a canonicalizer does not compile.
 */
export const CANONICALIZERS: { readonly [K in AtomName]: Canonicalizer<AtomClasses[K]> } = {
  abs: absCanon,
  pos: posCanon,
  neg: negCanon,
  maximum: maximumCanon,
  minimum: minimumCanon,
  max: maxCanon,
  min: minCanon,
  sumLargest: sumLargestCanon,
  norm1: norm1Canon,
  norm2: norm2Canon,
  normInf: normInfCanon,
  sumSquares: sumSquaresCanon,
  square: squareCanon,
  quadOverLin: quadOverLinCanon,
  quadForm: quadFormCanon,
  huber: huberCanon,
  sqrt: sqrtCanon,
  invPos: invPosCanon,
  power: powerCanon,
  exp: expCanon,
  log: logCanon,
  entr: entrCanon,
  klDiv: klDivCanon,
  logSumExp: logSumExpCanon,
  logistic: logisticCanon,
  geoMean: geoMeanCanon,
  pnorm: pnormCanon,
  harmonicMean: harmonicMeanCanon,
  cummax: cummaxCanon,
  log1p: log1pCanon,
  xexp: xexpCanon,
  relEntr: relEntrCanon,
  logNormcdf: logNormcdfCanon,
  dotsort: dotsortCanon,
};

/** Looks up the canonicalizer of an atom. */
export function canonicalizerFor<K extends AtomName>(name: K): Canonicalizer<AtomClasses[K]> {
  return CANONICALIZERS[name];
}
