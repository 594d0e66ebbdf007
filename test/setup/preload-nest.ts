// nestjs-cls and its transactional plugin are CommonJS and require() @nestjs/common and
// @nestjs/core, which are ES modules in Nest 12. Node evaluates an import graph in order, so by
// the time those require() calls run the Nest modules have run. Jest instead loads a CommonJS
// module while it is still linking the ES graph around it, before anything in it has run, and
// refuses such a require() as a cycle. Running the Nest modules first, in the setup of each test
// file, hands those require() calls modules that have already been evaluated.
await import('@nestjs/common');
await import('@nestjs/core');
