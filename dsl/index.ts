/**
 * optlayers/dsl: a disciplined parametrized programming (DPP) modelling
 * language. Build problems from variables, parameters and atoms; check them
 * (DCP/DPP); compile them once into affine-solver-affine form; solve with SCS.
 */
export { type Shape, shapeSize, formatShape } from './shape.js';
export { Value, type NumericInput, toValue } from './value.js';
export { Expression, Constant, AffineExpr, type ExprLike, toExpression, evaluateExpression } from './expr/expression.js';
export { Variable, Parameter, variable, parameter, constant, type VariableOptions, type ParameterOptions } from './expr/leaves.js';
export type { Sign, Curvature, Monotonicity, IntrinsicCurvature } from './expr/sign.js';
export type { AffineOp } from './expr/affine_op.js';
export { add, sub, negate, multiply, matmul, sum, reshape, vec, transpose, hstack, vstack, trace, diag, cumsum, diff, dot } from './expr/functions.js';
export { Atom, type AtomName } from './atoms/atom.js';
export { abs, Abs } from './atoms/abs.js';
export { pos, Pos } from './atoms/pos.js';
export { neg, Neg } from './atoms/neg.js';
export { maximum, Maximum } from './atoms/maximum.js';
export { minimum, Minimum } from './atoms/minimum.js';
export { max, Max } from './atoms/max.js';
export { min, Min } from './atoms/min.js';
export { sumLargest, SumLargest } from './atoms/sum_largest.js';
export { norm1, Norm1 } from './atoms/norm1.js';
export { norm2, Norm2 } from './atoms/norm2.js';
export { normInf, NormInf } from './atoms/norm_inf.js';
export { norm, type NormOrder } from './atoms/norm.js';
export { sumSquares, SumSquares } from './atoms/sum_squares.js';
export { square, Square } from './atoms/square.js';
export { quadOverLin, QuadOverLin } from './atoms/quad_over_lin.js';
export { quadForm, QuadForm } from './atoms/quad_form.js';
export { huber, Huber } from './atoms/huber.js';
export { sqrt, Sqrt } from './atoms/sqrt.js';
export { invPos, InvPos } from './atoms/inv_pos.js';
export { power, Power } from './atoms/power.js';
export { exp, Exp } from './atoms/exp.js';
export { log, Log } from './atoms/log.js';
export { entr, Entr } from './atoms/entr.js';
export { klDiv, KlDiv } from './atoms/kl_div.js';
export { logSumExp, LogSumExp } from './atoms/log_sum_exp.js';
export { logistic, Logistic } from './atoms/logistic.js';
export { Constraint, Inequality, Equality, SocConstraint } from './problem/constraint.js';
export { soc, bounds } from './problem/constraint_functions.js';
export { Objective, minimize, maximize } from './problem/objective.js';
export { Problem, type SolveResult } from './problem/problem.js';
export {
  type SolveOptions,
  type ResolvedSolveOptions,
  resolveSolveOptions,
  SOLVE_OPTION_KEYS,
  resolveTolerance,
  type ToleranceOptions,
  type ResolvedTolerance,
} from './problem/solve_options.js';
export { analyzeExpression, expressionFacts, type AnalysisMode, type ExprFacts, type RuleError } from './analysis/dcp.js';
export { analyzeProblem, type ProblemFacts } from './analysis/problem_analysis.js';
export { compileProblem, buildCompiledProblem, collectParameters, type CompileOptions, type DslCompiledProblem, type CompilableProblem } from './compile/compile.js';
export { thetaFromParameters, problemData, objectiveOffset, thetaGradient, recoverVariables, recoverDuals } from './compile/problem_data.js';
export type { CompiledProblem, DataGradient, ShapedRef, ParameterSlot, VariableSlot, ConstraintSlot } from './compiled_problem.js';
export { CANONICALIZERS, type AtomClasses } from './canon/canon_table.js';
export type { Canonicalizer } from './canon/canonicalizer.js';
export type { CanonResult, ConeConstraint, VariableFactory } from './canon/cone_constraint.js';
export { AffineTensor, CONST } from './canon/affine_tensor.js';
export { initSolvers } from '../solvers/init.js';
export {
  selectRoute,
  SOLVER_CHOICES,
  CompiledSolver,
  type SolverChoice,
  type ConvexRoute,
  type CompiledSolution,
  type CompiledSolveOptions,
  type RouteSelection,
  type RouteSelectionOptions,
  type RouteSolution,
  type RouteSolver,
} from './solve/index.js';
export { PowConeConstraint } from './problem/constraint.js';
export { powCone } from './problem/constraint_functions.js';
export { geoMean, GeoMean } from './atoms/geo_mean.js';
export { pnorm, Pnorm } from './atoms/pnorm.js';
export { harmonicMean, HarmonicMean } from './atoms/harmonic_mean.js';
export { invProd } from './atoms/inv_prod.js';
export { cummax, Cummax } from './atoms/cummax.js';
export { log1p, Log1p } from './atoms/log1p.js';
export { xexp, Xexp } from './atoms/xexp.js';
export { relEntr, RelEntr } from './atoms/rel_entr.js';
export { logNormcdf, LogNormcdf } from './atoms/log_normcdf.js';
export { dotsort, Dotsort } from './atoms/dotsort.js';
export { reduceAlongAxis, type AxisOptions } from './atoms/axis_reduction.js';
export { tv } from './atoms/tv.js';
export { ptp, std, variance } from './atoms/statistics.js';
export { outer, kron, convolve, conv } from './atoms/structured_products.js';
export { upperTri, vecToUpperTri, ceil, floor } from './atoms/triangular.js';
export { mixedNorm, scalarProduct } from './atoms/norm_combinations.js';
