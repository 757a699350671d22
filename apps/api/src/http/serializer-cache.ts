import { SerializerSelector, type SerializerFactory, type Serializer } from '@fastify/fast-json-stringify-compiler'

/**
 * Fastify's own response serializer factory (fast-json-stringify), compiling each response
 * schema object once instead of once per route, method and status. The compiled function
 * depends only on the schema, the context's shared schemas (`addSchema`) and the serializer
 * options, never on the route, so routes that agree on all three share it.
 *
 * Why it matters beyond start-up time: every fast-json-stringify compile leaves a new
 * property name (`__fjs_root_<n>`) on a plain `{}`, and V8 keeps those names as transitions
 * of the one map every `{}` starts from, up to a fixed limit. Filling that list during
 * start-up made V8 optimise Node's per-request `process.nextTick` into a slow runtime path
 * (docs/benchmarks.md, "How to profile").
 */
export function compileEachResponseSchemaOnce(): SerializerFactory {
  const build = SerializerSelector()
  /** Stands for "no options" as a WeakMap key. */
  const noOptions = {}
  // By the options object (Fastify passes every context the server's own), then by the
  // shared schemas: contexts that agree on both share compiled serializers.
  const caches = new WeakMap<object, Map<string, WeakMap<object, Serializer>>>()
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    const byExternalSchemas = caches.get(options ?? noOptions) ?? new Map<string, WeakMap<object, Serializer>>()
    caches.set(options ?? noOptions, byExternalSchemas)
    const key = JSON.stringify(externalSchemas ?? {})
    const compiled = byExternalSchemas.get(key) ?? new WeakMap<object, Serializer>()
    byExternalSchemas.set(key, compiled)
    return (route) => {
      const schema = route.schema
      if (typeof schema !== 'object' || schema === null) return compile(route)
      let serializer = compiled.get(schema)
      if (serializer === undefined) compiled.set(schema, (serializer = compile(route)))
      return serializer
    }
  }
}
