// The `node` devDependency carries a Node 24 binary from the npm registry, for machines
// whose Node is older than the project supports (docs/runtime.md). Where pnpm itself
// already runs on a supported Node, the package's download step is not allowed to run:
// no second runtime is fetched, and scripts use the Node at hand.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const supported = major > 22 || (major === 22 && minor >= 12)

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!supported) return config
      return {
        ...config,
        onlyBuiltDependencies: (config.onlyBuiltDependencies ?? []).filter((name) => name !== 'node'),
        ignoredBuiltDependencies: [...(config.ignoredBuiltDependencies ?? []), 'node'],
      }
    },
  },
}
