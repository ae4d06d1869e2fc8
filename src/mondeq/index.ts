export { monotoneW, monDeqOperator, spectralNorm64, type MonDeqOperator } from './mondeq_operator.js';
export { resolveMonDeqOptions, checkMonotonicity, type MonDeqOptions, type MonDeqSplitting, type ResolvedMonDeqOptions } from './mondeq_options.js';
export { forwardBackwardMap, peacemanRachfordMap, backwardForwardBackwardMap, backwardPeacemanRachfordMap } from './mondeq_splitting.js';
export { monDeq, type MonDeqWeights, type MonDeqResult } from './mondeq_function.js';
export { MonDEQLayer, monDeqLayer, type MonDEQLayerArgs, type MonDeqBaseLayerArgs } from './mondeq_layer.js';
export * from './ibp/index.js';
