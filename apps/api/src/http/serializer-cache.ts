import { SerializerSelector, type SerializerFactory, type Serializer } from '@fastify/fast-json-stringify-compiler'

/**
 * Fastify's own response serializer factory (fast-json-stringify), compiling each response
 * schema object once instead of once per route, method and status (this app: 2,417
 * compiles at start became 53; the error shape is most of the difference). The compiled
 * function depends only on the schema and the options, never on the route, so routes can
 * share it.
 *
 * Why it matters beyond start-up time: every fast-json-stringify compile leaves a new
 * property name (`__fjs_root_<n>`) on a plain `{}`, and V8 keeps those names as transitions
 * of the one map every `{}` starts from, at most 1,536 of them. Filling that list during
 * start-up made V8 optimise Node's per-request `process.nextTick` into a slow runtime path
 * (about 4 µs of CPU per request on this machine, docs/benchmarks.md).
 */
export function compileEachResponseSchemaOnce(): SerializerFactory {
  const build = SerializerSelector()
  // Contexts with the same shared schemas (`addSchema`) share compiled serializers.
  const caches = new Map<string, WeakMap<object, Serializer>>()
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    const key = JSON.stringify(externalSchemas ?? {})
    const compiled = caches.get(key) ?? new WeakMap<object, Serializer>()
    caches.set(key, compiled)
    return (route) => {
      const schema = route.schema
      if (typeof schema !== 'object' || schema === null) return compile(route)
      let serializer = compiled.get(schema)
      if (serializer === undefined) compiled.set(schema, (serializer = compile(route)))
      return serializer
    }
  }
}
