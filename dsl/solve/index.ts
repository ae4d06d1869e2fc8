/**
 * optlayers DSL solve routes: the float64, tensor-free engines that solve a
 * compiled problem (affine-solver-affine form, Agrawal et al., "Differentiable
 * Convex Optimization Layers", 2019), shared by `problem.solve` and the
 * convex layers of src/convex:
 * - the SCS route (any cones; derivative by "Differentiating through a cone
 *   program", Agrawal et al., 2019);
 * - the QP route (LPs/QPs; batched interior point method of OptNet, Amos &
 *   Kolter, 2017, after eliminating defined variables);
 * - the choice between them (`selectRoute`, `SolverChoice`).
 */
export { CompiledSolver, type CompiledSolution, type CompiledSolveOptions } from './compiled_solver.js';
export { EqualityElimination } from './equality_elimination.js';
export { QpDataMap, isQpCompatible } from './qp_data_map.js';
export { QpRoute } from './qp_route.js';
export { SOLVER_CHOICES, describeCones, selectRoute, type RouteSelection, type RouteSelectionOptions, type SolverChoice } from './route_choice.js';
export type { ConvexRoute, RouteSolution, RouteSolver } from './route_types.js';
export { ScsRoute } from './scs_route.js';
export { solveQpWithoutVariables } from './qp_without_variables.js';
