import { Problem, maximize, minimize, power, variable, constant, square, initSolvers } from '../dsl/index.js';
await initSolvers();
const x = variable(1, 'x');
for (const solver of ['auto', 'scs'] as const) {
  const p = new Problem(maximize(x), [power(x.add(2), -2).le(0), x.le(10)]);
  const r = p.solve({ solver });
  console.log(solver, r.status, r.value, r.message);
}
const p2 = new Problem(minimize(x), [x.ge(1e10)]);
console.log(p2.solve({solver:'scs'}));
