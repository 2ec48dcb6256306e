// Jest (before Node 24.9) cannot require() an ES module. @fastify/static (under @fastify/swagger-ui) requires the
// ESM-only content-disposition 3 for reply.download() alone, which restpose never calls; under Jest it gets this
// stand-in so the real swagger UI and static serving load. Outside Jest, Node 20.19+ loads the real module.
exports.create = () => {
  throw new Error('content-disposition stand-in: reply.download() is not available under Jest');
};
